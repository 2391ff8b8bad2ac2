import {
  ConfigSpec,
  type ConnectRecord,
  custom,
  DataError,
  Decimal,
  dateToDays,
  describeValue,
  isLogical,
  LogicalNames,
  type Schema,
  SchemaBuilder,
  type SchemaType,
  Struct,
  type Transformation,
  timeToMillis,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, REPLACE_NULL_WITH_DEFAULT, withReplaceNullWithDefault } from './util/config.js';
import {
  base64,
  isoDateText,
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  javaSplit,
} from './util/java-text.js';
import { copyMap, getEntry, setEntry } from './util/maps.js';
import {
  decimalToBigInt,
  decimalToNumber,
  parseJavaFloat,
  parseJavaInteger,
  toFloat32,
  toIntegerType,
} from './util/numbers.js';
import { fieldValue, requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

/** The types Cast produces. */
export type CastType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string';

const OUTPUT_TYPES: readonly CastType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
];
const INPUT_TYPES: ReadonlySet<SchemaType> = new Set<SchemaType>([...OUTPUT_TYPES, 'bytes']);
const ALL_TYPES: ReadonlySet<string> = new Set<SchemaType>([...INPUT_TYPES, 'array', 'map', 'struct']);
const PURPOSE = 'cast types';

/** A parsed `spec`: one type for the whole key/value, or a type per top-level field. */
export interface CastSpec {
  readonly whole: CastType | undefined;
  readonly fields: ReadonlyMap<string, CastType>;
}

/**
 * Parses Cast's `spec` as Kafka does: `field:type` pairs, or a single type for the whole value.
 * @throws Error with the reason when the spec is invalid.
 */
export function parseCastSpec(items: readonly string[]): CastSpec {
  if (items.length === 0) throw new Error('Must specify at least one field to cast.');
  let whole: CastType | undefined;
  const fields = new Map<string, CastType>();
  for (const item of items) {
    const parts = javaSplit(item, ':');
    if (parts.length > 2 || parts.length === 0) throw new Error(`Invalid cast mapping: ${item}`);
    if (parts.length === 1) whole = outputType(parts[0]!.trim());
    else fields.set(parts[0]!.trim(), outputType(parts[1]!.trim()));
  }
  if (whole !== undefined && items.length > 1) {
    throw new Error(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    );
  }
  return { whole, fields };
}

function outputType(text: string): CastType {
  const type = text.toLowerCase();
  if (!ALL_TYPES.has(type)) throw new Error(`Invalid type found in casting spec: ${text}`);
  if (!(OUTPUT_TYPES as readonly string[]).includes(type)) {
    throw new Error(
      `Cast transformation does not support casting to ${type}; supported types are ${OUTPUT_TYPES.join(', ')}`,
    );
  }
  return type as CastType;
}

/** Cast's config: `spec` and `replace.null.with.default`, as Kafka's `Cast.CONFIG_DEF`. */
export const CAST_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create().list('spec', {
    doc:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of ' +
      'Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, ' +
      'float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
    importance: 'high',
    examples: ['age:int32,price:float64', 'int64'],
    validate: custom<readonly string[] | null>('list of colon-delimited pairs, e.g. foo:bar,abc:xyz', (v) => {
      try {
        parseCastSpec(v ?? []);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    }),
  }),
);

/** What Cast derives once per input schema. */
interface CastPlan {
  readonly schema: Schema;
  /** Target type per field index (struct casts only). */
  readonly casts: readonly (CastType | undefined)[];
  /** Error path per field index. */
  readonly paths: readonly string[];
}

class Cast implements Transformation {
  readonly #side: Side;
  readonly #spec: CastSpec;
  readonly #replaceNullWithDefault: boolean;
  readonly #plans = new SchemaCache<CastPlan>();
  /** The field casts with their error paths, built once rather than per record. */
  readonly #fieldCasts: readonly { readonly field: string; readonly type: CastType; readonly path: string }[];

  constructor(side: Side, spec: CastSpec, replaceNullWithDefault: boolean) {
    this.#side = side;
    this.#spec = spec;
    this.#replaceNullWithDefault = replaceNullWithDefault;
    this.#fieldCasts = [...spec.fields].map(([field, type]) => ({ field, type, path: `field '${field}'` }));
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    const where = this.#side.kind;
    if (schema === null) {
      if (this.#spec.whole !== undefined) {
        return this.#side.update(record, null, castValue(null, value, this.#spec.whole, where));
      }
      const map = requireMap(value, PURPOSE, where);
      const updated = copyMap(map);
      for (const { field, type, path } of this.#fieldCasts) {
        setEntry(updated, field, castValue(null, getEntry(map, field) ?? null, type, path));
      }
      return this.#side.update(record, null, updated);
    }
    if (this.#spec.whole !== undefined) {
      const plan = this.#plans.get(schema) ?? this.#plan(schema);
      return this.#side.update(record, plan.schema, castValue(schema, value, this.#spec.whole, where));
    }
    const struct = requireStruct(value, PURPOSE, where);
    const plan = this.#plans.get(struct.schema) ?? this.#plan(struct.schema);
    return this.#side.update(record, plan.schema, this.#castStruct(struct, plan));
  }

  #castStruct(struct: Struct, plan: CastPlan): Struct {
    const fields = struct.schema.fields;
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const v = fieldValue(struct, field, this.#replaceNullWithDefault);
      const type = plan.casts[i];
      values[i] = type === undefined ? v : castValue(field.schema, v, type, plan.paths[i]!);
    }
    return Struct.trusted(plan.schema, values);
  }

  #plan(schema: Schema): CastPlan {
    const whole = this.#spec.whole;
    let plan: CastPlan;
    if (whole !== undefined) {
      requireInputType(schema, this.#side.kind);
      // A logical name would claim the new type still is a Date/Decimal...: keep only the doc then.
      const builder = isLogical(schema)
        ? SchemaBuilder.type(whole)
        : copySchemaBasics(schema, SchemaBuilder.type(whole));
      if (isLogical(schema) && schema.doc !== undefined) builder.doc(schema.doc);
      if (schema.optional) builder.optional();
      if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
        builder.defaultValue(castValue(schema, schema.defaultValue, whole, `${this.#side.kind} schema default`));
      }
      plan = { schema: builder.build(), casts: [], paths: [] };
    } else {
      if (schema.type !== 'struct') {
        throw new DataError(
          `Only Struct objects supported for [${PURPOSE}] in the record ${this.#side.kind}, found schema ${schema.describe()}`,
          { path: this.#side.kind },
        );
      }
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      const casts: (CastType | undefined)[] = [];
      const paths = schema.fields.map((f) => `field '${f.name}'`);
      for (const field of schema.fields) {
        const type = this.#spec.fields.get(field.name);
        casts.push(type);
        if (type === undefined) {
          builder.field(field.name, field.schema);
          continue;
        }
        requireInputType(field.schema, `field '${field.name}'`);
        const fieldBuilder = SchemaBuilder.type(type);
        if (field.schema.optional) fieldBuilder.optional();
        const d = field.schema.defaultValue;
        if (d !== undefined && d !== null) {
          fieldBuilder.defaultValue(castValue(field.schema, d, type, `default of field '${field.name}'`));
        }
        builder.field(field.name, fieldBuilder.build());
      }
      if (schema.optional) builder.optional();
      let updated = builder.build();
      if (schema.defaultValue instanceof Struct) {
        const defaultStruct = this.#castStruct(schema.defaultValue, { schema: updated, casts, paths });
        updated = SchemaBuilder.from(updated).defaultValue(defaultStruct).build();
      }
      plan = { schema: updated, casts, paths };
    }
    this.#plans.set(schema, plan);
    return plan;
  }
}

function requireInputType(schema: Schema, what: string): void {
  if (!INPUT_TYPES.has(schema.type)) {
    throw new DataError(
      `${what}: Cast transformation does not support casting from ${schema.type}; supported types are ${[...INPUT_TYPES].join(', ')}`,
      { path: what },
    );
  }
}

/** The Connect type of a schemaless value, as Kafka's `ConnectSchema.schemaType` (integral numbers are int64). */
function inferType(value: unknown, path: string): SchemaType {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
  }
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Struct) return 'struct';
  throw new DataError(
    `${path}: Cast transformation was passed ${describeValue(value)}, which is not supported by Connect's data API`,
    { path },
  );
}

/**
 * Casts one value to `target` as Kafka's `Cast.castValueToType`: numbers narrow by truncation, booleans
 * become 1/0, strings parse as Java does, logical Date/Time/Timestamp values cast as their days/ms and
 * Decimals as their numeric value, anything to string as Java prints it (bytes as base64).
 * @throws DataError naming `path` when the value cannot be cast (out of range, not a number, bytes to a number).
 */
export function castValue(schema: Schema | null, value: unknown, target: CastType, path: string): unknown {
  if (value === null || value === undefined) return null;
  const inputType = schema === null ? inferType(value, path) : schema.type;
  if (!INPUT_TYPES.has(inputType)) {
    throw new DataError(
      `${path}: Cast transformation does not support casting from ${inputType}; supported types are ${[...INPUT_TYPES].join(', ')}`,
      { path },
    );
  }
  let v = value;
  if (schema !== null && target !== 'string' && v instanceof Date) v = encodeLogical(schema, v);
  switch (target) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal) return toIntegerType(v, target, path);
      if (typeof v === 'boolean') return target === 'int64' ? (v ? 1n : 0n) : v ? 1 : 0;
      if (typeof v === 'string') return parseJavaInteger(v, target, path);
      break;
    case 'float32':
    case 'float64': {
      let n: number | undefined;
      if (typeof v === 'number') n = v;
      else if (typeof v === 'bigint') n = Number(v);
      else if (v instanceof Decimal) n = decimalToNumber(v);
      else if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (typeof v === 'string') return parseJavaFloat(v, target, path);
      if (n !== undefined) return target === 'float32' ? toFloat32(n, path) : n;
      break;
    }
    case 'boolean':
      // Java: Number.longValue() != 0, so 0.5 is false.
      if (typeof v === 'number') return Number.isNaN(v) ? false : Math.trunc(v) !== 0;
      if (typeof v === 'bigint') return v !== 0n;
      if (v instanceof Decimal) return decimalToBigInt(v) !== 0n;
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const t = v.toLowerCase();
        if (t === 'true' || t === 'false') return t === 'true';
        throw new DataError(`${path}: cannot cast string '${v}' to boolean: expected 'true' or 'false'`, { path });
      }
      break;
    case 'string':
      return castToString(inputType, v);
  }
  throw new DataError(`${path}: unexpected ${describeValue(v)} in Cast transformation to ${target}`, { path });
}

function encodeLogical(schema: Schema, value: Date): number {
  switch (schema.name) {
    case LogicalNames.DATE:
      return dateToDays(value);
    case LogicalNames.TIME:
      return timeToMillis(value);
    default:
      return value.getTime();
  }
}

function castToString(inputType: SchemaType, v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return isoDateText(v);
  if (v instanceof Uint8Array) return base64(v);
  if (v instanceof Decimal) return javaBigDecimalToString(v);
  if (typeof v === 'number') {
    if (inputType === 'float32') return javaFloatToString(v);
    if (inputType === 'float64') return javaDoubleToString(v);
    return Number.isSafeInteger(v) ? String(v) : javaDoubleToString(v);
  }
  return String(v);
}

/** `Cast$Key` and `Cast$Value`. */
export const cast = defineKeyValueTransformation({
  name: 'Cast',
  classNames: [`${KAFKA_TRANSFORMS}.Cast`],
  summary:
    'Cast fields or the entire key or value to a specific type (int8, int16, int32, int64, float32, float64, boolean, string)',
  spec: CAST_SPEC,
  create: (config, side) => new Cast(side, parseCastSpec(config.spec), config[REPLACE_NULL_WITH_DEFAULT]),
});
