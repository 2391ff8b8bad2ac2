import {
  DataError,
  Decimal,
  describeValue,
  Logical,
  MILLIS_PER_DAY,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  type SchemaType,
  Struct,
} from '@tributary/api';
import { toBase64 } from './json/json-text.js';
import { bigDecimalString, javaDoubleString, javaFloatString } from './json/number-format.js';

/**
 * The text form of Connect values used by SimpleHeaderConverter, after Kafka's `Values.convertToString`
 * and `Values.parseString`.
 *
 * Writing: strings as they are (quoted and `\`/`"`-escaped when inside an array, map or struct), numbers as
 * Java prints them, bytes as base64, arrays `[a,b]`, maps `{k:v}`, structs `{"field":value}`, dates
 * `yyyy-MM-dd`, times `HH:mm:ss.SSSZ`, timestamps `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC), null as `null`.
 *
 * Parsing infers the type: `true`/`false`; integers into the smallest of int8..int64, whole numbers
 * beyond int64 as Decimal; other numbers as float32 (float64 when too large); the three temporal forms;
 * `[...]` arrays and `{...}` maps whose elements are parsed the same way (quoted strings inside) and
 * widened to a common numeric type; anything else is a string. An array or map whose elements have no
 * common type (or no elements) is returned with schema null (Kafka gives an array/map schema without an
 * element schema, which Tributary's Schema cannot express).
 */

/** Connect value → text (Kafka's `Values.convertToString`). Null gives null. */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(schema, value, false);
}

function append(schema: Schema | null, value: unknown, embedded: boolean): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return embedded ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      if (schema?.type === 'float32') return javaFloatString(value);
      if (schema?.type === 'float64' || !Number.isSafeInteger(value)) return javaDoubleString(value);
      return String(value);
  }
  if (value instanceof Decimal) return bigDecimalString(value.unscaled, value.scale);
  if (value instanceof Uint8Array) return embedded ? `"${toBase64(value)}"` : toBase64(value);
  if (value instanceof Date) return formatDate(value);
  if (Array.isArray(value)) {
    const item = schema?.valueSchema ?? null;
    return `[${value.map((v) => append(item, v, true)).join(',')}]`;
  }
  if (value instanceof Map) {
    const ks = schema?.keySchema ?? null;
    const vs = schema?.valueSchema ?? null;
    return `{${[...value].map(([k, v]) => `${append(ks, k, true)}:${append(vs, v, true)}`).join(',')}}`;
  }
  if (value instanceof Struct) {
    const parts = value.schema.fields.map(
      (f) => `${append(null, f.name, true)}:${append(f.schema, value.get(f), true)}`,
    );
    return `{${parts.join(',')}}`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const entries = Object.entries(value as Record<string, unknown>);
      return `{${entries.map(([k, v]) => `${append(null, k, true)}:${append(null, v, true)}`).join(',')}}`;
    }
  }
  throw new DataError(`Failed to serialize unexpected value type ${describeValue(value)}`);
}

/** Kafka picks the format from the value: a time of day, a date at midnight, else a timestamp (UTC). */
function formatDate(value: Date): string {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) throw new DataError('Failed to serialize an invalid Date');
  const iso = value.toISOString();
  if (ms >= 0 && ms < MILLIS_PER_DAY) return iso.slice(11);
  if (ms % MILLIS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const TIME_AT = /\d{2}:\d{2}:\d{2}\.\d{3}Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/y;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TEN_POW_19 = 10n ** 19n;

/** Text → schema and value with the type inferred (Kafka's `Values.parseString`). */
export function parseString(text: string): SchemaAndValue {
  if (text === '') return { schema: Schema.STRING, value: '' };
  const token = text.trim();
  if (token === 'true' || token === 'false') return { schema: Schema.BOOLEAN, value: token === 'true' };
  if (token === 'null') return { schema: null, value: null };
  if (token.startsWith('[') || token.startsWith('{')) {
    try {
      const p = new EmbeddedParser(token);
      const parsed = p.value();
      p.ws();
      if (p.i === token.length) return parsed ?? { schema: null, value: null };
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
    }
    return { schema: Schema.STRING, value: text };
  }
  return parseScalar(token) ?? { schema: Schema.STRING, value: text };
}

/** A temporal or numeric token, or undefined. */
function parseScalar(token: string): SchemaAndValue | undefined {
  const c = token.charCodeAt(0);
  const digit = c >= 0x30 && c <= 0x39;
  if (digit) {
    const temporal = parseTemporal(token);
    if (temporal !== undefined) return temporal;
  }
  if ((digit || c === 0x2b || c === 0x2d) && NUMBER_RE.test(token)) return parseNumber(token);
  return undefined;
}

function parseTemporal(token: string): SchemaAndValue | undefined {
  let m = TIMESTAMP_RE.exec(token);
  if (m !== null) {
    const ms = utc(m, true);
    return ms === undefined ? undefined : { schema: Logical.TIMESTAMP, value: new Date(ms) };
  }
  m = DATE_RE.exec(token);
  if (m !== null) {
    const ms = utc(m, false);
    return ms === undefined ? undefined : { schema: Logical.DATE, value: new Date(ms) };
  }
  m = TIME_RE.exec(token);
  if (m !== null) {
    const [h, mi, s, ms] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (h > 23 || mi > 59 || s > 59) return undefined;
    return { schema: Logical.TIME, value: new Date(((h * 60 + mi) * 60 + s) * 1000 + ms) };
  }
  return undefined;
}

function utc(m: RegExpExecArray, withTime: boolean): number | undefined {
  const n = m.slice(1).map(Number);
  const [y, mo, d, h = 0, mi = 0, s = 0, ms = 0] = n as [number, number, number, number?, number?, number?, number?];
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (withTime && (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s))
    return undefined;
  return t;
}

/** Kafka's `parseAsNumber`: exact integers into the smallest int type, else float32/float64, else Decimal. */
function parseNumber(token: string): SchemaAndValue {
  const decimal = Decimal.parse(token.startsWith('+') ? token.slice(1) : token);
  const abs = decimal.unscaled < 0n ? -decimal.unscaled : decimal.unscaled;
  const whole = wholeValue(decimal);
  // |value| ≤ 1e19 and not a fraction of 1: an integer type when it is whole and fits int64.
  const tooBig =
    decimal.scale <= 0
      ? abs * 10n ** BigInt(-decimal.scale) > TEN_POW_19
      : abs > TEN_POW_19 * 10n ** BigInt(decimal.scale);
  const belowOne = abs !== 0n && (decimal.scale > 0 ? abs < 10n ** BigInt(decimal.scale) : false);
  if (!tooBig && !belowOne && whole !== undefined && whole >= INT64_MIN && whole <= INT64_MAX) {
    if (whole >= -128n && whole <= 127n) return { schema: Schema.INT8, value: Number(whole) };
    if (whole >= -32768n && whole <= 32767n) return { schema: Schema.INT16, value: Number(whole) };
    if (whole >= -2147483648n && whole <= 2147483647n) return { schema: Schema.INT32, value: Number(whole) };
    return { schema: Schema.INT64, value: whole };
  }
  if (decimal.scale !== 0) {
    const d = Number(token);
    const f = Math.fround(d);
    if (Number.isFinite(f)) return { schema: Schema.FLOAT32, value: f };
    if (Number.isFinite(d)) return { schema: Schema.FLOAT64, value: d };
  }
  return { schema: Logical.decimal(decimal.scale), value: decimal };
}

function wholeValue(d: Decimal): bigint | undefined {
  if (d.scale <= 0) return d.scale < -40 ? undefined : d.unscaled * 10n ** BigInt(-d.scale);
  const f = 10n ** BigInt(d.scale);
  return d.unscaled % f === 0n ? d.unscaled / f : undefined;
}

class ParseFailure extends Error {}

/** Values inside `[...]` and `{...}`: quoted strings, literals, numbers, temporals, nested containers. */
class EmbeddedParser {
  i = 0;
  constructor(readonly s: string) {}

  fail(reason: string): never {
    throw new ParseFailure(reason);
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  /** One embedded value; null for the literal `null`. */
  value(): SchemaAndValue | null {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail('missing value');
    if (c === '[') return this.array();
    if (c === '{') return this.map();
    if (c === '"') return this.quoted();
    TIME_AT.lastIndex = this.i;
    const time = TIME_AT.exec(this.s);
    let token: string;
    if (time !== null) {
      token = time[0];
      this.i += token.length;
    } else {
      const start = this.i;
      while (this.i < this.s.length && !',:[]{}"'.includes(this.s[this.i]!)) this.i++;
      token = this.s.slice(start, this.i).trim();
    }
    if (token === 'null') return null;
    if (token === 'true' || token === 'false') return { schema: Schema.BOOLEAN, value: token === 'true' };
    if (token === '') this.fail('empty value');
    return parseScalar(token) ?? this.fail(`cannot parse embedded value '${token}'`);
  }

  quoted(): SchemaAndValue {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') break;
      if (c === '\\') {
        const next = this.s[this.i++];
        if (next === undefined) this.fail('unterminated string');
        out += next;
      } else out += c;
    }
    return parseTemporal(out) ?? { schema: Schema.STRING, value: out };
  }

  array(): SchemaAndValue {
    this.i++;
    const items: (SchemaAndValue | null)[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { schema: null, value: [] };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') break;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
    const common = commonSchema(items);
    const values = items.map((x) => (x === null ? null : common === null ? x.value : align(common, x)));
    return { schema: common === null ? null : SchemaBuilder.array(common).build(), value: values };
  }

  map(): SchemaAndValue {
    this.i++;
    const keys: SchemaAndValue[] = [];
    const values: (SchemaAndValue | null)[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { schema: null, value: new Map() };
    }
    for (;;) {
      const k = this.value();
      if (k === null) this.fail('Map entry may not have a null key');
      this.ws();
      if (this.s[this.i++] !== ':') this.fail("Map entry is missing ':'");
      keys.push(k);
      values.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') break;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
    const ks = commonSchema(keys);
    const vs = commonSchema(values);
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = values[i]!;
      out.set(
        ks === null || vs === null ? k.value : align(ks, k),
        v === null ? null : ks === null || vs === null ? v.value : align(vs, v),
      );
    }
    return { schema: ks === null || vs === null ? null : SchemaBuilder.map(ks, vs).build(), value: out };
  }
}

const NUMERIC_ORDER: Partial<Record<SchemaType, number>> = {
  int8: 0,
  int16: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

/** Kafka's SchemaMerger: one schema for all non-null elements, widening numbers; null when there is none. */
function commonSchema(items: readonly (SchemaAndValue | null)[]): Schema | null {
  let common: Schema | null = null;
  for (const item of items) {
    if (item === null || item.schema === null) {
      if (item !== null) return null;
      continue;
    }
    const s = item.schema;
    if (common === null) {
      common = s;
      continue;
    }
    if (common.equals(s)) continue;
    const a: number | undefined = common.name === undefined ? NUMERIC_ORDER[common.type] : undefined;
    const b: number | undefined = s.name === undefined ? NUMERIC_ORDER[s.type] : undefined;
    if (a !== undefined && b !== undefined) common = b > a ? s : common;
    else if (common.type === s.type && (s.type === 'array' || s.type === 'map') && common.name === s.name) common = s;
    else return null;
  }
  return common;
}

/** An element converted to the common numeric type (int → wider int, int64 as bigint, float32 rounding). */
function align(schema: Schema, item: SchemaAndValue): unknown {
  const v = item.value;
  switch (schema.name === undefined ? schema.type : '') {
    case 'int64':
      return typeof v === 'number' ? BigInt(v) : v;
    case 'float32':
      return typeof v === 'bigint' ? Math.fround(Number(v)) : typeof v === 'number' ? Math.fround(v) : v;
    case 'float64':
      return typeof v === 'bigint' ? Number(v) : v;
    default:
      return v;
  }
}
