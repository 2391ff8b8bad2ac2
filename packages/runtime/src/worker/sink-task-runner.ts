import { performance } from 'node:perf_hooks';
import {
  BackOffError,
  type ErrantRecordReporter,
  errorTrace,
  type Header,
  Headers,
  isRetriable,
  type QueueOffset,
  type SinkConnectorPlugin,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TaskConfig,
  type TopicQueue,
} from '@tributary/api';
import type { BrokerConsumer, StoredMessage, TopicQueueRef } from '../broker/broker.js';
import { type ErrorContext, SKIP, StageFailure } from './error-handler.js';
import { queuesForTask, type SinkSubscription, subscribedTopics } from './sink-assignment.js';
import { applyTransforms } from './task-plugins.js';
import { TaskRunner, type TaskRunnerOptions } from './task-runner.js';

export interface SinkTaskRunnerOptions extends TaskRunnerOptions {
  readonly plugin: SinkConnectorPlugin;
  readonly taskConfig: TaskConfig;
  readonly subscription: SinkSubscription;
  /** Number of tasks of the connector (queues are dealt over them). */
  readonly taskCount: number;
  readonly groupId: string;
  readonly startAt: 'earliest' | 'latest';
  readonly maxPollRecords: number;
  /** Flush and commit after this many records since the last flush (0 = by interval only). */
  readonly flushMaxRecords: number;
  /** Queues of subscribed topics the sink creates when missing. */
  readonly topicQueues: number;
  /** How often the subscription is re-resolved (new topics for a pattern). */
  readonly subscriptionRefreshMs: number;
  readonly onTopicUsed: (topic: string) => void;
}

const POLL_WAIT_MS = 500;
const LAG_REFRESH_MS = 1000;

const queueId = (q: TopicQueueRef): string => `${q.topic}/${q.queue}`;

/**
 * Runs one sink task: read its queues → converters → transforms → put; flush and commit group offsets on
 * the interval (and after `flushMaxRecords`), only after a successful flush, so everything committed was
 * written. Retriable put errors redeliver the same batch with backoff. Flushes run on the task loop, never
 * concurrently with put.
 */
export class SinkTaskRunner extends TaskRunner {
  readonly #opts: SinkTaskRunnerOptions;
  #task: SinkTask | null = null;
  #consumer: BrokerConsumer | null = null;
  #assignment: TopicQueueRef[] = [];
  readonly #taskPaused = new Map<string, TopicQueueRef>();
  /** Next offset to commit per queue, advanced after each successful put. */
  readonly #current = new Map<string, QueueOffset>();
  readonly #committed = new Map<string, number>();
  readonly #origin = new WeakMap<SinkRecord, StoredMessage>();
  #recordsSinceFlush = 0;
  #commitRequested = false;
  #commitDue = false;
  #nextRefreshAt = 0;
  #nextLagAt = 0;
  #reporterFailure: unknown = null;
  #sinceCommitMs = performance.now();

  constructor(options: SinkTaskRunnerOptions) {
    super(options);
    this.#opts = options;
  }

  protected override async startTask(): Promise<void> {
    const task = this.#opts.plugin.createTask();
    this.#task = task;
    this.#consumer = this.#opts.broker.createConsumer();
    const reporter: ErrantRecordReporter = {
      report: (record, error) => this.#reportErrant(record, error),
    };
    const context: SinkTaskContext = {
      taskId: this.id,
      connectorName: this.#opts.connector,
      config: this.#opts.taskConfig,
      logger: this.#opts.logger,
      metrics: this.#opts.metrics.reporter,
      assignment: () => this.#assignment.map((q) => ({ topic: q.topic, queue: q.queue })),
      pause: (queues) => {
        for (const q of queues) this.#taskPaused.set(queueId(q), q);
        this.#consumer?.pause(queues);
      },
      resume: (queues) => {
        for (const q of queues) this.#taskPaused.delete(queueId(q));
        this.#consumer?.resume(queues);
      },
      paused: () => [...this.#taskPaused.values()],
      requestCommit: () => {
        this.#commitRequested = true;
      },
      resetOffset: (offsets) => {
        for (const o of offsets) {
          this.#consumer?.seek(o, o.offset);
          this.#current.set(queueId(o), { topic: o.topic, queue: o.queue, offset: o.offset });
        }
      },
      errantRecordReporter: reporter,
    };
    await task.start(context);
    await this.#refreshAssignment();
  }

  protected override async run(): Promise<void> {
    const consumer = this.#consumer!;
    const { maxPollRecords, flushMaxRecords, offsetFlushIntervalMs, subscriptionRefreshMs } = this.#opts;
    while (!this.stopping) {
      if (this.#reporterFailure !== null) throw this.#reporterFailure;
      if (this.paused) {
        await this.waitForResume();
        continue;
      }
      const now = performance.now();
      if (now >= this.#nextRefreshAt) {
        await this.#refreshAssignment();
        this.#nextRefreshAt = now + subscriptionRefreshMs;
      }
      if (now >= this.#nextLagAt) {
        this.#nextLagAt = now + LAG_REFRESH_MS;
        void this.#updateLag();
      }
      const messages = await consumer.poll(maxPollRecords, POLL_WAIT_MS, this.stopController.signal);
      if (messages.length > 0) await this.#deliver(messages);
      if (
        this.#commitDue ||
        this.#commitRequested ||
        performance.now() - this.#sinceCommitMs >= offsetFlushIntervalMs ||
        (flushMaxRecords > 0 && this.#recordsSinceFlush >= flushMaxRecords)
      ) {
        await this.#commitNow();
      }
    }
  }

  /** Converts, transforms and puts one batch; advances offsets once put succeeded. */
  async #deliver(messages: readonly StoredMessage[]): Promise<void> {
    const { metrics } = this.#opts;
    let bytes = 0;
    for (const m of messages) bytes += m.size;
    metrics.recordsRead(messages.length, bytes);
    const records: SinkRecord[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      let record: SinkRecord | null;
      try {
        record = this.#toRecord(m);
      } catch (e) {
        const failure = e instanceof StageFailure ? e : new StageFailure('VALUE_CONVERTER', 'unknown', e);
        const context: ErrorContext = {
          stage: failure.stage,
          plugin: failure.plugin,
          error: failure.cause,
          consumed: m,
        };
        const result = await this.errorHandler.handle(context, () => this.#toRecord(m));
        record = result === SKIP ? null : result;
      }
      if (record !== null) {
        this.#origin.set(record, m);
        records.push(record);
      }
    }
    // A batch abandoned because the task is stopping is not committed: it is read again after restart.
    if (!(await this.#put(records))) return;
    const now = Date.now();
    const latency = metrics.latencyMs;
    let previous: StoredMessage | null = null;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      // A poll returns runs of one queue: record the next offset once per run, not per message.
      if (previous !== null && (previous.queue !== m.queue || previous.topic !== m.topic)) this.#advance(previous);
      previous = m;
      const ms = now - m.timestamp;
      if (ms >= 0) latency.observe(ms);
    }
    if (previous !== null) this.#advance(previous);
    this.#recordsSinceFlush += messages.length;
  }

  #advance(last: StoredMessage): void {
    this.#current.set(queueId(last), { topic: last.topic, queue: last.queue, offset: last.offset + 1 });
  }

  /** put with redelivery of the same batch on retriable errors (Kafka semantics: until it succeeds or the task stops). */
  async #put(records: SinkRecord[]): Promise<boolean> {
    const task = this.#task!;
    const { metrics } = this.#opts;
    let delay = 300;
    for (;;) {
      const started = performance.now();
      try {
        await task.put(records);
        metrics.recordsPut(records.length, performance.now() - started);
        return true;
      } catch (e) {
        if (!isRetriable(e)) throw new StageFailure('TASK_PUT', this.#opts.plugin.name, e);
        if (this.stopping) return false;
        metrics.totalRetries++;
        // A BackOffError says how long to wait; otherwise back off exponentially.
        const wait = e instanceof BackOffError ? e.waitMs : delay;
        this.#opts.logger.warn(`Task ${this.id}: retriable error from put, redelivering the batch in ${wait} ms`, {
          error: errorTrace(e),
        });
        await this.pauseFor(wait);
        delay = Math.min(delay * 2, this.#opts.errors.retryDelayMaxMs);
      }
    }
  }

  #toRecord(m: StoredMessage): SinkRecord | null {
    const c = this.#opts.converters;
    let headers = Headers.EMPTY;
    if (m.headers.length > 0) {
      const list: Header[] = [];
      try {
        for (const h of m.headers) {
          const sv = c.header.toConnectHeader(m.topic, h.key, h.value);
          list.push({ key: h.key, schema: sv.schema, value: sv.value });
        }
      } catch (e) {
        throw new StageFailure('HEADER_CONVERTER', c.headerName, e);
      }
      headers = Headers.of(list);
    }
    let key: ReturnType<typeof c.key.toConnectData>;
    let value: ReturnType<typeof c.value.toConnectData>;
    try {
      key = c.key.toConnectData(m.topic, headers, m.key);
    } catch (e) {
      throw new StageFailure('KEY_CONVERTER', c.keyName, e);
    }
    try {
      value = c.value.toConnectData(m.topic, headers, m.value);
    } catch (e) {
      throw new StageFailure('VALUE_CONVERTER', c.valueName, e);
    }
    const record: SinkRecord = {
      topic: m.topic,
      queue: m.queue,
      offset: m.offset,
      keySchema: key.schema,
      key: key.value,
      valueSchema: value.schema,
      value: value.value,
      timestamp: m.timestamp,
      timestampType: 'create',
      headers,
    };
    return applyTransforms(record, this.#opts.transforms);
  }

  async #reportErrant(record: SinkRecord, error: Error): Promise<void> {
    const consumed = this.#origin.get(record);
    const context: ErrorContext = {
      stage: 'TASK_PUT',
      plugin: this.#opts.plugin.name,
      error,
      record,
      ...(consumed === undefined ? {} : { consumed }),
    };
    try {
      await this.errorHandler.fail(context);
    } catch (e) {
      // With errors.tolerance=none the task fails even if the connector ignores the rejected promise.
      this.#reporterFailure ??= e;
      throw e;
    }
  }

  /** Re-resolves the subscription and moves the task to the queues it should read now. */
  async #refreshAssignment(): Promise<void> {
    const { broker, subscription, task, taskCount, topicQueues, groupId, startAt } = this.#opts;
    const topics = await subscribedTopics(broker, subscription, topicQueues);
    const wanted = queuesForTask(topics, task, taskCount);
    const wantedIds = new Set(wanted.map(queueId));
    const currentIds = new Set(this.#assignment.map(queueId));
    const removed = this.#assignment.filter((q) => !wantedIds.has(queueId(q)));
    const added = wanted.filter((q) => !currentIds.has(queueId(q)));
    if (removed.length === 0 && added.length === 0) return;
    const consumer = this.#consumer!;
    if (removed.length > 0) {
      await this.#commitNow();
      await this.#task?.close?.(removed.map((q) => ({ topic: q.topic, queue: q.queue })));
      for (const q of removed) {
        this.#current.delete(queueId(q));
        this.#committed.delete(queueId(q));
      }
    }
    consumer.assign(wanted);
    if (added.length > 0) {
      const committed = await broker.fetchGroupOffsets(groupId, added);
      const byId = new Map(committed.map((c) => [queueId(c), c.offset]));
      for (const q of added) {
        const offset = byId.get(queueId(q));
        consumer.seek(q, offset ?? startAt);
        if (offset !== undefined) this.#committed.set(queueId(q), offset);
      }
      for (const t of new Set(added.map((q) => q.topic))) this.#opts.onTopicUsed(t);
      await this.#task?.open?.(added.map((q) => ({ topic: q.topic, queue: q.queue })));
    }
    this.#assignment = wanted;
    this.#opts.metrics.partitionCount = wanted.length;
  }

  async #updateLag(): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === null) return;
    const lags = this.#opts.metrics.lagByQueue;
    try {
      for (const q of this.#assignment) {
        const range = await this.#opts.broker.queueRange(q);
        lags.set(queueId(q), Math.max(0, range.end - consumer.position(q)));
      }
    } catch {
      // Lag is informational; the next refresh tries again.
    }
  }

  protected override commit(final: boolean): Promise<void> {
    // The interval timer only marks the commit due: flush must not run concurrently with put.
    if (!final) {
      this.#commitDue = true;
      return Promise.resolve();
    }
    return this.#commitNow();
  }

  /** preCommit/flush, then commit the group offsets the task declared safe. */
  async #commitNow(): Promise<void> {
    this.#commitDue = false;
    this.#commitRequested = false;
    this.#sinceCommitMs = performance.now();
    const task = this.#task;
    if (task === null) return;
    const offsets = [...this.#current.values()];
    const changed = offsets.filter((o) => this.#committed.get(queueId(o)) !== o.offset);
    if (changed.length === 0) return;
    const { metrics, broker, groupId } = this.#opts;
    const started = performance.now();
    let safe: readonly QueueOffset[];
    try {
      if (typeof task.preCommit === 'function') {
        safe = await task.preCommit(offsets);
      } else {
        await task.flush?.(offsets);
        safe = offsets;
      }
    } catch (e) {
      metrics.offsetCommitted(false, performance.now() - started);
      this.#opts.logger.error(`Task ${this.id}: flush failed; rewinding to the last committed offsets`, {
        error: errorTrace(e),
      });
      this.#rewind();
      return;
    }
    const assigned = new Set(this.#assignment.map(queueId));
    const toCommit = safe.filter((o) => assigned.has(queueId(o)) && this.#committed.get(queueId(o)) !== o.offset);
    this.#recordsSinceFlush = 0;
    if (toCommit.length === 0) return;
    try {
      await broker.commitGroupOffsets(groupId, toCommit);
      for (const o of toCommit) this.#committed.set(queueId(o), o.offset);
      metrics.offsetCommitted(true, performance.now() - started);
    } catch (e) {
      metrics.offsetCommitted(false, performance.now() - started);
      this.#opts.logger.error(`Task ${this.id}: committing group offsets failed; will retry`, { error: errorTrace(e) });
    }
  }

  /** After a failed flush, re-read everything not committed (at-least-once). */
  #rewind(): void {
    const consumer = this.#consumer!;
    for (const q of this.#assignment) {
      const committed = this.#committed.get(queueId(q));
      consumer.seek(q, committed ?? this.#opts.startAt);
      this.#current.delete(queueId(q));
    }
  }

  protected override async close(): Promise<void> {
    try {
      if (this.#assignment.length > 0) await this.#task?.close?.(this.#assignment.map((q): TopicQueue => ({ ...q })));
    } finally {
      try {
        await this.#task?.stop();
      } finally {
        await this.#consumer?.close();
      }
    }
  }
}
