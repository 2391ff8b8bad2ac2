import type { FieldErrors } from '../errors.js';
import type { JsonMap, QueueOffset } from '../records/record.js';
import type { Logger } from './logger.js';
import type { OffsetReader } from './source-task.js';

/** A connector's configuration as given by the user: string keys to string values. */
export type ConnectorConfig = Readonly<Record<string, string>>;
/** One task's configuration, as produced by {@link Connector.taskConfigs}. */
export type TaskConfig = Readonly<Record<string, string>>;

/** What the runtime offers a running connector. */
export interface ConnectorContext {
  /** The connector's name. */
  readonly name: string;
  readonly logger: Logger;
  /**
   * Asks the runtime to call {@link Connector.taskConfigs} again and restart the tasks if their configs
   * changed (e.g. a new table appeared). Safe to call from any async context, any number of times.
   */
  requestTaskReconfiguration(): void;
  /**
   * Reports an unrecoverable error from a background activity of the connector (one not inside a
   * method the runtime called). The connector is marked FAILED with this error as its trace.
   */
  raiseError(error: Error): void;
}

export interface SourceConnectorContext extends ConnectorContext {
  /** Committed offsets of this connector's source partitions (e.g. to plan work by progress). */
  readonly offsetReader: OffsetReader;
}

export type SinkConnectorContext = ConnectorContext;

/**
 * A connector describes where data comes from or goes to and splits the work into task configs.
 * It does not move data itself: tasks do. The runtime creates one instance per connector per worker that
 * runs it; its name, version and config spec live on its plugin descriptor.
 *
 * Lifecycle: `start` → `taskConfigs` (again after each reconfiguration request) → `stop`. A connector may
 * be stopped and a new instance started at any time (rebalance, config change, restart).
 */
export interface Connector {
  /**
   * Extra validation beyond the config spec (cross-field rules, reachability checks). Called by
   * `PUT /connector-plugins/{p}/config/validate` and before create/update, without `start`.
   * Returns per-key error messages; an empty object means valid.
   */
  validate?(config: ConnectorConfig): FieldErrors | Promise<FieldErrors>;
  /**
   * Starts the connector with its full configuration (already validated against its spec).
   * @throws ConfigError for configuration problems the spec could not catch; ConnectError for others. The
   *   connector is then FAILED with the message in its status.
   */
  start(context: ConnectorContext, config: ConnectorConfig): void | Promise<void>;
  /**
   * Returns at most `maxTasks` task configs; each becomes one task. Called after `start` and after every
   * {@link ConnectorContext.requestTaskReconfiguration}. Returning fewer configs than `maxTasks` is normal.
   */
  taskConfigs(maxTasks: number): readonly TaskConfig[] | Promise<readonly TaskConfig[]>;
  /** Releases everything `start` acquired. Must be idempotent and never throw for an already stopped connector. */
  stop(): void | Promise<void>;
}

/** Answer of a source connector about exactly-once support (KIP-618). */
export type ExactlyOnceSupport = 'supported' | 'unsupported';

/** A connector whose tasks read from an external system and produce records to topics. */
export interface SourceConnector extends Connector {
  start(context: SourceConnectorContext, config: ConnectorConfig): void | Promise<void>;
  /** Whether the connector can deliver exactly once with this config; default 'unsupported'. */
  exactlyOnceSupport?(config: ConnectorConfig): ExactlyOnceSupport;
  /**
   * Called before offsets are altered or reset through REST (`PATCH`/`DELETE /connectors/{c}/offsets`),
   * with the requested changes (a null offset = reset that partition). Throw a ConfigError to reject
   * partitions or offsets this connector cannot resume from. Return true when the connector checked them.
   */
  alterOffsets?(
    config: ConnectorConfig,
    offsets: ReadonlyArray<{ readonly partition: JsonMap; readonly offset: JsonMap | null }>,
  ): boolean | Promise<boolean>;
}

/** A connector whose tasks consume topics and write to an external system. */
export interface SinkConnector extends Connector {
  start(context: SinkConnectorContext, config: ConnectorConfig): void | Promise<void>;
  /**
   * Called before sink offsets (queue positions of the connector's consumer group) are altered or reset
   * through REST. Throw a ConfigError to refuse. Return true when the connector checked them.
   */
  alterOffsets?(
    config: ConnectorConfig,
    offsets: ReadonlyArray<{
      readonly queue: QueueOffset | Omit<QueueOffset, 'offset'>;
      readonly offset: number | null;
    }>,
  ): boolean | Promise<boolean>;
}
