import { createHash } from 'node:crypto';
import { ConnectError, DataError, type Schema } from '@tributary/api';
import { Client, type CustomTypesConfig, type FieldDef } from 'pg';
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
  SqlParam,
  TableDefinition,
  TableFilter,
  TableId,
  ValueEncoder,
  WritePlan,
} from './dialect.js';

// Type OIDs (src/include/catalog/pg_type.dat).
const OID = {
  BOOL: 16,
  BYTEA: 17,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  OID: 26,
  FLOAT4: 700,
  FLOAT8: 701,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  TIMETZ: 1266,
  NUMERIC: 1700,
} as const;

// Every value arrives as the server's text: the dialect converts exactly (int8, numeric, timestamps).
const RAW_TEXT: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as CustomTypesConfig['getTypeParser'],
};

const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '57P04', '57P05']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

function statementName(sql: string): string {
  return `trib_${createHash('sha1').update(sql).digest('base64url').slice(0, 24)}`;
}

class PgSession implements DbSession {
  readonly #client: Client;
  readonly #names = new Map<string, string>();
  #usable = true;

  constructor(client: Client) {
    this.#client = client;
    client.on('error', () => {
      this.#usable = false;
    });
    client.on('end', () => {
      this.#usable = false;
    });
  }

  get usable(): boolean {
    return this.#usable;
  }

  async select(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult> {
    const result = await this.#guard(
      this.#client.query({
        text: sql,
        values: params as unknown[],
        rowMode: 'array',
        ...(params.length > 0 ? { name: this.#name(sql) } : {}),
      }),
    );
    return {
      columns: result.fields.map((f: FieldDef) => ({ name: f.name, native: f })),
      rows: result.rows as unknown[][],
    };
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
    const result = await this.#guard(
      this.#client.query({
        text: sql,
        values: params as unknown[],
        ...(params.length > 0 ? { name: this.#name(sql) } : {}),
      }),
    );
    return result.rowCount ?? 0;
  }

  async begin(): Promise<void> {
    await this.#guard(this.#client.query('BEGIN'));
  }

  async commit(): Promise<void> {
    await this.#guard(this.#client.query('COMMIT'));
  }

  async rollback(): Promise<void> {
    await this.#guard(this.#client.query('ROLLBACK'));
  }

  async close(): Promise<void> {
    this.#usable = false;
    try {
      await this.#client.end();
    } catch {
      // Already broken: nothing left to release.
    }
  }

  // Named statements are prepared once per connection and reused (plans cached by the server).
  #name(sql: string): string {
    let name = this.#names.get(sql);
    if (name === undefined) {
      name = statementName(sql);
      if (this.#names.size < 10_000) this.#names.set(sql, name);
    }
    return name;
  }

  async #guard<R>(op: Promise<R>): Promise<R> {
    try {
      return await op;
    } catch (e) {
      if (classifyError(e) === 'transient' && sqlState(e) === undefined) this.#usable = false;
      throw e;
    }
  }
}

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function classifyError(err: unknown): ErrorKind {
  const state = sqlState(err);
  if (state === undefined) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) return 'transient';
    const message = err instanceof Error ? err.message : String(err);
    return /connection|terminated|not queryable|timeout|socket|closed/i.test(message) ? 'transient' : 'fatal';
  }
  if (TRANSIENT_STATES.has(state) || /^(08|53|58)/.test(state)) return 'transient';
  if (/^(22|23)/.test(state) || state === '54000') return 'record';
  return 'fatal';
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteTable(id: TableId): string {
  return [id.schema, id.table]
    .filter((p): p is string => p !== undefined && p !== '')
    .map(quoteIdentifier)
    .join('.');
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL types of auto.create / auto.evolve, as Kafka Connect's PostgreSQL dialect chooses them. */
function sqlType(schema: Schema): string {
  switch (fieldKind(schema, 'field')) {
    case 'int8':
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return 'INT';
    case 'int64':
      return 'BIGINT';
    case 'float32':
      return 'REAL';
    case 'float64':
      return 'DOUBLE PRECISION';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'TEXT';
    case 'bytes':
      return 'BYTEA';
    case 'decimal':
      return 'DECIMAL';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
  }
}

function columnSql(c: ColumnSpec, zone: Zone): string {
  const def = defaultLiteral(c.schema, zone, { quoteString, boolean: (b) => (b ? 'TRUE' : 'FALSE') });
  return `${sqlType(c.schema)} ${columnConstraints(c, def)}`;
}

function hexToBytes(text: string): Uint8Array {
  if (!text.startsWith('\\x')) throw new DataError('bytea value is not in hex format (bytea_output=hex)');
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

function columnMapping(f: FieldDef, options: MappingOptions): ColumnMapping {
  const name = f.name;
  const column = options.table?.columns.get(name);
  const optional = column === undefined ? true : column.nullable;
  const { zone } = options;
  const map = (schema: Schema, convert: (raw: unknown) => unknown): ColumnMapping => ({ name, schema, convert });
  switch (f.dataTypeID) {
    case OID.BOOL:
      return map(primitive('boolean', optional), (v) => v === 't');
    case OID.INT2:
      return map(primitive('int16', optional), (v) => Number(v));
    case OID.INT4:
      return map(primitive('int32', optional), (v) => Number(v));
    case OID.INT8:
    case OID.OID:
      return map(primitive('int64', optional), (v) => BigInt(v as string));
    case OID.FLOAT4:
      return map(primitive('float32', optional), (v) => Number(v));
    case OID.FLOAT8:
      return map(primitive('float64', optional), (v) => Number(v));
    case OID.NUMERIC: {
      const typmod = f.dataTypeModifier;
      let precision: number | undefined;
      let scale: number | undefined;
      if (typmod >= 4) {
        precision = ((typmod - 4) >> 16) & 0xffff;
        scale = (typmod - 4) & 0x7ff;
        // PostgreSQL 15 allows negative scales, stored as an 11-bit two's complement.
        if (scale & 0x400) scale -= 0x800;
      }
      const m = numericMapping(precision, scale, options.numericMapping, optional);
      return map(m.schema, (v) => m.convert(v as string));
    }
    case OID.BYTEA:
      return map(primitive('bytes', optional), (v) => hexToBytes(v as string));
    case OID.DATE:
      return map(logical('date', optional), (v) => parseDate(v as string));
    case OID.TIME:
    case OID.TIMETZ:
      return map(logical('time', optional), (v) => new Date(parseTimeOfDayMillis(v as string)));
    case OID.TIMESTAMP:
    case OID.TIMESTAMPTZ:
      return map(
        logical('timestamp', optional),
        (v) => new Date(Number(parseDateTime(v as string, zone) / 1_000_000n)),
      );
    default:
      // text, varchar, uuid, json(b), enums, arrays, intervals, ...: the server's text form.
      return map(primitive('string', optional), (v) => v as string);
  }
}

/**
 * The TimeZone setting of a zone. PostgreSQL reads a bare offset as a POSIX zone, whose sign is inverted
 * (`UTC-02:00` is two hours east of UTC), so fixed offsets are written that way; IANA ids pass as they are.
 */
export function pgTimeZone(zone: Zone): string {
  if (!zone.fixed) return zone.sessionName;
  const minutes = zone.offsetMinutesAt(0);
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `UTC${minutes > 0 ? '-' : '+'}${hhmm}`;
}

async function connect(options: ConnectOptions): Promise<DbSession> {
  const { url } = options;
  const props = url.properties;
  const sslmode = (props.sslmode ?? (/^true$/i.test(props.ssl ?? '') ? 'require' : 'disable')).toLowerCase();
  const connectTimeoutS = Number(props.connectTimeout ?? props.loginTimeout ?? 10) || 10;
  const client = new Client({
    host: url.host,
    port: url.port,
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(url.database === '' ? {} : { database: url.database }),
    ...(sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer'
      ? {}
      : { ssl: { rejectUnauthorized: sslmode === 'verify-ca' || sslmode === 'verify-full' } }),
    connectionTimeoutMillis: connectTimeoutS * 1000,
    application_name: props.ApplicationName ?? options.applicationName,
    types: RAW_TEXT,
  });
  const session = new PgSession(client);
  try {
    await client.connect();
  } catch (e) {
    await session.close();
    throw e;
  }
  try {
    await session.select(
      `SELECT set_config('TimeZone', $1, false), set_config('DateStyle', 'ISO, YMD', false),
              set_config('IntervalStyle', 'iso_8601', false), set_config('bytea_output', 'hex', false)`,
      [pgTimeZone(options.zone)],
    );
    if (props.currentSchema !== undefined && props.currentSchema !== '') {
      await session.select(`SELECT set_config('search_path', $1, false)`, [props.currentSchema]);
    }
  } catch (e) {
    await session.close();
    throw new ConnectError(`Could not set up the PostgreSQL session (db.timezone '${options.zone.id}'?)`, { cause: e });
  }
  return session;
}

async function listTables(session: DbSession, filter: TableFilter): Promise<TableId[]> {
  const kinds = new Set<string>();
  for (const t of filter.types) {
    if (t === 'TABLE') kinds.add('r').add('p');
    if (t === 'PARTITIONED TABLE') kinds.add('p');
    if (t === 'VIEW') kinds.add('v');
    if (t === 'MATERIALIZED VIEW') kinds.add('m');
    if (t === 'FOREIGN TABLE') kinds.add('f');
  }
  const result = await session.select(
    `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind::text = ANY($1::text[]) AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
       AND n.nspname LIKE COALESCE($2::text, '%')
       AND has_table_privilege(c.oid, 'SELECT')
     ORDER BY 1, 2`,
    [[...kinds], filter.schemaPattern],
  );
  return result.rows.map((r) => ({ schema: String(r[0]), table: String(r[1]) }));
}

async function describeTable(session: DbSession, id: TableId): Promise<TableDefinition | null> {
  const result = await session.select(
    `SELECT a.attname, NOT a.attnotnull,
            a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),
            format_type(a.atttypid, a.atttypmod),
            CASE WHEN a.atttypid = 'bpchar'::regtype THEN 'text'
                 WHEN a.atttypid = 'bit'::regtype THEN 'varbit'
                 ELSE a.atttypid::regtype::text END,
            COALESCE(a.attnum = ANY(i.indkey), false)
       FROM pg_catalog.pg_attribute a
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteTable(id)],
  );
  if (result.rows.length === 0) return null;
  const columns = new Map<string, ColumnDefinition>();
  const primaryKey: string[] = [];
  for (const r of result.rows) {
    const name = String(r[0]);
    columns.set(name, {
      name,
      nullable: r[1] === 't',
      autoIncrement: r[2] === 't',
      typeName: String(r[3]),
      castType: String(r[4]),
    });
    if (r[5] === 't') primaryKey.push(name);
  }
  return { id, columns, primaryKey };
}

async function currentTime(session: DbSession): Promise<EpochNanos> {
  // clock_timestamp(), not now(): now() is the start of the transaction.
  const result = await session.select(
    'SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS micros',
    [],
  );
  return BigInt(String(result.rows[0]?.[0])) * 1000n;
}

function valueEncoder(schema: Schema, zone: Zone): ValueEncoder {
  return textEncoder(schema, zone, 'value', {
    boolean: (b) => (b ? 'true' : 'false'),
    bytes: (v) => `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`,
  });
}

function castsOf(plan: WritePlan, columns: readonly string[]): string[] {
  return columns.map((c, i) => {
    const def = plan.table.columns.get(c);
    if (def === undefined) throw new ConnectError(`column '${c}' is missing in table ${quoteTable(plan.table.id)}`);
    return `$${i + 1}::${def.castType}[]`;
  });
}

/**
 * `INSERT INTO t (a, b) SELECT * FROM unnest($1::int[], $2::text[])`: one parameter per column, whatever
 * the number of rows, so the statement is prepared once and large batches stay cheap to parse and plan.
 * Upserts add `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c` (DO NOTHING without other columns).
 */
export function pgInsertSql(plan: WritePlan): string {
  const cols = plan.columns.map(quoteIdentifier).join(', ');
  let sql = `INSERT INTO ${quoteTable(plan.table.id)} (${cols}) SELECT * FROM unnest(${castsOf(plan, plan.columns).join(', ')})`;
  if (plan.op === 'upsert') {
    const keys = plan.keyColumns.map(quoteIdentifier).join(', ');
    sql +=
      plan.nonKeyColumns.length === 0
        ? ` ON CONFLICT (${keys}) DO NOTHING`
        : ` ON CONFLICT (${keys}) DO UPDATE SET ${plan.nonKeyColumns
            .map((c) => `${quoteIdentifier(c)} = EXCLUDED.${quoteIdentifier(c)}`)
            .join(', ')}`;
  }
  return sql;
}

/** `UPDATE t AS "__t" SET b = "__v".b FROM unnest(...) AS "__v"(a, b) WHERE "__t".a = "__v".a`. */
export function pgUpdateSql(plan: WritePlan): string {
  const sets = plan.nonKeyColumns.map((c) => `${quoteIdentifier(c)} = "__v".${quoteIdentifier(c)}`).join(', ');
  const where = plan.keyColumns.map((c) => `"__t".${quoteIdentifier(c)} = "__v".${quoteIdentifier(c)}`).join(' AND ');
  return (
    `UPDATE ${quoteTable(plan.table.id)} AS "__t" SET ${sets} FROM unnest(${castsOf(plan, plan.columns).join(', ')}) ` +
    `AS "__v"(${plan.columns.map(quoteIdentifier).join(', ')}) WHERE ${where}`
  );
}

/** `DELETE FROM t AS "__t" USING unnest($1::int[]) AS "__v"(a) WHERE "__t".a = "__v".a`. */
export function pgDeleteSql(plan: WritePlan): string {
  const where = plan.keyColumns.map((c) => `"__t".${quoteIdentifier(c)} = "__v".${quoteIdentifier(c)}`).join(' AND ');
  return (
    `DELETE FROM ${quoteTable(plan.table.id)} AS "__t" USING unnest(${castsOf(plan, plan.keyColumns).join(', ')}) ` +
    `AS "__v"(${plan.keyColumns.map(quoteIdentifier).join(', ')}) WHERE ${where}`
  );
}

const sqlCache = new WeakMap<WritePlan, string>();

async function write(session: DbSession, plan: WritePlan, rows: readonly (readonly SqlParam[])[]): Promise<void> {
  if (plan.op === 'update' && plan.nonKeyColumns.length === 0) return;
  let sql = sqlCache.get(plan);
  if (sql === undefined) {
    sql = plan.op === 'delete' ? pgDeleteSql(plan) : plan.op === 'update' ? pgUpdateSql(plan) : pgInsertSql(plan);
    sqlCache.set(plan, sql);
  }
  const width = plan.columns.length;
  // The next chunk's array literals are built while the server executes the current statement.
  let pending: Promise<number> | null = null;
  for (let start = 0; start < rows.length; start += plan.maxRows) {
    const end = Math.min(rows.length, start + plan.maxRows);
    const params = new Array<string>(width);
    for (let c = 0; c < width; c++) params[c] = arrayLiteral(rows, start, end, c);
    if (pending !== null) await pending;
    pending = session.run(sql, params);
  }
  if (pending !== null) await pending;
}

// Elements that must be quoted in an array literal: empty, NULL (any case), or holding a delimiter,
// brace, quote, backslash or white space (array_in's rules).
const NEEDS_QUOTES = /^$|^null$|[",\\{}\s]/i;

/**
 * The text form of a one-dimensional array of column `c` of `rows[start..end)` (`{1,2,NULL,"a b"}`), built
 * directly: most values (numbers, dates) need no quoting, which makes this several times cheaper than
 * the driver's generic array serialization.
 */
export function arrayLiteral(rows: readonly (readonly SqlParam[])[], start: number, end: number, c: number): string {
  let out = '{';
  for (let r = start; r < end; r++) {
    if (r > start) out += ',';
    const v = rows[r]![c];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    const text = v as string;
    out += NEEDS_QUOTES.test(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : text;
  }
  return `${out}}`;
}

/** PostgreSQL (and wire-compatible databases that implement unnest and ON CONFLICT). */
export const postgresDialect: Dialect = {
  name: 'postgresql',
  connect,
  quoteIdentifier,
  quoteTable,
  parseTableName(text: string, database: string): TableId {
    const parts = text.split('.');
    if (parts.some((p) => p === '')) throw new ConnectError(`invalid table name '${text}'`);
    if (parts.length === 1) return { table: parts[0]! };
    if (parts.length === 2) return { schema: parts[0]!, table: parts[1]! };
    if (parts.length === 3 && parts[0] === database) return { schema: parts[1]!, table: parts[2]! };
    throw new ConnectError(
      `table name '${text}' is not table, schema.table or ${database || 'database'}.schema.table. Route topics to ` +
        'table names with the RegexRouter transform or set table.name.format',
    );
  },
  placeholder: (i) => `$${i}`,
  // The parameter takes the column's type (bigint, numeric): exact.
  integerPlaceholder: (i) => `$${i}`,
  classifyError,
  listTables,
  describeTable,
  currentTime: (session) => currentTime(session),
  resultMappings(columns, options) {
    return columns.map((c) => columnMapping(c.native as FieldDef, options));
  },
  columnSignature(c) {
    const f = c.native as FieldDef;
    return `${c.name}/${f.dataTypeID}/${f.dataTypeModifier}`;
  },
  timestampParam: (nanos, zone) => formatDateTime(nanos, zone),
  integerParam: (value) => String(value),
  sqlType: (schema) => sqlType(schema),
  createTableSql(id, columns, zone) {
    return createTableSql(quoteTable(id), columns, quoteIdentifier, (c) => columnSql(c, zone));
  },
  addColumnsSql(id, columns, zone) {
    const parts = columns.map((c) => {
      const def = defaultLiteral(c.schema, zone, { quoteString, boolean: (b) => (b ? 'TRUE' : 'FALSE') });
      checkAddable(id, c, def !== undefined);
      return `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(c.name)} ${columnSql(c, zone)}`;
    });
    return `ALTER TABLE ${quoteTable(id)} ${parts.join(', ')}`;
  },
  valueEncoder,
  maxRowsPerStatement: (_columns, batchSize) => batchSize,
  write,
};
