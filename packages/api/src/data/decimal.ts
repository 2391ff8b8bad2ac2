import { DataError } from '../errors.js';

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * An exact decimal number: `unscaled × 10^-scale`, as Java's BigDecimal and Kafka Connect's Decimal
 * logical type. Values never pass through a binary float, so no digit is lost.
 */
export class Decimal {
  /** The unscaled integer value. */
  readonly unscaled: bigint;
  /** Digits after the decimal point (may be negative, as in BigDecimal). */
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale)) throw new DataError(`decimal scale must be an integer, got ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /**
   * Parses a decimal string (`-12.340`, `1e-3`, `.5`). The scale is the number of fraction digits,
   * adjusted by an exponent, exactly as `new BigDecimal(String)`.
   * @throws DataError when the text is not a decimal number.
   */
  static parse(text: string): Decimal {
    const m = DECIMAL_RE.exec(text.trim());
    if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new DataError(`not a decimal number: '${text}'`);
    }
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] ?? '';
    const fraction = m[3] ?? '';
    const exponent = m[4] === undefined ? 0 : Number.parseInt(m[4], 10);
    const digits = `${intPart}${fraction}`.replace(/^0+(?=\d)/, '') || '0';
    return new Decimal(sign * BigInt(digits), fraction.length - exponent);
  }

  /**
   * Converts a JavaScript number exactly as its shortest round-trip decimal text (`0.1` → 0.1).
   * @throws DataError for NaN and infinities.
   */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new DataError(`cannot represent ${value} as a decimal`);
    return Decimal.parse(String(value));
  }

  /**
   * Returns the same value with another scale. Raising the scale is always exact; lowering it is allowed
   * only when the dropped digits are zero, otherwise a DataError says what would be lost.
   */
  withScale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const factor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % factor !== 0n) {
      throw new DataError(`decimal ${this.toString()} does not fit scale ${scale} without rounding`);
    }
    return new Decimal(this.unscaled / factor, scale);
  }

  /** Plain (non-scientific) text, keeping trailing zeros of the scale: `12.340`. */
  toString(): string {
    const negative = this.unscaled < 0n;
    let digits = (negative ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) {
      if (this.unscaled !== 0n) digits += '0'.repeat(-this.scale);
      return negative ? `-${digits}` : digits;
    }
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const text = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
    return negative ? `-${text}` : text;
  }

  /** The nearest JavaScript number (may round: use only for display or math that tolerates it). */
  toNumber(): number {
    return Number(this.toString());
  }

  /** JSON form is the exact decimal text. */
  toJSON(): string {
    return this.toString();
  }

  /** Numeric equality (1.0 equals 1.00). */
  equals(other: unknown): boolean {
    if (!(other instanceof Decimal)) return false;
    const scale = Math.max(this.scale, other.scale);
    return this.withScale(scale).unscaled === other.withScale(scale).unscaled;
  }

  /** Big-endian two's-complement bytes of the unscaled value, minimal length (Java's BigInteger.toByteArray). */
  unscaledBytes(): Uint8Array {
    return bigintToTwosComplement(this.unscaled);
  }

  /** Inverse of {@link unscaledBytes}. */
  static fromUnscaledBytes(bytes: Uint8Array, scale: number): Decimal {
    return new Decimal(twosComplementToBigint(bytes), scale);
  }
}

/** Minimal big-endian two's-complement encoding, identical to Java's `BigInteger.toByteArray()`. */
export function bigintToTwosComplement(value: bigint): Uint8Array {
  // Number of bits needed including the sign bit.
  const magnitudeBits = (value < 0n ? -value - 1n : value).toString(2).length;
  const byteLength = Math.floor(magnitudeBits / 8) + 1;
  const out = new Uint8Array(byteLength);
  let v = BigInt.asUintN(byteLength * 8, value);
  for (let i = byteLength - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Decodes big-endian two's-complement bytes (Java's `new BigInteger(byte[])`). Empty input is an error. */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataError('empty byte array is not a valid two-complement integer');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}
