import { DataError } from '@tributary/api';

/**
 * Date/time text of SQL databases ↔ instants, in a configured time zone (`db.timezone`).
 *
 * Instants are kept as bigint nanoseconds since the epoch (`EpochNanos`) so that microsecond columns
 * (MySQL DATETIME(6), PostgreSQL timestamp) round-trip exactly through source offsets, as Kafka Connect's
 * JDBC connector keeps `timestamp` (ms) plus `timestamp_nanos` (nanoseconds of the second).
 */
export type EpochNanos = bigint;

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const MS_PER_DAY = 86_400_000;

/** A time zone: UTC, a fixed offset, or an IANA name resolved through Intl. */
export interface Zone {
  /** As configured (`UTC`, `+02:00`, `Europe/Paris`). */
  readonly id: string;
  /** Offset of the zone from UTC at an instant, in minutes (east positive). */
  offsetMinutesAt(epochMs: number): number;
  /** The name a database session accepts: `+00:00` for UTC, `+hh:mm` for fixed offsets, else the IANA id. */
  readonly sessionName: string;
  /** True when the offset never changes (UTC or a fixed offset). */
  readonly fixed: boolean;
}

const OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * Resolves a zone id. Accepts `UTC`/`GMT`/`Z`, offsets (`+02:00`, `-0530`, `UTC+1`) and IANA names.
 * @returns undefined when the id is unknown.
 */
export function zoneOf(id: string): Zone | undefined {
  const t = id.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT|UCT|Universal|Zulu)$/i.test(t)) return fixedZone(t, 0);
  const m = OFFSET_RE.exec(t);
  if (m !== null) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    if (Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) return undefined;
    return fixedZone(t, m[1] === '-' ? -minutes : minutes);
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: t,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  return {
    id: t,
    sessionName: t,
    fixed: false,
    offsetMinutesAt(epochMs: number): number {
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(epochMs))) {
        if (p.type !== 'literal') parts[p.type] = Number(p.value);
      }
      const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
      return Math.round((asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))) / 60_000);
    },
  };
}

function fixedZone(id: string, minutes: number): Zone {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const sessionName = `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  return { id, sessionName, fixed: true, offsetMinutesAt: () => minutes };
}

export const UTC: Zone = fixedZone('UTC', 0);

const DATETIME_RE =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses database date-time text (`2024-01-15 10:20:30.123456`, optionally with `Z` or `+hh[:mm]`, as
 * PostgreSQL prints timestamptz) into an instant. Text without an offset is wall time in `zone`.
 * @throws DataError for text that is not a date-time (including PostgreSQL's `infinity`).
 */
export function parseDateTime(text: string, zone: Zone): EpochNanos {
  const m = DATETIME_RE.exec(text.trim());
  if (m === null) throw new DataError(`not a date-time: '${text}'`);
  const bc = / BC$/i.test(text);
  if (bc) throw new DataError(`dates before the common era are not supported: '${text}'`);
  const yearFixed = utcWall(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const subNanos = BigInt(fraction === '' ? 0 : Number(fraction));
  let offsetMinutes: number;
  const off = m[8];
  if (off !== undefined) {
    offsetMinutes = offsetToMinutes(off);
  } else {
    offsetMinutes = wallOffset(yearFixed, zone);
  }
  const epochMs = yearFixed - offsetMinutes * 60_000;
  return BigInt(epochMs) * NS_PER_MS + subNanos;
}

/** Parses a date (`2024-01-15`) into a UTC-midnight Date, as Connect's Date logical type wants. */
export function parseDate(text: string): Date {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (m === null) throw new DataError(`not a date: '${text}'`);
  return new Date(utcWall(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0));
}

/**
 * Parses a time of day (`10:20:30.123456`, optionally with an offset that is ignored) into milliseconds
 * since midnight (Connect's Time logical type has millisecond precision: finer digits are truncated).
 * MySQL TIME values outside a day (`-01:00:00`, `838:59:59`) are a DataError.
 */
export function parseTimeOfDayMillis(text: string): number {
  const m = /^(\d{2,3}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (m === null) throw new DataError(`not a time of day: '${text}'`);
  const ms =
    Number(m[1]) * 3_600_000 +
    Number(m[2]) * 60_000 +
    Number(m[3] ?? 0) * 1000 +
    Math.floor(Number((m[4] ?? '0').padEnd(3, '0').slice(0, 3)));
  if (ms >= MS_PER_DAY) throw new DataError(`time '${text}' is not a time of day (Connect Time is within one day)`);
  return ms;
}

/** Wall-time text `YYYY-MM-DD HH:MM:SS.ffffff` of an instant in `zone` (6 fraction digits, as both databases keep). */
export function formatDateTime(nanos: EpochNanos, zone: Zone, fractionDigits = 6): string {
  const ms = Number(floorDiv(nanos, NS_PER_MS));
  const subSecond = floorMod(nanos, NS_PER_S);
  const wall = new Date(ms + zone.offsetMinutesAt(ms) * 60_000);
  return `${formatWall(wall)}${fractionDigits > 0 ? `.${subSecond.toString().padStart(9, '0').slice(0, fractionDigits)}` : ''}`;
}

/** Wall-time text of a JavaScript Date (millisecond precision) in `zone`. */
export function formatTimestampMillis(date: Date, zone: Zone): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new DataError('invalid Date value');
  const wall = new Date(ms + zone.offsetMinutesAt(ms) * 60_000);
  return `${formatWall(wall)}.${pad3(wall.getUTCMilliseconds())}`;
}

/** `YYYY-MM-DD` of a Connect Date value (UTC midnight). */
export function formatDate(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new DataError('invalid Date value');
  return formatWall(new Date(ms)).slice(0, 10);
}

/** `HH:MM:SS.mmm` of a Connect Time value (milliseconds since midnight on 1970-01-01 UTC). */
export function formatTimeOfDay(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < 0 || ms >= MS_PER_DAY) {
    throw new DataError('a Time value must be a time of day on 1970-01-01 UTC');
  }
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}`;
}

/** Nanoseconds → `{timestamp: ms, timestamp_nanos: nanos of the second}` as Kafka Connect's JDBC offsets. */
export function toOffsetParts(nanos: EpochNanos): { timestamp: number; timestamp_nanos: number } {
  return { timestamp: Number(floorDiv(nanos, NS_PER_MS)), timestamp_nanos: Number(floorMod(nanos, NS_PER_S)) };
}

/** Inverse of {@link toOffsetParts}; without `timestamp_nanos` the millisecond value is exact. */
export function fromOffsetParts(timestampMs: number, nanosOfSecond: number | undefined): EpochNanos {
  const ms = BigInt(Math.trunc(timestampMs));
  if (nanosOfSecond === undefined) return ms * NS_PER_MS;
  const seconds = floorDiv(ms, 1000n);
  return seconds * NS_PER_S + BigInt(Math.trunc(nanosOfSecond));
}

/** Milliseconds of an instant (floor), e.g. for a Connect Timestamp value. */
export function nanosToDate(nanos: EpochNanos): Date {
  return new Date(Number(floorDiv(nanos, NS_PER_MS)));
}

export function millisToNanos(ms: number): EpochNanos {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

function wallOffset(wallMs: number, zone: Zone): number {
  if (zone.fixed) return zone.offsetMinutesAt(wallMs);
  // The offset at the instant the wall time denotes: guess with the offset at wallMs, then correct once
  // (a wall time in a DST gap or fold resolves to one of its two candidates, as java.time does).
  const first = zone.offsetMinutesAt(wallMs);
  const second = zone.offsetMinutesAt(wallMs - first * 60_000);
  return second;
}

function offsetToMinutes(text: string): number {
  if (/^z$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?/.exec(text)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

// Date.UTC maps years 0-99 to 1900-1999: set the full year explicitly.
function utcWall(year: number, month: number, day: number, h: number, mi: number, s: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, s, 0);
  return d.getTime();
}

function formatWall(d: Date): string {
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) throw new DataError(`year ${y} is outside 0001-9999`);
  return `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}
