import { Struct } from '@tributary/api';

const utf8 = new TextDecoder('utf-8');

/**
 * A record value as one line of text, the way Kafka's FileStreamSink prints `record.value()` (Java's
 * `String.valueOf`), with two deliberate differences:
 * - bytes are decoded as UTF-8 text (Java prints a useless `[B@1b6d3586`), so a pipeline using a byte-array
 *   converter writes back the text it read; invalid sequences become U+FFFD;
 * - dates print as ISO-8601 (`2024-01-15T00:00:00.000Z`).
 *
 * Otherwise: null → `null`; strings as they are; numbers, bigints, booleans, decimals by their
 * `toString` (JavaScript prints a whole float64 as `1`, Java as `1.0`); structs as Java's
 * `Struct{a=1,b=x}` (null fields left out); lists as `[a, b]`; maps and plain objects as `{k=v, k2=v2}`.
 */
export function valueToText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Struct) {
    const parts: string[] = [];
    const slots = value.values();
    for (const field of value.schema.fields) {
      const v = slots[field.index];
      if (v !== null && v !== undefined) parts.push(`${field.name}=${valueToText(v)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(valueToText).join(', ')}]`;
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${valueToText(k)}=${valueToText(v)}`);
    return `{${parts.join(', ')}}`;
  }
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${valueToText(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * A value as compact JSON-like text for logs, the way a JSON converter without schemas would write it:
 * structs and string-keyed maps as objects, bigints as plain digits, bytes as base64 strings, dates as
 * ISO-8601 strings, decimals as numbers. Maps with non-string keys become `[[key, value], ...]`.
 */
export function valueToJsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      return JSON.stringify(String(value));
  }
  if (value instanceof Uint8Array)
    return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (value instanceof Date)
    return JSON.stringify(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  if (value instanceof Struct) {
    const slots = value.values();
    return `{${value.schema.fields.map((f) => `${JSON.stringify(f.name)}:${valueToJsonText(slots[f.index])}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(valueToJsonText).join(',')}]`;
  if (value instanceof Map) {
    const entries = [...value];
    if (entries.every(([k]) => typeof k === 'string')) {
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${valueToJsonText(v)}`).join(',')}}`;
    }
    return `[${entries.map(([k, v]) => `[${valueToJsonText(k)},${valueToJsonText(v)}]`).join(',')}]`;
  }
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${valueToJsonText(v)}`)
      .join(',')}}`;
  }
  // Decimal and other value classes print their own exact text.
  return String(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
