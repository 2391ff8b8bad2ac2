import { DataError, IllegalStateError } from '@tributary/api';
import type { BrokerConsumer, SeekTarget, StoredMessage, TopicQueueRef } from '../broker.js';
import type { QueueLog, ReadHint } from './queue-log.js';

/** What a consumer needs from its broker. */
export interface ConsumerHost {
  /** The live queue, or null when its topic was deleted. */
  queueLog(topic: string, queue: number): QueueLog | null;
  /** @throws NotFoundError for an unknown topic or queue; IllegalStateError when the broker is closed. */
  requireQueue(ref: TopicQueueRef): QueueLog;
  readonly maxPollBytes: number;
  consumerClosed(consumer: EmbeddedConsumer): void;
}

interface Assigned {
  readonly ref: TopicQueueRef;
  position: number;
  paused: boolean;
  /** Valid while `hintQueue` is the live queue and `position` did not change since. */
  hint: ReadHint | null;
  hintQueue: QueueLog | null;
}

const refKey = (topic: string, queue: number): string => `${topic}\u0000${queue}`;

/**
 * A consumer of the embedded broker. `poll` reads the assigned, unpaused queues round-robin (the first
 * queue read rotates between polls, so a busy queue cannot starve the others) and, when nothing is
 * readable, waits for an append to one of them, a seek/assign/resume, the timeout, the signal or close:
 * no sleep loop. A position outside the retained range moves to its nearest end (before `start`: to
 * `start`; beyond `end`, e.g. after the topic was recreated: to `end`). Queues of a deleted topic yield
 * nothing. One poll at a time.
 */
export class EmbeddedConsumer implements BrokerConsumer {
  readonly #host: ConsumerHost;
  #assigned = new Map<string, Assigned>();
  #order: Assigned[] = [];
  #rotation = 0;
  #wake: (() => void) | null = null;
  #polling = false;
  #closed = false;

  constructor(host: ConsumerHost) {
    this.#host = host;
  }

  #checkOpen(): void {
    if (this.#closed) throw new IllegalStateError('consumer is closed');
  }

  #get(ref: TopicQueueRef): Assigned {
    const a = this.#assigned.get(refKey(ref.topic, ref.queue));
    if (a === undefined) throw new IllegalStateError(`queue ${ref.topic}/${ref.queue} is not assigned`);
    return a;
  }

  #poke(): void {
    this.#wake?.();
  }

  assign(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    const next = new Map<string, Assigned>();
    for (const ref of queues) {
      const key = refKey(ref.topic, ref.queue);
      if (next.has(key)) continue;
      const q = this.#host.requireQueue(ref);
      const kept = this.#assigned.get(key);
      next.set(
        key,
        kept ?? {
          ref: { topic: ref.topic, queue: ref.queue },
          position: q.start,
          paused: false,
          hint: null,
          hintQueue: null,
        },
      );
    }
    this.#assigned = next;
    this.#order = [...next.values()];
    this.#rotation = 0;
    this.#poke();
  }

  assignment(): readonly TopicQueueRef[] {
    return this.#order.map((a) => a.ref);
  }

  seek(queue: TopicQueueRef, target: SeekTarget): void {
    this.#checkOpen();
    const a = this.#get(queue);
    if (target === 'earliest' || target === 'latest') {
      const q = this.#host.requireQueue(queue);
      a.position = target === 'earliest' ? q.start : q.end;
    } else {
      if (!Number.isSafeInteger(target) || target < 0)
        throw new DataError(`seek offset must be a non-negative integer, got ${target}`);
      a.position = target;
    }
    a.hint = null;
    this.#poke();
  }

  position(queue: TopicQueueRef): number {
    this.#checkOpen();
    const a = this.#get(queue);
    const q = this.#host.queueLog(queue.topic, queue.queue);
    return q !== null && a.position < q.start ? q.start : a.position;
  }

  pause(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const ref of queues) this.#get(ref).paused = true;
  }

  resume(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const ref of queues) this.#get(ref).paused = false;
    this.#poke();
  }

  async poll(maxMessages: number, maxWaitMs: number, signal?: AbortSignal): Promise<StoredMessage[]> {
    this.#checkOpen();
    if (this.#polling) throw new IllegalStateError('poll is already in progress on this consumer');
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1)
      throw new DataError(`maxMessages must be ≥ 1, got ${maxMessages}`);
    this.#polling = true;
    try {
      const deadline = performance.now() + Math.max(0, maxWaitMs);
      for (;;) {
        const out = this.#collect(maxMessages);
        if (out.length > 0 || this.#closed || signal?.aborted) return out;
        const remaining = deadline - performance.now();
        if (remaining <= 0) return out;
        await this.#waitForData(remaining, signal);
      }
    } finally {
      this.#polling = false;
    }
  }

  #collect(maxMessages: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    const order = this.#order;
    const k = order.length;
    let budget = this.#host.maxPollBytes;
    for (let i = 0; i < k && out.length < maxMessages && budget > 0; i++) {
      const a = order[(this.#rotation + i) % k]!;
      if (a.paused) continue;
      const q = this.#host.queueLog(a.ref.topic, a.ref.queue);
      if (q === null) continue;
      if (a.hintQueue !== q) {
        a.hint = null;
        a.hintQueue = q;
      }
      if (a.position < q.start || a.position > q.end) {
        a.position = a.position < q.start ? q.start : q.end;
        a.hint = null;
      }
      if (a.position >= q.readableEnd) continue;
      const before = out.length;
      const r = q.read(a.position, a.hint, maxMessages - out.length, budget, out);
      for (let j = before; j < out.length; j++) budget -= out[j]!.size;
      a.position = r.nextOffset;
      a.hint = r.hint;
    }
    if (k > 0) this.#rotation = (this.#rotation + 1) % k;
    return out;
  }

  #waitForData(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const cancels: (() => void)[] = [];
      let fired = false;
      const done = (): void => {
        if (fired) return;
        fired = true;
        for (const c of cancels) c();
        this.#wake = null;
        resolve();
      };
      for (const a of this.#order) {
        if (a.paused) continue;
        const q = this.#host.queueLog(a.ref.topic, a.ref.queue);
        if (q !== null) cancels.push(q.onReadable(done));
      }
      const timer = setTimeout(done, timeoutMs);
      cancels.push(() => clearTimeout(timer));
      if (signal !== undefined) {
        signal.addEventListener('abort', done, { once: true });
        cancels.push(() => signal.removeEventListener('abort', done));
      }
      this.#wake = done;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#poke();
    this.#assigned.clear();
    this.#order = [];
    this.#host.consumerClosed(this);
  }

  /** Broker close: wakes a waiting poll, which returns what it has. */
  closeNow(): void {
    void this.close();
  }
}
