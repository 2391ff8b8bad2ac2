import type {
  JsonMap,
  QueueOffset,
  SinkRecord,
  SinkTask,
  SourceRecord,
  SourceTask,
  TaskConfig,
  TopicQueue,
} from '@tributary/api';
import { queueKey } from '@tributary/api';
import {
  CapturingLogger,
  InMemoryOffsetStore,
  partitionKey,
  type RecordingSinkTaskContext,
  sinkTaskContext,
  sourceTaskContext,
} from './contexts.js';

export interface SourceHarnessOptions {
  readonly config: TaskConfig;
  /** Shared between task instances to test resuming; a fresh store by default. */
  readonly store?: InMemoryOffsetStore;
  readonly logger?: CapturingLogger;
  readonly connectorName?: string;
  readonly taskNumber?: number;
}

/**
 * Drives a source task the way the runtime does: start → poll* (acknowledging records and committing their
 * offsets into an in-memory store) → stop. Offsets reach the store only through {@link commit}, so a test
 * chooses exactly what a restarted task may resume from.
 */
export class SourceTaskHarness {
  readonly task: SourceTask;
  readonly store: InMemoryOffsetStore;
  readonly logger: CapturingLogger;
  readonly #options: SourceHarnessOptions;
  #brokerOffset = 0;
  #started = false;

  constructor(task: SourceTask, options: SourceHarnessOptions) {
    this.task = task;
    this.#options = options;
    this.store = options.store ?? new InMemoryOffsetStore();
    this.logger = options.logger ?? new CapturingLogger();
  }

  async start(): Promise<void> {
    await this.task.start(
      sourceTaskContext({
        config: this.#options.config,
        offsets: this.store,
        logger: this.logger,
        connectorName: this.#options.connectorName ?? 'conformance',
        taskNumber: this.#options.taskNumber ?? 0,
      }),
    );
    this.#started = true;
  }

  /** One poll; null becomes an empty list. */
  async poll(signal: AbortSignal = new AbortController().signal): Promise<readonly SourceRecord[]> {
    if (!this.#started) throw new Error('harness: start() first');
    const records = await this.task.poll(signal);
    if (records !== null && !Array.isArray(records)) throw new Error('poll must resolve an array or null');
    return records ?? [];
  }

  /**
   * Polls until at least `count` records arrived (empty polls included) and returns all of them, with the
   * size of each non-empty poll.
   */
  async pollUntil(count: number): Promise<{ records: SourceRecord[]; batches: number[] }> {
    const records: SourceRecord[] = [];
    const batches: number[] = [];
    while (records.length < count) {
      const batch = await this.poll();
      if (batch.length > 0) batches.push(batch.length);
      records.push(...batch);
    }
    return { records, batches };
  }

  /**
   * What the runtime does once the broker acknowledged `records` and the offset flush ran: `commitRecord`
   * per record, the latest offset per source partition into the store, then `commit`.
   */
  async commit(records: readonly SourceRecord[]): Promise<void> {
    const latest = new Map<string, { partition: JsonMap; offset: JsonMap }>();
    for (const record of records) {
      await this.task.commitRecord?.(record, { topic: record.topic, queue: 0, offset: this.#brokerOffset++ });
      latest.set(partitionKey(record.sourcePartition), {
        partition: record.sourcePartition,
        offset: record.sourceOffset,
      });
    }
    for (const { partition, offset } of latest.values()) this.store.commit(partition, offset);
    await this.task.commit?.();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }
}

export interface SinkHarnessOptions {
  readonly config: TaskConfig;
  readonly logger?: CapturingLogger;
  readonly connectorName?: string;
  readonly taskNumber?: number;
}

/**
 * Drives a sink task the way the runtime does: start → open → (put* → flush/preCommit)* with close/open on
 * reassignment → close → stop, tracking the next offset per queue as the offsets a commit would store.
 */
export class SinkTaskHarness {
  readonly task: SinkTask;
  readonly logger: CapturingLogger;
  readonly context: RecordingSinkTaskContext;
  readonly #next = new Map<string, QueueOffset>();

  constructor(task: SinkTask, options: SinkHarnessOptions) {
    this.task = task;
    this.logger = options.logger ?? new CapturingLogger();
    this.context = sinkTaskContext({
      config: options.config,
      logger: this.logger,
      connectorName: options.connectorName ?? 'conformance',
      taskNumber: options.taskNumber ?? 0,
    });
  }

  async start(): Promise<void> {
    await this.task.start(this.context);
  }

  async open(queues: readonly TopicQueue[]): Promise<void> {
    this.context.setAssignment([...this.context.assignment(), ...queues]);
    await this.task.open?.(queues);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    const assigned = new Set(this.context.assignment().map(queueKey));
    for (const r of records) {
      if (!assigned.has(queueKey(r))) throw new Error(`harness: record of unassigned queue ${queueKey(r)}`);
    }
    await this.task.put(records);
    for (const r of records) this.#next.set(queueKey(r), { topic: r.topic, queue: r.queue, offset: r.offset + 1 });
  }

  /** Flushes (through `preCommit` when the task has one) and returns the offsets a commit would store. */
  async commit(): Promise<readonly QueueOffset[]> {
    const assigned = new Set(this.context.assignment().map(queueKey));
    const offsets = [...this.#next.values()].filter((o) => assigned.has(queueKey(o)));
    if (this.task.preCommit !== undefined) return this.task.preCommit(offsets);
    await this.task.flush?.(offsets);
    return offsets;
  }

  async close(queues: readonly TopicQueue[]): Promise<void> {
    await this.task.close?.(queues);
    const gone = new Set(queues.map(queueKey));
    this.context.setAssignment(this.context.assignment().filter((q) => !gone.has(queueKey(q))));
    for (const key of gone) this.#next.delete(key);
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }
}
