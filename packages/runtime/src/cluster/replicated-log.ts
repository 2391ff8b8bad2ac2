import { errorTrace, type Logger } from '@tributary/api';
import type { Broker, BrokerConsumer, OutgoingMessage } from '../broker/broker.js';

/** One entry of a replicated log: a string key and a JSON value (null = tombstone). */
export interface LogEntry {
  readonly key: string;
  readonly value: unknown;
}

/** An entry as read back, with its position: the offset orders every entry of the log. */
export interface AppliedEntry extends LogEntry {
  readonly offset: number;
  readonly timestamp: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A totally ordered log of JSON entries on a one-queue broker topic, replayed from the start by every
 * worker: each worker applies the same entries in the same order, so all reach the same state (the log is
 * the truth). `append` returns once the entries were read back and applied locally (read-your-writes).
 */
export class ReplicatedLog {
  readonly topic: string;
  readonly #broker: Broker;
  readonly #apply: (entry: AppliedEntry) => void;
  readonly #logger: Logger;
  #consumer: BrokerConsumer | null = null;
  /** Next offset to apply. */
  #position = 0;
  readonly #waiters: { offset: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;

  constructor(broker: Broker, topic: string, apply: (entry: AppliedEntry) => void, logger: Logger) {
    this.#broker = broker;
    this.topic = topic;
    this.#apply = apply;
    this.#logger = logger;
  }

  /** Next offset to apply (all entries before it are applied). */
  get position(): number {
    return this.#position;
  }

  /** Creates the topic if needed, replays it to its current end, then follows it in the background. */
  async start(): Promise<void> {
    await this.#broker.ensureTopic(this.topic, 1);
    const consumer = this.#broker.createConsumer();
    consumer.assign([{ topic: this.topic, queue: 0 }]);
    consumer.seek({ topic: this.topic, queue: 0 }, 'earliest');
    this.#consumer = consumer;
    const { end } = await this.#broker.queueRange({ topic: this.topic, queue: 0 });
    while (this.#position < end) await this.#pollOnce(200);
    this.#loop = this.#follow();
  }

  /** Appends entries in order; resolves with the offset of the last one once it was applied here. */
  async append(entries: readonly LogEntry[]): Promise<number> {
    if (entries.length === 0) return this.#position - 1;
    const now = Date.now();
    const messages: OutgoingMessage[] = entries.map((e) => ({
      topic: this.topic,
      queue: 0,
      key: encoder.encode(e.key),
      value: e.value === null || e.value === undefined ? null : encoder.encode(JSON.stringify(e.value)),
      headers: [],
      timestamp: now,
    }));
    const positions = await this.#broker.send(messages);
    const last = positions[positions.length - 1]!.offset;
    await this.waitApplied(last);
    return last;
  }

  /** Resolves once the entry at `offset` has been applied locally. */
  waitApplied(offset: number): Promise<void> {
    if (offset < this.#position) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ offset, resolve, reject }));
  }

  /** Resolves once everything appended before this call (by any worker) is applied here. */
  async catchUp(): Promise<void> {
    const { end } = await this.#broker.queueRange({ topic: this.topic, queue: 0 });
    if (end > 0) await this.waitApplied(end - 1);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#consumer?.close();
    for (const w of this.#waiters.splice(0)) w.reject(new Error(`log ${this.topic} stopped`));
  }

  async #follow(): Promise<void> {
    let backoff = 100;
    while (!this.#stop.signal.aborted) {
      try {
        await this.#pollOnce(1000);
        backoff = 100;
      } catch (e) {
        if (this.#stop.signal.aborted) return;
        this.#logger.warn(`Reading ${this.topic} failed; retrying in ${backoff} ms`, { error: errorTrace(e) });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async #pollOnce(waitMs: number): Promise<void> {
    const messages = await this.#consumer!.poll(1000, waitMs, this.#stop.signal);
    for (const m of messages) {
      if (m.offset < this.#position) continue;
      const key = m.key === null ? '' : decoder.decode(m.key);
      let value: unknown = null;
      if (m.value !== null) {
        try {
          value = JSON.parse(decoder.decode(m.value));
        } catch (e) {
          this.#logger.error(`Skipping an unreadable entry at ${this.topic}@${m.offset}`, {
            key,
            error: errorTrace(e),
          });
          this.#position = m.offset + 1;
          continue;
        }
      }
      try {
        this.#apply({ key, value, offset: m.offset, timestamp: m.timestamp });
      } catch (e) {
        this.#logger.error(`Applying ${this.topic}@${m.offset} (${key}) failed`, { error: errorTrace(e) });
      }
      this.#position = m.offset + 1;
    }
    if (messages.length > 0) this.#wake();
  }

  #wake(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (w.offset < this.#position) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
