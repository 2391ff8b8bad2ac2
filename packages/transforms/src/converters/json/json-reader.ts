import {
  Decimal,
  daysToDate,
  decimalScale,
  LogicalNames,
  MILLIS_PER_DAY,
  type Schema,
  SchemaBuilder,
  Struct,
} from '@tributary/api';
import { at, describeJson, NEED_EXACT, PathError } from './errors.js';
import { RawNumber } from './exact-json.js';
import { fromBase64, shortBase64Int } from './json-text.js';
import { expectedOf } from './json-writer.js';

/**
 * Parsed JSON → Connect data, guided by the schema (Kafka's `convertToConnect`), but strict where Kafka
 * silently coerces: a number out of its type's range, a fraction for an integer type, a string for a
 * number, a Decimal that does not fit its scale are errors naming the path and the expected type.
 *
 * Input nodes come from `JSON.parse` or from the exact parser ({@link RawNumber} for numbers a JavaScript
 * number cannot hold). A reader that meets an integer `JSON.parse` may have rounded throws
 * {@link NEED_EXACT} and the converter parses again exactly.
 */

type Reader = (n: unknown) => unknown;

const INT_RANGES = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
} as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_DATE_MS = 8.64e15;
/** Bigger exponent differences than this are refused rather than computed (`1e1000000000`). */
const MAX_SCALE_SHIFT = 4096;

function mismatch(schema: Schema, n: unknown): PathError {
  return new PathError(`expected ${expectedOf(schema)}, got ${describeJson(n)}`);
}

function isObject(n: unknown): n is Record<string, unknown> {
  return typeof n === 'object' && n !== null && !Array.isArray(n) && !(n instanceof RawNumber);
}

/**
 * The exact integer value of a JSON number text, `undefined` when it has a fraction, or `'huge'` when it
 * has more than `maxDigits` digits.
 */
export function integerOfText(text: string, maxDigits: number): bigint | undefined | 'huge' {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const digits = `${m[2] ?? ''}${m[3] ?? ''}`.replace(/^0+/, '');
  if (digits === '') return 0n;
  const shift = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (shift >= 0) {
    if (digits.length + shift > maxDigits) return 'huge';
    const v = BigInt(digits + '0'.repeat(shift));
    return m[1] === '-' ? -v : v;
  }
  const cut = digits.length + shift;
  if (cut <= 0 || !/^0*$/.test(digits.slice(cut))) return undefined;
  const v = BigInt(digits.slice(0, cut));
  return m[1] === '-' ? -v : v;
}

/** A JSON number node as an exact integer, or a PathError saying why it is not one of `type`. */
function exactInteger(schema: Schema, n: unknown, type: string): bigint | number {
  if (typeof n === 'number') {
    if (!Number.isFinite(n)) throw new PathError(`a number of magnitude beyond 1e308 is out of range for ${type}`);
    if (!Number.isInteger(n)) throw mismatch(schema, n);
    if (!Number.isSafeInteger(n)) throw NEED_EXACT;
    return n;
  }
  if (n instanceof RawNumber) {
    const v = integerOfText(n.text, 40);
    if (v === 'huge') throw new PathError(`${n.text} is out of range for ${type}`);
    if (v === undefined) throw mismatch(schema, n);
    return v;
  }
  throw mismatch(schema, n);
}

function intIn(schema: Schema, n: unknown, type: string, min: number, max: number): number {
  const v = exactInteger(schema, n, type);
  if (v < min || v > max) throw new PathError(`${v} is out of range for ${type} [${min}, ${max}]`);
  return Number(v);
}

function floatOf(schema: Schema, n: unknown, float32: boolean): number {
  let v: number;
  if (typeof n === 'number') v = n;
  else if (n instanceof RawNumber) v = Number(n.text);
  else if (n === 'NaN') return Number.NaN;
  else if (n === 'Infinity') return Number.POSITIVE_INFINITY;
  else if (n === '-Infinity') return Number.NEGATIVE_INFINITY;
  else throw mismatch(schema, n);
  if (float32) v = Math.fround(v);
  if (!Number.isFinite(v)) throw new PathError(`${describeJson(n).slice(7)} is out of range for ${schema.type}`);
  return v;
}

function rescale(d: Decimal, scale: number): Decimal {
  if (d.scale === scale) return d;
  if (Math.abs(scale - d.scale) > MAX_SCALE_SHIFT) {
    throw new PathError(`Decimal with exponent ${-d.scale} does not fit scale ${scale}`);
  }
  try {
    return d.withScale(scale);
  } catch {
    throw new PathError(`Decimal ${d.toString()} does not fit scale ${scale} without rounding`);
  }
}

export class JsonReader {
  readonly #readers = new WeakMap<Schema, Reader>();
  /**
   * True while converting nodes of the exact parser. A Decimal given as a JSON number is trusted only then:
   * from JSON.parse its digits may have been rounded beyond recovery, so the reader asks for an exact parse.
   */
  exact = false;

  constructor(readonly replaceNullWithDefault: boolean) {}

  /** The reader of JSON nodes for `schema` (null handling included). */
  reader(schema: Schema): Reader {
    let r = this.#readers.get(schema);
    if (r === undefined) {
      r = this.#compile(schema);
      this.#readers.set(schema, r);
    }
    return r;
  }

  #compile(schema: Schema): Reader {
    const base = this.#base(schema);
    const dflt = schema.defaultValue;
    const useDefault = dflt !== undefined && dflt !== null && this.replaceNullWithDefault;
    const optional = schema.optional;
    return (n) => {
      if (n === null || n === undefined) {
        if (useDefault) return dflt;
        if (optional) return null;
        throw new PathError(`a value is required (schema ${schema.describe()}), got null`);
      }
      return base(n);
    };
  }

  #base(schema: Schema): Reader {
    switch (schema.name) {
      case LogicalNames.DECIMAL:
        if (schema.type === 'bytes') return this.#decimal(schema);
        break;
      case LogicalNames.DATE:
        if (schema.type === 'int32') {
          return (n) => daysToDate(intIn(schema, n, 'Date', INT_RANGES.int32[0], INT_RANGES.int32[1]));
        }
        break;
      case LogicalNames.TIME:
        if (schema.type === 'int32') return (n) => new Date(intIn(schema, n, 'Time', 0, MILLIS_PER_DAY - 1));
        break;
      case LogicalNames.TIMESTAMP:
        if (schema.type === 'int64') {
          return (n) => new Date(intIn(schema, n, 'Timestamp (as a JavaScript Date)', -MAX_DATE_MS, MAX_DATE_MS));
        }
        break;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32': {
        const [min, max] = INT_RANGES[schema.type];
        const type = schema.type;
        return (n) => {
          if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
          return intIn(schema, n, type, min, max);
        };
      }
      case 'int64':
        return (n) => {
          if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
          const v = BigInt(exactInteger(schema, n, 'int64'));
          if (v < INT64_MIN || v > INT64_MAX) throw new PathError(`${v} is out of range for int64`);
          return v;
        };
      case 'float32':
        return (n) => floatOf(schema, n, true);
      case 'float64':
        return (n) => (typeof n === 'number' ? n : floatOf(schema, n, false));
      case 'boolean':
        return (n) => {
          if (typeof n !== 'boolean') throw mismatch(schema, n);
          return n;
        };
      case 'string':
        return (n) => {
          if (typeof n !== 'string') throw mismatch(schema, n);
          return n;
        };
      case 'bytes':
        return (n) => {
          const bytes = typeof n === 'string' ? fromBase64(n) : undefined;
          if (bytes === undefined) throw new PathError(`expected bytes (a base64 string), got ${describeJson(n)}`);
          return bytes;
        };
      case 'array': {
        const item = this.reader(schema.valueSchema!);
        return (n) => {
          if (!Array.isArray(n)) throw mismatch(schema, n);
          const out = new Array<unknown>(n.length);
          for (let i = 0; i < n.length; i++) {
            try {
              out[i] = item(n[i]);
            } catch (e) {
              at(e, `[${i}]`);
            }
          }
          return out;
        };
      }
      case 'map':
        return this.#map(schema);
      case 'struct':
        return this.#struct(schema);
    }
  }

  #decimal(schema: Schema): Reader {
    const scale = decimalScale(schema);
    return (n) => {
      if (typeof n === 'string') {
        const small = shortBase64Int(n);
        if (small !== undefined) return new Decimal(BigInt(small), scale);
        const bytes = fromBase64(n);
        if (bytes === undefined || bytes.length === 0) {
          throw new PathError(`expected ${expectedOf(schema)} as base64 bytes or a number, got ${describeJson(n)}`);
        }
        // Up to 6 bytes fit a double exactly: no BigInt arithmetic.
        if (bytes.length <= 6) return new Decimal(BigInt(bytes.readIntBE(0, bytes.length)), scale);
        return Decimal.fromUnscaledBytes(bytes, scale);
      }
      if (typeof n === 'number') {
        if (!this.exact) throw NEED_EXACT;
        if (!Number.isFinite(n)) throw mismatch(schema, n);
        return rescale(Decimal.fromNumber(n), scale);
      }
      if (n instanceof RawNumber) return rescale(Decimal.parse(n.text), scale);
      throw mismatch(schema, n);
    };
  }

  #map(schema: Schema): Reader {
    const keyR = this.reader(schema.keySchema!);
    const valueR = this.reader(schema.valueSchema!);
    if (schema.keySchema!.type === 'string') {
      return (n) => {
        if (!isObject(n)) {
          throw new PathError(`expected a map with string keys as a JSON object, got ${describeJson(n)}`);
        }
        const out = new Map<unknown, unknown>();
        for (const k of Object.keys(n)) {
          try {
            out.set(k, valueR(n[k]));
          } catch (e) {
            at(e, `[${JSON.stringify(k)}]`);
          }
        }
        return out;
      };
    }
    return (n) => {
      if (!Array.isArray(n)) {
        throw new PathError(
          `expected a map with non-string keys as a JSON array of [key, value] pairs, got ${describeJson(n)}`,
        );
      }
      const out = new Map<unknown, unknown>();
      for (let i = 0; i < n.length; i++) {
        const entry: unknown = n[i];
        try {
          if (!Array.isArray(entry) || entry.length !== 2) {
            throw new PathError(`expected a [key, value] pair, got ${describeJson(entry)}`);
          }
          out.set(keyR(entry[0]), valueR(entry[1]));
        } catch (e) {
          at(e, `[${i}]`);
        }
      }
      return out;
    };
  }

  #struct(schema: Schema): Reader {
    const fields = schema.fields;
    const names = fields.map((f) => f.name);
    const readers = fields.map((f) => this.reader(f.schema));
    const n = fields.length;
    return (node) => {
      if (!isObject(node)) throw mismatch(schema, node);
      const values = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const name = names[i]!;
        let v = node[name];
        // Inherited Object.prototype members are functions (or the prototype itself): not JSON data.
        if (typeof v === 'function' || (name === '__proto__' && !Object.hasOwn(node, name))) v = undefined;
        try {
          values[i] = readers[i]!(v);
        } catch (e) {
          at(e, `.${name}`);
        }
      }
      return Struct.trusted(schema, values);
    };
  }
}

/**
 * Schemaless JSON → plain JSON-like values: objects, arrays, strings, booleans, null, numbers; integers
 * beyond ±(2^53-1) as bigint. Nodes from `JSON.parse` are returned as they are once checked.
 */
export function plainValue(n: unknown): unknown {
  if (n === null || typeof n !== 'object') {
    if (typeof n === 'number' && Number.isInteger(n) && !Number.isSafeInteger(n)) throw NEED_EXACT;
    return n;
  }
  if (n instanceof RawNumber) {
    if (!n.integerSyntax) return Number(n.text);
    const v = integerOfText(n.text, 4096);
    if (v === 'huge' || v === undefined) throw new PathError(`integer ${describeJson(n).slice(7)} is too large`);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  if (Array.isArray(n)) {
    for (let i = 0; i < n.length; i++) {
      const item: unknown = n[i];
      if (typeof item === 'object' || typeof item === 'number') {
        try {
          n[i] = plainValue(item);
        } catch (e) {
          at(e, `[${i}]`);
        }
      }
    }
    return n;
  }
  const o = n as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const item = o[k];
    if (typeof item === 'object' || typeof item === 'number') {
      try {
        const v = plainValue(item);
        if (v !== item) o[k] = v;
      } catch (e) {
        at(e, `.${k}`);
      }
    }
  }
  return o;
}

/**
 * A JSON schema node (Kafka's format) → Schema, as Kafka's `asConnectSchema`. Unknown keys are ignored.
 * `readDefault` converts a `default` node with the schema built so far.
 * @throws PathError naming the place in the schema.
 */
export function connectSchemaOf(node: unknown, reader: JsonReader): Schema {
  if (!isObject(node)) throw new PathError(`a schema must be a JSON object, got ${describeJson(node)}`);
  const type = node.type;
  if (typeof type !== 'string') throw new PathError("Schema must contain 'type' field");
  let b: SchemaBuilder;
  switch (type) {
    case 'boolean':
      b = SchemaBuilder.bool();
      break;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'bytes':
    case 'string':
      b = SchemaBuilder.type(type);
      break;
    case 'float':
      b = SchemaBuilder.float32();
      break;
    case 'double':
      b = SchemaBuilder.float64();
      break;
    case 'array': {
      const items = node.items;
      if (items === undefined || items === null) throw new PathError('Array schema did not specify the element type');
      b = SchemaBuilder.array(child(items, reader, '.items'));
      break;
    }
    case 'map': {
      if (node.keys === undefined || node.keys === null) throw new PathError('Map schema did not specify the key type');
      if (node.values === undefined || node.values === null) {
        throw new PathError('Map schema did not specify the value type');
      }
      b = SchemaBuilder.map(child(node.keys, reader, '.keys'), child(node.values, reader, '.values'));
      break;
    }
    case 'struct': {
      const fields = node.fields;
      if (!Array.isArray(fields)) throw new PathError('Struct schema\'s "fields" argument is not an array.');
      b = SchemaBuilder.struct();
      for (let i = 0; i < fields.length; i++) {
        const f: unknown = fields[i];
        const name = isObject(f) ? f.field : undefined;
        if (typeof name !== 'string') {
          const e = new PathError("Struct schema's field name not specified properly");
          e.segments.push(`.fields[${i}]`);
          throw e;
        }
        const fieldSchema = child(f, reader, `.fields[${i}]`);
        try {
          b.field(name, fieldSchema);
        } catch (e) {
          at(e, `.fields[${i}]`);
        }
      }
      break;
    }
    default:
      throw new PathError(`Unknown schema type: ${type}`);
  }
  if (node.optional === true) b.optional();
  if (typeof node.name === 'string') b.name(node.name);
  if (typeof node.version === 'number' && Number.isInteger(node.version)) b.version(node.version);
  if (typeof node.doc === 'string') b.doc(node.doc);
  const params = node.parameters;
  if (isObject(params)) {
    for (const k of Object.keys(params)) {
      const v = params[k];
      if (typeof v !== 'string') throw new PathError('Schema parameters must have string values.');
      b.parameter(k, v);
    }
  }
  let schema: Schema;
  try {
    schema = b.build();
  } catch (e) {
    return at(e, '');
  }
  if (Object.hasOwn(node, 'default')) {
    let value: unknown;
    try {
      value = reader.reader(schema)(node.default);
    } catch (e) {
      return at(e, '.default');
    }
    if (value !== null) {
      try {
        schema = SchemaBuilder.from(schema).defaultValue(value).build();
      } catch (e) {
        return at(e, '.default');
      }
    }
  }
  return schema;
}

function child(node: unknown, reader: JsonReader, segment: string): Schema {
  try {
    return connectSchemaOf(node, reader);
  } catch (e) {
    return at(e, segment);
  }
}
