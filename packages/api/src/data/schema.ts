import { SchemaError } from '../errors.js';

/**
 * The types of Connect data, as in Kafka Connect.
 *
 * | type | JavaScript value |
 * |---|---|
 * | `int8`, `int16`, `int32` | `number` (an integer in range) |
 * | `int64` | `bigint` (never a lossy float) |
 * | `float32`, `float64` | `number` |
 * | `boolean` | `boolean` |
 * | `string` | `string` |
 * | `bytes` | `Uint8Array` (a `Buffer` is one) |
 * | `array` | `readonly unknown[]` |
 * | `map` | `Map<unknown, unknown>` |
 * | `struct` | {@link Struct} |
 *
 * Logical types refine a base type by schema name: Decimal (`bytes` → {@link Decimal}), Date, Time and
 * Timestamp (`int32`/`int64` → JavaScript `Date`). Schemaless data (schema `null`) uses plain JSON-like
 * values: objects, arrays, strings, numbers, bigints, booleans, null.
 */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export const SCHEMA_TYPES: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
  'array',
  'map',
  'struct',
];

/** True for the primitive (non-container) types. */
export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'array' && type !== 'map' && type !== 'struct';
}

/** One field of a struct schema. */
export interface Field {
  readonly name: string;
  /** Position of the field in its struct. */
  readonly index: number;
  readonly schema: Schema;
}

export interface SchemaProps {
  readonly type: SchemaType;
  readonly optional?: boolean;
  /** Default value; `undefined` means the schema has none. */
  readonly defaultValue?: unknown;
  readonly name?: string | undefined;
  readonly version?: number | undefined;
  readonly doc?: string | undefined;
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  /** Struct fields, in order. */
  readonly fields?: readonly { readonly name: string; readonly schema: Schema }[];
  /** Map key schema. */
  readonly keySchema?: Schema;
  /** Map value schema, or array item schema. */
  readonly valueSchema?: Schema;
}

/**
 * An immutable Connect schema. Build one with {@link SchemaBuilder} or use the constants
 * (`Schema.INT32`, `Schema.OPTIONAL_STRING`, ...).
 */
export class Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** Default value, or `undefined` when the schema has none. */
  readonly defaultValue: unknown;
  readonly name: string | undefined;
  readonly version: number | undefined;
  readonly doc: string | undefined;
  readonly parameters: Readonly<Record<string, string>> | undefined;
  /** Struct fields in order; empty for other types. */
  readonly fields: readonly Field[];
  /** Map key schema; undefined for other types. */
  readonly keySchema: Schema | undefined;
  /** Map value schema or array item schema; undefined for other types. */
  readonly valueSchema: Schema | undefined;
  readonly #fieldsByName: ReadonlyMap<string, Field>;

  /**
   * Prefer {@link SchemaBuilder}. The constructor checks structure (fields only on structs, key and value
   * schemas on maps, item schema on arrays, unique field names) but not the default value: builders do.
   */
  constructor(props: SchemaProps) {
    this.type = props.type;
    this.optional = props.optional ?? false;
    this.defaultValue = props.defaultValue;
    this.name = props.name;
    this.version = props.version;
    this.doc = props.doc;
    this.parameters = props.parameters === undefined ? undefined : Object.freeze({ ...props.parameters });
    const byName = new Map<string, Field>();
    const fields: Field[] = [];
    if (props.fields !== undefined) {
      if (props.type !== 'struct') throw new SchemaError(`only struct schemas have fields, not ${props.type}`);
      for (const [index, f] of props.fields.entries()) {
        if (byName.has(f.name)) throw new SchemaError(`duplicate field '${f.name}' in struct schema`);
        const field: Field = Object.freeze({ name: f.name, index, schema: f.schema });
        byName.set(f.name, field);
        fields.push(field);
      }
    }
    this.fields = Object.freeze(fields);
    this.#fieldsByName = byName;
    if (props.type === 'map') {
      if (props.keySchema === undefined || props.valueSchema === undefined) {
        throw new SchemaError('a map schema needs a key schema and a value schema');
      }
    } else if (props.keySchema !== undefined) {
      throw new SchemaError(`only map schemas have a key schema, not ${props.type}`);
    }
    if (props.type === 'array' && props.valueSchema === undefined) {
      throw new SchemaError('an array schema needs an item (value) schema');
    }
    if (props.type !== 'array' && props.type !== 'map' && props.valueSchema !== undefined) {
      throw new SchemaError(`only array and map schemas have a value schema, not ${props.type}`);
    }
    this.keySchema = props.keySchema;
    this.valueSchema = props.valueSchema;
    Object.freeze(this);
  }

  /** The struct field with this name, or undefined. */
  field(name: string): Field | undefined {
    return this.#fieldsByName.get(name);
  }

  /**
   * The struct field with this name.
   * @throws SchemaError naming the missing field and the schema's fields.
   */
  requireField(name: string): Field {
    const field = this.#fieldsByName.get(name);
    if (field === undefined) {
      if (this.type !== 'struct') throw new SchemaError(`cannot look up field '${name}' in a ${this.type} schema`);
      throw new SchemaError(
        `field '${name}' does not exist in schema ${this.name ?? '(unnamed struct)'}; fields: ${this.fields.map((f) => f.name).join(', ')}`,
        { path: name },
      );
    }
    return field;
  }

  /** A readable form for messages: the logical or schema name, else the type, `?` when optional. */
  describe(): string {
    const base = this.name !== undefined ? `${this.name} (${this.type})` : this.type;
    return this.optional ? `optional ${base}` : base;
  }

  /** Deep structural equality, as Kafka's ConnectSchema.equals. */
  equals(other: unknown): boolean {
    return other instanceof Schema && schemaEquals(this, other);
  }

  toString(): string {
    return `Schema{${this.describe()}}`;
  }

  static readonly INT8 = new Schema({ type: 'int8' });
  static readonly INT16 = new Schema({ type: 'int16' });
  static readonly INT32 = new Schema({ type: 'int32' });
  static readonly INT64 = new Schema({ type: 'int64' });
  static readonly FLOAT32 = new Schema({ type: 'float32' });
  static readonly FLOAT64 = new Schema({ type: 'float64' });
  static readonly BOOLEAN = new Schema({ type: 'boolean' });
  static readonly STRING = new Schema({ type: 'string' });
  static readonly BYTES = new Schema({ type: 'bytes' });
  static readonly OPTIONAL_INT8 = new Schema({ type: 'int8', optional: true });
  static readonly OPTIONAL_INT16 = new Schema({ type: 'int16', optional: true });
  static readonly OPTIONAL_INT32 = new Schema({ type: 'int32', optional: true });
  static readonly OPTIONAL_INT64 = new Schema({ type: 'int64', optional: true });
  static readonly OPTIONAL_FLOAT32 = new Schema({ type: 'float32', optional: true });
  static readonly OPTIONAL_FLOAT64 = new Schema({ type: 'float64', optional: true });
  static readonly OPTIONAL_BOOLEAN = new Schema({ type: 'boolean', optional: true });
  static readonly OPTIONAL_STRING = new Schema({ type: 'string', optional: true });
  static readonly OPTIONAL_BYTES = new Schema({ type: 'bytes', optional: true });

  /** The constant schema of a primitive type, required or optional. */
  static primitive(type: SchemaType, optional = false): Schema {
    const schema = PRIMITIVES[`${type}:${optional}`];
    if (schema === undefined) throw new SchemaError(`${type} is not a primitive type`);
    return schema;
  }
}

const PRIMITIVES: Readonly<Record<string, Schema>> = {
  'int8:false': Schema.INT8,
  'int16:false': Schema.INT16,
  'int32:false': Schema.INT32,
  'int64:false': Schema.INT64,
  'float32:false': Schema.FLOAT32,
  'float64:false': Schema.FLOAT64,
  'boolean:false': Schema.BOOLEAN,
  'string:false': Schema.STRING,
  'bytes:false': Schema.BYTES,
  'int8:true': Schema.OPTIONAL_INT8,
  'int16:true': Schema.OPTIONAL_INT16,
  'int32:true': Schema.OPTIONAL_INT32,
  'int64:true': Schema.OPTIONAL_INT64,
  'float32:true': Schema.OPTIONAL_FLOAT32,
  'float64:true': Schema.OPTIONAL_FLOAT64,
  'boolean:true': Schema.OPTIONAL_BOOLEAN,
  'string:true': Schema.OPTIONAL_STRING,
  'bytes:true': Schema.OPTIONAL_BYTES,
};

/** Deep equality of two schemas (type, optional, default, name, version, doc, parameters, children). */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !recordEquals(a.parameters, b.parameters) ||
    a.fields.length !== b.fields.length ||
    !schemaEquals(a.keySchema, b.keySchema) ||
    !schemaEquals(a.valueSchema, b.valueSchema) ||
    !valueEquals(a.defaultValue, b.defaultValue)
  ) {
    return false;
  }
  for (let i = 0; i < a.fields.length; i++) {
    const fa = a.fields[i]!;
    const fb = b.fields[i]!;
    if (fa.name !== fb.name || !schemaEquals(fa.schema, fb.schema)) return false;
  }
  return true;
}

function recordEquals(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** Deep equality of Connect values: bigint, bytes, Date, Decimal, Map, Struct, arrays and plain objects. */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  const eq = (a as { equals?: unknown }).equals;
  if (typeof eq === 'function') return (eq as (o: unknown) => boolean).call(a, b);
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => valueEquals(v, b[i]));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    // Keys may be values without identity (bigint is fine; structs/arrays as keys compare deeply).
    outer: for (const [ka, va] of a) {
      if (b.has(ka)) {
        if (!valueEquals(va, b.get(ka))) return false;
        continue;
      }
      for (const [kb, vb] of b) if (valueEquals(ka, kb) && valueEquals(va, vb)) continue outer;
      return false;
    }
    return true;
  }
  if (Array.isArray(b) || b instanceof Map || b instanceof Date || b instanceof Uint8Array) return false;
  const oa = a as Record<string, unknown>;
  const ob = b as Record<string, unknown>;
  const keys = Object.keys(oa);
  if (keys.length !== Object.keys(ob).length) return false;
  return keys.every((k) => Object.hasOwn(ob, k) && valueEquals(oa[k], ob[k]));
}
