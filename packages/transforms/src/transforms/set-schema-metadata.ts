import { ConfigSpec, type ConnectRecord, Schema, Struct, type Transformation } from '@tributary/api';
import {
  crossFieldError,
  KAFKA_TRANSFORMS,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import { fieldValues, requireSchema } from './util/requirements.js';
import { SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

/** SetSchemaMetadata's config: `schema.name`, `schema.version`, `replace.null.with.default`. */
export const SET_SCHEMA_METADATA_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .string('schema.name', {
      doc: 'Schema name to set.',
      default: null,
      importance: 'high',
      examples: ['shop.orders.Value'],
    })
    .int('schema.version', { doc: 'Schema version to set.', default: null, importance: 'high', examples: ['2'] }),
);

class SetSchemaMetadata implements Transformation {
  readonly #side: Side;
  readonly #name: string | null;
  readonly #version: number | null;
  readonly #replaceNullWithDefault: boolean;
  readonly #schemas = new SchemaCache<Schema>();

  constructor(side: Side, name: string | null, version: number | null, replaceNullWithDefault: boolean) {
    this.#side = side;
    this.#name = name;
    this.#version = version;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record) ?? null;
    const schema = this.#side.schema(record);
    if (value === null && schema === null) return record;
    const source = requireSchema(schema, 'updating schema metadata', this.#side.kind);
    let updated = this.#schemas.get(source);
    if (updated === undefined) {
      updated = new Schema({
        type: source.type,
        optional: source.optional,
        defaultValue: source.defaultValue,
        name: this.#name ?? source.name,
        version: this.#version ?? source.version,
        doc: source.doc,
        parameters: source.parameters,
        fields: source.type === 'struct' ? source.fields : undefined,
        ...(source.keySchema === undefined ? {} : { keySchema: source.keySchema }),
        ...(source.valueSchema === undefined ? {} : { valueSchema: source.valueSchema }),
      });
      this.#schemas.set(source, updated);
    }
    // Structs carry their schema, so they are rebuilt on the renamed one (same fields, same values).
    const updatedValue =
      value instanceof Struct ? Struct.trusted(updated, fieldValues(value, this.#replaceNullWithDefault)) : value;
    return this.#side.update(record, updated, updatedValue);
  }
}

/** `SetSchemaMetadata$Key` and `SetSchemaMetadata$Value`. */
export const setSchemaMetadata = defineKeyValueTransformation({
  name: 'SetSchemaMetadata',
  classNames: [`${KAFKA_TRANSFORMS}.SetSchemaMetadata`],
  summary: "Set the schema name, version or both on the record's key or value schema",
  spec: SET_SCHEMA_METADATA_SPEC,
  create: (config, side, subject) => {
    const name = config['schema.name'] === null ? null : config['schema.name'].trim();
    if (name === null && config['schema.version'] === null) {
      throw crossFieldError(subject, {
        'schema.name': ['Neither schema name nor version configured: set schema.name, schema.version or both'],
      });
    }
    return new SetSchemaMetadata(side, name, config['schema.version'], config[REPLACE_NULL_WITH_DEFAULT]);
  },
});
