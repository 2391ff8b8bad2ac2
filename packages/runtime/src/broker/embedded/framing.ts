import { crc32 } from 'node:zlib';

/*
 * Framing shared by segment files and the group-offsets log: every record on disk is
 *
 *   frame  = length:u32le crc:u32le body
 *
 * `length` is the byte length of `body`; `crc` is the CRC-32 (ISO-HDLC, as zlib) of `body`. A reader
 * trusts a frame only when all of it is present and the checksum matches, so a torn write (a kill or crash
 * in the middle of a write) or a zero-filled tail is recognised and cut at recovery.
 *
 * `zlib.crc32` is native in Node ≥ 20.15 (the workspace requires 20.19): ~4 GB/s here, no table needed.
 */

/** Bytes of `length` + `crc`. */
export const FRAME_HEADER_BYTES = 8;

/** The frame is not entirely inside the buffer (read more, or at a file's end: a torn tail). */
export const FRAME_INCOMPLETE = -1;
/** The frame's length is impossible or its checksum does not match. */
export const FRAME_CORRUPT = -2;

/** Fills in `length` and `crc` of the frame starting at `start` whose body of `bodyLength` bytes is already written. */
export function sealFrame(buf: Buffer, start: number, bodyLength: number): void {
  const bodyStart = start + FRAME_HEADER_BYTES;
  buf.writeUInt32LE(bodyLength, start);
  buf.writeUInt32LE(crc32(buf.subarray(bodyStart, bodyStart + bodyLength)), start + 4);
}

/**
 * Checks the frame at `pos` (bytes up to `end` are valid in `buf`). Returns the body length when the frame
 * is whole and its checksum matches, {@link FRAME_INCOMPLETE} when more bytes are needed, or
 * {@link FRAME_CORRUPT}. Bodies shorter than `minBody` or longer than `maxBody` are corrupt.
 */
export function checkFrame(buf: Buffer, pos: number, end: number, minBody: number, maxBody: number): number {
  if (end - pos < FRAME_HEADER_BYTES) return FRAME_INCOMPLETE;
  const length = buf.readUInt32LE(pos);
  if (length < minBody || length > maxBody) return FRAME_CORRUPT;
  const bodyStart = pos + FRAME_HEADER_BYTES;
  if (end - bodyStart < length) return FRAME_INCOMPLETE;
  if (crc32(buf.subarray(bodyStart, bodyStart + length)) !== buf.readUInt32LE(pos + 4)) return FRAME_CORRUPT;
  return length;
}

/** Body length announced by the frame header at `pos` (header must be in the buffer). */
export function frameBodyLength(buf: Buffer, pos: number): number {
  return buf.readUInt32LE(pos);
}

/** Writes a non-negative safe integer as u64le. */
export function writeU64(buf: Buffer, value: number, pos: number): void {
  buf.writeUInt32LE(value >>> 0, pos);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), pos + 4);
}

/** Reads a u64le (values above 2^53 lose precision; we never write them). */
export function readU64(buf: Buffer, pos: number): number {
  return buf.readUInt32LE(pos + 4) * 0x1_0000_0000 + buf.readUInt32LE(pos);
}

/** Writes a safe integer as i64le (two's complement). */
export function writeI64(buf: Buffer, value: number, pos: number): void {
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeUInt32LE(value - hi * 0x1_0000_0000, pos);
  buf.writeInt32LE(hi, pos + 4);
}

/** Reads an i64le written by {@link writeI64}. */
export function readI64(buf: Buffer, pos: number): number {
  return buf.readInt32LE(pos + 4) * 0x1_0000_0000 + buf.readUInt32LE(pos);
}
