/**
 * The shapes the herder answers with. They follow Kafka Connect's REST entities (JSON names included),
 * so REST is a thin layer that serializes them as they are.
 */
import type { JsonMap } from '@tributary/api';

/** Connector and task states as Kafka Connect reports them. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED';
export type TaskState = Exclude<ConnectorState, 'STOPPED'>;

/** What the user asked a connector to be. Kafka's names: STARTED, PAUSED, STOPPED. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
/** `initial_state` of a create request. */
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export type ConnectorType = 'source' | 'sink' | 'unknown';

export interface ConnectorTaskId {
  readonly connector: string;
  readonly task: number;
}

export interface ConnectorInfo {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly tasks: readonly ConnectorTaskId[];
  readonly type: ConnectorType;
}

export interface ConnectorStatusEntry {
  readonly state: ConnectorState;
  readonly worker_id: string;
  readonly trace?: string;
}

export interface TaskStatusEntry {
  readonly id: number;
  readonly state: TaskState;
  readonly worker_id: string;
  readonly trace?: string;
}

export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: ConnectorStatusEntry;
  readonly tasks: readonly TaskStatusEntry[];
  readonly type: ConnectorType;
}

export interface TaskInfo {
  readonly id: ConnectorTaskId;
  readonly config: Readonly<Record<string, string>>;
}

/** One source partition's offset, or one sink queue's offset in Kafka's common format. */
export interface ConnectorOffset {
  readonly partition: JsonMap;
  readonly offset: JsonMap | null;
}

export interface ConnectorOffsets {
  readonly offsets: readonly ConnectorOffset[];
}

/** `GET /connector-plugins` entry. */
export interface PluginDescription {
  readonly class: string;
  readonly type: 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';
  readonly version: string;
}

/** Kafka's ConfigKeyInfo. */
export interface ConfigKeyInfo {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default_value: string | null;
  readonly importance: string;
  readonly documentation: string;
  readonly group: string | null;
  readonly order_in_group: number;
  readonly width: string;
  readonly display_name: string;
  readonly dependents: readonly string[];
}

/** Kafka's ConfigValueInfo. */
export interface ConfigValueInfo {
  readonly name: string;
  readonly value: string | null;
  readonly recommended_values: readonly string[];
  readonly errors: readonly string[];
  readonly visible: boolean;
}

/** Kafka's ConfigInfos: the answer of `PUT /connector-plugins/{p}/config/validate`. */
export interface ConfigInfos {
  readonly name: string;
  readonly error_count: number;
  readonly groups: readonly string[];
  readonly configs: readonly { readonly definition: ConfigKeyInfo; readonly value: ConfigValueInfo }[];
}

export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

export interface HealthInfo {
  readonly status: 'healthy' | 'starting' | 'unhealthy';
  readonly message: string;
}

/** Where each connector and task runs, for `GET /cluster` and the seed's allocation views. */
export interface ClusterView {
  readonly clusterId: string;
  readonly workers: readonly { readonly id: string; readonly url?: string; readonly self: boolean }[];
  readonly assignments: Readonly<
    Record<string, { readonly connectors: readonly string[]; readonly tasks: readonly ConnectorTaskId[] }>
  >;
}
