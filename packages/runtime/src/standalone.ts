import { join } from 'node:path';
import { type ConnectorConfig, errorTrace, type PluginRegistry } from '@tributary/api';
import type { DestinationStream } from 'pino';
import type { Broker } from './broker/broker.js';
import { EmbeddedBroker, embeddedBrokerOptionsFromConfig } from './broker/embedded/index.js';
import { RocketMQBroker, rocketmqBrokerOptionsFromConfig } from './broker/rocketmq/index.js';
import { subConfig } from './config/connector-config.js';
import { EMBEDDED_BROKER_PREFIX, type WorkerConfig } from './config/worker-config.js';
import type { Herder } from './herder/herder.js';
import { StandaloneHerder } from './herder/standalone-herder.js';
import { LoggerRegistry, type LogLevel } from './logging/loggers.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { createRegistry } from './plugins/registry.js';
import { createRestServer, restOptionsFromConfig } from './rest/server.js';
import { DataDirLock } from './storage/data-dir-lock.js';
import { FileConfigStore, FileOffsetStore, FileStatusStore } from './storage/file-stores.js';
import { Worker } from './worker/worker.js';

/** A running worker process' parts, for the CLI, REST and tests. */
export interface RunningWorker {
  readonly config: WorkerConfig;
  readonly herder: Herder;
  readonly worker: Worker;
  readonly broker: Broker;
  readonly registry: PluginRegistry;
  readonly metrics: WorkerMetrics;
  readonly loggers: LoggerRegistry;
  /** The REST API: its base URL (with `rest.port=0`, the port actually bound). */
  readonly rest: { readonly url: string };
  /** Stops the REST API, then connectors and tasks gracefully (flush, commit), then the broker, and releases the data dir. */
  stop(): Promise<void>;
}

export interface StandaloneOptions {
  readonly config: WorkerConfig;
  /** Connector configs to create or update at start (from the command line). */
  readonly connectors?: readonly { readonly name: string; readonly config: ConnectorConfig }[];
  /** A registry to use instead of the built-in plugins plus `plugin.path` (tests). */
  readonly registry?: PluginRegistry;
  /** Where logs go (default: stderr). */
  readonly logDestination?: DestinationStream;
}

/** Creates the broker a worker config asks for (not started). */
export async function createBroker(config: WorkerConfig, loggers?: LoggerRegistry): Promise<Broker> {
  if (config['broker.type'] === 'rocketmq') {
    return new RocketMQBroker(rocketmqBrokerOptionsFromConfig(config, loggers?.get('tributary.broker.rocketmq')));
  }
  if (config['broker.type'] === 'embedded') {
    const raw = subConfig(config.raw, EMBEDDED_BROKER_PREFIX);
    const options = embeddedBrokerOptionsFromConfig(config.dataDirPath, {
      'num.queues': String(config['topic.default.queues']),
      ...raw,
    });
    return new EmbeddedBroker(options);
  }
  throw new Error(`broker.type=${config['broker.type']} is not available in this build`);
}

/**
 * The stop of a running worker, run once however often it is called: REST first (so no request reaches
 * a stopping herder), then the herder (tasks flush and commit), the broker when this worker owns it,
 * the data-dir lock, and the logs.
 */
export function onceStopper(parts: {
  readonly rest: { close(): Promise<void> };
  readonly herder: Herder;
  readonly broker: Broker | null;
  readonly lock: DataDirLock | null;
  readonly loggers: LoggerRegistry;
  readonly workerId: string;
}): () => Promise<void> {
  const log = parts.loggers.get('tributary.worker');
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= (async () => {
      await parts.rest.close().catch((e) => log.error('Stopping the REST API failed', { error: errorTrace(e) }));
      try {
        await parts.herder.stop();
      } catch (e) {
        log.error('Stopping connectors failed', { error: errorTrace(e) });
      }
      await parts.broker?.close();
      await parts.lock?.release();
      log.info(`Worker ${parts.workerId} stopped`);
      parts.loggers.flush();
    })();
    return stopping;
  };
}

/**
 * Starts a standalone worker: locks the data dir, opens the broker and the file stores, restores every
 * connector in its last target state, then creates or updates the connectors given on the command line.
 */
export async function startStandalone(options: StandaloneOptions): Promise<RunningWorker> {
  const { config } = options;
  const loggers = new LoggerRegistry({
    level: config['log.level'] as LogLevel,
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  });
  const log = loggers.get('tributary.worker');
  const lock = await DataDirLock.acquire(config.dataDirPath);
  let broker: Broker | null = null;
  try {
    const registry = options.registry ?? (await createRegistry(config['plugin.path']));
    broker = await createBroker(config, loggers);
    await broker.start();
    const stateDir = join(config.dataDirPath, 'standalone');
    const offsetStore = new FileOffsetStore(stateDir);
    const metrics = new WorkerMetrics(config.workerId);
    const worker = new Worker({ config, registry, broker, offsetStore, metrics, loggers });
    const herder = new StandaloneHerder({
      worker,
      registry,
      broker,
      configStore: new FileConfigStore(stateDir),
      offsetStore,
      statusStore: new FileStatusStore(stateDir),
      logger: log,
    });
    await herder.start(options.connectors ?? []);
    const rest = createRestServer({
      herder,
      metrics,
      loggers,
      registry,
      ...restOptionsFromConfig(config),
    });
    try {
      await rest.start();
    } catch (e) {
      await herder.stop().catch(() => undefined);
      throw e;
    }
    log.info(
      `Worker ${config.workerId} started (data dir ${config.dataDirPath}, broker ${broker.kind}, REST ${rest.url})`,
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
      stop: onceStopper({ rest, herder, broker, lock, loggers, workerId: config.workerId }),
    };
  } catch (e) {
    await broker?.close().catch(() => undefined);
    await lock.release();
    throw e;
  }
}
