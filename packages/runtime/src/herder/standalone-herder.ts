import {
  AlreadyExistsError,
  type ConnectorConfig,
  errorTrace,
  IllegalStateError,
  type Logger,
  NotFoundError,
  type PluginRegistry,
} from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import {
  normalizeConnectorConfig,
  type ParsedConnectorConfig,
  parseConnectorConfig,
  sinkGroupId,
} from '../config/connector-config.js';
import { maskConfig, passwordKeys } from '../config/masking.js';
import type { ConfigStore, OffsetStore, StatusEntry, StatusStore } from '../storage/stores.js';
import type { Worker } from '../worker/worker.js';
import type {
  ClusterView,
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorInfo,
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorState,
  ConnectorStateInfo,
  HealthInfo,
  InitialState,
  PluginDescription,
  RestartRequest,
  TargetState,
  TaskInfo,
  TaskState,
  TaskStatusEntry,
} from './entities.js';
import type { Herder } from './herder.js';
import {
  alterSinkOffsets,
  configToStore,
  connectorType,
  describePlugins,
  maskedConfig,
  notStoppedMessage,
  OFFSETS_ALTERED,
  OFFSETS_RESET,
  parseSourceOffset,
  pluginConfigKeys,
  sameConfig,
  sinkGroupOf,
  sinkOffsets,
  validateWithConnector,
} from './herder-support.js';

export interface StandaloneHerderOptions {
  readonly worker: Worker;
  readonly registry: PluginRegistry;
  readonly broker: Broker;
  readonly configStore: ConfigStore;
  readonly offsetStore: OffsetStore;
  readonly statusStore: StatusStore;
  readonly logger: Logger;
}

const INITIAL_TO_TARGET: Readonly<Record<InitialState, TargetState>> = {
  RUNNING: 'STARTED',
  PAUSED: 'PAUSED',
  STOPPED: 'STOPPED',
};

/**
 * The herder of a single worker: every connector and task runs here. Configs, target states, task configs,
 * source offsets and status live in files under `data.dir`, so a restarted worker resumes every connector
 * in its last target state with its offsets. All changes run one at a time.
 */
export class StandaloneHerder implements Herder {
  readonly workerId: string;
  readonly #o: StandaloneHerderOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #started = false;
  #stopping = false;
  /** Status generation per key, so a late update never replaces a newer one. */
  readonly #generations = new Map<string, number>();
  readonly #writes = new Set<Promise<void>>();

  constructor(options: StandaloneHerderOptions) {
    this.#o = options;
    this.workerId = options.worker.id;
  }

  /**
   * Loads the stores and starts every connector in its target state. `initial` connectors (from the
   * command line) are created, or updated when their config differs from the stored one.
   * @throws ConfigError when an initial connector config is invalid.
   */
  async start(initial: readonly { readonly name: string; readonly config: ConnectorConfig }[] = []): Promise<void> {
    await this.#exclusive(async () => {
      await this.#o.configStore.load();
      await this.#o.offsetStore.load();
      await this.#o.statusStore.load();
      for (const c of initial) {
        const existing = this.#o.configStore.get(c.name);
        const wanted = normalizeConnectorConfig({ ...c.config, name: c.name });
        if (existing !== undefined && sameConfig(existing.config, wanted)) continue;
        await this.#store(c.name, wanted, existing?.targetState ?? 'STARTED');
        this.#o.logger.info(
          `Connector ${c.name} ${existing === undefined ? 'created' : 'updated'} from the command line`,
        );
      }
      for (const name of this.#o.configStore.names()) {
        try {
          await this.#startConnectorAndTasks(name);
        } catch (e) {
          this.#o.logger.error(`Could not restore connector ${name}`, { error: errorTrace(e) });
          this.#connectorStatus(name, 'FAILED', errorTrace(e));
        }
      }
      this.#started = true;
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#exclusive(async () => {
      await this.#o.worker.stop();
    });
    // Status written by the tasks as they stopped.
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
  }

  health(): HealthInfo {
    if (this.#stopping) return { status: 'unhealthy', message: 'Worker is shutting down' };
    if (!this.#started) return { status: 'starting', message: 'Worker is still starting up' };
    return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
  }

  async connectors(): Promise<string[]> {
    return this.#o.configStore.names();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const stored = this.#require(name);
    const tasks = (stored.taskConfigs ?? []).map((_, task) => ({ connector: name, task }));
    return {
      name,
      config: maskedConfig(this.#o.registry, stored.config),
      tasks,
      type: connectorType(this.#o.registry, stored.config),
    };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    return maskedConfig(this.#o.registry, this.#require(name).config);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const stored = this.#require(name);
    const connector = this.#o.statusStore.connector(name);
    const taskCount = stored.taskConfigs?.length ?? 0;
    const statuses = this.#o.statusStore.tasks(name);
    const tasks: TaskStatusEntry[] = [];
    for (let id = 0; id < taskCount; id++) tasks.push(this.#taskEntry(id, statuses.get(id)));
    return {
      name,
      connector: {
        state: (connector?.state as ConnectorState | undefined) ?? 'UNASSIGNED',
        worker_id: connector?.workerId ?? this.workerId,
        ...(connector?.trace === undefined ? {} : { trace: connector.trace }),
      },
      tasks,
      type: connectorType(this.#o.registry, stored.config),
    };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const stored = this.#require(name);
    const secrets = passwordKeys(this.#o.registry, stored.config);
    return (stored.taskConfigs ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: maskConfig(config, secrets),
    }));
  }

  async taskStatus(name: string, task: number): Promise<TaskStatusEntry> {
    const stored = this.#require(name);
    if (task < 0 || task >= (stored.taskConfigs?.length ?? 0))
      throw new NotFoundError(`Task ${name}-${task} not found`);
    return this.#taskEntry(task, this.#o.statusStore.task(name, task));
  }

  createConnector(
    name: string,
    config: ConnectorConfig,
    initialState: InitialState = 'RUNNING',
  ): Promise<ConnectorInfo> {
    return this.#exclusive(async () => {
      if (this.#o.configStore.get(name) !== undefined) throw new AlreadyExistsError(`Connector ${name} already exists`);
      await this.#store(name, config, INITIAL_TO_TARGET[initialState]);
      await this.#startConnectorAndTasks(name);
      return this.connectorInfo(name);
    });
  }

  putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.#exclusive(async () => {
      const existing = this.#o.configStore.get(name);
      await this.#store(name, config, existing?.targetState ?? 'STARTED');
      if (existing !== undefined) await this.#stopConnectorAndTasks(name);
      await this.#startConnectorAndTasks(name);
      return { created: existing === undefined, info: await this.connectorInfo(name) };
    });
  }

  patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    return this.#exclusive(async () => {
      const existing = this.#require(name);
      const next: Record<string, string> = { ...existing.config };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete next[key];
        else next[key] = value;
      }
      await this.#store(name, next, existing.targetState);
      await this.#stopConnectorAndTasks(name);
      await this.#startConnectorAndTasks(name);
      return this.connectorInfo(name);
    });
  }

  deleteConnector(name: string): Promise<void> {
    return this.#exclusive(async () => {
      this.#require(name);
      await this.#stopConnectorAndTasks(name);
      await this.#o.configStore.removeConnector(name);
      await this.#o.statusStore.remove(name);
      this.#o.worker.forgetMetrics(name);
      // Source offsets are kept, as in Kafka: a connector recreated with the same name resumes.
    });
  }

  pauseConnector(name: string): Promise<void> {
    return this.#exclusive(async () => {
      const stored = this.#require(name);
      if (stored.targetState === 'PAUSED') return;
      if (stored.targetState === 'STOPPED') {
        // Kafka allows pausing a stopped connector: it starts paused.
        await this.#o.configStore.putTargetState(name, 'PAUSED');
        await this.#startConnectorAndTasks(name);
        return;
      }
      await this.#o.configStore.putTargetState(name, 'PAUSED');
      this.#o.worker.setConnectorTarget(name, 'PAUSED');
      this.#o.worker.setTasksTarget(name, 'PAUSED');
    });
  }

  resumeConnector(name: string): Promise<void> {
    return this.#exclusive(async () => {
      const stored = this.#require(name);
      if (stored.targetState === 'STARTED') return;
      const wasStopped = stored.targetState === 'STOPPED';
      await this.#o.configStore.putTargetState(name, 'STARTED');
      if (wasStopped) {
        await this.#startConnectorAndTasks(name);
      } else {
        this.#o.worker.setConnectorTarget(name, 'STARTED');
        this.#o.worker.setTasksTarget(name, 'STARTED');
      }
    });
  }

  stopConnector(name: string): Promise<void> {
    return this.#exclusive(async () => {
      const stored = this.#require(name);
      if (stored.targetState === 'STOPPED' && !this.#o.worker.isRunningConnector(name)) return;
      await this.#o.configStore.putTargetState(name, 'STOPPED');
      await this.#stopConnectorAndTasks(name);
      // As in Kafka, a stopped connector has no tasks.
      await this.#o.configStore.putTaskConfigs(name, []);
      await this.#o.statusStore.removeTasksFrom(name, 0);
      this.#o.worker.forgetMetrics(name, 0);
      this.#connectorStatus(name, 'STOPPED');
    });
  }

  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    return this.#exclusive(async () => {
      const stored = this.#require(name);
      const status = await this.connectorStatus(name);
      const restartConnector = !request.onlyFailed || status.connector.state === 'FAILED';
      const tasks = request.includeTasks
        ? status.tasks.filter((t) => !request.onlyFailed || t.state === 'FAILED').map((t) => t.id)
        : [];
      if (stored.targetState === 'STOPPED') return request.includeTasks || request.onlyFailed ? status : null;
      if (restartConnector) this.#connectorStatus(name, 'RESTARTING');
      for (const t of tasks) this.#taskStatus(name, t, 'RESTARTING');
      const pending = request.includeTasks || request.onlyFailed ? await this.connectorStatus(name) : null;
      if (restartConnector) {
        const parsed = this.#parse(stored.config);
        await this.#o.worker.startConnector(name, parsed, stored.targetState, this.#connectorListener(name));
      }
      if (tasks.length > 0) {
        await this.#o.worker.stopTasks(name, tasks);
        this.#startTasks(name, this.#parse(stored.config), tasks);
      }
      return pending;
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    return this.#exclusive(async () => {
      const stored = this.#require(name);
      if (task < 0 || task >= (stored.taskConfigs?.length ?? 0))
        throw new NotFoundError(`Task ${name}-${task} not found`);
      await this.#o.worker.stopTasks(name, [task]);
      this.#startTasks(name, this.#parse(stored.config), [task]);
    });
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const stored = this.#require(name);
    if (connectorType(this.#o.registry, stored.config) === 'sink') {
      return sinkOffsets(this.#o.broker, sinkGroupOf(this.#o.registry, name, stored.config));
    }
    return { offsets: this.#o.offsetStore.all(name).map((e) => ({ partition: e.partition, offset: e.offset })) };
  }

  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    return this.#exclusive(async () => {
      const stored = this.#requireStopped(name);
      const parsed = this.#parse(stored.config);
      if (parsed.plugin.kind === 'sink') {
        await alterSinkOffsets(this.#o.broker, parsed, name, stored.config, offsets);
        return OFFSETS_ALTERED;
      }
      const entries = offsets.map(parseSourceOffset);
      const connector = parsed.plugin.createConnector();
      await connector.alterOffsets?.(stored.config, entries);
      await this.#o.offsetStore.set(name, entries);
      return OFFSETS_ALTERED;
    });
  }

  resetConnectorOffsets(name: string): Promise<string> {
    return this.#exclusive(async () => {
      const stored = this.#requireStopped(name);
      const parsed = this.#parse(stored.config);
      if (parsed.plugin.kind === 'sink') {
        await this.#o.broker.deleteGroupOffsets(sinkGroupId(name, parsed.sink));
      } else {
        const connector = parsed.plugin.createConnector();
        await connector.alterOffsets?.(
          stored.config,
          this.#o.offsetStore.all(name).map((e) => ({ partition: e.partition, offset: null })),
        );
        await this.#o.offsetStore.clear(name);
      }
      return OFFSETS_RESET;
    });
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.#require(name);
    return this.#o.statusStore.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#require(name);
    await this.#o.statusStore.resetActiveTopics(name);
  }

  validateConnectorConfig(config: ConnectorConfig): Promise<ConfigInfos> {
    return validateWithConnector(this.#o.registry, config);
  }

  plugins(connectorsOnly: boolean): PluginDescription[] {
    return describePlugins(this.#o.registry, connectorsOnly);
  }

  pluginConfig(plugin: string): ConfigKeyInfo[] {
    return pluginConfigKeys(this.#o.registry, plugin);
  }

  async cluster(): Promise<ClusterView> {
    const names = this.#o.configStore.names();
    return {
      clusterId: 'standalone',
      workers: [{ id: this.workerId, self: true }],
      assignments: {
        [this.workerId]: {
          connectors: names.filter((n) => this.#o.worker.isRunningConnector(n)),
          tasks: names.flatMap((n) => this.#o.worker.tasksOf(n).map((task) => ({ connector: n, task }))),
        },
      },
    };
  }

  // ---- internals -------------------------------------------------------------------------------------

  /** Runs mutations one at a time, in call order. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #require(name: string) {
    const stored = this.#o.configStore.get(name);
    if (stored === undefined) throw new NotFoundError(`Connector ${name} not found`);
    return stored;
  }

  #requireStopped(name: string) {
    const stored = this.#require(name);
    if (stored.targetState !== 'STOPPED' || this.#o.worker.isRunningConnector(name)) {
      throw new IllegalStateError(notStoppedMessage(name));
    }
    return stored;
  }

  #parse(config: Readonly<Record<string, string>>): ParsedConnectorConfig {
    return parseConnectorConfig(this.#o.registry, config);
  }

  /** Validates and stores a config (secrets echoed back as `[hidden]` keep their stored value). */
  async #store(name: string, config: ConnectorConfig, target: TargetState): Promise<void> {
    const full = configToStore(this.#o.registry, name, config, this.#o.configStore.get(name)?.config);
    await this.#o.configStore.putConnector(name, full, target);
  }

  /** Starts the connector per its target state, regenerates task configs and starts the tasks. */
  async #startConnectorAndTasks(name: string): Promise<void> {
    const stored = this.#require(name);
    if (stored.targetState === 'STOPPED') {
      this.#connectorStatus(name, 'STOPPED');
      return;
    }
    const parsed = this.#parse(stored.config);
    const started = await this.#o.worker.startConnector(
      name,
      parsed,
      stored.targetState,
      this.#connectorListener(name),
    );
    if (!started) return;
    await this.#reconfigureTasks(name, parsed, true);
  }

  /** Asks the connector for task configs; stores them and (re)starts the tasks when they changed. */
  async #reconfigureTasks(name: string, parsed: ParsedConnectorConfig, force: boolean): Promise<void> {
    const stored = this.#require(name);
    let configs: Readonly<Record<string, string>>[];
    try {
      configs = await this.#o.worker.connectorTaskConfigs(name, parsed.common['tasks.max']);
    } catch (e) {
      this.#connectorStatus(name, 'FAILED', errorTrace(e));
      return;
    }
    const changed = JSON.stringify(configs) !== JSON.stringify(stored.taskConfigs ?? []);
    if (!changed && !force) return;
    await this.#o.worker.stopTasks(name);
    if (changed) {
      await this.#o.configStore.putTaskConfigs(name, configs);
      await this.#o.statusStore.removeTasksFrom(name, configs.length);
      this.#o.worker.forgetMetrics(name, configs.length);
    }
    this.#startTasks(
      name,
      parsed,
      configs.map((_, i) => i),
    );
  }

  #startTasks(name: string, parsed: ParsedConnectorConfig, tasks: readonly number[]): void {
    const stored = this.#require(name);
    const configs = stored.taskConfigs ?? [];
    for (const task of tasks) {
      const config = configs[task];
      if (config === undefined) continue;
      this.#o.worker.startTask(name, task, parsed, config, configs.length, stored.targetState, {
        onStateChange: (state, trace) => this.#taskStatus(name, task, state, trace),
        onTopicUsed: (topic) => {
          this.#track(this.#o.statusStore.addActiveTopic(name, topic));
        },
      });
    }
  }

  async #stopConnectorAndTasks(name: string): Promise<void> {
    await this.#o.worker.stopTasks(name);
    await this.#o.worker.stopConnector(name);
  }

  #connectorListener(name: string) {
    return {
      onStateChange: (state: ConnectorState, trace?: string) => this.#connectorStatus(name, state, trace),
      onTaskReconfigurationRequest: () => {
        void this.#exclusive(async () => {
          const stored = this.#o.configStore.get(name);
          if (stored === undefined || stored.targetState === 'STOPPED' || !this.#o.worker.isRunningConnector(name))
            return;
          await this.#reconfigureTasks(name, this.#parse(stored.config), false);
        }).catch((e) => this.#o.logger.error(`Task reconfiguration of ${name} failed`, { error: errorTrace(e) }));
      },
    };
  }

  #connectorStatus(name: string, state: ConnectorState, trace?: string): void {
    const entry = this.#statusEntry(`c:${name}`, state, trace);
    this.#track(this.#o.statusStore.putConnector(name, entry));
  }

  #taskStatus(name: string, task: number, state: TaskState, trace?: string): void {
    // A stopped task reports UNASSIGNED; once its connector is gone or stopped that is not worth storing.
    if (state === 'UNASSIGNED' && this.#o.configStore.get(name) === undefined) return;
    const entry = this.#statusEntry(`t:${name}:${task}`, state, trace);
    this.#track(this.#o.statusStore.putTask(name, task, entry));
  }

  #statusEntry(key: string, state: ConnectorState | TaskState, trace?: string): StatusEntry {
    const generation = (this.#generations.get(key) ?? Date.now()) + 1;
    this.#generations.set(key, generation);
    return { state, workerId: this.workerId, generation, ...(trace === undefined ? {} : { trace }) };
  }

  #taskEntry(id: number, status: StatusEntry | undefined): TaskStatusEntry {
    return {
      id,
      state: (status?.state as TaskState | undefined) ?? 'UNASSIGNED',
      worker_id: status?.workerId ?? this.workerId,
      ...(status?.trace === undefined ? {} : { trace: status.trace }),
    };
  }

  /** Keeps a background state write, so `stop` can wait for every one (no write after stop returns). */
  #track(write: Promise<void>): void {
    const p = write.catch((e) => this.#logStoreError(e)).finally(() => this.#writes.delete(p));
    this.#writes.add(p);
  }

  #logStoreError(e: unknown): void {
    this.#o.logger.error('Writing worker state failed', { error: errorTrace(e) });
  }
}
