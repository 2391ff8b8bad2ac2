import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  describeValue,
  Logical,
  LogicalNames,
  MILLIS_PER_DAY,
  Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import {
  crossFieldError,
  KAFKA_TRANSFORMS,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import { copyMap, getEntry, setEntry } from './util/maps.js';
import { fieldValue, requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';
import { SimpleDateFormat } from './util/simple-date-format.js';

const PURPOSE = 'converting timestamp formats';
const MAX_DATE_MS = 8.64e15;

/** Values of TimestampConverter's `target.type`. */
export const TIMESTAMP_TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
/** Timestamp representations: text, epoch number, or the three Connect logical types. */
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];
/** Values of TimestampConverter's `unix.precision`. */
export const UNIX_PRECISIONS = ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'] as const;
export type UnixPrecision = (typeof UNIX_PRECISIONS)[number];

/** TimestampConverter's config: `field`, `target.type`, `format`, `unix.precision`, `replace.null.with.default`. */
export const TIMESTAMP_CONVERTER_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .string('field', {
      doc: 'The field containing the timestamp, or empty if the entire value is a timestamp',
      default: '',
      importance: 'high',
      examples: ['created_at'],
    })
    .enum('target.type', TIMESTAMP_TYPES, {
      doc: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
      importance: 'high',
    })
    .string('format', {
      doc:
        'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string ' +
        'or used to parse the input if the input is a string. Formatting and parsing use UTC.',
      default: '',
      importance: 'medium',
      examples: ["yyyy-MM-dd'T'HH:mm:ss.SSSX", 'yyyy-MM-dd'],
    })
    .enum('unix.precision', UNIX_PRECISIONS, {
      doc:
        'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used ' +
        'to generate the output when type=unix or used to parse the input if the input is a Long. Note: This SMT ' +
        'will cause precision loss during conversions from, and to, values with sub-millisecond components.',
      default: 'milliseconds',
      importance: 'low',
    }),
);

interface Settings {
  readonly field: string;
  readonly target: TimestampType;
  readonly format: SimpleDateFormat | null;
  readonly precision: UnixPrecision;
  readonly replaceNullWithDefault: boolean;
}

/** The schema of a timestamp type. */
function typeSchema(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schema.OPTIONAL_STRING : Schema.STRING;
    case 'unix':
      return optional ? Schema.OPTIONAL_INT64 : Schema.INT64;
    case 'Date':
      return optional ? Logical.OPTIONAL_DATE : Logical.DATE;
    case 'Time':
      return optional ? Logical.OPTIONAL_TIME : Logical.TIME;
    case 'Timestamp':
      return optional ? Logical.OPTIONAL_TIMESTAMP : Logical.TIMESTAMP;
  }
}

/** The timestamp type a schema holds; logical names win over base types. */
function typeFromSchema(schema: Schema, path: string): TimestampType {
  if (schema.name === LogicalNames.TIMESTAMP) return 'Timestamp';
  if (schema.name === LogicalNames.DATE) return 'Date';
  if (schema.name === LogicalNames.TIME) return 'Time';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'int64') return 'unix';
  throw new DataError(`${path}: schema ${schema.describe()} does not correspond to a known timestamp type format`, {
    path,
  });
}

function inferType(value: unknown, path: string): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`${path}: TimestampConverter does not support ${describeValue(value)} as a timestamp`, { path });
}

const UNIX_FACTORS: Readonly<Record<UnixPrecision, bigint>> = {
  seconds: 1000n,
  milliseconds: 1n,
  microseconds: 1000n,
  nanoseconds: 1_000_000n,
};

class TimestampConverter implements Transformation {
  readonly #side: Side;
  readonly #s: Settings;
  readonly #schemas = new SchemaCache<Schema>();
  /** `field '<field>'`, for error messages. */
  readonly #path: string;

  constructor(side: Side, settings: Settings) {
    this.#side = side;
    this.#s = settings;
    this.#path = `field '${settings.field}'`;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record) ?? null;
    const where = this.#side.kind;
    const field = this.#s.field;
    if (schema === null) {
      if (value === null || field === '')
        return this.#side.update(record, null, this.#convert(value, null, where, true));
      const map = requireMap(value, PURPOSE, where);
      const updated = copyMap(map);
      setEntry(updated, field, this.#convert(getEntry(map, field) ?? null, null, this.#path, true));
      return this.#side.update(record, null, updated);
    }
    if (field === '') {
      const updated = typeSchema(this.#s.target, schema.optional);
      return this.#side.update(record, updated, this.#convert(value, typeFromSchema(schema, where), where, false));
    }
    const struct = value === null ? null : requireStruct(value, PURPOSE, where);
    const updated = this.#schemas.get(schema) ?? this.#updatedSchema(schema);
    return this.#side.update(record, updated, struct === null ? null : this.#convertStruct(struct, updated));
  }

  #convertStruct(struct: Struct, updated: Schema): Struct {
    const fields = struct.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const v = fieldValue(struct, f, this.#s.replaceNullWithDefault);
      if (f.name !== this.#s.field) {
        values[i] = v;
        continue;
      }
      values[i] = this.#convert(v, typeFromSchema(f.schema, this.#path), this.#path, false);
    }
    return Struct.trusted(updated, values);
  }

  #updatedSchema(schema: Schema): Schema {
    if (schema.type !== 'struct') {
      throw new DataError(
        `Only Struct objects supported for [${PURPOSE}] in the record ${this.#side.kind}, found schema ${schema.describe()}`,
        { path: this.#side.kind },
      );
    }
    const target = schema.field(this.#s.field);
    if (target === undefined) {
      throw new DataError(
        `field '${this.#s.field}' does not exist in the record ${this.#side.kind} (schema ${schema.describe()}; fields: ${schema.fields.map((f) => f.name).join(', ')})`,
        { path: this.#s.field },
      );
    }
    typeFromSchema(target.schema, `field '${target.name}'`);
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields) {
      builder.field(f.name, f === target ? typeSchema(this.#s.target, f.schema.optional) : f.schema);
    }
    if (schema.optional) builder.optional();
    let updated = builder.build();
    if (schema.defaultValue instanceof Struct) {
      updated = SchemaBuilder.from(updated).defaultValue(this.#convertStruct(schema.defaultValue, updated)).build();
    }
    this.#schemas.set(schema, updated);
    return updated;
  }

  /** Converts one timestamp (null passes) from its type (inferred when null) to the target type. */
  #convert(value: unknown, from: TimestampType | null, path: string, schemaless: boolean): unknown {
    if (value === null || value === undefined) return null;
    const ms = this.#toMillis(value, from ?? inferType(value, path), path);
    return this.#fromMillis(ms, schemaless);
  }

  #toMillis(value: unknown, from: TimestampType, path: string): number {
    switch (from) {
      case 'string': {
        if (typeof value !== 'string') {
          throw new DataError(`${path}: expected string timestamp to be a string, but found ${describeValue(value)}`, {
            path,
          });
        }
        const format = this.#s.format;
        if (format === null) {
          throw new DataError(`${path}: cannot parse string timestamp '${value}': no 'format' is configured`, { path });
        }
        try {
          return format.parse(value).getTime();
        } catch (err) {
          throw new DataError(`${path}: Could not parse timestamp: ${(err as Error).message}`, { path, cause: err });
        }
      }
      case 'unix': {
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
          throw new DataError(`${path}: expected Unix timestamp to be an integer, but found ${describeValue(value)}`, {
            path,
          });
        }
        const big = BigInt(value);
        const p = this.#s.precision;
        // Java's TimeUnit conversions truncate toward zero, as bigint division does.
        const ms = p === 'seconds' ? big * 1000n : p === 'milliseconds' ? big : big / UNIX_FACTORS[p];
        const n = Number(ms);
        if (Math.abs(n) > MAX_DATE_MS) {
          throw new DataError(`${path}: Unix timestamp ${value} (${p}) is out of the supported date range`, { path });
        }
        return n;
      }
      default: {
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
          throw new DataError(`${path}: expected ${from} to be a Date, but found ${describeValue(value)}`, { path });
        }
        return value.getTime();
      }
    }
  }

  #fromMillis(ms: number, schemaless: boolean): unknown {
    switch (this.#s.target) {
      case 'string':
        return this.#s.format!.format(ms);
      case 'unix': {
        const p = this.#s.precision;
        if (p === 'milliseconds' || p === 'seconds') {
          const n = p === 'seconds' ? Math.trunc(ms / 1000) + 0 : ms;
          // Schemaless seconds and milliseconds are numbers (always exact for a Date); int64 schemas need bigints.
          return schemaless ? n : BigInt(n);
        }
        return BigInt(ms) * UNIX_FACTORS[p];
      }
      case 'Date':
        return new Date(Math.floor(ms / MILLIS_PER_DAY) * MILLIS_PER_DAY);
      case 'Time':
        return new Date(((ms % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY);
      case 'Timestamp':
        return new Date(ms);
    }
  }
}

/** `TimestampConverter$Key` and `TimestampConverter$Value`. */
export const timestampConverter = defineKeyValueTransformation({
  name: 'TimestampConverter',
  classNames: [`${KAFKA_TRANSFORMS}.TimestampConverter`],
  summary:
    'Convert timestamps between Unix epoch numbers, strings (SimpleDateFormat, UTC) and Connect Date/Time/Timestamp, for a field or the whole value',
  spec: TIMESTAMP_CONVERTER_SPEC,
  create: (config, side, subject) => {
    const pattern = config.format.trim();
    if (config['target.type'] === 'string' && pattern === '') {
      throw crossFieldError(subject, {
        format: ['TimestampConverter requires format option to be specified when using string timestamps'],
      });
    }
    let format: SimpleDateFormat | null = null;
    if (pattern !== '') {
      try {
        format = new SimpleDateFormat(pattern);
      } catch (err) {
        throw crossFieldError(subject, {
          format: [
            `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern} (${(err as Error).message})`,
          ],
        });
      }
    }
    return new TimestampConverter(side, {
      field: config.field.trim(),
      target: config['target.type'],
      format,
      precision: config['unix.precision'],
      replaceNullWithDefault: config[REPLACE_NULL_WITH_DEFAULT],
    });
  },
});
