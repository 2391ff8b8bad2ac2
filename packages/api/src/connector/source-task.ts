import type { JsonMap, RecordPosition, SourceRecord } from '../records/record.js';
import type { TaskConfig } from './connector.js';
import type { Logger } from './logger.js';
import type { TaskMetricsReporter } from './metrics.js';

/** Reads the committed offsets of source partitions. */
export interface OffsetReader {
  /** The last committed offset of one source partition, or null when none was committed. */
  offset(partition: JsonMap): Promise<JsonMap | null>;
  /** Committed offsets of several partitions; partitions without one are absent from the result. */
  offsets(partitions: readonly JsonMap[]): Promise<ReadonlyArray<{ partition: JsonMap; offset: JsonMap }>>;
}

/** What the runtime offers a running source task. */
export interface SourceTaskContext {
  /** `<connector>-<task number>`, for logs. */
  readonly taskId: string;
  readonly connectorName: string;
  /** This task's configuration (as returned by the connector's `taskConfigs`). */
  readonly config: TaskConfig;
  /** Committed offsets, to resume where the previous run stopped. */
  readonly offsetReader: OffsetReader;
  readonly logger: Logger;
  /** Connector-specific metrics of this task (e.g. snapshot progress); absent in minimal test contexts. */
  readonly metrics?: TaskMetricsReporter;
}

/**
 * Reads from an external system and returns records. The runtime runs one `poll` at a time, converts
 * and transforms the records, produces them to the broker and commits their source offsets once every
 * earlier record was acknowledged (at-least-once).
 *
 * Lifecycle: `start` → `poll`* (with `commitRecord` and `commit` calls interleaved) → `stop`.
 */
export interface SourceTask {
  /**
   * Opens resources and reads the committed offset (through `context.offsetReader`) to resume from.
   * @throws ConfigError / ConnectError: the task is FAILED with the message in its status.
   */
  start(context: SourceTaskContext): void | Promise<void>;
  /**
   * Returns the next records, or null/empty when there is nothing now. May wait for data, but must resolve
   * promptly (with what it has, or null) once `signal` aborts: the runtime aborts to pause or stop the task.
   * Records are owned by the runtime after return.
   * @throws RetriableError for transient trouble: the runtime calls poll again after a backoff.
   *   Any other error fails the task.
   */
  poll(signal: AbortSignal): Promise<readonly SourceRecord[] | null>;
  /**
   * Called for each record once the broker acknowledged it (`position` = where it is stored), or with a null
   * position when a transform dropped it. Lets tasks acknowledge upstream record by record (e.g. a queue
   * source). Optional.
   */
  commitRecord?(record: SourceRecord, position: RecordPosition | null): void | Promise<void>;
  /**
   * Called after the runtime committed offsets of acknowledged records: a hook to acknowledge in bulk
   * upstream. Optional.
   */
  commit?(): void | Promise<void>;
  /** Releases resources. Called once, after the last poll has returned. Must not throw for a stopped task. */
  stop(): void | Promise<void>;
}
