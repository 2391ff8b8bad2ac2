import { IllegalStateError, UnsupportedError } from '@tributary/api';
import type {
  Broker,
  BrokerConsumer,
  QueuePosition,
  SeekTarget,
  StoredMessage,
  TopicQueueRef,
} from '../../broker/broker.js';
import type { OffsetStore } from '../../storage/stores.js';
import { decodeOutgoing, encodePositions, encodeStored } from './batch-codec.js';
import type { WirePoll, WirePositions, WireSent } from './broker-proxy.js';
import type { CallMessage, ReplyMessage } from './protocol.js';
import { toWireError } from './wire-error.js';

/** An answer to a call and the buffers it transfers. */
export interface ServiceAnswer {
  readonly value: unknown;
  readonly transfer?: readonly ArrayBuffer[];
}

/** How long a read-ahead poll waits for data before it gives up (a new one starts with the next poll). */
const READ_AHEAD_WAIT_MS = 500;

/** A read, packed as soon as it is done (its messages and read buffers are garbage from then on). */
interface PollResult {
  readonly batch: ArrayBuffer | null;
  /** The first offset read per queue, to give the read back. */
  readonly firsts: readonly QueuePosition[];
  readonly positions: WirePositions;
  readonly error: unknown;
}

function packed(messages: readonly StoredMessage[], positions: WirePositions): PollResult {
  if (messages.length === 0) return { batch: null, firsts: [], positions, error: null };
  const firsts = new Map<string, QueuePosition>();
  for (const m of messages) {
    const key = `${m.topic}\u0000${m.queue}`;
    if (!firsts.has(key)) firsts.set(key, { topic: m.topic, queue: m.queue, offset: m.offset });
  }
  return { batch: encodeStored(messages), firsts: [...firsts.values()], positions, error: null };
}

interface ReadAhead {
  readonly controller: AbortController;
  readonly done: Promise<PollResult>;
}

const ABORTED = Symbol('aborted');

function positionsOf(consumer: BrokerConsumer): WirePositions {
  const out: (string | number)[] = [];
  try {
    for (const q of consumer.assignment()) out.push(q.topic, q.queue, consumer.position(q));
  } catch {
    // A closed consumer or a deleted queue: the thread keeps its last known positions.
  }
  return out;
}

/**
 * The main thread's consumer behind a task thread's ConsumerProxy. Operations run one at a time, in the
 * order the thread made them. After answering a poll with messages it reads ahead — the next poll runs
 * while the thread converts and puts the batch — and any other operation first undoes an unclaimed
 * read-ahead (seeks its queues back to their first unread message), so the thread sees exactly what an
 * in-thread consumer would return.
 */
export class ConsumerSession {
  readonly consumer: BrokerConsumer;
  #chain: Promise<unknown> = Promise.resolve();
  #ahead: ReadAhead | null = null;
  #closed = false;

  constructor(consumer: BrokerConsumer) {
    this.consumer = consumer;
  }

  #serial<T>(op: () => Promise<T> | T): Promise<T> {
    const next = this.#chain.then(op);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #read(maxMessages: number, maxWaitMs: number): ReadAhead {
    const controller = new AbortController();
    const done = this.consumer.poll(maxMessages, maxWaitMs, controller.signal).then(
      (messages) => packed(messages, positionsOf(this.consumer)),
      (error: unknown): PollResult => ({ batch: null, firsts: [], positions: [], error }),
    );
    return { controller, done };
  }

  /** Cancels a read-ahead nobody claimed; with `rewind`, its messages will be read again. */
  async #dropAhead(rewind: boolean): Promise<void> {
    const ahead = this.#ahead;
    if (ahead === null) return;
    this.#ahead = null;
    ahead.controller.abort();
    const r = await ahead.done;
    if (!rewind || this.#closed) return;
    for (const q of r.firsts) this.consumer.seek(q, q.offset);
  }

  /** Runs a synchronous consumer operation after undoing any read-ahead; answers the positions after it. */
  control(apply: (consumer: BrokerConsumer) => void): Promise<WirePositions> {
    return this.#serial(async () => {
      await this.#dropAhead(true);
      apply(this.consumer);
      return positionsOf(this.consumer);
    });
  }

  /** A poll of the thread: the read-ahead's batch when there is one, else a fresh read. */
  poll(maxMessages: number, maxWaitMs: number, signal: AbortSignal): Promise<WirePoll> {
    return this.#serial(async () => {
      const deadline = performance.now() + Math.max(0, maxWaitMs);
      for (;;) {
        if (this.#closed) return { batch: null, positions: [] };
        this.#ahead ??= this.#read(maxMessages, Math.max(0, deadline - performance.now()));
        const ahead = this.#ahead;
        const r = await raceUntil(ahead.done, deadline, signal);
        // Not ready in time: the read goes on and serves the next poll.
        if (r === ABORTED) return { batch: null, positions: positionsOf(this.consumer) };
        this.#ahead = null;
        if (r.error !== null) throw r.error;
        if (r.batch !== null) {
          if (!this.#closed) this.#ahead = this.#read(maxMessages, READ_AHEAD_WAIT_MS);
          return { batch: r.batch, positions: r.positions };
        }
        if (performance.now() >= deadline || signal.aborted) return { batch: null, positions: r.positions };
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dropAhead(false);
    await this.consumer.close();
  }
}

/** Resolves with `work`'s result, or ABORTED at the deadline or when the signal aborts. */
function raceUntil<T>(work: Promise<T>, deadline: number, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve) => {
    const finish = (v: T | typeof ABORTED) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => finish(ABORTED);
    const timer = setTimeout(onAbort, Math.max(0, deadline - performance.now()));
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(finish);
  });
}

/**
 * Serves the calls of one task thread (see broker-proxy.ts and offset-store-proxy.ts) with the worker's
 * broker and the task's offset store. Owns the consumers the thread created: {@link close} closes them.
 */
export class BrokerService {
  readonly #broker: Broker;
  readonly #offsetStore: OffsetStore;
  readonly #consumers = new Map<number, ConsumerSession>();
  #closed = false;

  constructor(broker: Broker, offsetStore: OffsetStore) {
    this.#broker = broker;
    this.#offsetStore = offsetStore;
  }

  #session(id: unknown): ConsumerSession {
    const s = this.#consumers.get(id as number);
    if (s === undefined) throw new IllegalStateError(`consumer ${String(id)} is closed`);
    return s;
  }

  /** Answers one call; `signal` aborts when the thread gives up waiting (polls). */
  async handle(method: string, args: readonly unknown[], signal: AbortSignal): Promise<ServiceAnswer> {
    const b = this.#broker;
    const a = args as unknown[];
    switch (method) {
      case 'send': {
        const batch = a[0] as ArrayBuffer;
        const positions = encodePositions(await b.send(decodeOutgoing(batch)));
        // The broker is done with the messages once the send resolved: the buffer goes back for reuse.
        const value: WireSent = { positions, batch };
        return { value, transfer: [positions, batch] };
      }
      case 'ensureTopic':
        return { value: await b.ensureTopic(a[0] as string, a[1] as number) };
      case 'describeTopic':
        return { value: await b.describeTopic(a[0] as string) };
      case 'listTopics':
        return { value: await b.listTopics() };
      case 'deleteTopic':
        return { value: await b.deleteTopic(a[0] as string) };
      case 'queueRange':
        return { value: await b.queueRange(a[0] as TopicQueueRef) };
      case 'offsetForTimestamp':
        return { value: await b.offsetForTimestamp(a[0] as TopicQueueRef, a[1] as number) };
      case 'commitGroupOffsets':
        return { value: await b.commitGroupOffsets(a[0] as string, a[1] as QueuePosition[]) };
      case 'fetchGroupOffsets':
        return { value: await b.fetchGroupOffsets(a[0] as string, a[1] as TopicQueueRef[] | undefined) };
      case 'deleteGroupOffsets':
        return { value: await b.deleteGroupOffsets(a[0] as string, a[1] as TopicQueueRef[] | undefined) };
      case 'flush':
        return { value: await b.flush?.() };
      case 'offsets.set':
        return {
          value: await this.#offsetStore.set(a[0] as string, a[1] as Parameters<OffsetStore['set']>[1]),
        };
      case 'offsets.clear':
        return { value: await this.#offsetStore.clear(a[0] as string) };
      case 'consumer.create': {
        if (this.#closed) throw new IllegalStateError('the task is stopping');
        const s = new ConsumerSession(b.createConsumer());
        this.#consumers.set(a[0] as number, s);
        return { value: [] };
      }
      case 'consumer.assign':
        return { value: await this.#session(a[0]).control((c) => c.assign(a[1] as TopicQueueRef[])) };
      case 'consumer.seek':
        return { value: await this.#session(a[0]).control((c) => c.seek(a[1] as TopicQueueRef, a[2] as SeekTarget)) };
      case 'consumer.pause':
        return { value: await this.#session(a[0]).control((c) => c.pause(a[1] as TopicQueueRef[])) };
      case 'consumer.resume':
        return { value: await this.#session(a[0]).control((c) => c.resume(a[1] as TopicQueueRef[])) };
      case 'consumer.poll': {
        const answer = await this.#session(a[0]).poll(a[1] as number, a[2] as number, signal);
        return answer.batch === null ? { value: answer } : { value: answer, transfer: [answer.batch] };
      }
      case 'consumer.close': {
        const s = this.#consumers.get(a[0] as number);
        this.#consumers.delete(a[0] as number);
        await s?.close();
        return { value: undefined };
      }
      default:
        throw new UnsupportedError(`unknown call ${method} from a task thread`);
    }
  }

  /** Closes every consumer the thread left open (it stopped or died). */
  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#consumers.values()];
    this.#consumers.clear();
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}

/**
 * Answers a thread's call messages with a {@link BrokerService}, each with a reply of the same id, and
 * forwards the thread's cancels to the calls still running.
 */
export class CallDispatcher {
  readonly #service: BrokerService;
  readonly #reply: (reply: ReplyMessage, transfer?: readonly ArrayBuffer[]) => void;
  readonly #running = new Map<number, AbortController>();

  constructor(service: BrokerService, reply: (reply: ReplyMessage, transfer?: readonly ArrayBuffer[]) => void) {
    this.#service = service;
    this.#reply = reply;
  }

  call(m: CallMessage): void {
    const controller = new AbortController();
    this.#running.set(m.id, controller);
    this.#service.handle(m.method, m.args, controller.signal).then(
      (answer) => {
        this.#running.delete(m.id);
        this.#reply({ t: 'reply', id: m.id, ok: true, value: answer.value }, answer.transfer);
      },
      (e: unknown) => {
        this.#running.delete(m.id);
        this.#reply({ t: 'reply', id: m.id, ok: false, error: toWireError(e) });
      },
    );
  }

  cancel(id: number): void {
    this.#running.get(id)?.abort();
  }

  /** Aborts every running call (the thread is gone). */
  abortAll(): void {
    for (const c of this.#running.values()) c.abort();
    this.#running.clear();
  }
}
