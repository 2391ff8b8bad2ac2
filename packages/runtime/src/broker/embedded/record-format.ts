import { DataError } from '@tributary/api';
import type { BrokerHeader, OutgoingMessage, StoredMessage } from '../broker.js';
import { FRAME_HEADER_BYTES, readI64, readU64, sealFrame, writeI64, writeU64 } from './framing.js';

/*
 * One message in a segment file, inside the frame of framing.ts (all integers little-endian):
 *
 *   frame      = length:u32 crc:u32 body                      crc = CRC-32 of body
 *   body       = magic:u8 attributes:u8 offset:u64 timestamp:i64 key:bytes value:bytes
 *                headerCount:u32 header{headerCount}
 *   bytes      = size:i32 data[size]                          size -1 = null (a null value is a tombstone)
 *   header     = keySize:u16 key:utf8[keySize] value:bytes
 *
 *   magic      = 1; a reader rejects a magic it does not know, so the format can evolve
 *   attributes = 0; reserved (compression, transactional markers)
 *   offset     = the message's offset in its queue; recovery checks it follows the previous one
 *   timestamp  = the producer's timestamp, ms since the epoch
 */

/** Current version of the message body. */
export const RECORD_MAGIC = 1;
/** Body bytes of a message without key, value or headers. */
export const RECORD_MIN_BODY = 1 + 1 + 8 + 8 + 4 + 4 + 4;
const OFFSET_AT = FRAME_HEADER_BYTES + 2;
const TIMESTAMP_AT = FRAME_HEADER_BYTES + 10;
const KEY_AT = FRAME_HEADER_BYTES + 18;

/** What of an OutgoingMessage is stored. */
export type MessageContent = Pick<OutgoingMessage, 'key' | 'value' | 'headers' | 'timestamp'>;

const NO_HEADERS: readonly BrokerHeader[] = Object.freeze([]);

/** Framed size of a message in bytes. @throws DataError when a header key is longer than 65535 UTF-8 bytes. */
export function recordSize(m: MessageContent): number {
  let size = FRAME_HEADER_BYTES + RECORD_MIN_BODY + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  for (const h of m.headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    if (keyBytes > 0xffff) throw new DataError(`header key longer than 65535 bytes: ${h.key.slice(0, 40)}...`);
    size += 2 + keyBytes + 4 + (h.value?.length ?? 0);
  }
  return size;
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    buf.writeInt32LE(-1, pos);
    return pos + 4;
  }
  buf.writeInt32LE(bytes.length, pos);
  buf.set(bytes, pos + 4);
  return pos + 4 + bytes.length;
}

/** Encodes one framed message at `pos` with the given offset; returns the position after it. */
export function encodeRecord(buf: Buffer, pos: number, offset: number, m: MessageContent): number {
  let p = pos + FRAME_HEADER_BYTES;
  buf[p] = RECORD_MAGIC;
  buf[p + 1] = 0;
  writeU64(buf, offset, p + 2);
  writeI64(buf, m.timestamp, p + 10);
  p = writeBytes(buf, p + 18, m.key);
  p = writeBytes(buf, p, m.value);
  buf.writeUInt32LE(m.headers.length, p);
  p += 4;
  for (const h of m.headers) {
    const n = buf.write(h.key, p + 2, 'utf8');
    buf.writeUInt16LE(n, p);
    p = writeBytes(buf, p + 2 + n, h.value);
  }
  sealFrame(buf, pos, p - pos - FRAME_HEADER_BYTES);
  return p;
}

/** The offset field of the (checked) frame at `pos`. */
export function recordOffset(buf: Buffer, pos: number): number {
  return readU64(buf, pos + OFFSET_AT);
}

/** The timestamp field of the (checked) frame at `pos`. */
export function recordTimestamp(buf: Buffer, pos: number): number {
  return readI64(buf, pos + TIMESTAMP_AT);
}

/** The magic byte of the (checked) frame at `pos`. */
export function recordMagic(buf: Buffer, pos: number): number {
  return buf[pos + FRAME_HEADER_BYTES] ?? -1;
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.end) throw new DataError('message body ends before its fields do');
  }

  bytes(): Uint8Array | null {
    this.need(4);
    const size = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    if (size === -1) return null;
    if (size < 0) throw new DataError(`bad field size ${size}`);
    this.need(size);
    // A view: the read buffer belongs to this batch of messages only.
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return out;
  }
}

/**
 * Decodes the checked frame at `pos` whose body has `bodyLength` bytes. Key, value and header values are
 * views into `buf`. @throws DataError when the magic is unknown or fields overrun the body.
 */
export function decodeRecord(
  buf: Buffer,
  pos: number,
  bodyLength: number,
  topic: string,
  queue: number,
): StoredMessage {
  const magic = recordMagic(buf, pos);
  if (magic !== RECORD_MAGIC) throw new DataError(`unknown message format version ${magic}`);
  const c = new Cursor(buf, pos + KEY_AT, pos + FRAME_HEADER_BYTES + bodyLength);
  const key = c.bytes();
  const value = c.bytes();
  c.need(4);
  const count = buf.readUInt32LE(c.pos);
  c.pos += 4;
  let headers = NO_HEADERS;
  if (count > 0) {
    const list: BrokerHeader[] = [];
    for (let i = 0; i < count; i++) {
      c.need(2);
      const keySize = buf.readUInt16LE(c.pos);
      c.need(2 + keySize);
      const hk = buf.toString('utf8', c.pos + 2, c.pos + 2 + keySize);
      c.pos += 2 + keySize;
      list.push({ key: hk, value: c.bytes() });
    }
    headers = list;
  }
  return {
    topic,
    queue,
    offset: recordOffset(buf, pos),
    key,
    value,
    headers,
    timestamp: recordTimestamp(buf, pos),
    size: FRAME_HEADER_BYTES + bodyLength,
  };
}
