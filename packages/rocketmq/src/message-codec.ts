import { inflateSync } from 'node:zlib';
import { InvalidArgumentError, ProtocolError } from './errors.js';
import { decodeProperties } from './properties-codec.js';
import { MessageConst, MessageSysFlag } from './protocol.js';

/** Magic code of stored messages written with a 1-byte topic length. */
export const MAGIC_V1 = -626843481; // 0xDAA320A7
/** Magic code of stored messages written with a 2-byte topic length. */
export const MAGIC_V2 = -626843477; // 0xDAA320AB

/** One message of a batch send, already reduced to what goes on the wire. */
export interface EncodableMessage {
  body: Uint8Array;
  /** User flag, stored as-is (default 0). */
  flag?: number;
  /** Encoded properties string (see properties-codec). */
  properties: string;
}

/*
 * Batch body of SEND_BATCH_MESSAGE (MessageDecoder.encodeMessage, one after the other):
 *
 *   message    = totalSize:int32 magic:int32(=0) bodyCRC:int32(=0) flag:int32
 *                bodyLength:int32 body propertiesLength:int16 properties:utf8
 *   totalSize  = 20 + bodyLength + 2 + propertiesLength
 *
 * The broker computes the CRC and rewrites each entry into the stored format below.
 */

/** Encodes messages into one SEND_BATCH_MESSAGE body, allocating one buffer. */
export function encodeBatch(messages: readonly EncodableMessage[]): Buffer {
  let total = 0;
  const propLengths = new Array<number>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const pl = Buffer.byteLength(m.properties, 'utf8');
    if (pl > 0x7fff) throw new InvalidArgumentError(`properties of message ${i} take ${pl} bytes (max 32767)`);
    propLengths[i] = pl;
    total += 22 + m.body.length + pl;
  }
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const pl = propLengths[i]!;
    const bl = m.body.length;
    out.writeInt32BE(22 + bl + pl, p);
    out.writeInt32BE(0, p + 4);
    out.writeInt32BE(0, p + 8);
    out.writeInt32BE(m.flag ?? 0, p + 12);
    out.writeInt32BE(bl, p + 16);
    out.set(m.body, p + 20);
    p += 20 + bl;
    out.writeInt16BE(pl, p);
    p += 2;
    if (pl > 0) p += out.write(m.properties, p, pl, 'utf8');
  }
  return out;
}

/** Decodes a SEND_BATCH_MESSAGE body (the inverse of {@link encodeBatch}; bodies are views, not copies). */
export function decodeBatch(buf: Buffer): { body: Buffer; flag: number; properties: string }[] {
  const out: { body: Buffer; flag: number; properties: string }[] = [];
  let p = 0;
  while (p < buf.length) {
    if (p + 22 > buf.length) throw new ProtocolError('batch entry truncated');
    const size = buf.readInt32BE(p);
    const flag = buf.readInt32BE(p + 12);
    const bl = buf.readInt32BE(p + 16);
    const body = buf.subarray(p + 20, p + 20 + bl);
    const pl = buf.readInt16BE(p + 20 + bl);
    const properties = buf.toString('utf8', p + 22 + bl, p + 22 + bl + pl);
    if (size !== 22 + bl + pl) throw new ProtocolError(`batch entry size ${size} != ${22 + bl + pl}`);
    out.push({ body, flag, properties });
    p += size;
  }
  return out;
}

/** A message as stored by the broker and returned by a pull. */
export interface StoredMessage {
  topic: string;
  queueId: number;
  queueOffset: number;
  /** Body, inflated when the producer compressed it with zlib; a view on the response when not compressed. */
  body: Buffer;
  /** Set when the body is compressed with a codec this client does not inflate ('lz4' | 'zstd'). */
  compression: 'lz4' | 'zstd' | undefined;
  tags: string | undefined;
  /** KEYS property split on spaces. */
  keys: string[];
  /** All properties, system (TAGS, KEYS, UNIQ_KEY, MIN_OFFSET, ...) and user ones. */
  properties: Record<string, string>;
  /** Client message id (UNIQ_KEY) when set, else the offset message id. */
  msgId: string;
  flag: number;
  sysFlag: number;
  bodyCRC: number;
  storeSize: number;
  commitLogOffset: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** hex(storeHost ip + port + commitLogOffset), the broker-side message id. */
  offsetMsgId: string;
}

/*
 * Stored message (CommitLog / MessageDecoder), messages concatenated in a pull response body:
 *
 *   storeSize:int32 magic:int32 bodyCRC:int32 queueId:int32 flag:int32 queueOffset:int64
 *   physicalOffset:int64 sysFlag:int32 bornTimestamp:int64
 *   bornHost: ip(4 | 16 if sysFlag&0x10) port:int32
 *   storeTimestamp:int64
 *   storeHost: ip(4 | 16 if sysFlag&0x20) port:int32
 *   reconsumeTimes:int32 preparedTransactionOffset:int64
 *   bodyLength:int32 body
 *   topicLength: int8 (magic V1) | int16 (magic V2)   topic:utf8
 *   propertiesLength:int16 properties:utf8
 *
 * storeSize counts the whole entry including itself. Body is zlib when sysFlag&0x1 and the compression
 * bits (0x700) are 0 or 0x300.
 */

/** Decodes all stored messages in a pull response body. */
export function decodeStoredMessages(buf: Buffer): StoredMessage[] {
  const out: StoredMessage[] = [];
  let p = 0;
  let lastTopicBytes: Buffer | null = null;
  let lastTopic = '';
  while (p < buf.length) {
    if (p + 4 > buf.length) throw new ProtocolError(`stored message truncated at ${p}`);
    const storeSize = buf.readInt32BE(p);
    if (storeSize <= 0 || p + storeSize > buf.length) {
      throw new ProtocolError(`stored message size ${storeSize} at ${p} exceeds ${buf.length} bytes`);
    }
    const end = p + storeSize;
    const magic = buf.readInt32BE(p + 4);
    if (magic !== MAGIC_V1 && magic !== MAGIC_V2) throw new ProtocolError(`bad magic ${magic} at ${p}`);
    const bodyCRC = buf.readInt32BE(p + 8);
    const queueId = buf.readInt32BE(p + 12);
    const flag = buf.readInt32BE(p + 16);
    const queueOffset = readInt64(buf, p + 20);
    const commitLogOffset = readInt64(buf, p + 28);
    const sysFlag = buf.readInt32BE(p + 36);
    const bornTimestamp = readInt64(buf, p + 40);
    let q = p + 48;
    const bornIpLength = sysFlag & MessageSysFlag.BORNHOST_V6 ? 16 : 4;
    const bornHostAt = q;
    q += bornIpLength + 4;
    const storeTimestamp = readInt64(buf, q);
    q += 8;
    const storeIpLength = sysFlag & MessageSysFlag.STOREHOST_V6 ? 16 : 4;
    const storeHostAt = q;
    q += storeIpLength + 4;
    const reconsumeTimes = buf.readInt32BE(q);
    const preparedTransactionOffset = readInt64(buf, q + 4);
    const bodyLength = buf.readInt32BE(q + 12);
    q += 16;
    if (q + bodyLength > end) throw new ProtocolError(`body length ${bodyLength} exceeds message at ${p}`);
    let body = buf.subarray(q, q + bodyLength);
    q += bodyLength;
    let compression: 'lz4' | 'zstd' | undefined;
    if (sysFlag & MessageSysFlag.COMPRESSED) {
      const type = sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK;
      if (type === 0 || type === MessageSysFlag.COMPRESSION_ZLIB) {
        try {
          body = inflateSync(body);
        } catch (cause) {
          throw new ProtocolError(`cannot inflate body of message at queue offset ${queueOffset}`, { cause });
        }
      } else {
        compression = type === MessageSysFlag.COMPRESSION_LZ4 ? 'lz4' : 'zstd';
      }
    }
    let topicLength: number;
    if (magic === MAGIC_V2) {
      topicLength = buf.readInt16BE(q);
      q += 2;
    } else {
      topicLength = buf.readUInt8(q);
      q += 1;
    }
    // Messages of one pull share their topic: reuse the string instead of decoding it again.
    let topic: string;
    if (
      lastTopicBytes !== null &&
      lastTopicBytes.length === topicLength &&
      buf.compare(lastTopicBytes, 0, topicLength, q, q + topicLength) === 0
    ) {
      topic = lastTopic;
    } else {
      lastTopicBytes = buf.subarray(q, q + topicLength);
      lastTopic = topic = lastTopicBytes.toString('utf8');
    }
    q += topicLength;
    const propertiesLength = buf.readInt16BE(q);
    q += 2;
    const properties = propertiesLength > 0 ? decodeProperties(buf.toString('utf8', q, q + propertiesLength)) : {};
    const keysProp = properties[MessageConst.KEYS];
    const uniq = properties[MessageConst.UNIQ_KEY];
    const offsetMsgId = hex(buf, storeHostAt, storeIpLength + 4) + hexInt64(buf, p + 28);
    out.push({
      topic,
      queueId,
      queueOffset,
      body,
      compression,
      tags: properties[MessageConst.TAGS],
      keys: keysProp === undefined || keysProp === '' ? [] : keysProp.split(' ').filter((k) => k !== ''),
      properties,
      msgId: uniq ?? offsetMsgId,
      flag,
      sysFlag,
      bodyCRC,
      storeSize,
      commitLogOffset,
      bornTimestamp,
      storeTimestamp,
      bornHost: hostString(buf, bornHostAt, bornIpLength),
      storeHost: hostString(buf, storeHostAt, storeIpLength),
      reconsumeTimes,
      preparedTransactionOffset,
      offsetMsgId,
    });
    p = end;
  }
  return out;
}

/** What {@link encodeStoredMessage} needs; hosts are `ip:port` / `[ipv6]:port`. */
export interface StoredMessageInput {
  topic: string;
  queueId: number;
  queueOffset: number;
  body: Uint8Array;
  properties: string;
  flag?: number;
  sysFlag?: number;
  bodyCRC?: number;
  commitLogOffset?: number;
  bornTimestamp?: number;
  storeTimestamp?: number;
  bornHost?: string;
  storeHost?: string;
  reconsumeTimes?: number;
  magic?: number;
}

/** Encodes one message in the stored format (what the broker writes); the inverse of {@link decodeStoredMessages}. */
export function encodeStoredMessage(m: StoredMessageInput): Buffer {
  const magic = m.magic ?? MAGIC_V1;
  const born = parseHost(m.bornHost ?? '127.0.0.1:0');
  const store = parseHost(m.storeHost ?? '127.0.0.1:0');
  let sysFlag = m.sysFlag ?? 0;
  sysFlag = born.ip.length === 16 ? sysFlag | MessageSysFlag.BORNHOST_V6 : sysFlag & ~MessageSysFlag.BORNHOST_V6;
  sysFlag = store.ip.length === 16 ? sysFlag | MessageSysFlag.STOREHOST_V6 : sysFlag & ~MessageSysFlag.STOREHOST_V6;
  const topic = Buffer.from(m.topic, 'utf8');
  const props = Buffer.from(m.properties, 'utf8');
  const topicLenSize = magic === MAGIC_V2 ? 2 : 1;
  const size =
    4 +
    4 +
    4 +
    4 +
    4 +
    8 +
    8 +
    4 +
    8 +
    born.ip.length +
    4 +
    8 +
    store.ip.length +
    4 +
    4 +
    8 +
    4 +
    m.body.length +
    topicLenSize +
    topic.length +
    2 +
    props.length;
  const out = Buffer.alloc(size);
  let p = out.writeInt32BE(size, 0);
  p = out.writeInt32BE(magic, p);
  p = out.writeInt32BE(m.bodyCRC ?? 0, p);
  p = out.writeInt32BE(m.queueId, p);
  p = out.writeInt32BE(m.flag ?? 0, p);
  p = out.writeBigInt64BE(BigInt(m.queueOffset), p);
  p = out.writeBigInt64BE(BigInt(m.commitLogOffset ?? 0), p);
  p = out.writeInt32BE(sysFlag, p);
  p = out.writeBigInt64BE(BigInt(m.bornTimestamp ?? 0), p);
  p += born.ip.copy(out, p);
  p = out.writeInt32BE(born.port, p);
  p = out.writeBigInt64BE(BigInt(m.storeTimestamp ?? 0), p);
  p += store.ip.copy(out, p);
  p = out.writeInt32BE(store.port, p);
  p = out.writeInt32BE(m.reconsumeTimes ?? 0, p);
  p = out.writeBigInt64BE(0n, p);
  p = out.writeInt32BE(m.body.length, p);
  out.set(m.body, p);
  p += m.body.length;
  p = magic === MAGIC_V2 ? out.writeInt16BE(topic.length, p) : out.writeUInt8(topic.length, p);
  p += topic.copy(out, p);
  p = out.writeInt16BE(props.length, p);
  props.copy(out, p);
  return out;
}

function readInt64(buf: Buffer, p: number): number {
  return buf.readInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4);
}

const HEX = '0123456789ABCDEF';
function hex(buf: Buffer, p: number, n: number): string {
  let s = '';
  for (let i = p; i < p + n; i++) {
    const b = buf[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}
function hexInt64(buf: Buffer, p: number): string {
  return hex(buf, p, 8);
}

function hostString(buf: Buffer, p: number, ipLength: number): string {
  const port = buf.readInt32BE(p + ipLength);
  if (ipLength === 4) return `${buf[p]}.${buf[p + 1]}.${buf[p + 2]}.${buf[p + 3]}:${port}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(p + i).toString(16));
  return `[${groups.join(':')}]:${port}`;
}

function parseHost(host: string): { ip: Buffer; port: number } {
  const v6 = /^\[([0-9a-fA-F:]+)\]:(\d+)$/.exec(host);
  if (v6) {
    const ip = Buffer.alloc(16);
    const [head, tail] = v6[1]!.split('::') as [string, string | undefined];
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
    groups.forEach((g, i) => {
      ip.writeUInt16BE(Number.parseInt(g, 16), i * 2);
    });
    return { ip, port: Number(v6[2]) };
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(host);
  if (!v4) throw new InvalidArgumentError(`not a host:port: ${host}`);
  return { ip: Buffer.from([Number(v4[1]), Number(v4[2]), Number(v4[3]), Number(v4[4])]), port: Number(v4[5]) };
}
