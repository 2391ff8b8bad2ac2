import { DataError, IllegalStateError, isRetriable, type Logger, NotFoundError } from '@tributary/api';
import type { MessageQueue, PullConsumer, PullResult } from '@tributary/rocketmq';
import type { BrokerConsumer, SeekTarget, StoredMessage, TopicQueueRef } from '../broker.js';
import { toConnectError } from './errors.js';
import { decodeRecord } from './message-mapping.js';

/** What a consumer needs from its broker. */
export interface ConsumerHost {
  /**
   * The RocketMQ queue behind a Connect queue from the broker's cache: the queue, null when the topic is
   * known and has no such queue, undefined when the topic is not in the cache.
   */
  knownQueue(ref: TopicQueueRef): MessageQueue | null | undefined;
  /** The RocketMQ queue behind a Connect queue. @throws NotFoundError for an unknown topic or queue. */
  resolveQueue(ref: TopicQueueRef): Promise<MessageQueue>;
  /** The end offset known from this broker's own acknowledged sends (0 when none). */
  knownEnd(ref: TopicQueueRef): number;
  readonly pulls: PullConsumer;
  readonly pullBatchSize: number;
  readonly logger: Logger | undefined;
  consumerClosed(consumer: RocketMQConsumer): void;
}

/** How long the broker may hold a pull that found nothing (it answers at once when a message arrives). */
const LONG_POLL_MS = 15_000;
/** Stop pulling a queue while this many of its messages wait to be returned by `poll`. */
const PREFETCH_MESSAGES_FACTOR = 2;
const MAX_BACKOFF_MS = 5000;
const WARN_EVERY_MS = 30_000;

interface QueueState {
  readonly ref: TopicQueueRef;
  mq: MessageQueue | null;
  /** The running resolution of the queue or of a seek target. */
  step: Promise<void> | null;
  /** Next offset to pull. */
  fetch: number;
  /** A seek to `earliest` or `latest` not yet resolved against the broker. */
  target: 'earliest' | 'latest' | null;
  /** Pulled messages not yet returned, from `head`. */
  buffer: StoredMessage[];
  head: number;
  paused: boolean;
  inflight: boolean;
  /** Bumped by seek: answers to older requests are dropped. */
  generation: number;
  /** Last offsets the broker reported. */
  minOffset: number;
  maxOffset: number;
  failures: number;
  retryAt: number;
  lastWarnAt: number;
  /** A failure to surface from the next poll (not retriable). */
  error: Error | null;
}

const refKey = (topic: string, queue: number): string => `${topic}\u0000${queue}`;

/**
 * A consumer of the RocketMQ broker: assign/seek/pause/resume/poll over any number of queues, each read
 * with PULL_MESSAGE (SUBSCRIPTION flag: no heartbeat). Every assigned, unpaused queue has at most one pull
 * in flight, held by the broker until a message arrives (long polling); answers are buffered (at most
 * two pulls' worth per queue) and the next pull starts at once, so `poll` usually returns what is
 * already here. `poll` returns as soon as any queue has messages, at `maxWaitMs`, on abort or close.
 *
 * Positions: a seek to an offset is exact; a seek to `earliest`/`latest` is resolved against the broker
 * (GET_MIN_OFFSET / GET_MAX_OFFSET, `latest` also counting this worker's own acknowledged sends) before
 * the queue is pulled again, and until then `position` answers the last offset the broker reported. A
 * position outside the queue's range moves to the broker's suggestion (PULL_OFFSET_MOVED: the start
 * when before it, the end when beyond). Transient pull errors are retried with backoff (the queue
 * yields nothing meanwhile); other errors are thrown by the next `poll`.
 */
export class RocketMQConsumer implements BrokerConsumer {
  readonly #host: ConsumerHost;
  #states = new Map<string, QueueState>();
  #order: QueueState[] = [];
  #rotation = 0;
  #polling = false;
  #closed = false;
  #wake: (() => void) | null = null;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(host: ConsumerHost) {
    this.#host = host;
  }

  #checkOpen(): void {
    if (this.#closed) throw new IllegalStateError('consumer is closed');
  }

  #get(ref: TopicQueueRef): QueueState {
    const st = this.#states.get(refKey(ref.topic, ref.queue));
    if (st === undefined) throw new IllegalStateError(`queue ${ref.topic}/${ref.queue} is not assigned`);
    return st;
  }

  #poke(): void {
    this.#wake?.();
  }

  assign(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    const next = new Map<string, QueueState>();
    for (const ref of queues) {
      const key = refKey(ref.topic, ref.queue);
      if (next.has(key)) continue;
      const known = this.#host.knownQueue(ref);
      if (known === null || !Number.isSafeInteger(ref.queue) || ref.queue < 0) {
        throw new NotFoundError(`topic ${ref.topic} has no queue ${ref.queue}`);
      }
      next.set(key, this.#states.get(key) ?? this.#newState(ref, known ?? null));
    }
    this.#states = next;
    this.#order = [...next.values()];
    this.#rotation = 0;
    for (const st of this.#order) this.#prepare(st);
    this.#poke();
  }

  #newState(ref: TopicQueueRef, mq: MessageQueue | null): QueueState {
    return {
      ref: { topic: ref.topic, queue: ref.queue },
      mq,
      step: null,
      fetch: 0,
      target: 'earliest',
      buffer: [],
      head: 0,
      paused: false,
      inflight: false,
      generation: 0,
      minOffset: 0,
      maxOffset: 0,
      failures: 0,
      retryAt: 0,
      lastWarnAt: 0,
      error: null,
    };
  }

  assignment(): readonly TopicQueueRef[] {
    return this.#order.map((st) => st.ref);
  }

  seek(queue: TopicQueueRef, target: SeekTarget): void {
    this.#checkOpen();
    const st = this.#get(queue);
    if (target !== 'earliest' && target !== 'latest' && (!Number.isSafeInteger(target) || target < 0)) {
      throw new DataError(`seek offset must be a non-negative integer, got ${target}`);
    }
    st.generation++;
    st.inflight = false;
    if (st.mq !== null) st.step = null;
    st.buffer = [];
    st.head = 0;
    st.error = null;
    st.failures = 0;
    st.retryAt = 0;
    if (typeof target === 'number') {
      st.fetch = target;
      st.target = null;
    } else {
      st.target = target;
    }
    this.#prepare(st);
    this.#poke();
  }

  position(queue: TopicQueueRef): number {
    this.#checkOpen();
    const st = this.#get(queue);
    if (st.head < st.buffer.length) return st.buffer[st.head]!.offset;
    if (st.target === 'earliest') return st.minOffset;
    if (st.target === 'latest') return Math.max(st.maxOffset, this.#host.knownEnd(st.ref));
    return Math.max(st.fetch, st.minOffset);
  }

  pause(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const ref of queues) this.#get(ref).paused = true;
  }

  resume(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const ref of queues) this.#get(ref).paused = false;
    this.#pump();
    this.#poke();
  }

  async poll(maxMessages: number, maxWaitMs: number, signal?: AbortSignal): Promise<StoredMessage[]> {
    this.#checkOpen();
    if (this.#polling) throw new IllegalStateError('poll is already in progress on this consumer');
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) {
      throw new DataError(`maxMessages must be ≥ 1, got ${maxMessages}`);
    }
    this.#polling = true;
    try {
      const deadline = performance.now() + Math.max(0, maxWaitMs);
      // Without a wait, a few rounds of immediate work still run (find the queue, resolve a seek, one pull
      // without suspension): "available" means available at the broker.
      let quickRounds = maxWaitMs <= 0 ? 3 : 0;
      for (;;) {
        this.#throwQueueError();
        const out = this.#collect(maxMessages);
        const round: Promise<void>[] | null = quickRounds > 0 ? [] : null;
        this.#pump(round);
        if (out.length > 0 || this.#closed || signal?.aborted) return out;
        if (round !== null) {
          quickRounds--;
          if (round.length === 0) return out;
          await Promise.all(round);
          continue;
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) return out;
        await this.#waitForWake(remaining, signal);
      }
    } finally {
      this.#polling = false;
    }
  }

  #throwQueueError(): void {
    for (const st of this.#order) {
      if (st.error !== null) {
        const e = st.error;
        st.error = null;
        st.retryAt = performance.now() + MAX_BACKOFF_MS;
        throw e;
      }
    }
  }

  #collect(maxMessages: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    const order = this.#order;
    const k = order.length;
    for (let i = 0; i < k && out.length < maxMessages; i++) {
      const st = order[(this.#rotation + i) % k]!;
      if (st.paused || st.head >= st.buffer.length) continue;
      const take = Math.min(maxMessages - out.length, st.buffer.length - st.head);
      for (let j = 0; j < take; j++) out.push(st.buffer[st.head + j]!);
      st.head += take;
      if (st.head >= st.buffer.length) {
        st.buffer = [];
        st.head = 0;
      }
    }
    if (k > 0) this.#rotation = (this.#rotation + 1) % k;
    return out;
  }

  /** Starts what each queue needs next: its RocketMQ queue, a seek target, or a pull. */
  #pump(quickRound: Promise<void>[] | null = null): void {
    if (this.#closed) return;
    const now = performance.now();
    const prefetch = this.#host.pullBatchSize * PREFETCH_MESSAGES_FACTOR;
    for (const st of this.#order) {
      if (st.paused || st.inflight || st.error !== null || now < st.retryAt) continue;
      if (st.buffer.length - st.head >= prefetch) continue;
      if (st.mq === null || st.target !== null) {
        const step = this.#prepare(st);
        if (step !== null) quickRound?.push(step);
        continue;
      }
      const pull = this.#pull(st, quickRound === null ? LONG_POLL_MS : 0);
      quickRound?.push(pull);
    }
  }

  /**
   * Resolves the RocketMQ queue, else a pending seek target, in the background; returns the step's
   * promise (settled when it is done, never rejected) or null when nothing was started.
   */
  #prepare(st: QueueState): Promise<void> | null {
    if (this.#closed) return null;
    if (st.step !== null) return st.step;
    if (st.mq === null) {
      const step = this.#host.resolveQueue(st.ref).then(
        (mq) => {
          st.step = null;
          st.mq = mq;
          return this.#prepare(st) ?? undefined;
        },
        (err: unknown) => {
          st.step = null;
          this.#failed(st, st.generation, err, 'resolving');
        },
      );
      st.step = step;
      return step;
    }
    if (st.target === null) return null;
    const target = st.target;
    const generation = st.generation;
    const { pulls } = this.#host;
    const lookup = target === 'earliest' ? pulls.minOffset(st.mq) : pulls.maxOffset(st.mq);
    const step = lookup.then(
      (offset) => {
        if (st.step !== step) return;
        st.step = null;
        st.target = null;
        if (target === 'earliest') {
          st.minOffset = offset;
          st.fetch = offset;
        } else {
          st.maxOffset = offset;
          st.fetch = Math.max(offset, this.#host.knownEnd(st.ref));
        }
        this.#pump();
        this.#poke();
      },
      (err: unknown) => {
        if (st.step !== step) return;
        st.step = null;
        this.#failed(st, generation, err, `seeking to ${target}`);
      },
    );
    st.step = step;
    return step;
  }

  #pull(st: QueueState, suspendMs: number): Promise<void> {
    st.inflight = true;
    const generation = st.generation;
    const offset = st.fetch;
    const mq = st.mq!;
    return this.#host.pulls.pull(mq, offset, { maxMessages: this.#host.pullBatchSize, maxWaitMs: suspendMs }).then(
      (r) => this.#pulled(st, generation, offset, r),
      (err: unknown) => {
        if (st.generation !== generation || !st.inflight) return;
        st.inflight = false;
        this.#failed(st, generation, err, 'pulling');
      },
    );
  }

  #pulled(st: QueueState, generation: number, offset: number, r: PullResult): void {
    if (this.#closed || st.generation !== generation || !st.inflight) return;
    st.inflight = false;
    st.failures = 0;
    st.minOffset = r.minOffset;
    st.maxOffset = r.maxOffset;
    if (r.status === 'FOUND') {
      try {
        for (const m of r.messages) {
          if (m.queueOffset >= offset) st.buffer.push(decodeRecord(m, st.ref.topic, st.ref.queue));
        }
      } catch (err) {
        st.error = toConnectError(err, `decoding a message of ${st.ref.topic}/${st.ref.queue}`);
        this.#poke();
        return;
      }
    }
    st.fetch = r.nextOffset;
    if (st.buffer.length > st.head) this.#poke();
    this.#pump();
  }

  #failed(st: QueueState, generation: number, err: unknown, what: string): void {
    if (this.#closed || st.generation !== generation) return;
    const error = toConnectError(err, `${what} ${st.ref.topic}/${st.ref.queue}`);
    if (!isRetriable(error)) {
      st.error = error;
      this.#poke();
      return;
    }
    st.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(st.failures - 1, 10));
    const now = performance.now();
    st.retryAt = now + delay;
    if (now - st.lastWarnAt >= WARN_EVERY_MS) {
      st.lastWarnAt = now;
      this.#host.logger?.warn(`RocketMQ consumer: ${error.message}; retrying (attempt ${st.failures})`);
    }
    this.#scheduleRetry(delay);
  }

  #scheduleRetry(delay: number): void {
    if (this.#retryTimer !== null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#pump();
      const waiting = this.#order.some((st) => st.failures > 0 && st.retryAt > performance.now());
      if (waiting) this.#scheduleRetry(250);
    }, delay);
    this.#retryTimer.unref();
  }

  #waitForWake(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let fired = false;
      const timer = setTimeout(() => done(), timeoutMs);
      const done = (): void => {
        if (fired) return;
        fired = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#poke();
    this.#states.clear();
    this.#order = [];
    this.#host.consumerClosed(this);
  }
}
