/**
 * Column types → Connect schemas and values, as Debezium's MySQL connector maps them. One {@link TableSchema}
 * per table structure: key, row ("Value") and envelope schemas plus one converter per column, built once and
 * reused for every row (snapshot rows from mysql2 and binlog rows from zongji arrive in the same raw forms:
 * numbers or exact strings for integers, strings for DECIMAL, date/time text, Buffers for binary and BIT).
 */
import { DataError, Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import type { BigintUnsignedMode, BinaryMode, DecimalMode, TimePrecisionMode } from './config.js';
import { envelopeSchema } from './envelope.js';
import {
  floorDiv,
  MICROS_PER_DAY,
  parseEpochDay,
  parseEpochMicros,
  parseTimeMicros,
  toZonedTimestamp,
} from './temporal.js';

/** One column as read from information_schema (or from the schema history kept in the offsets). */
export interface ColumnInfo {
  readonly name: string;
  /** `COLUMN_TYPE`, lower case: `int(10) unsigned`, `decimal(10,2)`, `enum('a','b')`, `datetime(3)`. */
  readonly columnType: string;
  readonly nullable: boolean;
  /** Position in the primary key (1-based); 0 when not part of it. */
  readonly pkSeq: number;
  /** Character set of text columns; null for others (zongji decodes text by it). */
  readonly charset: string | null;
  /** JSON column: MySQL's JSON type, or MariaDB's alias (LONGTEXT with a json_valid check). */
  readonly json: boolean;
  /** Extra facts for schema change events only (absent when restored from the offsets). */
  readonly extra?: ColumnExtra;
}

export interface ColumnExtra {
  readonly autoIncrement: boolean;
  readonly generated: boolean;
  readonly comment: string | null;
  readonly defaultValue: string | null;
}

/** A table's columns in ordinal order. */
export interface TableInfo {
  readonly db: string;
  readonly table: string;
  readonly columns: readonly ColumnInfo[];
}

export interface MappingOptions {
  readonly decimalMode: DecimalMode;
  readonly bigintUnsignedMode: BigintUnsignedMode;
  readonly timePrecisionMode: TimePrecisionMode;
  readonly binaryMode: BinaryMode;
}

/** How one column appears in records. */
export interface ColumnMapping {
  readonly name: string;
  readonly schema: Schema;
  /** Raw value (never null) → Connect value for `schema`. @throws DataError for a value out of its type. */
  readonly convert: (raw: unknown) => unknown;
}

/** The data type: the first word of COLUMN_TYPE (`int`, `decimal`, `enum`, …). */
export function dataType(columnType: string): string {
  const m = /^[a-z0-9_]+/.exec(columnType.toLowerCase());
  return m === null ? '' : m[0];
}

function typeArgs(columnType: string): number[] {
  const m = /^[a-z0-9_]+\(([\d\s,]+)\)/.exec(columnType.toLowerCase());
  return m === null ? [] : m[1]!.split(',').map((x) => Number(x.trim()));
}

function isUnsigned(columnType: string): boolean {
  return /\bunsigned\b/i.test(columnType);
}

/** Values of ENUM('a','b') / SET(...), unquoted ('' inside quotes is one quote). */
export function enumValues(columnType: string): string[] {
  const m = /^(?:enum|set)\((.*)\)/is.exec(columnType);
  if (m === null) return [];
  const out: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (let v = re.exec(m[1]!); v !== null; v = re.exec(m[1]!)) out.push(v[1]!.replace(/''/g, "'"));
  return out;
}

/** Fractional-second digits of TIME/DATETIME/TIMESTAMP(n). */
export function fractionDigits(columnType: string): number {
  return typeArgs(columnType)[0] ?? 0;
}

const GEOMETRY_TYPES = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);

const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'uuid', 'inet4', 'inet6']);

function named(builder: SchemaBuilder, name: string, optional: boolean): Schema {
  builder.name(name).version(1);
  return (optional ? builder.optional() : builder).build();
}

const toBigInt = (raw: unknown): bigint => (typeof raw === 'bigint' ? raw : BigInt(raw as number | string));
const toNumber = (raw: unknown): number => (typeof raw === 'number' ? raw : Number(raw));
const toText = (raw: unknown): string =>
  typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : String(raw);
const toBuffer = (raw: unknown): Buffer =>
  Buffer.isBuffer(raw) ? raw : raw instanceof Uint8Array ? Buffer.from(raw) : Buffer.from(String(raw), 'binary');

/**
 * The shortest decimal that reads back as the same float32 (Java's Float.toString), so that a FLOAT read from
 * the binlog (binary float32) and from a snapshot (server text) give the same number.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  const f = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

function binaryConverter(mode: BinaryMode): (raw: unknown) => unknown {
  switch (mode) {
    case 'bytes':
      return toBuffer;
    case 'base64':
      return (raw) => toBuffer(raw).toString('base64');
    case 'base64-url-safe':
      return (raw) => toBuffer(raw).toString('base64url');
    case 'hex':
      return (raw) => toBuffer(raw).toString('hex');
  }
}

function checkInt(name: string, n: number, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DataError(`column '${name}': ${n} does not fit its type`, { path: name });
  }
  return n;
}

/**
 * The mapping of one column, or null for types this connector cannot represent (spatial types: zongji does
 * not keep their WKB bytes); such columns are left out of the row schema.
 */
export function mapColumn(column: ColumnInfo, options: MappingOptions): ColumnMapping | null {
  const { name, columnType, nullable: optional } = column;
  const type = dataType(columnType);
  const unsigned = isUnsigned(columnType);
  const args = typeArgs(columnType);
  const plain = (schema: Schema, convert: (raw: unknown) => unknown): ColumnMapping => ({ name, schema, convert });
  if (column.json)
    return plain(named(SchemaBuilder.string(), 'io.debezium.data.Json', optional), (raw) =>
      typeof raw === 'string' ? raw : raw instanceof Uint8Array ? toText(raw) : JSON.stringify(raw),
    );
  switch (type) {
    case 'tinyint':
      return plain(Schema.primitive('int16', optional), (raw) => checkInt(name, toNumber(raw), -128, 255));
    case 'smallint':
      return unsigned
        ? plain(Schema.primitive('int32', optional), (raw) => checkInt(name, toNumber(raw), 0, 65535))
        : plain(Schema.primitive('int16', optional), (raw) => checkInt(name, toNumber(raw), -32768, 32767));
    case 'mediumint':
      return plain(Schema.primitive('int32', optional), (raw) => checkInt(name, toNumber(raw), -8388608, 16777215));
    case 'int':
    case 'integer':
      return unsigned
        ? plain(Schema.primitive('int64', optional), toBigInt)
        : plain(Schema.primitive('int32', optional), (raw) => checkInt(name, toNumber(raw), -2147483648, 2147483647));
    case 'bigint':
      if (!unsigned) return plain(Schema.primitive('int64', optional), toBigInt);
      if (options.bigintUnsignedMode === 'precise') {
        const b = Logical.decimalBuilder(0).parameter('connect.decimal.precision', '20');
        return plain((optional ? b.optional() : b).build(), (raw) => new Decimal(toBigInt(raw), 0));
      }
      // Debezium's 'long' mode: values above 2^63-1 wrap around.
      return plain(Schema.primitive('int64', optional), (raw) => BigInt.asIntN(64, toBigInt(raw)));
    case 'decimal':
    case 'numeric':
    case 'fixed': {
      const precision = args[0] ?? 10;
      const scale = args[1] ?? 0;
      switch (options.decimalMode) {
        case 'precise': {
          const b = Logical.decimalBuilder(scale).parameter('connect.decimal.precision', String(precision));
          return plain((optional ? b.optional() : b).build(), (raw) => Decimal.parse(toText(raw)).withScale(scale));
        }
        case 'double':
          return plain(Schema.primitive('float64', optional), toNumber);
        case 'string':
          return plain(Schema.primitive('string', optional), (raw) =>
            Decimal.parse(toText(raw)).withScale(scale).toString(),
          );
      }
      break;
    }
    case 'float':
      // FLOAT(M,D) is a double in Debezium; plain FLOAT (precision ≤ 23) a float32.
      return args.length === 2
        ? plain(Schema.primitive('float64', optional), toNumber)
        : plain(Schema.primitive('float32', optional), (raw) => shortestFloat32(toNumber(raw)));
    case 'double':
    case 'real':
      return plain(Schema.primitive('float64', optional), toNumber);
    case 'bit': {
      const bits = args[0] ?? 1;
      if (bits === 1) {
        return plain(Schema.primitive('boolean', optional), (raw) =>
          typeof raw === 'number' ? raw !== 0 : toBuffer(raw).some((b) => b !== 0),
        );
      }
      const bytes = Math.ceil(bits / 8);
      const b = SchemaBuilder.bytes().parameter('length', String(bits));
      // Debezium's io.debezium.data.Bits: little-endian, exactly ceil(n/8) bytes; the server sends big-endian.
      return plain(named(b, 'io.debezium.data.Bits', optional), (raw) => {
        const be = toBuffer(raw);
        const out = Buffer.alloc(bytes);
        for (let i = 0; i < bytes && i < be.length; i++) out[i] = be[be.length - 1 - i]!;
        return out;
      });
    }
    case 'enum':
      return plain(
        named(
          SchemaBuilder.string().parameter('allowed', enumValues(columnType).join(',')),
          'io.debezium.data.Enum',
          optional,
        ),
        toText,
      );
    case 'set':
      return plain(
        named(
          SchemaBuilder.string().parameter('allowed', enumValues(columnType).join(',')),
          'io.debezium.data.EnumSet',
          optional,
        ),
        toText,
      );
    case 'json':
      return plain(named(SchemaBuilder.string(), 'io.debezium.data.Json', optional), (raw) =>
        typeof raw === 'string' ? raw : JSON.stringify(raw),
      );
    case 'year':
      return plain(named(SchemaBuilder.int32(), 'io.debezium.time.Year', optional), toNumber);
    case 'date':
      return dateMapping(column, options);
    case 'time':
      return timeMapping(column, options);
    case 'datetime':
      return datetimeMapping(column, options);
    case 'timestamp': {
      const digits = fractionDigits(columnType);
      return plain(named(SchemaBuilder.string(), 'io.debezium.time.ZonedTimestamp', optional), (raw) =>
        zeroOr(column, toZonedTimestamp(toText(raw), digits), '1970-01-01T00:00:00Z'),
      );
    }
  }
  if (BINARY_TYPES.has(type)) {
    const schema =
      options.binaryMode === 'bytes' ? Schema.primitive('bytes', optional) : Schema.primitive('string', optional);
    return plain(schema, binaryConverter(options.binaryMode));
  }
  if (TEXT_TYPES.has(type)) return plain(Schema.primitive('string', optional), toText);
  if (GEOMETRY_TYPES.has(type)) return null;
  return null;
}

/** Debezium: a zero date is null when the column is nullable, else the epoch. */
function zeroOr<T>(column: ColumnInfo, value: T | null, epoch: T): T | null {
  if (value !== null) return value;
  return column.nullable ? null : epoch;
}

function dateMapping(column: ColumnInfo, options: MappingOptions): ColumnMapping {
  const optional = column.nullable;
  if (options.timePrecisionMode === 'connect') {
    return {
      name: column.name,
      schema: optional ? Logical.OPTIONAL_DATE : Logical.DATE,
      convert: (raw) => {
        const day = zeroOr(column, parseEpochDay(toText(raw)), 0);
        return day === null ? null : new Date(day * 86_400_000);
      },
    };
  }
  return {
    name: column.name,
    schema: named(SchemaBuilder.int32(), 'io.debezium.time.Date', optional),
    convert: (raw) => zeroOr(column, parseEpochDay(toText(raw)), 0),
  };
}

function timeMapping(column: ColumnInfo, options: MappingOptions): ColumnMapping {
  const optional = column.nullable;
  const parse = (raw: unknown): bigint => {
    const micros = parseTimeMicros(toText(raw));
    if (micros === null)
      throw new DataError(`column '${column.name}': '${toText(raw)}' is not a TIME`, { path: column.name });
    return micros;
  };
  if (options.timePrecisionMode === 'connect') {
    return {
      name: column.name,
      schema: optional ? Logical.OPTIONAL_TIME : Logical.TIME,
      convert: (raw) => {
        const micros = parse(raw);
        if (micros < 0n || micros >= MICROS_PER_DAY) {
          throw new DataError(
            `column '${column.name}': TIME '${toText(raw)}' is outside 00:00:00–24:00:00 and cannot be a Connect Time; use time.precision.mode=adaptive_time_microseconds`,
            { path: column.name },
          );
        }
        return new Date(Number(micros / 1000n));
      },
    };
  }
  return {
    name: column.name,
    schema: named(SchemaBuilder.int64(), 'io.debezium.time.MicroTime', optional),
    convert: parse,
  };
}

function datetimeMapping(column: ColumnInfo, options: MappingOptions): ColumnMapping {
  const optional = column.nullable;
  const micros = (raw: unknown): bigint | null => zeroOr(column, parseEpochMicros(toText(raw)), 0n);
  if (options.timePrecisionMode === 'connect') {
    return {
      name: column.name,
      schema: optional ? Logical.OPTIONAL_TIMESTAMP : Logical.TIMESTAMP,
      convert: (raw) => {
        const us = micros(raw);
        return us === null ? null : new Date(Number(floorDiv(us, 1000n)));
      },
    };
  }
  if (fractionDigits(column.columnType) <= 3) {
    return {
      name: column.name,
      schema: named(SchemaBuilder.int64(), 'io.debezium.time.Timestamp', optional),
      convert: (raw) => {
        const us = micros(raw);
        return us === null ? null : floorDiv(us, 1000n);
      },
    };
  }
  return {
    name: column.name,
    schema: named(SchemaBuilder.int64(), 'io.debezium.time.MicroTimestamp', optional),
    convert: micros,
  };
}

/** Everything records of one table structure need: schemas and per-column converters. */
export interface TableSchema {
  readonly info: TableInfo;
  /** `<db>.<table>` */
  readonly id: string;
  readonly topic: string;
  /** Columns that appear in records (unsupported types left out), with their index in `info.columns`. */
  readonly columns: readonly (ColumnMapping & { readonly index: number })[];
  readonly valueSchema: Schema;
  /** Null when the table has no primary key (records then have a null key, as Debezium). */
  readonly keySchema: Schema | null;
  /** Indexes into `columns` of the key fields, in primary key order. */
  readonly keyIndexes: readonly number[];
  readonly envelopeSchema: Schema;
  /** Column names left out because their type is not supported. */
  readonly skipped: readonly string[];
}

/** Builds the schemas of a table: topic `<prefix>.<db>.<table>`, schema names `<topic>.Key/.Value/.Envelope`. */
export function buildTableSchema(prefix: string, info: TableInfo, options: MappingOptions): TableSchema {
  const topic = `${prefix}.${info.db}.${info.table}`;
  const columns: (ColumnMapping & { index: number })[] = [];
  const skipped: string[] = [];
  info.columns.forEach((column, index) => {
    const mapping = mapColumn(column, options);
    if (mapping === null) skipped.push(column.name);
    else columns.push({ ...mapping, index });
  });
  const value = SchemaBuilder.struct().name(`${topic}.Value`).optional();
  for (const c of columns) value.field(c.name, c.schema);
  const valueSchema = value.build();
  const keyColumns = columns
    .map((c, i) => ({ i, seq: info.columns[c.index]!.pkSeq }))
    .filter((k) => k.seq > 0)
    .sort((a, b) => a.seq - b.seq);
  let keySchema: Schema | null = null;
  if (keyColumns.length > 0) {
    const key = SchemaBuilder.struct().name(`${topic}.Key`);
    for (const k of keyColumns) key.field(columns[k.i]!.name, columns[k.i]!.schema);
    keySchema = key.build();
  }
  return {
    info,
    id: `${info.db}.${info.table}`,
    topic,
    columns,
    valueSchema,
    keySchema,
    keyIndexes: keyColumns.map((k) => k.i),
    envelopeSchema: envelopeSchema(`${topic}.Envelope`, valueSchema),
    skipped,
  };
}

/** The row struct of raw values given by column name (zongji's rows). */
export function rowFromObject(schema: TableSchema, row: Readonly<Record<string, unknown>>): Struct {
  const cols = schema.columns;
  const values = new Array<unknown>(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const raw = row[c.name];
    values[i] = raw === null || raw === undefined ? null : convertChecked(c, raw);
  }
  return Struct.trusted(schema.valueSchema, values);
}

/** The row struct of raw values in `info.columns` order (mysql2's `rowsAsArray`). */
export function rowFromArray(schema: TableSchema, row: readonly unknown[]): Struct {
  const cols = schema.columns;
  const values = new Array<unknown>(cols.length);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const raw = row[c.index];
    values[i] = raw === null || raw === undefined ? null : convertChecked(c, raw);
  }
  return Struct.trusted(schema.valueSchema, values);
}

function convertChecked(c: ColumnMapping, raw: unknown): unknown {
  try {
    return c.convert(raw);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`column '${c.name}': cannot convert ${String(raw).slice(0, 40)}: ${(e as Error).message}`, {
      path: c.name,
      cause: e,
    });
  }
}

/** The key struct of a row struct, or null for tables without a primary key. */
export function keyOf(schema: TableSchema, row: Struct): Struct | null {
  if (schema.keySchema === null) return null;
  const values = row.values();
  return Struct.trusted(
    schema.keySchema,
    schema.keyIndexes.map((i) => values[i]),
  );
}

/** A compact, stable text of a table structure, to tell whether two structures are the same. */
export function structureKey(info: TableInfo): string {
  return JSON.stringify(info.columns.map((c) => [c.name, c.columnType, c.nullable, c.pkSeq, c.charset, c.json]));
}
