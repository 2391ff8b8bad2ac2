import { ConfigError, type ConnectorConfig, type JsonMap, type PluginRegistry } from '@tributary/api';
import type { Broker } from '../broker/broker.js';
import {
  configKeyInfo,
  normalizeConnectorConfig,
  type ParsedConnectorConfig,
  parseConnectorConfig,
  sinkGroupId,
  validateConnectorConfig,
} from '../config/connector-config.js';
import { keepHiddenSecrets, maskConfig, passwordKeys } from '../config/masking.js';
import type { ConfigInfos, ConfigKeyInfo, ConnectorOffset, ConnectorOffsets, PluginDescription } from './entities.js';

/** Kafka's messages for offsets changes, shared by every herder. */
export const OFFSETS_ALTERED = 'The offsets for this connector have been altered successfully';
export const OFFSETS_RESET = 'The offsets for this connector have been reset successfully';

/** Kafka's refusal to change offsets of a connector that is not STOPPED. */
export function notStoppedMessage(name: string): string {
  return `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`;
}

/**
 * Validates a connector config as Kafka's `config/validate` answers: the runtime's keys, the connector's
 * spec, converters, transforms and predicates, then the connector's own `validate()` when all else passed.
 */
export async function validateWithConnector(registry: PluginRegistry, config: ConnectorConfig): Promise<ConfigInfos> {
  const normalized = normalizeConnectorConfig(config);
  const infos = validateConnectorConfig(registry, normalized);
  const className = normalized['connector.class'];
  const plugin = className === undefined ? undefined : registry.find(className);
  if (plugin === undefined || (plugin.kind !== 'source' && plugin.kind !== 'sink') || infos.error_count > 0)
    return infos;
  const extra = (await plugin.createConnector().validate?.(normalized)) ?? {};
  if (Object.keys(extra).length === 0) return infos;
  let added = 0;
  const configs = infos.configs.map((c) => {
    const more = extra[c.value.name];
    if (more === undefined) return c;
    added += more.length;
    return { definition: c.definition, value: { ...c.value, errors: [...c.value.errors, ...more] } };
  });
  return { ...infos, configs, error_count: infos.error_count + added };
}

/** `GET /connector-plugins` entries. */
export function describePlugins(registry: PluginRegistry, connectorsOnly: boolean): PluginDescription[] {
  const kinds = connectorsOnly
    ? (['source', 'sink'] as const)
    : (['source', 'sink', 'converter', 'header_converter', 'transformation', 'predicate'] as const);
  return registry.list(...kinds).map((p) => ({ class: p.name, type: p.kind, version: p.version }));
}

/** `GET /connector-plugins/{p}/config`. @throws NotFoundError */
export function pluginConfigKeys(registry: PluginRegistry, plugin: string): ConfigKeyInfo[] {
  return registry.require(plugin).spec.fields.map((f) => configKeyInfo(f));
}

/** Parses one source offset of a REST body: `{partition: {...}, offset: {...} | null}`. */
export function parseSourceOffset(
  entry: ConnectorOffset,
  index: number,
): { partition: JsonMap; offset: JsonMap | null } {
  if (!isObject(entry) || !isObject(entry.partition)) {
    throw new ConfigError(`offsets[${index}]: each entry needs a 'partition' object`, {
      offsets: [`entry ${index} has no partition object`],
    });
  }
  if (entry.offset !== null && !isObject(entry.offset)) {
    throw new ConfigError(`offsets[${index}]: 'offset' must be an object or null`, {
      offsets: [`entry ${index} has a bad offset`],
    });
  }
  return { partition: entry.partition, offset: entry.offset };
}

/** Parses one sink offset in Kafka's format: `{partition: {kafka_topic, kafka_partition}, offset: {kafka_offset} | null}`. */
export function parseSinkOffset(
  entry: ConnectorOffset,
  index: number,
): { topic: string; queue: number; offset: number | null } {
  const p = isObject(entry) && isObject(entry.partition) ? entry.partition : null;
  const topic = p?.kafka_topic;
  const queue = p?.kafka_partition;
  if (typeof topic !== 'string' || topic === '' || typeof queue !== 'number' || !Number.isInteger(queue) || queue < 0) {
    throw new ConfigError(
      `offsets[${index}]: a sink offset's partition must be {"kafka_topic": "<topic>", "kafka_partition": <queue number>}`,
      { offsets: [`entry ${index} has a bad partition`] },
    );
  }
  if (entry.offset === null) return { topic, queue, offset: null };
  const o = isObject(entry.offset) ? entry.offset.kafka_offset : undefined;
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
    throw new ConfigError(`offsets[${index}]: a sink offset must be {"kafka_offset": <non-negative integer>} or null`, {
      offsets: [`entry ${index} has a bad offset`],
    });
  }
  return { topic, queue, offset: o };
}

export function sameConfig(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export function isObject(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `source`, `sink` or `unknown`, from the connector class of a config. */
export function connectorType(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
): 'source' | 'sink' | 'unknown' {
  const p = registry.find(config['connector.class'] ?? '');
  return p?.kind === 'source' || p?.kind === 'sink' ? p.kind : 'unknown';
}

/** A config with literal secrets replaced by `[hidden]`, for every answer and log line. */
export function maskedConfig(
  registry: PluginRegistry,
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  return maskConfig(config, passwordKeys(registry, config));
}

/**
 * The config to store for a create or update: normalized, its `name` equal to the URL's, secrets echoed
 * back as `[hidden]` replaced by the stored ones, and fully validated.
 * @throws ConfigError
 */
export function configToStore(
  registry: PluginRegistry,
  name: string,
  config: ConnectorConfig,
  previous: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const normalized = normalizeConnectorConfig(config);
  if (normalized.name !== undefined && normalized.name !== name) {
    throw new ConfigError(
      `Connector name configuration (${normalized.name}) doesn't match connector name in the URL (${name})`,
      {
        name: [`must be '${name}'`],
      },
    );
  }
  normalized.name = name;
  const full = keepHiddenSecrets(normalized, previous, passwordKeys(registry, normalized));
  parseConnectorConfig(registry, full);
  return full;
}

/** The consumer group of a sink connector's config (its default when the config does not parse). */
export function sinkGroupOf(registry: PluginRegistry, name: string, config: Readonly<Record<string, string>>): string {
  try {
    return sinkGroupId(name, parseConnectorConfig(registry, config).sink);
  } catch {
    return sinkGroupId(name, null);
  }
}

/** A sink connector's offsets (its group's committed queue offsets) in Kafka's common format. */
export async function sinkOffsets(broker: Broker, group: string): Promise<ConnectorOffsets> {
  const offsets = await broker.fetchGroupOffsets(group);
  return {
    offsets: offsets
      .sort((a, b) => (a.topic === b.topic ? a.queue - b.queue : a.topic < b.topic ? -1 : 1))
      .map((o) => ({
        partition: { kafka_topic: o.topic, kafka_partition: o.queue },
        offset: { kafka_offset: o.offset },
      })),
  };
}

/** Alters a (stopped) sink connector's group offsets; a null offset forgets that queue. */
export async function alterSinkOffsets(
  broker: Broker,
  parsed: ParsedConnectorConfig,
  name: string,
  raw: Readonly<Record<string, string>>,
  offsets: readonly ConnectorOffset[],
): Promise<void> {
  if (parsed.plugin.kind !== 'sink') throw new Error(`${name} is not a sink connector`);
  const entries = offsets.map(parseSinkOffset);
  await parsed.plugin.createConnector().alterOffsets?.(
    raw,
    entries.map((e) => ({ queue: { topic: e.topic, queue: e.queue }, offset: e.offset })),
  );
  const group = sinkGroupId(name, parsed.sink);
  const toReset = entries.filter((e) => e.offset === null);
  const toSet = entries.filter((e): e is typeof e & { offset: number } => e.offset !== null);
  if (toReset.length > 0) await broker.deleteGroupOffsets(group, toReset);
  if (toSet.length > 0) await broker.commitGroupOffsets(group, toSet);
}
