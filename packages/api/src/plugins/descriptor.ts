import type { ConfigSpec, RawConfig } from '../config/config-spec.js';
import type { SinkConnector, SourceConnector } from '../connector/connector.js';
import type { SinkTask } from '../connector/sink-task.js';
import type { SourceTask } from '../connector/source-task.js';
import { NotFoundError } from '../errors.js';
import type { Converter, HeaderConverter } from './converter.js';
import type { Predicate, Transformation } from './transformation.js';

/** Kinds of plugins, spelled as Kafka Connect's `GET /connector-plugins` reports them. */
export type PluginKind = 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

/** What every plugin declares. */
export interface PluginInfo<K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** Canonical name, unique among all plugins (e.g. `FileStreamSource`, `InsertField$Value`, `JsonConverter`). */
  readonly name: string;
  /**
   * Other names that select this plugin in configs, e.g. Kafka Connect's class names
   * (`org.apache.kafka.connect.transforms.InsertField$Value`) so a pasted Kafka config works.
   */
  readonly aliases: readonly string[];
  readonly version: string;
  /** One sentence for listings and docs. */
  readonly summary: string;
  /** The plugin's configuration: the single source for parsing, validation, REST and docs. */
  readonly spec: ConfigSpec<object>;
}

export interface SourceConnectorPlugin extends PluginInfo<'source'> {
  createConnector(): SourceConnector;
  createTask(): SourceTask;
}

export interface SinkConnectorPlugin extends PluginInfo<'sink'> {
  createConnector(): SinkConnector;
  createTask(): SinkTask;
}

/** Options the runtime passes when creating a converter. */
export interface ConverterOptions {
  /** True when the converter serves record keys, false for values. */
  readonly isKey: boolean;
}

export interface ConverterPlugin extends PluginInfo<'converter'> {
  /** Parses `config` with the spec and creates a converter. @throws ConfigError */
  create(config: RawConfig, options: ConverterOptions): Converter;
}

export interface HeaderConverterPlugin extends PluginInfo<'header_converter'> {
  create(config: RawConfig): HeaderConverter;
}

export interface TransformationPlugin extends PluginInfo<'transformation'> {
  /** Parses `config` (the `transforms.<alias>.*` keys without prefix) and creates the transform. @throws ConfigError */
  create(config: RawConfig): Transformation;
}

export interface PredicatePlugin extends PluginInfo<'predicate'> {
  create(config: RawConfig): Predicate;
}

export type ConnectorPlugin = SourceConnectorPlugin | SinkConnectorPlugin;
export type Plugin =
  | SourceConnectorPlugin
  | SinkConnectorPlugin
  | ConverterPlugin
  | HeaderConverterPlugin
  | TransformationPlugin
  | PredicatePlugin;

export type PluginOfKind<K extends PluginKind> = Extract<Plugin, { kind: K }>;

interface Described<T extends object> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  readonly summary: string;
  readonly spec: ConfigSpec<T>;
}

/** Declares a source connector plugin. */
export function defineSourceConnector<T extends object>(
  def: Described<T> & { createConnector(): SourceConnector; createTask(): SourceTask },
): SourceConnectorPlugin {
  return Object.freeze({ ...def, kind: 'source' as const, aliases: def.aliases ?? [] });
}

/** Declares a sink connector plugin. */
export function defineSinkConnector<T extends object>(
  def: Described<T> & { createConnector(): SinkConnector; createTask(): SinkTask },
): SinkConnectorPlugin {
  return Object.freeze({ ...def, kind: 'sink' as const, aliases: def.aliases ?? [] });
}

/** Declares a converter; `create` receives the config parsed by `spec`. */
export function defineConverter<T extends object>(
  def: Described<T> & { create(config: Readonly<T>, options: ConverterOptions): Converter },
): ConverterPlugin {
  return Object.freeze({
    kind: 'converter' as const,
    name: def.name,
    aliases: def.aliases ?? [],
    version: def.version,
    summary: def.summary,
    spec: def.spec,
    create: (raw: RawConfig, options: ConverterOptions) =>
      def.create(def.spec.parse(raw, { subject: `Converter ${def.name}` }), options),
  });
}

/** Declares a header converter; `create` receives the config parsed by `spec`. */
export function defineHeaderConverter<T extends object>(
  def: Described<T> & { create(config: Readonly<T>): HeaderConverter },
): HeaderConverterPlugin {
  return Object.freeze({
    kind: 'header_converter' as const,
    name: def.name,
    aliases: def.aliases ?? [],
    version: def.version,
    summary: def.summary,
    spec: def.spec,
    create: (raw: RawConfig) => def.create(def.spec.parse(raw, { subject: `Header converter ${def.name}` })),
  });
}

/** Declares a transformation; `create` receives the config parsed by `spec`. */
export function defineTransformation<T extends object>(
  def: Described<T> & { create(config: Readonly<T>): Transformation },
): TransformationPlugin {
  return Object.freeze({
    kind: 'transformation' as const,
    name: def.name,
    aliases: def.aliases ?? [],
    version: def.version,
    summary: def.summary,
    spec: def.spec,
    create: (raw: RawConfig) => def.create(def.spec.parse(raw, { subject: `Transformation ${def.name}` })),
  });
}

/** Declares a predicate; `create` receives the config parsed by `spec`. */
export function definePredicate<T extends object>(
  def: Described<T> & { create(config: Readonly<T>): Predicate },
): PredicatePlugin {
  return Object.freeze({
    kind: 'predicate' as const,
    name: def.name,
    aliases: def.aliases ?? [],
    version: def.version,
    summary: def.summary,
    spec: def.spec,
    create: (raw: RawConfig) => def.create(def.spec.parse(raw, { subject: `Predicate ${def.name}` })),
  });
}

/**
 * The plugins a worker knows, looked up by name or alias. Built explicitly from bundles (no import side
 * effects), so tests can build one with a subset.
 */
export class PluginRegistry {
  readonly #plugins: Plugin[] = [];
  readonly #byName = new Map<string, Plugin>();

  constructor(plugins: Iterable<Plugin> = []) {
    for (const p of plugins) this.add(p);
  }

  /** @throws Error when the name or an alias is taken by another plugin. */
  add(plugin: Plugin): this {
    for (const key of [plugin.name, ...plugin.aliases]) {
      const existing = this.#byName.get(key);
      if (existing !== undefined && existing !== plugin) {
        throw new Error(
          `plugin name '${key}' of ${plugin.kind} ${plugin.name} is already taken by ${existing.kind} ${existing.name}`,
        );
      }
    }
    for (const key of [plugin.name, ...plugin.aliases]) this.#byName.set(key, plugin);
    if (!this.#plugins.includes(plugin)) this.#plugins.push(plugin);
    return this;
  }

  /** The plugin with this name or alias, or undefined. */
  find(name: string): Plugin | undefined {
    return this.#byName.get(name.trim());
  }

  /**
   * The plugin with this name or alias, of one of the given kinds.
   * @throws NotFoundError listing the known names of those kinds (and the nearest one).
   */
  require<K extends PluginKind>(name: string, ...kinds: K[]): PluginOfKind<K> {
    const plugin = this.find(name);
    if (plugin !== undefined && (kinds.length === 0 || (kinds as PluginKind[]).includes(plugin.kind))) {
      return plugin as PluginOfKind<K>;
    }
    const what = kinds.length === 0 ? 'plugin' : kinds.join(' or ');
    const known = this.list(...kinds).map((p) => p.name);
    if (plugin !== undefined) {
      throw new NotFoundError(
        `'${name}' is a ${plugin.kind} plugin, not a ${what}. Known ${what} plugins: ${known.join(', ')}`,
      );
    }
    throw new NotFoundError(
      `Failed to find any ${what} plugin named '${name}'. Known ${what} plugins: ${known.join(', ')}`,
    );
  }

  /** Every plugin (of the given kinds), sorted by name. */
  list<K extends PluginKind>(...kinds: K[]): PluginOfKind<K>[] {
    return this.#plugins
      .filter((p) => kinds.length === 0 || (kinds as PluginKind[]).includes(p.kind))
      .sort((a, b) => a.name.localeCompare(b.name)) as PluginOfKind<K>[];
  }
}
