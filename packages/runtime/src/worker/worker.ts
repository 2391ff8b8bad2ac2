import {
  type Connector,
  type ConnectorContext,
  errorTrace,
  type PluginRegistry,
  type SourceConnectorContext,
  type TaskConfig,
} from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import { resolveConfig, unresolve } from '../config/config-providers.js';
import { type ParsedConnectorConfig, sinkGroupId } from '../config/connector-config.js';
import type { WorkerConfig } from '../config/worker-config.js';
import type { ConnectorState, TargetState, TaskState } from '../herder/entities.js';
import type { LoggerRegistry } from '../logging/loggers.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { OffsetStore } from '../storage/stores.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import { createConverters, createTransformStages } from './task-plugins.js';
import type { ErrorSettings, TaskRunner } from './task-runner.js';

/** Receives connector state changes and requests from running connectors. */
export interface ConnectorListener {
  onStateChange(state: ConnectorState, trace?: string): void;
  /** The connector asked for its task configs to be regenerated. */
  onTaskReconfigurationRequest(): void;
}

export interface TaskListener {
  onStateChange(state: TaskState, trace?: string): void;
  onTopicUsed(topic: string): void;
}

interface RunningConnector {
  readonly instance: Connector;
  readonly parsed: ParsedConnectorConfig;
  /** The config the connector was started with (placeholders resolved). */
  readonly resolved: Record<string, string>;
  readonly listener: ConnectorListener;
  state: ConnectorState;
}

export interface WorkerOptions {
  readonly config: WorkerConfig;
  readonly registry: PluginRegistry;
  readonly broker: Broker;
  readonly offsetStore: OffsetStore;
  readonly metrics: WorkerMetrics;
  readonly loggers: LoggerRegistry;
}

const taskKey = (connector: string, task: number) => `${connector}\u0000${task}`;

/**
 * Runs the connectors and tasks assigned to this process: creates plugin instances, resolves config
 * provider placeholders, wires converters, transforms, error handling and metrics into task runners.
 * Decides nothing about *what* should run: the herder does.
 */
export class Worker {
  readonly id: string;
  readonly #o: WorkerOptions;
  readonly #connectors = new Map<string, RunningConnector>();
  readonly #tasks = new Map<string, { runner: TaskRunner; connector: string; task: number }>();

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.id = options.config.workerId;
  }

  get registry(): PluginRegistry {
    return this.#o.registry;
  }

  /**
   * Starts a connector instance. A failure to start is reported as FAILED with its trace (not thrown):
   * the connector exists but does not run.
   */
  async startConnector(
    name: string,
    parsed: ParsedConnectorConfig,
    target: TargetState,
    listener: ConnectorListener,
  ): Promise<boolean> {
    await this.stopConnector(name);
    const logger = this.#o.loggers.get(`tributary.connector.${name}`);
    const plugin = parsed.plugin;
    const instance = plugin.createConnector();
    const running: RunningConnector = { instance, parsed, resolved: {}, listener, state: 'UNASSIGNED' };
    const context: ConnectorContext & Partial<SourceConnectorContext> = {
      name,
      logger,
      requestTaskReconfiguration: () => {
        if (this.#connectors.get(name) === running) listener.onTaskReconfigurationRequest();
      },
      raiseError: (error) => {
        if (this.#connectors.get(name) !== running) return;
        logger.error(`Connector ${name} raised an error`, { error: errorTrace(error) });
        running.state = 'FAILED';
        listener.onStateChange('FAILED', errorTrace(error));
      },
    };
    if (plugin.kind === 'source') {
      const store = this.#o.offsetStore;
      (context as { offsetReader?: SourceConnectorContext['offsetReader'] }).offsetReader = {
        offset: async (partition) => store.get(name, [partition])[0]?.offset ?? null,
        offsets: async (partitions) => store.get(name, partitions),
      };
    }
    this.#connectors.set(name, running);
    this.#o.metrics.connector(name, {
      status: 'UNASSIGNED',
      connectorClass: plugin.name,
      type: plugin.kind,
      version: plugin.version,
    });
    try {
      const resolved = resolveConfig(parsed.raw);
      (running as { resolved: Record<string, string> }).resolved = resolved;
      await instance.start(context as SourceConnectorContext, resolved);
      running.state = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      listener.onStateChange(running.state);
      this.#setConnectorMetricStatus(name, running.state);
      return true;
    } catch (e) {
      logger.error(`Connector ${name} failed to start`, { error: errorTrace(e) });
      running.state = 'FAILED';
      this.#setConnectorMetricStatus(name, 'FAILED');
      listener.onStateChange('FAILED', errorTrace(e));
      return false;
    }
  }

  /** Task configs from a running connector, with placeholders restored so no resolved secret is stored. */
  async connectorTaskConfigs(name: string, maxTasks: number): Promise<TaskConfig[]> {
    const running = this.#connectors.get(name);
    if (running === undefined || running.state === 'FAILED') return [];
    const configs = await running.instance.taskConfigs(maxTasks);
    if (configs.length > maxTasks && running.parsed.common['tasks.max.enforce']) {
      throw new Error(`Connector ${name} returned ${configs.length} task configs, more than tasks.max=${maxTasks}`);
    }
    return configs.map((c) => unresolve(c, running.parsed.raw, running.resolved));
  }

  connectorState(name: string): ConnectorState | undefined {
    return this.#connectors.get(name)?.state;
  }

  isRunningConnector(name: string): boolean {
    return this.#connectors.has(name);
  }

  setConnectorTarget(name: string, target: TargetState): void {
    const running = this.#connectors.get(name);
    if (running === undefined || running.state === 'FAILED') return;
    const state: ConnectorState = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    if (running.state !== state) {
      running.state = state;
      this.#setConnectorMetricStatus(name, state);
      running.listener.onStateChange(state);
    }
  }

  async stopConnector(name: string): Promise<void> {
    const running = this.#connectors.get(name);
    if (running === undefined) return;
    this.#connectors.delete(name);
    try {
      await running.instance.stop();
    } catch (e) {
      this.#o.loggers
        .get(`tributary.connector.${name}`)
        .warn(`Connector ${name} threw while stopping`, { error: errorTrace(e) });
    }
  }

  /**
   * Starts one task. Config problems (plugins that cannot be created, unresolvable placeholders) make the
   * task FAILED with the reason in status rather than throwing.
   */
  startTask(
    connector: string,
    task: number,
    parsed: ParsedConnectorConfig,
    taskConfig: TaskConfig,
    taskCount: number,
    target: TargetState,
    listener: TaskListener,
    options: { readonly offsetStore?: OffsetStore } = {},
  ): void {
    const key = taskKey(connector, task);
    if (this.#tasks.has(key)) throw new Error(`task ${connector}-${task} is already running on this worker`);
    const cfg = this.#o.config;
    const logger = this.#o.loggers.get(`tributary.task.${connector}-${task}`);
    const plugin = parsed.plugin;
    const metrics = this.#o.metrics.task(connector, task, plugin.kind);
    const common = parsed.common;
    const errors: ErrorSettings = {
      retryTimeoutMs: common['errors.retry.timeout'],
      retryDelayMaxMs: common['errors.retry.delay.max.ms'],
      tolerance: common['errors.tolerance'],
      logEnable: common['errors.log.enable'],
      logIncludeMessages: common['errors.log.include.messages'],
      deadLetterTopic: common['errors.deadletterqueue.topic.name'],
      deadLetterQueues:
        common['errors.deadletterqueue.topic.queues'] > 0
          ? common['errors.deadletterqueue.topic.queues']
          : cfg['topic.default.queues'],
      deadLetterContextHeaders: common['errors.deadletterqueue.context.headers.enable'],
    };
    let runner: TaskRunner;
    try {
      const resolvedRaw = resolveConfig(parsed.raw);
      const resolvedTask = resolveConfig(taskConfig);
      const converters = createConverters(
        this.#o.registry,
        cfg.raw,
        { key: cfg['key.converter'], value: cfg['value.converter'], header: cfg['header.converter'] },
        resolvedRaw,
      );
      const base = {
        connector,
        task,
        workerId: this.id,
        logger,
        metrics,
        broker: this.#o.broker,
        converters,
        transforms: createTransformStages(parsed.transforms),
        errors,
        offsetFlushIntervalMs: cfg['offset.flush.interval.ms'],
        offsetFlushTimeoutMs: cfg['offset.flush.timeout.ms'],
        shutdownTimeoutMs: cfg['task.shutdown.graceful.timeout.ms'],
        onStateChange: (state: TaskState, trace?: string) => listener.onStateChange(state, trace),
        startPaused: target === 'PAUSED',
      };
      if (plugin.kind === 'source') {
        const queues = parsed.source?.['topic.creation.default.partitions'] ?? -1;
        runner = new SourceTaskRunner({
          ...base,
          plugin,
          taskConfig: resolvedTask,
          offsetStore: options.offsetStore ?? this.#o.offsetStore,
          maxInFlightBatches: cfg['producer.max.in.flight.batches'],
          topicQueues: queues > 0 ? queues : cfg['topic.default.queues'],
          defaultTopic: parsed.source?.['connect.topicname'] ?? '',
          onTopicUsed: (t) => listener.onTopicUsed(t),
        });
      } else {
        const sink = parsed.sink!;
        const regex = sink['topics.regex'];
        runner = new SinkTaskRunner({
          ...base,
          plugin,
          taskConfig: resolvedTask,
          subscription: regex !== '' ? { pattern: new RegExp(regex) } : { topics: sink.topics },
          taskCount,
          groupId: sinkGroupId(connector, sink),
          startAt: sink['consumer.override.auto.offset.reset'],
          maxPollRecords: cfg['consumer.max.poll.records'],
          flushMaxRecords: cfg['offset.flush.max.records'],
          topicQueues: cfg['topic.default.queues'],
          subscriptionRefreshMs: regex !== '' ? 5000 : 30_000,
          onTopicUsed: (t) => listener.onTopicUsed(t),
        });
      }
    } catch (e) {
      logger.error(`Task ${connector}-${task} could not be created`, { error: errorTrace(e) });
      metrics.status = 'FAILED';
      listener.onStateChange('FAILED', errorTrace(e));
      return;
    }
    this.#tasks.set(key, { runner, connector, task });
    // A failed task stays registered (status FAILED) until it is restarted or stopped.
    void runner.start();
  }

  /** Stops tasks gracefully, in parallel (each flushes and commits). */
  async stopTasks(connector: string, tasks?: readonly number[]): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, t] of this.#tasks) {
      if (t.connector !== connector || (tasks !== undefined && !tasks.includes(t.task))) continue;
      this.#tasks.delete(key);
      stopping.push(t.runner.stop());
    }
    await Promise.all(stopping);
  }

  /** Pauses or resumes every task of a connector. */
  setTasksTarget(connector: string, target: TargetState): void {
    for (const t of this.#tasks.values()) {
      if (t.connector !== connector) continue;
      if (target === 'PAUSED') t.runner.pause();
      else t.runner.resume();
    }
  }

  /** Task numbers of a connector running (or failed) on this worker. */
  tasksOf(connector: string): number[] {
    return [...this.#tasks.values()]
      .filter((t) => t.connector === connector)
      .map((t) => t.task)
      .sort((a, b) => a - b);
  }

  taskState(connector: string, task: number): TaskState | undefined {
    return this.#tasks.get(taskKey(connector, task))?.runner.state;
  }

  /**
   * Drops metrics of a connector that no longer exists (`taskCount` undefined), or of its tasks numbered
   * `taskCount` and above (fewer tasks after a reconfiguration or a stop).
   */
  forgetMetrics(connector: string, taskCount?: number): void {
    if (taskCount === undefined) this.#o.metrics.removeConnector(connector);
    else this.#o.metrics.removeTasksFrom(connector, taskCount);
  }

  /** Stops everything: tasks first (flush, commit), then connectors. */
  async stop(): Promise<void> {
    await Promise.all([...new Set([...this.#tasks.values()].map((t) => t.connector))].map((c) => this.stopTasks(c)));
    await Promise.all([...this.#connectors.keys()].map((c) => this.stopConnector(c)));
  }

  #setConnectorMetricStatus(name: string, state: ConnectorState): void {
    const plugin = this.#connectors.get(name)?.parsed.plugin;
    if (plugin !== undefined) {
      this.#o.metrics.connector(name, {
        status: state,
        connectorClass: plugin.name,
        type: plugin.kind,
        version: plugin.version,
      });
    }
  }
}
