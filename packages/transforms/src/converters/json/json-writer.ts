import {
  Decimal,
  dateToDays,
  decimalScale,
  describeValue,
  LogicalNames,
  type Schema,
  Struct,
  timeToMillis,
} from '@tributary/api';
import { at, PathError, preview } from './errors.js';
import { quote, toBase64, twosComplementBase64 } from './json-text.js';
import { bigDecimalString, javaDoubleString, javaFloatString } from './number-format.js';

/**
 * Connect data → JSON text, byte-compatible with Kafka's JsonConverter (Jackson's compact output).
 *
 * One compiled writer per schema (cached by schema identity): struct field keys are pre-quoted and each
 * field has its own small function, so writing a record is a walk of string concatenations.
 */

type Writer = (v: unknown) => string;

const INT_RANGES = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
} as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Kafka's schema `type` names; float32/float64 are `float`/`double`. */
export const JSON_TYPE_NAMES = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float32: 'float',
  float64: 'double',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
  array: 'array',
  map: 'map',
  struct: 'struct',
} as const;

/** What a schema expects, for messages: `int32`, `Decimal (scale 2)`, `struct shop.Order`. */
export function expectedOf(schema: Schema): string {
  switch (schema.name) {
    case LogicalNames.DECIMAL:
      if (schema.type === 'bytes') return `Decimal (scale ${schema.parameters?.scale ?? '?'})`;
      break;
    case LogicalNames.DATE:
      if (schema.type === 'int32') return 'Date (int32 days since the epoch)';
      break;
    case LogicalNames.TIME:
      if (schema.type === 'int32') return 'Time (int32 milliseconds since midnight)';
      break;
    case LogicalNames.TIMESTAMP:
      if (schema.type === 'int64') return 'Timestamp (int64 milliseconds since the epoch)';
      break;
  }
  if (schema.type === 'struct') return schema.name === undefined ? 'struct' : `struct ${schema.name}`;
  return schema.type;
}

function mismatch(schema: Schema, v: unknown): PathError {
  return new PathError(`expected ${expectedOf(schema)}, got ${describeValue(v)}`);
}

function nonFinite(v: number): string {
  // Jackson's QUOTE_NON_NUMERIC_NUMBERS (on by default) writes these as strings.
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

export class JsonWriter {
  readonly #writers = new WeakMap<Schema, Writer>();
  readonly #schemaTexts = new WeakMap<Schema, string>();

  /**
   * @param numericDecimal `decimal.format=NUMERIC`: Decimals as JSON numbers instead of base64.
   * @param replaceNullWithDefault write a field's default in place of null.
   */
  constructor(
    readonly numericDecimal: boolean,
    readonly replaceNullWithDefault: boolean,
  ) {}

  /** The writer of values of `schema` (null handling included). */
  writer(schema: Schema): Writer {
    let w = this.#writers.get(schema);
    if (w === undefined) {
      w = this.#compile(schema);
      this.#writers.set(schema, w);
    }
    return w;
  }

  /**
   * The JSON schema object as Kafka writes it: `type`, then `items` | `keys`,`values` | `fields`, then
   * `optional` (always), `name`, `version`, `doc`, `parameters`, `default` when set; struct fields are
   * their schema object with `"field": name` appended.
   */
  schemaJson(schema: Schema): string {
    let text = this.#schemaTexts.get(schema);
    if (text !== undefined) return text;
    text = `{"type":"${JSON_TYPE_NAMES[schema.type]}"`;
    if (schema.type === 'array') {
      text += `,"items":${this.#childSchema(schema.valueSchema!, '.items')}`;
    } else if (schema.type === 'map') {
      text += `,"keys":${this.#childSchema(schema.keySchema!, '.keys')}`;
      text += `,"values":${this.#childSchema(schema.valueSchema!, '.values')}`;
    } else if (schema.type === 'struct') {
      const parts: string[] = [];
      for (const f of schema.fields) {
        const child = this.#childSchema(f.schema, `.fields[${f.index}]`);
        parts.push(`${child.slice(0, -1)},"field":${quote(f.name)}}`);
      }
      text += `,"fields":[${parts.join(',')}]`;
    }
    text += `,"optional":${schema.optional}`;
    if (schema.name !== undefined) text += `,"name":${quote(schema.name)}`;
    if (schema.version !== undefined) text += `,"version":${schema.version}`;
    if (schema.doc !== undefined) text += `,"doc":${quote(schema.doc)}`;
    if (schema.parameters !== undefined) {
      const params = Object.entries(schema.parameters).map(([k, v]) => `${quote(k)}:${quote(v)}`);
      text += `,"parameters":{${params.join(',')}}`;
    }
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      try {
        text += `,"default":${this.#base(schema)(schema.defaultValue)}`;
      } catch (e) {
        at(e, '.default');
      }
    }
    text += '}';
    this.#schemaTexts.set(schema, text);
    return text;
  }

  #childSchema(schema: Schema, segment: string): string {
    try {
      return this.schemaJson(schema);
    } catch (e) {
      return at(e, segment);
    }
  }

  #compile(schema: Schema): Writer {
    const base = this.#base(schema);
    const dflt = schema.defaultValue;
    if (dflt !== undefined && dflt !== null && this.replaceNullWithDefault) {
      let defaultText: string | undefined;
      return (v) => {
        if (v !== null && v !== undefined) return base(v);
        defaultText ??= base(dflt);
        return defaultText;
      };
    }
    if (schema.optional) return (v) => (v === null || v === undefined ? 'null' : base(v));
    return (v) => {
      if (v === null || v === undefined) {
        throw new PathError(`a value is required (schema ${schema.describe()}), got null`);
      }
      return base(v);
    };
  }

  /** The writer of non-null values of `schema`. */
  #base(schema: Schema): Writer {
    switch (schema.name) {
      case LogicalNames.DECIMAL:
        if (schema.type === 'bytes') return this.#decimal(schema);
        break;
      case LogicalNames.DATE:
        if (schema.type === 'int32') {
          return (v) => {
            if (!(v instanceof Date)) throw mismatch(schema, v);
            return String(dateToDays(v));
          };
        }
        break;
      case LogicalNames.TIME:
        if (schema.type === 'int32') {
          return (v) => {
            if (!(v instanceof Date)) throw mismatch(schema, v);
            return String(timeToMillis(v));
          };
        }
        break;
      case LogicalNames.TIMESTAMP:
        if (schema.type === 'int64') {
          return (v) => {
            if (!(v instanceof Date) || !Number.isFinite(v.getTime())) throw mismatch(schema, v);
            return String(v.getTime());
          };
        }
        break;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32': {
        const [min, max] = INT_RANGES[schema.type];
        const type = schema.type;
        return (v) => {
          if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(schema, v);
          if (v < min || v > max) throw new PathError(`${v} is out of range for ${type} [${min}, ${max}]`);
          return String(v);
        };
      }
      case 'int64':
        return (v) => {
          if (typeof v !== 'bigint') throw mismatch(schema, v);
          if (v < INT64_MIN || v > INT64_MAX) throw new PathError(`${v} is out of range for int64`);
          return v.toString();
        };
      case 'float32':
        return (v) => {
          if (typeof v !== 'number') throw mismatch(schema, v);
          if (!Number.isFinite(v)) return nonFinite(v);
          if (v > FLOAT32_MAX || v < -FLOAT32_MAX) throw new PathError(`${v} is out of range for float32`);
          return javaFloatString(v);
        };
      case 'float64':
        return (v) => {
          if (typeof v !== 'number') throw mismatch(schema, v);
          return Number.isFinite(v) ? javaDoubleString(v) : nonFinite(v);
        };
      case 'boolean':
        return (v) => {
          if (typeof v !== 'boolean') throw mismatch(schema, v);
          return v ? 'true' : 'false';
        };
      case 'string':
        return (v) => {
          if (typeof v !== 'string') throw mismatch(schema, v);
          return quote(v);
        };
      case 'bytes':
        return (v) => {
          if (!(v instanceof Uint8Array)) throw mismatch(schema, v);
          return `"${toBase64(v)}"`;
        };
      case 'array':
        return this.#array(schema);
      case 'map':
        return this.#map(schema);
      case 'struct':
        return this.#struct(schema);
    }
  }

  #decimal(schema: Schema): Writer {
    const scale = decimalScale(schema);
    const numeric = this.numericDecimal;
    return (v) => {
      if (!(v instanceof Decimal)) throw mismatch(schema, v);
      if (v.scale !== scale) {
        throw new PathError(`Decimal ${v.toString()} has scale ${v.scale}, the schema requires scale ${scale}`);
      }
      return numeric ? bigDecimalString(v.unscaled, v.scale) : `"${twosComplementBase64(v.unscaled)}"`;
    };
  }

  #array(schema: Schema): Writer {
    const item = this.writer(schema.valueSchema!);
    return (v) => {
      if (!Array.isArray(v)) throw mismatch(schema, v);
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ',';
        try {
          out += item(v[i]);
        } catch (e) {
          at(e, `[${i}]`);
        }
      }
      return `${out}]`;
    };
  }

  #map(schema: Schema): Writer {
    const keyW = this.writer(schema.keySchema!);
    const valueW = this.writer(schema.valueSchema!);
    const objectMode = schema.keySchema!.type === 'string';
    return (v) => {
      if (!(v instanceof Map)) throw mismatch(schema, v);
      let out = objectMode ? '{' : '[';
      let first = true;
      for (const [k, val] of v) {
        let keyText: string;
        let valueText: string;
        try {
          keyText = keyW(k);
        } catch (e) {
          return at(e, `[key ${preview(k)}]`);
        }
        try {
          valueText = valueW(val);
        } catch (e) {
          return at(e, `[${preview(k)}]`);
        }
        if (!first) out += ',';
        first = false;
        // Kafka uses the key node's text: a null key of an optional string schema becomes "null".
        if (objectMode) out += `${keyText === 'null' ? '"null"' : keyText}:${valueText}`;
        else out += `[${keyText},${valueText}]`;
      }
      return out + (objectMode ? '}' : ']');
    };
  }

  #struct(schema: Schema): Writer {
    const fields = schema.fields;
    const keys = fields.map((f, i) => `${i === 0 ? '' : ','}${quote(f.name)}:`);
    const writers = fields.map((f) => this.writer(f.schema));
    const n = fields.length;
    return (v) => {
      if (!(v instanceof Struct)) throw mismatch(schema, v);
      if (v.schema !== schema && !v.schema.equals(schema)) {
        throw new PathError(`struct schema ${v.schema.describe()} does not match the expected ${schema.describe()}`);
      }
      const values = v.values();
      let out = '{';
      for (let i = 0; i < n; i++) {
        try {
          out += keys[i]! + writers[i]!(values[i]);
        } catch (e) {
          at(e, `.${fields[i]!.name}`);
        }
      }
      return `${out}}`;
    };
  }

  /**
   * Schemaless data → JSON: numbers as integers when they are safe integers (else as Java doubles),
   * bigints as integers, bytes as base64, Maps as objects when every key is a string (else as
   * `[key, value]` pairs), plain objects as objects, Structs with their own schema, Decimals as numbers.
   */
  schemaless(v: unknown): string {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (Number.isSafeInteger(v)) return String(v);
        return Number.isFinite(v) ? javaDoubleString(v) : nonFinite(v);
      case 'bigint':
        return v.toString();
      case 'string':
        return quote(v);
    }
    if (v instanceof Uint8Array) return `"${toBase64(v)}"`;
    if (Array.isArray(v)) {
      let out = '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ',';
        try {
          out += this.schemaless(v[i]);
        } catch (e) {
          at(e, `[${i}]`);
        }
      }
      return `${out}]`;
    }
    if (v instanceof Map) {
      let objectMode = true;
      for (const k of v.keys()) {
        if (typeof k !== 'string') {
          objectMode = false;
          break;
        }
      }
      const parts: string[] = [];
      for (const [k, val] of v) {
        let valueText: string;
        try {
          valueText = this.schemaless(val);
        } catch (e) {
          return at(e, `[${preview(k)}]`);
        }
        if (objectMode) parts.push(`${quote(k as string)}:${valueText}`);
        else {
          try {
            parts.push(`[${this.schemaless(k)},${valueText}]`);
          } catch (e) {
            return at(e, `[key ${preview(k)}]`);
          }
        }
      }
      return objectMode ? `{${parts.join(',')}}` : `[${parts.join(',')}]`;
    }
    if (v instanceof Struct) return this.writer(v.schema)(v);
    if (v instanceof Decimal) return bigDecimalString(v.unscaled, v.scale);
    if (v instanceof Date) {
      throw new PathError(`a Date needs a Date, Time or Timestamp schema; got ${describeValue(v)} without a schema`);
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        let out = '{';
        let first = true;
        for (const k of Object.keys(v)) {
          try {
            out += `${first ? '' : ','}${quote(k)}:${this.schemaless((v as Record<string, unknown>)[k])}`;
          } catch (e) {
            at(e, `.${k}`);
          }
          first = false;
        }
        return `${out}}`;
      }
    }
    throw new PathError(`cannot convert ${describeValue(v)} to JSON without a schema`);
  }
}
