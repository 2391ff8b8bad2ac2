import { DataError } from '../errors.js';
import type { Schema } from './schema.js';

/** Schema names of Kafka Connect's logical types; the wire formats depend on them. */
export const LogicalNames = {
  DECIMAL: 'org.apache.kafka.connect.data.Decimal',
  DATE: 'org.apache.kafka.connect.data.Date',
  TIME: 'org.apache.kafka.connect.data.Time',
  TIMESTAMP: 'org.apache.kafka.connect.data.Timestamp',
} as const;

/** The schema parameter holding a Decimal's scale. */
export const DECIMAL_SCALE_PARAMETER = 'scale';

export const MILLIS_PER_DAY = 86_400_000;

/**
 * The scale of a Decimal schema.
 * @throws DataError when the `scale` parameter is missing or not an integer.
 */
export function decimalScale(schema: Schema): number {
  const raw = schema.parameters?.[DECIMAL_SCALE_PARAMETER];
  const scale = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isInteger(scale)) {
    throw new DataError(`Decimal schema ${schema.name ?? ''} has no valid '${DECIMAL_SCALE_PARAMETER}' parameter`);
  }
  return scale;
}

/** Date value → days since epoch. @throws DataError if the Date has a time of day. */
export function dateToDays(value: Date): number {
  const ms = value.getTime();
  if (!Number.isFinite(ms) || ms % MILLIS_PER_DAY !== 0) {
    throw new DataError(`a Date value must be a UTC midnight with no time of day, got ${describeDate(value)}`);
  }
  return ms / MILLIS_PER_DAY;
}

export function daysToDate(days: number): Date {
  return new Date(days * MILLIS_PER_DAY);
}

/** Time value → milliseconds since midnight. @throws DataError unless the Date lies on 1970-01-01 UTC. */
export function timeToMillis(value: Date): number {
  const ms = value.getTime();
  if (!Number.isFinite(ms) || ms < 0 || ms >= MILLIS_PER_DAY) {
    throw new DataError(`a Time value must be a time of day on 1970-01-01 UTC, got ${describeDate(value)}`);
  }
  return ms;
}

export function millisToTime(ms: number): Date {
  return new Date(ms);
}

function describeDate(value: Date): string {
  return Number.isFinite(value.getTime()) ? value.toISOString() : 'an invalid Date';
}
