/**
 * The one interface between the runtime and the message broker where records rest between source and
 * sink. Implementations: `embedded` (a durable log in the worker's data dir) and `rocketmq`. Nothing above
 * this interface may assume a particular broker: cluster mode is built only on it.
 *
 * Model: topics split into queues; each queue is an ordered log addressed by offsets (0, 1, 2, … — an
 * offset is the position of one message; the next offset to be written is the queue's `end`). Consumer
 * groups keep a committed offset per queue (the offset of the next message to read). Membership groups
 * let workers see each other.
 */

/** A message header as stored by the broker: the header converter's bytes. */
export interface BrokerHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/** One message to send. */
export interface OutgoingMessage {
  readonly topic: string;
  /** Target queue; when absent the broker picks one from the key (hash), or round-robin without a key. */
  readonly queue?: number | undefined;
  readonly key: Uint8Array | null;
  /** Null is a tombstone; brokers that cannot store empty bodies must mark it and restore null on read. */
  readonly value: Uint8Array | null;
  readonly headers: readonly BrokerHeader[];
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** Where a sent message was stored: the broker's acknowledgement. */
export interface MessagePosition {
  readonly topic: string;
  readonly queue: number;
  readonly offset: number;
}

/** A message read from a queue. */
export interface StoredMessage extends MessagePosition {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly BrokerHeader[];
  /** The producer's timestamp (ms since the epoch). */
  readonly timestamp: number;
  /** Approximate stored size in bytes, for metrics and memory accounting. */
  readonly size: number;
}

export interface TopicQueueRef {
  readonly topic: string;
  readonly queue: number;
}

export interface QueuePosition extends TopicQueueRef {
  readonly offset: number;
}

export interface TopicDescription {
  readonly name: string;
  readonly queues: number;
}

export interface QueueRange {
  /** Offset of the oldest message still retained. */
  readonly start: number;
  /** Offset the next message will get (exclusive end). */
  readonly end: number;
}

/*
 * Behaviours every implementation documents: keyless messages without a queue go to one queue per send,
 * rotating by send (sticky, as Kafka); a keyed message goes to Kafka's murmur2 hash of its key modulo the
 * queue count; sends issued one after another without waiting keep their call order within each queue
 * (the source runner keeps several batches in flight); one `poll` at a time per consumer; committing an
 * offset of an unknown topic throws NotFoundError. `broker-contract.ts` tests all of this.
 */

/** Where a consumer starts reading a queue that has no explicit position. */
export type SeekTarget = number | 'earliest' | 'latest';

/**
 * Reads assigned queues. One consumer is used by one task at a time; `poll` returns messages of every
 * assigned, unpaused queue, in offset order per queue.
 */
export interface BrokerConsumer {
  /** Replaces the set of assigned queues. New queues start at `earliest` unless sought. */
  assign(queues: readonly TopicQueueRef[]): void;
  assignment(): readonly TopicQueueRef[];
  /**
   * Sets the next offset to read for an assigned queue. `earliest`/`latest` are resolved against the
   * queue's range no later than the next `poll` (a remote broker asks for it in the background).
   */
  seek(queue: TopicQueueRef, target: SeekTarget): void;
  /**
   * The next offset this consumer will read from the queue. Right after a seek to `earliest`/`latest`, a
   * remote broker may answer the last range it knew until the seek is resolved.
   */
  position(queue: TopicQueueRef): number;
  pause(queues: readonly TopicQueueRef[]): void;
  resume(queues: readonly TopicQueueRef[]): void;
  /**
   * Up to `maxMessages` messages, waiting up to `maxWaitMs` when none is available. Resolves early (possibly
   * empty) when `signal` aborts. A position before the queue's retained start moves to the start; one
   * beyond the end moves to the end. With `maxWaitMs` 0 a remote broker still makes one round trip.
   */
  poll(maxMessages: number, maxWaitMs: number, signal?: AbortSignal): Promise<StoredMessage[]>;
  close(): Promise<void>;
}

/** Live view of a membership group. */
export interface Membership {
  readonly group: string;
  readonly memberId: string;
  /** Ids of the live members, sorted. */
  members(): Promise<string[]>;
  /** Called with the sorted member ids whenever the set changes (join, leave, death). Returns an unsubscribe. */
  onChange(listener: (members: readonly string[]) => void): () => void;
  /** Leaves the group promptly (other members see the change). */
  leave(): Promise<void>;
}

/** The broker contract. All methods may throw ConnectError subclasses; transient trouble is retriable. */
export interface Broker {
  /** `embedded`, `rocketmq`, ... */
  readonly kind: string;
  start(): Promise<void>;
  close(): Promise<void>;

  /** Creates the topic if it does not exist (idempotent); an existing topic keeps its queue count. */
  ensureTopic(name: string, queues: number): Promise<TopicDescription>;
  describeTopic(name: string): Promise<TopicDescription | null>;
  listTopics(): Promise<TopicDescription[]>;
  deleteTopic(name: string): Promise<void>;

  /**
   * Sends messages; resolves once every one is durable per the broker's policy, with positions in input
   * order. Messages to the same queue keep their relative order. Topics are created on first use with the
   * broker's default queue count.
   */
  send(messages: readonly OutgoingMessage[]): Promise<MessagePosition[]>;

  queueRange(queue: TopicQueueRef): Promise<QueueRange>;
  /**
   * The first offset whose message timestamp is ≥ `timestamp` (the end offset when none is). RocketMQ
   * searches its store timestamps (the send times), not the records' own timestamps.
   */
  offsetForTimestamp(queue: TopicQueueRef, timestamp: number): Promise<number>;

  createConsumer(): BrokerConsumer;

  /** Commits next-offsets of a consumer group. */
  commitGroupOffsets(group: string, offsets: readonly QueuePosition[]): Promise<void>;
  /** Committed next-offsets of a group; queues without a commit are absent. All of the group's queues when `queues` is omitted. */
  fetchGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<QueuePosition[]>;
  /** Forgets a group's committed offsets (all, or for some queues). */
  deleteGroupOffsets(group: string, queues?: readonly TopicQueueRef[]): Promise<void>;

  /**
   * Makes every acknowledged send durable against an OS crash (for brokers that acknowledge before fsync).
   * The runtime calls it before committing source offsets, so a committed offset never points past records
   * an OS crash could lose. Optional: brokers that acknowledge only durable writes need not implement it.
   */
  flush?(): Promise<void>;

  /** Joins a membership group under `memberId` (unique per live process). */
  joinGroup(group: string, memberId: string): Promise<Membership>;

  /**
   * The name the broker itself stores a topic under, when it is not the Connect name (RocketMQ writes
   * `a.b` as `a--b`), for status, logs and docs. Optional: absent means the same name.
   * @throws ConfigError when the broker cannot store a topic of that name.
   */
  nativeTopicName?(name: string): string;
}
