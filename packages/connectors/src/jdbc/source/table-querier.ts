import {
  ConnectError,
  DataError,
  type JsonMap,
  type Logger,
  type Schema,
  SchemaBuilder,
  type SourceRecord,
  Struct,
  sourceRecord,
} from '@tributary/api';
import type { NumericMapping, SourceMode } from '../config.js';
import {
  type ColumnMapping,
  type DbSession,
  type Dialect,
  type QueryResult,
  qualifiedName,
  type SqlParam,
  type TableDefinition,
  type TableId,
} from '../dialect/dialect.js';
import { type EpochNanos, millisToNanos, parseDateTime, type Zone } from '../time.js';
import { encodeOffset, type SourcePosition } from './offsets.js';
import { type Criteria, incrementalParams, incrementalQuery, timestampGroupQuery, timestampOffsets } from './query.js';

/** Where a querier reads from: one table, or the custom query. */
export type QuerySource =
  | { readonly kind: 'table'; readonly table: TableId }
  | { readonly kind: 'query'; readonly query: string };

export interface QuerierOptions {
  readonly dialect: Dialect;
  readonly zone: Zone;
  readonly mode: SourceMode;
  /** As configured; empty = the table's auto-increment column. */
  readonly incrementingColumn: string;
  readonly timestampColumns: readonly string[];
  readonly batchMaxRows: number;
  readonly pollIntervalMs: number;
  readonly timestampDelayMs: number;
  /** timestamp.initial: epoch ms, -1 = now, null = from the beginning. */
  readonly timestampInitial: number | null;
  readonly validateNonNull: boolean;
  readonly numericMapping: NumericMapping;
  readonly topic: string;
  readonly partition: JsonMap;
  readonly logger: Logger;
}

// "From the beginning": earlier than any DATETIME/timestamp a table holds (0001-01-01T00:00:00Z).
const BEGINNING: EpochNanos = -62_135_596_800_000n * 1_000_000n;
const NO_ID = -1n;

/**
 * Reads one table (or the custom query) incrementally, as Kafka Connect's JDBC TableQuerier: each call of
 * {@link poll} runs one query of at most `batch.max.rows` rows and turns them into records whose offsets
 * let a restarted task go on exactly after the last committed one. `nextRunAt` says when to query again:
 * at once while pages come back full, `poll.interval.ms` later once the table was read to its end.
 */
export class TableQuerier {
  readonly source: QuerySource;
  readonly #o: QuerierOptions;
  readonly #name: string;
  #position: SourcePosition;
  #initialTimestamp: EpochNanos = BEGINNING;
  #criteria: Criteria | null = null;
  #table: TableDefinition | null = null;
  #base = '';
  #sql = '';
  #groupSql = '';
  #signature = '';
  #mappings: ColumnMapping[] = [];
  #schema: Schema | null = null;
  #incIndex = -1;
  #tsIndexes: number[] = [];
  #bulk: { rows: readonly (readonly unknown[])[]; next: number } | null = null;
  /** performance.now() time of the next query. */
  nextRunAt = 0;

  constructor(source: QuerySource, options: QuerierOptions, committed: SourcePosition) {
    this.source = source;
    this.#o = options;
    this.#name = source.kind === 'table' ? qualifiedName(source.table) : 'custom query';
    this.#position = committed;
  }

  get name(): string {
    return this.#name;
  }

  get position(): SourcePosition {
    return this.#position;
  }

  /** Runs one query and returns its records (possibly none). @throws driver errors; ConnectError */
  async poll(session: DbSession, now: number): Promise<SourceRecord[]> {
    if (this.#criteria === null) await this.#init(session);
    if (this.#o.mode === 'bulk') return this.#pollBulk(session, now);
    const { dialect, zone, mode } = this.#o;
    const usesTime = mode === 'timestamp' || mode === 'timestamp+incrementing';
    const end = usesTime ? (await dialect.currentTime(session, zone)) - millisToNanos(this.#o.timestampDelayMs) : 0n;
    const lastTs = this.#position.timestamp ?? this.#initialTimestamp;
    const params = incrementalParams<SqlParam>(mode, {
      lastIncrementing: dialect.integerParam(this.#position.incrementing ?? NO_ID),
      lastTimestamp: dialect.timestampParam(lastTs, zone),
      end: dialect.timestampParam(end, zone),
    });
    const result = await session.select(this.#sql, params);
    this.#mapColumns(result);
    let rows = result.rows;
    const full = rows.length >= this.#o.batchMaxRows;
    if (mode === 'timestamp' && full && rows.length > 0) rows = await this.#completeGroups(session, rows);
    this.nextRunAt = full ? now : now + this.#o.pollIntervalMs;
    return this.#records(rows);
  }

  async #pollBulk(session: DbSession, now: number): Promise<SourceRecord[]> {
    if (this.#bulk === null) {
      const result = await session.select(this.#sql, []);
      this.#mapColumns(result);
      this.#bulk = { rows: result.rows, next: 0 };
    }
    const bulk = this.#bulk;
    const rows = bulk.rows.slice(bulk.next, bulk.next + this.#o.batchMaxRows);
    bulk.next += rows.length;
    if (bulk.next >= bulk.rows.length) {
      this.#bulk = null;
      this.nextRunAt = now + this.#o.pollIntervalMs;
    } else {
      this.nextRunAt = now;
    }
    return this.#records(rows);
  }

  /**
   * A full timestamp page may end inside a group of equal timestamps. Drop that trailing group (the next
   * query starts at it), or, when the whole page is one group, read the entire group.
   */
  async #completeGroups(
    session: DbSession,
    rows: readonly (readonly unknown[])[],
  ): Promise<readonly (readonly unknown[])[]> {
    const last = this.#timestampOf(rows[rows.length - 1]!);
    if (this.#timestampOf(rows[0]!) !== last) {
      let cut = rows.length - 1;
      while (cut > 0 && this.#timestampOf(rows[cut - 1]!) === last) cut--;
      return rows.slice(0, cut);
    }
    const group = await session.select(this.#groupSql, [this.#o.dialect.timestampParam(last, this.#o.zone)]);
    this.#mapColumns(group);
    return group.rows;
  }

  async #init(session: DbSession): Promise<void> {
    const { dialect, mode } = this.#o;
    let incrementing: string | null =
      mode === 'incrementing' || mode === 'timestamp+incrementing' ? this.#o.incrementingColumn : null;
    let timestampColumns =
      mode === 'timestamp' || mode === 'timestamp+incrementing' ? [...this.#o.timestampColumns] : [];
    if (this.source.kind === 'table') {
      const table = await dialect.describeTable(session, this.source.table);
      if (table === null) throw new ConnectError(`Table ${this.#name} does not exist or is not readable`);
      this.#table = table;
      if (incrementing === '') {
        const auto = [...table.columns.values()].find((c) => c.autoIncrement);
        if (auto === undefined) {
          throw new ConnectError(
            `Table ${this.#name} has no auto-increment column: set incrementing.column.name for mode ${mode}`,
          );
        }
        incrementing = auto.name;
      }
      const column = (name: string) => {
        const found =
          table.columns.get(name) ??
          [...table.columns.values()].find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (found === undefined) {
          throw new ConnectError(
            `Column '${name}' does not exist in table ${this.#name} (columns: ${[...table.columns.keys()].join(', ')})`,
          );
        }
        return found;
      };
      if (incrementing !== null) {
        const c = column(incrementing);
        incrementing = c.name;
        if (this.#o.validateNonNull && c.nullable) {
          throw new ConnectError(
            `Cannot make incremental queries using incrementing column ${c.name} on ${this.#name} because this column is nullable`,
          );
        }
      }
      const tsDefs = timestampColumns.map(column);
      timestampColumns = tsDefs.map((c) => c.name);
      if (this.#o.validateNonNull && tsDefs.length > 0 && tsDefs.every((c) => c.nullable)) {
        throw new ConnectError(
          `Cannot make incremental queries using timestamp columns [${timestampColumns.join(', ')}] on ${this.#name} because all of these columns are nullable`,
        );
      }
      this.#base = `SELECT * FROM ${dialect.quoteTable(this.source.table)}`;
    } else {
      this.#base = this.source.query.trim().replace(/;\s*$/, '');
    }
    this.#criteria = { mode, incrementingColumn: incrementing, timestampColumns };
    this.#sql = incrementalQuery(dialect, this.#base, this.#criteria, mode === 'bulk' ? null : this.#o.batchMaxRows);
    if (mode === 'timestamp') this.#groupSql = timestampGroupQuery(dialect, this.#base, timestampColumns);
    const initial = this.#o.timestampInitial;
    if (initial !== null) {
      this.#initialTimestamp =
        initial === -1 ? await dialect.currentTime(session, this.#o.zone) : millisToNanos(initial);
    }
    this.#o.logger.debug(`JdbcSource query of ${this.#name}: ${this.#sql}`);
  }

  /** (Re)builds the record schema when the result's columns changed. */
  #mapColumns(result: QueryResult): void {
    const { dialect } = this.#o;
    const signature = result.columns.map((c) => dialect.columnSignature(c)).join('|');
    if (signature === this.#signature && this.#schema !== null) return;
    const mappings = dialect.resultMappings(result.columns, {
      numericMapping: this.#o.numericMapping,
      zone: this.#o.zone,
      table: this.#table,
    });
    this.#applyMappings(result, mappings);
    this.#signature = signature;
  }

  #applyMappings(result: QueryResult, mappings: ColumnMapping[]): void {
    const builder = SchemaBuilder.struct();
    if (this.source.kind === 'table') builder.name(this.source.table.table);
    const seen = new Set<string>();
    for (const m of mappings) {
      if (seen.has(m.name)) throw new ConnectError(`The result of ${this.#name} has two columns named '${m.name}'`);
      seen.add(m.name);
      builder.field(m.name, m.schema);
    }
    this.#mappings = mappings;
    this.#schema = builder.build();
    const index = (name: string): number => {
      let i = result.columns.findIndex((c) => c.name === name);
      if (i < 0) i = result.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
      if (i < 0) {
        throw new ConnectError(
          `Column '${name}' is not in the result of ${this.#name} (columns: ${result.columns.map((c) => c.name).join(', ')})`,
        );
      }
      return i;
    };
    const criteria = this.#criteria!;
    this.#incIndex = criteria.incrementingColumn === null ? -1 : index(criteria.incrementingColumn);
    this.#tsIndexes = criteria.timestampColumns.map(index);
  }

  #timestampOf(row: readonly unknown[]): EpochNanos {
    for (const i of this.#tsIndexes) {
      const raw = row[i];
      if (raw !== null && raw !== undefined) return parseDateTime(String(raw), this.#o.zone);
    }
    throw new ConnectError(`A row of ${this.#name} has no timestamp: every timestamp column is null`);
  }

  #incrementingOf(row: readonly unknown[]): bigint {
    const raw = row[this.#incIndex];
    if (raw === null || raw === undefined) {
      throw new ConnectError(
        `Null value for incrementing column '${this.#criteria?.incrementingColumn}' of ${this.#name}`,
      );
    }
    const text = String(raw);
    const m = /^(-?\d+)(?:\.0*)?$/.exec(text);
    if (m === null) {
      throw new ConnectError(
        `Incrementing column '${this.#criteria?.incrementingColumn}' of ${this.#name} holds '${text}', not an integer`,
      );
    }
    return BigInt(m[1]!);
  }

  #records(rows: readonly (readonly unknown[])[]): SourceRecord[] {
    if (rows.length === 0) return [];
    const { mode, topic, partition } = this.#o;
    const schema = this.#schema!;
    const mappings = this.#mappings;
    const width = mappings.length;
    let offsetsTs: EpochNanos[] | null = null;
    if (mode === 'timestamp') {
      const timestamps = rows.map((r) => this.#timestampOf(r));
      offsetsTs = timestampOffsets(timestamps, this.#position.timestamp ?? this.#initialTimestamp, (a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
    }
    const records: SourceRecord[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const values = new Array<unknown>(width);
      for (let i = 0; i < width; i++) {
        const raw = row[i];
        if (raw === null || raw === undefined) {
          values[i] = null;
          continue;
        }
        try {
          values[i] = mappings[i]!.convert(raw);
        } catch (e) {
          throw new ConnectError(
            `Cannot read column '${mappings[i]!.name}' of ${this.#name}: ${(e as Error).message}`,
            { cause: e instanceof DataError ? e : undefined },
          );
        }
      }
      let position: SourcePosition;
      switch (mode) {
        case 'bulk':
          position = { incrementing: null, timestamp: null };
          break;
        case 'incrementing':
          position = { incrementing: this.#incrementingOf(row), timestamp: null };
          break;
        case 'timestamp':
          position = { incrementing: null, timestamp: offsetsTs![r]! };
          break;
        case 'timestamp+incrementing':
          position = { incrementing: this.#incrementingOf(row), timestamp: this.#timestampOf(row) };
          break;
      }
      this.#position = position;
      records[r] = sourceRecord({
        sourcePartition: partition,
        sourceOffset: encodeOffset(position),
        topic,
        valueSchema: schema,
        value: Struct.trusted(schema, values),
      });
    }
    return records;
  }
}
