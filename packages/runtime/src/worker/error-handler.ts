import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError, errorTrace, isRetriable, type Logger, type SourceRecord } from '@tributary/api';
import type { StoredMessage } from '../broker/broker.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';

/** Where in the pipeline an operation failed (Kafka's Stage names). */
export type Stage =
  | 'TASK_POLL'
  | 'TRANSFORMATION'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'BROKER_PRODUCE'
  | 'BROKER_CONSUME'
  | 'TASK_PUT';

/** Everything known about one failed record operation, for the error log and the dead-letter topic. */
export interface ErrorContext {
  readonly stage: Stage;
  /** Name of the plugin whose operation failed (transform, converter, connector). */
  readonly plugin: string;
  readonly error: unknown;
  /** The record as the source task produced it (source side). */
  readonly sourceRecord?: SourceRecord;
  /** The message as read from the broker (sink side): the original bytes. */
  readonly consumed?: StoredMessage;
  /** The record at the point of failure, for logs (sink side after conversion). */
  readonly record?: unknown;
}

/** Receives failed records: the error log, the dead-letter topic. */
export interface ErrorReporter {
  report(context: ErrorContext): Promise<void>;
}

export interface ErrorHandlingConfig {
  /** ms to keep retrying retriable failures; -1 = forever, 0 = never. */
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
  readonly tolerance: 'none' | 'all';
}

/** Returned by {@link ErrorHandler.handle} when the record is to be skipped. */
export const SKIP: unique symbol = Symbol('skip');

const RETRY_DELAY_MIN_MS = 300;

/** The task must fail: a record failed and `errors.tolerance=none`, with the original error as cause. */
export class ToleranceExceededError extends ConnectError {
  readonly stage: Stage;
  constructor(stage: Stage, plugin: string, cause: unknown) {
    super(
      `Tolerance exceeded in error handler: ${stage} failed in ${plugin}: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
    this.stage = stage;
  }
}

/**
 * Kafka's RetryWithToleranceOperator: the slow path taken when a record operation throws. Retriable
 * errors are retried with exponential backoff within `errors.retry.timeout`; then the record is either
 * skipped and reported (`errors.tolerance=all`) or the task fails (`none`, after logging if enabled).
 * The fast path (no error) never goes through here, so it costs nothing per record.
 */
export class ErrorHandler {
  readonly #config: ErrorHandlingConfig;
  readonly #reporters: readonly ErrorReporter[];
  readonly #metrics: TaskMetrics;
  readonly #signal: AbortSignal;

  constructor(
    config: ErrorHandlingConfig,
    reporters: readonly ErrorReporter[],
    metrics: TaskMetrics,
    signal: AbortSignal,
  ) {
    this.#config = config;
    this.#reporters = reporters;
    this.#metrics = metrics;
    this.#signal = signal;
  }

  get tolerance(): 'none' | 'all' {
    return this.#config.tolerance;
  }

  /**
   * Handles `error` thrown by `context.stage`. `retry` re-runs the failed operation; its result is returned
   * when a retry succeeds. Returns {@link SKIP} when the record is to be dropped (after reporting).
   * @throws ToleranceExceededError when the task must fail.
   */
  async handle<T>(context: ErrorContext, retry: () => T | Promise<T>): Promise<T | typeof SKIP> {
    let error = context.error;
    const started = Date.now();
    let delay = RETRY_DELAY_MIN_MS;
    this.#metrics.totalRecordFailures++;
    while (isRetriable(error) && this.#withinRetryTime(started) && !this.#signal.aborted) {
      await sleep(Math.min(delay, this.#remaining(started)), undefined, { signal: this.#signal }).catch(
        () => undefined,
      );
      if (this.#signal.aborted) break;
      delay = Math.min(delay * 2, this.#config.retryDelayMaxMs);
      this.#metrics.totalRetries++;
      try {
        return await retry();
      } catch (e) {
        error = e;
        this.#metrics.totalRecordFailures++;
      }
    }
    return this.fail({ ...context, error });
  }

  /**
   * A record failed for good (no retry left): report it and skip it, or fail the task.
   * @throws ToleranceExceededError when `errors.tolerance=none`.
   */
  async fail(context: ErrorContext): Promise<typeof SKIP> {
    this.#metrics.recordError();
    if (this.#config.tolerance === 'none') {
      // Kafka logs the failure (when enabled) but does not dead-letter it before failing the task.
      await Promise.all(this.#reporters.filter((r) => r instanceof LogReporter).map((r) => r.report(context)));
      throw new ToleranceExceededError(context.stage, context.plugin, context.error);
    }
    for (const reporter of this.#reporters) await reporter.report(context);
    this.#metrics.totalRecordsSkipped++;
    return SKIP;
  }

  #withinRetryTime(started: number): boolean {
    const t = this.#config.retryTimeoutMs;
    return t < 0 || Date.now() - started < t;
  }

  #remaining(started: number): number {
    const t = this.#config.retryTimeoutMs;
    return t < 0 ? Number.MAX_SAFE_INTEGER : Math.max(0, t - (Date.now() - started));
  }
}

/** `errors.log.enable`: logs each failure with its context; the record itself only with `include.messages`. */
export class LogReporter implements ErrorReporter {
  readonly #logger: Logger;
  readonly #includeMessages: boolean;
  readonly #metrics: TaskMetrics;
  readonly #taskId: string;

  constructor(logger: Logger, includeMessages: boolean, metrics: TaskMetrics, taskId: string) {
    this.#logger = logger;
    this.#includeMessages = includeMessages;
    this.#metrics = metrics;
    this.#taskId = taskId;
  }

  async report(context: ErrorContext): Promise<void> {
    const fields: Record<string, unknown> = {
      task: this.#taskId,
      stage: context.stage,
      plugin: context.plugin,
      error: errorTrace(context.error),
    };
    if (context.consumed !== undefined) {
      fields.topic = context.consumed.topic;
      fields.queue = context.consumed.queue;
      fields.offset = context.consumed.offset;
    }
    if (context.sourceRecord !== undefined) {
      fields.topic = context.sourceRecord.topic;
      fields.sourcePartition = context.sourceRecord.sourcePartition;
      fields.sourceOffset = context.sourceRecord.sourceOffset;
    }
    if (this.#includeMessages) {
      if (context.consumed !== undefined) {
        fields.key = bytesForLog(context.consumed.key);
        fields.value = bytesForLog(context.consumed.value);
      } else if (context.sourceRecord !== undefined) {
        fields.key = String(context.sourceRecord.key);
        fields.value = String(context.sourceRecord.value);
      }
    }
    this.#logger.error(
      `Error encountered in task ${this.#taskId} at stage ${context.stage} (${context.plugin})`,
      fields,
    );
    this.#metrics.totalErrorsLogged++;
  }
}

function bytesForLog(bytes: Uint8Array | null): string | null {
  if (bytes === null) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('utf8');
  return bytes.length > 1024 ? `${text}... (${bytes.length} bytes)` : text;
}

/** Work that fails at a named stage of the pipeline, for error context. */
export class StageFailure extends Error {
  readonly stage: Stage;
  readonly plugin: string;
  constructor(stage: Stage, plugin: string, cause: unknown) {
    super(`${stage} failed in ${plugin}`, { cause });
    this.stage = stage;
    this.plugin = plugin;
  }
}
