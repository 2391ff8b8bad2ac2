import { DataError, SchemaError } from '../errors.js';
import type { Decimal } from './decimal.js';
import type { Field, Schema } from './schema.js';
import { valueEquals } from './schema.js';
import { describeValue, validateValue } from './validate.js';

const TRUSTED: unique symbol = Symbol('trusted');

/**
 * A value of a struct schema: one slot per field, in schema order. `put` validates each value against its
 * field's schema; {@link validate} checks that every required field is set.
 */
export class Struct {
  readonly schema: Schema;
  readonly #values: unknown[];

  /** @throws SchemaError unless `schema` is a struct schema. */
  constructor(schema: Schema, token?: typeof TRUSTED, values?: unknown[]) {
    if (schema.type !== 'struct') throw new SchemaError(`a Struct needs a struct schema, got ${schema.describe()}`);
    this.schema = schema;
    // Only Struct.trusted (which holds the module-private token) may hand over an array.
    this.#values =
      token === TRUSTED && values !== undefined ? values : new Array<unknown>(schema.fields.length).fill(null);
  }

  /**
   * Wraps values that the caller guarantees are valid for `schema`, one per field in field order (null for
   * unset), without checking or copying them: the struct takes ownership of the array. For converters and
   * transforms on hot paths that have validated their input already.
   */
  static trusted(schema: Schema, values: unknown[]): Struct {
    if (values.length !== schema.fields.length) {
      const padded = new Array<unknown>(schema.fields.length).fill(null);
      for (let i = 0; i < Math.min(values.length, padded.length); i++) padded[i] = values[i] ?? null;
      values = padded;
    }
    return new Struct(schema, TRUSTED, values);
  }

  /** The value of a field, or the field's default when the value is null. @throws SchemaError on an unknown field. */
  get(field: string | Field): unknown {
    const f = this.#field(field);
    const v = this.#values[f.index];
    return v === null || v === undefined ? (f.schema.defaultValue ?? null) : v;
  }

  /** The value of a field as stored, without applying the default. */
  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#field(field).index] ?? null;
  }

  /** Sets a field. @throws DataError naming the field when the value does not fit its schema. */
  put(field: string | Field, value: unknown): this {
    const f = this.#field(field);
    validateValue(f.schema, value, `field '${f.name}'`);
    this.#values[f.index] = value ?? null;
    return this;
  }

  /** The raw slots in field order (no defaults applied). Do not mutate. */
  values(): readonly unknown[] {
    return this.#values;
  }

  /** @throws DataError naming the first required field that has no value and no default. */
  validate(): void {
    for (const f of this.schema.fields) {
      const v = this.#values[f.index];
      if ((v === null || v === undefined) && !f.schema.optional && f.schema.defaultValue === undefined) {
        throw new DataError(`field '${f.name}': a value is required (schema ${f.schema.describe()}), got null`, {
          path: f.name,
        });
      }
    }
  }

  getInt8(field: string): number | null {
    return this.#typed(field, 'int8', 'number') as number | null;
  }
  getInt16(field: string): number | null {
    return this.#typed(field, 'int16', 'number') as number | null;
  }
  getInt32(field: string): number | null {
    return this.#typed(field, 'int32', 'number') as number | null;
  }
  getInt64(field: string): bigint | null {
    return this.#typed(field, 'int64', 'bigint') as bigint | null;
  }
  getFloat32(field: string): number | null {
    return this.#typed(field, 'float32', 'number') as number | null;
  }
  getFloat64(field: string): number | null {
    return this.#typed(field, 'float64', 'number') as number | null;
  }
  getBoolean(field: string): boolean | null {
    return this.#typed(field, 'boolean', 'boolean') as boolean | null;
  }
  getString(field: string): string | null {
    return this.#typed(field, 'string', 'string') as string | null;
  }
  getBytes(field: string): Uint8Array | null {
    return this.#typed(field, 'bytes', 'object') as Uint8Array | null;
  }
  getDecimal(field: string): Decimal | null {
    return this.#typed(field, 'bytes', 'object') as Decimal | null;
  }
  getDate(field: string): Date | null {
    const v = this.get(field);
    if (v !== null && !(v instanceof Date))
      throw new DataError(`field '${field}' holds ${describeValue(v)}, not a Date`);
    return v;
  }
  getArray(field: string): readonly unknown[] | null {
    return this.#typed(field, 'array', 'object') as readonly unknown[] | null;
  }
  getMap(field: string): Map<unknown, unknown> | null {
    return this.#typed(field, 'map', 'object') as Map<unknown, unknown> | null;
  }
  getStruct(field: string): Struct | null {
    return this.#typed(field, 'struct', 'object') as Struct | null;
  }

  /** Equal schema and equal values. */
  equals(other: unknown): boolean {
    if (!(other instanceof Struct) || !this.schema.equals(other.schema)) return false;
    const a = this.#values;
    const b = other.#values;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }

  /** A plain-object view (field name → value, defaults applied), for logs and debugging. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.schema.fields) {
      const v = this.get(f);
      out[f.name] = typeof v === 'bigint' ? v.toString() : v;
    }
    return out;
  }

  toString(): string {
    const parts = this.schema.fields.map((f) => {
      const v = this.get(f);
      return `${f.name}=${v instanceof Uint8Array ? `bytes[${v.length}]` : String(v)}`;
    });
    return `Struct{${parts.join(',')}}`;
  }

  #field(field: string | Field): Field {
    if (typeof field !== 'string') {
      if (this.schema.fields[field.index] !== field && this.schema.field(field.name) === undefined) {
        throw new SchemaError(`field '${field.name}' is not part of schema ${this.schema.name ?? '(unnamed struct)'}`);
      }
      return this.schema.fields[field.index] === field ? field : this.schema.requireField(field.name);
    }
    return this.schema.requireField(field);
  }

  #typed(field: string, type: Schema['type'], jsType: string): unknown {
    const f = this.#field(field);
    if (f.schema.type !== type) {
      throw new SchemaError(`field '${field}' is ${f.schema.describe()}, not ${type}`, { path: field });
    }
    const v = this.get(f);
    if (v !== null && typeof v !== jsType) {
      throw new DataError(`field '${field}' holds ${describeValue(v)}, not ${type}`, { path: field });
    }
    return v;
  }
}
