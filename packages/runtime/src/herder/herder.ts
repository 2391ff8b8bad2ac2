import type { ConnectorConfig } from '@tributary/api';
import type {
  ClusterView,
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorInfo,
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorStateInfo,
  HealthInfo,
  InitialState,
  PluginDescription,
  RestartRequest,
  TaskInfo,
  TaskStatusEntry,
} from './entities.js';

/**
 * The control plane of a worker: connector configs, target states, task configs, status and offsets.
 * REST and the CLI are thin wrappers over it; it is testable without HTTP. Standalone and distributed
 * herders implement it.
 *
 * Errors (all `ConnectError` subclasses from `@tributary/api`, mapped to HTTP status at the REST edge):
 * `NotFoundError` for an unknown connector/task/plugin, `AlreadyExistsError` for a taken name,
 * `ConfigError` for an invalid config (with per-field messages), `IllegalStateError` for an operation not
 * allowed now (offsets of a running connector), `TimeoutError` when a change did not finish in time.
 */
export interface Herder {
  readonly workerId: string;
  start(): Promise<void>;
  /** Stops every connector and task gracefully (flush, commit) and releases the broker. */
  stop(): Promise<void>;
  health(): HealthInfo;

  connectors(): Promise<string[]>;
  connectorInfo(name: string): Promise<ConnectorInfo>;
  connectorConfig(name: string): Promise<ConnectorConfig>;
  connectorStatus(name: string): Promise<ConnectorStateInfo>;
  taskConfigs(name: string): Promise<TaskInfo[]>;
  taskStatus(name: string, task: number): Promise<TaskStatusEntry>;

  /** Creates a connector. @throws AlreadyExistsError, ConfigError */
  createConnector(name: string, config: ConnectorConfig, initialState?: InitialState): Promise<ConnectorInfo>;
  /** Creates or replaces a connector's config; `created` tells which. @throws ConfigError */
  putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** Merges `patch` into the config; a null value removes that key. @throws NotFoundError, ConfigError */
  patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;

  pauseConnector(name: string): Promise<void>;
  /** From PAUSED or STOPPED to running; a no-op otherwise. */
  resumeConnector(name: string): Promise<void>;
  /** Shuts tasks down and keeps the config (offsets may then be altered). */
  stopConnector(name: string): Promise<void>;
  /**
   * Restarts the connector and/or tasks. Returns the status after the restart was initiated when tasks
   * are involved (Kafka answers 202 with it), null for a plain connector restart (204).
   */
  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null>;
  restartTask(name: string, task: number): Promise<void>;

  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** @throws IllegalStateError unless the connector is STOPPED. Returns Kafka's message. */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string>;
  /** @throws IllegalStateError unless the connector is STOPPED. Returns Kafka's message. */
  resetConnectorOffsets(name: string): Promise<string>;

  connectorActiveTopics(name: string): Promise<string[]>;
  resetConnectorActiveTopics(name: string): Promise<void>;

  /** Validates a connector config as Kafka's `config/validate` answers (also for transforms, converters). */
  validateConnectorConfig(config: ConnectorConfig): Promise<ConfigInfos>;
  plugins(connectorsOnly: boolean): PluginDescription[];
  /** @throws NotFoundError */
  pluginConfig(plugin: string): ConfigKeyInfo[];

  /** Workers and what runs where. */
  cluster(): Promise<ClusterView>;
}
