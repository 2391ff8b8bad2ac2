/**
 * Connections to the server (mysql2) and the checks of its binlog settings and of the user's privileges.
 * Every connection reads values in the same raw forms zongji decodes binlog values into (exact strings for
 * big integers and DECIMAL, text for dates and times, JSON as text) and runs with time zone +00:00, so
 * TIMESTAMP values are UTC.
 */
import { ConfigError, ConnectError, NotConnectedError } from '@tributary/api';
import mysql from 'mysql2/promise';
import {
  CONNECT_TIMEOUT_CONFIG,
  HOSTNAME_CONFIG,
  type MySqlCdcConfig,
  PASSWORD_CONFIG,
  PORT_CONFIG,
  TABLE_INCLUDE_CONFIG,
  USER_CONFIG,
} from './config.js';
import type { TableFilter } from './filters.js';
import type { ColumnInfo, TableInfo } from './schema-mapper.js';

export type Connection = mysql.Connection;

/** mysql2 options shared by query connections and zongji's binlog connections. */
export function connectionOptions(config: MySqlCdcConfig): mysql.ConnectionOptions {
  return {
    host: config[HOSTNAME_CONFIG],
    port: config[PORT_CONFIG],
    user: config[USER_CONFIG],
    password: config[PASSWORD_CONFIG].reveal(),
    connectTimeout: config[CONNECT_TIMEOUT_CONFIG],
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    jsonStrings: true,
    timezone: 'Z',
  };
}

/** `host:port`, for messages. */
export function serverAddress(config: MySqlCdcConfig): string {
  return `${config[HOSTNAME_CONFIG]}:${config[PORT_CONFIG]}`;
}

interface SqlError {
  readonly code?: string;
  readonly errno?: number;
  readonly sqlMessage?: string;
  readonly message?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** True for errors of the network or of a connection the server closed: retrying may succeed. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as SqlError | null)?.code;
  return typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('PROTOCOL_'));
}

/**
 * Turns a connection failure into a typed error naming the problem and what to fix: wrong credentials are a
 * ConfigError on database.user/database.password; an unreachable server a (retriable) NotConnectedError.
 */
export function connectFailure(config: MySqlCdcConfig, e: unknown): Error {
  const err = e as SqlError;
  const address = serverAddress(config);
  const text = err.sqlMessage ?? err.message ?? String(e);
  if (err.errno === 1045 || err.code === 'ER_ACCESS_DENIED_ERROR') {
    const message =
      `Cannot log in to ${address}: ${text}. Fix: check ${USER_CONFIG} and ${PASSWORD_CONFIG} ` +
      `(the user must exist for the connector's host with that password).`;
    return new ConfigError(message, { [USER_CONFIG]: [message], [PASSWORD_CONFIG]: [message] }, { cause: e });
  }
  if (err.errno === 1044 || err.code === 'ER_DBACCESS_DENIED_ERROR') {
    const message = `Cannot connect to ${address}: ${text}. Fix: grant the user access (${USER_CONFIG}).`;
    return new ConfigError(message, { [USER_CONFIG]: [message] }, { cause: e });
  }
  if (isConnectionError(e)) {
    return new NotConnectedError(
      `Cannot reach ${address}: ${text}. Fix: check ${HOSTNAME_CONFIG} and ${PORT_CONFIG}, and that the server runs.`,
      { cause: e },
    );
  }
  return new ConnectError(`Cannot connect to ${address}: ${text}`, { cause: e });
}

/** A query connection (UTC session). @throws the typed errors of {@link connectFailure}. */
export async function connect(config: MySqlCdcConfig): Promise<Connection> {
  let conn: Connection;
  try {
    conn = await mysql.createConnection(connectionOptions(config));
  } catch (e) {
    throw connectFailure(config, e);
  }
  conn.on('error', () => {
    // A dead idle connection is noticed by its next query; mysql2 would otherwise throw it as unhandled.
  });
  try {
    await conn.query("SET time_zone = '+00:00'");
  } catch (e) {
    conn.destroy();
    throw connectFailure(config, e);
  }
  return conn;
}

/** Closes a connection without waiting long or throwing. */
export async function closeQuietly(conn: Connection | null | undefined): Promise<void> {
  if (conn === null || conn === undefined) return;
  const timer = setTimeout(() => conn.destroy(), 2000);
  try {
    await conn.end();
  } catch {
    conn.destroy();
  } finally {
    clearTimeout(timer);
  }
}

/** What the checks need to know about the server and the user. */
export interface ServerFacts {
  readonly version: string;
  readonly mariadb: boolean;
  readonly serverId: number;
  readonly logBin: boolean;
  readonly binlogFormat: string;
  readonly binlogRowImage: string;
  /** MySQL's gtid_mode (ON, OFF, …); null on MariaDB, whose GTIDs are always on. */
  readonly gtidMode: string | null;
  readonly user: string;
  /** Global privileges of the current user, upper case (`REPLICATION SLAVE`, …; `ALL PRIVILEGES` expanded by the server). */
  readonly privileges: ReadonlySet<string>;
}

/** One thing wrong, with the config key it is reported under (REST validate) and the fix in the message. */
export interface Problem {
  readonly key: string;
  readonly message: string;
}

export async function serverFacts(conn: Connection): Promise<ServerFacts> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT VERSION() AS version, @@GLOBAL.server_id AS server_id, @@GLOBAL.log_bin AS log_bin, ' +
      '@@GLOBAL.binlog_format AS binlog_format, @@GLOBAL.binlog_row_image AS binlog_row_image, CURRENT_USER() AS user',
  );
  const r = rows[0]!;
  const version = String(r.version);
  const mariadb = /mariadb/i.test(version);
  let gtidMode: string | null = null;
  if (!mariadb) {
    const [g] = await conn.query<mysql.RowDataPacket[]>("SHOW GLOBAL VARIABLES LIKE 'gtid_mode'");
    gtidMode = g[0] === undefined ? null : String(g[0].Value);
  }
  const privileges = new Set<string>();
  const [privs] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ' +
      "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')",
  );
  for (const p of privs) privileges.add(String(p.p).toUpperCase());
  // Grants through active roles show in SHOW GRANTS only.
  try {
    const [grants] = await conn.query<mysql.RowDataPacket[]>('SHOW GRANTS');
    for (const g of grants) {
      const line = String(Object.values(g)[0] ?? '');
      const m = /^GRANT\s+(.+?)\s+ON\s+\*\.\*\s+TO/i.exec(line);
      if (m === null) continue;
      for (const p of m[1]!.split(',')) privileges.add(p.trim().toUpperCase());
    }
  } catch {
    // SHOW GRANTS is always allowed for oneself; ignore exotic failures.
  }
  const logBin = r.log_bin === 1 || r.log_bin === '1' || String(r.log_bin).toUpperCase() === 'ON';
  return {
    version,
    mariadb,
    serverId: Number(r.server_id),
    logBin,
    binlogFormat: String(r.binlog_format ?? '').toUpperCase(),
    binlogRowImage: String(r.binlog_row_image ?? '').toUpperCase(),
    gtidMode,
    user: String(r.user),
    privileges,
  };
}

const ENABLE_BINLOG =
  'enable binary logging: log_bin, binlog_format=ROW, binlog_row_image=FULL, server_id ' +
  '(in the server config, e.g. /etc/mysql/mariadb.conf.d/60-binlog.cnf, then restart the server)';

/** What is wrong with the server's binlog settings and the user's privileges (empty when fine). Pure. */
export function serverProblems(facts: ServerFacts, address: string): Problem[] {
  const problems: Problem[] = [];
  if (!facts.logBin) {
    problems.push({
      key: HOSTNAME_CONFIG,
      message: `Binary logging is off on ${address} (log_bin=OFF): there is no binlog to read. Fix: ${ENABLE_BINLOG}.`,
    });
    return problems;
  }
  if (facts.binlogFormat !== 'ROW') {
    problems.push({
      key: HOSTNAME_CONFIG,
      message:
        `binlog_format is ${facts.binlogFormat || 'unset'} on ${address}, change data capture needs ROW. ` +
        'Fix: set binlog_format=ROW in the server config (and SET GLOBAL binlog_format=ROW; existing sessions keep ' +
        `the old format until they reconnect). To set everything: ${ENABLE_BINLOG}.`,
    });
  }
  if (facts.binlogRowImage !== 'FULL') {
    problems.push({
      key: HOSTNAME_CONFIG,
      message:
        `binlog_row_image is ${facts.binlogRowImage || 'unset'} on ${address}, change data capture needs FULL ` +
        '(complete before and after images of each row). Fix: set binlog_row_image=FULL in the server config ' +
        '(and SET GLOBAL binlog_row_image=FULL).',
    });
  }
  if (facts.serverId === 0) {
    problems.push({
      key: HOSTNAME_CONFIG,
      message: `server_id is 0 on ${address}; a server with binlog needs one. Fix: set server_id (e.g. server_id=1) in the server config.`,
    });
  }
  if (facts.gtidMode !== null && facts.gtidMode !== 'ON' && facts.gtidMode !== 'OFF') {
    problems.push({
      key: HOSTNAME_CONFIG,
      message: `gtid_mode is ${facts.gtidMode} on ${address}; use ON or OFF (transitional modes are not supported).`,
    });
  }
  const has = (...names: string[]) => names.some((n) => facts.privileges.has(n));
  const grantee = granteeOf(facts.user);
  if (!has('REPLICATION SLAVE', 'REPLICATION REPLICA', 'ALL PRIVILEGES', 'ALL')) {
    problems.push({
      key: USER_CONFIG,
      message:
        `User ${facts.user} lacks the REPLICATION SLAVE privilege, needed to read the binlog. ` +
        `Fix: GRANT REPLICATION SLAVE ON *.* TO ${grantee}`,
    });
  }
  const monitor = facts.mariadb && mariadbAtLeast(facts.version, 10, 5) ? 'BINLOG MONITOR' : 'REPLICATION CLIENT';
  if (!has('BINLOG MONITOR', 'REPLICATION CLIENT', 'SUPER', 'ALL PRIVILEGES', 'ALL')) {
    problems.push({
      key: USER_CONFIG,
      message:
        `User ${facts.user} lacks the ${monitor} privilege, needed for SHOW BINARY LOGS and SHOW MASTER STATUS. ` +
        `Fix: GRANT ${monitor} ON *.* TO ${grantee}`,
    });
  }
  return problems;
}

function granteeOf(user: string): string {
  const at = user.lastIndexOf('@');
  return at < 0 ? `'${user}'` : `'${user.slice(0, at)}'@'${user.slice(at + 1)}'`;
}

/** True when a MariaDB version text is at least major.minor. */
export function mariadbAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (m === null) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** `<db>.<table>` of every base table the filter admits, sorted. */
export async function capturedTables(conn: Connection, filter: TableFilter): Promise<string[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'",
  );
  return rows
    .filter((r) => filter.includes(String(r.db), String(r.t)))
    .map((r) => `${r.db}.${r.t}`)
    .sort();
}

/** The tables named literally in table.include.list that do not exist (or that the user cannot see). */
export function missingTableProblems(filter: TableFilter, captured: readonly string[]): Problem[] {
  const have = new Set(captured.map((t) => t.toLowerCase()));
  return filter
    .literalTables()
    .filter((t) => !have.has(t.toLowerCase()))
    .map((t) => ({
      key: TABLE_INCLUDE_CONFIG,
      message:
        `Table ${t} of ${TABLE_INCLUDE_CONFIG} does not exist, or the user cannot see it. Fix: create the table, ` +
        `correct the name in ${TABLE_INCLUDE_CONFIG} (patterns are regular expressions matched against <db>.<table>), ` +
        `or GRANT SELECT ON ${t} to the user.`,
    }));
}

const COLUMNS_SQL =
  'SELECT c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable, c.CHARACTER_SET_NAME AS charset, ' +
  'c.EXTRA AS extra, c.COLUMN_COMMENT AS comment, c.COLUMN_DEFAULT AS dflt, s.SEQ_IN_INDEX AS pk ' +
  'FROM information_schema.COLUMNS c LEFT JOIN information_schema.STATISTICS s ON s.TABLE_SCHEMA = c.TABLE_SCHEMA ' +
  "AND s.TABLE_NAME = c.TABLE_NAME AND s.COLUMN_NAME = c.COLUMN_NAME AND s.INDEX_NAME = 'PRIMARY' " +
  'WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION';

const JSON_CHECKS_SQL =
  'SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?';

/**
 * The current structure of one table from information_schema, or null when it does not exist (or is not
 * visible to the user). On MariaDB a JSON column is a LONGTEXT with a `json_valid` check: those are found too.
 */
export async function readTableInfo(
  conn: Connection,
  db: string,
  table: string,
  mariadb: boolean,
): Promise<TableInfo | null> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(COLUMNS_SQL, [db, table]);
  if (rows.length === 0) return null;
  const jsonColumns = new Set<string>();
  if (mariadb && rows.some((r) => String(r.type).toLowerCase() === 'longtext')) {
    const [checks] = await conn.query<mysql.RowDataPacket[]>(JSON_CHECKS_SQL, [db, table]);
    for (const c of checks) {
      const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(c.clause).trim());
      if (m !== null) jsonColumns.add(m[1]!.replace(/``/g, '`'));
    }
  }
  const columns = rows.map((r): ColumnInfo => {
    const type = String(r.type).toLowerCase();
    const extra = String(r.extra ?? '').toLowerCase();
    return {
      name: String(r.name),
      columnType: type,
      nullable: r.nullable === 'YES',
      pkSeq: r.pk === null || r.pk === undefined ? 0 : Number(r.pk),
      charset: r.charset === null || r.charset === undefined ? null : String(r.charset),
      json: type === 'json' || jsonColumns.has(String(r.name)),
      extra: {
        autoIncrement: extra.includes('auto_increment'),
        generated: /virtual|stored|persistent/.test(extra),
        comment: r.comment === null || r.comment === '' ? null : String(r.comment),
        defaultValue: r.dflt === null || r.dflt === undefined ? null : String(r.dflt),
      },
    };
  });
  return { db, table, columns };
}

/** `SHOW CREATE TABLE` text (for schema change events of the snapshot). */
export async function showCreateTable(conn: Connection, db: string, table: string): Promise<string> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE ${quoteId(db)}.${quoteId(table)}`);
  return String(rows[0]?.['Create Table'] ?? '');
}

/** A backquoted identifier. */
export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Names of the server's binlog files, oldest first (SHOW BINARY LOGS). */
export async function binlogFiles(conn: Connection): Promise<{ name: string; size: number }[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
  return rows.map((r) => ({ name: String(r.Log_name), size: Number(r.File_size) }));
}
