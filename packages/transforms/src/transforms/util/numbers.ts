import { DataError, type Decimal } from '@tributary/api';

/** The integer types of Connect. */
export type IntegerType = 'int8' | 'int16' | 'int32' | 'int64';

const RANGES: Readonly<Record<IntegerType, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};
const NUMBER_RANGES: Readonly<Record<IntegerType, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const JAVA_INTEGER_RE = /^[+-]?\d+$/;
const JAVA_FLOAT_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/**
 * An integer value of `type` (a number, or a bigint for int64) from a number, bigint or Decimal,
 * truncating any fraction toward zero as Java's narrowing does.
 * @throws DataError when the value is not finite or does not fit the type (Java would wrap it around).
 */
export function toIntegerType(value: number | bigint | Decimal, type: IntegerType, path: string): number | bigint {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw outOfRange(String(value), type, path);
    const t = Math.trunc(value);
    if (type !== 'int64') {
      const [min, max] = NUMBER_RANGES[type];
      if (t < min || t > max) throw outOfRange(String(value), type, path);
      return t === 0 ? 0 : t;
    }
    big = BigInt(t);
  } else if (typeof value === 'bigint') {
    big = value;
  } else {
    big = decimalToBigInt(value);
  }
  const [min, max] = RANGES[type];
  if (big < min || big > max) throw outOfRange(value.toString(), type, path);
  return type === 'int64' ? big : Number(big);
}

/** The integer part of a decimal, truncated toward zero (BigDecimal.toBigInteger). */
export function decimalToBigInt(value: Decimal): bigint {
  if (value.scale <= 0) return value.unscaled * 10n ** BigInt(-value.scale);
  return value.unscaled / 10n ** BigInt(value.scale);
}

/**
 * Java's `Byte/Short/Integer/Long.parseX`: an optional sign and decimal digits, in range.
 * @throws DataError otherwise.
 */
export function parseJavaInteger(text: string, type: IntegerType, path: string): number | bigint {
  if (!JAVA_INTEGER_RE.test(text)) {
    throw new DataError(`${path}: cannot parse '${text}' as ${type}: not an integer`, { path });
  }
  return toIntegerType(BigInt(text), type, path);
}

/**
 * Java's `Float.parseFloat` / `Double.parseDouble` for decimal text (surrounding whitespace, `NaN`,
 * `Infinity` and a `f`/`d` suffix accepted; hexadecimal floats are not).
 * @throws DataError when the text is not a number or overflows float32.
 */
export function parseJavaFloat(text: string, type: 'float32' | 'float64', path: string): number {
  const t = text.trim();
  if (!JAVA_FLOAT_RE.test(t)) throw new DataError(`${path}: cannot parse '${text}' as ${type}: not a number`, { path });
  const n = Number(t.replace(/[fFdD]$/, ''));
  return type === 'float32' ? toFloat32(n, path) : n;
}

/** A float32 value: the number rounded to single precision. @throws DataError when finite but too large. */
export function toFloat32(value: number, path: string): number {
  const f = Math.fround(value);
  if (Number.isFinite(value) && !Number.isFinite(f)) {
    throw new DataError(`${path}: ${value} is out of range for float32`, { path });
  }
  return f;
}

/** The number nearest to a decimal (BigDecimal.doubleValue). */
export function decimalToNumber(value: Decimal): number {
  return Number(value.toString());
}

function outOfRange(value: string, type: IntegerType, path: string): DataError {
  const [min, max] = RANGES[type];
  return new DataError(`${path}: value (${value}) was out of range for ${type} [${min}, ${max}]`, { path });
}
