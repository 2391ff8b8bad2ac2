/**
 * Parsing of MySQL temporal text (as mysql2 returns it with `dateStrings` and as zongji decodes binlog values
 * with `dateStrings`): `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.ffffff]`, `[-]HHH:MM:SS[.ffffff]`. DATETIME values have
 * no zone and are read as UTC, as Debezium does; TIMESTAMP text is UTC because every connection of this
 * connector uses time zone +00:00. Zero dates (`0000-00-00`, or a zero month or day) give null.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const TIME_RE = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

export const MICROS_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 of a `YYYY-MM-DD…` text; null for zero or invalid dates. */
export function parseEpochDay(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month === 0 || day === 0) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999 (DATE '0001-01-01' exists).
  return new Date(0).setUTCFullYear(year, month - 1, day) / 86_400_000;
}

function fractionMicros(fraction: string | undefined): number {
  if (fraction === undefined) return 0;
  return Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** Microseconds since the epoch of a `YYYY-MM-DD HH:MM:SS[.f]` text read as UTC; null for zero dates. */
export function parseEpochMicros(text: string): bigint | null {
  const m = DATETIME_RE.exec(text);
  if (m === null) {
    const day = parseEpochDay(text);
    return day === null ? null : BigInt(day) * MICROS_PER_DAY;
  }
  const day = parseEpochDay(text);
  if (day === null) return null;
  const seconds = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  return BigInt(day) * MICROS_PER_DAY + BigInt(seconds) * 1_000_000n + BigInt(fractionMicros(m[7]));
}

/** Microseconds of a MySQL TIME text (may be negative or beyond 24 h: -838:59:59 … 838:59:59). */
export function parseTimeMicros(text: string): bigint | null {
  const m = TIME_RE.exec(text.trim());
  if (m === null) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  const micros = BigInt(seconds) * 1_000_000n + BigInt(fractionMicros(m[5]));
  return m[1] === '-' ? -micros : micros;
}

/** Floor division of bigints (toward −∞), for epoch values before 1970. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * ISO-8601 UTC text of a TIMESTAMP value, as Debezium's io.debezium.time.ZonedTimestamp: `2024-01-15T10:00:00Z`,
 * with exactly `fractionDigits` digits of fraction when the column has fractional seconds. Null for zero dates.
 */
export function toZonedTimestamp(text: string, fractionDigits: number): string | null {
  const m = DATETIME_RE.exec(text);
  if (m === null) return null;
  if (m[1] === '0000' || m[2] === '00' || m[3] === '00') return null;
  const base = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  if (fractionDigits <= 0) return `${base}Z`;
  const fraction = (m[7] ?? '').padEnd(fractionDigits, '0').slice(0, fractionDigits);
  return `${base}.${fraction}Z`;
}
