/**
 * The consistent initial snapshot. One REPEATABLE READ transaction opened `WITH CONSISTENT SNAPSHOT` reads
 * every captured table; the binlog position of that very snapshot comes from MariaDB's
 * `binlog_snapshot_file`/`binlog_snapshot_position` status variables (and `BINLOG_GTID_POS()` of them), so
 * no lock is taken. On MySQL, which has no such variables, the position is read under a short
 * `FLUSH TABLES WITH READ LOCK` (needs RELOAD), as Debezium's minimal locking does.
 *
 * Tables are read in name order, each in primary key order with a streaming query (rows are never loaded
 * whole). Every record's offset holds the snapshot position and the progress (table, primary key of the
 * row, counts), so an interrupted snapshot resumes after the last committed row: in a new consistent
 * snapshot, from the next primary key of that table, then the following tables; streaming still starts at
 * the first snapshot's position, so changes in between are read from the binlog (duplicates possible,
 * nothing lost). A table without a primary key restarts from its first row.
 */

import type { Readable } from 'node:stream';
import {
  ConnectError,
  type JsonMap,
  type JsonValue,
  type Logger,
  type SourceRecord,
  type TaskMetricsReporter,
} from '@tributary/api';
import type { Connection as CallbackConnection } from 'mysql2';
import type mysql from 'mysql2/promise';
import {
  type Connection,
  capturedTables,
  closeQuietly,
  quoteId,
  readTableInfo,
  type ServerFacts,
  showCreateTable,
} from './connection.js';
import type { SnapshotMarker, SourceInfo } from './envelope.js';
import type { TableFilter } from './filters.js';
import {
  type BinlogPosition,
  type CdcOffset,
  decodeKeyValue,
  encodeKeyValue,
  encodeOffset,
  type SnapshotProgress,
} from './offsets.js';
import { changeRecord, schemaChangeRecord } from './records.js';
import { keyOf, rowFromArray, type TableInfo, type TableSchema } from './schema-mapper.js';
import type { TableRegistry } from './tables.js';

export interface SnapshotOptions {
  readonly prefix: string;
  readonly partition: JsonMap;
  readonly facts: ServerFacts;
  readonly filter: TableFilter;
  readonly tables: TableRegistry;
  readonly logger: Logger;
  /** False for snapshot.mode=no_data: structures and position only. */
  readonly withData: boolean;
  readonly includeSchemaChanges: boolean;
  readonly fetchSize: number;
  /** How often progress is logged, ms. */
  readonly progressIntervalMs?: number;
  /** Where progress is reported as task metrics (tributary_task_snapshot_*). */
  readonly metrics?: TaskMetricsReporter;
}

/** Opens the consistent snapshot transaction and returns the binlog position it corresponds to. */
export async function beginConsistentSnapshot(conn: Connection, facts: ServerFacts): Promise<BinlogPosition> {
  await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  if (facts.mariadb) {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'binlog_snapshot_%'");
    const vars = new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
    const file = vars.get('binlog_snapshot_file');
    const pos = Number(vars.get('binlog_snapshot_position'));
    if (file === undefined || file === '' || !Number.isSafeInteger(pos)) {
      throw new ConnectError(
        'The server reports no binlog_snapshot_file/binlog_snapshot_position for the consistent snapshot; is binary logging on?',
      );
    }
    const [g] = await conn.query<mysql.RowDataPacket[]>('SELECT BINLOG_GTID_POS(?, ?) AS gtids', [file, pos]);
    const gtids = g[0]?.gtids;
    return { file, pos, gtids: typeof gtids === 'string' ? gtids : null };
  }
  try {
    await conn.query('FLUSH TABLES WITH READ LOCK');
  } catch (e) {
    throw new ConnectError(
      `Cannot take the short global read lock that fixes the snapshot's binlog position on MySQL: ${(e as Error).message}. ` +
        "Fix: GRANT RELOAD ON *.* TO the connector's user (MariaDB needs no lock).",
      { cause: e },
    );
  }
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    let rows: mysql.RowDataPacket[];
    try {
      [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
    } catch {
      [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW BINARY LOG STATUS');
    }
    const r = rows[0];
    if (r === undefined) throw new ConnectError('SHOW MASTER STATUS returned nothing: is binary logging on?');
    const gtids = typeof r.Executed_Gtid_Set === 'string' ? r.Executed_Gtid_Set.replace(/\s/g, '') : '';
    return { file: String(r.File), pos: Number(r.Position), gtids: facts.gtidMode === 'ON' ? gtids : null };
  } finally {
    await conn.query('UNLOCK TABLES');
  }
}

interface PlannedTable {
  readonly id: string;
  readonly info: TableInfo;
  readonly schema: TableSchema;
  /** Indexes in `info.columns` of the primary key columns, in key order. */
  readonly keyColumns: readonly number[];
  /** information_schema's row estimate, for progress messages. */
  readonly estimate: number;
}

/**
 * The record held back until the next one is known: the last record of the snapshot must carry the
 * completed (streaming) offset and `snapshot: last`, whether it is a row or a schema change event.
 */
type Pending =
  | {
      readonly kind: 'row';
      readonly table: PlannedTable;
      readonly row: readonly unknown[];
      readonly progress: SnapshotProgress;
      readonly firstInTable: boolean;
    }
  | {
      readonly kind: 'schema';
      readonly table: PlannedTable;
      readonly ddl: string;
      readonly progress: SnapshotProgress;
    };

/** Produces the snapshot's records batch by batch. */
export class Snapshot {
  readonly #o: SnapshotOptions;
  readonly #conn: Connection;
  readonly position: BinlogPosition;
  readonly #plan: PlannedTable[];
  readonly #resume: SnapshotProgress | null;
  #schemaEvents: PlannedTable[];
  #tableIndex: number;
  #stream: Readable | null = null;
  #streamEnded = false;
  #streamError: Error | null = null;
  #progress: SnapshotProgress;
  #pending: Pending | null = null;
  #firstOverall = true;
  #done = false;
  #lastLog = performance.now();
  #rowsSinceLog = 0;
  #estimate = 0;

  private constructor(
    options: SnapshotOptions,
    conn: Connection,
    position: BinlogPosition,
    plan: PlannedTable[],
    resume: SnapshotProgress | null,
  ) {
    this.#o = options;
    this.#conn = conn;
    this.position = position;
    this.#plan = plan;
    this.#resume = resume;
    this.#progress = resume ?? { table: null, key: null, rows: 0, total: 0 };
    this.#schemaEvents = options.includeSchemaChanges ? [...plan] : [];
    const from = resume?.table ?? null;
    this.#tableIndex = from === null ? 0 : plan.findIndex((t) => t.id >= from);
    if (this.#tableIndex < 0) this.#tableIndex = plan.length;
    this.#firstOverall = resume === null;
  }

  /**
   * Opens the snapshot transaction on `conn` (which it then owns) and plans the tables. With `resume` (an
   * interrupted snapshot's offset) the binlog position stays the first snapshot's.
   */
  static async open(options: SnapshotOptions, conn: Connection, resume: CdcOffset | null): Promise<Snapshot> {
    try {
      const fresh = await beginConsistentSnapshot(conn, options.facts);
      const position = resume === null ? fresh : resume.position;
      const ids = await capturedTables(conn, options.filter);
      const [estimates] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS id, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'",
      );
      const estimateOf = new Map(estimates.map((r) => [String(r.id), Number(r.n ?? 0)]));
      const plan: PlannedTable[] = [];
      for (const id of ids) {
        const dot = id.indexOf('.');
        const info = await readTableInfo(conn, id.slice(0, dot), id.slice(dot + 1), options.facts.mariadb);
        if (info === null) continue;
        options.tables.set(info);
        const schema = options.tables.schemaFor(info);
        if (schema.skipped.length > 0) {
          options.logger.warn(
            `Table ${id}: columns ${schema.skipped.join(', ')} have types this connector does not capture; they are left out`,
          );
        }
        const keyColumns = info.columns
          .map((c, i) => ({ i, seq: c.pkSeq }))
          .filter((c) => c.seq > 0)
          .sort((a, b) => a.seq - b.seq)
          .map((c) => c.i);
        plan.push({ id, info, schema, keyColumns, estimate: estimateOf.get(id) ?? 0 });
      }
      options.logger.info(
        `${resume === null ? 'Starting' : 'Resuming'} the ${options.withData ? '' : 'schema-only '}snapshot of ` +
          `${plan.length} table(s) at binlog ${position.file}:${position.pos}` +
          (position.gtids ? ` (GTID position ${position.gtids})` : '') +
          (resume?.snapshot?.table ? `, from table ${resume.snapshot.table} after ${resume.snapshot.rows} row(s)` : ''),
        { tables: plan.map((t) => t.id) },
      );
      return new Snapshot(options, conn, position, plan, resume?.snapshot ?? null);
    } catch (e) {
      await closeQuietly(conn);
      throw e;
    }
  }

  /** Tables the snapshot covers, in reading order. */
  get tableIds(): readonly string[] {
    return this.#plan.map((t) => t.id);
  }

  get done(): boolean {
    return this.#done;
  }

  /** Rows emitted so far by the whole snapshot. */
  get total(): number {
    return this.#progress.total;
  }

  /**
   * Up to `max` records; an empty array once the snapshot is complete (then {@link done} is true). Returns
   * early, with what it has, once `signal` aborts.
   */
  async next(max: number, signal?: AbortSignal): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const now = Date.now();
    while (out.length < max && !this.#done) {
      const schemaTable = this.#schemaEvents.shift();
      if (schemaTable !== undefined) {
        const ddl = await showCreateTable(this.#conn, schemaTable.info.db, schemaTable.info.table);
        this.#hold({ kind: 'schema', table: schemaTable, ddl, progress: { ...this.#progress } }, out, now);
        continue;
      }
      const table = this.#o.withData ? this.#plan[this.#tableIndex] : undefined;
      if (table === undefined) {
        if (this.#pending !== null) out.push(this.#release(this.#pending, 'end', now));
        this.#pending = null;
        await this.#finish();
        break;
      }
      if (this.#stream === null) this.#openTable(table);
      const rows = await this.#readRows(max - out.length, signal);
      for (const row of rows) {
        const progress = this.#advance(table, row);
        const firstInTable = progress.rows === 1 && !this.#resumedTable(table);
        this.#hold({ kind: 'row', table, row, progress, firstInTable }, out, now);
      }
      if (rows.length === 0 && this.#streamEnded) {
        this.#closeTable(table);
        const p = this.#pending;
        if (p !== null && p.kind === 'row' && p.table === table && this.#plan[this.#tableIndex] !== undefined) {
          out.push(this.#release(p, 'tableEnd', now));
          this.#pending = null;
        }
      } else if (rows.length === 0) {
        break;
      }
    }
    this.#logProgress(false);
    return out;
  }

  #hold(next: Pending, out: SourceRecord[], now: number): void {
    if (this.#pending !== null) out.push(this.#release(this.#pending, 'more', now));
    this.#pending = next;
  }

  /** Ends the transaction and closes the connection (also when the snapshot stops early). */
  async close(): Promise<void> {
    this.#stream?.destroy();
    this.#stream = null;
    await closeQuietly(this.#conn);
  }

  #resumedTable(table: PlannedTable): boolean {
    return this.#resume !== null && this.#resume.table === table.id && this.#resume.rows > 0;
  }

  #openTable(table: PlannedTable): void {
    const cols = table.info.columns.map((c) => quoteId(c.name)).join(', ');
    let sql = `SELECT ${cols} FROM ${quoteId(table.info.db)}.${quoteId(table.info.table)}`;
    const params: unknown[] = [];
    const resumeKey = this.#progress.table === table.id ? this.#progress.key : null;
    if (resumeKey !== null && table.keyColumns.length === resumeKey.length && table.keyColumns.length > 0) {
      // (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …: the rows after the last emitted key.
      const names = table.keyColumns.map((i) => quoteId(table.info.columns[i]!.name));
      const values = resumeKey.map((v) => decodeKeyValue(v));
      const terms: string[] = [];
      for (let k = 0; k < names.length; k++) {
        const eqs = names.slice(0, k).map((n) => `${n} = ?`);
        terms.push(`(${[...eqs, `${names[k]} > ?`].join(' AND ')})`);
        params.push(...values.slice(0, k), values[k]);
      }
      sql += ` WHERE ${terms.join(' OR ')}`;
    } else if (this.#progress.table === table.id) {
      // No key to resume from (no primary key): the table is read again from its start.
      this.#progress = { ...this.#progress, rows: 0, key: null };
    } else {
      this.#progress = { table: table.id, key: null, rows: 0, total: this.#progress.total };
    }
    if (table.keyColumns.length > 0) {
      sql += ` ORDER BY ${table.keyColumns.map((i) => quoteId(table.info.columns[i]!.name)).join(', ')}`;
    }
    // The callback API under the promise wrapper streams rows (the wrapper would buffer the whole result).
    const raw = (this.#conn as unknown as { connection: CallbackConnection }).connection;
    const stream = raw.query({ sql, values: params, rowsAsArray: true }).stream({ highWaterMark: this.#o.fetchSize });
    this.#stream = stream;
    this.#streamEnded = false;
    this.#streamError = null;
    stream.on('end', () => {
      this.#streamEnded = true;
    });
    stream.on('error', (e: Error) => {
      this.#streamError = e;
    });
    this.#estimate = table.estimate;
    this.#o.logger.info(`Snapshot: reading table ${table.id}`, {
      table: table.id,
      resumeAfterKey: resumeKey,
      rowsBefore: this.#progress.rows,
    });
  }

  #closeTable(table: PlannedTable): void {
    this.#stream = null;
    this.#o.logger.info(`Snapshot: table ${table.id} done, ${this.#progress.rows} row(s)`, {
      table: table.id,
      rows: this.#progress.rows,
      total: this.#progress.total,
    });
    this.#tableIndex++;
  }

  async #readRows(max: number, signal: AbortSignal | undefined): Promise<unknown[][]> {
    const stream = this.#stream!;
    const rows: unknown[][] = [];
    for (;;) {
      if (this.#streamError !== null) throw this.#streamFailure(this.#streamError);
      while (rows.length < max) {
        const row = stream.read() as unknown[] | null;
        if (row === null) break;
        rows.push(row);
      }
      if (rows.length > 0 || this.#streamEnded || signal?.aborted) return rows;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('readable', done);
          stream.off('end', done);
          stream.off('error', done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        stream.on('readable', done);
        stream.on('end', done);
        stream.on('error', done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  #streamFailure(e: Error): Error {
    return new ConnectError(`Snapshot query of table ${this.#progress.table} failed: ${e.message}`, { cause: e });
  }

  #advance(table: PlannedTable, row: readonly unknown[]): SnapshotProgress {
    const key = table.keyColumns.length === 0 ? null : table.keyColumns.map((i) => encodeKeyValue(row[i]));
    this.#progress = {
      table: table.id,
      key: key as JsonValue[] | null,
      rows: this.#progress.rows + 1,
      total: this.#progress.total + 1,
    };
    this.#rowsSinceLog++;
    return this.#progress;
  }

  #offset(progress: SnapshotProgress | null): JsonMap {
    return encodeOffset({
      position: this.position,
      event: 0,
      row: 0,
      tsSec: Math.floor(Date.now() / 1000),
      serverId: this.#o.facts.serverId,
      snapshot: progress,
      schemas: this.#o.tables.encoded(),
    });
  }

  #source(table: string | null, db: string, marker: SnapshotMarker, now: number): SourceInfo {
    return {
      name: this.#o.prefix,
      tsMs: now,
      snapshot: marker,
      db,
      table,
      serverId: 0,
      gtid: null,
      file: this.position.file,
      pos: this.position.pos,
      row: 0,
      thread: null,
      query: null,
    };
  }

  #release(p: Pending, after: 'more' | 'tableEnd' | 'end', now: number): SourceRecord {
    const { info } = p.table;
    // The last record completes the snapshot: its offset is a plain streaming offset.
    const offset = this.#offset(after === 'end' ? null : p.progress);
    if (p.kind === 'schema') {
      return schemaChangeRecord(
        this.#o.partition,
        offset,
        this.#o.prefix,
        this.#source(info.table, info.db, after === 'end' ? 'last' : 'true', now),
        info.db,
        p.ddl,
        [{ type: 'CREATE', db: info.db, table: info.table, info }],
        now,
      );
    }
    let marker: SnapshotMarker;
    if (after === 'end') marker = 'last';
    else if (this.#firstOverall) marker = 'first';
    else if (p.firstInTable) marker = 'first_in_data_collection';
    else if (after === 'tableEnd') marker = 'last_in_data_collection';
    else marker = 'true';
    this.#firstOverall = false;
    const { schema } = p.table;
    const value = rowFromArray(schema, p.row);
    return changeRecord(
      this.#o.partition,
      offset,
      schema,
      'r',
      keyOf(schema, value),
      null,
      value,
      this.#source(info.table, info.db, marker, now),
      now,
    );
  }

  async #finish(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#logProgress(true);
    try {
      await this.#conn.query('COMMIT');
    } catch {
      // The transaction only read.
    }
    await this.close();
  }

  #logProgress(final: boolean): void {
    const m = this.#o.metrics;
    if (m !== undefined) {
      const p = this.#progress;
      m.gauge('snapshot_running', final ? 0 : 1, 'Whether the initial snapshot is running (1) or done (0).');
      m.gauge('snapshot_tables', this.#plan.length, 'Tables in the snapshot.');
      m.gauge(
        'snapshot_tables_done',
        final ? this.#plan.length : this.#tableIndex,
        'Tables whose snapshot is complete.',
      );
      m.gauge('snapshot_table_rows', p.rows, 'Rows read from the table being snapshotted.');
      m.gauge('snapshot_table_rows_estimate', this.#estimate, "The server's row estimate of that table.");
      m.gauge('snapshot_rows', p.total, 'Rows read by the snapshot so far.');
    }
    const now = performance.now();
    const every = this.#o.progressIntervalMs ?? 10_000;
    if (!final && now - this.#lastLog < every) return;
    const rate = Math.round((this.#rowsSinceLog * 1000) / Math.max(1, now - this.#lastLog));
    this.#lastLog = now;
    this.#rowsSinceLog = 0;
    const p = this.#progress;
    if (final) {
      this.#o.logger.info(`Snapshot complete: ${p.total} row(s) from ${this.#plan.length} table(s)`, {
        total: p.total,
        tables: this.#plan.length,
      });
    } else {
      this.#o.logger.info(
        `Snapshot progress: table ${p.table} ${p.rows}${this.#estimate > 0 ? ` of ~${this.#estimate}` : ''} row(s), ` +
          `${p.total} row(s) in total, ${rate} rows/s`,
        { table: p.table, rows: p.rows, estimate: this.#estimate, total: p.total, rowsPerSecond: rate },
      );
    }
  }
}
