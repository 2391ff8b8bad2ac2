import type {
  Converter,
  HeaderConverter,
  HeaderConverterPlugin,
  PluginRegistry,
  Predicate,
  Transformation,
} from '@tributary/api';
import { subConfig, type TransformDefinition } from '../config/connector-config.js';

/** One configured transformation of a task, with its optional predicate. */
export interface TransformStage {
  readonly alias: string;
  /** Plugin name, for error context. */
  readonly plugin: string;
  readonly transform: Transformation;
  readonly predicate: Predicate | null;
  readonly negate: boolean;
}

/** Instantiates a connector's transformations and predicates (one predicate instance per alias). */
export function createTransformStages(definitions: readonly TransformDefinition[]): TransformStage[] {
  const predicates = new Map<string, Predicate>();
  return definitions.map((d) => {
    let predicate: Predicate | null = null;
    if (d.predicate !== null) {
      predicate = predicates.get(d.predicate.alias) ?? d.predicate.plugin.create(d.predicate.config);
      predicates.set(d.predicate.alias, predicate);
    }
    return { alias: d.alias, plugin: d.plugin.name, transform: d.plugin.create(d.config), predicate, negate: d.negate };
  });
}

export function closeTransformStages(stages: readonly TransformStage[]): void {
  const closed = new Set<unknown>();
  for (const s of stages) {
    for (const closable of [s.transform, s.predicate]) {
      if (closable === null || closed.has(closable)) continue;
      closed.add(closable);
      try {
        closable.close?.();
      } catch {
        // Closing is best effort; a failing close must not hide the task's own outcome.
      }
    }
  }
}

/** The converters a task uses, with their plugin names for error context. */
export interface TaskConverters {
  readonly key: Converter;
  readonly keyName: string;
  readonly value: Converter;
  readonly valueName: string;
  readonly header: HeaderConverter;
  readonly headerName: string;
}

/**
 * Creates a task's converters: the connector's `key.converter`/`value.converter`/`header.converter` (with
 * their prefixed sub-configs) or else the worker's.
 */
export function createConverters(
  registry: PluginRegistry,
  workerRaw: Readonly<Record<string, string>>,
  workerDefaults: { readonly key: string; readonly value: string; readonly header: string },
  connectorRaw: Readonly<Record<string, string>>,
): TaskConverters {
  const pick = (key: 'key.converter' | 'value.converter' | 'header.converter', fallback: string) => {
    const own = connectorRaw[key]?.trim();
    if (own !== undefined && own !== '') return { name: own, config: subConfig(connectorRaw, `${key}.`) };
    // The worker's sub-configs apply, overridden by any the connector sets for the same converter key.
    return { name: fallback, config: { ...subConfig(workerRaw, `${key}.`), ...subConfig(connectorRaw, `${key}.`) } };
  };
  const k = pick('key.converter', workerDefaults.key);
  const v = pick('value.converter', workerDefaults.value);
  const h = pick('header.converter', workerDefaults.header);
  const keyPlugin = registry.require(k.name, 'converter');
  const valuePlugin = registry.require(v.name, 'converter');
  const headerPlugin = resolveHeaderConverter(registry, h.name);
  return {
    key: keyPlugin.create(k.config, { isKey: true }),
    keyName: keyPlugin.name,
    value: valuePlugin.create(v.config, { isKey: false }),
    valueName: valuePlugin.name,
    header: headerPlugin.create(h.config),
    headerName: headerPlugin.name,
  };
}

/**
 * The header converter for a configured name. Kafka configs name classes that are both converters and
 * header converters (`org.apache.kafka.connect.storage.StringConverter`); the registry maps such a name to
 * the converter, whose header-converter twin is named `<Name>HeaderConverter` (StringHeaderConverter).
 * @throws NotFoundError listing the known header converters.
 */
export function resolveHeaderConverter(registry: PluginRegistry, name: string): HeaderConverterPlugin {
  const found = registry.find(name);
  if (found?.kind === 'header_converter') return found;
  if (found?.kind === 'converter') {
    const twin = registry.find(found.name.replace(/Converter$/, 'HeaderConverter'));
    if (twin?.kind === 'header_converter') return twin;
  }
  return registry.require(name, 'header_converter');
}
