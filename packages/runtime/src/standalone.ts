import { join } from 'node:path';
import type { ConnectorConfig, PluginRegistry } from '@tributary/api';
import type { DestinationStream } from 'pino';
import type { Broker } from './broker/broker.js';
import type { WorkerConfig } from './config/worker-config.js';
import { StandaloneHerder } from './herder/standalone-herder.js';
import { LoggerRegistry, type LogLevel } from './logging/loggers.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { createRegistry } from './plugins/registry.js';
import { createRestServer, restOptionsFromConfig } from './rest/server.js';
import { DataDirLock } from './storage/data-dir-lock.js';
import { FileConfigStore, FileOffsetStore, FileStatusStore } from './storage/file-stores.js';
import { Worker } from './worker/worker.js';
import { createBroker, onceStopper, type RunningWorker } from './worker-lifecycle.js';

export interface StandaloneOptions {
  readonly config: WorkerConfig;
  /** Connector configs to create or update at start (from the command line). */
  readonly connectors?: readonly { readonly name: string; readonly config: ConnectorConfig }[];
  /** A registry to use instead of the built-in plugins plus `plugin.path` (tests). */
  readonly registry?: PluginRegistry;
  /** Where logs go (default: stderr). */
  readonly logDestination?: DestinationStream;
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
