import {
  type Connector,
  type ConnectorContext,
  errorTrace,
  type Plugin,
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
import { builtinPlugins, createRegistry } from '../plugins/registry.js';
import type { OffsetStore } from '../storage/stores.js';
import { createTaskRunner, specPlugins, type TaskSpec, transformSpecs } from './task-factory.js';
import { converterSpecs } from './task-plugins.js';
import type { ErrorSettings } from './task-runner.js';
import { type TaskHandle, ThreadTaskHost } from './thread/thread-task-host.js';

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
 * Young generation of a task thread, MB. Batches in flight outlive a smaller one and get promoted, which
 * costs old-generation collections; a larger one costs memory (bench/pipeline.mjs, docs/benchmarks.md).
 */
const THREAD_YOUNG_GENERATION_MB = 32;

/**
 * Runs the connectors and tasks assigned to this process: creates plugin instances, resolves config
 * provider placeholders, wires converters, transforms, error handling and metrics into task runners.
 * Decides nothing about *what* should run: the herder does.
 */
export class Worker {
  readonly id: string;
  readonly #o: WorkerOptions;
  readonly #connectors = new Map<string, RunningConnector>();
  readonly #tasks = new Map<string, { runner: TaskHandle; connector: string; task: number }>();
  /** Plugin descriptors a task thread can load itself (`task.isolation=thread`): built-ins and `plugin.path`. */
  readonly #threadPlugins: Set<Plugin> | null;
  #pluginPathLoaded = false;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.id = options.config.workerId;
    if (options.config['task.isolation'] === 'thread') {
      const loadable = new Set<Plugin>(builtinPlugins());
      this.#threadPlugins = loadable;
      const pluginPath = options.config['plugin.path'];
      if (pluginPath.length === 0) this.#pluginPathLoaded = true;
      else {
        // The modules are cached: importing them again yields the descriptors the registry holds.
        createRegistry(pluginPath).then(
          (r) => {
            for (const p of r.list()) loadable.add(p);
            this.#pluginPathLoaded = true;
          },
          () => {
            this.#pluginPathLoaded = true;
          },
        );
      }
    } else this.#threadPlugins = null;
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
   * Starts one task, in a thread of its own (`task.isolation=thread`, when a thread can load every plugin
   * the task uses) or in this thread. Config problems (plugins that cannot be created, unresolvable
   * placeholders) make the task FAILED with the reason in status rather than throwing.
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
    const loggerName = `tributary.task.${connector}-${task}`;
    const logger = this.#o.loggers.get(loggerName);
    const metrics = this.#o.metrics.task(connector, task, parsed.plugin.kind);
    const offsetStore = options.offsetStore ?? this.#o.offsetStore;
    const onStateChange = (state: TaskState, trace?: string) => listener.onStateChange(state, trace);
    const onTopicUsed = (t: string) => listener.onTopicUsed(t);
    let runner: TaskHandle;
    try {
      const spec = this.#taskSpec(connector, task, parsed, taskConfig, taskCount, target);
      if (this.#runsInThread(spec)) {
        runner = new ThreadTaskHost({
          spec,
          broker: this.#o.broker,
          offsetStore,
          loggers: this.#o.loggers,
          loggerName,
          metrics,
          onStateChange,
          onTopicUsed,
          pluginPath: this.#o.config['plugin.path'],
          resourceLimits: {
            maxOldGenerationSizeMb: this.#o.config['task.thread.max.heap.mb'],
            maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB,
          },
        });
      } else {
        runner = createTaskRunner(spec, {
          registry: this.#o.registry,
          broker: this.#o.broker,
          offsetStore,
          logger,
          metrics,
          onStateChange,
          onTopicUsed,
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

  /** The task's settings as plain data (placeholders resolved), for a runner here or in a task thread. */
  #taskSpec(
    connector: string,
    task: number,
    parsed: ParsedConnectorConfig,
    taskConfig: TaskConfig,
    taskCount: number,
    target: TargetState,
  ): TaskSpec {
    const cfg = this.#o.config;
    const plugin = parsed.plugin;
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
    const resolvedRaw = resolveConfig(parsed.raw);
    const resolvedTask = resolveConfig(taskConfig);
    const converters = converterSpecs(
      this.#o.registry,
      cfg.raw,
      { key: cfg['key.converter'], value: cfg['value.converter'], header: cfg['header.converter'] },
      resolvedRaw,
    );
    const base = {
      connector,
      task,
      workerId: this.id,
      plugin: plugin.name,
      taskConfig: resolvedTask,
      converters,
      transforms: transformSpecs(parsed.transforms),
      errors,
      offsetFlushIntervalMs: cfg['offset.flush.interval.ms'],
      offsetFlushTimeoutMs: cfg['offset.flush.timeout.ms'],
      shutdownTimeoutMs: cfg['task.shutdown.graceful.timeout.ms'],
      startPaused: target === 'PAUSED',
    };
    if (plugin.kind === 'source') {
      const queues = parsed.source?.['topic.creation.default.partitions'] ?? -1;
      return {
        ...base,
        kind: 'source',
        source: {
          maxInFlightBatches: cfg['producer.max.in.flight.batches'],
          topicQueues: queues > 0 ? queues : cfg['topic.default.queues'],
          defaultTopic: parsed.source?.['connect.topicname'] ?? '',
        },
        sink: null,
      };
    }
    const sink = parsed.sink!;
    const regex = sink['topics.regex'];
    return {
      ...base,
      kind: 'sink',
      source: null,
      sink: {
        subscription: regex !== '' ? { pattern: regex } : { topics: sink.topics },
        taskCount,
        groupId: sinkGroupId(connector, sink),
        startAt: sink['consumer.override.auto.offset.reset'],
        maxPollRecords: cfg['consumer.max.poll.records'],
        flushMaxRecords: cfg['offset.flush.max.records'],
        topicQueues: cfg['topic.default.queues'],
        subscriptionRefreshMs: regex !== '' ? 5000 : 30_000,
      },
    };
  }

  /**
   * Whether a task goes to a thread: `task.isolation=thread` and a thread can load each of its plugins
   * itself — the built-in descriptors and those of `plugin.path`. Plugins only in a registry object given
   * to the worker (tests, embedding applications) cannot be shipped to a thread: such tasks run here.
   */
  #runsInThread(spec: TaskSpec): boolean {
    const loadable = this.#threadPlugins;
    if (loadable === null) return false;
    // Until plugin.path is imported again (moments after start), its plugins are taken on trust: a
    // thread that cannot find one fails the task saying so.
    return specPlugins(spec, this.#o.registry).every((p) => loadable.has(p) || !this.#pluginPathLoaded);
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

  /** The id of the worker thread running a task (`task.isolation=thread`); null when it runs on this thread or not at all. */
  taskThreadId(connector: string, task: number): number | null {
    const runner = this.#tasks.get(taskKey(connector, task))?.runner;
    return runner instanceof ThreadTaskHost ? runner.threadId : null;
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
