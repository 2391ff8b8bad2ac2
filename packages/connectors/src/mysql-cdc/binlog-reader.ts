/**
 * Reads the binlog with zongji and turns its events into queued work items, tracking for every row event the
 * position a restart must resume from (start of its transaction, GTID position before it, index of the row
 * event within the transaction). Reading pauses while the queue holds `max.queue.size` rows or more.
 *
 * zongji is used with two of its internals replaced on the instance (the pinned version 0.9.0 is known):
 * - `_skipSchema`: the connector's include/exclude filter (regexes), so events of other tables are skipped
 *   before their rows are decoded and their structure is never fetched;
 * - `_fetchTableInfo`: the structure of a table comes from the schema history (as of the position read), and
 *   from information_schema only when the history has none or it does not fit the TABLE_MAP event.
 */
import { ConnectError, type JsonMap, type Logger, RetriableError } from '@tributary/api';
import ZongJi from '@vlasky/zongji';
import type { MySqlCdcConfig } from './config.js';
import {
  type Connection,
  connectionOptions,
  isConnectionError,
  readTableInfo,
  type ServerFacts,
} from './connection.js';
import { parseDdl, type TableRef } from './ddl.js';
import type { TableFilter } from './filters.js';
import { type BinlogPosition, MariaGtidPosition } from './offsets.js';
import { dataType, type TableInfo } from './schema-mapper.js';
import type { TableRegistry } from './tables.js';

/** Where streaming starts: a transaction start, and what of that transaction was already emitted. */
export interface StreamStart {
  readonly position: BinlogPosition;
  readonly event: number;
  readonly row: number;
}

interface Located {
  /** Binlog file of the event. */
  readonly file: string;
  /** Start position of the event. */
  readonly pos: number;
  readonly gtid: string | null;
  readonly tsMs: number;
  readonly serverId: number;
}

/** Changed rows of one row event, with what its records' offsets need. */
export interface RowsItem extends Located {
  readonly kind: 'rows';
  readonly op: 'c' | 'u' | 'd';
  readonly info: TableInfo;
  /** zongji rows: objects by column name; `{before, after}` for updates. */
  readonly rows: readonly unknown[];
  /** Index of the first row not emitted yet (rows before it were emitted before a restart). */
  next: number;
  readonly txStart: BinlogPosition;
  /** Index of this row event within its transaction. */
  readonly eventIndex: number;
  readonly thread: number | null;
  readonly query: string | null;
  /** The schema history as of the transaction start (for the offsets). */
  readonly schemas: JsonMap;
}

/** A DDL statement on captured tables; the position after it and the history after it. */
export interface DdlItem extends Located {
  readonly kind: 'ddl';
  readonly ddl: string;
  readonly db: string;
  readonly kindOfDdl: string;
  /** Tables it changed; null when unknown. */
  readonly tables: readonly TableRef[] | null;
  readonly after: BinlogPosition;
  readonly schemas: JsonMap;
}

export type BinlogItem = RowsItem | DdlItem;

export interface BinlogReaderOptions {
  readonly config: MySqlCdcConfig;
  readonly facts: ServerFacts;
  readonly filter: TableFilter;
  readonly tables: TableRegistry;
  /** For information_schema reads (zongji's own control connection is left alone). */
  readonly conn: Connection;
  readonly serverId: number;
  readonly maxQueueRows: number;
  readonly includeQuery: boolean;
  readonly logger: Logger;
}

/** Binlog type codes of the TABLE_MAP event (MySQL's enum_field_types). */
const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  BLOB_COMPRESSED: 140,
  VARCHAR_COMPRESSED: 141,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const BLOBS = [T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB, T.BLOB, T.BLOB_COMPRESSED];
const STRINGS = [T.STRING, T.VAR_STRING, T.VARCHAR, T.VARCHAR_COMPRESSED, T.ENUM, T.SET];
const EXPECTED: Readonly<Record<string, readonly number[]>> = {
  tinyint: [T.TINY],
  smallint: [T.SHORT],
  mediumint: [T.INT24],
  int: [T.LONG],
  integer: [T.LONG],
  bigint: [T.LONGLONG],
  float: [T.FLOAT],
  double: [T.DOUBLE],
  real: [T.DOUBLE],
  decimal: [T.NEWDECIMAL, T.DECIMAL],
  numeric: [T.NEWDECIMAL, T.DECIMAL],
  bit: [T.BIT],
  date: [T.DATE, T.NEWDATE],
  time: [T.TIME, T.TIME2],
  datetime: [T.DATETIME, T.DATETIME2],
  timestamp: [T.TIMESTAMP, T.TIMESTAMP2],
  year: [T.YEAR],
  char: STRINGS,
  varchar: STRINGS,
  binary: STRINGS,
  varbinary: STRINGS,
  enum: STRINGS,
  set: STRINGS,
  uuid: STRINGS,
  inet4: STRINGS,
  inet6: STRINGS,
  tinytext: BLOBS,
  text: BLOBS,
  mediumtext: BLOBS,
  longtext: [...BLOBS, T.JSON],
  tinyblob: BLOBS,
  blob: BLOBS,
  mediumblob: BLOBS,
  longblob: BLOBS,
  json: [T.JSON, ...BLOBS],
};

/**
 * True when a table structure can describe a TABLE_MAP event: same column count, and each column's type fits
 * the binlog type code (unknown types are given the benefit of the doubt). Pure.
 */
export function fitsTableMap(info: TableInfo, columnTypes: readonly number[]): boolean {
  if (info.columns.length !== columnTypes.length) return false;
  for (let i = 0; i < columnTypes.length; i++) {
    const expected = EXPECTED[dataType(info.columns[i]!.columnType)];
    if (expected !== undefined && !expected.includes(columnTypes[i]!)) return false;
  }
  return true;
}

/** The INFORMATION_SCHEMA-shaped rows zongji decodes row images with. */
function zongjiColumns(info: TableInfo): object[] {
  return info.columns.map((c) => ({
    COLUMN_NAME: c.name,
    COLUMN_TYPE: c.columnType,
    CHARACTER_SET_NAME: c.charset,
    COLLATION_NAME: null,
    COLUMN_COMMENT: '',
  }));
}

interface ZEvent {
  getTypeName(): string;
  timestamp: number;
  nextPosition: number;
  size: number;
  [key: string]: unknown;
}

interface ZTableMapEvent extends ZEvent {
  tableId: number;
  schemaName: string;
  tableName: string;
  columnCount: number;
  columnTypes: number[];
}

interface ZEntry {
  columnSchemas: object[];
  parentSchema: string;
  tableName: string;
  info?: TableInfo;
  unknown?: boolean;
}

/** The parts of a ZongJi instance this reader touches, internals included. */
interface ZongJiInternals {
  tableMap: Record<number, ZEntry>;
  connection: { pause(): void; resume(): void } | null;
  useChecksum: boolean;
  gtidSet: string | undefined;
  _skipSchema(db: string, table: string): boolean;
  _fetchTableInfo(event: ZTableMapEvent, next: () => void): void;
  emit(event: string, ...args: unknown[]): boolean;
  on(event: string, listener: (...args: never[]) => void): void;
  start(options: Record<string, unknown>): void;
  stop(): void;
}

/** MySQL's ER_MASTER_FATAL_ERROR_READING_BINLOG: the requested position or GTIDs are not in the binlog. */
const ERR_BINLOG_UNAVAILABLE = 1236;

export class BinlogReader {
  readonly #o: BinlogReaderOptions;
  readonly #zongji: ZongJiInternals;
  readonly #queue: BinlogItem[] = [];
  #head = 0;
  #queuedRows = 0;
  #error: Error | null = null;
  #waiter: (() => void) | null = null;
  #stopped = false;
  #fetching = false;
  #attaching = false;
  #paused = false;
  readonly #warned = new Set<string>();

  // Position tracking (see the module comment).
  #file: string;
  #gtids: MariaGtidPosition | null;
  #pendingGtid: string | null = null;
  #currentGtid: string | null = null;
  #inTx = false;
  #txStart: BinlogPosition;
  /** The group began with a GTID event and no BEGIN: one statement (DDL) that commits by itself. */
  #standalone = false;
  #eventIndex = 0;
  #thread: number | null = null;
  #serverIdOfTx: number;
  #query: string | null = null;
  /** Position just after the last transaction or standalone event seen (for heartbeats). */
  #boundary: BinlogPosition;
  // What of the first transaction was emitted before the restart.
  #skipEvents: number;
  #skipRows: number;
  #firstTx = true;

  constructor(options: BinlogReaderOptions, start: StreamStart) {
    this.#o = options;
    this.#file = start.position.file;
    this.#gtids = options.facts.mariadb ? MariaGtidPosition.parse(start.position.gtids ?? '') : null;
    this.#txStart = start.position;
    this.#boundary = start.position;
    this.#serverIdOfTx = options.facts.serverId;
    this.#skipEvents = start.event;
    this.#skipRows = start.row;
    const zongji = new ZongJi({ ...connectionOptions(options.config) } as never) as unknown as ZongJiInternals;
    this.#zongji = zongji;
    zongji._skipSchema = (db, table) => !options.filter.includes(db, table);
    zongji._fetchTableInfo = (event, next) => this.#fetchTableInfo(event, next);
    zongji.on('binlog', (event: ZEvent) => {
      try {
        this.#onEvent(event);
      } catch (e) {
        this.#fail(e as Error);
      }
    });
    zongji.on('error', (e: Error) => this.#fail(e));
    const useGtids = this.#startWithGtids(start.position);
    zongji.start({
      serverId: options.serverId,
      ...(useGtids
        ? { gtidSet: start.position.gtids }
        : { filename: start.position.file, position: start.position.pos }),
      requestAnnotateRows: options.includeQuery,
    });
    options.logger.info(
      useGtids
        ? `Reading the binlog from GTID position ${start.position.gtids} (${start.position.file}:${start.position.pos})`
        : `Reading the binlog from ${start.position.file}:${start.position.pos}`,
      { event: start.event, row: start.row },
    );
  }

  // MariaDB GTID positions survive a failover to a replica; an empty one would mean "from the oldest binlog".
  #startWithGtids(position: BinlogPosition): boolean {
    if (position.gtids === null || position.gtids === '') return false;
    return this.#o.facts.mariadb || this.#o.facts.gtidMode === 'ON';
  }

  /** The first unconsumed item, or undefined. */
  peek(): BinlogItem | undefined {
    return this.#queue[this.#head];
  }

  /** Removes the first item (fully consumed). */
  shift(): void {
    const item = this.#queue[this.#head];
    if (item === undefined) return;
    this.#queue[this.#head] = undefined as never;
    this.#head++;
    if (item.kind === 'rows') this.#queuedRows -= item.rows.length - item.next;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#updateFlow();
  }

  /** Advances the first item (rows) past `count` more rows, which the caller has turned into records. */
  take(item: RowsItem, count: number): void {
    item.next += count;
    this.#queuedRows -= count;
    if (item.next >= item.rows.length) this.shift();
    else this.#updateFlow();
  }

  get error(): Error | null {
    return this.#error;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * The position after the last complete transaction when nothing is queued and no transaction is open (a
   * heartbeat may carry it); null otherwise.
   */
  boundary(): { position: BinlogPosition; schemas: JsonMap } | null {
    if (this.#inTx || this.#head < this.#queue.length) return null;
    return { position: this.#boundary, schemas: this.#o.tables.encoded() };
  }

  /** Waits until an item is queued, an error happened, `ms` passed or `signal` aborted. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#head < this.#queue.length || this.#error !== null || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.#waiter === done) this.#waiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiter = done;
    });
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#zongji.stop();
    } catch {
      // already closed
    }
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = null;
    w?.();
  }

  #fail(e: Error): void {
    if (this.#error !== null || this.#stopped) return;
    this.#error = this.#classify(e);
    this.#wake();
  }

  #classify(e: Error): Error {
    if (e instanceof ConnectError) return e;
    const err = e as Error & { errno?: number; code?: string; sqlMessage?: string };
    const text = err.sqlMessage ?? err.message;
    if (err.errno === ERR_BINLOG_UNAVAILABLE) {
      return new ConnectError(
        `The server cannot send the binlog from ${this.#txStart.file}:${this.#txStart.pos}` +
          `${this.#txStart.gtids ? ` (GTID position ${this.#txStart.gtids})` : ''}: ${text}. ` +
          'The binlog files holding that position were probably purged. Fix: set snapshot.mode=when_needed to ' +
          'take a new snapshot, or reset the offsets (stop the connector, DELETE /connectors/<name>/offsets).',
        { cause: e },
      );
    }
    if (err.errno === 1227 || err.code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR') {
      return new ConnectError(
        `The server refused to send the binlog: ${text}. Fix: GRANT REPLICATION SLAVE ON *.* TO the connector's user.`,
        { cause: e },
      );
    }
    if (isConnectionError(e)) return new RetriableError(`Binlog connection lost: ${text}`, { cause: e });
    return new ConnectError(`Binlog reading failed: ${text}`, { cause: e });
  }

  // ---- flow control ------------------------------------------------------------------------------------

  #updateFlow(): void {
    const conn = this.#zongji.connection;
    if (conn === null || this.#stopped) return;
    const want = this.#queuedRows >= this.#o.maxQueueRows || this.#attaching;
    if (want && !this.#paused) {
      this.#paused = true;
      conn.pause();
    } else if (!want && this.#paused && !this.#fetching) {
      // Never while zongji waits for a table structure: rows parsed before it is set would be dropped.
      this.#paused = false;
      conn.resume();
    }
  }

  // ---- table structures --------------------------------------------------------------------------------

  #fetchTableInfo(event: ZTableMapEvent, next: () => void): void {
    this.#fetching = true;
    this.#resolveInfo(event).then(
      (entry) => {
        this.#zongji.tableMap[event.tableId] = entry;
        this.#fetching = false;
        // zongji resumes the connection after next(); our pause, if wanted, is applied again per event.
        this.#paused = false;
        next();
        this.#updateFlow();
      },
      (e: Error) => {
        this.#fetching = false;
        this.#fail(e);
      },
    );
  }

  async #resolveInfo(event: ZTableMapEvent): Promise<ZEntry> {
    const id = `${event.schemaName}.${event.tableName}`;
    const tables = this.#o.tables;
    const known = tables.get(id);
    if (known !== undefined && fitsTableMap(known, event.columnTypes)) return this.#entry(event, known);
    const fresh = await readTableInfo(this.#o.conn, event.schemaName, event.tableName, this.#o.facts.mariadb);
    if (fresh === null) {
      // Dropped since (and unknown to the history): its rows cannot be named; they are skipped with a warning.
      return {
        columnSchemas: event.columnTypes.map((_, i) => ({
          COLUMN_NAME: `col${i + 1}`,
          COLUMN_TYPE: '',
          CHARACTER_SET_NAME: null,
          COLLATION_NAME: null,
          COLUMN_COMMENT: '',
        })),
        parentSchema: event.schemaName,
        tableName: event.tableName,
        unknown: true,
      };
    }
    if (!fitsTableMap(fresh, event.columnTypes)) {
      throw new ConnectError(
        `The binlog event of table ${id} at ${this.#file}:${this.#eventStart(event)} has ${event.columnCount} ` +
          `columns of binlog types [${event.columnTypes.join(',')}], which the table's current structure ` +
          `(${fresh.columns.map((c) => `${c.name} ${c.columnType}`).join(', ')}) does not fit: the table was altered ` +
          'after this event and its earlier structure is not in the stored offsets. Fix: take a new snapshot: ' +
          'stop the connector, reset its offsets (DELETE /connectors/<name>/offsets) and start it again ' +
          '(snapshot.mode=initial or when_needed).',
      );
    }
    tables.set(fresh);
    return this.#entry(event, tables.get(id) ?? fresh);
  }

  #entry(event: ZTableMapEvent, info: TableInfo): ZEntry {
    return { columnSchemas: zongjiColumns(info), parentSchema: event.schemaName, tableName: event.tableName, info };
  }

  // With binlog_row_metadata=FULL zongji builds the entry from the event itself; ours is attached here.
  #attach(event: ZTableMapEvent, entry: ZEntry): void {
    const known = this.#o.tables.get(`${event.schemaName}.${event.tableName}`);
    if (known !== undefined && fitsTableMap(known, event.columnTypes)) {
      entry.info = known;
      return;
    }
    this.#attaching = true;
    this.#updateFlow();
    this.#resolveInfo(event).then(
      (resolved) => {
        entry.info = resolved.info;
        entry.unknown = resolved.unknown;
        this.#attaching = false;
        this.#updateFlow();
      },
      (e: Error) => this.#fail(e),
    );
  }

  // ---- events ------------------------------------------------------------------------------------------

  #eventStart(event: ZEvent): number {
    return event.nextPosition - event.size - (this.#zongji.useChecksum ? 23 : 19);
  }

  #gtidsNow(): string | null {
    if (this.#gtids !== null) return this.#gtids.toString();
    return this.#zongji.gtidSet ?? null;
  }

  #beginTx(event: ZEvent, gtid: string | null, thread: number | null): void {
    const start = this.#eventStart(event);
    this.#txStart = { file: this.#file, pos: start, gtids: this.#gtidsNow() };
    this.#inTx = true;
    this.#eventIndex = 0;
    this.#currentGtid = gtid;
    this.#thread = thread;
    this.#query = null;
  }

  #endTx(event: ZEvent): void {
    if (this.#pendingGtid !== null && this.#gtids !== null) this.#gtids.add(this.#pendingGtid);
    this.#pendingGtid = null;
    this.#inTx = false;
    this.#standalone = false;
    this.#currentGtid = null;
    if (event.nextPosition > 0) this.#boundary = { file: this.#file, pos: event.nextPosition, gtids: this.#gtidsNow() };
    if (this.#firstTx) {
      this.#firstTx = false;
      this.#skipEvents = 0;
      this.#skipRows = 0;
    }
  }

  #onEvent(event: ZEvent): void {
    if (this.#stopped) return;
    switch (event.getTypeName()) {
      case 'Rotate':
        this.#file = event.binlogName as string;
        if (!this.#inTx) this.#boundary = { file: this.#file, pos: event.position as number, gtids: this.#gtidsNow() };
        return;
      case 'MariadbGtid': {
        if (this.#pendingGtid !== null) this.#endTx(event);
        this.#pendingGtid = event.gtid as string;
        this.#serverIdOfTx = event.serverId as number;
        this.#beginTx(event, event.gtid as string, (event.threadId as number | undefined) ?? null);
        this.#standalone = event.standalone === true;
        return;
      }
      case 'Gtid':
        this.#beginTx(event, event.gtid as string, null);
        // A BEGIN query follows for a transaction; a DDL statement comes alone.
        this.#standalone = true;
        return;
      case 'Query':
        this.#onQuery(event);
        return;
      case 'Xid':
        this.#endTx(event);
        return;
      case 'AnnotateRows':
      case 'RowsQuery':
        this.#query = (event.statement as string | undefined) ?? null;
        return;
      case 'TableMap': {
        const tm = event as ZTableMapEvent;
        const entry = this.#zongji.tableMap[tm.tableId];
        if (entry !== undefined && entry.info === undefined && entry.unknown !== true) this.#attach(tm, entry);
        return;
      }
      case 'WriteRows':
        this.#onRows(event, 'c');
        return;
      case 'UpdateRows':
        this.#onRows(event, 'u');
        return;
      case 'DeleteRows':
        this.#onRows(event, 'd');
        return;
      default:
        return;
    }
  }

  #onQuery(event: ZEvent): void {
    const sql = String(event.query ?? '');
    const head = sql.trimStart().slice(0, 9).toUpperCase();
    if (head.startsWith('BEGIN')) {
      // MySQL without GTIDs (a GTID event has begun the transaction otherwise).
      if (!this.#inTx) this.#beginTx(event, null, (event.slaveProxyId as number | undefined) ?? null);
      else this.#thread ??= (event.slaveProxyId as number | undefined) ?? null;
      this.#standalone = false;
      return;
    }
    if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK') || head.startsWith('XA COMMIT')) {
      this.#endTx(event);
      return;
    }
    // Inside a transaction (SAVEPOINT and the like): nothing to do. DDL always comes in a group of its own.
    if (this.#inTx && !this.#standalone) return;
    const defaultDb = String(event.schema ?? '');
    const ddl = parseDdl(sql, defaultDb);
    const located: Located = {
      file: this.#file,
      pos: this.#eventStart(event),
      gtid: this.#currentGtid,
      tsMs: event.timestamp,
      serverId: this.#serverIdOfTx,
    };
    // A DDL statement commits on its own: it ends its group.
    this.#endTx(event);
    if (ddl === null) return;
    const filter = this.#o.filter;
    const tables = ddl.tables;
    let relevant: boolean;
    if (tables === null) {
      relevant = filter.includesDatabase(ddl.db);
      if (relevant) this.#o.tables.forgetDatabase(ddl.db);
    } else {
      relevant = tables.some((t) => filter.includes(t.db, t.table));
      for (const t of tables) this.#o.tables.forget(`${t.db}.${t.table}`);
    }
    // zongji's cache by table id must not outlive the structure either.
    for (const [id, entry] of Object.entries(this.#zongji.tableMap)) {
      const hit =
        tables === null
          ? entry.parentSchema === ddl.db
          : tables.some((t) => t.db === entry.parentSchema && t.table === entry.tableName);
      if (hit) delete this.#zongji.tableMap[Number(id)];
    }
    if (!relevant || ddl.kind === 'TRUNCATE') return;
    this.#push({
      kind: 'ddl',
      ...located,
      ddl: sql,
      db: tables?.[0]?.db ?? ddl.db,
      kindOfDdl: ddl.kind,
      tables,
      after: this.#boundary,
      schemas: this.#o.tables.encoded(),
    });
  }

  #onRows(event: ZEvent, op: 'c' | 'u' | 'd'): void {
    const tableId = event.tableId as number;
    const entry = (event.tableMap as Record<number, ZEntry> | undefined)?.[tableId];
    if (entry === undefined) return;
    if (!this.#inTx) this.#beginTx(event, null, null);
    const index = this.#eventIndex++;
    const rows = event.rows as unknown[] | undefined;
    if (rows === undefined || rows.length === 0) return;
    if (this.#firstTx && index < this.#skipEvents) return;
    const first = this.#firstTx && index === this.#skipEvents ? Math.min(this.#skipRows, rows.length) : 0;
    if (entry.unknown === true || entry.info === undefined) {
      const id = `${entry.parentSchema}.${entry.tableName}`;
      if (!this.#warned.has(id)) {
        this.#warned.add(id);
        this.#o.logger.warn(
          `Skipping binlog rows of table ${id}: the table no longer exists and its structure at that time is unknown`,
          { file: this.#file, pos: this.#eventStart(event) },
        );
      }
      return;
    }
    this.#push({
      kind: 'rows',
      op,
      info: entry.info,
      rows,
      next: first,
      file: this.#file,
      pos: this.#eventStart(event),
      gtid: this.#currentGtid,
      tsMs: event.timestamp,
      serverId: this.#serverIdOfTx,
      txStart: this.#txStart,
      eventIndex: index,
      thread: this.#thread,
      query: this.#query,
      // No DDL happens inside a transaction: the history now (tables of this transaction included) holds at its start.
      schemas: this.#o.tables.encoded(),
    });
  }

  #push(item: BinlogItem): void {
    this.#queue.push(item);
    if (item.kind === 'rows') this.#queuedRows += item.rows.length - item.next;
    this.#wake();
    this.#updateFlow();
  }
}
