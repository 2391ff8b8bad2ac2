import { ConnectError, DataError, Decimal, type Schema } from '@tributary/api';
import { type Connection, createConnection, type FieldPacket, type ResultSetHeader } from 'mysql2/promise';
import { type EpochNanos, formatDateTime, parseDate, parseDateTime, parseTimeOfDayMillis, type Zone } from '../time.js';
import {
  checkAddable,
  columnConstraints,
  createTableSql,
  defaultLiteral,
  fieldKind,
  logical,
  numericMapping,
  primitive,
  textEncoder,
  unsignedBigintSchema,
} from './common.js';
import type {
  ColumnDefinition,
  ColumnMapping,
  ColumnSpec,
  ConnectOptions,
  DbSession,
  Dialect,
  ErrorKind,
  MappingOptions,
  QueryResult,
  ResultColumn,
  SqlParam,
  TableDefinition,
  TableFilter,
  TableId,
  ValueEncoder,
  WritePlan,
} from './dialect.js';

// Column type codes and flags of the MySQL protocol (include/mysql_com.h, field_types.h).
const T = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  BIT: 0x10,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  GEOMETRY: 0xff,
} as const;
const NOT_NULL_FLAG = 1;
const UNSIGNED_FLAG = 32;
const BINARY_CHARSET = 63;

/** MySQL's limit of placeholders in one prepared statement. */
const MAX_PLACEHOLDERS = 65_535;

// Transient: connection trouble, deadlock, lock wait timeout, server going away or busy.
const TRANSIENT_ERRNOS = new Set([
  1040, 1042, 1043, 1047, 1053, 1077, 1078, 1079, 1080, 1152, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1184,
  1189, 1190, 1205, 1213, 1218, 1927, 2002, 2003, 2004, 2005, 2006, 2011, 2012, 2013, 2026, 2055, 4031,
]);
// Record-level: the row's values or a constraint (duplicate key, NOT NULL, too long, out of range,
// wrong value, foreign key, CHECK).
const RECORD_ERRNOS = new Set([
  1048, 1062, 1138, 1263, 1264, 1265, 1292, 1300, 1366, 1367, 1406, 1411, 1416, 1451, 1452, 1557, 1586, 1690, 3140,
  3819, 4025, 4078,
]);
const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

type ExecuteParams = Parameters<Connection['execute']>[1];

class MySqlSession implements DbSession {
  readonly #conn: Connection;
  #usable = true;

  constructor(conn: Connection) {
    this.#conn = conn;
    // A broken connection emits 'error' with no query to reject: remember it instead of crashing.
    conn.on('error', () => {
      this.#usable = false;
    });
  }

  get usable(): boolean {
    return this.#usable;
  }

  async select(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    const [rows, fields] = await this.#guard(
      params.length === 0
        ? this.#conn.query({ sql, rowsAsArray: true })
        : this.#conn.execute({ sql, rowsAsArray: true }, params as ExecuteParams),
    );
    const columns = (fields ?? []).map((f: FieldPacket) => ({ name: f.name, native: f }));
    return { columns, rows: rows as unknown as (readonly unknown[])[] };
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const [result] = await this.#guard(
      params.length === 0 ? this.#conn.query(sql) : this.#conn.execute(sql, params as ExecuteParams),
    );
    return (result as ResultSetHeader).affectedRows ?? 0;
  }

  async begin(): Promise<void> {
    await this.#guard(this.#conn.query('START TRANSACTION'));
  }

  async commit(): Promise<void> {
    await this.#guard(this.#conn.query('COMMIT'));
  }

  async rollback(): Promise<void> {
    await this.#guard(this.#conn.query('ROLLBACK'));
  }

  async close(): Promise<void> {
    this.#usable = false;
    try {
      await this.#conn.end();
    } catch {
      this.#conn.destroy();
    }
  }

  async #guard<R>(op: Promise<R>): Promise<R> {
    try {
      return await op;
    } catch (e) {
      if (isConnectionError(e)) this.#usable = false;
      throw e;
    }
  }
}

function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown; fatal?: unknown };
  return err.fatal === true || (typeof err.code === 'string' && TRANSIENT_CODES.has(err.code));
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function quoteTable(id: TableId): string {
  return id.schema !== undefined && id.schema !== ''
    ? `${quoteIdentifier(id.schema)}.${quoteIdentifier(id.table)}`
    : quoteIdentifier(id.table);
}

function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** SQL types of auto.create / auto.evolve, as Kafka Connect's MySQL dialect chooses them. */
function sqlType(schema: Schema, isKey: boolean): string {
  switch (fieldKind(schema, 'field')) {
    case 'int8':
      return 'TINYINT';
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return 'INT';
    case 'int64':
      return 'BIGINT';
    case 'float32':
      return 'FLOAT';
    case 'float64':
      return 'DOUBLE';
    case 'boolean':
      return 'TINYINT';
    case 'string':
      // Key columns need a bounded length to be indexed.
      return isKey ? 'VARCHAR(256)' : 'TEXT';
    case 'bytes':
      return isKey ? 'VARBINARY(1024)' : 'BLOB';
    case 'decimal': {
      const scale = Number(schema.parameters?.scale ?? 0);
      if (scale < 0 || scale > 30) {
        throw new ConnectError(`MySQL DECIMAL cannot hold scale ${scale} (0 to 30)`);
      }
      return `DECIMAL(65,${scale})`;
    }
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME(3)';
    case 'timestamp':
      return 'DATETIME(3)';
  }
}

function columnSql(c: ColumnSpec, zone: Zone): string {
  const type = sqlType(c.schema, c.isKey);
  // TEXT and BLOB columns take no DEFAULT before MySQL 8.0.13.
  const def =
    type === 'TEXT' || type === 'BLOB'
      ? undefined
      : defaultLiteral(c.schema, zone, { quoteString, boolean: (b) => (b ? '1' : '0') });
  return `${type} ${columnConstraints(c, def)}`;
}

/** The Connect schema and converter of one result column, from the protocol's column definition. */
function columnMapping(f: FieldPacket, numeric: MappingOptions): ColumnMapping {
  const optional = ((f.flags as number) & NOT_NULL_FLAG) === 0;
  const unsigned = ((f.flags as number) & UNSIGNED_FLAG) !== 0;
  const length = Number(f.columnLength ?? 0);
  const decimals = Number(f.decimals ?? 0);
  const name = f.name;
  const binary = Number(f.characterSet) === BINARY_CHARSET;
  const map = (schema: Schema, convert: (raw: unknown) => unknown): ColumnMapping => ({ name, schema, convert });
  const { zone } = numeric;
  switch (f.columnType) {
    case T.TINY:
      // TINYINT(1) is MySQL's BOOLEAN, as Connector/J reports it (tinyInt1isBit).
      if (length === 1 && !unsigned) return map(primitive('boolean', optional), (v) => Number(v) !== 0);
      return map(primitive(unsigned ? 'int16' : 'int8', optional), (v) => Number(v));
    case T.SHORT:
      return map(primitive(unsigned ? 'int32' : 'int16', optional), (v) => Number(v));
    case T.INT24:
      return map(primitive('int32', optional), (v) => Number(v));
    case T.LONG:
      return unsigned
        ? map(primitive('int64', optional), (v) => BigInt(v as number))
        : map(primitive('int32', optional), (v) => Number(v));
    case T.LONGLONG:
      return unsigned
        ? map(unsignedBigintSchema(optional), (v) => new Decimal(BigInt(String(v)), 0))
        : map(primitive('int64', optional), (v) => BigInt(String(v)));
    case T.YEAR:
      return map(primitive('int32', optional), (v) => Number(v));
    case T.FLOAT:
      return map(primitive('float32', optional), (v) => Number(v));
    case T.DOUBLE:
      return map(primitive('float64', optional), (v) => Number(v));
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const precision = length - (decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      const m = numericMapping(precision, decimals, numeric.numericMapping, optional);
      return map(m.schema, (v) => m.convert(String(v)));
    }
    case T.DATE:
    case T.NEWDATE:
      return zeroDateAware(
        map(logical('date', optional), (v) => parseDate(String(v))),
        optional,
      );
    case T.TIME:
      return map(logical('time', optional), (v) => new Date(parseTimeOfDayMillis(String(v))));
    case T.DATETIME:
    case T.TIMESTAMP:
      return zeroDateAware(
        map(logical('timestamp', optional), (v) => new Date(Number(parseDateTime(String(v), zone) / 1_000_000n))),
        optional,
      );
    case T.BIT:
      if (length === 1) return map(primitive('boolean', optional), (v) => (v as Buffer)[0] === 1);
      return map(primitive('bytes', optional), (v) => new Uint8Array(v as Buffer));
    case T.JSON:
      return map(primitive('string', optional), (v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    case T.NULL:
      return map(primitive('string', true), (v) => String(v));
    case T.GEOMETRY:
      return map(primitive('string', optional), (v) => JSON.stringify(v));
    default:
      if (binary) return map(primitive('bytes', optional), (v) => new Uint8Array(v as Buffer));
      return map(primitive('string', optional), (v) => (typeof v === 'string' ? v : String(v)));
  }
}

/** MySQL's zero dates ('0000-00-00') become null in optional columns, as Connector/J's CONVERT_TO_NULL. */
function zeroDateAware(mapping: ColumnMapping, optional: boolean): ColumnMapping {
  return {
    ...mapping,
    convert: (v) => {
      if (typeof v === 'string' && v.startsWith('0000-00-00')) {
        if (optional) return null;
        throw new DataError(`column '${mapping.name}' holds the zero date '${v}', which no Connect Date can hold`);
      }
      return mapping.convert(v);
    },
  };
}

async function connect(options: ConnectOptions): Promise<DbSession> {
  const { url } = options;
  const props = url.properties;
  const sslMode = (props.sslMode ?? props.sslmode ?? '').toUpperCase();
  const useSsl = /^true$/i.test(props.useSSL ?? props.requireSSL ?? '') || (sslMode !== '' && sslMode !== 'DISABLED');
  const verify =
    sslMode === 'VERIFY_CA' || sslMode === 'VERIFY_IDENTITY' || /^true$/i.test(props.verifyServerCertificate ?? '');
  const connectTimeout = Number(props.connectTimeout ?? 10_000) || 10_000;
  const conn = await createConnection({
    host: url.host,
    port: url.port,
    user: options.user ?? 'root',
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(url.database === '' ? {} : { database: url.database }),
    connectTimeout,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    multipleStatements: false,
    charset: 'utf8mb4',
    ...(useSsl ? { ssl: { rejectUnauthorized: verify } } : {}),
    connectAttributes: { program_name: options.applicationName },
  });
  const session = new MySqlSession(conn);
  try {
    await session.run('SET time_zone = ?', [options.zone.sessionName]);
  } catch (e) {
    await session.close();
    throw new ConnectError(
      `MySQL does not know the time zone '${options.zone.id}' (db.timezone): load its time zone tables ` +
        "(mysql_tzinfo_to_sql) or give an offset such as '+02:00'",
      { cause: e },
    );
  }
  return session;
}

function classifyError(err: unknown): ErrorKind {
  const e = err as { errno?: unknown; code?: unknown; fatal?: unknown };
  if (e.fatal === true) return 'transient';
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return 'transient';
  if (typeof e.errno === 'number') {
    if (TRANSIENT_ERRNOS.has(e.errno)) return 'transient';
    if (RECORD_ERRNOS.has(e.errno)) return 'record';
  }
  return 'fatal';
}

async function listTables(session: DbSession, filter: TableFilter): Promise<TableId[]> {
  const types = new Set<string>();
  for (const t of filter.types) {
    if (t === 'TABLE') types.add('BASE TABLE').add('SYSTEM VERSIONED');
    if (t === 'VIEW') types.add('VIEW');
  }
  const result = await session.select(
    `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES
     WHERE TABLE_SCHEMA LIKE COALESCE(?, DATABASE(), '%')
       AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
     ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    [filter.catalogPattern],
  );
  return result.rows.filter((r) => types.has(String(r[2]))).map((r) => ({ schema: String(r[0]), table: String(r[1]) }));
}

async function describeTable(session: DbSession, id: TableId): Promise<TableDefinition | null> {
  const result = await session.select(
    `SELECT COLUMN_NAME, IS_NULLABLE, EXTRA, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [id.schema ?? null, id.table],
  );
  if (result.rows.length === 0) return null;
  const columns = new Map<string, ColumnDefinition>();
  const primaryKey: string[] = [];
  for (const r of result.rows) {
    const name = String(r[0]);
    const typeName = String(r[3]);
    columns.set(name, {
      name,
      nullable: String(r[1]) === 'YES',
      autoIncrement: /auto_increment/i.test(String(r[2])),
      typeName,
      castType: typeName,
    });
    if (String(r[4]) === 'PRI') primaryKey.push(name);
  }
  return { id, columns, primaryKey };
}

async function currentTime(session: DbSession, zone: Zone): Promise<EpochNanos> {
  // NOW() prints wall time of the session zone, which is db.timezone.
  const result = await session.select('SELECT CAST(NOW(6) AS CHAR) AS now_text', []);
  return parseDateTime(String(result.rows[0]?.[0]), zone);
}

function bytesParam(v: Uint8Array): SqlParam {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function valueEncoder(schema: Schema, zone: Zone): ValueEncoder {
  return textEncoder(schema, zone, 'value', { boolean: (b) => (b ? '1' : '0'), bytes: bytesParam });
}

const sqlCache = new WeakMap<WritePlan, Map<number, string>>();

function cachedSql(plan: WritePlan, rows: number, build: () => string): string {
  let byRows = sqlCache.get(plan);
  if (byRows === undefined) {
    byRows = new Map();
    sqlCache.set(plan, byRows);
  }
  let sql = byRows.get(rows);
  if (sql === undefined) {
    sql = build();
    byRows.set(rows, sql);
  }
  return sql;
}

/** `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)` with `ON DUPLICATE KEY UPDATE` for upserts. */
export function mysqlInsertSql(plan: WritePlan, rows: number): string {
  const table = quoteTable(plan.table.id);
  const cols = plan.columns.map(quoteIdentifier);
  const tuple = `(${cols.map(() => '?').join(',')})`;
  let sql = `INSERT INTO ${table} (${cols.join(',')}) VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`;
  if (plan.op === 'upsert') {
    const updates =
      plan.nonKeyColumns.length > 0
        ? plan.nonKeyColumns.map((c) => `${quoteIdentifier(c)}=VALUES(${quoteIdentifier(c)})`)
        : plan.keyColumns.slice(0, 1).map((c) => `${quoteIdentifier(c)}=${quoteIdentifier(c)}`);
    sql += ` ON DUPLICATE KEY UPDATE ${updates.join(',')}`;
  }
  return sql;
}

/** `UPDATE t SET b = ? WHERE a = ?` (one row: MySQL has no multi-row UPDATE from bound rows). */
export function mysqlUpdateSql(plan: WritePlan): string {
  const sets = plan.nonKeyColumns.map((c) => `${quoteIdentifier(c)}=?`).join(',');
  const where = plan.keyColumns.map((c) => `${quoteIdentifier(c)}=?`).join(' AND ');
  return `UPDATE ${quoteTable(plan.table.id)} SET ${sets} WHERE ${where}`;
}

/** `DELETE FROM t WHERE a IN (?, ?)` or `WHERE (a, b) IN ((?, ?), (?, ?))`. */
export function mysqlDeleteSql(plan: WritePlan, rows: number): string {
  const keys = plan.keyColumns.map(quoteIdentifier);
  const table = quoteTable(plan.table.id);
  if (keys.length === 1) {
    return `DELETE FROM ${table} WHERE ${keys[0]} IN (${Array.from({ length: rows }, () => '?').join(',')})`;
  }
  const tuple = `(${keys.map(() => '?').join(',')})`;
  return `DELETE FROM ${table} WHERE (${keys.join(',')}) IN (${Array.from({ length: rows }, () => tuple).join(',')})`;
}

async function write(session: DbSession, plan: WritePlan, rows: readonly (readonly SqlParam[])[]): Promise<void> {
  if (plan.op === 'update') {
    if (plan.nonKeyColumns.length === 0) return;
    const sql = mysqlUpdateSql(plan);
    const keys = plan.keyColumns.length;
    for (const row of rows) await session.run(sql, [...row.slice(keys), ...row.slice(0, keys)]);
    return;
  }
  for (let start = 0; start < rows.length; ) {
    // Rows up to maxRows, and up to a byte budget: one statement must fit max_allowed_packet.
    let end = start;
    let bytes = 0;
    while (end < rows.length && end - start < plan.maxRows && (end === start || bytes < MAX_STATEMENT_BYTES)) {
      bytes += rowBytes(rows[end]!);
      end++;
    }
    const chunk = rows.slice(start, end);
    start = end;
    const sql =
      plan.op === 'delete'
        ? cachedSql(plan, chunk.length, () => mysqlDeleteSql(plan, chunk.length))
        : cachedSql(plan, chunk.length, () => mysqlInsertSql(plan, chunk.length));
    const params: SqlParam[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await session.run(sql, params);
  }
}

/** Budget of bound values per statement: a quarter of the smallest default max_allowed_packet (16 MiB). */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

function rowBytes(row: readonly SqlParam[]): number {
  let n = 0;
  for (const v of row) {
    // Strings may take up to 4 bytes per UTF-16 unit in utf8mb4; 3 is a fair bound for a budget.
    if (typeof v === 'string') n += v.length * 3 + 9;
    else if (v instanceof Uint8Array) n += v.byteLength + 9;
    else n += 9;
  }
  return n;
}

/** MySQL, MariaDB and OceanBase (MySQL mode). */
export const mysqlDialect: Dialect = {
  name: 'mysql',
  connect,
  quoteIdentifier,
  quoteTable,
  parseTableName(text: string): TableId {
    const parts = text.split('.');
    if (parts.some((p) => p === '')) throw new ConnectError(`invalid table name '${text}'`);
    if (parts.length === 1) return { table: parts[0]! };
    if (parts.length === 2) return { schema: parts[0]!, table: parts[1]! };
    throw new ConnectError(
      `table name '${text}' has ${parts.length} parts; MySQL tables are database.table. Route topics such as ` +
        'server.db.table to the table name with the RegexRouter transform or set table.name.format',
    );
  },
  placeholder: () => '?',
  // A string parameter compared with a BIGINT is compared as a double: exact only below 2^53.
  integerPlaceholder: () => 'CAST(? AS DECIMAL(65,0))',
  classifyError,
  listTables,
  describeTable,
  currentTime,
  resultMappings(columns: readonly ResultColumn[], options) {
    return columns.map((c) => columnMapping(c.native as FieldPacket, options));
  },
  columnSignature(c) {
    const f = c.native as FieldPacket;
    return `${c.name}/${f.columnType}/${f.flags}/${f.decimals}/${f.columnLength}/${f.characterSet}`;
  },
  timestampParam: (nanos, zone) => formatDateTime(nanos, zone),
  integerParam: (value) => String(value),
  sqlType,
  createTableSql(id, columns, zone) {
    return createTableSql(quoteTable(id), columns, quoteIdentifier, (c) => columnSql(c, zone));
  },
  addColumnsSql(id, columns, zone) {
    const parts = columns.map((c) => {
      const def = defaultLiteral(c.schema, zone, { quoteString, boolean: (b) => (b ? '1' : '0') });
      checkAddable(id, c, def !== undefined);
      return `ADD COLUMN ${quoteIdentifier(c.name)} ${columnSql(c, zone)}`;
    });
    return `ALTER TABLE ${quoteTable(id)} ${parts.join(', ')}`;
  },
  valueEncoder,
  maxRowsPerStatement: (columns, batchSize) =>
    Math.max(1, Math.min(batchSize, Math.floor(MAX_PLACEHOLDERS / Math.max(1, columns)))),
  write,
};
