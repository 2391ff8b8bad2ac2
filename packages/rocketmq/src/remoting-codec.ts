import { ProtocolError } from './errors.js';
import { LANGUAGES } from './protocol.js';

/**
 * One remoting command: a request, a response or a one-way notification.
 * `extFields` carries the typed request/response header as strings (the server maps them onto its
 * `*RequestHeader` classes); `body` is opaque bytes whose meaning depends on `code`.
 */
export interface RemotingCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  body: Buffer | null;
}

/** Header serialization types (high byte of the second frame word). */
export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Largest frame this client accepts (the broker's default `frameMaxLength` is 16 MiB; leave room). */
export const MAX_FRAME_LENGTH = 64 * 1024 * 1024;

/*
 * Frame (all integers big-endian):
 *
 *   frame        = totalLength:int32  headerWord:int32  header  body
 *   totalLength  = 4 + headerLength + bodyLength         (does not count itself)
 *   headerWord   = serializeType << 24 | headerLength     (serializeType 0 = JSON, 1 = ROCKETMQ)
 *   header       = JSON object | binary header (below), headerLength bytes
 *   body         = remaining bytes, may be empty
 *
 * JSON header: {"code":N,"language":"NODE_JS","version":N,"opaque":N,"flag":N,"remark":S|null,
 *               "extFields":{"k":"v",...}|null,"serializeTypeCurrentRPC":"JSON"}
 *
 * Binary (ROCKETMQ) header:
 *   code:int16 language:int8 version:int16 opaque:int32 flag:int32
 *   remarkLength:int32 remark:utf8
 *   extLength:int32 { keyLength:int16 key:utf8 valueLength:int32 value:utf8 }*   (extLength bytes)
 */

/** Encodes a command into one frame (length prefix included). JSON header unless `serializeType` says otherwise. */
export function encodeCommand(cmd: RemotingCommand, serializeType: SerializeType = SerializeType.JSON): Buffer {
  const header = serializeType === SerializeType.JSON ? encodeJsonHeader(cmd) : encodeBinaryHeader(cmd);
  const bodyLength = cmd.body === null ? 0 : cmd.body.length;
  const out = Buffer.allocUnsafe(8 + header.length + bodyLength);
  out.writeInt32BE(4 + header.length + bodyLength, 0);
  out.writeInt32BE(((serializeType << 24) | header.length) >>> 0, 4);
  header.copy(out, 8);
  if (cmd.body !== null) out.set(cmd.body, 8 + header.length);
  return out;
}

/**
 * Encodes only the length prefix, header word and header of a command; the caller writes `body` after it.
 * Saves copying large bodies (batch sends) into one buffer.
 */
export function encodeCommandHead(cmd: RemotingCommand, bodyLength: number): Buffer {
  const header = encodeJsonHeader(cmd);
  const out = Buffer.allocUnsafe(8 + header.length);
  out.writeInt32BE(4 + header.length + bodyLength, 0);
  out.writeInt32BE(header.length, 4);
  header.copy(out, 8);
  return out;
}

/** Decodes one whole frame (length prefix included). The body is a view on `frame`, not a copy. */
export function decodeCommand(frame: Buffer): RemotingCommand {
  if (frame.length < 8) throw new ProtocolError(`frame too short: ${frame.length} bytes`);
  const totalLength = frame.readInt32BE(0);
  if (totalLength !== frame.length - 4) {
    throw new ProtocolError(`frame length ${totalLength} does not match ${frame.length - 4} bytes`);
  }
  const word = frame.readUInt32BE(4);
  const serializeType = word >>> 24;
  const headerLength = word & 0xffffff;
  if (8 + headerLength > frame.length) throw new ProtocolError(`header length ${headerLength} exceeds frame`);
  const header = frame.subarray(8, 8 + headerLength);
  let cmd: RemotingCommand;
  if (serializeType === SerializeType.JSON) cmd = decodeJsonHeader(header);
  else if (serializeType === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(header);
  else throw new ProtocolError(`unknown serialize type ${serializeType}`);
  cmd.body = frame.length > 8 + headerLength ? frame.subarray(8 + headerLength) : null;
  return cmd;
}

function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  const obj: Record<string, unknown> = {
    code: cmd.code,
    language: cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
  };
  if (cmd.remark !== null) obj.remark = cmd.remark;
  if (cmd.extFields !== null) obj.extFields = cmd.extFields;
  obj.serializeTypeCurrentRPC = 'JSON';
  return Buffer.from(JSON.stringify(obj), 'utf8');
}

function decodeJsonHeader(header: Buffer): RemotingCommand {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(header.toString('utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new ProtocolError('invalid JSON header', { cause });
  }
  if (typeof obj !== 'object' || obj === null || typeof obj.code !== 'number') {
    throw new ProtocolError('JSON header without a numeric code');
  }
  let extFields: Record<string, string> | null = null;
  if (typeof obj.extFields === 'object' && obj.extFields !== null) {
    extFields = {};
    for (const [k, v] of Object.entries(obj.extFields as Record<string, unknown>)) {
      if (v !== null && v !== undefined) extFields[k] = typeof v === 'string' ? v : String(v);
    }
  }
  return {
    code: obj.code,
    language: typeof obj.language === 'string' ? obj.language : 'JAVA',
    version: typeof obj.version === 'number' ? obj.version : 0,
    opaque: typeof obj.opaque === 'number' ? obj.opaque : 0,
    flag: typeof obj.flag === 'number' ? obj.flag : 0,
    remark: typeof obj.remark === 'string' ? obj.remark : null,
    extFields,
    body: null,
  };
}

/** Encodes the binary (ROCKETMQ) header. Request codes must fit an int16. */
export function encodeBinaryHeader(cmd: RemotingCommand): Buffer {
  if (cmd.code > 0x7fff || cmd.code < -0x8000) throw new ProtocolError(`code ${cmd.code} does not fit a binary header`);
  const remark = cmd.remark === null ? null : Buffer.from(cmd.remark, 'utf8');
  const entries: [Buffer, Buffer][] = [];
  let extLength = 0;
  if (cmd.extFields !== null) {
    for (const [k, v] of Object.entries(cmd.extFields)) {
      const kb = Buffer.from(k, 'utf8');
      const vb = Buffer.from(v, 'utf8');
      entries.push([kb, vb]);
      extLength += 2 + kb.length + 4 + vb.length;
    }
  }
  const languageIndex = (LANGUAGES as readonly string[]).indexOf(cmd.language);
  const out = Buffer.allocUnsafe(2 + 1 + 2 + 4 + 4 + 4 + (remark?.length ?? 0) + 4 + extLength);
  let p = out.writeInt16BE(cmd.code, 0);
  p = out.writeInt8(languageIndex < 0 ? 7 : languageIndex, p);
  p = out.writeInt16BE(cmd.version, p);
  p = out.writeInt32BE(cmd.opaque, p);
  p = out.writeInt32BE(cmd.flag, p);
  p = out.writeInt32BE(remark === null ? 0 : remark.length, p);
  if (remark !== null) p += remark.copy(out, p);
  p = out.writeInt32BE(extLength, p);
  for (const [kb, vb] of entries) {
    p = out.writeInt16BE(kb.length, p);
    p += kb.copy(out, p);
    p = out.writeInt32BE(vb.length, p);
    p += vb.copy(out, p);
  }
  return out;
}

/** Decodes the binary (ROCKETMQ) header. */
export function decodeBinaryHeader(h: Buffer): RemotingCommand {
  const need = (p: number, n: number) => {
    if (p + n > h.length) throw new ProtocolError('binary header truncated');
  };
  need(0, 17);
  const code = h.readInt16BE(0);
  const language = LANGUAGES[h.readInt8(2)] ?? 'OTHER';
  const version = h.readInt16BE(3);
  const opaque = h.readInt32BE(5);
  const flag = h.readInt32BE(9);
  const remarkLength = h.readInt32BE(13);
  let p = 17;
  let remark: string | null = null;
  if (remarkLength > 0) {
    need(p, remarkLength);
    remark = h.toString('utf8', p, p + remarkLength);
    p += remarkLength;
  }
  need(p, 4);
  const extLength = h.readInt32BE(p);
  p += 4;
  let extFields: Record<string, string> | null = null;
  if (extLength > 0) {
    need(p, extLength);
    extFields = {};
    const end = p + extLength;
    while (p < end) {
      need(p, 2);
      const kl = h.readInt16BE(p);
      p += 2;
      need(p, kl + 4);
      const key = h.toString('utf8', p, p + kl);
      p += kl;
      const vl = h.readInt32BE(p);
      p += 4;
      need(p, vl);
      extFields[key] = h.toString('utf8', p, p + vl);
      p += vl;
    }
  }
  return { code, language, version, opaque, flag, remark, extFields, body: null };
}
