import type {
  ConnectRecord,
  Converter,
  HeaderConverter,
  HeaderConverterPlugin,
  PluginRegistry,
  Predicate,
  Transformation,
} from '@tributary/api';
import { subConfig, type TransformDefinition } from '../config/connector-config.js';
import { StageFailure } from './error-handler.js';

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

/**
 * Runs a record through the transformation stages in order (a stage whose predicate says no is skipped);
 * null when a stage drops it. @throws StageFailure naming the transformation that failed.
 */
export function applyTransforms<R extends ConnectRecord>(record: R, stages: readonly TransformStage[]): R | null {
  let current = record;
  for (const stage of stages) {
    try {
      if (stage.predicate !== null && stage.predicate.test(current) === stage.negate) continue;
      const next = stage.transform.apply(current);
      if (next === null) return null;
      current = next;
    } catch (e) {
      throw new StageFailure('TRANSFORMATION', stage.plugin, e);
    }
  }
  return current;
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

/** One converter of a task: the canonical plugin name and its config. */
export interface ConverterSpec {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
}

/** The key, value and header converters of a task as plain data (names resolved, configs merged). */
export interface ConverterSpecs {
  readonly key: ConverterSpec;
  readonly value: ConverterSpec;
  readonly header: ConverterSpec;
}

/**
 * Resolves a task's converters: the connector's `key.converter`/`value.converter`/`header.converter` (with
 * their prefixed sub-configs) or else the worker's, to canonical plugin names.
 * @throws NotFoundError when a converter is not in the registry.
 */
export function converterSpecs(
  registry: PluginRegistry,
  workerRaw: Readonly<Record<string, string>>,
  workerDefaults: { readonly key: string; readonly value: string; readonly header: string },
  connectorRaw: Readonly<Record<string, string>>,
): ConverterSpecs {
  const pick = (key: 'key.converter' | 'value.converter' | 'header.converter', fallback: string) => {
    const own = connectorRaw[key]?.trim();
    if (own !== undefined && own !== '') return { name: own, config: subConfig(connectorRaw, `${key}.`) };
    // The worker's sub-configs apply, overridden by any the connector sets for the same converter key.
    return { name: fallback, config: { ...subConfig(workerRaw, `${key}.`), ...subConfig(connectorRaw, `${key}.`) } };
  };
  const k = pick('key.converter', workerDefaults.key);
  const v = pick('value.converter', workerDefaults.value);
  const h = pick('header.converter', workerDefaults.header);
  return {
    key: { name: registry.require(k.name, 'converter').name, config: k.config },
    value: { name: registry.require(v.name, 'converter').name, config: v.config },
    header: { name: resolveHeaderConverter(registry, h.name).name, config: h.config },
  };
}

/** Instantiates converters from their specs. @throws when a plugin is missing or rejects its config. */
export function createConvertersFromSpecs(registry: PluginRegistry, specs: ConverterSpecs): TaskConverters {
  const keyPlugin = registry.require(specs.key.name, 'converter');
  const valuePlugin = registry.require(specs.value.name, 'converter');
  const headerPlugin = registry.require(specs.header.name, 'header_converter');
  return {
    key: keyPlugin.create(specs.key.config, { isKey: true }),
    keyName: keyPlugin.name,
    value: valuePlugin.create(specs.value.config, { isKey: false }),
    valueName: valuePlugin.name,
    header: headerPlugin.create(specs.header.config),
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
