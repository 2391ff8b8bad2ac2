import type { Logger, Plugin, PluginRegistry } from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import type { TransformDefinition } from '../config/connector-config.js';
import type { TaskState } from '../herder/entities.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { OffsetStore } from '../storage/stores.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import { type ConverterSpecs, createConvertersFromSpecs, createTransformStages } from './task-plugins.js';
import type { ErrorSettings, TaskRunner } from './task-runner.js';

/** A transformation of a task as plain data: plugins named, so a task thread can resolve them itself. */
export interface TransformSpec {
  readonly alias: string;
  readonly plugin: string;
  readonly config: Readonly<Record<string, string>>;
  readonly predicate: {
    readonly alias: string;
    readonly plugin: string;
    readonly config: Readonly<Record<string, string>>;
  } | null;
  readonly negate: boolean;
}

/**
 * Everything needed to create one task runner, as structured-cloneable data (no plugin objects, no
 * functions): the worker builds it from the parsed connector config, and either creates the runner in
 * its own thread or sends the spec to a task thread that creates the same runner there.
 */
export interface TaskSpec {
  readonly connector: string;
  readonly task: number;
  readonly workerId: string;
  readonly kind: 'source' | 'sink';
  /** Canonical name of the connector plugin. */
  readonly plugin: string;
  /** The task config with config-provider placeholders resolved. */
  readonly taskConfig: Readonly<Record<string, string>>;
  readonly converters: ConverterSpecs;
  readonly transforms: readonly TransformSpec[];
  readonly errors: ErrorSettings;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly startPaused: boolean;
  readonly source: {
    readonly maxInFlightBatches: number;
    readonly topicQueues: number;
    readonly defaultTopic: string;
  } | null;
  readonly sink: {
    /** Topic list, or the source text of `topics.regex`. */
    readonly subscription: { readonly topics: readonly string[] } | { readonly pattern: string };
    readonly taskCount: number;
    readonly groupId: string;
    readonly startAt: 'earliest' | 'latest';
    readonly maxPollRecords: number;
    readonly flushMaxRecords: number;
    readonly topicQueues: number;
    readonly subscriptionRefreshMs: number;
  } | null;
}

/** What lives outside the spec: the broker, stores, logger, metrics and callbacks of the task's thread. */
export interface TaskEnvironment {
  readonly registry: PluginRegistry;
  readonly broker: Broker;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly metrics: TaskMetrics;
  readonly onStateChange: (state: TaskState, trace?: string) => void;
  readonly onTopicUsed: (topic: string) => void;
}

/** Transform definitions of a parsed connector config as plain data. */
export function transformSpecs(definitions: readonly TransformDefinition[]): TransformSpec[] {
  return definitions.map((d) => ({
    alias: d.alias,
    plugin: d.plugin.name,
    config: d.config,
    predicate:
      d.predicate === null
        ? null
        : { alias: d.predicate.alias, plugin: d.predicate.plugin.name, config: d.predicate.config },
    negate: d.negate,
  }));
}

/**
 * Every plugin descriptor a spec names, resolved in `registry`.
 * @throws NotFoundError when one is missing or of the wrong kind.
 */
export function specPlugins(spec: TaskSpec, registry: PluginRegistry): Plugin[] {
  const out: Plugin[] = [registry.require(spec.plugin, spec.kind)];
  out.push(registry.require(spec.converters.key.name, 'converter'));
  out.push(registry.require(spec.converters.value.name, 'converter'));
  out.push(registry.require(spec.converters.header.name, 'header_converter'));
  for (const t of spec.transforms) {
    out.push(registry.require(t.plugin, 'transformation'));
    if (t.predicate !== null) out.push(registry.require(t.predicate.plugin, 'predicate'));
  }
  return out;
}

/**
 * Creates the runner of a task: plugins resolved by name in `env.registry`, converters and transforms
 * instantiated. The same code runs in the worker's thread (`task.isolation=none`) and in a task thread.
 * @throws when a plugin is missing or a converter or transformation rejects its config.
 */
export function createTaskRunner(spec: TaskSpec, env: TaskEnvironment): TaskRunner {
  const { registry } = env;
  const definitions: TransformDefinition[] = spec.transforms.map((t) => ({
    alias: t.alias,
    plugin: registry.require(t.plugin, 'transformation'),
    config: t.config,
    predicate:
      t.predicate === null
        ? null
        : {
            alias: t.predicate.alias,
            plugin: registry.require(t.predicate.plugin, 'predicate'),
            config: t.predicate.config,
          },
    negate: t.negate,
  }));
  const converters = createConvertersFromSpecs(registry, spec.converters);
  const base = {
    connector: spec.connector,
    task: spec.task,
    workerId: spec.workerId,
    logger: env.logger,
    metrics: env.metrics,
    broker: env.broker,
    converters,
    transforms: createTransformStages(definitions),
    errors: spec.errors,
    offsetFlushIntervalMs: spec.offsetFlushIntervalMs,
    offsetFlushTimeoutMs: spec.offsetFlushTimeoutMs,
    shutdownTimeoutMs: spec.shutdownTimeoutMs,
    onStateChange: env.onStateChange,
    startPaused: spec.startPaused,
  };
  if (spec.kind === 'source') {
    const source = spec.source!;
    return new SourceTaskRunner({
      ...base,
      plugin: registry.require(spec.plugin, 'source'),
      taskConfig: spec.taskConfig,
      offsetStore: env.offsetStore,
      maxInFlightBatches: source.maxInFlightBatches,
      topicQueues: source.topicQueues,
      defaultTopic: source.defaultTopic,
      onTopicUsed: env.onTopicUsed,
    });
  }
  const sink = spec.sink!;
  const subscription = sink.subscription;
  return new SinkTaskRunner({
    ...base,
    plugin: registry.require(spec.plugin, 'sink'),
    taskConfig: spec.taskConfig,
    subscription: 'pattern' in subscription ? { pattern: new RegExp(subscription.pattern) } : subscription,
    taskCount: sink.taskCount,
    groupId: sink.groupId,
    startAt: sink.startAt,
    maxPollRecords: sink.maxPollRecords,
    flushMaxRecords: sink.flushMaxRecords,
    topicQueues: sink.topicQueues,
    subscriptionRefreshMs: sink.subscriptionRefreshMs,
    onTopicUsed: env.onTopicUsed,
  });
}
