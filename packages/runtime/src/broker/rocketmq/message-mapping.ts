import { DataError } from '@tributary/api';
import type { StoredMessage as RocketMQStoredMessage } from '@tributary/rocketmq';
import type { BrokerHeader, OutgoingMessage, StoredMessage } from '../broker.js';

/*
 * A Connect record (key, value, headers, timestamp) ↔ a RocketMQ message (body, properties). Property
 * values are strings that may not contain \u0001 or \u0002 (the separators of the properties string), and
 * the Java client drops empty values, so no value written here is empty. RocketMQ refuses empty bodies.
 *
 *   body                         the value bytes; one 0x00 byte when the value is null or empty
 *   TRIBUTARY_TS                 record timestamp, decimal ms since the epoch; always written: it marks a
 *                                message as Tributary's (the born timestamp is the send time)
 *   TRIBUTARY_TOMBSTONE = "1"    the value is null (a tombstone)
 *   TRIBUTARY_EMPTY = "1"        the value is zero bytes
 *   KEYS                         the key for RocketMQ's key index and tools (`mqadmin queryMsgByKey`):
 *                                the key's text when it is UTF-8 without control characters, else its
 *                                base64; omitted when longer than 1024 characters or for a null key
 *   TRIBUTARY_KEY<form>          the exact key bytes; absent for a null key
 *   h.<i><form>:<name>           header number i (0, 1, ... in order; names may repeat); in <name>
 *                                `%`, \u0001 and \u0002 are written %25, %01, %02
 *
 *   <form> = ""        value = the bytes as text (valid UTF-8, not empty, no \u0001 or \u0002)
 *          | ".b64"    value = base64 of the bytes (any other bytes)
 *          | ".empty"  value = "1": zero bytes
 *          | ".null"   value = "1": null (headers only)
 *
 * Example: key "order-42", value {"id":42}, headers [trace=abc, trace=<0x01 0xff>], timestamp 1700000000000
 *   body {"id":42}   KEYS=order-42   TRIBUTARY_KEY=order-42   TRIBUTARY_TS=1700000000000
 *   h.0:trace=abc    h.1.b64:trace=Af8=
 *
 * Reading a message without TRIBUTARY_TS (written by another RocketMQ producer): value = body, key = the
 * KEYS property's UTF-8 bytes (or null), headers = every other property as a UTF-8 header (sorted by name),
 * timestamp = the born timestamp.
 *
 * The whole properties string must stay under 32767 bytes (it is length-prefixed with an int16); the
 * client adds UNIQ_KEY and WAIT and the broker may add a CRC property, so records whose properties exceed
 * {@link MAX_RECORD_PROPERTIES_BYTES} are refused with a DataError.
 */

export const PROP_TIMESTAMP = 'TRIBUTARY_TS';
export const PROP_TOMBSTONE = 'TRIBUTARY_TOMBSTONE';
export const PROP_EMPTY = 'TRIBUTARY_EMPTY';
export const PROP_KEY = 'TRIBUTARY_KEY';
const PROP_KEYS = 'KEYS';
const FORM_B64 = '.b64';
const FORM_EMPTY = '.empty';
const FORM_NULL = '.null';

/** Longest readable key written to KEYS. */
const MAX_READABLE_KEY = 1024;
/** int16 limit of a properties string, less what the client (UNIQ_KEY, WAIT) and broker (CRC) add. */
export const MAX_RECORD_PROPERTIES_BYTES = 32767 - 128;
/** Bytes of a batch entry besides body and properties (`encodeBatch`), plus the client's UNIQ_KEY and WAIT. */
const ENTRY_OVERHEAD = 22 + 52;

const PLACEHOLDER = new Uint8Array([0]);
const EMPTY = new Uint8Array(0);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEADER_KEY = /^h\.(\d+)(\.b64|\.empty|\.null)?:/;

/** A record ready for the producer: body, KEYS text, the other properties, and its size in a batch. */
export interface EncodedRecord {
  readonly body: Uint8Array;
  readonly keys: string | undefined;
  readonly properties: Record<string, string>;
  /** Bytes of this message in a SEND_BATCH_MESSAGE body (with the client's own properties). */
  readonly batchBytes: number;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** The text of bytes when they are valid UTF-8 free of the separators, else undefined. */
function plainText(b: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(b);
  } catch {
    return undefined;
  }
  return text.includes('\u0001') || text.includes('\u0002') ? undefined : text;
}

/** Encodes bytes (or null) as a property: the key suffix `<form>` and the value. */
export function encodeBytesProperty(b: Uint8Array | null): [form: string, value: string] {
  if (b === null) return [FORM_NULL, '1'];
  if (b.length === 0) return [FORM_EMPTY, '1'];
  const text = plainText(b);
  return text === undefined ? [FORM_B64, asBuffer(b).toString('base64')] : ['', text];
}

/** Decodes a property written by {@link encodeBytesProperty}. */
export function decodeBytesProperty(form: string, value: string): Uint8Array | null {
  switch (form) {
    case '':
      return Buffer.from(value, 'utf8');
    case FORM_B64:
      return Buffer.from(value, 'base64');
    case FORM_EMPTY:
      return EMPTY;
    case FORM_NULL:
      return null;
    default:
      throw new DataError(`unknown property form '${form}'`);
  }
}

/** The KEYS text of a key: its text when printable UTF-8, else base64; undefined when too long or empty. */
export function readableKey(key: Uint8Array): string | undefined {
  let text = plainText(key);
  if (text === undefined || /[\u0000-\u001f\u007f]/.test(text)) text = asBuffer(key).toString('base64');
  return text.length === 0 || text.length > MAX_READABLE_KEY ? undefined : text;
}

function escapeName(name: string): string {
  return /[%\u0001\u0002]/.test(name)
    ? name.replace(/[%\u0001\u0002]/g, (c) => (c === '%' ? '%25' : c === '\u0001' ? '%01' : '%02'))
    : name;
}

function unescapeName(name: string): string {
  return name.includes('%')
    ? name.replace(/%(25|01|02)/g, (_m, h: string) => (h === '25' ? '%' : h === '01' ? '\u0001' : '\u0002'))
    : name;
}

function utf8Length(s: string): number {
  // ASCII fast path: most property names and values are ASCII.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/**
 * Encodes a record as a RocketMQ message (see the format above).
 * @throws DataError when the properties (key and headers) would exceed the properties limit, or the
 *   message `maxMessageBytes`.
 */
export function encodeRecord(m: OutgoingMessage, maxMessageBytes: number): EncodedRecord {
  const properties: Record<string, string> = {};
  let body: Uint8Array;
  if (m.value === null) {
    body = PLACEHOLDER;
    properties[PROP_TOMBSTONE] = '1';
  } else if (m.value.length === 0) {
    body = PLACEHOLDER;
    properties[PROP_EMPTY] = '1';
  } else {
    body = m.value;
  }
  properties[PROP_TIMESTAMP] = String(m.timestamp);
  let keys: string | undefined;
  if (m.key !== null) {
    const [form, value] = encodeBytesProperty(m.key);
    properties[PROP_KEY + form] = value;
    keys = readableKey(m.key);
  }
  const headers = m.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const [form, value] = encodeBytesProperty(h.value);
    properties[`h.${i}${form}:${escapeName(h.key)}`] = value;
  }
  let propertiesBytes = keys === undefined ? 0 : 6 + utf8Length(keys);
  for (const k in properties) propertiesBytes += 2 + utf8Length(k) + utf8Length(properties[k]!);
  if (propertiesBytes > MAX_RECORD_PROPERTIES_BYTES) {
    throw new DataError(
      `record key and headers take ${propertiesBytes} bytes as RocketMQ properties, more than the ${MAX_RECORD_PROPERTIES_BYTES} RocketMQ allows (${headers.length} headers)`,
    );
  }
  const batchBytes = ENTRY_OVERHEAD + body.length + propertiesBytes;
  if (batchBytes > maxMessageBytes) {
    throw new DataError(
      `message of ${batchBytes} bytes (value ${body.length}, properties ${propertiesBytes}) exceeds rocketmq.max.message.bytes (${maxMessageBytes})`,
    );
  }
  return { body, keys, properties, batchBytes };
}

/**
 * Decodes a pulled RocketMQ message into the record it stands for, as a message of Connect topic `topic`,
 * queue `queue`.
 * @throws DataError when a Tributary property is malformed.
 */
export function decodeRecord(m: RocketMQStoredMessage, topic: string, queue: number): StoredMessage {
  const props = m.properties;
  const ts = props[PROP_TIMESTAMP];
  if (ts === undefined) return decodeForeign(m, topic, queue);
  let key: Uint8Array | null = null;
  let numbered: [number, BrokerHeader][] | null = null;
  let value: Uint8Array | null = m.body;
  for (const k in props) {
    const v = props[k]!;
    if (k.charCodeAt(0) === 0x68 /* h */ && k.charCodeAt(1) === 0x2e /* . */) {
      const match = HEADER_KEY.exec(k);
      if (match === null) continue;
      numbered ??= [];
      numbered.push([
        Number(match[1]),
        { key: unescapeName(k.slice(match[0].length)), value: decodeBytesProperty(match[2] ?? '', v) },
      ]);
    } else if (k.startsWith(PROP_KEY)) {
      key = decodeBytesProperty(k.slice(PROP_KEY.length), v);
    } else if (k === PROP_TOMBSTONE) {
      value = null;
    } else if (k === PROP_EMPTY) {
      value = EMPTY;
    }
  }
  let headers: BrokerHeader[] = [];
  if (numbered !== null) {
    numbered.sort((a, b) => a[0] - b[0]);
    headers = numbered.map(([i, h], at) => {
      if (i !== at) throw new DataError(`message ${topic}/${queue}/${m.queueOffset}: header ${at} is missing`);
      return h;
    });
  }
  const timestamp = Number(ts);
  return {
    topic,
    queue,
    offset: m.queueOffset,
    key,
    value,
    headers,
    timestamp: Number.isSafeInteger(timestamp) ? timestamp : m.bornTimestamp,
    size: m.storeSize,
  };
}

function decodeForeign(m: RocketMQStoredMessage, topic: string, queue: number): StoredMessage {
  const props = m.properties;
  const keys = props[PROP_KEYS];
  const headers: BrokerHeader[] = [];
  for (const name of Object.keys(props).sort()) {
    if (name !== PROP_KEYS) headers.push({ key: name, value: Buffer.from(props[name]!, 'utf8') });
  }
  return {
    topic,
    queue,
    offset: m.queueOffset,
    key: keys === undefined ? null : Buffer.from(keys, 'utf8'),
    value: m.body,
    headers,
    timestamp: m.bornTimestamp,
    size: m.storeSize,
  };
}
