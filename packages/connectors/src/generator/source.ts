import {
  ConfigError,
  ConnectError,
  type ConnectorConfig,
  type ExactlyOnceSupport,
  type JsonMap,
  type Logger,
  Schema,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  sourceRecord,
  type TaskConfig,
  type TaskMetricsReporter,
} from '@tributary/api';
import { sleep } from '../common/wait.js';
import {
  GENERATOR_FIELD,
  GENERATOR_SPEC,
  GENERATOR_TASK_SPEC,
  type GeneratorConfig,
  type KeyMode,
  SEQ_FIELD,
  TASK_COUNT_CONFIG,
  TASK_FIELD,
  TASK_INDEX_CONFIG,
  TASK_RATE_CONFIG,
} from './config.js';
import { TokenBucket } from './token-bucket.js';
import { GENERATOR_VALUE_SCHEMA, ValueFactory } from './values.js';

/**
 * Generates schema'd records for demos and benchmarks. `tasks.max` tasks share `rate` and `count` (a count
 * smaller than `tasks.max` gives fewer tasks, so no task is left with an unlimited share of 0).
 */
export class GeneratorConnector implements SourceConnector {
  #raw: ConnectorConfig | undefined;
  #config: GeneratorConfig | undefined;

  start(_context: SourceConnectorContext, config: ConnectorConfig): void {
    this.#config = GENERATOR_SPEC.parse(config, { subject: 'Generator configuration' });
    this.#raw = config;
  }

  taskConfigs(maxTasks: number): readonly TaskConfig[] {
    const config = this.#config;
    const raw = this.#raw;
    if (config === undefined || raw === undefined) throw new ConnectError('Generator connector is not started');
    const count = config.count;
    const tasks = Math.max(1, count > 0 ? Math.min(maxTasks, count) : maxTasks);
    return Array.from({ length: tasks }, (_, i) => ({
      ...raw,
      [TASK_INDEX_CONFIG]: String(i),
      [TASK_RATE_CONFIG]: String(config.rate / tasks),
      [TASK_COUNT_CONFIG]: String(count === 0 ? 0 : Math.floor(count / tasks) + (i < count % tasks ? 1 : 0)),
    }));
  }

  stop(): void {
    this.#config = undefined;
    this.#raw = undefined;
  }

  /** Records are a pure function of their sequence number, and a task resumes exactly after its offset. */
  exactlyOnceSupport(): ExactlyOnceSupport {
    return 'supported';
  }

  /** Accepts offsets `{seq: <non-negative integer>}` (or null) for partitions `{generator, task}`. */
  alterOffsets(
    _config: ConnectorConfig,
    offsets: ReadonlyArray<{ readonly partition: JsonMap; readonly offset: JsonMap | null }>,
  ): boolean {
    for (const { partition, offset } of offsets) {
      if (typeof partition[GENERATOR_FIELD] !== 'string' || !isCount(partition[TASK_FIELD])) {
        throw new ConfigError(
          `Generator partitions look like {"${GENERATOR_FIELD}": "<connector>", "${TASK_FIELD}": <task number>}, got ${JSON.stringify(partition)}`,
        );
      }
      if (offset !== null && !isCount(offset[SEQ_FIELD])) {
        throw new ConfigError(
          `Generator offsets look like {"${SEQ_FIELD}": <non-negative integer>} or null, got ${JSON.stringify(offset)}`,
        );
      }
    }
    return true;
  }
}

const MIN_BATCH_SECONDS = 0.05;

/** Clock and tuning of {@link GeneratorTask}; the plugin creates tasks with the defaults. */
export interface GeneratorTaskOptions {
  /** Monotonic milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  /** Waits `ms` or until the signal aborts. Default a timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<'timeout' | 'aborted'>;
  /** Longest one poll waits for tokens, or waits at all once the count is reached, in ms. Default 1000. */
  readonly maxWaitMs?: number;
}

/**
 * Generates records `{seq, task, timestamp, ...}` with sequence numbers 0, 1, 2, ... per task: source
 * partition `{generator: <connector name>, task: n}`, source offset `{seq}`. After a restart it continues
 * at the committed seq + 1. Pacing is a token bucket on a monotonic clock.
 */
export class GeneratorTask implements SourceTask {
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<'timeout' | 'aborted'>;
  readonly #maxWaitMs: number;
  #topic = '';
  #batchSize = 1;
  #keyMode: KeyMode = 'none';
  #count = 0;
  #nextSeq = 0;
  #partition: JsonMap = {};
  #bucket: TokenBucket | undefined;
  #minBatch = 1;
  #values: ValueFactory | undefined;
  #logger: Logger | undefined;
  #metrics: TaskMetricsReporter | undefined;
  #reportedDone = false;
  #started = false;

  constructor(options: GeneratorTaskOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? sleep;
    this.#maxWaitMs = options.maxWaitMs ?? 1000;
  }

  async start(context: SourceTaskContext): Promise<void> {
    const config = GENERATOR_TASK_SPEC.parse(context.config, { subject: 'Generator task configuration' });
    const task = config[TASK_INDEX_CONFIG];
    const rate = config[TASK_RATE_CONFIG] ?? config.rate;
    this.#topic = config.topic;
    this.#batchSize = config['batch.size'];
    this.#keyMode = config.key;
    this.#count = config[TASK_COUNT_CONFIG] ?? config.count;
    this.#logger = context.logger;
    this.#metrics = context.metrics;
    this.#partition = Object.freeze({ [GENERATOR_FIELD]: context.connectorName, [TASK_FIELD]: task });
    const committed = await context.offsetReader.offset(this.#partition);
    const last = committed?.[SEQ_FIELD];
    if (last !== undefined && last !== null && !isCount(last)) {
      throw new ConnectError(
        `Committed generator offset has the wrong type: expected a non-negative integer '${SEQ_FIELD}', got ${JSON.stringify(last)}`,
      );
    }
    this.#nextSeq = last === undefined || last === null ? 0 : last + 1;
    this.#values = new ValueFactory(task, config['record.size']);
    this.#bucket = rate > 0 ? new TokenBucket(rate, this.#now()) : undefined;
    // Gather ~50 ms of records per poll rather than one per poll at moderate rates: the average rate is the
    // same, and the runtime sends fewer, larger batches.
    this.#minBatch = Math.max(1, Math.min(this.#batchSize, Math.floor(rate * MIN_BATCH_SECONDS)));
    this.#reportedDone = false;
    this.#started = true;
    context.logger.debug(`Generator task ${task} starts at seq ${this.#nextSeq}`, {
      task,
      seq: this.#nextSeq,
      rate,
      count: this.#count,
    });
  }

  async poll(signal: AbortSignal): Promise<readonly SourceRecord[] | null> {
    if (!this.#started) return null;
    let n = this.#batchSize;
    if (this.#count > 0) {
      const remaining = this.#count - this.#nextSeq;
      if (remaining <= 0) {
        if (!this.#reportedDone) {
          this.#logger?.info(`Generated all ${this.#count} records of this task`, { count: this.#count });
          this.#reportedDone = true;
        }
        await this.#sleep(this.#maxWaitMs, signal);
        return null;
      }
      n = Math.min(n, remaining);
    }
    const bucket = this.#bucket;
    if (bucket !== undefined) {
      const wait = bucket.msUntil(Math.min(n, this.#minBatch), this.#now());
      if (wait > 0 && (await this.#sleep(Math.min(wait, this.#maxWaitMs), signal)) === 'aborted') return null;
      n = bucket.take(n, this.#now());
      if (n === 0) return null;
    }
    return this.#generate(n);
  }

  stop(): void {
    this.#started = false;
  }

  #generate(n: number): SourceRecord[] {
    const values = this.#values!;
    const timestamp = Date.now();
    const keyed = this.#keyMode === 'seq';
    const records = new Array<SourceRecord>(n);
    for (let i = 0; i < n; i++) {
      const seq = this.#nextSeq++;
      records[i] = sourceRecord({
        sourcePartition: this.#partition,
        sourceOffset: { [SEQ_FIELD]: seq },
        topic: this.#topic,
        keySchema: keyed ? Schema.INT64 : null,
        key: keyed ? BigInt(seq) : null,
        valueSchema: GENERATOR_VALUE_SCHEMA,
        value: values.value(seq, timestamp),
        timestamp,
      });
    }
    this.#metrics?.gauge(
      'generator_next_seq',
      this.#nextSeq,
      'Sequence number of the next record this task generates.',
    );
    return records;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
