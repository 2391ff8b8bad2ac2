import type {
  JsonMap,
  Logger,
  OffsetReader,
  QueueOffset,
  SinkTaskContext,
  SourceTaskContext,
  TaskConfig,
  TopicQueue,
} from '@tributary/api';

/** A stable text key of a JSON map (keys sorted), so equal partitions find each other. */
export function partitionKey(partition: JsonMap): string {
  return JSON.stringify(partition, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The runtime's side of source offsets, in memory: committed offset per source partition. */
export class InMemoryOffsetStore implements OffsetReader {
  readonly #offsets = new Map<string, { partition: JsonMap; offset: JsonMap }>();

  /** Stores the committed offset of one partition (what the runtime does after the broker acked). */
  commit(partition: JsonMap, offset: JsonMap): void {
    this.#offsets.set(partitionKey(partition), { partition, offset });
  }

  async offset(partition: JsonMap): Promise<JsonMap | null> {
    return this.#offsets.get(partitionKey(partition))?.offset ?? null;
  }

  async offsets(partitions: readonly JsonMap[]): Promise<ReadonlyArray<{ partition: JsonMap; offset: JsonMap }>> {
    const out: { partition: JsonMap; offset: JsonMap }[] = [];
    for (const p of partitions) {
      const found = this.#offsets.get(partitionKey(p));
      if (found !== undefined) out.push(found);
    }
    return out;
  }

  /** Every committed partition and offset. */
  entries(): ReadonlyArray<{ partition: JsonMap; offset: JsonMap }> {
    return [...this.#offsets.values()];
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

/** A logger that keeps every entry, so tests can assert what a plugin logged. */
export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level: 'error', message, fields });
  }
  /** Entries at one level. */
  at(level: LogLevel): LogEntry[] {
    return this.entries.filter((e) => e.level === level);
  }
}

export interface SourceContextInit {
  readonly config: TaskConfig;
  readonly offsets?: OffsetReader;
  readonly logger?: Logger;
  readonly connectorName?: string;
  readonly taskNumber?: number;
}

/** A source task context as the runtime would give it. */
export function sourceTaskContext(init: SourceContextInit): SourceTaskContext {
  const connectorName = init.connectorName ?? 'test-connector';
  return {
    taskId: `${connectorName}-${init.taskNumber ?? 0}`,
    connectorName,
    config: init.config,
    offsetReader: init.offsets ?? new InMemoryOffsetStore(),
    logger: init.logger ?? new CapturingLogger(),
  };
}

export interface SinkContextInit {
  readonly config: TaskConfig;
  readonly logger?: Logger;
  readonly connectorName?: string;
  readonly taskNumber?: number;
}

/** A sink task context whose assignment, pauses, commit requests and offset resets are recorded. */
export interface RecordingSinkTaskContext extends SinkTaskContext {
  /** Replaces the assignment the context reports (the harness does this around open/close). */
  setAssignment(queues: readonly TopicQueue[]): void;
  readonly commitRequests: number;
  readonly resets: readonly QueueOffset[];
}

export function sinkTaskContext(init: SinkContextInit): RecordingSinkTaskContext {
  const connectorName = init.connectorName ?? 'test-connector';
  let assignment: readonly TopicQueue[] = [];
  let paused: TopicQueue[] = [];
  let commitRequests = 0;
  const resets: QueueOffset[] = [];
  const same = (a: TopicQueue, b: TopicQueue): boolean => a.topic === b.topic && a.queue === b.queue;
  return {
    taskId: `${connectorName}-${init.taskNumber ?? 0}`,
    connectorName,
    config: init.config,
    logger: init.logger ?? new CapturingLogger(),
    errantRecordReporter: null,
    assignment: () => assignment,
    setAssignment: (queues) => {
      assignment = [...queues];
    },
    pause: (queues) => {
      for (const q of queues) if (!paused.some((p) => same(p, q))) paused.push(q);
    },
    resume: (queues) => {
      paused = paused.filter((p) => !queues.some((q) => same(p, q)));
    },
    paused: () => paused,
    requestCommit: () => {
      commitRequests++;
    },
    resetOffset: (offsets) => {
      resets.push(...offsets);
    },
    get commitRequests() {
      return commitRequests;
    },
    get resets() {
      return resets;
    },
  };
}
