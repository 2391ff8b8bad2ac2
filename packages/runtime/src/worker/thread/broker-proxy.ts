import { DataError, IllegalStateError, UnsupportedError } from '@tributary/api';
import type {
  Broker,
  BrokerConsumer,
  Membership,
  MessagePosition,
  OutgoingMessage,
  QueuePosition,
  QueueRange,
  SeekTarget,
  StoredMessage,
  TopicDescription,
  TopicQueueRef,
} from '../../broker/broker.js';
import { BufferPool, decodePositions, decodeStored, encodeOutgoing } from './batch-codec.js';
import type { RpcClient } from './rpc-client.js';

/** Positions of a consumer's assigned queues, flat: topic, queue, next offset, topic, queue, ... */
export type WirePositions = readonly (string | number)[];

/** A send's answer: the packed positions, and the batch buffer handed back for reuse. */
export interface WireSent {
  readonly positions: ArrayBuffer;
  readonly batch: ArrayBuffer;
}

/** A consumer's poll answer: the packed messages (null when none) and the positions after them. */
export interface WirePoll {
  readonly batch: ArrayBuffer | null;
  readonly positions: WirePositions;
}

const refKey = (topic: string, queue: number): string => `${topic}\u0000${queue}`;

/**
 * The {@link Broker} of a task thread: every call goes to the worker's broker in the main thread. Sends
 * and polls move their messages as one packed, transferred buffer each (batch-codec.ts). The thread does
 * not own the broker: `start`/`close` do nothing, and membership is the herder's business, not a task's.
 */
export class BrokerProxy implements Broker {
  readonly kind: string;
  readonly flush?: () => Promise<void>;
  readonly #rpc: RpcClient;
  /** Sends in flight at a time are few (producer.max.in.flight.batches): as many buffers serve them all. */
  readonly #buffers = new BufferPool(8);
  #consumers = 0;

  constructor(rpc: RpcClient, kind: string, hasFlush: boolean) {
    this.#rpc = rpc;
    this.kind = kind;
    if (hasFlush) this.flush = () => this.#rpc.call<void>('flush', []);
  }

  async start(): Promise<void> {}
  async close(): Promise<void> {}

  ensureTopic(name: string, queues: number): Promise<TopicDescription> {
    return this.#rpc.call('ensureTopic', [name, queues]);
  }
  describeTopic(name: string): Promise<TopicDescription | null> {
    return this.#rpc.call('describeTopic', [name]);
  }
  listTopics(): Promise<TopicDescription[]> {
    return this.#rpc.call('listTopics', []);
  }
  deleteTopic(name: string): Promise<void> {
    return this.#rpc.call('deleteTopic', [name]);
  }

  async send(messages: readonly OutgoingMessage[]): Promise<MessagePosition[]> {
    if (messages.length === 0) return [];
    const batch = encodeOutgoing(messages, this.#buffers);
    const answer = await this.#rpc.call<WireSent>('send', [batch], [batch]);
    this.#buffers.give(answer.batch);
    return decodePositions(answer.positions, messages);
  }

  queueRange(queue: TopicQueueRef): Promise<QueueRange> {
    return this.#rpc.call('queueRange', [{ topic: queue.topic, queue: queue.queue }]);
  }
  offsetForTimestamp(queue: TopicQueueRef, timestamp: number): Promise<number> {
    return this.#rpc.call('offsetForTimestamp', [{ topic: queue.topic, queue: queue.queue }, timestamp]);
  }

  createConsumer(): BrokerConsumer {
    return new ConsumerProxy(this.#rpc, ++this.#consumers);
  }

  commitGroupOffsets(group: string, offsets: readonly QueuePosition[]): Promise<void> {
    return this.#rpc.call('commitGroupOffsets', [
      group,
      offsets.map((o) => ({ topic: o.topic, queue: o.queue, offset: o.offset })),
    ]);
  }
  fetchGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<QueuePosition[]> {
    return this.#rpc.call('fetchGroupOffsets', [group, queues?.map((q) => ({ topic: q.topic, queue: q.queue }))]);
  }
  deleteGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<void> {
    return this.#rpc.call('deleteGroupOffsets', [group, queues?.map((q) => ({ topic: q.topic, queue: q.queue }))]);
  }

  async joinGroup(group: string): Promise<Membership> {
    throw new UnsupportedError(`tasks do not join membership groups (group ${group})`);
  }
}

/**
 * A consumer in the main thread, driven from a task thread. `assign`, `seek`, `pause` and `resume` are
 * synchronous in the contract: they are sent in order ahead of the next poll, and an error they meet in
 * the main thread is thrown by the next poll. `position` answers from the positions the main thread sent
 * with its last answer. A poll answered after a `seek` or `assign` the thread made meanwhile drops the
 * messages of the queues those changed, as an in-thread consumer would never have returned them.
 */
export class ConsumerProxy implements BrokerConsumer {
  readonly #rpc: RpcClient;
  readonly #id: number;
  readonly #created: Promise<unknown>;
  #assignment: TopicQueueRef[] = [];
  readonly #assigned = new Set<string>();
  readonly #positions = new Map<string, number>();
  /** Incremented by each seek and assign; `#changedAt` says when a queue was last sought or added. */
  #epoch = 0;
  readonly #changedAt = new Map<string, number>();
  #error: unknown = null;
  #polling = false;
  #closed = false;

  constructor(rpc: RpcClient, id: number) {
    this.#rpc = rpc;
    this.#id = id;
    this.#created = this.#send('consumer.create', []);
  }

  /** Sends an operation whose answer carries positions; a failure is kept for the next poll. */
  #send(method: string, args: readonly unknown[]): Promise<unknown> {
    const sentAt = this.#epoch;
    return this.#rpc.call<WirePositions>(method, [this.#id, ...args]).then(
      (positions) => this.#takePositions(positions, sentAt),
      (e) => {
        this.#error ??= e;
      },
    );
  }

  #takePositions(positions: WirePositions | undefined | null, sentAt: number): void {
    if (!Array.isArray(positions)) return;
    for (let i = 0; i + 2 < positions.length; i += 3) {
      const key = refKey(positions[i] as string, positions[i + 1] as number);
      // A seek made after this answer was asked for knows better.
      if ((this.#changedAt.get(key) ?? 0) > sentAt || !this.#assigned.has(key)) continue;
      this.#positions.set(key, positions[i + 2] as number);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new IllegalStateError('consumer is closed');
  }

  #checkAssigned(ref: TopicQueueRef): string {
    const key = refKey(ref.topic, ref.queue);
    if (!this.#assigned.has(key)) throw new IllegalStateError(`queue ${ref.topic}/${ref.queue} is not assigned`);
    return key;
  }

  assign(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    const next: TopicQueueRef[] = [];
    const keys = new Set<string>();
    for (const q of queues) {
      const key = refKey(q.topic, q.queue);
      if (keys.has(key)) continue;
      keys.add(key);
      next.push({ topic: q.topic, queue: q.queue });
    }
    this.#epoch++;
    for (const key of this.#assigned) if (!keys.has(key)) this.#positions.delete(key);
    // A queue (re)added starts afresh: an answer asked for before must not speak for it.
    for (const key of keys) if (!this.#assigned.has(key)) this.#changedAt.set(key, this.#epoch);
    this.#assigned.clear();
    for (const key of keys) this.#assigned.add(key);
    this.#assignment = next;
    void this.#send('consumer.assign', [next]);
  }

  assignment(): readonly TopicQueueRef[] {
    return this.#assignment;
  }

  seek(queue: TopicQueueRef, target: SeekTarget): void {
    this.#checkOpen();
    const key = this.#checkAssigned(queue);
    if (typeof target === 'number' && (!Number.isSafeInteger(target) || target < 0)) {
      throw new DataError(`seek offset must be a non-negative integer, got ${target}`);
    }
    this.#epoch++;
    this.#changedAt.set(key, this.#epoch);
    if (typeof target === 'number') this.#positions.set(key, target);
    else this.#positions.delete(key);
    void this.#send('consumer.seek', [{ topic: queue.topic, queue: queue.queue }, target]);
  }

  position(queue: TopicQueueRef): number {
    this.#checkOpen();
    const key = this.#checkAssigned(queue);
    const p = this.#positions.get(key);
    if (p === undefined) throw new IllegalStateError(`position of ${queue.topic}/${queue.queue} is not known yet`);
    return p;
  }

  pause(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const q of queues) this.#checkAssigned(q);
    void this.#send('consumer.pause', [queues.map((q) => ({ topic: q.topic, queue: q.queue }))]);
  }

  resume(queues: readonly TopicQueueRef[]): void {
    this.#checkOpen();
    for (const q of queues) this.#checkAssigned(q);
    void this.#send('consumer.resume', [queues.map((q) => ({ topic: q.topic, queue: q.queue }))]);
  }

  #throwPending(): void {
    if (this.#error === null) return;
    const e = this.#error;
    this.#error = null;
    throw e;
  }

  async poll(maxMessages: number, maxWaitMs: number, signal?: AbortSignal): Promise<StoredMessage[]> {
    this.#checkOpen();
    if (this.#polling) throw new IllegalStateError('poll is already in progress on this consumer');
    if (!Number.isSafeInteger(maxMessages) || maxMessages < 1)
      throw new DataError(`maxMessages must be ≥ 1, got ${maxMessages}`);
    this.#throwPending();
    this.#polling = true;
    const sentAt = this.#epoch;
    let answer: WirePoll;
    try {
      answer = await this.#rpc.call<WirePoll>('consumer.poll', [this.#id, maxMessages, maxWaitMs], undefined, signal);
    } finally {
      this.#polling = false;
    }
    this.#throwPending();
    this.#takePositions(answer.positions, sentAt);
    if (answer.batch === null || this.#closed) return [];
    const messages = decodeStored(answer.batch);
    if (this.#epoch === sentAt) return messages;
    return messages.filter((m) => {
      const key = refKey(m.topic, m.queue);
      return this.#assigned.has(key) && (this.#changedAt.get(key) ?? 0) <= sentAt;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#created;
    await this.#rpc.call('consumer.close', [this.#id]).catch(() => undefined);
  }
}
