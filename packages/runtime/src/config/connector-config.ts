import {
  ConfigError,
  ConfigSpec,
  type ConnectorPlugin,
  type FieldDef,
  matches,
  NotFoundError,
  type PluginKind,
  type PluginRegistry,
  type PredicatePlugin,
  range,
  type TransformationPlugin,
  uniqueItems,
} from '@tributary/api';
import type { ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from '../herder/entities.js';

/** Connector names: non-empty, no control characters, no `/` (they appear in REST paths and file names). */
const NAME_RE = /[^\u0000-\u001f\u007f/]+/;

const COMMON = 'Common';
const ERRORS = 'Error Handling';
const TRANSFORMS = 'Transforms';
const PREDICATES = 'Predicates';

/** Keys every connector has (Kafka's ConnectorConfig), with RocketMQ Connect spellings as aliases. */
export const CONNECTOR_SPEC = ConfigSpec.create()
  .string('name', {
    doc: 'Globally unique name to use for this connector.',
    importance: 'high',
    group: COMMON,
    orderInGroup: 1,
    validate: matches(NAME_RE, 'be a connector name (non-empty, no control characters or "/")'),
  })
  .pluginClass('connector.class', {
    doc: 'Name or alias of the connector plugin, e.g. FileStreamSource or org.apache.kafka.connect.file.FileStreamSourceConnector.',
    importance: 'high',
    group: COMMON,
    orderInGroup: 2,
  })
  .int('tasks.max', {
    doc: 'Maximum number of tasks to use for this connector.',
    default: 1,
    importance: 'high',
    group: COMMON,
    orderInGroup: 3,
    validate: range(1),
    aliases: ['max.tasks'],
  })
  .boolean('tasks.max.enforce', {
    doc: 'Fail the connector when it returns more task configs than tasks.max (deprecated in Kafka; kept for compatibility).',
    default: true,
    importance: 'low',
    group: COMMON,
    orderInGroup: 4,
  })
  .pluginClass('key.converter', {
    doc: "Converter for record keys; the worker's key.converter when unset. Sub-configs use the prefix key.converter.",
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 5,
    aliases: ['keyConverter'],
  })
  .pluginClass('value.converter', {
    doc: "Converter for record values; the worker's value.converter when unset. Sub-configs use the prefix value.converter.",
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 6,
    aliases: ['valueConverter'],
  })
  .pluginClass('header.converter', {
    doc: "Converter for header values; the worker's header.converter when unset.",
    default: null,
    importance: 'low',
    group: COMMON,
    orderInGroup: 7,
  })
  .list('transforms', {
    doc: 'Aliases of the transformations to apply to records, in order; each configured with transforms.<alias>.type and transforms.<alias>.<key>.',
    default: [],
    importance: 'low',
    group: TRANSFORMS,
    validate: uniqueItems(),
  })
  .list('predicates', {
    doc: 'Aliases of the predicates used by transformations; each configured with predicates.<alias>.type and predicates.<alias>.<key>.',
    default: [],
    importance: 'low',
    group: PREDICATES,
    validate: uniqueItems(),
  })
  .enum('config.action.reload', ['none', 'restart'], {
    doc: 'What to do when a config provider value changes: restart the connector or nothing.',
    default: 'restart',
    importance: 'low',
    group: COMMON,
    orderInGroup: 8,
  })
  .long('errors.retry.timeout', {
    doc: 'Milliseconds to retry a failed operation (conversion, transformation, produce); -1 retries forever, 0 never.',
    default: 0,
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 1,
    validate: range(-1),
  })
  .long('errors.retry.delay.max.ms', {
    doc: 'Cap of the exponential backoff between retries, in ms.',
    default: 60_000,
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 2,
    validate: range(1),
  })
  .enum('errors.tolerance', ['none', 'all'], {
    doc: "'none' fails the task on the first bad record; 'all' skips bad records (dead-lettering them when a DLQ topic is set).",
    default: 'none',
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 3,
    caseInsensitive: true,
  })
  .boolean('errors.log.enable', {
    doc: 'Log each failed operation and bad record with its context.',
    default: false,
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 4,
  })
  .boolean('errors.log.include.messages', {
    doc: 'Also log the failed record (key, value, headers); off by default to keep data out of logs.',
    default: false,
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 5,
  })
  .string('errors.deadletterqueue.topic.name', {
    doc: 'Topic that receives records that failed (with errors.tolerance=all): the original bytes plus context headers. Empty = none. Works for sink and source connectors.',
    default: '',
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 6,
  })
  .boolean('errors.deadletterqueue.context.headers.enable', {
    doc: 'Add __connect.errors.* headers (stage, plugin, exception, original topic/queue/offset) to dead letters. Tributary defaults to true (Kafka: false): a dead letter without its reason is hard to act on.',
    default: true,
    importance: 'medium',
    group: ERRORS,
    orderInGroup: 7,
    aliases: ['errors.deadletterqueue.context.properties.enable'],
  })
  .int('errors.deadletterqueue.topic.replication.factor', {
    doc: 'Accepted for Kafka compatibility; the broker decides replication.',
    default: 3,
    importance: 'low',
    group: ERRORS,
    orderInGroup: 8,
  })
  .int('errors.deadletterqueue.topic.queues', {
    doc: "Queues of the dead-letter topic when Tributary creates it; -1 = the broker's default.",
    default: -1,
    importance: 'low',
    group: ERRORS,
    orderInGroup: 9,
    aliases: ['errors.deadletterqueue.write.queue.nums'],
  });

/** Keys of sink connectors (Kafka's SinkConnectorConfig, RocketMQ's `connect.topicnames`). */
export const SINK_CONNECTOR_SPEC = CONNECTOR_SPEC.list('topics', {
  doc: 'Topics to consume (comma-separated). Exactly one of topics and topics.regex must be set.',
  default: [],
  importance: 'high',
  group: COMMON,
  orderInGroup: 4,
  aliases: ['connect.topicnames'],
})
  .string('topics.regex', {
    doc: 'Regular expression of topics to consume; topics created later are picked up.',
    default: '',
    importance: 'high',
    group: COMMON,
    orderInGroup: 4,
  })
  .enum('consumer.override.auto.offset.reset', ['earliest', 'latest'], {
    doc: 'Where a sink starts in a queue that has no committed offset.',
    default: 'earliest',
    importance: 'medium',
    group: COMMON,
    orderInGroup: 9,
  })
  .string('task.group.id', {
    doc: 'Consumer group whose offsets record the sink progress (RocketMQ Connect key); default connect-<name>.',
    default: '',
    importance: 'low',
    group: COMMON,
    orderInGroup: 10,
  });

/** Keys of source connectors. */
export const SOURCE_CONNECTOR_SPEC = CONNECTOR_SPEC.int('topic.creation.default.partitions', {
  doc: "Queues of topics this connector creates; -1 = the broker's default.",
  default: -1,
  importance: 'low',
  group: 'Topic Creation',
  aliases: ['topic.creation.default.queues'],
  validate: range(-1),
})
  .enum('exactly.once.support', ['requested', 'required'], {
    doc: "Kafka's KIP-618 key; Tributary delivers at least once, so 'required' is rejected.",
    default: 'requested',
    importance: 'medium',
    group: 'Exactly Once Support',
  })
  .enum('transaction.boundary', ['poll', 'interval', 'connector'], {
    doc: 'Accepted for Kafka compatibility (transactions are not used in at-least-once mode).',
    default: 'poll',
    importance: 'low',
    group: 'Exactly Once Support',
  })
  .string('connect.topicname', {
    doc: 'RocketMQ Connect key: topic for records whose connector leaves the topic empty.',
    default: '',
    importance: 'low',
    group: COMMON,
  });

export type CommonConnectorConfig = ReturnType<typeof CONNECTOR_SPEC.parse>;
export type SinkConnectorConfig = ReturnType<typeof SINK_CONNECTOR_SPEC.parse>;
export type SourceConnectorConfig = ReturnType<typeof SOURCE_CONNECTOR_SPEC.parse>;

/** A transformation of a connector, resolved. */
export interface TransformDefinition {
  readonly alias: string;
  readonly plugin: TransformationPlugin;
  /** The `transforms.<alias>.*` keys without prefix, minus type/predicate/negate. */
  readonly config: Readonly<Record<string, string>>;
  readonly predicate: {
    readonly alias: string;
    readonly plugin: PredicatePlugin;
    readonly config: Readonly<Record<string, string>>;
  } | null;
  readonly negate: boolean;
}

/** Everything the worker needs about a connector's configuration, parsed and validated. */
export interface ParsedConnectorConfig {
  readonly raw: Readonly<Record<string, string>>;
  readonly plugin: ConnectorPlugin;
  readonly common: CommonConnectorConfig;
  readonly sink: SinkConnectorConfig | null;
  readonly source: SourceConnectorConfig | null;
  readonly transforms: readonly TransformDefinition[];
}

/**
 * Normalizes a raw config from REST or files: every value becomes a string (JSON numbers and booleans
 * are accepted, as Kafka's REST accepts them), RocketMQ's `;`-separated `connect.topicnames` becomes a
 * comma list, and `transforms.<a>.class` (RocketMQ) becomes `transforms.<a>.type`.
 * @throws ConfigError for values that are objects or arrays.
 */
export function normalizeConnectorConfig(raw: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  const errors: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') {
      errors[key] = [
        `Config values must be strings, numbers or booleans, not ${Array.isArray(value) ? 'a list' : 'an object'}`,
      ];
      continue;
    }
    out[key] = String(value);
  }
  if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, 'Connector configuration');
  const rmqTopics = out['connect.topicnames'];
  if (rmqTopics !== undefined && out.topics === undefined) out['connect.topicnames'] = rmqTopics.replaceAll(';', ',');
  for (const key of Object.keys(out)) {
    const m = /^transforms\.([^.]+)\.class$/.exec(key);
    if (m !== null && out[`transforms.${m[1]}.type`] === undefined) {
      out[`transforms.${m[1]}.type`] = out[key]!;
      delete out[key];
    }
  }
  return out;
}

/** The sub-config of `prefix`: keys starting with `prefix` (without it). */
export function subConfig(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

/** The consumer group of a sink connector. */
export function sinkGroupId(name: string, config: SinkConnectorConfig | null): string {
  return config !== null && config['task.group.id'] !== '' ? config['task.group.id'] : `connect-${name}`;
}

/**
 * Parses and validates a connector config completely: common keys, sink/source keys, the connector's own
 * spec, every transform and predicate. Throws one ConfigError listing every problem per key.
 */
export function parseConnectorConfig(
  registry: PluginRegistry,
  raw: Readonly<Record<string, string>>,
): ParsedConnectorConfig {
  const result = analyzeConnectorConfig(registry, raw);
  const errors: Record<string, string[]> = {};
  for (const v of result.values) if (v.value.errors.length > 0) errors[v.value.name] = [...v.value.errors];
  if (Object.keys(errors).length > 0 || result.parsed === null) {
    throw ConfigError.fromFieldErrors(errors, 'Connector configuration');
  }
  return result.parsed;
}

/** Validates like {@link parseConnectorConfig} and answers in Kafka's ConfigInfos shape. */
export function validateConnectorConfig(registry: PluginRegistry, raw: Readonly<Record<string, string>>): ConfigInfos {
  const { values, pluginName } = analyzeConnectorConfig(registry, raw);
  const groups: string[] = [];
  for (const v of values)
    if (v.definition.group !== null && !groups.includes(v.definition.group)) groups.push(v.definition.group);
  return {
    name: pluginName,
    error_count: values.reduce((n, v) => n + v.value.errors.length, 0),
    groups,
    configs: values,
  };
}

interface Analysis {
  readonly values: { definition: ConfigKeyInfo; value: ConfigValueInfo }[];
  readonly parsed: ParsedConnectorConfig | null;
  readonly pluginName: string;
}

function analyzeConnectorConfig(registry: PluginRegistry, raw: Readonly<Record<string, string>>): Analysis {
  const values: { definition: ConfigKeyInfo; value: ConfigValueInfo }[] = [];
  const className = raw['connector.class']?.trim() ?? '';
  let plugin: ConnectorPlugin | undefined;
  let pluginError: string | undefined;
  if (className !== '') {
    try {
      plugin = registry.require(className, 'source', 'sink');
    } catch (e) {
      pluginError = (e as Error).message;
    }
  }
  const baseSpec =
    plugin?.kind === 'sink' ? SINK_CONNECTOR_SPEC : plugin?.kind === 'source' ? SOURCE_CONNECTOR_SPEC : CONNECTOR_SPEC;
  const base = addSpec(values, baseSpec, raw, '');
  if (pluginError !== undefined) addError(values, 'connector.class', pluginError);

  let ok = pluginError === undefined && base;
  let sink: SinkConnectorConfig | null = null;
  let source: SourceConnectorConfig | null = null;
  if (plugin?.kind === 'sink') {
    const topics = raw.topics ?? raw['connect.topicnames'] ?? '';
    const regex = raw['topics.regex'] ?? '';
    if (topics.trim() !== '' && regex.trim() !== '') {
      addError(values, 'topics', 'topics and topics.regex are mutually exclusive.');
      ok = false;
    } else if (topics.trim() === '' && regex.trim() === '') {
      addError(values, 'topics', 'Must configure one of topics or topics.regex');
      ok = false;
    }
    if (regex.trim() !== '') {
      try {
        new RegExp(regex);
      } catch (e) {
        addError(values, 'topics.regex', `Invalid regular expression: ${(e as Error).message}`);
        ok = false;
      }
    }
    const dlq = raw['errors.deadletterqueue.topic.name']?.trim() ?? '';
    if (
      dlq !== '' &&
      topics
        .split(/[,;]/)
        .map((t) => t.trim())
        .includes(dlq)
    ) {
      addError(
        values,
        'errors.deadletterqueue.topic.name',
        `The dead-letter topic '${dlq}' may not be one of the topics the connector consumes.`,
      );
      ok = false;
    }
    if (ok) sink = SINK_CONNECTOR_SPEC.parse(raw);
  }
  if (plugin?.kind === 'source') {
    if (raw['exactly.once.support']?.trim() === 'required') {
      addError(
        values,
        'exactly.once.support',
        "This worker delivers at least once; 'required' cannot be met. Use 'requested'.",
      );
      ok = false;
    }
    if (ok) source = SOURCE_CONNECTOR_SPEC.parse(raw);
  }
  if (plugin !== undefined) {
    const fieldNames = new Set(baseSpec.fields.map((f) => f.name));
    // The connector's own keys; keys it shares with the runtime's spec are reported once.
    ok = addSpec(values, plugin.spec.without(...fieldNames), raw, '', plugin.name) && ok;
  }
  for (const key of ['key.converter', 'value.converter', 'header.converter'] as const) {
    const name = raw[key]?.trim();
    if (name === undefined || name === '') continue;
    const kind: PluginKind = key === 'header.converter' ? 'header_converter' : 'converter';
    const converter = findPlugin(registry, name, kind, key, values);
    if (converter === undefined) {
      ok = false;
      continue;
    }
    ok = addSpec(values, converter.spec, subConfig(raw, `${key}.`), `${key}.`, key) && ok;
  }

  const transforms: TransformDefinition[] = [];
  const predicateAliases = splitList(raw.predicates);
  const predicates = new Map<string, { alias: string; plugin: PredicatePlugin; config: Record<string, string> }>();
  for (const alias of predicateAliases) {
    const prefix = `predicates.${alias}.`;
    const type = raw[`${prefix}type`]?.trim() ?? '';
    values.push(extraKey(`${prefix}type`, `Predicate ${alias}`, 'Class for the predicate.', type));
    if (type === '') {
      addError(values, `${prefix}type`, `Missing required configuration "${prefix}type" which has no default value.`);
      ok = false;
      continue;
    }
    const predicatePlugin = findPlugin(registry, type, 'predicate', `${prefix}type`, values);
    if (predicatePlugin === undefined) {
      ok = false;
      continue;
    }
    const config = withoutKeys(subConfig(raw, prefix), ['type']);
    ok = addSpec(values, predicatePlugin.spec, config, prefix, `Predicate ${alias}`) && ok;
    predicates.set(alias, { alias, plugin: predicatePlugin, config });
  }
  for (const alias of splitList(raw.transforms)) {
    const prefix = `transforms.${alias}.`;
    const group = `Transforms: ${alias}`;
    const type = raw[`${prefix}type`]?.trim() ?? '';
    values.push(extraKey(`${prefix}type`, group, 'Class for the transformation.', type));
    if (type === '') {
      addError(values, `${prefix}type`, `Missing required configuration "${prefix}type" which has no default value.`);
      ok = false;
      continue;
    }
    const transformPlugin = findPlugin(registry, type, 'transformation', `${prefix}type`, values);
    if (transformPlugin === undefined) {
      ok = false;
      continue;
    }
    const config = withoutKeys(subConfig(raw, prefix), ['type', 'predicate', 'negate']);
    ok = addSpec(values, transformPlugin.spec, config, prefix, group) && ok;
    const predicateAlias = raw[`${prefix}predicate`]?.trim() ?? '';
    const negateText = raw[`${prefix}negate`]?.trim().toLowerCase() ?? 'false';
    values.push(
      extraKey(
        `${prefix}predicate`,
        group,
        'Alias of a predicate (in predicates) that decides whether the transformation applies.',
        predicateAlias,
      ),
    );
    values.push(
      extraKey(
        `${prefix}negate`,
        group,
        'Apply the transformation where the predicate does NOT hold.',
        negateText,
        'BOOLEAN',
      ),
    );
    let predicate: TransformDefinition['predicate'] = null;
    if (predicateAlias !== '') {
      const p = predicates.get(predicateAlias);
      if (p === undefined) {
        addError(
          values,
          `${prefix}predicate`,
          `Predicate '${predicateAlias}' is not declared in predicates (declared: ${predicateAliases.join(', ') || 'none'}).`,
        );
        ok = false;
      } else {
        predicate = p;
      }
    }
    if (negateText !== 'true' && negateText !== 'false') {
      addError(values, `${prefix}negate`, 'Expected value to be either true or false');
      ok = false;
    } else if (negateText === 'true' && predicateAlias === '') {
      addError(values, `${prefix}negate`, 'negate=true needs a predicate');
      ok = false;
    }
    transforms.push({ alias, plugin: transformPlugin, config, predicate, negate: negateText === 'true' });
  }

  const parsed =
    ok && plugin !== undefined ? { raw, plugin, common: CONNECTOR_SPEC.parse(raw), sink, source, transforms } : null;
  return { values, parsed, pluginName: plugin?.name ?? className };
}

function splitList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function withoutKeys(config: Record<string, string>, keys: readonly string[]): Record<string, string> {
  for (const k of keys) delete config[k];
  return config;
}

function findPlugin<K extends PluginKind>(
  registry: PluginRegistry,
  name: string,
  kind: K,
  key: string,
  values: { definition: ConfigKeyInfo; value: ConfigValueInfo }[],
) {
  try {
    return registry.require(name, kind);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    const existing = values.find((v) => v.value.name === key);
    if (existing === undefined) values.push(extraKey(key, null, '', name));
    addError(values, key, e.message);
    return undefined;
  }
}

/** Adds each field of `spec` (keys prefixed) to `values`; returns false when any has errors. */
function addSpec(
  values: { definition: ConfigKeyInfo; value: ConfigValueInfo }[],
  spec: ConfigSpec<object>,
  config: Readonly<Record<string, string>>,
  prefix: string,
  group?: string,
): boolean {
  const validation = spec.validate(config);
  const defs = new Map(spec.fields.map((f) => [f.name, f]));
  for (const [order, field] of validation.fields.entries()) {
    const def = defs.get(field.name)!;
    values.push({
      definition: {
        ...configKeyInfo(def, prefix),
        group: group ?? def.group ?? null,
        order_in_group: def.orderInGroup ?? order + 1,
      },
      value: {
        name: prefix + field.name,
        value:
          def.type === 'password' && field.value !== undefined && field.value !== null
            ? '[hidden]'
            : displayValue(field.value),
        recommended_values: field.recommendedValues,
        errors: field.errors,
        visible: true,
      },
    });
  }
  return validation.errorCount === 0;
}

function addError(values: { definition: ConfigKeyInfo; value: ConfigValueInfo }[], key: string, message: string): void {
  const i = values.findIndex((v) => v.value.name === key);
  if (i < 0) {
    values.push(extraKey(key, null, '', null));
    addError(values, key, message);
    return;
  }
  const v = values[i]!;
  values[i] = { definition: v.definition, value: { ...v.value, errors: [...v.value.errors, message] } };
}

function extraKey(name: string, group: string | null, doc: string, value: string | null, type = 'STRING') {
  return {
    definition: {
      name,
      type,
      required: false,
      default_value: null,
      importance: 'HIGH',
      documentation: doc,
      group,
      order_in_group: -1,
      width: 'NONE',
      display_name: name,
      dependents: [],
    },
    value: { name, value: value === '' ? null : value, recommended_values: [], errors: [], visible: true },
  };
}

function displayValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

const KAFKA_TYPES: Readonly<Record<FieldDef['type'], string>> = {
  string: 'STRING',
  int: 'INT',
  long: 'LONG',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  list: 'LIST',
  password: 'PASSWORD',
  duration: 'LONG',
  enum: 'STRING',
  class: 'CLASS',
};

/** Kafka's ConfigKeyInfo for a field. */
export function configKeyInfo(field: FieldDef, prefix = ''): ConfigKeyInfo {
  return {
    name: prefix + field.name,
    type: KAFKA_TYPES[field.type],
    required: !field.hasDefault,
    default_value: field.hasDefault ? ConfigSpec.defaultText(field) : null,
    importance: field.importance.toUpperCase(),
    documentation: field.doc,
    group: field.group ?? null,
    order_in_group: field.orderInGroup ?? -1,
    width: 'NONE',
    display_name: field.displayName,
    dependents: [...field.dependents],
  };
}
