import type { SourceMode } from '../config.js';

/** What query building needs of a dialect. */
export interface SqlSyntax {
  quoteIdentifier(name: string): string;
  /** Placeholder of the i-th parameter, 1-based. */
  placeholder(index: number): string;
  /** Placeholder of an integer compared exactly with an integer or DECIMAL column (beyond 2^53 too). */
  integerPlaceholder(index: number): string;
}

/** The columns an incremental query orders and filters by. */
export interface Criteria {
  readonly mode: SourceMode;
  readonly incrementingColumn: string | null;
  readonly timestampColumns: readonly string[];
}

/** The timestamp expression: the column, or COALESCE of several (the first non-null one counts). */
export function timestampExpression(syntax: SqlSyntax, columns: readonly string[]): string {
  const quoted = columns.map((c) => syntax.quoteIdentifier(c));
  return quoted.length === 1 ? quoted[0]! : `COALESCE(${quoted.join(',')})`;
}

/**
 * The SQL of one incremental read: `base` (a `SELECT * FROM table` or the custom query) followed by the
 * WHERE and ORDER BY of Kafka Connect's JDBC source, and a LIMIT so that each poll reads at most a batch:
 *
 * | mode | appended | parameters |
 * |---|---|---|
 * | incrementing | `WHERE inc > ? ORDER BY inc ASC` | last id |
 * | timestamp | `WHERE ts > ? AND ts < ? ORDER BY ts ASC` | last ts, end |
 * | timestamp+incrementing | `WHERE ts < ? AND ((ts = ? AND inc > ?) OR ts > ?) ORDER BY ts, inc ASC` | end, last ts, last id, last ts |
 *
 * `end` is the database's clock minus `timestamp.delay.interval.ms`. Bulk reads `base` as is.
 * Both key orders are total in incrementing modes, so LIMIT pages never skip or repeat a row.
 */
export function incrementalQuery(syntax: SqlSyntax, base: string, criteria: Criteria, limit: number | null): string {
  const p = (i: number): string => syntax.placeholder(i);
  const lim = limit === null ? '' : ` LIMIT ${Math.trunc(limit)}`;
  const inc = criteria.incrementingColumn === null ? '' : syntax.quoteIdentifier(criteria.incrementingColumn);
  switch (criteria.mode) {
    case 'bulk':
      return base;
    case 'incrementing':
      return `${base} WHERE ${inc} > ${syntax.integerPlaceholder(1)} ORDER BY ${inc} ASC${lim}`;
    case 'timestamp': {
      const ts = timestampExpression(syntax, criteria.timestampColumns);
      return `${base} WHERE ${ts} > ${p(1)} AND ${ts} < ${p(2)} ORDER BY ${ts} ASC${lim}`;
    }
    case 'timestamp+incrementing': {
      const ts = timestampExpression(syntax, criteria.timestampColumns);
      return (
        `${base} WHERE ${ts} < ${p(1)} AND ((${ts} = ${p(2)} AND ${inc} > ${syntax.integerPlaceholder(3)}) OR ${ts} > ${p(4)})` +
        ` ORDER BY ${ts},${inc} ASC${lim}`
      );
    }
  }
}

/**
 * Timestamp mode's read of one whole group of rows sharing a timestamp: used when a LIMIT page is full
 * of one timestamp, since the next page (`ts > last`) would skip the rest of that group.
 */
export function timestampGroupQuery(syntax: SqlSyntax, base: string, timestampColumns: readonly string[]): string {
  const ts = timestampExpression(syntax, timestampColumns);
  return `${base} WHERE ${ts} = ${syntax.placeholder(1)}`;
}

/** The parameters of {@link incrementalQuery}, in placeholder order. */
export function incrementalParams<P>(
  mode: SourceMode,
  values: { readonly lastIncrementing: P; readonly lastTimestamp: P; readonly end: P },
): P[] {
  switch (mode) {
    case 'bulk':
      return [];
    case 'incrementing':
      return [values.lastIncrementing];
    case 'timestamp':
      return [values.lastTimestamp, values.end];
    case 'timestamp+incrementing':
      return [values.end, values.lastTimestamp, values.lastIncrementing, values.lastTimestamp];
  }
}

/**
 * Offsets of a timestamp-mode batch whose rows are sorted by timestamp and end at a group boundary:
 * a row's offset may advance to its own timestamp only when the next row's is greater, otherwise a
 * commit inside a group of equal timestamps, then a restart (`ts > committed`), would skip the group's
 * remaining rows. Returns one offset timestamp per row.
 */
export function timestampOffsets<T>(timestamps: readonly T[], previous: T, compare: (a: T, b: T) => number): T[] {
  const out = new Array<T>(timestamps.length);
  let committable = previous;
  for (let i = 0; i < timestamps.length; i++) {
    const current = timestamps[i]!;
    const next = timestamps[i + 1];
    if (next === undefined || compare(current, next) < 0) committable = current;
    out[i] = committable;
  }
  return out;
}
