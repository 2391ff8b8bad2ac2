/** One queue of a topic on one broker. */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

/** Per-broker queue counts of a topic (name-server route). */
export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** A broker group: its name, cluster and addresses by broker id (0 = master). */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  brokerAddrs: Record<string, string>;
}

/** A topic's route as the name server returns it. */
export interface TopicRouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
}

/** Cluster layout from GET_BROKER_CLUSTER_INFO. */
export interface ClusterInfo {
  /** brokerName → broker data */
  brokers: Record<string, BrokerData>;
  /** cluster name → broker names */
  clusters: Record<string, string[]>;
}

/** A message to send. The body must not be empty (RocketMQ refuses empty bodies). */
export interface OutgoingMessage {
  body: Uint8Array;
  /** Tag (TAGS property), used for broker-side filtering. */
  tags?: string;
  /** Keys (KEYS property, space separated); the first key is the default for hash queue selection. */
  keys?: string | readonly string[];
  /** User properties. Names must not be system ones, nor contain \u0001 / \u0002. */
  properties?: Readonly<Record<string, string>>;
  /** User flag stored with the message (default 0). */
  flag?: number;
}

/**
 * How to pick the queue of a message:
 * - `'round-robin'` (default): next writable queue of the topic;
 * - `{ hashKey }`: Java-compatible `abs(hashCode(key)) % queues` (SelectMessageQueueByHash), so a key
 *   always lands on the same queue while the queue count stays;
 * - `{ queueId }` (with `brokerName` when several brokers carry the topic): that queue.
 */
export type QueueSelector = 'round-robin' | { hashKey: string } | { queueId: number; brokerName?: string };

/** Acknowledgement of one stored message. */
export interface SendResult {
  /** Client message id (UNIQ_KEY). */
  msgId: string;
  /** Broker message id(s) as the broker returned them (comma-separated for a batch). */
  offsetMsgId: string | undefined;
  queue: MessageQueue;
  /** Offset of the message in its queue. */
  queueOffset: number;
}

/** Outcome of a pull; never thrown for "nothing new" or "offset moved". */
export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'OFFSET_MOVED';
