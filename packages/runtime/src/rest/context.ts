import type { PluginRegistry } from '@tributary/api';
import type { Herder } from '../herder/herder.js';
import type { LoggerRegistry } from '../logging/loggers.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';

/** What the route modules serve from: the herder and the worker's metrics and loggers. */
export interface RestContext {
  readonly herder: Herder;
  readonly metrics: WorkerMetrics;
  readonly loggers: LoggerRegistry;
  /** Resolves plugin aliases when a validate body names the plugin differently from the URL. */
  readonly registry: PluginRegistry | undefined;
  /** `kafka_cluster_id` of `GET /`; undefined = the herder's cluster id. */
  readonly clusterId: string | undefined;
  readonly version: string;
  /** The source commit, resolved once (env `TRIBUTARY_COMMIT`, else `git rev-parse`, else "unknown"). */
  commit(): Promise<string>;
}
