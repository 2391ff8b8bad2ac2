import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ConnectError, DataError, IllegalStateError, NotFoundError } from '@tributary/api';
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
import { type ConsumerHost, EmbeddedConsumer } from './consumer.js';
import { DirLock, fsyncDirSync, removeTree, unlinkIfExists } from './fs-utils.js';
import { GroupOffsetStore } from './group-offsets.js';
import { MembershipRegistry } from './membership.js';
import {
  checkTopicConfig,
  type EmbeddedBrokerOptions,
  type EmbeddedTopicConfig,
  MAX_QUEUES,
  type ResolvedEmbeddedBrokerOptions,
  resolveEmbeddedBrokerOptions,
} from './options.js';
import { queueForKey } from './partitioner.js';
import { QueueLog, type QueueLogConfig } from './queue-log.js';
import { type MessageContent, recordSize } from './record-format.js';
import { ScratchBuffer } from './segment.js';
import { readTopicMetadata, TOPIC_METADATA_FILE, topicNameProblem, writeTopicMetadata } from './topic-metadata.js';

interface TopicState {
  readonly name: string;
  readonly dir: string;
  readonly config: EmbeddedTopicConfig;
  readonly queues: QueueLog[];
  /** Next queue for a message without key and queue. */
  roundRobin: number;
}

/** What the last `start` found and repaired. */
export interface RecoveryReport {
  /** Wall time of `start`, ms. */
  readonly durationMs: number;
  readonly topics: number;
  readonly queues: number;
  /** Queues whose torn or corrupt tail was cut off. */
  readonly truncatedQueues: readonly TopicQueueRef[];
  /** Whether the group-offsets log had a torn tail cut off. */
  readonly groupOffsetsTruncated: boolean;
}

interface QueueBatch {
  readonly log: QueueLog;
  readonly messages: MessageContent[];
  readonly sizes: number[];
  readonly indexes: number[];
}

/**
 * Resolves on the next turn of the event loop. An `interval`-policy send does no I/O to wait for: without
 * this, a producer looping on `await send()` would run on microtasks alone and starve timers (the
 * fsync timer among them) and I/O callbacks.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkContent(m: OutgoingMessage): void {
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
 * The embedded durable broker: topics of queues, each queue a log of segment files under
 * `<dataDir>/broker/topics/<topic>/<queue>/`, group offsets in `<dataDir>/broker/groups/offsets.log`,
 * in-process membership. Nothing to install; survives `kill -9` at any instant without losing an
 * acknowledged message or commit (and, with `fsync: 'per-batch'`, an OS crash). One broker per data
 * dir: a `LOCK` file keeps a second process (or instance) out.
 *
 * Beyond the {@link Broker} contract: `ensureTopic` takes optional per-topic retention and segment
 * settings, {@link enforceRetention} and {@link flush} run retention and fsync on demand, and
 * {@link recovery} says what `start` repaired.
 */
export class EmbeddedBroker implements Broker {
  readonly kind = 'embedded';
  readonly options: ResolvedEmbeddedBrokerOptions;
  readonly #root: string;
  readonly #topicsDir: string;
  readonly #groupsDir: string;
  #state: 'new' | 'starting' | 'started' | 'closed' = 'new';
  #lock: DirLock | null = null;
  readonly #topics = new Map<string, TopicState>();
  #offsets: GroupOffsetStore | null = null;
  readonly #membership = new MembershipRegistry();
  readonly #consumers = new Set<EmbeddedConsumer>();
  readonly #scratch = new ScratchBuffer();
  #timers: NodeJS.Timeout[] = [];
  #fatal: unknown = null;
  #recovery: RecoveryReport | null = null;
  readonly #host: ConsumerHost;

  /** @throws ConfigError when an option is invalid. */
  constructor(options: EmbeddedBrokerOptions) {
    this.options = resolveEmbeddedBrokerOptions(options);
    this.#root = join(this.options.dataDir, 'broker');
    this.#topicsDir = join(this.#root, 'topics');
    this.#groupsDir = join(this.#root, 'groups');
    this.#host = {
      queueLog: (topic, queue) => this.#topics.get(topic)?.queues[queue] ?? null,
      requireQueue: (ref) => this.#requireQueue(ref),
      maxPollBytes: this.options.maxPollBytes,
      consumerClosed: (c) => this.#consumers.delete(c),
    };
  }

  /** What `start` found and repaired (null before). */
  get recovery(): RecoveryReport | null {
    return this.#recovery;
  }

  /**
   * Opens the data dir and recovers every queue (see QueueLog.open) and the group offsets.
   * @throws IllegalStateError when another live process or broker holds the data dir.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new IllegalStateError(`embedded broker cannot start: it is ${this.#state}`);
    this.#state = 'starting';
    const began = performance.now();
    mkdirSync(this.#topicsDir, { recursive: true });
    mkdirSync(this.#groupsDir, { recursive: true });
    this.#lock = DirLock.acquire(this.#root);
    const truncatedQueues: TopicQueueRef[] = [];
    let queueCount = 0;
    try {
      for (const name of readdirSync(this.#topicsDir).sort()) {
        const dir = join(this.#topicsDir, name);
        if (topicNameProblem(name) !== undefined || !statSync(dir).isDirectory()) continue;
        unlinkIfExists(join(dir, `${TOPIC_METADATA_FILE}.tmp`));
        const meta = readTopicMetadata(dir, name);
        if (meta === null) {
          // Creation or deletion was interrupted: the topic does not exist.
          removeTree(dir);
          continue;
        }
        const queues: QueueLog[] = [];
        for (let q = 0; q < meta.queues; q++) {
          const { log, truncated } = QueueLog.open(
            name,
            q,
            join(dir, String(q)),
            this.#queueConfig(meta.config),
            this.#scratch,
          );
          queues.push(log);
          if (truncated) truncatedQueues.push({ topic: name, queue: q });
        }
        queueCount += queues.length;
        this.#topics.set(name, { name, dir, config: meta.config, queues, roundRobin: 0 });
      }
      const { store, truncated } = GroupOffsetStore.open(this.#groupsDir, this.options.fsync === 'per-batch');
      this.#offsets = store;
      this.#recovery = {
        durationMs: performance.now() - began,
        topics: this.#topics.size,
        queues: queueCount,
        truncatedQueues,
        groupOffsetsTruncated: truncated,
      };
    } catch (err) {
      for (const t of this.#topics.values()) for (const q of t.queues) await q.close().catch(() => undefined);
      this.#topics.clear();
      this.#lock.release();
      this.#state = 'closed';
      throw err;
    }
    this.#state = 'started';
    if (this.options.fsync === 'interval') {
      this.#timers.push(setInterval(() => void this.flush().catch(() => undefined), this.options.fsyncIntervalMs));
    }
    this.#timers.push(setInterval(() => this.#backgroundRetention(), this.options.retentionCheckIntervalMs));
    for (const t of this.#timers) t.unref();
  }

  #backgroundRetention(): void {
    try {
      this.enforceRetention();
    } catch (err) {
      process.emitWarning(`embedded broker retention failed: ${String(err)}`);
    }
  }

  #checkStarted(): void {
    if (this.#state !== 'started') throw new IllegalStateError(`embedded broker is ${this.#state}`);
    if (this.#fatal !== null) {
      throw new ConnectError('embedded broker stopped after a storage failure; restart it', { cause: this.#fatal });
    }
  }

  #queueConfig(topic: EmbeddedTopicConfig): QueueLogConfig {
    const o = this.options;
    return {
      segmentBytes: topic.segmentBytes ?? o.segmentBytes,
      retentionBytes: topic.retentionBytes ?? o.retentionBytes,
      retentionMs: topic.retentionMs ?? o.retentionMs,
      indexIntervalBytes: o.indexIntervalBytes,
      perBatch: o.fsync === 'per-batch',
    };
  }

  #requireQueue(ref: TopicQueueRef): QueueLog {
    this.#checkStarted();
    const t = this.#topics.get(ref.topic);
    if (t === undefined) throw new NotFoundError(`topic ${ref.topic} does not exist`);
    const q = t.queues[ref.queue];
    if (q === undefined || !Number.isInteger(ref.queue)) {
      throw new NotFoundError(`topic ${ref.topic} has ${t.queues.length} queues: queue ${ref.queue} does not exist`);
    }
    return q;
  }

  /** Creates a topic synchronously: queue dirs and first segments, then `topic.json` (the commit point). */
  #createTopic(name: string, queues: number, config: EmbeddedTopicConfig): TopicState {
    const dir = join(this.#topicsDir, name);
    removeTree(dir);
    mkdirSync(dir);
    const logs: QueueLog[] = [];
    const queueConfig = this.#queueConfig(config);
    for (let q = 0; q < queues; q++) {
      const log = QueueLog.create(name, q, join(dir, String(q)), queueConfig, this.#scratch);
      fsyncDirSync(log.dir);
      logs.push(log);
    }
    fsyncDirSync(dir);
    writeTopicMetadata(dir, { version: 1, name, queues, config });
    fsyncDirSync(this.#topicsDir);
    const t: TopicState = { name, dir, config, queues: logs, roundRobin: 0 };
    this.#topics.set(name, t);
    return t;
  }

  /**
   * Creates the topic if it does not exist; an existing topic keeps its queue count and settings.
   * `config` (embedded broker only) overrides retention and segment size for this topic.
   * @throws ConfigError for an invalid name, queue count or config.
   */
  async ensureTopic(name: string, queues: number, config: EmbeddedTopicConfig = {}): Promise<TopicDescription> {
    this.#checkStarted();
    const problem = topicNameProblem(name);
    if (problem !== undefined) throw new ConfigError(problem, { topic: [problem] });
    const existing = this.#topics.get(name);
    if (existing !== undefined) return { name, queues: existing.queues.length };
    if (!Number.isSafeInteger(queues) || queues < 1 || queues > MAX_QUEUES) {
      const msg = `queue count must be an integer in [1, ${MAX_QUEUES}], got ${queues}`;
      throw new ConfigError(msg, { queues: [msg] });
    }
    const t = this.#createTopic(name, queues, checkTopicConfig(config));
    return { name, queues: t.queues.length };
  }

  async describeTopic(name: string): Promise<TopicDescription | null> {
    this.#checkStarted();
    const t = this.#topics.get(name);
    return t === undefined ? null : { name, queues: t.queues.length };
  }

  async listTopics(): Promise<TopicDescription[]> {
    this.#checkStarted();
    return [...this.#topics.values()]
      .map((t) => ({ name: t.name, queues: t.queues.length }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Deletes a topic, its messages and every group's offsets for it. Consumers assigned to its queues
   * get nothing more from them. @throws NotFoundError when the topic does not exist.
   */
  async deleteTopic(name: string): Promise<void> {
    this.#checkStarted();
    const t = this.#topics.get(name);
    if (t === undefined) throw new NotFoundError(`topic ${name} does not exist`);
    this.#topics.delete(name);
    // Removing topic.json first is the commit point: a crash after it leaves a directory that start() removes.
    unlinkIfExists(join(t.dir, TOPIC_METADATA_FILE));
    fsyncDirSync(t.dir);
    for (const q of t.queues) q.abandon();
    removeTree(t.dir);
    await this.#offsets!.deleteTopic(name);
  }

  #topicForSend(name: string): TopicState {
    const t = this.#topics.get(name);
    if (t !== undefined) return t;
    const problem = topicNameProblem(name);
    if (problem !== undefined) throw new DataError(problem);
    return this.#createTopic(name, this.options.defaultQueues, {});
  }

  /**
   * Appends the messages (one positional write per queue per segment) and resolves with their positions,
   * in input order, once they are durable per the fsync policy. Every message is checked before anything
   * is written. A send that fails while writing (disk full) may have stored some of its messages.
   *
   * Queue choice: the message's `queue`; else Kafka's hash of the key; else round-robin by send — the
   * keyless messages of one send to one topic all go to the topic's next queue (Kafka's sticky
   * partitioning): one write and one fsync instead of one per queue, and still an even spread over sends.
   * @throws DataError for a bad message (invalid topic name, queue out of range, field types, too large).
   */
  async send(messages: readonly OutgoingMessage[]): Promise<MessagePosition[]> {
    this.#checkStarted();
    const n = messages.length;
    if (n === 0) return [];
    const batches = new Map<QueueLog, QueueBatch>();
    let sticky: Map<TopicState, number> | undefined;
    const max = this.options.maxMessageBytes;
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      const t = this.#topicForSend(m.topic);
      const count = t.queues.length;
      let queue: number;
      if (m.queue !== undefined && m.queue !== null) {
        if (!Number.isInteger(m.queue) || m.queue < 0 || m.queue >= count) {
          throw new DataError(`topic ${m.topic} has ${count} queues: queue ${m.queue} does not exist`);
        }
        queue = m.queue;
      } else if (m.key instanceof Uint8Array) queue = queueForKey(m.key, count);
      else {
        let chosen = sticky?.get(t);
        if (chosen === undefined) {
          chosen = t.roundRobin;
          t.roundRobin = (chosen + 1) % count;
          sticky ??= new Map();
          sticky.set(t, chosen);
        }
        queue = chosen;
      }
      checkContent(m);
      const size = recordSize(m);
      if (size > max) throw new DataError(`message of ${size} bytes exceeds message.max.bytes (${max})`);
      const log = t.queues[queue]!;
      let b = batches.get(log);
      if (b === undefined) {
        b = { log, messages: [], sizes: [], indexes: [] };
        batches.set(log, b);
      }
      b.messages.push(m);
      b.sizes.push(size);
      b.indexes.push(i);
    }
    const positions = new Array<MessagePosition>(n);
    try {
      for (const b of batches.values()) {
        const first = b.log.append(b.messages, b.sizes);
        const { topic, queue } = b.log;
        for (let k = 0; k < b.indexes.length; k++) positions[b.indexes[k]!] = { topic, queue, offset: first + k };
      }
      if (this.options.fsync === 'per-batch') await Promise.all([...batches.keys()].map((q) => q.sync()));
      else await nextTurn();
    } catch (err) {
      this.#fatal ??= err;
      throw err instanceof ConnectError ? err : new ConnectError('embedded broker write failed', { cause: err });
    }
    return positions;
  }

  async queueRange(queue: TopicQueueRef): Promise<QueueRange> {
    const q = this.#requireQueue(queue);
    return { start: q.start, end: q.end };
  }

  async offsetForTimestamp(queue: TopicQueueRef, timestamp: number): Promise<number> {
    const q = this.#requireQueue(queue);
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) throw new DataError(`bad timestamp ${timestamp}`);
    return q.offsetForTimestamp(timestamp);
  }

  createConsumer(): BrokerConsumer {
    if (this.#state === 'closed') throw new IllegalStateError('embedded broker is closed');
    const c = new EmbeddedConsumer(this.#host);
    this.#consumers.add(c);
    return c;
  }

  /** @throws NotFoundError for a queue that does not exist; DataError for a negative or non-integer offset. */
  async commitGroupOffsets(group: string, offsets: readonly QueuePosition[]): Promise<void> {
    this.#checkStarted();
    if (typeof group !== 'string') throw new DataError('group must be a string');
    for (const o of offsets) {
      this.#requireQueue(o);
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
        throw new DataError(`offset of ${o.topic}/${o.queue} must be a non-negative integer, got ${o.offset}`);
      }
    }
    try {
      await this.#offsets!.commit(group, offsets);
    } catch (err) {
      if (!(err instanceof DataError)) this.#fatal ??= err;
      throw err;
    }
  }

  async fetchGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<QueuePosition[]> {
    this.#checkStarted();
    return this.#offsets!.fetch(group, queues);
  }

  async deleteGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<void> {
    this.#checkStarted();
    await this.#offsets!.delete(group, queues);
  }

  /** Joins an in-process membership group. @throws AlreadyExistsError when `memberId` is already in it. */
  async joinGroup(group: string, memberId: string): Promise<Membership> {
    this.#checkStarted();
    return this.#membership.join(group, memberId);
  }

  /** Runs retention on every queue now (it also runs every `retentionCheckIntervalMs` and on rolls). Returns the number of segments deleted. */
  enforceRetention(): number {
    this.#checkStarted();
    const now = this.options.clock();
    let deleted = 0;
    for (const t of this.#topics.values()) for (const q of t.queues) deleted += q.enforceRetention(now);
    return deleted;
  }

  /** Makes everything written so far durable (what the `interval` policy's timer does). */
  async flush(): Promise<void> {
    this.#checkStarted();
    const pending: Promise<void>[] = [];
    for (const t of this.#topics.values()) for (const q of t.queues) if (q.needsSync) pending.push(q.sync());
    if (this.#offsets!.needsSync) pending.push(this.#offsets!.sync());
    try {
      await Promise.all(pending);
    } catch (err) {
      this.#fatal ??= err;
      throw err;
    }
  }

  /** Stops consumers and memberships, fsyncs, writes index files (so the next start is fast), releases the dir. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasStarted = this.#state === 'started';
    this.#state = 'closed';
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const c of [...this.#consumers]) c.closeNow();
    this.#membership.leaveAll();
    if (!wasStarted) return;
    const closing: Promise<void>[] = [];
    for (const t of this.#topics.values()) for (const q of t.queues) closing.push(q.close());
    const results = await Promise.allSettled([...closing, this.#offsets!.close()]);
    this.#topics.clear();
    this.#lock?.release();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw new ConnectError('embedded broker did not close cleanly', { cause: failed.reason });
  }
}
