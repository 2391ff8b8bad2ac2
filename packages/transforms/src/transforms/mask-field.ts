import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  Decimal,
  decimalScale,
  describeValue,
  LogicalNames,
  type Schema,
  Struct,
  type Transformation,
} from '@tributary/api';
import {
  KAFKA_TRANSFORMS,
  nonEmptyList,
  nonEmptyString,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import { copyMap, getEntry, setEntry } from './util/maps.js';
import { decimalToNumber, type IntegerType, toFloat32, toIntegerType } from './util/numbers.js';
import { fieldValues, requireMap, requireStruct } from './util/requirements.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

const PURPOSE = 'mask fields';
const BIG_DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** MaskField's config: `fields`, `replacement`, `replace.null.with.default`. */
export const MASK_FIELD_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .list('fields', {
      doc: 'Names of fields to mask.',
      importance: 'high',
      examples: ['ssn,card'],
      validate: nonEmptyList(),
    })
    .string('replacement', {
      doc:
        "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string " +
        'values only).',
      default: null,
      importance: 'low',
      examples: ['****'],
      validate: nonEmptyString(),
    }),
);

/** The kinds of values MaskField distinguishes, from the field schema or (schemaless) the value itself. */
type MaskKind =
  | IntegerType
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'decimal'
  | 'date'
  | 'array'
  | 'map'
  | 'other';

function kindOfSchema(schema: Schema): MaskKind {
  if (schema.name === LogicalNames.DECIMAL && schema.type === 'bytes') return 'decimal';
  if (
    (schema.name === LogicalNames.DATE && schema.type === 'int32') ||
    (schema.name === LogicalNames.TIME && schema.type === 'int32') ||
    (schema.name === LogicalNames.TIMESTAMP && schema.type === 'int64')
  ) {
    return 'date';
  }
  switch (schema.type) {
    case 'bytes':
    case 'struct':
      return 'other';
    default:
      return schema.type;
  }
}

function kindOfValue(value: unknown): MaskKind {
  switch (typeof value) {
    // Schemaless integral numbers are longs in Kafka (as JSON gives them), others doubles.
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
  }
  if (value instanceof Decimal) return 'decimal';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  if (
    value instanceof Map ||
    (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    return 'map';
  }
  return 'other';
}

class MaskField implements Transformation {
  readonly #side: Side;
  readonly #fields: ReadonlySet<string>;
  readonly #replacement: string | null;
  readonly #replaceNullWithDefault: boolean;

  constructor(side: Side, fields: readonly string[], replacement: string | null, replaceNullWithDefault: boolean) {
    this.#side = side;
    this.#fields = new Set(fields);
    this.#replacement = replacement;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    const schema = this.#side.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE, this.#side.kind);
      const updated = copyMap(map);
      for (const field of this.#fields) {
        // As Kafka: a listed field that is absent comes out as null.
        const v = getEntry(map, field) ?? null;
        setEntry(updated, field, v === null ? null : this.#mask(kindOfValue(v), v, null, field));
      }
      return this.#side.update(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE, this.#side.kind);
    const values = fieldValues(struct, this.#replaceNullWithDefault);
    for (const f of struct.schema.fields) {
      const v = values[f.index];
      if (v === null || !this.#fields.has(f.name)) continue;
      values[f.index] = this.#mask(kindOfSchema(f.schema), v, f.schema, f.name);
    }
    return this.#side.update(record, schema, Struct.trusted(struct.schema, values));
  }

  #mask(kind: MaskKind, value: unknown, schema: Schema | null, field: string): unknown {
    const path = `field '${field}'`;
    if (this.#replacement === null) {
      switch (kind) {
        case 'int8':
        case 'int16':
        case 'int32':
        case 'float32':
        case 'float64':
          return 0;
        case 'int64':
          return typeof value === 'number' ? 0 : 0n;
        case 'boolean':
          return false;
        case 'string':
          return '';
        case 'decimal':
          return new Decimal(0n, schema === null ? (value as Decimal).scale : decimalScale(schema));
        case 'date':
          return new Date(0);
        case 'array':
          return [];
        case 'map':
          return value instanceof Map ? new Map() : {};
        default:
          throw new DataError(`${path}: Cannot mask value of type: ${describeValue(value)}`, { path: field });
      }
    }
    const r = this.#replacement;
    switch (kind) {
      case 'string':
        return r;
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64': {
        const n = toIntegerType(parseReplacementNumber(r, path), kind, path);
        // A schemaless int64 held as a number stays a number.
        return typeof value === 'number' && typeof n === 'bigint' ? Number(n) : n;
      }
      case 'float32':
        return toFloat32(decimalToNumber(parseReplacementNumber(r, path)), path);
      case 'float64':
        return decimalToNumber(parseReplacementNumber(r, path));
      case 'decimal': {
        const d = parseReplacementNumber(r, path);
        if (schema === null) return d;
        try {
          return d.withScale(decimalScale(schema));
        } catch (err) {
          throw new DataError(`${path}: replacement ${(err as Error).message}`, { path: field, cause: err });
        }
      }
      default:
        throw new DataError(
          `${path}: Cannot mask value of type ${describeValue(value)} with custom replacement (only numbers and strings can be)`,
          { path: field },
        );
    }
  }
}

/** Kafka converts replacements through BigDecimal: `1.5` is a valid replacement of an int (truncated to 1). */
function parseReplacementNumber(text: string, path: string): Decimal {
  if (!BIG_DECIMAL_RE.test(text))
    throw new DataError(`${path}: Unable to convert ${text} (string) to number`, { path });
  return Decimal.parse(text);
}

/** `MaskField$Key` and `MaskField$Value`. */
export const maskField = defineKeyValueTransformation({
  name: 'MaskField',
  classNames: [`${KAFKA_TRANSFORMS}.MaskField`],
  summary:
    'Mask specified fields with a valid null value for the field type (0, false, empty string, ...), or a replacement converted to the type',
  spec: MASK_FIELD_SPEC,
  create: (config, side) =>
    new MaskField(
      side,
      config.fields,
      config.replacement === null ? null : config.replacement.trim(),
      config[REPLACE_NULL_WITH_DEFAULT],
    ),
});
