import { randomUUID } from 'node:crypto';
import {
  AlreadyExistsError,
  type ConnectorConfig,
  errorTrace,
  IllegalStateError,
  type Logger,
  NotFoundError,
  type PluginRegistry,
} from '@tributary/api';
import type { Broker, Membership } from '../broker/broker.js';
import { type AllocationStrategy, type Assignment, allocate, taskKey } from '../cluster/allocation.js';
import { ClusterState } from '../cluster/cluster-state.js';
import type { OffsetLog, StatusLog } from '../cluster/log-stores.js';
import { type LogEntry, ReplicatedLog } from '../cluster/replicated-log.js';
import { type ParsedConnectorConfig, parseConnectorConfig, sinkGroupId } from '../config/connector-config.js';
import { maskConfig, passwordKeys } from '../config/masking.js';
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
  sinkGroupOf,
  sinkOffsets,
  validateWithConnector,
} from './herder-support.js';

export interface DistributedHerderOptions {
  readonly worker: Worker;
  readonly registry: PluginRegistry;
  readonly broker: Broker;
  readonly clusterId: string;
  /** This process' identity in the membership group (unique per incarnation). */
  readonly memberId: string;
  /** The user-facing worker id (`worker.id`), shown in status. */
  readonly workerId: string;
  /** This worker's REST URL (known once the REST server is bound). */
  readonly restUrl: () => string;
  readonly configTopic: string;
  readonly offsets: OffsetLog;
  readonly status: StatusLog;
  readonly strategy: AllocationStrategy;
  /** How long a departed member may come back before its tasks move. */
  readonly rebalanceDelayMs: number;
  /** How often the lowest member re-publishes the state, so broker retention never deletes the only copy. */
  readonly snapshotIntervalMs: number;
  readonly logger: Logger;
}

const INITIAL_TO_TARGET: Readonly<Record<InitialState, TargetState>> = {
  RUNNING: 'STARTED',
  PAUSED: 'PAUSED',
  STOPPED: 'STOPPED',
};
const RECONCILE_EVERY_MS = 1000;

interface RunningTask {
  readonly connector: string;
  readonly task: number;
  readonly token: number;
  readonly configOffset: number;
  /** The task config it runs, to notice a change. */
  readonly configJson: string;
  readonly restartOffset: number;
}

/**
 * The herder of a worker in a cluster. Workers with the same cluster id share, through the broker:
 * - membership (one group per cluster): who is alive;
 * - the config log (one-queue topic): connector configs, target states, task configs, task ownership
 *   claims/releases, evictions — replayed in order by every worker, so all reach the same state;
 * - the offsets and status logs, whose entries carry (ownership token, sequence) so an older writer never
 *   overwrites a newer one.
 *
 * There is no leader. Every worker computes the same assignment with a pure function of (live members,
 * connectors, current owners) and runs its share. **Fencing rule**: a worker starts a task only after its
 * claim is applied, and a claim takes a task only when it is free — never claimed, released by its owner
 * after it stopped the task and committed its offsets, or its owner evicted (gone from the membership for
 * `rebalance.delay.ms`) or departed gracefully. A moved task therefore never runs on two workers at once,
 * except when a worker that cannot reach the broker keeps running after its eviction: it stops its tasks
 * as soon as it reads its eviction, and its late offset commits are ignored (older token).
 */
export class DistributedHerder implements Herder {
  readonly workerId: string;
  readonly #o: DistributedHerderOptions;
  readonly state = new ClusterState();
  readonly #config: ReplicatedLog;
  #membership: Membership | null = null;
  #members: readonly string[] = [];
  readonly #missingSince = new Map<string, number>();
  readonly #evicted = new Set<string>();
  readonly #connectors = new Map<string, { configOffset: number; token: number; restartOffset: number }>();
  readonly #tasks = new Map<string, RunningTask>();
  #assignment: Assignment = { connectors: new Map(), tasks: new Map() };
  #started = false;
  #stopping = false;
  #reconciling: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #lastSnapshot = Date.now();
  readonly #claimed = new Set<string>();
  readonly #writes = new Set<Promise<void>>();

  constructor(options: DistributedHerderOptions) {
    this.#o = options;
    this.workerId = options.workerId;
    this.#memberId = options.memberId;
    this.#config = new ReplicatedLog(options.broker, options.configTopic, (e) => this.state.apply(e), options.logger);
  }

  #memberId: string;

  /** This incarnation's id in the membership group (changes when the worker rejoins after an eviction). */
  get memberId(): string {
    return this.#memberId;
  }

  /** Replays the logs, joins the cluster and starts running this worker's share. */
  async start(): Promise<void> {
    await this.#config.start();
    await this.#o.offsets.log.start();
    await this.#o.status.log.start();
    await this.#join();
    this.state.onApply(() => this.#schedule());
    this.#timer = setInterval(() => this.#schedule(), RECONCILE_EVERY_MS);
    this.#started = true;
    this.#schedule();
    await this.#reconciling;
  }

  async #join(): Promise<void> {
    this.#o.status.member = this.#memberId;
    await this.#config.append([
      { key: `member:${this.#memberId}`, value: { workerId: this.workerId, url: this.#o.restUrl() } },
    ]);
    const membership = await this.#o.broker.joinGroup(`${this.#o.clusterId}-workers`, this.#memberId);
    this.#membership = membership;
    this.#members = await membership.members();
    membership.onChange((members) => {
      if (this.#membership !== membership) return;
      this.#members = members;
      this.#o.logger.info(`Cluster members: ${members.join(', ')}`);
      this.#schedule();
    });
  }

  /**
   * Leaves gracefully: stops every task (flush, commit), releases them and announces the departure, so the
   * other workers take over at once instead of waiting `rebalance.delay.ms`.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    await this.#reconciling;
    try {
      await this.#stopTasks([...this.#tasks.keys()]);
      for (const name of [...this.#connectors.keys()]) await this.#stopConnector(name);
      await this.#config.append([{ key: `leave:${this.#memberId}`, value: {} }]).catch(() => undefined);
      while (this.#writes.size > 0) await Promise.all([...this.#writes]);
    } finally {
      await this.#membership?.leave().catch(() => undefined);
      await this.#o.worker.stop();
      await this.#config.stop();
      await this.#o.offsets.log.stop();
      await this.#o.status.log.stop();
    }
  }

  health(): HealthInfo {
    if (this.#stopping) return { status: 'unhealthy', message: 'Worker is shutting down' };
    if (!this.#started) return { status: 'starting', message: 'Worker is still joining the cluster' };
    return { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
  }

  // ---- read side -----------------------------------------------------------------------------------

  async connectors(): Promise<string[]> {
    return this.state.connectorNames();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const c = this.#require(name);
    const tasks = (c.taskConfigs ?? []).map((_, task) => ({ connector: name, task }));
    return {
      name,
      config: maskedConfig(this.#o.registry, c.config),
      tasks,
      type: connectorType(this.#o.registry, c.config),
    };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    return maskedConfig(this.#o.registry, this.#require(name).config);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const c = this.#require(name);
    const status = this.#o.status.connector(name);
    const tasks: TaskStatusEntry[] = [];
    for (let id = 0; id < (c.taskConfigs?.length ?? 0); id++) tasks.push(this.#taskEntry(name, id));
    const state: ConnectorState =
      c.target === 'STOPPED' ? 'STOPPED' : ((status?.state as ConnectorState | undefined) ?? 'UNASSIGNED');
    return {
      name,
      connector: {
        state,
        worker_id: status?.workerId ?? '',
        ...(status?.trace === undefined || state === 'STOPPED' ? {} : { trace: status.trace }),
      },
      tasks,
      type: connectorType(this.#o.registry, c.config),
    };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const c = this.#require(name);
    const secrets = passwordKeys(this.#o.registry, c.config);
    return (c.taskConfigs ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: maskConfig(config, secrets),
    }));
  }

  async taskStatus(name: string, task: number): Promise<TaskStatusEntry> {
    const c = this.#require(name);
    if (task < 0 || task >= (c.taskConfigs?.length ?? 0)) throw new NotFoundError(`Task ${name}-${task} not found`);
    return this.#taskEntry(name, task);
  }

  // ---- write side: every write is an entry of the config log, accepted by any worker --------------------

  async createConnector(
    name: string,
    config: ConnectorConfig,
    initialState: InitialState = 'RUNNING',
  ): Promise<ConnectorInfo> {
    if (this.state.connector(name) !== undefined) throw new AlreadyExistsError(`Connector ${name} already exists`);
    const full = configToStore(this.#o.registry, name, config, this.state.connector(name)?.config);
    await this.#config.append([
      { key: `connector:${name}`, value: { config: full } },
      { key: `target:${name}`, value: { state: INITIAL_TO_TARGET[initialState] } },
    ]);
    return this.connectorInfo(name);
  }

  async putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ created: boolean; info: ConnectorInfo }> {
    const existing = this.state.connector(name);
    const full = configToStore(this.#o.registry, name, config, this.state.connector(name)?.config);
    const entries: LogEntry[] = [{ key: `connector:${name}`, value: { config: full } }];
    if (existing === undefined) entries.push({ key: `target:${name}`, value: { state: 'STARTED' } });
    else entries.push({ key: `target:${name}`, value: { state: existing.target } });
    await this.#config.append(entries);
    return { created: existing === undefined, info: await this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Readonly<Record<string, string | null>>): Promise<ConnectorInfo> {
    const existing = this.#require(name);
    const next: Record<string, string> = { ...existing.config };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    const full = configToStore(this.#o.registry, name, next, existing.config);
    await this.#config.append([
      { key: `connector:${name}`, value: { config: full } },
      { key: `target:${name}`, value: { state: existing.target } },
    ]);
    return this.connectorInfo(name);
  }

  async deleteConnector(name: string): Promise<void> {
    this.#require(name);
    await this.#config.append([{ key: `connector:${name}`, value: null }]);
    await this.#o.status.remove(name);
  }

  async pauseConnector(name: string): Promise<void> {
    this.#require(name);
    await this.#config.append([{ key: `target:${name}`, value: { state: 'PAUSED' } }]);
  }

  async resumeConnector(name: string): Promise<void> {
    const c = this.#require(name);
    if (c.target === 'STARTED') return;
    await this.#config.append([{ key: `target:${name}`, value: { state: 'STARTED' } }]);
  }

  async stopConnector(name: string): Promise<void> {
    const c = this.#require(name);
    // As in Kafka, a stopped connector has no tasks.
    await this.#config.append([
      { key: `target:${name}`, value: { state: 'STOPPED' } },
      { key: `tasks:${name}`, value: { configOffset: c.configOffset, configs: [] } },
    ]);
    await this.#waitUntil(() => this.#noTaskRuns(name), 30_000);
  }

  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    const c = this.#require(name);
    const status = await this.connectorStatus(name);
    if (c.target === 'STOPPED') return request.includeTasks || request.onlyFailed ? status : null;
    await this.#config.append([{ key: `restart:${name}`, value: { id: randomUUID(), ...request } }]);
    if (!request.includeTasks && !request.onlyFailed) return null;
    const restartConnector = !request.onlyFailed || status.connector.state === 'FAILED';
    return {
      ...status,
      connector: restartConnector ? { ...status.connector, state: 'RESTARTING' } : status.connector,
      tasks: status.tasks.map((t) =>
        request.includeTasks && (!request.onlyFailed || t.state === 'FAILED')
          ? { ...t, state: 'RESTARTING' as const }
          : t,
      ),
    };
  }

  async restartTask(name: string, task: number): Promise<void> {
    const c = this.#require(name);
    if (task < 0 || task >= (c.taskConfigs?.length ?? 0)) throw new NotFoundError(`Task ${name}-${task} not found`);
    await this.#config.append([{ key: `restart-task:${taskKey(name, task)}`, value: { id: randomUUID() } }]);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const c = this.#require(name);
    if (connectorType(this.#o.registry, c.config) === 'sink') {
      return sinkOffsets(this.#o.broker, sinkGroupOf(this.#o.registry, name, c.config));
    }
    await this.#o.offsets.log.catchUp();
    return { offsets: this.#o.offsets.all(name).map((e) => ({ partition: e.partition, offset: e.offset })) };
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<string> {
    const c = this.#requireStopped(name);
    const parsed = parseConnectorConfig(this.#o.registry, c.config);
    if (parsed.plugin.kind === 'sink') {
      await alterSinkOffsets(this.#o.broker, parsed, name, c.config, offsets);
      return OFFSETS_ALTERED;
    }
    const entries = offsets.map(parseSourceOffset);
    await parsed.plugin.createConnector().alterOffsets?.(c.config, entries);
    await this.#o.offsets.write(name, this.#adminToken(), entries);
    return OFFSETS_ALTERED;
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const c = this.#requireStopped(name);
    const parsed = parseConnectorConfig(this.#o.registry, c.config);
    if (parsed.plugin.kind === 'sink') {
      await this.#o.broker.deleteGroupOffsets(sinkGroupId(name, parsed.sink));
      return OFFSETS_RESET;
    }
    await this.#o.offsets.log.catchUp();
    const entries = this.#o.offsets.all(name).map((e) => ({ partition: e.partition, offset: null }));
    await parsed.plugin.createConnector().alterOffsets?.(c.config, entries);
    await this.#o.offsets.write(name, this.#adminToken(), entries);
    return OFFSETS_RESET;
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.#require(name);
    return this.#o.status.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#require(name);
    await this.#o.status.resetActiveTopics(name);
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
    const assignments: Record<string, { connectors: string[]; tasks: { connector: string; task: number }[] }> = {};
    const idOf = (member: string) => this.state.memberInfo(member)?.workerId ?? member;
    for (const member of this.#members) assignments[idOf(member)] = { connectors: [], tasks: [] };
    for (const name of this.state.connectorNames()) {
      const status = this.#o.status.connector(name);
      if (
        status !== undefined &&
        (status.state === 'RUNNING' || status.state === 'PAUSED') &&
        assignments[status.workerId]
      ) {
        assignments[status.workerId]!.connectors.push(name);
      }
      const c = this.state.connector(name)!;
      for (let t = 0; t < (c.taskConfigs?.length ?? 0); t++) {
        const owner = this.state.owner(name, t);
        if (owner === undefined || owner.released) continue;
        const id = idOf(owner.member);
        const entry = assignments[id] ?? { connectors: [], tasks: [] };
        assignments[id] = entry;
        entry.tasks.push({ connector: name, task: t });
      }
    }
    return {
      clusterId: this.#o.clusterId,
      workers: this.#members.map((m) => ({
        id: idOf(m),
        url: this.state.memberInfo(m)?.url ?? '',
        self: m === this.#memberId,
      })),
      assignments,
    };
  }

  // ---- reconciliation: run this worker's share of the assignment -------------------------------------

  #schedule(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#reconciling !== null) {
      this.#again = true;
      return;
    }
    this.#reconciling = (async () => {
      do {
        this.#again = false;
        try {
          await this.#reconcile();
        } catch (e) {
          this.#o.logger.error('Rebalance step failed; retrying', { error: errorTrace(e) });
        }
      } while (this.#again && !this.#stopping);
    })().finally(() => {
      this.#reconciling = null;
    });
  }

  async #reconcile(): Promise<void> {
    const me = this.#memberId;
    if (this.state.isGone(me)) {
      // Evicted while alive (cut off from the broker for too long): fence ourselves, then rejoin as a new
      // incarnation with nothing assigned.
      this.#o.logger.error('This worker was evicted from the cluster; stopping all its tasks and rejoining');
      await this.#stopTasks([...this.#tasks.keys()], false);
      for (const name of [...this.#connectors.keys()]) await this.#stopConnector(name);
      await this.#membership?.leave().catch(() => undefined);
      this.#memberId = `${this.workerId}#${randomUUID().slice(0, 8)}`;
      await this.#join();
      return;
    }
    const now = Date.now();
    const live = new Set(this.#members);
    const effective = new Set(live);
    for (const m of this.#knownMembers()) {
      if (live.has(m) || this.state.isGone(m)) {
        this.#missingSince.delete(m);
        continue;
      }
      const since = this.#missingSince.get(m) ?? now;
      this.#missingSince.set(m, since);
      if (now - since < this.#o.rebalanceDelayMs) effective.add(m);
      else if (!this.#evicted.has(m)) {
        this.#evicted.add(m);
        this.#o.logger.warn(`Member ${m} left ${now - since} ms ago without releasing its tasks: evicting it`);
        await this.#config.append([{ key: `evict:${m}`, value: { by: me } }]);
      }
    }
    await this.#maybeSnapshot(live);

    const connectors = this.state
      .connectorNames()
      .map((name) => ({ name, entry: this.state.connector(name)! }))
      .filter((c) => c.entry.target !== 'STOPPED');
    const previousConnectors = new Map<string, string>();
    for (const c of connectors) {
      const s = this.#o.status.connector(c.name) as { member?: string } | undefined;
      if (s?.member !== undefined) previousConnectors.set(c.name, s.member);
    }
    this.#assignment = allocate(
      [...effective],
      connectors.map((c) => ({ name: c.name, tasks: c.entry.taskConfigs?.length ?? 0 })),
      { connectors: previousConnectors, tasks: this.state.owners() },
      this.#o.strategy,
    );

    // Connectors: run those assigned here with their current config.
    for (const [name, running] of this.#connectors) {
      const entry = this.state.connector(name);
      const restart = entry === undefined ? undefined : this.state.restartRequest(name);
      const restartWanted =
        restart !== undefined &&
        restart.offset > running.restartOffset &&
        (!restart.onlyFailed || this.#o.worker.connectorState(name) === 'FAILED');
      if (
        entry === undefined ||
        entry.target === 'STOPPED' ||
        this.#assignment.connectors.get(name) !== me ||
        entry.configOffset !== running.configOffset ||
        restartWanted
      ) {
        await this.#stopConnector(name);
      }
    }
    for (const { name, entry } of connectors) {
      if (this.#assignment.connectors.get(name) !== me) continue;
      if (!this.#connectors.has(name)) await this.#startConnector(name, entry);
      else this.#o.worker.setConnectorTarget(name, entry.target);
    }

    // Tasks: stop what must move or changed, then claim and start what is ours.
    const toStop: string[] = [];
    for (const [key, t] of this.#tasks) {
      const entry = this.state.connector(t.connector);
      const config = entry?.taskConfigs?.[t.task];
      const owner = this.state.owner(t.connector, t.task);
      const restart = this.state.taskRestartRequest(t.connector, t.task);
      const connectorRestart = this.state.restartRequest(t.connector);
      const restartWanted =
        (restart !== undefined && restart.offset > t.restartOffset) ||
        (connectorRestart?.includeTasks === true &&
          connectorRestart.offset > t.restartOffset &&
          (!connectorRestart.onlyFailed || this.#o.worker.taskState(t.connector, t.task) === 'FAILED'));
      if (
        entry === undefined ||
        entry.target === 'STOPPED' ||
        config === undefined ||
        JSON.stringify(config) !== t.configJson ||
        this.#assignment.tasks.get(key) !== me ||
        owner === undefined ||
        owner.member !== me ||
        owner.token !== t.token ||
        owner.released ||
        restartWanted
      ) {
        toStop.push(key);
      } else {
        this.#o.worker.setTasksTarget(t.connector, entry.target);
      }
    }
    await this.#stopTasks(toStop);

    const claims: LogEntry[] = [];
    const toStart: { connector: string; task: number }[] = [];
    for (const [key, member] of this.#assignment.tasks) {
      if (member !== me || this.#tasks.has(key)) continue;
      const slash = key.lastIndexOf('/');
      const connector = key.slice(0, slash);
      const task = Number(key.slice(slash + 1));
      const owner = this.state.owner(connector, task);
      if (owner !== undefined && !owner.released && owner.member === me) {
        toStart.push({ connector, task });
      } else if (owner === undefined || owner.released || this.state.isGone(owner.member)) {
        if (!this.#claimed.has(key)) claims.push({ key: `claim:${key}`, value: { member: me } });
        toStart.push({ connector, task });
      }
      // Otherwise another live member still owns it: it releases the task once it sees the new assignment.
    }
    if (claims.length > 0) {
      for (const c of claims) this.#claimed.add(c.key.slice('claim:'.length));
      await this.#config.append(claims);
    }
    if (toStart.length > 0) {
      // A new owner resumes from everything its predecessor committed before releasing.
      await this.#o.offsets.log.catchUp();
      for (const { connector, task } of toStart) this.#startTask(connector, task);
    }
  }

  /** Members that own tasks or announced themselves: the ones whose departure matters. */
  #knownMembers(): Set<string> {
    const out = new Set<string>(this.state.owners().values());
    for (const c of this.state.connectorNames()) {
      const m = (this.#o.status.connector(c) as { member?: string } | undefined)?.member;
      if (m !== undefined) out.add(m);
    }
    return out;
  }

  async #startConnector(name: string, entry: NonNullable<ReturnType<ClusterState['connector']>>): Promise<void> {
    let parsed: ParsedConnectorConfig;
    const token = this.#config.position;
    const restartOffset = this.state.restartRequest(name)?.offset ?? -1;
    this.#connectors.set(name, { configOffset: entry.configOffset, token, restartOffset });
    try {
      parsed = parseConnectorConfig(this.#o.registry, entry.config);
    } catch (e) {
      this.#connectorStatus(name, token, 'FAILED', errorTrace(e));
      return;
    }
    const started = await this.#o.worker.startConnector(name, parsed, entry.target, {
      onStateChange: (state, trace) => this.#connectorStatus(name, token, state, trace),
      onTaskReconfigurationRequest: () => void this.#writeTaskConfigs(name).catch((e) => this.#logError(e)),
    });
    if (started) await this.#writeTaskConfigs(name);
  }

  /** Asks the connector (running here) for task configs and writes them when they changed. */
  async #writeTaskConfigs(name: string): Promise<void> {
    const running = this.#connectors.get(name);
    const entry = this.state.connector(name);
    if (running === undefined || entry === undefined || entry.configOffset !== running.configOffset) return;
    let configs: Readonly<Record<string, string>>[];
    try {
      configs = await this.#o.worker.connectorTaskConfigs(
        name,
        parseConnectorConfig(this.#o.registry, entry.config).common['tasks.max'],
      );
    } catch (e) {
      this.#connectorStatus(name, running.token, 'FAILED', errorTrace(e));
      return;
    }
    if (this.#o.worker.connectorState(name) === 'FAILED') return;
    if (JSON.stringify(configs) === JSON.stringify(entry.taskConfigs)) return;
    await this.#config.append([{ key: `tasks:${name}`, value: { configOffset: entry.configOffset, configs } }]);
    await this.#o.status.removeTasksFrom(name, configs.length).catch((e) => this.#logError(e));
    this.#o.worker.forgetMetrics(name, configs.length);
  }

  async #stopConnector(name: string): Promise<void> {
    const running = this.#connectors.get(name);
    this.#connectors.delete(name);
    await this.#o.worker.stopConnector(name);
    if (running !== undefined && this.state.connector(name) === undefined) this.#o.worker.forgetMetrics(name);
  }

  #startTask(connector: string, task: number): void {
    const key = taskKey(connector, task);
    const owner = this.state.owner(connector, task);
    const entry = this.state.connector(connector);
    const config = entry?.taskConfigs?.[task];
    if (
      owner === undefined ||
      owner.member !== this.#memberId ||
      owner.released ||
      entry === undefined ||
      config === undefined
    ) {
      // Our claim lost (someone claimed first); the next round tries again.
      this.#claimed.delete(key);
      return;
    }
    this.#claimed.delete(key);
    let parsed: ParsedConnectorConfig;
    try {
      parsed = parseConnectorConfig(this.#o.registry, entry.config);
    } catch (e) {
      this.#taskStatus(connector, task, owner.token, 'FAILED', errorTrace(e));
      return;
    }
    const restartOffset = Math.max(
      this.state.taskRestartRequest(connector, task)?.offset ?? -1,
      this.state.restartRequest(connector)?.offset ?? -1,
    );
    this.#tasks.set(key, {
      connector,
      task,
      token: owner.token,
      configOffset: entry.configOffset,
      configJson: JSON.stringify(config),
      restartOffset,
    });
    this.#o.worker.startTask(
      connector,
      task,
      parsed,
      config,
      entry.taskConfigs!.length,
      entry.target,
      {
        onStateChange: (state, trace) => this.#taskStatus(connector, task, owner.token, state, trace),
        onTopicUsed: (topic) => this.#track(this.#o.status.addActiveTopic(connector, topic)),
      },
      { offsetStore: this.#o.offsets.forToken(owner.token) },
    );
  }

  /** Stops tasks gracefully (each flushes and commits) and releases them. */
  async #stopTasks(keys: readonly string[], release = true): Promise<void> {
    if (keys.length === 0) return;
    const byConnector = new Map<string, RunningTask[]>();
    for (const key of keys) {
      const t = this.#tasks.get(key);
      if (t === undefined) continue;
      this.#tasks.delete(key);
      byConnector.set(t.connector, [...(byConnector.get(t.connector) ?? []), t]);
    }
    await Promise.all(
      [...byConnector].map(([connector, tasks]) =>
        this.#o.worker.stopTasks(
          connector,
          tasks.map((t) => t.task),
        ),
      ),
    );
    if (!release) return;
    const releases: LogEntry[] = [];
    for (const tasks of byConnector.values()) {
      for (const t of tasks) {
        const owner = this.state.owner(t.connector, t.task);
        if (owner !== undefined && owner.member === this.#memberId && owner.token === t.token && !owner.released) {
          releases.push({
            key: `release:${taskKey(t.connector, t.task)}`,
            value: { member: this.#memberId, token: t.token },
          });
        }
      }
    }
    if (releases.length > 0) await this.#config.append(releases);
  }

  /** The lowest live member re-publishes the state regularly, so retention never deletes the only copy. */
  async #maybeSnapshot(live: ReadonlySet<string>): Promise<void> {
    if (Date.now() - this.#lastSnapshot < this.#o.snapshotIntervalMs) return;
    this.#lastSnapshot = Date.now();
    if ([...live].sort()[0] !== this.#memberId) return;
    await this.#config.append(this.state.snapshot(live));
    const offsets = this.#o.offsets.snapshot();
    if (offsets.length > 0) await this.#o.offsets.log.append(offsets);
    this.#o.logger.info('Published a snapshot of the cluster state');
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  #connectorStatus(name: string, token: number, state: ConnectorState, trace?: string): void {
    const entry = { state, workerId: this.workerId, generation: token, ...(trace === undefined ? {} : { trace }) };
    this.#track(this.#o.status.putConnector(name, entry));
  }

  #taskStatus(connector: string, task: number, token: number, state: TaskState, trace?: string): void {
    if (state === 'UNASSIGNED' && this.state.connector(connector) === undefined) return;
    const entry = { state, workerId: this.workerId, generation: token, ...(trace === undefined ? {} : { trace }) };
    this.#track(this.#o.status.putTask(connector, task, entry));
  }

  /** Keeps a background state write, so `stop` can wait for every one before closing the logs. */
  #track(write: Promise<void>): void {
    const p = write.catch((e) => this.#logError(e)).finally(() => this.#writes.delete(p));
    this.#writes.add(p);
  }

  #taskEntry(name: string, task: number): TaskStatusEntry {
    const s = this.#o.status.task(name, task);
    return {
      id: task,
      state: (s?.state as TaskState | undefined) ?? 'UNASSIGNED',
      worker_id: s?.workerId ?? '',
      ...(s?.trace === undefined ? {} : { trace: s.trace }),
    };
  }

  /** True when no task of the connector is owned (every one stopped and released). */
  #noTaskRuns(name: string): boolean {
    for (const key of this.state.owners().keys()) if (key.startsWith(`${name}/`)) return false;
    return true;
  }

  async #waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  /** A token newer than every claim so far: admin offset writes win over any task that ran before. */
  #adminToken(): number {
    return this.#config.position;
  }

  #require(name: string) {
    const c = this.state.connector(name);
    if (c === undefined) throw new NotFoundError(`Connector ${name} not found`);
    return c;
  }

  #requireStopped(name: string) {
    const c = this.#require(name);
    if (c.target !== 'STOPPED' || !this.#noTaskRuns(name)) throw new IllegalStateError(notStoppedMessage(name));
    return c;
  }

  #logError(e: unknown): void {
    this.#o.logger.error('Writing cluster state failed', { error: errorTrace(e) });
  }
}
