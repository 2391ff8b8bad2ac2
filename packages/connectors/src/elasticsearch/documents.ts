/**
 * Connect data → JSON document text, and document ids from record keys.
 *
 * Written as text (not through JSON.stringify of a converted object) so that int64 values (bigint) and
 * Decimals reach the cluster digit for digit: a Decimal is a JSON number written from its exact decimal
 * text, an int64 a JSON number of all its digits.
 *
 * | Connect | JSON |
 * |---|---|
 * | int8/16/32, float32/64 | number (NaN and infinities are a DataError: JSON has none) |
 * | int64 (bigint) | number, every digit |
 * | Decimal | number from the exact decimal text (`12.340`) |
 * | Date | `"2024-01-15"` |
 * | Time | `"12:30:05.250"` |
 * | Timestamp | `"2024-01-15T12:30:05.250Z"` (years outside 0–9999: epoch milliseconds) |
 * | bytes | base64 string |
 * | struct | object, fields in schema order, nulls kept |
 * | map, string keys | object (`compact.map.entries=true`) or `[{"key": k, "value": v}]` |
 * | map, other keys | `[{"key": k, "value": v}]` |
 * | array | array |
 */
import { DataError, Decimal, decimalScale, LogicalNames, MILLIS_PER_DAY, type Schema, Struct } from '@tributary/api';

export interface JsonOptions {
  /** Map entries with string keys as object fields (true) or `{key, value}` objects (false). */
  readonly compactMapEntries: boolean;
}

const DEFAULT_OPTIONS: JsonOptions = { compactMapEntries: true };

/**
 * The JSON text of a Connect value with its schema (null: schemaless, the value as it is).
 * @throws DataError naming the path of a value JSON cannot hold or that does not fit its schema.
 */
export function toJson(value: unknown, schema: Schema | null, options: JsonOptions = DEFAULT_OPTIONS): string {
  return schema === null ? schemaless(value, options, '') : withSchema(value, schema, options, '');
}

function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function bad(path: string, message: string): DataError {
  return new DataError(path === '' ? message : `${path}: ${message}`, path === '' ? {} : { path });
}

function withSchema(value: unknown, schema: Schema, options: JsonOptions, path: string): string {
  if (value === null || value === undefined) return 'null';
  switch (schema.name) {
    case LogicalNames.DECIMAL:
      return decimalJson(value, schema, path);
    case LogicalNames.DATE:
      return dateJson(value, path, 'date');
    case LogicalNames.TIME:
      return dateJson(value, path, 'time');
    case LogicalNames.TIMESTAMP:
      return dateJson(value, path, 'timestamp');
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return numberJson(value, path);
    case 'int64':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      throw bad(path, `expected an int64 (bigint), got ${typeof value}`);
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(path, `expected a boolean, got ${typeof value}`);
      return value ? 'true' : 'false';
    case 'string':
      if (typeof value !== 'string') throw bad(path, `expected a string, got ${typeof value}`);
      return JSON.stringify(value);
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw bad(path, 'expected bytes');
      return `"${base64(value)}"`;
    case 'array': {
      if (!Array.isArray(value)) throw bad(path, 'expected an array');
      const items = schema.valueSchema!;
      let out = '[';
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ',';
        out += withSchema(value[i], items, options, `${path}[${i}]`);
      }
      return `${out}]`;
    }
    case 'map': {
      const entries = mapEntries(value, path);
      const compact = options.compactMapEntries && schema.keySchema!.type === 'string';
      return entriesJson(
        entries,
        compact,
        (k, p) => withSchema(k, schema.keySchema!, options, p),
        (v, p) => withSchema(v, schema.valueSchema!, options, p),
        path,
      );
    }
    case 'struct': {
      if (!(value instanceof Struct)) throw bad(path, `expected a Struct of ${schema.describe()}`);
      return structJson(value, options, path);
    }
  }
}

function structJson(struct: Struct, options: JsonOptions, path: string): string {
  let out = '{';
  const fields = struct.schema.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (i > 0) out += ',';
    out += `${JSON.stringify(f.name)}:${withSchema(struct.get(f), f.schema, options, at(path, f.name))}`;
  }
  return `${out}}`;
}

function schemaless(value: unknown, options: JsonOptions, path: string): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return numberJson(value, path);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw bad(path, `a ${typeof value} cannot be written as JSON`);
  }
  if (value instanceof Struct) return structJson(value, options, path);
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Date) return dateJson(value, path, 'timestamp');
  if (value instanceof Uint8Array) return `"${base64(value)}"`;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += schemaless(value[i], options, `${path}[${i}]`);
    }
    return `${out}]`;
  }
  if (value instanceof Map) {
    const entries = [...value.entries()];
    const compact = options.compactMapEntries && entries.every(([k]) => typeof k === 'string');
    return entriesJson(
      entries,
      compact,
      (k, p) => schemaless(k, options, p),
      (v, p) => schemaless(v, options, p),
      path,
    );
  }
  let out = '{';
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${schemaless(v, options, at(path, k))}`;
  }
  return `${out}}`;
}

function entriesJson(
  entries: ReadonlyArray<readonly [unknown, unknown]>,
  compact: boolean,
  key: (k: unknown, path: string) => string,
  val: (v: unknown, path: string) => string,
  path: string,
): string {
  let out = compact ? '{' : '[';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    if (i > 0) out += ',';
    const p = compact ? at(path, String(k)) : `${path}[${i}]`;
    out += compact ? `${JSON.stringify(k)}:${val(v, p)}` : `{"key":${key(k, p)},"value":${val(v, p)}}`;
  }
  return out + (compact ? '}' : ']');
}

function mapEntries(value: unknown, path: string): Array<readonly [unknown, unknown]> {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.entries(value);
  throw bad(path, 'expected a map');
}

function numberJson(value: unknown, path: string): string {
  if (typeof value !== 'number') {
    if (typeof value === 'bigint') return value.toString();
    throw bad(path, `expected a number, got ${typeof value}`);
  }
  if (!Number.isFinite(value)) throw bad(path, `${value} cannot be written as JSON`);
  return String(value);
}

function decimalJson(value: unknown, schema: Schema, path: string): string {
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Uint8Array) return Decimal.fromUnscaledBytes(value, decimalScale(schema)).toString();
  if (typeof value === 'number') return numberJson(value, path);
  throw bad(path, 'expected a Decimal');
}

type DateKind = 'date' | 'time' | 'timestamp';

/** Date → `YYYY-MM-DD`, Time → `HH:mm:ss.SSS`, Timestamp → ISO-8601 UTC; epoch ms when the year has no 4-digit form. */
export function dateJson(value: unknown, path: string, kind: DateKind): string {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = kind === 'date' ? value * MILLIS_PER_DAY : value;
  else if (typeof value === 'bigint') ms = Number(value);
  else throw bad(path, `expected a ${kind} (Date)`);
  if (!Number.isFinite(ms)) throw bad(path, `invalid ${kind}`);
  const iso = isoText(ms);
  if (iso === null) return String(ms);
  if (kind === 'date') return `"${iso.slice(0, 10)}"`;
  if (kind === 'time') return `"${iso.slice(11, 23)}"`;
  return `"${iso}"`;
}

function isoText(ms: number): string | null {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  return year < 0 || year > 9999 ? null : d.toISOString();
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// Elasticsearch refuses ids longer than 512 bytes.
const MAX_ID_BYTES = 512;

/**
 * The document id for a record key:
 * - string, number, bigint, boolean: their text; Decimal: its exact text; Date/Time/Timestamp: as in
 *   documents (without quotes); bytes: base64;
 * - a struct with one field, or a map/object with one entry: the id of that field's value (so a
 *   Debezium key `{id: 42}` gives `42`);
 * - any other struct, map, object or array: its JSON text, struct fields in schema order and map or
 *   object keys sorted (the same key always gives the same id).
 * @throws DataError for a null or empty key, or an id longer than 512 bytes.
 */
export function documentId(key: unknown, keySchema: Schema | null): string {
  const id = idText(key, keySchema);
  if (id === '') throw new DataError('the record key gives an empty document id');
  if (id.length > MAX_ID_BYTES / 3 && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) {
    throw new DataError(`the document id from the record key is longer than ${MAX_ID_BYTES} bytes`);
  }
  return id;
}

function idText(key: unknown, schema: Schema | null): string {
  if (key === null || key === undefined) {
    throw new DataError(
      'the record key is null: it cannot be a document id (set key.ignore=true to use topic+queue+offset)',
    );
  }
  switch (typeof key) {
    case 'string':
      return key;
    case 'number':
      return numberJson(key, '');
    case 'bigint':
    case 'boolean':
      return String(key);
  }
  if (schema?.name === LogicalNames.DATE || schema?.name === LogicalNames.TIME) {
    return unquote(dateJson(key, '', schema.name === LogicalNames.DATE ? 'date' : 'time'));
  }
  if (key instanceof Date) return unquote(dateJson(key, '', 'timestamp'));
  if (key instanceof Decimal) return key.toString();
  if (schema?.name === LogicalNames.DECIMAL && key instanceof Uint8Array) {
    return decimalJson(key, schema, '');
  }
  if (key instanceof Uint8Array) return base64(key);
  if (key instanceof Struct) {
    const fields = key.schema.fields;
    if (fields.length === 1) return idText(key.get(fields[0]!), fields[0]!.schema);
    return toJson(key, null);
  }
  if (key instanceof Map) {
    if (key.size === 1) {
      const [only] = key.values();
      return idText(only, schema?.valueSchema ?? null);
    }
    return toJson(sortedObject([...key.entries()].map(([k, v]) => [String(k), v])), null);
  }
  if (Array.isArray(key)) return toJson(key, schema);
  const entries = Object.entries(key as Record<string, unknown>);
  if (entries.length === 1) return idText(entries[0]![1], null);
  return toJson(sortedObject(entries), null);
}

function sortedObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[k] = v instanceof Map ? sortedObject([...v.entries()].map(([mk, mv]) => [String(mk), mv])) : sortNested(v);
  }
  return out;
}

function sortNested(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  if (v instanceof Struct || v instanceof Decimal || v instanceof Date || v instanceof Uint8Array) return v;
  return sortedObject(Object.entries(v as Record<string, unknown>));
}

function unquote(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1) : text;
}
