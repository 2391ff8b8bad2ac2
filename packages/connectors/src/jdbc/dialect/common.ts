import { ConnectError, DataError, Decimal, dateToDays, Logical, LogicalNames, Schema } from '@tributary/api';
import type { NumericMapping } from '../config.js';
import { formatDate, formatTimeOfDay, formatTimestampMillis, type Zone } from '../time.js';
import type { ColumnSpec, SqlParam, TableId, ValueEncoder } from './dialect.js';

/** The logical kind of a field schema: a Connect logical type or the base type. */
export type FieldKind =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'decimal'
  | 'date'
  | 'time'
  | 'timestamp';

/**
 * What a sink column holds. Containers (struct, array, map) have no column type: a ConnectError tells
 * how to get rid of them.
 */
export function fieldKind(schema: Schema, where: string): FieldKind {
  switch (schema.name) {
    case LogicalNames.DECIMAL:
      if (schema.type === 'bytes') return 'decimal';
      break;
    case LogicalNames.DATE:
      if (schema.type === 'int32') return 'date';
      break;
    case LogicalNames.TIME:
      if (schema.type === 'int32') return 'time';
      break;
    case LogicalNames.TIMESTAMP:
      if (schema.type === 'int64') return 'timestamp';
      break;
  }
  if (schema.type === 'struct' || schema.type === 'array' || schema.type === 'map') {
    throw new ConnectError(
      `${where} is a ${schema.type}, which has no SQL column type: flatten it (Flatten transform), ` +
        'drop it (ReplaceField transform) or turn it into text first',
    );
  }
  return schema.type;
}

/**
 * Encodes Connect values as the text both databases parse for every column type (numbers, decimals,
 * date-times as wall time in `zone`); booleans and bytes are left to the dialect.
 */
export function textEncoder(
  schema: Schema,
  zone: Zone,
  where: string,
  special: { boolean: (v: boolean) => SqlParam; bytes: (v: Uint8Array) => SqlParam },
): ValueEncoder {
  const kind = fieldKind(schema, where);
  const bad = (v: unknown, what: string): never => {
    throw new DataError(`${where}: expected ${what}, got ${describe(v)}`);
  };
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : bad(v, 'an integer'));
    case 'int64':
      return (v) =>
        typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) ? String(v) : bad(v, 'an int64');
    case 'float32':
    case 'float64':
      return (v) => (typeof v === 'number' ? String(v) : bad(v, 'a number'));
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? special.boolean(v) : bad(v, 'a boolean'));
    case 'string':
      return (v) => (typeof v === 'string' ? v : bad(v, 'a string'));
    case 'bytes':
      return (v) => (v instanceof Uint8Array ? special.bytes(v) : bad(v, 'bytes'));
    case 'decimal':
      return (v) => (v instanceof Decimal ? v.toString() : bad(v, 'a Decimal'));
    case 'date':
      return (v) => {
        if (!(v instanceof Date)) return bad(v, 'a Date');
        dateToDays(v); // throws for a Date with a time of day
        return formatDate(v);
      };
    case 'time':
      return (v) => (v instanceof Date ? formatTimeOfDay(v) : bad(v, 'a Date (time of day)'));
    case 'timestamp':
      return (v) => (v instanceof Date ? formatTimestampMillis(v, zone) : bad(v, 'a Date (timestamp)'));
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'a Date';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

/** A SQL literal of a schema default, for DDL (which cannot bind parameters); undefined when none fits. */
export function defaultLiteral(
  schema: Schema,
  zone: Zone,
  options: { quoteString: (s: string) => string; boolean: (b: boolean) => string },
): string | undefined {
  const v = schema.defaultValue;
  if (v === undefined || v === null) return undefined;
  const kind = fieldKind(schema, 'default');
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
    case 'float32':
    case 'float64':
      return typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? options.boolean(v) : undefined;
    case 'string':
      return typeof v === 'string' ? options.quoteString(v) : undefined;
    case 'decimal':
      return v instanceof Decimal ? v.toString() : undefined;
    case 'date':
      return v instanceof Date ? options.quoteString(formatDate(v)) : undefined;
    case 'time':
      return v instanceof Date ? options.quoteString(formatTimeOfDay(v)) : undefined;
    case 'timestamp':
      return v instanceof Date ? options.quoteString(formatTimestampMillis(v, zone)) : undefined;
    case 'bytes':
      return undefined;
  }
}

/** `CREATE TABLE IF NOT EXISTS` with NOT NULL for required fields and key columns, and the primary key. */
export function createTableSql(
  table: string,
  columns: readonly ColumnSpec[],
  quote: (name: string) => string,
  columnSql: (c: ColumnSpec) => string,
): string {
  const keys = columns.filter((c) => c.isKey).map((c) => quote(c.name));
  const lines = columns.map((c) => `${quote(c.name)} ${columnSql(c)}`);
  if (keys.length > 0) lines.push(`PRIMARY KEY(${keys.join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${lines.join(',\n')})`;
}

/** The nullability and default part of a column definition. */
export function columnConstraints(c: ColumnSpec, defaultSql: string | undefined): string {
  const notNull = c.isKey || !c.schema.optional;
  return `${notNull ? 'NOT NULL' : 'NULL'}${defaultSql === undefined ? '' : ` DEFAULT ${defaultSql}`}`;
}

/**
 * Checks that auto.evolve can add a column: as Kafka Connect's JDBC sink, a required field needs a
 * default value (existing rows get it).
 */
export function checkAddable(table: TableId, c: ColumnSpec, hasDefault: boolean): void {
  if (!c.schema.optional && !hasDefault) {
    throw new ConnectError(
      `Cannot ALTER TABLE ${[table.schema, table.table].filter(Boolean).join('.')} to add missing field '${c.name}': ` +
        'the field is not optional and has no default value',
    );
  }
}

/** Integer schema for a NUMERIC of this precision (Kafka Connect's JDBC rules). */
function integerSchema(precision: number, optional: boolean): Schema {
  const type = precision > 9 ? 'int64' : precision > 4 ? 'int32' : precision > 2 ? 'int16' : 'int8';
  return Schema.primitive(type, optional);
}

/** A numeric column's Connect schema and converter from its decimal text, per `numeric.mapping`. */
export function numericMapping(
  precision: number | undefined,
  scale: number | undefined,
  mapping: NumericMapping,
  optional: boolean,
): { schema: Schema; convert: (text: string) => unknown } {
  const integerFits = precision !== undefined && precision > 0 && precision <= 18 && scale !== undefined;
  if (integerFits && scale <= 0 && mapping !== 'none') {
    const schema = integerSchema(precision, optional);
    return { schema, convert: schema.type === 'int64' ? (t) => BigInt(t) : (t) => Number(t) };
  }
  if (
    scale !== undefined &&
    scale > 0 &&
    ((mapping === 'best_fit' && integerFits) || mapping === 'best_fit_eager_double')
  ) {
    return { schema: optional ? Schema.OPTIONAL_FLOAT64 : Schema.FLOAT64, convert: (t) => Number(t) };
  }
  if (scale === undefined) {
    // An unconstrained NUMERIC has no fixed scale, which a Connect Decimal needs: exact text instead.
    return mapping === 'best_fit' || mapping === 'best_fit_eager_double'
      ? { schema: optional ? Schema.OPTIONAL_FLOAT64 : Schema.FLOAT64, convert: (t) => Number(t) }
      : { schema: optional ? Schema.OPTIONAL_STRING : Schema.STRING, convert: (t) => t };
  }
  const schema = Logical.decimal(scale, optional);
  return {
    schema,
    convert: (t) => {
      const d = Decimal.parse(t);
      return d.scale === scale ? d : d.withScale(scale);
    },
  };
}

/** A Decimal(0) for integers beyond int64 (MySQL BIGINT UNSIGNED). */
export function unsignedBigintSchema(optional: boolean): Schema {
  const b = Logical.decimalBuilder(0);
  return (optional ? b.optional() : b).build();
}

/** Every field optional or not, as the column's nullability says. */
export function primitive(type: Schema['type'], optional: boolean): Schema {
  return Schema.primitive(type, optional);
}

/** A logical schema (Date, Time, Timestamp), optional or not. */
export function logical(kind: 'date' | 'time' | 'timestamp', optional: boolean): Schema {
  const b =
    kind === 'date' ? Logical.dateBuilder() : kind === 'time' ? Logical.timeBuilder() : Logical.timestampBuilder();
  return (optional ? b.optional() : b).build();
}
