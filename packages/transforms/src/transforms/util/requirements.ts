import {
  type ConnectRecord,
  DataError,
  describeValue,
  type Field,
  isSinkRecord,
  type Schema,
  type SinkRecord,
  Struct,
} from '@tributary/api';
import type { Side } from './side.js';

/**
 * Checks of the shape of a record's key or value, as Kafka's `Requirements`, raising DataErrors that say
 * which part of the record, what the transform needed it for, and what it found.
 */

/** A schemaless map: a plain object (not an array, Map, Struct, Date, Decimal or bytes). */
export type SchemalessMap = Record<string, unknown>;

/** True for plain objects, the maps of schemaless data. */
export function isSchemalessMap(value: unknown): value is SchemalessMap {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** @throws DataError unless `value` is a Struct. */
export function requireStruct(value: unknown, purpose: string, where: string): Struct {
  if (value instanceof Struct) return value;
  throw new DataError(
    `Only Struct objects supported for [${purpose}] in the record ${where}, found: ${describeValue(value)}`,
    {
      path: where,
    },
  );
}

/** @throws DataError unless `value` is a schemaless map (plain object). */
export function requireMap(value: unknown, purpose: string, where: string): SchemalessMap {
  if (isSchemalessMap(value)) return value;
  throw new DataError(
    `Only Map objects supported in absence of schema for [${purpose}] in the record ${where}, found: ${describeValue(value)}`,
    { path: where },
  );
}

/** @throws DataError when the side has no schema. */
export function requireSchema(schema: Schema | null, purpose: string, where: string): Schema {
  if (schema !== null) return schema;
  throw new DataError(`Schema required for [${purpose}] in the record ${where}`, { path: where });
}

/** @throws DataError unless the record came from the broker (a sink record). */
export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (isSinkRecord(record)) return record;
  throw new DataError(`Only sink records (with a queue offset) supported for [${purpose}], found a source record`);
}

/** `record key` or `record value`, for messages. */
export function where(side: Side): string {
  return side.kind;
}

/**
 * A struct field's value as Kafka's transforms read it: the field default replaces null when
 * `replaceNullWithDefault` (Struct.get), else the stored value (Struct.getWithoutDefault).
 */
export function fieldValue(struct: Struct, field: Field, replaceNullWithDefault: boolean): unknown {
  const v = struct.values()[field.index] ?? null;
  return v === null && replaceNullWithDefault ? (field.schema.defaultValue ?? null) : v;
}

/** Every field value of a struct, in order, read as {@link fieldValue}. */
export function fieldValues(struct: Struct, replaceNullWithDefault: boolean): unknown[] {
  const raw = struct.values();
  const fields = struct.schema.fields;
  const out = new Array<unknown>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] ?? null;
    out[i] = v === null && replaceNullWithDefault ? (fields[i]!.schema.defaultValue ?? null) : v;
  }
  return out;
}
