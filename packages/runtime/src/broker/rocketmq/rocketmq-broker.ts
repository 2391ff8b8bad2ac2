import {
  AlreadyExistsError,
  ConfigError,
  ConnectError,
  DataError,
  IllegalStateError,
  isRetriable,
  NotFoundError,
  RetriableError,
} from '@tributary/api';
import {
  AUTO_CREATE_TOPIC_KEY,
  type BatchMessage,
  type MessageQueue,
  Perm,
  type Producer,
  type PullConsumer,
  parseLenientJson,
  RequestCode,
  RocketMQClient,
  TopicNotFoundError,
  type TopicRoute,
} from '@tributary/rocketmq';
import type {
  Broker,
  BrokerConsumer,
  Membership,
  MessagePosition,
  OutgoingMessage,
  QueuePosition,
  QueueRange,
  TopicDescription,
  TopicQueueRef,
} from '../broker.js';
import { queueForKey } from '../embedded/index.js';
import { type ConsumerHost, RocketMQConsumer } from './consumer.js';
import { toConnectError } from './errors.js';
import { RocketMQMembership } from './membership.js';
import { type EncodedRecord, encodeRecord } from './message-mapping.js';
import {
  type ResolvedRocketMQBrokerOptions,
  type RocketMQBrokerOptions,
  resolveRocketMQBrokerOptions,
} from './options.js';
import {
  fromRocketMQTopic,
  isRocketMQSystemTopic,
  rocketmqTopicNameProblem,
  toRocketMQGroup,
  toRocketMQTopic,
} from './topic-names.js';

/** QUERY_TOPICS_BY_CONSUMER: the topics a group has committed offsets for, on one broker. */
const QUERY_TOPICS_BY_CONSUMER = 343;
const MAX_QUEUES = 1024;
/** How long `ensureTopic` waits for a new topic's route to reach the name server. */
const ROUTE_WAIT_MS = 15_000;
/** Target size of one SEND_BATCH_MESSAGE request (a larger record goes alone, up to maxMessageBytes). */
const CHUNK_BYTES = 1024 * 1024;

/** A topic as this broker knows it: its RocketMQ name and queues in Connect order. */
interface TopicInfo {
  readonly name: string;
  readonly native: string;
  /** Connect queue i = RocketMQ queue `queues[i]` (readable queues sorted by broker name, then queue id). */
  readonly queues: readonly MessageQueue[];
  /** `brokerName/queueId` of the writable queues. */
  readonly writable: ReadonlySet<string>;
  readonly route: TopicRoute;
}

interface SendGroup {
  readonly info: TopicInfo;
  readonly queue: number;
  readonly indexes: number[];
  readonly records: EncodedRecord[];
}

const mqKey = (mq: MessageQueue): string => `${mq.brokerName}/${mq.queueId}`;
const refKey = (topic: string, queue: number): string => `${topic}\u0000${queue}`;

function checkContent(m: OutgoingMessage, i: number): void {
  if (typeof m !== 'object' || m === null) throw new DataError(`message ${i} is not an object`);
  if (m.key !== null && !(m.key instanceof Uint8Array)) throw new DataError('message key must be a Uint8Array or null');
  if (m.value !== null && !(m.value instanceof Uint8Array)) {
    throw new DataError('message value must be a Uint8Array or null');
  }
  if (!Array.isArray(m.headers)) throw new DataError('message headers must be an array');
  for (const h of m.headers) {
    if (typeof h?.key !== 'string') throw new DataError('header keys must be strings');
    if (h.value !== null && !(h.value instanceof Uint8Array)) {
      throw new DataError(`header ${h.key}: value must be a Uint8Array or null`);
    }
  }
  if (!Number.isSafeInteger(m.timestamp)) {
    throw new DataError(`message timestamp must be an integer of ms since the epoch, got ${m.timestamp}`);
  }
}

/**
 * The {@link Broker} on an Apache RocketMQ cluster (remoting protocol, through `@tributary/rocketmq`).
 *
 * - Topics: a Connect topic is the RocketMQ topic named by {@link toRocketMQTopic} (`a.b.c` → `a--b--c`);
 *   created with UPDATE_AND_CREATE_TOPIC on the masters of `cluster` (queues spread over them), logged
 *   with both names. Connect queue i is the i-th readable queue, sorted by broker name then queue id
 *   (with one master: queue id i). `listTopics` leaves out RocketMQ's own topics and names that do not
 *   decode (retry, dead-letter, namespaced topics).
 * - Records ↔ messages: see `message-mapping.ts` (value = body, tombstones and empty values marked by a
 *   property, exact key bytes and headers in properties, KEYS for RocketMQ tools).
 * - Sends: one SEND_BATCH_MESSAGE per queue and ≤ `maxMessageBytes`; different queues in parallel, the
 *   requests of one queue one after the other across all sends of this broker, so a queue keeps the order
 *   of `send` calls. Acknowledged = stored by the master (with `flushDiskType=ASYNC_FLUSH`, in the page
 *   cache: it survives a broker process crash, not an OS crash of the broker's machine; SYNC_FLUSH or a
 *   synchronous slave make it durable). There is nothing left to do for `flush`.
 * - Group offsets: UPDATE/QUERY_CONSUMER_OFFSET of the RocketMQ group {@link toRocketMQGroup}; all of a
 *   group's queues are found with QUERY_TOPICS_BY_CONSUMER. Forgetting some queues commits -1, which
 *   RocketMQ answers as "no offset" (QUERY_NOT_FOUND); forgetting the whole group deletes the
 *   subscription group with its offsets and creates it again (empty).
 * - Membership: a consumer group per membership group; see {@link RocketMQMembership}.
 * - `offsetForTimestamp` searches the broker's store timestamps (SEARCH_OFFSET_BY_TIMESTAMP), which are
 *   the send times: for records whose timestamp is older than their send, the answer is by send time.
 */
export class RocketMQBroker implements Broker {
  readonly kind = 'rocketmq';
  readonly options: ResolvedRocketMQBrokerOptions;
  #state: 'new' | 'started' | 'closed' = 'new';
  #client: RocketMQClient | null = null;
  #producer: Producer | null = null;
  #pulls: PullConsumer | null = null;
  readonly #topics = new Map<string, TopicInfo>();
  readonly #creating = new Map<string, Promise<TopicDescription>>();
  /** Next keyless queue per topic. */
  readonly #roundRobin = new Map<string, number>();
  /** Tail of the send chain of each queue (`topic\0queue`). */
  readonly #chains = new Map<string, Promise<void>>();
  /** End offsets known from acknowledged sends (the broker dispatches to its queues a moment later). */
  readonly #ends = new Map<string, number>();
  readonly #consumers = new Set<RocketMQConsumer>();
  readonly #memberships = new Set<RocketMQMembership>();
  readonly #host: ConsumerHost;

  /** @throws ConfigError when an option is invalid. */
  constructor(options: RocketMQBrokerOptions) {
    this.options = resolveRocketMQBrokerOptions(options);
    const pulls = (): PullConsumer => this.#pullConsumer();
    this.#host = {
      knownQueue: (ref) => {
        const info = this.#topics.get(ref.topic);
        if (info === undefined) return undefined;
        return info.queues[ref.queue] ?? null;
      },
      resolveQueue: async (ref) => (await this.#requireQueue(ref)).mq,
      knownEnd: (ref) => this.#ends.get(refKey(ref.topic, ref.queue)) ?? 0,
      get pulls() {
        return pulls();
      },
      pullBatchSize: this.options.pullBatchSize,
      logger: this.options.logger,
      consumerClosed: (c) => this.#consumers.delete(c),
    };
  }

  #pullConsumer(): PullConsumer {
    if (this.#pulls === null) throw new IllegalStateError(`RocketMQ broker is ${this.#state}`);
    return this.#pulls;
  }

  #started(): RocketMQClient {
    if (this.#state !== 'started' || this.#client === null) {
      throw new IllegalStateError(`RocketMQ broker is ${this.#state}`);
    }
    return this.#client;
  }

  /**
   * Connects to the name servers, checks that `cluster` exists and creates the pull group.
   * @throws NotConnectedError when no name server answers; ConfigError when the cluster does not exist.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new IllegalStateError(`RocketMQ broker cannot start: it is ${this.#state}`);
    const o = this.options;
    const client = new RocketMQClient({
      nameServer: o.nameServer,
      requestTimeoutMs: o.requestTimeoutMs,
      ...(o.clientId === undefined ? {} : { clientId: o.clientId }),
    });
    try {
      const info = await client.nameServer.clusterInfo();
      if (info.clusters[o.cluster] === undefined) {
        const known = Object.keys(info.clusters).sort().join(', ') || 'none';
        const msg = `RocketMQ cluster '${o.cluster}' is not known to the name server ${o.nameServer} (clusters: ${known})`;
        throw new ConfigError(msg, { 'rocketmq.cluster.name': [msg] });
      }
      await client.admin().createSubscriptionGroup(o.consumerGroup, { cluster: o.cluster });
    } catch (err) {
      await client.close();
      this.#state = 'closed';
      throw toConnectError(err, `connecting to RocketMQ (name server ${o.nameServer})`);
    }
    this.#client = client;
    this.#producer = client.producer({
      group: o.producerGroup,
      retries: o.producerRetries,
      sendTimeoutMs: o.requestTimeoutMs,
      autoCreateTopic: false,
      maxBatchBytes: o.maxMessageBytes,
    });
    this.#pulls = client.consumer({ group: o.consumerGroup });
    this.#state = 'started';
  }

  /** Closes consumers and memberships (members unregister), then the connections. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const c of [...this.#consumers]) await c.close();
    await Promise.allSettled([...this.#memberships].map((m) => m.leave()));
    await this.#client?.close();
  }

  /** The RocketMQ topic behind a Connect topic (`.` written as `--`). @throws ConfigError for a name that cannot be used. */
  nativeTopicName(name: string): string {
    return toRocketMQTopic(name);
  }

  /** The RocketMQ consumer group behind a Connect group name. */
  rocketmqGroupName(group: string): string {
    return toRocketMQGroup(group);
  }

  #infoFromRoute(name: string, native: string, route: TopicRoute): TopicInfo {
    const cached = this.#topics.get(name);
    if (cached !== undefined && cached.route === route) return cached;
    const info: TopicInfo = {
      name,
      native,
      queues: route.readQueues,
      writable: new Set(route.writeQueues.map(mqKey)),
      route,
    };
    this.#topics.set(name, info);
    return info;
  }

  /** The topic from the name server's route (cached by the client, refreshed every 30 s), or null. */
  async #lookup(name: string, fresh = false): Promise<TopicInfo | null> {
    const client = this.#started();
    if (rocketmqTopicNameProblem(name) !== undefined) return null;
    const native = toRocketMQTopic(name);
    if (fresh) client.nameServer.forget(native);
    let route: TopicRoute;
    try {
      route = await client.nameServer.getRoute(native);
    } catch (err) {
      if (err instanceof TopicNotFoundError) {
        this.#topics.delete(name);
        return null;
      }
      throw toConnectError(err, `looking up RocketMQ topic ${native}`);
    }
    if (route.readQueues.length === 0) return null;
    return this.#infoFromRoute(name, native, route);
  }

  async #requireQueue(ref: TopicQueueRef): Promise<{ info: TopicInfo; mq: MessageQueue }> {
    const info = this.#topics.get(ref.topic) ?? (await this.#lookup(ref.topic));
    if (info === null) throw new NotFoundError(`topic ${ref.topic} does not exist`);
    const mq = Number.isInteger(ref.queue) ? info.queues[ref.queue] : undefined;
    if (mq === undefined) {
      throw new NotFoundError(`topic ${ref.topic} has ${info.queues.length} queues: queue ${ref.queue} does not exist`);
    }
    return { info, mq };
  }

  /**
   * Creates the topic if it does not exist; an existing topic keeps its queues. A new topic's queues are
   * spread over the masters of the cluster; its RocketMQ name is logged.
   * @throws ConfigError for a name RocketMQ cannot take (see {@link rocketmqTopicNameProblem}) or a bad queue count.
   */
  async ensureTopic(name: string, queues: number): Promise<TopicDescription> {
    this.#started();
    const problem = rocketmqTopicNameProblem(name);
    if (problem !== undefined) throw new ConfigError(problem, { topic: [problem] });
    const known = this.#topics.get(name);
    if (known !== undefined) return { name, queues: known.queues.length };
    let pending = this.#creating.get(name);
    if (pending === undefined) {
      pending = this.#ensure(name, queues).finally(() => this.#creating.delete(name));
      this.#creating.set(name, pending);
    }
    return pending;
  }

  async #ensure(name: string, queues: number): Promise<TopicDescription> {
    const existing = await this.#lookup(name);
    if (existing !== null) return { name, queues: existing.queues.length };
    if (!Number.isSafeInteger(queues) || queues < 1 || queues > MAX_QUEUES) {
      const msg = `queue count must be an integer in [1, ${MAX_QUEUES}], got ${queues}`;
      throw new ConfigError(msg, { queues: [msg] });
    }
    const client = this.#started();
    const native = toRocketMQTopic(name);
    const cluster = this.options.cluster;
    try {
      const masters = [...(await client.masterAddresses(cluster))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (masters.length === 0) throw new RetriableError(`RocketMQ cluster ${cluster} has no master broker`);
      // Spread the queues over the masters: the first ones get one more when they do not divide evenly.
      const per = Math.floor(queues / masters.length);
      const extra = queues % masters.length;
      await Promise.all(
        masters.map(([, addr], i) => {
          const n = per + (i < extra ? 1 : 0);
          if (n === 0) return Promise.resolve();
          return client.call(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, {
            topic: native,
            defaultTopic: AUTO_CREATE_TOPIC_KEY,
            readQueueNums: String(n),
            writeQueueNums: String(n),
            perm: String(Perm.READ_WRITE),
            topicFilterType: 'SINGLE_TAG',
            topicSysFlag: '0',
            order: 'false',
          });
        }),
      );
      const deadline = Date.now() + ROUTE_WAIT_MS;
      for (;;) {
        const info = await this.#lookup(name, true);
        if (info !== null && info.queues.length >= queues) {
          this.options.logger?.info(
            `Created RocketMQ topic '${native}' for topic '${name}' with ${info.queues.length} queues (cluster ${cluster})`,
            { topic: name, rocketmqTopic: native, queues: info.queues.length },
          );
          return { name, queues: info.queues.length };
        }
        if (Date.now() > deadline) {
          throw new RetriableError(
            `RocketMQ topic ${native} was created but its route did not appear within ${ROUTE_WAIT_MS} ms`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (err) {
      throw toConnectError(err, `creating RocketMQ topic ${native} for topic ${name}`);
    }
  }

  async describeTopic(name: string): Promise<TopicDescription | null> {
    const info = await this.#lookup(name);
    return info === null ? null : { name, queues: info.queues.length };
  }

  /**
   * The Connect-visible topics of the cluster's masters (GET_ALL_TOPIC_CONFIG), sorted: RocketMQ's system
   * topics, cluster and broker topics, and names that are not mapped Connect names are left out.
   */
  async listTopics(): Promise<TopicDescription[]> {
    const client = this.#started();
    try {
      const info = await client.nameServer.clusterInfo();
      const reserved = new Set<string>([...Object.keys(info.brokers), ...Object.keys(info.clusters)]);
      for (const c of Object.keys(info.clusters)) reserved.add(`${c}_REPLY_TOPIC`);
      const masters = await client.masterAddresses(this.options.cluster);
      const admin = client.admin();
      const queues = new Map<string, number>();
      for (const configs of await Promise.all([...masters.values()].map((addr) => admin.brokerTopicConfigs(addr)))) {
        for (const [native, config] of Object.entries(configs)) {
          if (reserved.has(native) || isRocketMQSystemTopic(native) || !(config.perm & Perm.READ)) continue;
          const name = fromRocketMQTopic(native);
          if (name === null) continue;
          queues.set(name, (queues.get(name) ?? 0) + config.readQueueNums);
        }
      }
      return [...queues]
        .filter(([, n]) => n > 0)
        .map(([name, n]) => ({ name, queues: n }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      throw toConnectError(err, 'listing RocketMQ topics');
    }
  }

  /**
   * Deletes the topic from the cluster's brokers and the name servers; the brokers drop every group's
   * offsets of it. @throws NotFoundError when it does not exist.
   */
  async deleteTopic(name: string): Promise<void> {
    const client = this.#started();
    const info = await this.#lookup(name, true);
    if (info === null) throw new NotFoundError(`topic ${name} does not exist`);
    try {
      await client.admin().deleteTopic(info.native, { cluster: this.options.cluster });
    } catch (err) {
      throw toConnectError(err, `deleting RocketMQ topic ${info.native}`);
    } finally {
      this.#topics.delete(name);
      this.#roundRobin.delete(name);
      for (let q = 0; q < info.queues.length; q++) this.#ends.delete(refKey(name, q));
    }
  }

  async #topicForSend(name: string): Promise<TopicInfo> {
    const known = this.#topics.get(name);
    if (known !== undefined) return known;
    const problem = rocketmqTopicNameProblem(name);
    if (problem !== undefined) throw new DataError(problem);
    await this.ensureTopic(name, this.options.defaultQueues);
    const info = this.#topics.get(name);
    if (info === undefined) throw new RetriableError(`topic ${name} was created but is not routable yet`);
    return info;
  }

  /**
   * Sends the messages and resolves with their positions in input order once the master stored every
   * one. Messages are checked and encoded before anything is sent. Queue choice: the message's `queue`,
   * else Kafka's murmur2 hash of the key (as the embedded broker), else one queue per send and topic,
   * rotating by send. A send that fails may have stored some of its messages (at-least-once).
   * @throws DataError for a bad message (name, queue, field types, too large); retriable errors for
   *   transient trouble (after the client's own retries).
   */
  async send(messages: readonly OutgoingMessage[]): Promise<MessagePosition[]> {
    this.#started();
    const n = messages.length;
    if (n === 0) return [];
    const infos = new Map<string, TopicInfo>();
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      checkContent(m, i);
      if (typeof m.topic !== 'string') throw new DataError(`message ${i}: topic must be a string`);
      if (!infos.has(m.topic)) infos.set(m.topic, await this.#topicForSend(m.topic));
    }
    const groups = new Map<string, SendGroup>();
    const sticky = new Map<string, number>();
    const max = this.options.maxMessageBytes;
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      const info = infos.get(m.topic)!;
      const count = info.queues.length;
      let queue: number;
      if (m.queue !== undefined && m.queue !== null) {
        if (!Number.isInteger(m.queue) || m.queue < 0 || m.queue >= count) {
          throw new DataError(`topic ${m.topic} has ${count} queues: queue ${m.queue} does not exist`);
        }
        queue = m.queue;
      } else if (m.key instanceof Uint8Array) {
        queue = queueForKey(m.key, count);
      } else {
        let chosen = sticky.get(m.topic);
        if (chosen === undefined) {
          chosen = (this.#roundRobin.get(m.topic) ?? 0) % count;
          this.#roundRobin.set(m.topic, (chosen + 1) % count);
          sticky.set(m.topic, chosen);
        }
        queue = chosen;
      }
      if (!info.writable.has(mqKey(info.queues[queue]!))) {
        throw new DataError(`queue ${queue} of topic ${m.topic} (RocketMQ ${info.native}) is not writable`);
      }
      const record = encodeRecord(m, max);
      const key = refKey(m.topic, queue);
      let g = groups.get(key);
      if (g === undefined) {
        g = { info, queue, indexes: [], records: [] };
        groups.set(key, g);
      }
      g.indexes.push(i);
      g.records.push(record);
    }
    const positions = new Array<MessagePosition>(n);
    const sends = [...groups].map(([key, g]) => this.#chain(key, () => this.#sendGroup(g, positions)));
    const results = await Promise.allSettled(sends);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return positions;
  }

  /** Runs `work` after every earlier send to the same queue settled. */
  #chain(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(key);
    const run = previous === undefined ? work() : previous.then(work);
    const tail = run.catch(() => undefined);
    this.#chains.set(key, tail);
    void tail.then(() => {
      if (this.#chains.get(key) === tail) this.#chains.delete(key);
    });
    return run;
  }

  async #sendGroup(g: SendGroup, positions: MessagePosition[]): Promise<void> {
    const producer = this.#producer;
    if (producer === null || this.#state !== 'started')
      throw new IllegalStateError(`RocketMQ broker is ${this.#state}`);
    const { info, queue } = g;
    const mq = info.queues[queue]!;
    const selector = { queueId: mq.queueId, brokerName: mq.brokerName };
    const limit = Math.min(CHUNK_BYTES, this.options.maxMessageBytes);
    let start = 0;
    while (start < g.records.length) {
      let bytes = g.records[start]!.batchBytes;
      let end = start + 1;
      while (end < g.records.length && bytes + g.records[end]!.batchBytes <= limit)
        bytes += g.records[end++]!.batchBytes;
      const batch: BatchMessage[] = [];
      for (let j = start; j < end; j++) {
        const r = g.records[j]!;
        batch.push(
          r.keys === undefined
            ? { body: r.body, properties: r.properties, queue: selector }
            : { body: r.body, keys: r.keys, properties: r.properties, queue: selector },
        );
      }
      const acks = await this.#deliver(producer, info, queue, batch);
      const endKey = refKey(info.name, queue);
      let last = this.#ends.get(endKey) ?? 0;
      for (let j = start; j < end; j++) {
        const offset = acks[j - start]!.queueOffset;
        positions[g.indexes[j]!] = { topic: info.name, queue, offset };
        if (offset + 1 > last) last = offset + 1;
      }
      this.#ends.set(endKey, last);
      start = end;
    }
  }

  /**
   * Sends one batch, retrying retriable failures with backoff for up to `deliveryTimeoutMs` (the client
   * has already retried `producerRetries` times). Later sends to the queue wait in its chain meanwhile.
   */
  async #deliver(producer: Producer, info: TopicInfo, queue: number, batch: BatchMessage[]) {
    const started = performance.now();
    let attempt = 0;
    for (;;) {
      try {
        return await producer.sendBatch(info.native, batch);
      } catch (err) {
        const error = toConnectError(err, `sending to RocketMQ topic ${info.native} queue ${queue}`);
        const waited = performance.now() - started;
        if (err instanceof TopicNotFoundError) {
          // Deleted behind this broker's back: forgotten, so the task's next attempt creates it again.
          this.#topics.delete(info.name);
          throw error;
        }
        if (!isRetriable(error) || this.#state !== 'started' || waited >= this.options.deliveryTimeoutMs) throw error;
        attempt++;
        if (attempt === 1 || attempt % 20 === 0) {
          this.options.logger?.warn(`${error.message}; retrying for up to ${this.options.deliveryTimeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  /** Oldest retained offset (GET_MIN_OFFSET) and next offset (GET_MAX_OFFSET, or later when this broker acknowledged later sends). */
  async queueRange(queue: TopicQueueRef): Promise<QueueRange> {
    const { mq } = await this.#requireQueue(queue);
    const pulls = this.#pullConsumer();
    try {
      const [start, end] = await Promise.all([pulls.minOffset(mq), pulls.maxOffset(mq)]);
      return { start, end: Math.max(end, this.#ends.get(refKey(queue.topic, queue.queue)) ?? 0) };
    } catch (err) {
      throw toConnectError(err, `reading the offsets of ${queue.topic}/${queue.queue}`);
    }
  }

  /** First offset stored at or after `timestamp` by the broker's store time (SEARCH_OFFSET_BY_TIMESTAMP); the end when none. */
  async offsetForTimestamp(queue: TopicQueueRef, timestamp: number): Promise<number> {
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) throw new DataError(`bad timestamp ${timestamp}`);
    const { mq } = await this.#requireQueue(queue);
    try {
      return await this.#pullConsumer().offsetForTimestamp(mq, Math.max(0, Math.floor(timestamp)));
    } catch (err) {
      throw toConnectError(err, `searching ${queue.topic}/${queue.queue} by timestamp`);
    }
  }

  createConsumer(): BrokerConsumer {
    this.#started();
    const c = new RocketMQConsumer(this.#host);
    this.#consumers.add(c);
    return c;
  }

  #groupConsumer(group: string): PullConsumer {
    if (typeof group !== 'string') throw new DataError('group must be a string');
    return this.#started().consumer({ group: toRocketMQGroup(group) });
  }

  /**
   * Commits next-offsets of a group (UPDATE_CONSUMER_OFFSET per queue, in parallel: not atomic).
   * @throws NotFoundError for an unknown topic or queue; DataError for a negative or non-integer offset.
   */
  async commitGroupOffsets(group: string, offsets: readonly QueuePosition[]): Promise<void> {
    const consumer = this.#groupConsumer(group);
    const targets: { mq: MessageQueue; offset: number }[] = [];
    for (const o of offsets) {
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
        throw new DataError(`offset of ${o.topic}/${o.queue} must be a non-negative integer, got ${o.offset}`);
      }
      targets.push({ mq: (await this.#requireQueue(o)).mq, offset: o.offset });
    }
    try {
      await Promise.all(targets.map((t) => consumer.commitOffset(t.mq, t.offset)));
    } catch (err) {
      throw toConnectError(err, `committing offsets of group ${group}`);
    }
  }

  /**
   * Committed next-offsets of a group (QUERY_CONSUMER_OFFSET), sorted; queues without one (or whose offset
   * was deleted) are absent. Without `queues`: every queue of every topic the group has offsets for on the
   * cluster's masters (QUERY_TOPICS_BY_CONSUMER).
   */
  async fetchGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<QueuePosition[]> {
    const consumer = this.#groupConsumer(group);
    const client = this.#started();
    const wanted: { ref: TopicQueueRef; mq: MessageQueue }[] = [];
    try {
      if (queues !== undefined) {
        for (const ref of queues) {
          const info = this.#topics.get(ref.topic) ?? (await this.#lookup(ref.topic));
          const mq = info?.queues[ref.queue];
          if (mq !== undefined) wanted.push({ ref: { topic: ref.topic, queue: ref.queue }, mq });
        }
      } else {
        const native = toRocketMQGroup(group);
        for (const [brokerName, addr] of await client.masterAddresses(this.options.cluster)) {
          const res = await client.call(addr, QUERY_TOPICS_BY_CONSUMER, { group: native });
          const body = parseLenientJson(res.body?.toString('utf8') ?? '{}') as { topicList?: string[] };
          for (const nativeTopic of body.topicList ?? []) {
            const name = fromRocketMQTopic(nativeTopic);
            if (name === null) continue;
            const info = await this.#lookup(name);
            if (info === null) continue;
            info.queues.forEach((mq, queue) => {
              if (mq.brokerName === brokerName) wanted.push({ ref: { topic: name, queue }, mq });
            });
          }
        }
      }
      const found = await Promise.all(wanted.map(async (w) => ({ ...w, offset: await consumer.fetchOffset(w.mq) })));
      return found
        .filter((f): f is typeof f & { offset: number } => f.offset !== undefined && f.offset >= 0)
        .map((f) => ({ topic: f.ref.topic, queue: f.ref.queue, offset: f.offset }))
        .sort((a, b) => (a.topic === b.topic ? a.queue - b.queue : a.topic < b.topic ? -1 : 1));
    } catch (err) {
      throw toConnectError(err, `fetching offsets of group ${group}`);
    }
  }

  /**
   * Forgets committed offsets. RocketMQ cannot remove one queue's offset, so for `queues` this commits -1,
   * which the broker answers as "not found" (QUERY_NOT_FOUND), exactly as for a queue never committed.
   * Without `queues` the subscription group is deleted with its offsets (DELETE_SUBSCRIPTIONGROUP,
   * cleanOffset) and created again, so brokers without auto-creation still accept it.
   */
  async deleteGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<void> {
    const consumer = this.#groupConsumer(group);
    const client = this.#started();
    const native = toRocketMQGroup(group);
    try {
      if (queues !== undefined) {
        const targets: MessageQueue[] = [];
        for (const ref of queues) {
          const info = this.#topics.get(ref.topic) ?? (await this.#lookup(ref.topic));
          const mq = info?.queues[ref.queue];
          if (mq !== undefined) targets.push(mq);
        }
        await Promise.all(targets.map((mq) => consumer.commitOffset(mq, -1)));
        return;
      }
      const admin = client.admin();
      await admin.deleteSubscriptionGroup(native, { cluster: this.options.cluster });
      await admin.createSubscriptionGroup(native, { cluster: this.options.cluster });
    } catch (err) {
      throw toConnectError(err, `deleting offsets of group ${group}`);
    }
  }

  /**
   * Joins the consumer group {@link toRocketMQGroup}(`group`) with a client whose id is `memberId`.
   * @throws AlreadyExistsError when the group already lists `memberId` (another live process uses it).
   */
  async joinGroup(group: string, memberId: string): Promise<Membership> {
    this.#started();
    if (typeof memberId !== 'string' || memberId === '') throw new DataError('member id must be a non-empty string');
    const o = this.options;
    const client = new RocketMQClient({
      nameServer: o.nameServer,
      clientId: memberId,
      requestTimeoutMs: o.requestTimeoutMs,
    });
    const native = toRocketMQGroup(group);
    const membership = client.membership({ group: native });
    try {
      if ((await membership.list()).includes(memberId)) {
        throw new AlreadyExistsError(`member ${memberId} is already in group ${group} (RocketMQ group ${native})`);
      }
      const m = new RocketMQMembership(group, memberId, client, membership, o.logger, (left) =>
        this.#memberships.delete(left),
      );
      await membership.start();
      if (this.#state !== 'started') {
        await m.leave();
        throw new IllegalStateError('RocketMQ broker closed while joining');
      }
      this.#memberships.add(m);
      return m;
    } catch (err) {
      await client.close();
      throw err instanceof ConnectError ? err : toConnectError(err, `joining group ${group} as ${memberId}`);
    }
  }
}
