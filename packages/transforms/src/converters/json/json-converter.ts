import { Buffer } from 'node:buffer';
import {
  ConfigSpec,
  type Converter,
  type ConverterOptions,
  DataError,
  type HeaderConverter,
  Headers,
  NULL_SCHEMA_AND_VALUE,
  type RawConfig,
  range,
  type Schema,
  type SchemaAndValue,
} from '@tributary/api';
import { NEED_EXACT, toDataError } from './errors.js';
import { JsonSyntaxError, lineColumn, parseJsonExact, RawNumber, skipJsonValue } from './exact-json.js';
import { connectSchemaOf, JsonReader, plainValue } from './json-reader.js';
import { asBuffer, decodeUtf8, firstInvalidUtf8, InvalidUtf8Error, quote } from './json-text.js';
import { JsonWriter } from './json-writer.js';

/** Configuration of {@link JsonConverter}: Kafka's JsonConverterConfig keys, without the `value.converter.` prefix. */
export const JSON_CONVERTER_SPEC = ConfigSpec.create()
  .boolean('schemas.enable', {
    doc: 'Include schemas within each of the serialized values and keys: {"schema": ..., "payload": ...}.',
    default: true,
    importance: 'high',
    displayName: 'Enable Schemas',
  })
  .int('schemas.cache.size', {
    doc: 'The maximum number of schemas that can be cached in this converter instance.',
    default: 1000,
    validate: range(0),
    importance: 'high',
    displayName: 'Schema Cache Size',
  })
  .enum('decimal.format', ['BASE64', 'NUMERIC'], {
    doc:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'. " +
      'On read both forms are accepted.',
    default: 'BASE64',
    caseInsensitive: true,
    importance: 'low',
    displayName: 'Decimal Format',
  })
  .boolean('replace.null.with.default', {
    doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    default: true,
    importance: 'low',
    displayName: 'Replace null with default',
  });

export type JsonConverterConfig = ReturnType<typeof JSON_CONVERTER_SPEC.parse>;

/** Kafka's message for an envelope that is not exactly `{"schema": ..., "payload": ...}`. */
export const ENVELOPE_MESSAGE =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const SCHEMA_PREFIX = '{"schema":';
const PAYLOAD_KEY = ',"payload":';
/** Node's Buffer method behind `write(s, offset, length, 'utf8')`, without the argument juggling. */
interface Utf8Writer {
  utf8Write(text: string, offset: number, length: number): number;
}

/** A small LRU map: the most recently used entries are kept. */
class Lru<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K);
  }
  get size(): number {
    return this.#map.size;
  }
}

interface Parsed {
  readonly node: unknown;
  readonly exact: boolean;
}

/**
 * Kafka Connect's JSON converter (`org.apache.kafka.connect.json.JsonConverter`), byte-compatible with it.
 *
 * With `schemas.enable=true` (default) every message is an envelope `{"schema":<schema|null>,"payload":<value>}`;
 * otherwise it is plain JSON and reading gives schema null. Numbers never lose precision: int64 values
 * are bigints, Decimals are exact, and integers beyond 2^53 in schemaless data become bigints.
 *
 * Caches: the envelope's schema text per Schema object (write), and the Schema per schema text, plus the
 * last schema text seen, so that a stream of records with one schema parses only their payloads (read).
 *
 * Also a {@link HeaderConverter} (as Kafka's): header values are converted exactly like record values.
 */
export class JsonConverter implements Converter, HeaderConverter {
  readonly config: JsonConverterConfig;
  readonly #schemasEnabled: boolean;
  readonly #root: string;
  readonly #writer: JsonWriter;
  readonly #reader: JsonReader;
  readonly #schemas: Lru<string, Schema>;
  #lastSchemaText: string | undefined;
  /** `{"schema":` + the last schema text read + `,"payload":`, as bytes. */
  #lastHead: Buffer | undefined;
  readonly #heads = new WeakMap<Schema, Buffer>();
  /** Schemas whose payloads hold numbers JSON.parse may round (numeric Decimals, int64 beyond 2^53). */
  readonly #exactSchemas = new WeakSet<Schema>();
  #lastSchema: Schema | undefined;

  /**
   * @param config raw or parsed settings (see {@link JSON_CONVERTER_SPEC}); missing keys take their defaults.
   * @throws ConfigError for invalid settings.
   */
  constructor(config: RawConfig = {}, options: ConverterOptions = { isKey: false }) {
    this.config = JSON_CONVERTER_SPEC.parse(config, { subject: 'JsonConverter configuration' });
    this.#schemasEnabled = this.config['schemas.enable'];
    this.#root = this.#schemasEnabled ? 'payload' : options.isKey ? 'key' : 'value';
    const replace = this.config['replace.null.with.default'];
    this.#writer = new JsonWriter(this.config['decimal.format'] === 'NUMERIC', replace);
    this.#reader = new JsonReader(replace);
    this.#schemas = new Lru(this.config['schemas.cache.size']);
  }

  fromConnectData(_topic: string, _headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema === null && (value === null || value === undefined)) return null;
    if (!this.#schemasEnabled || schema === null) return Buffer.from(this.toJsonText(schema, value), 'utf8');
    // The envelope's head (`{"schema":...,"payload":`) is encoded once per schema; only the payload is encoded here.
    const payload = this.#payloadText(schema, value);
    const head = this.#envelopeHead(schema);
    const length = Buffer.byteLength(payload, 'utf8');
    const out = Buffer.allocUnsafe(head.length + length + 1);
    out.set(head, 0);
    (out as unknown as Utf8Writer).utf8Write(payload, head.length, length);
    out[out.length - 1] = 0x7d;
    return out;
  }

  #envelopeHead(schema: Schema): Buffer {
    let head = this.#heads.get(schema);
    if (head === undefined) {
      head = Buffer.from(`${SCHEMA_PREFIX}${this.asJsonSchemaText(schema)}${PAYLOAD_KEY}`, 'utf8');
      this.#heads.set(schema, head);
    }
    return head;
  }

  #payloadText(schema: Schema | null, value: unknown): string {
    try {
      return schema === null ? this.#writer.schemaless(value) : this.#writer.writer(schema)(value);
    } catch (e) {
      throw toDataError(e, this.#root);
    }
  }

  /**
   * The JSON text {@link fromConnectData} encodes (envelope included when schemas are enabled).
   * @throws DataError naming the path and the expected type when the value does not fit the schema.
   */
  toJsonText(schema: Schema | null, value: unknown): string {
    const payload = this.#payloadText(schema, value);
    if (!this.#schemasEnabled) return payload;
    return `${SCHEMA_PREFIX}${schema === null ? 'null' : this.asJsonSchemaText(schema)}${PAYLOAD_KEY}${payload}}`;
  }

  /** The schema as Kafka's JSON schema object text. @throws DataError for an unwritable schema default. */
  asJsonSchemaText(schema: Schema): string {
    try {
      return this.#writer.schemaJson(schema);
    } catch (e) {
      throw toDataError(e, 'schema');
    }
  }

  /** A schema from Kafka's JSON schema text (cached). @throws DataError naming the problem. */
  asConnectSchema(jsonSchemaText: string): Schema | null {
    return this.#schemaOfText(jsonSchemaText, 0, jsonSchemaText.length);
  }

  toConnectData(_topic: string, _headers: Headers, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    if (this.#schemasEnabled && this.#lastHead !== undefined) {
      const fast = this.#readFastBytes(asBuffer(bytes), this.#lastHead);
      if (fast !== undefined) return fast;
    }
    let text: string;
    try {
      text = decodeUtf8(bytes);
    } catch (e) {
      if (e instanceof InvalidUtf8Error) throw new DataError(`JsonConverter: ${e.message}`, { cause: e });
      throw e;
    }
    return this.fromJsonText(text);
  }

  /** Reads JSON text as {@link toConnectData} does with bytes. */
  fromJsonText(text: string): SchemaAndValue {
    if (!this.#schemasEnabled) {
      if (text.trim() === '') return NULL_SCHEMA_AND_VALUE;
      const parsed = this.#parse(text, 0, text.length);
      return { schema: null, value: this.#convert(null, parsed, text, 0, text.length) };
    }
    if (text.startsWith(SCHEMA_PREFIX)) {
      const fast = this.#readFast(text);
      if (fast !== undefined) return fast;
    }
    return this.#readEnvelope(text);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, Headers.EMPTY, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, Headers.EMPTY, bytes);
  }

  /** Number of schema texts cached for reading (for tests). */
  get cachedSchemaCount(): number {
    return this.#schemas.size;
  }

  /**
   * {@link #readFast} on bytes, for the schema seen last: its bytes are compared with memcmp and only the
   * payload is decoded and parsed.
   */
  #readFastBytes(buf: Buffer, head: Buffer): SchemaAndValue | undefined {
    const start = head.length;
    let end = buf.length;
    while (end > start && isWhitespace(buf[end - 1]!)) end--;
    if (end <= start || buf[end - 1] !== 0x7d || buf.compare(head, 0, start, 0, start) !== 0) return undefined;
    const text = buf.toString('utf8', start, end - 1);
    // Malformed UTF-8 or JSON: the general path reports it with its position in the whole input.
    if (text.indexOf('\ufffd') >= 0 && firstInvalidUtf8(buf.subarray(start, end - 1)) >= 0) return undefined;
    const schema = this.#lastSchema ?? null;
    const parsed = this.#parsePayload(schema, text, 0, text.length);
    return parsed === undefined ? undefined : { schema, value: this.#convert(schema, parsed, text, 0, text.length) };
  }

  /**
   * The common case: `{"schema":` + a schema text seen before + `,"payload":` + payload + `}`. Only the
   * payload is parsed. Returns undefined whenever the input is not exactly that shape, or does not parse;
   * the general path then reads it and reports errors with positions in the whole input.
   */
  #readFast(text: string): SchemaAndValue | undefined {
    let schema: Schema | null;
    let start: number;
    const last = this.#lastSchemaText;
    if (last !== undefined && text.startsWith(last, 10) && text.startsWith(PAYLOAD_KEY, 10 + last.length)) {
      schema = this.#lastSchema ?? null;
      start = 10 + last.length + PAYLOAD_KEY.length;
    } else {
      const end = skipJsonValue(text, 10);
      if (end < 0 || !text.startsWith(PAYLOAD_KEY, end)) return undefined;
      try {
        schema = this.#schemaOfText(text, 10, end);
      } catch (e) {
        if (e instanceof DataError && /^invalid JSON/.test(e.message)) return undefined;
        throw e;
      }
      start = end + PAYLOAD_KEY.length;
    }
    let end = text.length;
    while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
    if (text.charCodeAt(end - 1) !== 0x7d) return undefined;
    end--;
    const parsed = this.#parsePayload(schema, text, start, end);
    return parsed === undefined ? undefined : { schema, value: this.#convert(schema, parsed, text, start, end) };
  }

  /**
   * A payload parsed with JSON.parse, or with the exact parser for schemas whose payloads needed it before
   * (numeric Decimals: every record would otherwise be parsed twice). Undefined on a syntax error.
   */
  #parsePayload(schema: Schema | null, text: string, start: number, end: number): Parsed | undefined {
    try {
      if (schema !== null && this.#exactSchemas.has(schema))
        return { node: parseJsonExact(text, start, end), exact: true };
      return { node: JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end)), exact: false };
    } catch (e) {
      if (e instanceof SyntaxError || e instanceof JsonSyntaxError) return undefined;
      throw e;
    }
  }

  /** The general path: parse the whole input, check the envelope, convert. */
  #readEnvelope(text: string): SchemaAndValue {
    const parsed = this.#parse(text, 0, text.length);
    const env = parsed.node;
    if (
      typeof env !== 'object' ||
      env === null ||
      Array.isArray(env) ||
      env instanceof RawNumber ||
      !Object.hasOwn(env, 'schema') ||
      !Object.hasOwn(env, 'payload') ||
      Object.keys(env).length !== 2
    ) {
      throw new DataError(ENVELOPE_MESSAGE);
    }
    const e = env as { schema: unknown; payload: unknown };
    let schema: Schema | null = null;
    if (e.schema !== null) {
      const key = canonicalJson(e.schema);
      schema = this.#schemas.get(key) ?? null;
      if (schema === null) {
        schema = this.#schemaOfNode(e.schema);
        this.#schemas.set(key, schema);
      }
    }
    const value = this.#convert(schema, { node: e.payload, exact: parsed.exact }, text, 0, text.length, true);
    return { schema, value };
  }

  #schemaOfText(text: string, start: number, end: number): Schema | null {
    const schemaText = start === 0 && end === text.length ? text : text.slice(start, end);
    let schema: Schema | null | undefined = schemaText === 'null' ? null : this.#schemas.get(schemaText);
    if (schema === undefined) {
      const node = this.#parseExact(text, start, end);
      schema = node === null ? null : this.#schemaOfNode(node);
      if (schema !== null) this.#schemas.set(schemaText, schema);
    }
    if (this.#lastSchemaText !== schemaText) {
      this.#lastSchemaText = schemaText;
      this.#lastHead = Buffer.from(`${SCHEMA_PREFIX}${schemaText}${PAYLOAD_KEY}`, 'utf8');
      this.#lastSchema = schema ?? undefined;
    }
    return schema;
  }

  #schemaOfNode(node: unknown): Schema {
    const exact = this.#reader.exact;
    this.#reader.exact = true;
    try {
      return connectSchemaOf(node, this.#reader);
    } catch (e) {
      throw toDataError(e, 'schema');
    } finally {
      this.#reader.exact = exact;
    }
  }

  /**
   * Parses `text[start, end)` with JSON.parse, or, when it fails, with the exact parser, which accepts
   * leading zeros (as Kafka does) or reports the position. Numbers JSON.parse may have rounded are caught
   * by the readers ({@link NEED_EXACT}).
   */
  #parse(text: string, start: number, end: number): Parsed {
    try {
      return { node: JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end)), exact: false };
    } catch {
      return { node: this.#parseExact(text, start, end), exact: true };
    }
  }

  #parseExact(text: string, start: number, end: number): unknown {
    try {
      return parseJsonExact(text, start, end);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      const { line, column } = lineColumn(text, e.offset);
      throw new DataError(
        `invalid JSON at line ${line}, column ${column} (character offset ${e.offset}): ${e.reason}`,
        { path: `offset ${e.offset}`, cause: e },
      );
    }
  }

  /** Converts a parsed node; reparses exactly when a reader saw a number JSON.parse may have rounded. */
  #convert(schema: Schema | null, parsed: Parsed, text: string, start: number, end: number, envelope = false): unknown {
    try {
      try {
        this.#reader.exact = parsed.exact;
        return schema === null ? plainValue(parsed.node) : this.#reader.reader(schema)(parsed.node);
      } catch (e) {
        if (e !== NEED_EXACT || parsed.exact) throw e;
      }
      if (schema !== null) this.#exactSchemas.add(schema);
      let node = this.#parseExact(text, start, end);
      if (envelope) node = (node as { payload: unknown }).payload;
      this.#reader.exact = true;
      return schema === null ? plainValue(node) : this.#reader.reader(schema)(node);
    } catch (e) {
      if (e === NEED_EXACT) throw new DataError(`${this.#root}: number not representable`);
      throw toDataError(e, this.#root);
    }
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Compact JSON of a parsed node (raw numbers kept), the schema cache key of the general read path. */
function canonicalJson(n: unknown): string {
  if (n === null || typeof n !== 'object') return typeof n === 'string' ? quoteLenient(n) : String(n);
  if (n instanceof RawNumber) return n.text;
  if (Array.isArray(n)) return `[${n.map(canonicalJson).join(',')}]`;
  const o = n as Record<string, unknown>;
  return `{${Object.keys(o)
    .map((k) => `${quoteLenient(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

function quoteLenient(s: string): string {
  try {
    return quote(s);
  } catch {
    return JSON.stringify(s);
  }
}
