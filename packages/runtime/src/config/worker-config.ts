import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ConfigSpec, matches, range } from '@tributary/api';
import { EMBEDDED_BROKER_CONFIG } from '../broker/embedded/index.js';
import { type FlatConfig, readFlatConfigFile } from './config-files.js';
import { subConfig } from './connector-config.js';

const WORKER = 'Worker';
const REST = 'REST';
const OFFSETS = 'Offsets';
const ROCKETMQ = 'RocketMQ';
const CLUSTER = 'Cluster';

/**
 * Worker configuration (flat dotted keys, from JSON, `.properties` or YAML). Unknown keys are an error at
 * start, except the sub-configs of the worker's converters (`key.converter.*`, `value.converter.*`,
 * `header.converter.*`) and the embedded broker's keys (`broker.embedded.*`, checked by its own spec). RocketMQ Connect's camelCase spellings are accepted as aliases.
 */
export const WORKER_SPEC = ConfigSpec.create()
  .string('worker.id', {
    doc: 'Unique id of this worker, shown in status (`worker_id`). Default: <hostname>:<rest.port>.',
    default: '',
    importance: 'high',
    group: WORKER,
    aliases: ['workerId'],
  })
  .string('data.dir', {
    doc: 'Directory of everything the worker keeps: connector configs, offsets, status and the embedded broker log.',
    default: 'data',
    importance: 'high',
    group: WORKER,
    aliases: ['storePathRootDir'],
  })
  .enum('broker.type', ['embedded', 'rocketmq'], {
    doc: 'Where records rest between source and sink: the embedded durable log, or an Apache RocketMQ cluster.',
    default: 'embedded',
    importance: 'high',
    group: WORKER,
  })
  .list('plugin.path', {
    doc: 'Directories or package paths with extra plugin bundles (modules exporting `plugins`).',
    default: [],
    importance: 'low',
    group: WORKER,
    aliases: ['pluginPaths'],
  })
  .pluginClass('key.converter', {
    doc: 'Default converter of record keys; sub-configs under key.converter.*.',
    default: 'JsonConverter',
    importance: 'high',
    group: WORKER,
    aliases: ['keyConverter'],
  })
  .pluginClass('value.converter', {
    doc: 'Default converter of record values; sub-configs under value.converter.*.',
    default: 'JsonConverter',
    importance: 'high',
    group: WORKER,
    aliases: ['valueConverter'],
  })
  .pluginClass('header.converter', {
    doc: 'Default converter of header values.',
    default: 'SimpleHeaderConverter',
    importance: 'low',
    group: WORKER,
  })
  .enum('log.level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
    doc: 'Initial level of the worker log (change it at runtime through /admin/loggers).',
    default: 'info',
    importance: 'low',
    group: WORKER,
    caseInsensitive: true,
  })
  .duration('task.shutdown.graceful.timeout.ms', {
    doc: 'How long a stopping task may take to finish its last poll/put and commit before it is abandoned.',
    default: 5000,
    importance: 'low',
    group: WORKER,
  })
  .enum('task.isolation', ['thread', 'none'], {
    doc: 'Where tasks run: `none` (default) = every task on the main event loop — least memory, scales to many tasks; `thread` = each task in a worker thread of its own (as Kafka Connect runs each task on its own thread), so a few busy tasks use every core (+20–30% records/s on 2 cores) and a task that crashes its thread fails alone, at about 25 MB more per task. Threads load plugins from the built-in bundles and plugin.path: a task using a plugin known only to a registry object passed in by code (tests, embedding) runs on the main thread.',
    default: 'none',
    importance: 'medium',
    group: WORKER,
  })
  .int('task.thread.max.heap.mb', {
    doc: 'Old-generation heap limit of each task thread (task.isolation=thread), MB: a task that exceeds it fails with an out-of-memory trace instead of growing the worker without bound. Below 2048, V8 collects more often: less memory, more CPU.',
    default: 2048,
    importance: 'low',
    group: WORKER,
    validate: range(16, 65536),
  })
  .string('rest.host', {
    doc: 'Address the REST API binds to. 127.0.0.1 by default: expose it deliberately.',
    default: '127.0.0.1',
    importance: 'high',
    group: REST,
  })
  .int('rest.port', {
    doc: 'REST API port (0 = any free port).',
    default: 8083,
    importance: 'high',
    group: REST,
    validate: range(0, 65535),
    aliases: ['httpPort'],
  })
  .password('rest.auth.token', {
    doc: 'When set, every REST call must send `Authorization: Bearer <token>`.',
    default: null,
    importance: 'high',
    group: REST,
  })
  .int('rest.max.body.bytes', {
    doc: 'Largest accepted request body.',
    default: 1_048_576,
    importance: 'low',
    group: REST,
    validate: range(1024),
  })
  .string('rest.advertised.url', {
    doc: 'URL other workers and clients use to reach this worker (cluster mode). Default http://<rest.host>:<rest.port>.',
    default: '',
    importance: 'low',
    group: REST,
  })
  .duration('offset.flush.interval.ms', {
    doc: 'How often source offsets are committed and sink tasks flushed. Kafka defaults to 60 s; Tributary to 10 s (fewer duplicates after a crash).',
    default: 10_000,
    importance: 'high',
    group: OFFSETS,
    validate: range(1),
    aliases: ['offsetCommitIntervalMsConfig'],
  })
  .duration('offset.flush.timeout.ms', {
    doc: 'How long an offset commit may wait for outstanding records before it is retried at the next interval.',
    default: 5000,
    importance: 'low',
    group: OFFSETS,
    validate: range(1),
    aliases: ['offsetCommitTimeoutMsConfig'],
  })
  .int('offset.flush.max.records', {
    doc: 'Sinks also flush and commit after this many records since the last flush (0 = by interval only).',
    default: 0,
    importance: 'low',
    group: OFFSETS,
    validate: range(0),
  })
  .int('producer.max.in.flight.batches', {
    doc: 'Source batches sent to the broker but not yet acknowledged, per task, before polling pauses (back-pressure).',
    default: 4,
    importance: 'low',
    group: OFFSETS,
    validate: range(1, 1000),
  })
  .int('consumer.max.poll.records', {
    doc: 'Largest batch a sink task reads from the broker and passes to put.',
    default: 1000,
    importance: 'low',
    group: OFFSETS,
    validate: range(1, 100_000),
  })
  .int('topic.default.queues', {
    doc: 'Queues of topics the worker creates without a connector-specific count.',
    default: 8,
    importance: 'medium',
    group: WORKER,
    validate: range(1, 1024),
  })
  .string('rocketmq.namesrv.addr', {
    doc: 'Name server addresses, `host:port;host:port` (broker.type=rocketmq).',
    default: '',
    importance: 'high',
    group: ROCKETMQ,
    aliases: ['namesrvAddr'],
    validate: matches(/([\w.-]+:\d+)?(;[\w.-]+:\d+)*/, 'be host:port separated by ;'),
  })
  .string('rocketmq.cluster.name', {
    doc: 'RocketMQ cluster whose brokers get the topics Tributary creates.',
    default: 'DefaultCluster',
    importance: 'low',
    group: ROCKETMQ,
  })
  .duration('rocketmq.request.timeout.ms', {
    doc: 'Timeout of one request to a RocketMQ name server or broker (sends, offsets, admin); a timed-out send is retried and may be stored twice.',
    default: 5000,
    importance: 'low',
    group: ROCKETMQ,
    validate: range(1, 600_000),
    aliases: ['operationTimeout'],
  })
  .string('rocketmq.producer.group', {
    doc: 'Producer group the worker sends with (shown by RocketMQ tools).',
    default: 'TRIBUTARY_PRODUCER',
    importance: 'low',
    group: ROCKETMQ,
    validate: matches(/[A-Za-z0-9_-]{1,255}/, 'consist of 1 to 255 letters, digits, _ or -'),
    aliases: ['rmqProducerGroup'],
  })
  .int('rocketmq.producer.retries', {
    doc: 'Extra attempts of a send after a retriable RocketMQ error (busy, timeout, connection lost), before the task retries the batch itself.',
    default: 2,
    importance: 'low',
    group: ROCKETMQ,
    validate: range(0, 100),
  })
  .duration('rocketmq.producer.delivery.timeout.ms', {
    doc: "How long a send keeps being retried after retriable RocketMQ errors (a broker restarting, busy or unreachable) before the task sees the failure, as Kafka's delivery.timeout.ms. Sends to one queue wait meanwhile, so they keep their order.",
    default: 120_000,
    importance: 'low',
    group: ROCKETMQ,
    validate: range(0),
  })
  .string('rocketmq.consumer.group', {
    doc: "Consumer group named in pull requests. Committed sink offsets belong to each connector's own group (`connect-<name>`), not to this one.",
    default: 'TRIBUTARY_PULL',
    importance: 'low',
    group: ROCKETMQ,
    validate: matches(/[A-Za-z0-9_-]{1,255}/, 'consist of 1 to 255 letters, digits, _ or -'),
    aliases: ['rmqConsumerGroup'],
  })
  .int('rocketmq.consumer.pull.batch.size', {
    doc: 'Messages asked for per pull request and queue (the broker returns at most 32 by default).',
    default: 32,
    importance: 'low',
    group: ROCKETMQ,
    validate: range(1, 1024),
  })
  .int('rocketmq.max.message.bytes', {
    doc: "The brokers' maxMessageSize: largest record (value, key and headers) and largest batch request. Larger records fail as data errors (dead letter or task failure per errors.tolerance).",
    default: 4_194_304,
    importance: 'low',
    group: ROCKETMQ,
    validate: range(1024, 268_435_456),
  })
  .string('cluster.id', {
    doc: 'Workers with the same cluster id form one cluster (distributed mode).',
    default: 'tributary',
    importance: 'high',
    group: CLUSTER,
    aliases: ['connectClusterId', 'group.id'],
  })
  .enum('allocation.strategy', ['round-robin', 'consistent-hash'], {
    doc: 'How connectors and tasks are spread over workers (distributed mode).',
    default: 'round-robin',
    importance: 'medium',
    group: CLUSTER,
  })
  .string('config.storage.topic', {
    doc: 'Topic (one queue) of connector configs, target states, task configs and task ownership. Default <cluster.id>-configs.',
    default: '',
    importance: 'medium',
    group: CLUSTER,
    aliases: ['configStoreTopic'],
  })
  .string('offset.storage.topic', {
    doc: 'Topic (one queue) of source offsets. Default <cluster.id>-offsets.',
    default: '',
    importance: 'medium',
    group: CLUSTER,
    aliases: ['positionStoreTopic'],
  })
  .string('status.storage.topic', {
    doc: 'Topic (one queue) of connector and task status. Default <cluster.id>-status.',
    default: '',
    importance: 'medium',
    group: CLUSTER,
    aliases: ['connectStatusTopic'],
  })
  .duration('cluster.snapshot.interval.ms', {
    doc: 'How often the cluster re-publishes its state to its topics, so broker retention never deletes the only copy. Keep it well under the broker retention (RocketMQ fileReservedTime).',
    default: 3_600_000,
    importance: 'low',
    group: CLUSTER,
    validate: range(1000),
  })
  .duration('rebalance.delay.ms', {
    doc: 'How long a departed worker has to come back before its tasks move (distributed mode).',
    default: 3000,
    importance: 'medium',
    group: CLUSTER,
  });

export type WorkerConfig = ReturnType<typeof WORKER_SPEC.parse> & {
  /** Resolved id (`worker.id`, or host:port). */
  readonly workerId: string;
  /** Absolute data directory. */
  readonly dataDirPath: string;
  /** The raw keys, for converter sub-configs. */
  readonly raw: Readonly<FlatConfig>;
};

const PASS_THROUGH_PREFIXES = ['key.converter.', 'value.converter.', 'header.converter.'];
/** Keys of the embedded broker (validated by its own spec): `broker.embedded.log.flush.policy`, ... */
export const EMBEDDED_BROKER_PREFIX = 'broker.embedded.';

/**
 * Parses a worker configuration; unknown or invalid keys give one ConfigError naming each.
 * @param base directory relative `data.dir` resolves against.
 */
export function parseWorkerConfig(raw: Readonly<FlatConfig>, base = process.cwd()): WorkerConfig {
  const parsed = WORKER_SPEC.parse(raw, {
    strict: true,
    subject: 'Worker configuration',
    allowKeys: (key) => PASS_THROUGH_PREFIXES.some((p) => key.startsWith(p)) || key.startsWith(EMBEDDED_BROKER_PREFIX),
  });
  // The embedded broker's keys are checked now too, so a typo fails at start with the key named.
  EMBEDDED_BROKER_CONFIG.parse(subConfig(raw, EMBEDDED_BROKER_PREFIX), {
    strict: true,
    subject: 'Worker configuration (broker.embedded.*)',
  });
  // With rest.port=0 the port is only known after binding; the pid keeps ids unique on one host then.
  const port = parsed['rest.port'];
  const workerId =
    parsed['worker.id'] !== '' ? parsed['worker.id'] : `${hostname()}:${port === 0 ? `pid-${process.pid}` : port}`;
  return Object.freeze({
    ...parsed,
    workerId,
    dataDirPath: resolve(base, parsed['data.dir']),
    raw: Object.freeze({ ...raw }),
  });
}

/** Reads and parses a worker config file (JSON, .properties or YAML). */
export async function loadWorkerConfig(
  path: string | undefined,
  overrides: Readonly<FlatConfig> = {},
): Promise<WorkerConfig> {
  const fromFile = path === undefined ? {} : await readFlatConfigFile(path);
  return parseWorkerConfig({ ...fromFile, ...overrides });
}
