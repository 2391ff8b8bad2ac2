import type { QueueOffset, SinkRecord, TopicQueue } from '../records/record.js';
import type { TaskConfig } from './connector.js';
import type { Logger } from './logger.js';
import type { TaskMetricsReporter } from './metrics.js';

/**
 * Reports a record the sink task could not write, to the dead-letter topic and/or the error log, per the
 * connector's `errors.*` settings. With `errors.tolerance=none` reporting fails the task instead.
 * The returned promise resolves when the report is durable; wait for it before the record's offset may be
 * committed (or simply before returning from `put`).
 */
export interface ErrantRecordReporter {
  report(record: SinkRecord, error: Error): Promise<void>;
}

/** What the runtime offers a running sink task. */
export interface SinkTaskContext {
  readonly taskId: string;
  readonly connectorName: string;
  readonly config: TaskConfig;
  readonly logger: Logger;
  /** Connector-specific metrics of this task; absent in minimal test contexts. */
  readonly metrics?: TaskMetricsReporter;
  /** The queues currently assigned to this task. */
  assignment(): readonly TopicQueue[];
  /** Stops delivering records from these queues until resumed (their offsets stay where they are). */
  pause(queues: readonly TopicQueue[]): void;
  resume(queues: readonly TopicQueue[]): void;
  /** Queues currently paused by the task. */
  paused(): readonly TopicQueue[];
  /** Asks the runtime to flush and commit offsets soon, outside the regular interval. */
  requestCommit(): void;
  /**
   * Rewinds or skips: the next records of each queue start at the given offset (e.g. after the task found
   * its own committed position in the target system).
   */
  resetOffset(offsets: readonly QueueOffset[]): void;
  /** Reporter for single bad records; null when the runtime has none configured. */
  readonly errantRecordReporter: ErrantRecordReporter | null;
}

/**
 * Writes records from topics to an external system. The runtime pulls from the assigned queues, converts
 * and transforms, and calls `put` with batches; offsets are committed only after a successful
 * `flush`/`preCommit`, so everything committed is written (at-least-once).
 *
 * Lifecycle: `start` → `open` → (`put`* → `preCommit`/`flush`)* with `close`/`open` on reassignment → `close` → `stop`.
 */
export interface SinkTask {
  /** Opens resources. @throws ConnectError: the task is FAILED with the message in its status. */
  start(context: SinkTaskContext): void | Promise<void>;
  /** Queues newly assigned to the task (also at start). Optional. */
  open?(queues: readonly TopicQueue[]): void | Promise<void>;
  /**
   * Writes (or buffers) a batch. May be empty, to give the task a chance to make progress on buffered data.
   * @throws RetriableError: the runtime retries the same batch after a backoff (within
   *   `errors.retry.timeout`). Report single bad records through the ErrantRecordReporter instead of throwing.
   *   Any other error fails the task.
   */
  put(records: readonly SinkRecord[]): Promise<void>;
  /**
   * Makes everything passed to `put` durable. `offsets` are the next offsets to read per queue, which the
   * runtime will commit once this resolves. Optional when `put` writes synchronously.
   * Throwing (any error) makes the runtime skip this commit and rewind every queue to its last committed
   * offset: the records since then are delivered again, so nothing unflushed is lost.
   */
  flush?(offsets: readonly QueueOffset[]): Promise<void>;
  /**
   * Returns the offsets that are safe to commit (by default: flush, then all of `offsets`). Override to
   * commit less than what was put, e.g. when writes complete asynchronously. Throwing behaves as in
   * {@link flush}: no commit, rewind to the last committed offsets, redelivery.
   */
  preCommit?(offsets: readonly QueueOffset[]): Promise<readonly QueueOffset[]>;
  /** Queues taken away from the task (also before stop); drop their buffered records. Optional. */
  close?(queues: readonly TopicQueue[]): void | Promise<void>;
  /** Releases resources. Called once, after the last put/flush. */
  stop(): void | Promise<void>;
}
