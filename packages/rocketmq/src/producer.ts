import type { RocketMQClient } from './client.js';
import { InvalidArgumentError, NoRouteError, type RocketMQError, TopicNotFoundError } from './errors.js';
import { type EncodableMessage, encodeBatch } from './message-codec.js';
import { javaStringHash } from './message-id.js';
import { buildTopicRoute, type TopicRoute } from './name-server.js';
import { encodeProperties } from './properties-codec.js';
import { AUTO_CREATE_TOPIC_KEY, MessageConst, Perm, RequestCode, ResponseCode } from './protocol.js';
import type { RemotingCommand } from './remoting-codec.js';
import { responseError } from './response-error.js';
import type { MessageQueue, OutgoingMessage, QueueSelector, SendResult } from './types.js';

/** Options of a {@link Producer}. */
export interface ProducerOptions {
  /** Producer group (header `a`; default `TRIBUTARY_PRODUCER`). */
  group?: string;
  /** Extra attempts after a retriable failure (default 2). */
  retries?: number;
  /** Wait before a retry, doubled each time (default 100 ms). */
  retryBackoffMs?: number;
  /** Per-request timeout (default: the client's). */
  sendTimeoutMs?: number;
  /** Send to a topic the name server does not know, letting the broker create it (default true). */
  autoCreateTopic?: boolean;
  /** Queue count asked for an auto-created topic (default 8; the broker caps it at its defaultTopicQueueNums). */
  autoCreateQueueNums?: number;
  /** Largest body of one SEND_BATCH_MESSAGE request; bigger batches are split (default 4 MiB − 64 KiB). */
  maxBatchBytes?: number;
}

/** A message of a batch, optionally with its own queue choice. */
export interface BatchMessage extends OutgoingMessage {
  queue?: QueueSelector;
}

const SYSTEM_KEYS = new Set<string>([MessageConst.TAGS, MessageConst.KEYS, MessageConst.UNIQ_KEY, MessageConst.WAIT]);
/** Bytes of one batch entry besides its body and properties (see encodeBatch). */
const BATCH_ENTRY_OVERHEAD = 22;

/**
 * Sends messages with SEND_MESSAGE_V2 (one) and SEND_BATCH_MESSAGE (many). Every call may be in flight
 * with others: requests to one broker are pipelined on its connection.
 *
 * Errors: InvalidArgumentError (empty body, bad property, unknown queue), TopicNotFoundError (unknown topic
 * and auto-create off or refused), BrokerError with `responseCode`/`remark` after the retries, connection
 * errors and timeouts (retriable) after the retries. A timed-out send may still have been stored.
 */
export class Producer {
  readonly #client: RocketMQClient;
  readonly #group: string;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #autoCreate: boolean;
  readonly #autoCreateQueueNums: number;
  readonly #maxBatchBytes: number;
  readonly #provisional = new Map<string, TopicRoute>();
  #rr = Math.floor(Math.random() * 1024);

  /** Use {@link RocketMQClient} `producer()` or `new Producer(client, options)`. */
  constructor(client: RocketMQClient, options: ProducerOptions = {}) {
    this.#client = client;
    this.#group = options.group ?? 'TRIBUTARY_PRODUCER';
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.retryBackoffMs ?? 100;
    this.#timeoutMs = options.sendTimeoutMs ?? client.requestTimeoutMs;
    this.#autoCreate = options.autoCreateTopic ?? true;
    this.#autoCreateQueueNums = options.autoCreateQueueNums ?? 8;
    this.#maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024 - 64 * 1024;
  }

  /** Writable queues of a topic (auto-create route from TBW102 when the topic is unknown and allowed). */
  async queues(topic: string): Promise<readonly MessageQueue[]> {
    return (await this.#route(topic)).writeQueues;
  }

  /** Sends one message; resolves with its queue and offset once the broker stored it. */
  async send(topic: string, message: OutgoingMessage, queue: QueueSelector = 'round-robin'): Promise<SendResult> {
    checkMessage(message, 0);
    const msgId = this.#client.ids.next();
    const properties = buildProperties(message, msgId);
    return this.#withRetries(topic, async (route, attempt) => {
      const mq = this.#select(route, queue, attempt);
      const res = await this.#request(
        route,
        mq,
        RequestCode.SEND_MESSAGE_V2,
        properties,
        message.flag ?? 0,
        Buffer.from(message.body.buffer, message.body.byteOffset, message.body.length),
        false,
      );
      return {
        msgId,
        offsetMsgId: res.extFields?.msgId,
        queue: mq,
        queueOffset: Number(res.extFields?.queueOffset ?? -1),
      };
    });
  }

  /**
   * Sends many messages. Messages are grouped by their chosen queue (a message's own `queue`, else
   * `defaultQueue`; with 'round-robin' one queue is picked for the whole call) and each group goes out as
   * SEND_BATCH_MESSAGE requests, split so that no request body exceeds `maxBatchBytes` (counting each
   * message's encoded properties). Groups of different queues are in flight together; the requests of one
   * queue go one after the other, so the broker (which runs several send threads) stores them in order.
   * Resolves with one ack per message, in input order; rejects if any group failed after its retries (other
   * groups may have been stored: at-least-once).
   */
  async sendBatch(
    topic: string,
    messages: readonly BatchMessage[],
    defaultQueue: QueueSelector = 'round-robin',
  ): Promise<SendResult[]> {
    if (messages.length === 0) return [];
    const route = await this.#route(topic);
    const groups = new Map<string, { mq: MessageQueue; indexes: number[] }>();
    let rrQueue: MessageQueue | undefined;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      checkMessage(m, i);
      const sel = m.queue ?? defaultQueue;
      let mq: MessageQueue;
      if (sel === 'round-robin') {
        rrQueue ??= this.#select(route, 'round-robin', 0);
        mq = rrQueue;
      } else {
        mq = this.#select(route, sel, 0);
      }
      const key = `${mq.brokerName}\u0000${mq.queueId}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { mq, indexes: [] };
        groups.set(key, g);
      }
      g.indexes.push(i);
    }
    const results = new Array<SendResult>(messages.length);
    const tasks: Promise<void>[] = [];
    for (const { mq, indexes } of groups.values()) {
      const ids = new Array<string>(indexes.length);
      const encodable = new Array<EncodableMessage>(indexes.length);
      const sizes = new Array<number>(indexes.length);
      for (let j = 0; j < indexes.length; j++) {
        const m = messages[indexes[j]!]!;
        const id = this.#client.ids.next();
        const properties = buildProperties(m, id);
        ids[j] = id;
        encodable[j] = { body: m.body, flag: m.flag ?? 0, properties };
        sizes[j] = BATCH_ENTRY_OVERHEAD + m.body.length + Buffer.byteLength(properties, 'utf8');
      }
      const chunks: { start: number; end: number }[] = [];
      let start = 0;
      while (start < indexes.length) {
        let bytes = sizes[start]!;
        let end = start + 1;
        while (end < indexes.length && bytes + sizes[end]! <= this.#maxBatchBytes) bytes += sizes[end++]!;
        chunks.push({ start, end });
        start = end;
      }
      tasks.push(
        (async () => {
          for (const { start: s, end: e } of chunks) {
            await this.#sendChunk(topic, mq, encodable.slice(s, e), ids.slice(s, e), indexes.slice(s, e), results);
          }
        })(),
      );
    }
    const settled = await Promise.allSettled(tasks);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    return results;
  }

  async #sendChunk(
    topic: string,
    mq: MessageQueue,
    encodable: EncodableMessage[],
    ids: string[],
    indexes: number[],
    results: SendResult[],
  ): Promise<void> {
    const body = encodeBatch(encodable);
    await this.#withRetries(topic, async (route) => {
      const target = route.writeQueues.find((q) => q.brokerName === mq.brokerName && q.queueId === mq.queueId);
      if (target === undefined)
        throw new NoRouteError(`queue ${mq.brokerName}/${mq.queueId} of '${topic}' is not writable`);
      const res = await this.#request(route, target, RequestCode.SEND_BATCH_MESSAGE, '', 0, body, true);
      const base = Number(res.extFields?.queueOffset ?? -1);
      const offsetIds = res.extFields?.msgId?.split(',');
      for (let j = 0; j < indexes.length; j++) {
        results[indexes[j]!] = { msgId: ids[j]!, offsetMsgId: offsetIds?.[j], queue: target, queueOffset: base + j };
      }
    });
  }

  async #request(
    route: TopicRoute,
    mq: MessageQueue,
    code: number,
    properties: string,
    flag: number,
    body: Buffer,
    batch: boolean,
  ): Promise<RemotingCommand> {
    const addr = route.masters.get(mq.brokerName);
    if (addr === undefined) throw new NoRouteError(`no master for broker '${mq.brokerName}'`);
    const header: Record<string, string> = {
      a: this.#group,
      b: mq.topic,
      c: AUTO_CREATE_TOPIC_KEY,
      d: String(this.#autoCreateQueueNums),
      e: String(mq.queueId),
      f: '0',
      g: String(Date.now()),
      h: String(flag),
      i: properties,
      j: '0',
      k: 'false',
      m: batch ? 'true' : 'false',
      bname: mq.brokerName,
    };
    const res = await this.#client.connection(addr).request(code, header, body, this.#timeoutMs);
    if (
      res.code === ResponseCode.SUCCESS ||
      res.code === ResponseCode.FLUSH_DISK_TIMEOUT ||
      res.code === ResponseCode.FLUSH_SLAVE_TIMEOUT ||
      res.code === ResponseCode.SLAVE_NOT_AVAILABLE
    ) {
      return res; // stored on the master
    }
    throw responseError(code, res, addr);
  }

  async #withRetries<T>(topic: string, attempt: (route: TopicRoute, attempt: number) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i <= this.#retries; i++) {
      if (i > 0) await sleep(this.#backoffMs * 2 ** (i - 1));
      let route: TopicRoute;
      try {
        route = await this.#route(topic, i > 0);
        return await attempt(route, i);
      } catch (err) {
        lastError = err;
        if (!(err as RocketMQError).retriable) throw err;
        this.#client.nameServer.invalidate(topic);
      }
    }
    throw lastError;
  }

  async #route(topic: string, refresh = false): Promise<TopicRoute> {
    try {
      const route = await this.#client.nameServer.getRoute(topic, refresh);
      if (route.writeQueues.length === 0) {
        throw new NoRouteError(`topic '${topic}' has no writable queue`);
      }
      this.#provisional.delete(topic);
      return route;
    } catch (err) {
      if (!(err instanceof TopicNotFoundError) || !this.#autoCreate) throw err;
    }
    // Unknown topic: send to the brokers that carry TBW102; they create the topic on the first message.
    const cached = this.#provisional.get(topic);
    if (cached !== undefined && Date.now() - cached.fetchedAt < 5000) return cached;
    const template = await this.#client.nameServer.getRoute(AUTO_CREATE_TOPIC_KEY, refresh);
    const route = buildTopicRoute(topic, {
      brokerDatas: template.data.brokerDatas,
      queueDatas: template.data.queueDatas
        .filter((q) => q.perm & Perm.WRITE)
        .map((q) => {
          const n = Math.min(this.#autoCreateQueueNums, q.writeQueueNums);
          return { ...q, readQueueNums: n, writeQueueNums: n, perm: Perm.READ_WRITE };
        }),
    });
    if (route.writeQueues.length === 0) throw new TopicNotFoundError(topic);
    this.#provisional.set(topic, route);
    return route;
  }

  #select(route: TopicRoute, sel: QueueSelector, attempt: number): MessageQueue {
    const qs = route.writeQueues;
    if (sel === 'round-robin') {
      const i = this.#rr++ & 0x3fffffff;
      return qs[(i + attempt) % qs.length]!;
    }
    if ('hashKey' in sel) {
      return qs[Math.abs(javaStringHash(sel.hashKey) % qs.length)]!;
    }
    const found = qs.find(
      (q) => q.queueId === sel.queueId && (sel.brokerName === undefined || q.brokerName === sel.brokerName),
    );
    if (found === undefined) {
      throw new InvalidArgumentError(
        `topic '${route.topic}' has no writable queue ${sel.brokerName ?? ''}/${sel.queueId}`,
      );
    }
    return found;
  }
}

function checkMessage(m: OutgoingMessage, index: number): void {
  if (m.body === undefined || m.body.length === 0)
    throw new InvalidArgumentError(`message ${index}: empty body (RocketMQ refuses empty bodies)`);
  if (m.properties !== undefined) {
    for (const k of Object.keys(m.properties)) {
      if (SYSTEM_KEYS.has(k))
        throw new InvalidArgumentError(`message ${index}: '${k}' is a system property; use the message field`);
    }
  }
}

function buildProperties(m: OutgoingMessage, msgId: string): string {
  const props: Record<string, string> = {};
  if (m.properties !== undefined) Object.assign(props, m.properties);
  if (m.tags !== undefined && m.tags !== '') props[MessageConst.TAGS] = m.tags;
  if (m.keys !== undefined) {
    const keys = typeof m.keys === 'string' ? m.keys : m.keys.join(' ');
    if (keys !== '') props[MessageConst.KEYS] = keys;
  }
  props[MessageConst.UNIQ_KEY] = msgId;
  props[MessageConst.WAIT] = 'true';
  return encodeProperties(props);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
