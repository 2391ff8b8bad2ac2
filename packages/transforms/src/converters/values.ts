import { DataError, Decimal, describeValue, MILLIS_PER_DAY, type Schema, Struct } from '@tributary/api';
import { toBase64 } from './json/json-text.js';
import { bigDecimalString, javaDoubleString, javaFloatString } from './json/number-format.js';

/**
 * The text form of Connect values used by SimpleHeaderConverter, after Kafka's `Values.convertToString`
 * (reading it back is `parseValueString`, shared with InsertHeader).
 *
 * Writing: strings as they are (quoted and `\`/`"`-escaped when inside an array, map or struct), numbers as
 * Java prints them, bytes as base64, arrays `[a,b]`, maps `{k:v}`, structs `{"field":value}`, dates
 * `yyyy-MM-dd`, times `HH:mm:ss.SSSZ`, timestamps `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC), null as `null`.
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
