import {
  type ConfigSpec,
  type ConnectRecord,
  defineTransformation,
  type Headers,
  type Schema,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { TRANSFORMS_VERSION } from './config.js';

/**
 * The part of a record a `$Key` / `$Value` transform works on, as Kafka's `operatingSchema`,
 * `operatingValue` and `newRecord`. One instance per side, shared by every transform.
 */
export interface Side {
  readonly kind: 'key' | 'value';
  /** Kafka's nested class name: `Key` or `Value`. */
  readonly suffix: 'Key' | 'Value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  /** A copy of `record` (same kind, same other parts) with this side's schema and value (and the headers) replaced. */
  update<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers?: Headers): R;
}

/** The record key and key schema. */
export const KEY: Side = Object.freeze({
  kind: 'key',
  suffix: 'Key',
  schema: (record: ConnectRecord) => record.keySchema,
  value: (record: ConnectRecord) => record.key,
  // One spread instead of withChanges' two objects: this runs once per record.
  update: <R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers = record.headers): R => ({
    ...record,
    keySchema: schema,
    key: value,
    headers,
  }),
});

/** The record value and value schema. */
export const VALUE: Side = Object.freeze({
  kind: 'value',
  suffix: 'Value',
  schema: (record: ConnectRecord) => record.valueSchema,
  value: (record: ConnectRecord) => record.value,
  update: <R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers = record.headers): R => ({
    ...record,
    valueSchema: schema,
    value,
    headers,
  }),
});

/** What a transform with `$Key` and `$Value` variants declares once. */
export interface KeyValueDefinition<T extends object> {
  /** Base name; the plugins are `<name>$Key` and `<name>$Value`. */
  readonly name: string;
  /** Base class names (e.g. `org.apache.kafka.connect.transforms.Cast`); each gets `$Key` / `$Value`. */
  readonly classNames: readonly string[];
  readonly summary: string;
  readonly spec: ConfigSpec<T>;
  /**
   * Creates the transform for one side from the parsed config.
   * @param subject names the plugin in ConfigErrors raised for cross-field rules.
   */
  create(config: Readonly<T>, side: Side, subject: string): Transformation;
}

/** The two plugins of a `$Key` / `$Value` transform. */
export interface KeyValuePlugins {
  readonly key: TransformationPlugin;
  readonly value: TransformationPlugin;
}

/** Declares the `$Key` and `$Value` plugins of a transform that share one spec and implementation. */
export function defineKeyValueTransformation<T extends object>(def: KeyValueDefinition<T>): KeyValuePlugins {
  const make = (side: Side): TransformationPlugin => {
    const name = `${def.name}$${side.suffix}`;
    return defineTransformation({
      name,
      aliases: def.classNames.map((c) => `${c}$${side.suffix}`),
      version: TRANSFORMS_VERSION,
      summary: `${def.summary} (record ${side.kind})`,
      spec: def.spec,
      create: (config) => def.create(config, side, subjectOf(name)),
    });
  };
  return Object.freeze({ key: make(KEY), value: make(VALUE) });
}

/** How ConfigErrors name a transformation plugin, as `defineTransformation` does. */
export function subjectOf(pluginName: string): string {
  return `Transformation ${pluginName}`;
}
