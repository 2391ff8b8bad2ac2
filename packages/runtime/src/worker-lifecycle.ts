/**
 * What standalone and cluster workers share around their herders: the running worker's parts, the broker
 * a config asks for, and the stop sequence.
 */
import { errorTrace, type PluginRegistry } from '@tributary/api';
import type { Broker } from './broker/broker.js';
import { EmbeddedBroker, embeddedBrokerOptionsFromConfig } from './broker/embedded/index.js';
import { RocketMQBroker, rocketmqBrokerOptionsFromConfig } from './broker/rocketmq/index.js';
import { subConfig } from './config/connector-config.js';
import { EMBEDDED_BROKER_PREFIX, type WorkerConfig } from './config/worker-config.js';
import type { Herder } from './herder/herder.js';
import type { LoggerRegistry } from './logging/loggers.js';
import type { WorkerMetrics } from './metrics/worker-metrics.js';
import type { DataDirLock } from './storage/data-dir-lock.js';
import type { Worker } from './worker/worker.js';

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
