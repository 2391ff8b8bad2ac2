import { type Decimal, MILLIS_PER_DAY } from '@tributary/api';

/**
 * Text forms that Kafka Connect produces with Java's `toString` methods, so that values cast or
 * formatted by our transforms read exactly as they do in Kafka.
 */

/** `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.25E-5`, `NaN`, `Infinity`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    // JavaScript prints this range in plain notation with the same shortest digits.
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** `Float.toString` of a float32 value: the shortest digits that identify the float (`3.14`, not `3.140000104904175`). */
export function javaFloatToString(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaDoubleToString(value);
  const f = Math.fround(value);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}

/** `BigDecimal.toString`: plain unless the scale is negative or the exponent is below -6 (`1E+3`, `1.5E-7`). */
export function javaBigDecimalToString(value: Decimal): string {
  const negative = value.unscaled < 0n;
  const digits = (negative ? -value.unscaled : value.unscaled).toString();
  const adjusted = -value.scale + (digits.length - 1);
  if (value.scale >= 0 && adjusted >= -6) return value.toString();
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/**
 * Kafka's `Values.dateFormatFor(date).format(date)` in UTC: a time of day (`HH:mm:ss.SSS'Z'`) for
 * instants before 1970-01-02, a date (`yyyy-MM-dd`) at midnights, else a timestamp
 * (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`).
 */
export function isoDateText(value: Date): string {
  const ms = value.getTime();
  const iso = isoString(value);
  if (ms < MILLIS_PER_DAY) return iso.slice(11);
  if (ms % MILLIS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}

function isoString(value: Date): string {
  const y = value.getUTCFullYear();
  // Dates outside years 0..9999 have no 4-digit ISO form; Java prints the plain year.
  if (y >= 0 && y <= 9999) return value.toISOString();
  return `${y}${value.toISOString().slice(value.toISOString().indexOf('-', 1))}`;
}

/** `String.split(regex)` of Java for a literal one-character separator: trailing empty strings dropped. */
export function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Standard base64 with padding, as `Base64.getEncoder()`. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
