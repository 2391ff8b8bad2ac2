import {
  type ConfigSpec,
  ConnectError,
  type ConnectorConfig,
  type SinkConnector,
  type SinkConnectorContext,
  type TaskConfig,
} from '@tributary/api';

/**
 * A sink connector whose `tasks.max` tasks all get the connector's own config (Kafka's FileStreamSink
 * does the same): the runtime spreads the topics' queues over them.
 */
export class UniformSinkConnector implements SinkConnector {
  readonly #spec: ConfigSpec<object>;
  readonly #name: string;
  #config: ConnectorConfig | undefined;

  constructor(spec: ConfigSpec<object>, name: string) {
    this.#spec = spec;
    this.#name = name;
  }

  start(_context: SinkConnectorContext, config: ConnectorConfig): void {
    this.#spec.parse(config, { subject: `${this.#name} configuration` });
    this.#config = config;
  }

  taskConfigs(maxTasks: number): readonly TaskConfig[] {
    const config = this.#config;
    if (config === undefined) throw new ConnectError(`${this.#name} connector is not started`);
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...config }));
  }

  stop(): void {
    this.#config = undefined;
  }
}
