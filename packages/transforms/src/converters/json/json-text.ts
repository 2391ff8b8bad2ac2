import { Buffer } from 'node:buffer';

/**
 * Text helpers shared by the JSON writer and reader: Jackson-compatible string quoting, strict base64
 * and UTF-8 decoding that reports where the bytes are bad.
 */

const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const HEX = '0123456789ABCDEF';

/**
 * A JSON string literal as Jackson's UTF-8 generator writes it: `"` and `\` escaped, \b \t \n \f \r
 * short, other control characters and every UTF-16 surrogate (so characters beyond the BMP, and lone
 * surrogates) as `\uXXXX` with upper-case hex, everything else (other non-ASCII included) as is.
 */
export function quote(s: string): string {
  if (s.length < 24) {
    // Short strings: a loop beats the regular expression's call overhead.
    let plain = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
        plain = false;
        break;
      }
    }
    if (plain) return `"${s}"`;
  } else if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) continue;
    out += s.slice(from, i);
    from = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0d:
        out += '\\r';
        break;
      default:
        out += `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    }
  }
  return `${out}${s.slice(from)}"`;
}

/** A Buffer view of the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard base64 with padding (Jackson's default variant, `java.util.Base64.getEncoder()`). */
export function toBase64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64');
}

/**
 * Base64 of the minimal big-endian two's-complement bytes of `v` (Java's `BigInteger.toByteArray()`), the
 * BASE64 form of a Decimal's unscaled value. Values of up to 48 bits avoid BigInt arithmetic.
 */
export function twosComplementBase64(v: bigint): string {
  const n = Number(v);
  if (n > -140737488355328 && n < 140737488355328) {
    // |v| < 2^47: exact as a double, at most 6 bytes; encoded 3 bytes (4 characters) at a time.
    const len =
      n >= -128 && n < 128
        ? 1
        : n >= -32768 && n < 32768
          ? 2
          : n >= -8388608 && n < 8388608
            ? 3
            : n >= -2147483648 && n < 2147483648
              ? 4
              : n >= -549755813888 && n < 549755813888
                ? 5
                : 6;
    const u = n < 0 ? n + 2 ** (8 * len) : n;
    if (len <= 3) return base64Group(u * 2 ** (8 * (3 - len)), len);
    const low = 2 ** (8 * (len - 3));
    const hi = Math.floor(u / low);
    return base64Group(hi, 3) + base64Group((u - hi * low) * 2 ** (8 * (6 - len)), len - 3);
  }
  const magnitude = v < 0n ? -v - 1n : v;
  const len = Math.floor(magnitude.toString(2).length / 8) + 1;
  return Buffer.from(
    BigInt.asUintN(len * 8, v)
      .toString(16)
      .padStart(len * 2, '0'),
    'hex',
  ).toString('base64');
}

/** Four base64 characters for 24 bits holding `take` (1–3) bytes, padded with `=`. */
function base64Group(bits: number, take: number): string {
  const a = B64[(bits >>> 18) & 63]! + B64[(bits >>> 12) & 63]!;
  if (take === 3) return a + B64[(bits >>> 6) & 63]! + B64[bits & 63]!;
  return take === 2 ? `${a}${B64[(bits >>> 6) & 63]!}=` : `${a}==`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUES[B64.charCodeAt(i)] = i;

/**
 * The signed big-endian integer in a short standard base64 text (at most 8 characters, 6 bytes), or
 * undefined when the text is not such base64. The BASE64 form of most Decimals, read without a Buffer.
 */
export function shortBase64Int(text: string): number | undefined {
  const len = text.length;
  if (len === 0 || len > 8 || len % 4 !== 0) return undefined;
  const pad = text.charCodeAt(len - 1) === 0x3d ? (text.charCodeAt(len - 2) === 0x3d ? 2 : 1) : 0;
  let value = 0;
  for (let i = 0; i < len - pad; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? B64_VALUES[c]! : -1;
    if (d < 0) return undefined;
    value = value * 64 + d;
  }
  // Drop the filler bits of the padding; bits left over must be zero, as in strict decoders.
  const extra = pad * 2;
  const filler = value % 2 ** extra;
  if (filler !== 0) return undefined;
  value = (value - filler) / 2 ** extra;
  const bytes = (len / 4) * 3 - pad;
  if (bytes === 0) return undefined;
  const half = 2 ** (8 * bytes - 1);
  return value >= half ? value - 2 * half : value;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (padding required, no whitespace) → bytes, or undefined when not base64. */
export function fromBase64(text: string): Buffer | undefined {
  return BASE64_RE.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Thrown by {@link decodeUtf8} with the offset of the first byte that is not valid UTF-8. */
export class InvalidUtf8Error extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 at byte offset ${offset}`);
  }
}

/** UTF-8 bytes → string; never replaces bad bytes silently. @throws InvalidUtf8Error */
export function decodeUtf8(bytes: Uint8Array): string {
  const buf = asBuffer(bytes);
  let start = 0;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3; // BOM
  const text = buf.toString('utf8', start);
  // Node substitutes U+FFFD for malformed input; only then is a full check needed.
  if (text.indexOf('\ufffd') >= 0) {
    const bad = firstInvalidUtf8(buf);
    if (bad >= 0) throw new InvalidUtf8Error(bad);
  }
  return text;
}

/** Offset of the first malformed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}
