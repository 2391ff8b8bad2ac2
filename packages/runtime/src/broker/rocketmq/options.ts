import { ConfigError, type Logger } from '@tributary/api';

/** Options of {@link RocketMQBroker}. Every field but `nameServer` has a default ({@link ROCKETMQ_BROKER_DEFAULTS}). */
export interface RocketMQBrokerOptions {
  /** Name-server addresses, `host:port;host:port` (worker key `rocketmq.namesrv.addr`, alias `namesrvAddr`). */
  readonly nameServer: string;
  /** Cluster whose master brokers get the topics Tributary creates (`rocketmq.cluster.name`). */
  readonly cluster?: string;
  /** Queues of topics created on first use (`topic.default.queues`). */
  readonly defaultQueues?: number;
  /** Timeout of one request to a name server or broker (`rocketmq.request.timeout.ms`). */
  readonly requestTimeoutMs?: number;
  /** Producer group written with every send (`rocketmq.producer.group`). */
  readonly producerGroup?: string;
  /** Extra attempts of a send request after a retriable broker error (`rocketmq.producer.retries`). */
  readonly producerRetries?: number;
  /**
   * How long a send keeps being retried after retriable errors (broker restarting, busy, unreachable)
   * before it fails (`rocketmq.producer.delivery.timeout.ms`, as Kafka's `delivery.timeout.ms`).
   */
  readonly deliveryTimeoutMs?: number;
  /**
   * Consumer group named in pull requests (`rocketmq.consumer.group`). Only the broker's bookkeeping sees
   * it: positions are the consumer's, committed offsets belong to the groups given to `commitGroupOffsets`.
   */
  readonly consumerGroup?: string;
  /** Messages asked for per pull and queue (`rocketmq.consumer.pull.batch.size`; the broker caps it, 32 by default). */
  readonly pullBatchSize?: number;
  /**
   * Largest message (body + properties + batch-entry framing) and largest SEND_BATCH_MESSAGE body: the
   * broker's `maxMessageSize` (`rocketmq.max.message.bytes`). Larger records fail with a DataError.
   */
  readonly maxMessageBytes?: number;
  /** Client id of the data connections as brokers see them. Default `<ip>@<pid>#<random>`. */
  readonly clientId?: string;
  /** Where the broker logs topic creation and trouble in the background (pulls, memberships). */
  readonly logger?: Logger;
}

/** Defaults of {@link RocketMQBrokerOptions}. */
export const ROCKETMQ_BROKER_DEFAULTS = Object.freeze({
  cluster: 'DefaultCluster',
  defaultQueues: 8,
  requestTimeoutMs: 5000,
  producerGroup: 'TRIBUTARY_PRODUCER',
  producerRetries: 2,
  deliveryTimeoutMs: 120_000,
  consumerGroup: 'TRIBUTARY_PULL',
  pullBatchSize: 32,
  maxMessageBytes: 4 * 1024 * 1024,
});

export type ResolvedRocketMQBrokerOptions = Required<Omit<RocketMQBrokerOptions, 'clientId' | 'logger'>> &
  Pick<RocketMQBrokerOptions, 'clientId' | 'logger'>;

function check(ok: boolean, key: string, message: string, problems: Record<string, string[]>): void {
  if (!ok) problems[key] = [message];
}

/**
 * Fills in defaults and checks the options.
 * @throws ConfigError naming each invalid option.
 */
export function resolveRocketMQBrokerOptions(options: RocketMQBrokerOptions): ResolvedRocketMQBrokerOptions {
  const o = { ...ROCKETMQ_BROKER_DEFAULTS, ...options };
  const problems: Record<string, string[]> = {};
  const positiveInt = (v: number, max: number) => Number.isSafeInteger(v) && v >= 1 && v <= max;
  check(
    typeof o.nameServer === 'string' && /^\s*[\w.-]+:\d+\s*([;,]\s*[\w.-]+:\d+\s*)*$/.test(o.nameServer),
    'rocketmq.namesrv.addr',
    `must be host:port[;host:port...] (broker.type=rocketmq), got '${o.nameServer ?? ''}'`,
    problems,
  );
  check(o.cluster !== '', 'rocketmq.cluster.name', 'must not be empty', problems);
  check(positiveInt(o.defaultQueues, 1024), 'topic.default.queues', 'must be an integer in [1, 1024]', problems);
  check(positiveInt(o.requestTimeoutMs, 600_000), 'rocketmq.request.timeout.ms', 'must be in [1, 600000]', problems);
  check(
    /^[A-Za-z0-9_-]{1,255}$/.test(o.producerGroup),
    'rocketmq.producer.group',
    'must match [A-Za-z0-9_-]{1,255}',
    problems,
  );
  check(
    Number.isSafeInteger(o.producerRetries) && o.producerRetries >= 0 && o.producerRetries <= 100,
    'rocketmq.producer.retries',
    'must be an integer in [0, 100]',
    problems,
  );
  check(
    /^[A-Za-z0-9_-]{1,255}$/.test(o.consumerGroup),
    'rocketmq.consumer.group',
    'must match [A-Za-z0-9_-]{1,255}',
    problems,
  );
  check(positiveInt(o.pullBatchSize, 1024), 'rocketmq.consumer.pull.batch.size', 'must be in [1, 1024]', problems);
  check(
    positiveInt(o.maxMessageBytes, 256 * 1024 * 1024) && o.maxMessageBytes >= 1024,
    'rocketmq.max.message.bytes',
    'must be in [1024, 268435456]',
    problems,
  );
  if (Object.keys(problems).length > 0) throw ConfigError.fromFieldErrors(problems, 'RocketMQ broker configuration');
  return o;
}

/** The worker keys {@link rocketmqBrokerOptionsFromConfig} reads (parsed values of the worker spec). */
export interface RocketMQWorkerKeys {
  readonly 'rocketmq.namesrv.addr': string;
  readonly 'rocketmq.cluster.name': string;
  readonly 'rocketmq.request.timeout.ms': number;
  readonly 'rocketmq.producer.group': string;
  readonly 'rocketmq.producer.retries': number;
  readonly 'rocketmq.producer.delivery.timeout.ms': number;
  readonly 'rocketmq.consumer.group': string;
  readonly 'rocketmq.consumer.pull.batch.size': number;
  readonly 'rocketmq.max.message.bytes': number;
  readonly 'topic.default.queues': number;
}

/** Broker options from a parsed worker config. @throws ConfigError for invalid values (e.g. no name server). */
export function rocketmqBrokerOptionsFromConfig(
  config: RocketMQWorkerKeys,
  logger?: Logger,
): ResolvedRocketMQBrokerOptions {
  return resolveRocketMQBrokerOptions({
    nameServer: config['rocketmq.namesrv.addr'],
    cluster: config['rocketmq.cluster.name'],
    defaultQueues: config['topic.default.queues'],
    requestTimeoutMs: config['rocketmq.request.timeout.ms'],
    producerGroup: config['rocketmq.producer.group'],
    producerRetries: config['rocketmq.producer.retries'],
    deliveryTimeoutMs: config['rocketmq.producer.delivery.timeout.ms'],
    consumerGroup: config['rocketmq.consumer.group'],
    pullBatchSize: config['rocketmq.consumer.pull.batch.size'],
    maxMessageBytes: config['rocketmq.max.message.bytes'],
    ...(logger === undefined ? {} : { logger }),
  });
}
