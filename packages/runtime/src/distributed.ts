import { randomUUID } from 'node:crypto';
import type { PluginRegistry } from '@tributary/api';
import type { DestinationStream } from 'pino';
import type { Broker } from './broker/broker.js';
import { OffsetLog, StatusLog } from './cluster/log-stores.js';
import type { WorkerConfig } from './config/worker-config.js';
import { DistributedHerder } from './herder/distributed-herder.js';
import { LoggerRegistry, type LogLevel } from './logging/loggers.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { createRegistry } from './plugins/registry.js';
import { createRestServer, restOptionsFromConfig } from './rest/server.js';
import { DataDirLock } from './storage/data-dir-lock.js';
import { Worker } from './worker/worker.js';
import { createBroker, onceStopper, type RunningWorker } from './worker-lifecycle.js';

export interface DistributedOptions {
  readonly config: WorkerConfig;
  /** A registry to use instead of the built-in plugins plus `plugin.path` (tests). */
  readonly registry?: PluginRegistry;
  /** A broker shared by several in-process workers (tests); it is not closed by `stop()`. */
  readonly broker?: Broker;
  readonly logDestination?: DestinationStream;
}

export interface RunningDistributedWorker extends RunningWorker {
  readonly herder: DistributedHerder;
}

/**
 * Starts a worker of a cluster: replays the cluster's topics, joins its membership group, runs its share
 * of connectors and tasks, and serves REST for the whole cluster.
 */
export async function startDistributed(options: DistributedOptions): Promise<RunningDistributedWorker> {
  const { config } = options;
  const loggers = new LoggerRegistry({
    level: config['log.level'] as LogLevel,
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const log = loggers.get('tributary.worker');
  const ownsBroker = options.broker === undefined;
  // The embedded broker keeps its log in the data dir: one process at a time.
  const lock =
    ownsBroker && config['broker.type'] === 'embedded' ? await DataDirLock.acquire(config.dataDirPath) : null;
  let broker: Broker | null = options.broker ?? null;
  try {
    const registry = options.registry ?? (await createRegistry(config['plugin.path']));
    if (broker === null) {
      broker = await createBroker(config);
      await broker.start();
    }
    const clusterId = config['cluster.id'];
    const topic = (key: 'config.storage.topic' | 'offset.storage.topic' | 'status.storage.topic', suffix: string) =>
      config[key] !== '' ? config[key] : `${clusterId}-${suffix}`;
    const memberId = `${config.workerId}#${randomUUID().slice(0, 8)}`;
    const offsets = new OffsetLog(
      broker,
      topic('offset.storage.topic', 'offsets'),
      loggers.get('tributary.cluster.offsets'),
    );
    const status = new StatusLog(
      broker,
      topic('status.storage.topic', 'status'),
      memberId,
      loggers.get('tributary.cluster.status'),
    );
    const metrics = new WorkerMetrics(config.workerId);
    const worker = new Worker({ config, registry, broker, offsetStore: offsets.forToken(0), metrics, loggers });
    let restUrl = '';
    const herder = new DistributedHerder({
      worker,
      registry,
      broker,
      clusterId,
      memberId,
      workerId: config.workerId,
      restUrl: () => restUrl,
      configTopic: topic('config.storage.topic', 'configs'),
      offsets,
      status,
      strategy: config['allocation.strategy'],
      rebalanceDelayMs: config['rebalance.delay.ms'],
      snapshotIntervalMs: config['cluster.snapshot.interval.ms'],
      logger: loggers.get('tributary.cluster'),
    });
    // REST comes up first (answering 503 "starting" on /health) so the member record can carry its URL.
    const rest = createRestServer({ herder, metrics, loggers, registry, clusterId, ...restOptionsFromConfig(config) });
    await rest.start();
    restUrl = config['rest.advertised.url'] !== '' ? config['rest.advertised.url'] : rest.url;
    try {
      await herder.start();
    } catch (e) {
      await rest.close().catch(() => undefined);
      throw e;
    }
    log.info(
      `Worker ${config.workerId} joined cluster ${clusterId} as ${herder.memberId} (broker ${broker.kind}, REST ${rest.url})`,
    );
    return {
      config,
      herder,
      worker,
      broker,
      registry,
      metrics,
      loggers,
      rest: { url: rest.url },
      stop: onceStopper({ rest, herder, broker: ownsBroker ? broker : null, lock, loggers, workerId: config.workerId }),
    };
  } catch (e) {
    if (ownsBroker) await broker?.close().catch(() => undefined);
    await lock?.release();
    throw e;
  }
}
