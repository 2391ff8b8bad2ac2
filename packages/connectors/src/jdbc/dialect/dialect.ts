import type { Schema } from '@tributary/api';
import type { NumericMapping } from '../config.js';
import type { DialectName, JdbcUrl } from '../jdbc-url.js';
import type { EpochNanos, Zone } from '../time.js';

/** A table name, qualified as far as the dialect needs: MySQL `schema` = database; PostgreSQL catalog = database. */
export interface TableId {
  readonly catalog?: string | undefined;
  readonly schema?: string | undefined;
  readonly table: string;
}

/** The dotted, unquoted form of a table id (`db.table`, `schema.table`): source partitions, logs, messages. */
export function qualifiedName(id: TableId): string {
  return [id.catalog, id.schema, id.table].filter((p) => p !== undefined && p !== '').join('.');
}

/** A bound statement parameter. Arrays are PostgreSQL array parameters (for unnest). */
export type SqlParam = string | number | bigint | Uint8Array | null | readonly (string | null)[];

/** One column of a result set, with the driver's own description that the dialect's mapping reads. */
export interface ResultColumn {
  readonly name: string;
  readonly native: unknown;
}

/** Rows as arrays in column order; values as the driver returns them when asked for text. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * One open database connection. Every value is bound as a statement parameter (server-side prepared
 * statements on both drivers); SQL text only ever carries quoted identifiers and placeholders.
 */
export interface DbSession {
  select(sql: string, params?: readonly SqlParam[]): Promise<QueryResult>;
  /** Runs a statement and returns the number of affected rows. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
  /** False once the connection broke: the session must be replaced. */
  readonly usable: boolean;
}

/** How an error of the database should be handled. */
export type ErrorKind =
  /** Connection lost, deadlock, serialization failure, lock timeout: the same work may succeed later. */
  | 'transient'
  /** A value or constraint the target rejects: the record is bad, the others may be written. */
  | 'record'
  /** Anything else (syntax, missing table or column, permissions): the task cannot go on. */
  | 'fatal';

export interface ColumnDefinition {
  readonly name: string;
  readonly nullable: boolean;
  readonly autoIncrement: boolean;
  /** The type as the database prints it (`bigint`, `varchar(20)`, `timestamp without time zone`). */
  readonly typeName: string;
  /** PostgreSQL: the element type arrays of this column are cast to (`integer`, `public.mood`). */
  readonly castType: string;
}

export interface TableDefinition {
  readonly id: TableId;
  /** Columns by name, in table order. */
  readonly columns: ReadonlyMap<string, ColumnDefinition>;
  readonly primaryKey: readonly string[];
}

/** How a result column becomes a Connect field. */
export interface ColumnMapping {
  readonly name: string;
  readonly schema: Schema;
  /** Raw driver value (never null: nulls stay null) → Connect value. @throws DataError */
  readonly convert: (raw: unknown) => unknown;
}

export interface MappingOptions {
  readonly numericMapping: NumericMapping;
  readonly zone: Zone;
  readonly table: TableDefinition | null;
}

export interface ConnectOptions {
  readonly url: JdbcUrl;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly zone: Zone;
  readonly applicationName: string;
}

export interface TableFilter {
  readonly catalogPattern: string | null;
  readonly schemaPattern: string | null;
  /** Upper-case table types (TABLE, VIEW, ...). */
  readonly types: readonly string[];
}

/** A column of a table the sink creates or extends. */
export interface ColumnSpec {
  readonly name: string;
  readonly schema: Schema;
  readonly isKey: boolean;
}

export type WriteOp = 'insert' | 'upsert' | 'update' | 'delete';

/** One kind of write to one table: which columns, in which order (keys first), and how. */
export interface WritePlan {
  readonly op: WriteOp;
  readonly table: TableDefinition;
  /** Every column bound per row, keys first (for delete: the keys only). */
  readonly columns: readonly string[];
  readonly keyColumns: readonly string[];
  readonly nonKeyColumns: readonly string[];
  /** Most rows per statement (batch.size, lowered to respect the driver's placeholder limit). */
  readonly maxRows: number;
}

/** Encodes one Connect value for a column of a given schema. @throws DataError */
export type ValueEncoder = (value: unknown) => SqlParam;

/**
 * What differs between MySQL-family and PostgreSQL databases: connecting, quoting, metadata, type
 * mappings in both directions, and the SQL of writes.
 */
export interface Dialect {
  readonly name: DialectName;
  connect(options: ConnectOptions): Promise<DbSession>;
  quoteIdentifier(name: string): string;
  quoteTable(id: TableId): string;
  /**
   * A dotted table name (`table`, `db.table`, `schema.table`, `db.schema.table`) as a table id.
   * @throws ConnectError when the name has more parts than the dialect knows.
   */
  parseTableName(text: string, database: string): TableId;
  /** The placeholder of the i-th parameter (1-based). */
  placeholder(index: number): string;
  /** The placeholder of an integer parameter compared exactly with integer and DECIMAL columns. */
  integerPlaceholder(index: number): string;
  classifyError(err: unknown): ErrorKind;

  listTables(session: DbSession, filter: TableFilter): Promise<TableId[]>;
  describeTable(session: DbSession, id: TableId): Promise<TableDefinition | null>;
  /** The database's clock (`zone` = db.timezone, the zone the session was opened with). */
  currentTime(session: DbSession, zone: Zone): Promise<EpochNanos>;

  /**
   * Connect schemas and converters of a result's columns. `table` is the table read (its column
   * nullability decides optional fields where the result metadata does not say); null for custom queries.
   */
  resultMappings(columns: readonly ResultColumn[], options: MappingOptions): ColumnMapping[];
  /** A short text that changes when a result column's type changes (to rebuild schemas only then). */
  columnSignature(column: ResultColumn): string;
  /** A parameter of an instant, compared with timestamp columns. */
  timestampParam(nanos: EpochNanos, zone: Zone): SqlParam;
  /** A parameter compared with an integer column (incrementing offsets). */
  integerParam(value: bigint): SqlParam;

  /** The SQL type auto.create / auto.evolve give a field. @throws ConnectError for unsupported schemas */
  sqlType(schema: Schema, isKey: boolean): string;
  createTableSql(id: TableId, columns: readonly ColumnSpec[], zone: Zone): string;
  /** @throws ConnectError when a required field without default cannot be added. */
  addColumnsSql(id: TableId, columns: readonly ColumnSpec[], zone: Zone): string;
  valueEncoder(schema: Schema, zone: Zone): ValueEncoder;
  /** Most placeholders one statement may have with `columns` columns per row. */
  maxRowsPerStatement(columns: number, batchSize: number): number;
  /** Writes rows (encoded values in `plan.columns` order) with as few statements as the dialect allows. */
  write(session: DbSession, plan: WritePlan, rows: readonly (readonly SqlParam[])[]): Promise<void>;
}
