import { SchemaError } from '../errors.js';
import { Schema, type SchemaType } from './schema.js';
import { validateValue } from './validate.js';

/**
 * Fluent builder of {@link Schema}s, as Kafka Connect's SchemaBuilder:
 *
 * ```ts
 * const value = SchemaBuilder.struct().name('shop.orders.Value')
 *   .field('id', Schema.INT64)
 *   .field('name', Schema.OPTIONAL_STRING)
 *   .field('price', Logical.decimal(2))
 *   .build();
 * ```
 * Each attribute may be set once; a default value is checked against the schema when built.
 */
export class SchemaBuilder {
  readonly #type: SchemaType;
  #optional = false;
  #defaultValue: unknown;
  #hasDefault = false;
  #name: string | undefined;
  #version: number | undefined;
  #doc: string | undefined;
  #parameters: Record<string, string> | undefined;
  readonly #fields: { name: string; schema: Schema }[] = [];
  readonly #keySchema: Schema | undefined;
  readonly #valueSchema: Schema | undefined;

  private constructor(type: SchemaType, keySchema?: Schema, valueSchema?: Schema) {
    this.#type = type;
    this.#keySchema = keySchema;
    this.#valueSchema = valueSchema;
  }

  static type(type: SchemaType): SchemaBuilder {
    if (type === 'array' || type === 'map') {
      throw new SchemaError(`use SchemaBuilder.${type}(...) to build an ${type} schema`);
    }
    return new SchemaBuilder(type);
  }
  static int8(): SchemaBuilder {
    return new SchemaBuilder('int8');
  }
  static int16(): SchemaBuilder {
    return new SchemaBuilder('int16');
  }
  static int32(): SchemaBuilder {
    return new SchemaBuilder('int32');
  }
  static int64(): SchemaBuilder {
    return new SchemaBuilder('int64');
  }
  static float32(): SchemaBuilder {
    return new SchemaBuilder('float32');
  }
  static float64(): SchemaBuilder {
    return new SchemaBuilder('float64');
  }
  static bool(): SchemaBuilder {
    return new SchemaBuilder('boolean');
  }
  static string(): SchemaBuilder {
    return new SchemaBuilder('string');
  }
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('bytes');
  }
  static struct(): SchemaBuilder {
    return new SchemaBuilder('struct');
  }
  static array(itemSchema: Schema): SchemaBuilder {
    return new SchemaBuilder('array', undefined, itemSchema);
  }
  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    return new SchemaBuilder('map', keySchema, valueSchema);
  }

  /** A builder pre-filled with every attribute of `schema` (fields included), to derive a variant. */
  static from(schema: Schema): SchemaBuilder {
    const b = new SchemaBuilder(schema.type, schema.keySchema, schema.valueSchema);
    b.#optional = schema.optional;
    if (schema.defaultValue !== undefined) {
      b.#defaultValue = schema.defaultValue;
      b.#hasDefault = true;
    }
    b.#name = schema.name;
    b.#version = schema.version;
    b.#doc = schema.doc;
    b.#parameters = schema.parameters === undefined ? undefined : { ...schema.parameters };
    for (const f of schema.fields) b.#fields.push({ name: f.name, schema: f.schema });
    return b;
  }

  get type(): SchemaType {
    return this.#type;
  }

  optional(): this {
    this.#optional = true;
    return this;
  }
  required(): this {
    this.#optional = false;
    return this;
  }
  /** Sets the default; it must be valid for this schema (checked by {@link build}). */
  defaultValue(value: unknown): this {
    this.#checkUnset('default value', this.#hasDefault);
    this.#defaultValue = value;
    this.#hasDefault = true;
    return this;
  }
  name(name: string): this {
    this.#checkUnset('name', this.#name !== undefined);
    this.#name = name;
    return this;
  }
  version(version: number): this {
    this.#checkUnset('version', this.#version !== undefined);
    if (!Number.isInteger(version)) throw new SchemaError(`schema version must be an integer, got ${version}`);
    this.#version = version;
    return this;
  }
  doc(doc: string): this {
    this.#checkUnset('doc', this.#doc !== undefined);
    this.#doc = doc;
    return this;
  }
  parameter(key: string, value: string): this {
    this.#parameters ??= {};
    this.#parameters[key] = value;
    return this;
  }
  parameters(params: Readonly<Record<string, string>>): this {
    this.#parameters = { ...this.#parameters, ...params };
    return this;
  }
  /** Appends a struct field. @throws SchemaError on a non-struct builder or a duplicate name. */
  field(name: string, schema: Schema): this {
    if (this.#type !== 'struct') throw new SchemaError(`cannot add field '${name}' to a ${this.#type} schema`);
    if (name === '') throw new SchemaError('field names must not be empty');
    if (this.#fields.some((f) => f.name === name)) throw new SchemaError(`duplicate field '${name}'`, { path: name });
    this.#fields.push({ name, schema });
    return this;
  }
  /** The fields added so far. */
  get fieldNames(): readonly string[] {
    return this.#fields.map((f) => f.name);
  }

  build(): Schema {
    const schema = new Schema({
      type: this.#type,
      optional: this.#optional,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters,
      fields: this.#type === 'struct' ? this.#fields : undefined,
      ...(this.#keySchema === undefined ? {} : { keySchema: this.#keySchema }),
      ...(this.#valueSchema === undefined ? {} : { valueSchema: this.#valueSchema }),
    });
    if (!this.#hasDefault || this.#defaultValue === null) return schema;
    validateValue(schema, this.#defaultValue, 'default value');
    return new Schema({
      type: schema.type,
      optional: schema.optional,
      defaultValue: this.#defaultValue,
      name: schema.name,
      version: schema.version,
      doc: schema.doc,
      parameters: schema.parameters,
      fields: schema.type === 'struct' ? schema.fields : undefined,
      ...(schema.keySchema === undefined ? {} : { keySchema: schema.keySchema }),
      ...(schema.valueSchema === undefined ? {} : { valueSchema: schema.valueSchema }),
    });
  }

  #checkUnset(what: string, isSet: boolean): void {
    if (isSet) throw new SchemaError(`schema ${what} is already set`);
  }
}
