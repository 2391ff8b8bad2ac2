import { ConnectError, type JsonMap } from '@tributary/api';
import { type EpochNanos, fromOffsetParts, toOffsetParts } from '../time.js';

/**
 * Source partitions and offsets in Kafka Connect's JDBC format, so offsets can be moved between the two:
 *
 * - partition of a table: `{"protocol": "1", "table": "<db.table | schema.table>"}`; the older form
 *   `{"table": "<table>"}` is read too when the new one has no offset;
 * - partition of a custom query: `{"query": "query"}`;
 * - offset: `{"incrementing": <id>}`, `{"timestamp": <ms>, "timestamp_nanos": <ns of the second>}` or all
 *   three; ids beyond 2^53 are written as strings to stay exact.
 */
export const PROTOCOL_KEY = 'protocol';
export const PROTOCOL_V1 = '1';
export const TABLE_KEY = 'table';
export const QUERY_KEY = 'query';
export const QUERY_VALUE = 'query';
export const INCREMENTING_KEY = 'incrementing';
export const TIMESTAMP_KEY = 'timestamp';
export const TIMESTAMP_NANOS_KEY = 'timestamp_nanos';

export function tablePartition(qualifiedTable: string): JsonMap {
  return Object.freeze({ [PROTOCOL_KEY]: PROTOCOL_V1, [TABLE_KEY]: qualifiedTable });
}

/** The protocol-0 partition (unqualified table name) of connectors from before qualified names. */
export function legacyTablePartition(table: string): JsonMap {
  return Object.freeze({ [TABLE_KEY]: table });
}

export const QUERY_PARTITION: JsonMap = Object.freeze({ [QUERY_KEY]: QUERY_VALUE });

/** Where an incremental read stands. */
export interface SourcePosition {
  readonly incrementing: bigint | null;
  readonly timestamp: EpochNanos | null;
}

export function encodeOffset(position: SourcePosition): JsonMap {
  const out: Record<string, number | string> = {};
  if (position.incrementing !== null) {
    const n = position.incrementing;
    out[INCREMENTING_KEY] =
      n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  }
  if (position.timestamp !== null) {
    const parts = toOffsetParts(position.timestamp);
    out[TIMESTAMP_KEY] = parts.timestamp;
    out[TIMESTAMP_NANOS_KEY] = parts.timestamp_nanos;
  }
  return out;
}

/** @throws ConnectError naming the bad key when a committed offset is not in this format. */
export function decodeOffset(offset: JsonMap | null): SourcePosition {
  if (offset === null) return { incrementing: null, timestamp: null };
  const inc = offset[INCREMENTING_KEY];
  const ts = offset[TIMESTAMP_KEY];
  const nanos = offset[TIMESTAMP_NANOS_KEY];
  let incrementing: bigint | null = null;
  if (inc !== undefined && inc !== null) {
    if ((typeof inc === 'number' && Number.isInteger(inc)) || (typeof inc === 'string' && /^-?\d+$/.test(inc))) {
      incrementing = BigInt(inc);
    } else {
      throw new ConnectError(`committed offset has a bad '${INCREMENTING_KEY}': ${JSON.stringify(inc)}`);
    }
  }
  let timestamp: EpochNanos | null = null;
  if (ts !== undefined && ts !== null) {
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw new ConnectError(`committed offset has a bad '${TIMESTAMP_KEY}': ${JSON.stringify(ts)}`);
    }
    if (nanos !== undefined && nanos !== null && (typeof nanos !== 'number' || nanos < 0 || nanos >= 1e9)) {
      throw new ConnectError(`committed offset has a bad '${TIMESTAMP_NANOS_KEY}': ${JSON.stringify(nanos)}`);
    }
    timestamp = fromOffsetParts(ts, typeof nanos === 'number' ? nanos : undefined);
  }
  return { incrementing, timestamp };
}
