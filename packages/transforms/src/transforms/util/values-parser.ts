import {
  Decimal,
  isPrimitiveType,
  Logical,
  MILLIS_PER_DAY,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
} from '@tributary/api';
import { SimpleDateFormat } from './simple-date-format.js';

const TIME_FORMAT = new SimpleDateFormat("HH:mm:ss.SSS'Z'");
const TIMESTAMP_FORMAT = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
const DATE_FORMAT = new SimpleDateFormat('yyyy-MM-dd');
const BIG_DECIMAL_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DELIMITERS = new Set([':', ',', '{', '}', '[', ']', '"']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMERIC_RANK: Partial<Record<Schema['type'], number>> = {
  int8: 0,
  int16: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

/**
 * Kafka's `Values.parseString`: infers a typed value from text, as InsertHeader does with
 * `value.literal`. Recognized, in order: `null`, `true`/`false`, arrays `[a, b]` and maps `{k: v}`
 * (elements parsed the same way, quoted strings allowed, a common numeric type widened), ISO 8601
 * times (`HH:mm:ss.SSS'Z'`), timestamps (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`) and dates (`yyyy-MM-dd`),
 * integers as the smallest of int8/int16/int32/int64, other numbers as float32, float64 or Decimal;
 * anything else, including text with more after a value (`12:30`), is the original string.
 *
 * Differences from Kafka: temporal values are read in UTC (Kafka uses the JVM zone); text after a
 * leading number (`12:30`) or after a container (`[1]x`) is kept as a string where Kafka returns the
 * number or container; `\` escapes inside quoted strings are removed (Kafka keeps them, so its
 * `convertToString` output of `a"b` in an array does not read back); containers whose elements have no
 * common type get a null schema (Kafka's schema without an item type), and such maps with only string
 * keys become plain objects, as schemaless data.
 */
export function parseValueString(text: string): SchemaAndValue {
  if (text === '') return { schema: Schema.STRING, value: '' };
  const parser = new ValueParser(text);
  const result = parser.parse(false) ?? NULL_RESULT;
  if (result.schema?.type !== 'string' && parser.hasMoreContent()) return { schema: Schema.STRING, value: text };
  return result.schema === null ? { schema: null, value: toSchemaless(result.value) } : result;
}

const NULL_RESULT: SchemaAndValue = Object.freeze({ schema: null, value: null });
const TRUE_RESULT: SchemaAndValue = Object.freeze({ schema: Schema.BOOLEAN, value: true });
const FALSE_RESULT: SchemaAndValue = Object.freeze({ schema: Schema.BOOLEAN, value: false });

/** Thrown inside the parser where Kafka throws DataException: the caller falls back to a string. */
class ParseFailure extends Error {}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

/** Splits text as Kafka's `Values.Parser`: delimiters are single tokens, `\` escapes the next character. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      escaped = !escaped;
      continue;
    }
    if (DELIMITERS.has(c) && !escaped) {
      if (start < i) tokens.push(text.slice(start, i));
      tokens.push(c);
      start = i + 1;
      continue;
    }
    escaped = false;
  }
  if (start < text.length) tokens.push(text.slice(start));
  return tokens;
}

class ValueParser {
  readonly #original: string;
  readonly #tokens: string[];
  #i = 0;

  constructor(original: string) {
    this.#original = original;
    this.#tokens = tokenize(original);
  }

  hasMoreContent(): boolean {
    for (let j = this.#i; j < this.#tokens.length; j++) if (!isBlank(this.#tokens[j]!)) return true;
    return false;
  }

  #hasNext(): boolean {
    return this.#i < this.#tokens.length;
  }

  #next(): string {
    return this.#tokens[this.#i++]!;
  }

  /** Consumes the next non-blank token if it is `expected` (blank tokens before it are dropped either way). */
  #canConsume(expected: string): boolean {
    if (!this.#hasNext()) return false;
    let j = this.#i;
    while (isBlank(this.#tokens[j]!) && j + 1 < this.#tokens.length) j++;
    this.#i = j;
    if (this.#tokens[j]!.trim() !== expected) return false;
    this.#i = j + 1;
    return true;
  }

  #literal(embedded: boolean, literal: string): boolean {
    const start = this.#i;
    if (this.#canConsume(literal) && (embedded || !this.#hasNext())) return true;
    this.#i = start;
    return false;
  }

  /** One value; null for the `null` literal or the end of input. */
  parse(embedded: boolean): SchemaAndValue | null {
    if (!this.#hasNext()) return null;
    if (embedded && this.#canConsume('"')) return this.#parseQuoted();
    if (this.#literal(embedded, 'null')) return null;
    if (this.#literal(embedded, 'true')) return TRUE_RESULT;
    if (this.#literal(embedded, 'false')) return FALSE_RESULT;
    const start = this.#i;
    try {
      if (this.#canConsume('[')) return this.#parseArray();
      if (this.#canConsume('{')) return this.#parseMap();
    } catch (err) {
      if (!(err instanceof ParseFailure)) throw err;
      this.#i = start;
    }
    if (!this.#hasNext()) return null;
    const token = this.#next();
    if (isBlank(token)) return { schema: Schema.STRING, value: token };
    return this.#parseToken(embedded, token.trim());
  }

  #parseToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charCodeAt(0);
    const digit = first >= 48 && first <= 57;
    if (digit) {
      const temporal = this.#parseTemporalTokens(token);
      if (temporal !== null) return temporal;
    }
    if (digit || token[0] === '+' || token[0] === '-') {
      const n = parseNumber(token);
      if (n !== null) return n;
    }
    if (embedded) throw new ParseFailure('Failed to parse embedded value');
    return { schema: Schema.STRING, value: this.#original };
  }

  /** Times and timestamps span five tokens, since their colons are delimiters. */
  #parseTemporalTokens(token: string): SchemaAndValue | null {
    const start = this.#i;
    if (this.#i + 4 <= this.#tokens.length) {
      const joined = token + this.#tokens.slice(this.#i, this.#i + 4).join('');
      this.#i += 4;
      const t = parseTemporal(joined);
      if (t !== null) return t;
    }
    this.#i = start;
    return parseTemporal(token);
  }

  #parseQuoted(): SchemaAndValue {
    let content = '';
    while (this.#hasNext()) {
      if (this.#canConsume('"')) break;
      content += this.#next();
    }
    // Kafka keeps the backslashes of `\"` and `\\` here, so its own convertToString output does not read
    // back; dropping them makes the header converter round-trip, and differs only for such escapes.
    return parseTemporal(content) ?? { schema: Schema.STRING, value: content.replace(/\\(.)/gs, '$1') };
  }

  #parseArray(): SchemaAndValue {
    const items: unknown[] = [];
    const merger = new SchemaMerger();
    while (this.#hasNext()) {
      if (this.#canConsume(']')) {
        const common = merger.common;
        if (common === null) return { schema: null, value: items };
        return { schema: SchemaBuilder.array(common).build(), value: items.map((v) => align(common, v)) };
      }
      if (this.#canConsume(',')) throw new ParseFailure('empty array element');
      const element = this.parse(true);
      merger.merge(element);
      items.push(element === null ? null : element.value);
      const mark = this.#i;
      if (this.#canConsume(']')) this.#i = mark;
      else if (!this.#canConsume(',')) throw new ParseFailure("array elements missing ','");
    }
    throw new ParseFailure("array is missing terminating ']'");
  }

  #parseMap(): SchemaAndValue {
    const entries = new Map<unknown, unknown>();
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    while (this.#hasNext()) {
      if (this.#canConsume('}')) {
        const k = keys.common;
        const v = values.common;
        if (k !== null && v !== null) {
          const aligned = new Map<unknown, unknown>();
          for (const [key, value] of entries) aligned.set(align(k, key), align(v, value));
          return { schema: SchemaBuilder.map(k, v).build(), value: aligned };
        }
        if (k !== null) {
          const aligned = new Map<unknown, unknown>();
          for (const [key, value] of entries) aligned.set(align(k, key), value);
          return { schema: null, value: aligned };
        }
        return { schema: null, value: entries };
      }
      if (this.#canConsume(',')) throw new ParseFailure('map entry with no key or value');
      const key = this.parse(true);
      if (key === null || key.value === null) throw new ParseFailure('map entry may not have a null key');
      if (!this.#canConsume(':')) throw new ParseFailure("map entry is missing ':'");
      const value = this.parse(true);
      entries.set(key.value, value === null ? null : value.value);
      this.#canConsume(',');
      keys.merge(key);
      values.merge(value);
    }
    throw new ParseFailure("map is missing terminating '}'");
  }
}

/**
 * The common schema of container elements, as Kafka's `SchemaMerger`: equal schemas, or numeric types
 * widened. Empty containers (`[]`, `{}`) fit any element type of their kind. A container whose element
 * types Tributary cannot express (mixed elements; Kafka gives it a schema without element types), or two
 * containers with different element types (Kafka keeps the newest schema and mislabels the older
 * elements), leave the common schema unknown: the outer container then reads schemaless.
 */
class SchemaMerger {
  /** The type every element seen so far has (after widening). */
  #type: Schema['type'] | null = null;
  #common: Schema | null = null;
  #unknown = false;
  #compatible = true;

  /** The common schema, or null when there is none or it cannot be expressed. */
  get common(): Schema | null {
    return this.#compatible && !this.#unknown ? this.#common : null;
  }

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || !this.#compatible) return;
    const schema = latest.schema;
    const type = schema?.type ?? containerType(latest.value);
    if (type === null) return;
    if (this.#type === null) this.#type = type;
    else if (this.#type !== type) {
      // Across types only numbers merge, by widening.
      const widened = schema !== null && this.#common !== null ? mergeSchemas(this.#common, schema) : null;
      if (widened === null) this.#compatible = false;
      else {
        this.#common = widened;
        this.#type = widened.type;
      }
      return;
    }
    if (schema === null) {
      if (!isEmptyContainer(latest.value)) this.#unknown = true;
      return;
    }
    if (this.#common === null) {
      this.#common = schema;
      return;
    }
    const merged = mergeSchemas(this.#common, schema);
    if (merged !== null) this.#common = merged;
    else if (type === 'array' || type === 'map') this.#unknown = true;
    else this.#compatible = false;
  }
}

function isEmptyContainer(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (value instanceof Map && value.size === 0);
}

function mergeSchemas(a: Schema, b: Schema): Schema | null {
  const ra = NUMERIC_RANK[a.type];
  const rb = NUMERIC_RANK[b.type];
  if (a.name === undefined && b.name === undefined && ra !== undefined && rb !== undefined) return ra >= rb ? a : b;
  if (a.type === b.type && isPrimitiveType(a.type) && a.name === b.name) return a;
  return a.equals(b) ? a : null;
}

function containerType(value: unknown): Schema['type'] | null {
  return Array.isArray(value) ? 'array' : value instanceof Map ? 'map' : null;
}

/**
 * Converts an element to the common (possibly wider) type, as Kafka's `convertTo`; an element that does
 * not fit (a map among numbers) fails the container, which then reads as a string.
 */
function align(schema: Schema, value: unknown): unknown {
  if (value === null) {
    if (schema.optional) return null;
    throw new ParseFailure('Unable to convert a null value to a schema that requires a value');
  }
  const numeric = typeof value === 'number' || typeof value === 'bigint';
  if (schema.name === undefined) {
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
        if (numeric) return Number(value);
        break;
      case 'int64':
        if (numeric) return typeof value === 'bigint' ? value : BigInt(value);
        break;
      case 'float32':
        if (numeric) return Math.fround(Number(value));
        break;
      case 'float64':
        if (numeric) return Number(value);
        break;
      case 'boolean':
        if (typeof value === 'boolean') return value;
        break;
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'array':
        if (Array.isArray(value)) return value;
        break;
      case 'map':
        if (value instanceof Map) return value;
        break;
      default:
        return value;
    }
    throw new ParseFailure(`element does not fit the common type ${schema.type}`);
  }
  return value;
}

function parseNumber(token: string): SchemaAndValue | null {
  if (!BIG_DECIMAL_RE.test(token)) return null;
  const decimal = Decimal.parse(token);
  const exact = exactInteger(decimal);
  if (exact !== null) return exact;
  if (decimal.scale !== 0) {
    const d = Number(token);
    const f = Math.fround(d);
    if (Number.isFinite(f)) return { schema: Schema.FLOAT32, value: f };
    if (Number.isFinite(d)) return { schema: Schema.FLOAT64, value: d };
  }
  return { schema: Logical.decimal(decimal.scale), value: decimal };
}

function exactInteger(decimal: Decimal): SchemaAndValue | null {
  let integral: bigint;
  if (decimal.scale <= 0) integral = decimal.unscaled * 10n ** BigInt(-decimal.scale);
  else {
    const factor = 10n ** BigInt(decimal.scale);
    if (decimal.unscaled % factor !== 0n) return null;
    integral = decimal.unscaled / factor;
  }
  if (integral < INT64_MIN || integral > INT64_MAX) return null;
  const n = Number(integral);
  if (n >= -128 && n <= 127) return { schema: Schema.INT8, value: n };
  if (n >= -32768 && n <= 32767) return { schema: Schema.INT16, value: n };
  if (n >= -2147483648 && n <= 2147483647) return { schema: Schema.INT32, value: n };
  return { schema: Schema.INT64, value: integral };
}

function parseTemporal(raw: string): SchemaAndValue | null {
  const token = raw.replaceAll('\\:', ':');
  let schema: Schema;
  let format: SimpleDateFormat;
  switch (token.length) {
    case 13:
      schema = Logical.TIME;
      format = TIME_FORMAT;
      break;
    case 24:
      schema = Logical.TIMESTAMP;
      format = TIMESTAMP_FORMAT;
      break;
    case 10:
      schema = Logical.DATE;
      format = DATE_FORMAT;
      break;
    default:
      return null;
  }
  let date: Date;
  try {
    date = format.parse(token);
  } catch {
    return null;
  }
  const ms = date.getTime();
  // Lenient parsing can roll a time past midnight; such a value is no Connect Time.
  if (schema === Logical.TIME && (ms < 0 || ms >= MILLIS_PER_DAY)) return null;
  return { schema, value: date };
}

/** Maps with only string keys become plain objects, at every depth, as schemaless values are. */
function toSchemaless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSchemaless);
  if (!(value instanceof Map)) return value;
  const entries = [...value].map(([k, v]) => [k, toSchemaless(v)] as const);
  if (entries.some(([k]) => typeof k !== 'string')) return new Map(entries);
  return Object.fromEntries(entries);
}
