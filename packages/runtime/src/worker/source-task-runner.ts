import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  BackOffError,
  errorTrace,
  isRetriable,
  type JsonMap,
  type OffsetReader,
  type RecordPosition,
  type SourceConnectorPlugin,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  type TaskConfig,
} from '@tributary/api';
import type { BrokerHeader, OutgoingMessage } from '../broker/broker.js';
import type { OffsetStore } from '../storage/stores.js';
import { type ErrorContext, SKIP, StageFailure } from './error-handler.js';
import { type SubmittedBatch, SubmittedOffsets } from './submitted-offsets.js';
import { applyTransforms } from './task-plugins.js';
import { TaskRunner, type TaskRunnerOptions } from './task-runner.js';

export interface SourceTaskRunnerOptions extends TaskRunnerOptions {
  readonly plugin: SourceConnectorPlugin;
  readonly taskConfig: TaskConfig;
  readonly offsetStore: OffsetStore;
  /** Batches sent but not acknowledged before polling waits (back-pressure). */
  readonly maxInFlightBatches: number;
  /** Queues of topics this task creates. */
  readonly topicQueues: number;
  /** RocketMQ Connect's `connect.topicname`: topic for records that leave theirs empty. */
  readonly defaultTopic: string;
  /** Called the first time the task writes to a topic (active topic tracking). */
  readonly onTopicUsed: (topic: string) => void;
}

const EMPTY_HEADERS: readonly BrokerHeader[] = Object.freeze([]);
const MAX_POLL_BACKOFF_MS = 10_000;

/**
 * Runs one source task: poll → transforms → converters → send to the broker, with several batches in
 * flight (bounded: polling waits when `maxInFlightBatches` are unacknowledged), and commits source offsets
 * only up to the last contiguously acknowledged record, every `offset.flush.interval.ms` and on stop.
 */
export class SourceTaskRunner extends TaskRunner {
  readonly #opts: SourceTaskRunnerOptions;
  #task: SourceTask | null = null;
  #pollController: AbortController | null = null;
  readonly #submitted = new SubmittedOffsets();
  readonly #inFlight = new Set<Promise<void>>();
  /** Committable offsets not yet durable, by canonical partition. */
  readonly #toCommit = new Map<string, { partition: JsonMap; offset: JsonMap }>();
  #committing: Promise<void> | null = null;
  readonly #knownTopics = new Set<string>();
  #sendError: unknown = null;
  #commitRecord: ((record: SourceRecord, position: RecordPosition | null) => void | Promise<void>) | null = null;

  constructor(options: SourceTaskRunnerOptions) {
    super(options);
    this.#opts = options;
  }

  protected override async startTask(): Promise<void> {
    const { connector, offsetStore } = this.#opts;
    const offsetReader: OffsetReader = {
      offset: async (partition) => offsetStore.get(connector, [partition])[0]?.offset ?? null,
      offsets: async (partitions) => offsetStore.get(connector, partitions),
    };
    const context: SourceTaskContext = {
      taskId: this.id,
      connectorName: connector,
      config: this.#opts.taskConfig,
      offsetReader,
      logger: this.#opts.logger,
      metrics: this.#opts.metrics.reporter,
    };
    const task = this.#opts.plugin.createTask();
    this.#task = task;
    if (typeof task.commitRecord === 'function') this.#commitRecord = task.commitRecord.bind(task);
    await task.start(context);
  }

  protected override onPause(): void {
    this.#pollController?.abort();
  }

  protected override onStopRequested(): void {
    this.#pollController?.abort();
  }

  protected override async run(): Promise<void> {
    const task = this.#task!;
    const { metrics, maxInFlightBatches } = this.#opts;
    let backoff = 100;
    while (!this.stopping) {
      if (this.#sendError !== null) throw this.#sendError;
      if (this.paused) {
        await this.waitForResume();
        continue;
      }
      if (this.#inFlight.size >= maxInFlightBatches) {
        await Promise.race(this.#inFlight);
        continue;
      }
      const controller = new AbortController();
      this.#pollController = controller;
      const started = performance.now();
      let records: readonly SourceRecord[] | null;
      try {
        records = await task.poll(controller.signal);
      } catch (e) {
        if (!isRetriable(e) || this.stopping) throw new StageFailure('TASK_POLL', this.#opts.plugin.name, e);
        metrics.totalRetries++;
        const wait = e instanceof BackOffError ? e.waitMs : backoff;
        this.#opts.logger.warn(`Task ${this.id}: retriable error from poll, retrying in ${wait} ms`, {
          error: errorTrace(e),
        });
        await this.pauseFor(wait);
        backoff = Math.min(backoff * 2, MAX_POLL_BACKOFF_MS);
        continue;
      } finally {
        this.#pollController = null;
      }
      backoff = 100;
      if (records === null || records.length === 0) {
        // A task that returns nothing right away must not starve the event loop.
        await yieldToLoop();
        continue;
      }
      metrics.recordsPolled(records.length, performance.now() - started);
      await this.#send(records);
    }
  }

  /** Transforms and converts a poll's records and sends them as one batch. */
  async #send(records: readonly SourceRecord[]): Promise<void> {
    const messages: OutgoingMessage[] = [];
    // Records are kept until acknowledged only for the task's commitRecord: otherwise they are garbage
    // once converted, while their batch is in flight.
    const keep = this.#commitRecord !== null;
    const sent: SourceRecord[] = [];
    const dropped: SourceRecord[] = [];
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      let message: OutgoingMessage | null;
      try {
        message = this.#toMessage(record);
      } catch (e) {
        message = await this.#recover(record, e);
      }
      if (message === null) {
        if (keep) dropped.push(record);
        continue;
      }
      if (!this.#knownTopics.has(message.topic)) await this.#prepareTopic(message.topic);
      messages.push(message);
      if (keep) sent.push(record);
      bytes += (message.value?.length ?? 0) + (message.key?.length ?? 0);
    }
    // Dropped and dead-lettered records are part of the batch: their offsets become committable only when
    // every record before them is acknowledged.
    const batch = this.#submitted.submit(records);
    const count = records.length;
    this.#opts.metrics.sourceRecordActiveCount += count;
    if (messages.length === 0) {
      this.#acknowledge(batch, count, sent, null, dropped, 0);
      return;
    }
    const inFlight = this.#sendWithRetry(messages).then(
      (positions) => this.#acknowledge(batch, count, sent, positions, dropped, bytes),
      (e) => {
        this.#sendError = new StageFailure('BROKER_PRODUCE', this.options.broker.kind, e);
        this.#pollController?.abort();
      },
    );
    this.#inFlight.add(inFlight);
    void inFlight.finally(() => this.#inFlight.delete(inFlight));
  }

  /** Sends, retrying retriable broker errors within `errors.retry.timeout`; other errors fail the task. */
  async #sendWithRetry(messages: OutgoingMessage[]) {
    const { broker, errors } = this.#opts;
    const started = Date.now();
    let delay = 300;
    for (;;) {
      try {
        return await broker.send(messages);
      } catch (e) {
        const withinTimeout = errors.retryTimeoutMs < 0 || Date.now() - started < errors.retryTimeoutMs;
        if (!isRetriable(e) || !withinTimeout || this.stopping) throw e;
        this.#opts.metrics.totalRetries++;
        this.#opts.logger.warn(`Task ${this.id}: retriable error from the broker, retrying in ${delay} ms`, {
          error: errorTrace(e),
        });
        await this.pauseFor(delay);
        delay = Math.min(delay * 2, errors.retryDelayMaxMs);
      }
    }
  }

  #acknowledge(
    batch: SubmittedBatch,
    count: number,
    sent: readonly SourceRecord[],
    positions: readonly RecordPosition[] | null,
    dropped: readonly SourceRecord[],
    bytes: number,
  ): void {
    this.#submitted.ack(batch);
    const { metrics } = this.#opts;
    metrics.sourceRecordActiveCount -= count;
    if (positions !== null) metrics.recordsWritten(positions.length, bytes);
    const commitRecord = this.#commitRecord;
    if (commitRecord === null) return;
    const call = (record: SourceRecord, position: RecordPosition | null) => {
      try {
        const done = commitRecord(record, position);
        if (done instanceof Promise) done.catch((e) => this.#warnCommitRecord(e));
      } catch (e) {
        this.#warnCommitRecord(e);
      }
    };
    if (positions !== null) for (let i = 0; i < sent.length; i++) call(sent[i]!, positions[i] ?? null);
    for (const r of dropped) call(r, null);
  }

  #warnCommitRecord(e: unknown): void {
    this.#opts.logger.warn(`Task ${this.id}: commitRecord threw`, { error: errorTrace(e) });
  }

  /** Transforms and converts one record; throws StageFailure naming the failing stage. */
  #toMessage(original: SourceRecord): OutgoingMessage | null {
    const record = applyTransforms(original, this.#opts.transforms);
    if (record === null) return null;
    const c = this.#opts.converters;
    const topic = record.topic === '' && this.#opts.defaultTopic !== '' ? this.#opts.defaultTopic : record.topic;
    let key: Uint8Array | null;
    let value: Uint8Array | null;
    try {
      key = c.key.fromConnectData(topic, record.headers, record.keySchema, record.key);
    } catch (e) {
      throw new StageFailure('KEY_CONVERTER', c.keyName, e);
    }
    try {
      value = c.value.fromConnectData(topic, record.headers, record.valueSchema, record.value);
    } catch (e) {
      throw new StageFailure('VALUE_CONVERTER', c.valueName, e);
    }
    let headers = EMPTY_HEADERS;
    if (record.headers.size > 0) {
      const out: BrokerHeader[] = [];
      try {
        for (const h of record.headers)
          out.push({ key: h.key, value: c.header.fromConnectHeader(topic, h.key, h.schema, h.value) });
      } catch (e) {
        throw new StageFailure('HEADER_CONVERTER', c.headerName, e);
      }
      headers = out;
    }
    return {
      topic,
      queue: record.queue ?? undefined,
      key,
      value,
      headers,
      timestamp: record.timestamp ?? Date.now(),
    };
  }

  /** The slow path of a failed record: retry, skip and report, or fail the task. */
  async #recover(record: SourceRecord, error: unknown): Promise<OutgoingMessage | null> {
    const failure = error instanceof StageFailure ? error : new StageFailure('TRANSFORMATION', 'unknown', error);
    const context: ErrorContext = {
      stage: failure.stage,
      plugin: failure.plugin,
      error: failure.cause,
      sourceRecord: record,
    };
    const result = await this.errorHandler.handle(context, () => this.#toMessage(record));
    return result === SKIP ? null : result;
  }

  async #prepareTopic(topic: string): Promise<void> {
    await this.#opts.broker.ensureTopic(topic, this.#opts.topicQueues);
    this.#knownTopics.add(topic);
    this.#opts.onTopicUsed(topic);
  }

  protected override commit(final: boolean): Promise<void> {
    if (this.#committing !== null) {
      // A commit is running; a final one must still run after it to include the last acknowledgements.
      return final ? this.#committing.then(() => this.commit(true)) : this.#committing;
    }
    this.#committing = this.#commitOnce(final).finally(() => {
      this.#committing = null;
    });
    return this.#committing;
  }

  async #commitOnce(final: boolean): Promise<void> {
    const { offsetStore, connector, metrics, offsetFlushTimeoutMs } = this.#opts;
    if (final && this.#inFlight.size > 0) {
      await Promise.race([
        Promise.allSettled([...this.#inFlight]),
        new Promise((r) => setTimeout(r, offsetFlushTimeoutMs)),
      ]);
    }
    for (const c of this.#submitted.committable())
      this.#toCommit.set(c.key, { partition: c.partition, offset: c.offset });
    if (this.#toCommit.size === 0) return;
    const entries = [...this.#toCommit];
    const started = performance.now();
    try {
      await this.#opts.broker.flush?.();
      await withTimeout(
        offsetStore.set(
          connector,
          entries.map(([, e]) => e),
        ),
        offsetFlushTimeoutMs,
        'source offset commit',
      );
      for (const [key, e] of entries) if (this.#toCommit.get(key) === e) this.#toCommit.delete(key);
      metrics.offsetCommitted(true, performance.now() - started);
    } catch (e) {
      metrics.offsetCommitted(false, performance.now() - started);
      this.#opts.logger.error(`Task ${this.id}: offset commit failed; will retry at the next interval`, {
        error: errorTrace(e),
      });
      return;
    }
    try {
      await this.#task?.commit?.();
    } catch (e) {
      this.#opts.logger.warn(`Task ${this.id}: commit hook threw`, { error: errorTrace(e) });
    }
  }

  protected override async close(): Promise<void> {
    await this.#task?.stop();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
