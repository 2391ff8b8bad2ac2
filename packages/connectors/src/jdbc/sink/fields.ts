import { ConnectError, isPrimitiveType, Schema, type SinkRecord, Struct } from '@tributary/api';
import { DEFAULT_KAFKA_PK_NAMES, type PkMode } from '../config.js';

/** Where a column's value comes from in a record. */
export type ColumnSource =
  | { readonly kind: 'topic' }
  | { readonly kind: 'queue' }
  | { readonly kind: 'offset' }
  /** The whole (primitive) record key. */
  | { readonly kind: 'key' }
  | { readonly kind: 'keyField'; readonly index: number }
  | { readonly kind: 'valueField'; readonly index: number };

export interface FieldColumn {
  readonly name: string;
  readonly schema: Schema;
  readonly isKey: boolean;
  readonly source: ColumnSource;
}

/**
 * The columns one record shape writes, as Kafka Connect's JDBC sink derives them (FieldsMetadata):
 * primary-key columns by `pk.mode` first, then the value's fields (those of `fields.whitelist`) that are
 * not key columns, in schema order.
 */
export interface FieldsPlan {
  readonly keyColumns: readonly FieldColumn[];
  readonly nonKeyColumns: readonly FieldColumn[];
}

/**
 * Derives the columns of a (key schema, value schema) pair. `valueSchema` null = a delete (tombstone),
 * whose plan has the key columns only.
 * @throws ConnectError for keys or values the mode cannot use (a missing pk field, a non-struct value).
 */
export function extractFields(
  table: string,
  pkMode: PkMode,
  pkFields: readonly string[],
  fieldsWhitelist: readonly string[],
  keySchema: Schema | null,
  valueSchema: Schema | null,
): FieldsPlan {
  if (valueSchema !== null && valueSchema.type !== 'struct') {
    throw new ConnectError(
      `Value schema of records for table '${table}' must be a struct, not ${valueSchema.describe()}`,
    );
  }
  const keys: FieldColumn[] = [];
  switch (pkMode) {
    case 'none':
      break;
    case 'kafka': {
      const names = pkFields.length === 0 ? DEFAULT_KAFKA_PK_NAMES : pkFields;
      if (names.length !== 3) {
        throw new ConnectError(
          `PK mode for table '${table}' is kafka so there should either be no field names defined for defaults ` +
            `${DEFAULT_KAFKA_PK_NAMES.join(', ')} to be applicable, or exactly 3, defined fields are: ${pkFields.join(', ')}`,
        );
      }
      keys.push({ name: names[0]!, schema: Schema.STRING, isKey: true, source: { kind: 'topic' } });
      keys.push({ name: names[1]!, schema: Schema.INT32, isKey: true, source: { kind: 'queue' } });
      keys.push({ name: names[2]!, schema: Schema.INT64, isKey: true, source: { kind: 'offset' } });
      break;
    }
    case 'record_key': {
      if (keySchema === null) {
        throw new ConnectError(`PK mode for table '${table}' is record_key, but the record key has no schema`);
      }
      if (isPrimitiveType(keySchema.type)) {
        if (pkFields.length !== 1) {
          throw new ConnectError(
            `Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: [${pkFields.join(', ')}]`,
          );
        }
        keys.push({ name: pkFields[0]!, schema: keySchema, isKey: true, source: { kind: 'key' } });
      } else if (keySchema.type === 'struct') {
        const names = pkFields.length === 0 ? keySchema.fields.map((f) => f.name) : pkFields;
        for (const name of names) {
          const field = keySchema.field(name);
          if (field === undefined) {
            throw new ConnectError(
              `PK mode for table '${table}' is record_key with configured PK fields [${pkFields.join(', ')}], but record key schema does not contain field: ${name}`,
            );
          }
          keys.push({ name, schema: field.schema, isKey: true, source: { kind: 'keyField', index: field.index } });
        }
      } else {
        throw new ConnectError(`Key schema must be primitive type or Struct, but is of type: ${keySchema.type}`);
      }
      break;
    }
    case 'record_value': {
      if (valueSchema === null) {
        throw new ConnectError(`PK mode for table '${table}' is record_value, but the record value has no schema`);
      }
      const names = pkFields.length === 0 ? valueSchema.fields.map((f) => f.name) : pkFields;
      for (const name of names) {
        const field = valueSchema.field(name);
        if (field === undefined) {
          throw new ConnectError(
            `PK mode for table '${table}' is record_value with configured PK fields [${pkFields.join(', ')}], but record value schema does not contain field: ${name}`,
          );
        }
        keys.push({ name, schema: field.schema, isKey: true, source: { kind: 'valueField', index: field.index } });
      }
      break;
    }
  }
  const keyNames = new Set(keys.map((k) => k.name));
  const nonKeys: FieldColumn[] = [];
  if (valueSchema !== null) {
    for (const field of valueSchema.fields) {
      if (keyNames.has(field.name)) continue;
      if (fieldsWhitelist.length > 0 && !fieldsWhitelist.includes(field.name)) continue;
      nonKeys.push({
        name: field.name,
        schema: field.schema,
        isKey: false,
        source: { kind: 'valueField', index: field.index },
      });
    }
  }
  if (keys.length === 0 && nonKeys.length === 0) {
    throw new ConnectError(`No fields found using key and value schemas for table: ${table}`);
  }
  return { keyColumns: keys, nonKeyColumns: nonKeys };
}

/** Reads the value of one column from a record (`value` = the struct written, possibly unwrapped). */
export function columnValue(column: FieldColumn, record: SinkRecord, value: Struct | null): unknown {
  const source = column.source;
  switch (source.kind) {
    case 'topic':
      return record.topic;
    case 'queue':
      return record.queue;
    case 'offset':
      return BigInt(record.offset);
    case 'key':
      return record.key;
    case 'keyField':
      return fieldOf(record.key, source.index, column);
    case 'valueField':
      return fieldOf(value, source.index, column);
  }
}

function fieldOf(struct: unknown, index: number, column: FieldColumn): unknown {
  if (!(struct instanceof Struct)) return null;
  const raw = struct.values()[index];
  if (raw !== null && raw !== undefined) return raw;
  return column.schema.defaultValue ?? null;
}
