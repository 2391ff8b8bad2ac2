import {
  ConnectError,
  DataError,
  type ErrantRecordReporter,
  type Logger,
  type Schema,
  type SinkRecord,
  Struct,
  schemaEquals,
} from '@tributary/api';
import {
  AUTO_CREATE,
  AUTO_EVOLVE,
  BATCH_SIZE,
  DEBEZIUM_UNWRAP,
  DELETE_ENABLED,
  FIELDS_WHITELIST,
  INSERT_MODE,
  type JdbcSinkConfig,
  PK_FIELDS,
  PK_MODE,
  TABLE_NAME_FORMAT,
} from '../config.js';
import type { Database } from '../connection.js';
import {
  type ColumnSpec,
  type DbSession,
  qualifiedName,
  type SqlParam,
  type TableDefinition,
  type TableId,
  type ValueEncoder,
  type WriteOp,
  type WritePlan,
} from '../dialect/dialect.js';
import { isEnvelope, unwrapEnvelope } from './debezium.js';
import { columnValue, extractFields, type FieldColumn, type FieldsPlan } from './fields.js';

/** A record ready to be written: its table, what to do, and the columns of its shape. */
interface Item {
  readonly record: SinkRecord;
  readonly table: string;
  readonly tableId: TableId;
  readonly op: 'write' | 'delete';
  readonly fields: FieldsPlan;
  readonly value: Struct | null;
}

/** The statement side of one (table, shape, operation): the dialect's plan plus how to fill a row. */
interface Writing {
  readonly plan: WritePlan;
  readonly columns: readonly FieldColumn[];
  readonly encoders: readonly ValueEncoder[];
}

/** Consecutive rows of one table written by one plan. */
interface Run {
  readonly writing: Writing;
  readonly entries: { readonly record: SinkRecord; readonly row: readonly SqlParam[] }[];
}

/** Raised for a statement failure: the original error and how the dialect classifies it. */
export class WriteFailure extends Error {
  readonly kind: 'transient' | 'record' | 'fatal';
  constructor(message: string, kind: 'transient' | 'record' | 'fatal', cause: unknown) {
    super(message, { cause });
    this.kind = kind;
  }
}

const NO_KEY_SCHEMA = {};
const SAVEPOINT = 'tributary_batch';

/**
 * Writes batches of sink records to tables, each batch in one transaction. A batch the database rejects
 * for a value or constraint is rolled back and written again inside a new transaction in which each
 * statement is guarded by a savepoint and bisected on failure: the rejected records go to the errant
 * record reporter (dead-letter queue), every other record of the batch is committed with them.
 */
export class JdbcWriter {
  readonly #db: Database;
  readonly #config: JdbcSinkConfig;
  readonly #logger: Logger;
  readonly #reporter: ErrantRecordReporter | null;
  readonly #tables = new Map<string, TableDefinition>();
  readonly #shapes = new Map<string, { key: Schema | object; value: Schema | null; fields: FieldsPlan }[]>();
  readonly #writings = new WeakMap<FieldsPlan, Map<string, Writing>>();
  readonly #targets = new Map<string, { table: string; tableId: TableId }>();

  constructor(db: Database, config: JdbcSinkConfig, logger: Logger, reporter: ErrantRecordReporter | null) {
    this.#db = db;
    this.#config = config;
    this.#logger = logger;
    this.#reporter = reporter;
  }

  /** Forgets table definitions (after a failure: the table may have changed under us). */
  reset(): void {
    this.#tables.clear();
  }

  /**
   * Writes `records` in one transaction (bad records reported, the rest written).
   * @throws WriteFailure transient/fatal for the database's errors; ConnectError for schema mismatches and
   *   configuration problems; whatever the reporter throws (errors.tolerance=none).
   */
  async write(session: DbSession, records: readonly SinkRecord[]): Promise<void> {
    const items: Item[] = [];
    const bad: { record: SinkRecord; error: Error }[] = [];
    for (const record of records) {
      try {
        const item = this.#prepare(record);
        if (item !== null) items.push(item);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        bad.push({ record, error: e });
      }
    }
    const byTable = new Map<string, Item[]>();
    for (const item of items) {
      let list = byTable.get(item.table);
      if (list === undefined) {
        list = [];
        byTable.set(item.table, list);
      }
      list.push(item);
    }
    const runs: Run[] = [];
    for (const [table, list] of byTable) {
      const definition = await this.#ensureTable(session, table, list);
      let current: Run | null = null;
      let last: { fields: FieldsPlan; op: Item['op']; writing: Writing } | null = null;
      for (const item of list) {
        if (last === null || last.fields !== item.fields || last.op !== item.op) {
          last = { fields: item.fields, op: item.op, writing: this.#writing(definition, item) };
        }
        const writing = last.writing;
        let row: SqlParam[];
        try {
          row = this.#encode(writing, item);
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          bad.push({ record: item.record, error: e });
          continue;
        }
        if (current === null || current.writing !== writing) {
          current = { writing, entries: [] };
          runs.push(current);
        }
        current.entries.push({ record: item.record, row });
      }
    }
    for (const { record, error } of bad) await this.#report(record, error);
    for (const run of runs) dedupe(run);
    if (runs.length === 0) return;
    try {
      await this.#transaction(session, async () => {
        for (const run of runs)
          await this.#db.dialect.write(
            session,
            run.writing.plan,
            run.entries.map((e) => e.row),
          );
      });
      return;
    } catch (e) {
      const failure = this.#failure(e, runs);
      if (failure.kind !== 'record') throw failure;
      this.#logger.warn(`JdbcSink: the database rejected a record of the batch (${failure.message}); isolating it`);
    }
    await this.#transaction(session, async () => {
      for (const run of runs) await this.#isolate(session, run.writing, run.entries);
    });
  }

  #prepare(record: SinkRecord): Item | null {
    const config = this.#config;
    let op: 'write' | 'delete';
    let value: Struct | null = null;
    if (record.value === null || record.value === undefined) {
      if (!config[DELETE_ENABLED]) return null;
      op = 'delete';
    } else if (config[DEBEZIUM_UNWRAP] && isEnvelope(record.valueSchema)) {
      const change = unwrapEnvelope(record.value);
      if (change.kind === 'skip') return null;
      if (change.kind === 'delete') {
        if (!config[DELETE_ENABLED]) return null;
        op = 'delete';
      } else {
        op = 'write';
        value = change.value;
      }
    } else {
      if (!(record.value instanceof Struct) || record.valueSchema === null || record.valueSchema.type !== 'struct') {
        throw new DataError(
          `JdbcSink needs record values that are structs with a schema (topic '${record.topic}', queue ${record.queue}, ` +
            `offset ${record.offset}); use a converter with schemas (e.g. JsonConverter with schemas.enable=true)`,
        );
      }
      op = 'write';
      value = record.value;
    }
    if ((op === 'delete' || config[PK_MODE] === 'record_key') && (record.key === null || record.keySchema === null)) {
      throw new DataError(
        `JdbcSink with pk.mode=${config[PK_MODE]} and delete.enabled=${config[DELETE_ENABLED]} needs a record key with ` +
          `a schema (topic '${record.topic}', queue ${record.queue}, offset ${record.offset})`,
      );
    }
    const { table, tableId } = this.#targetOf(record.topic);
    const fields = this.#fieldsOf(table, record.keySchema, op === 'delete' ? null : value!.schema);
    return { record, table, tableId, op, fields, value };
  }

  #targetOf(topic: string): { table: string; tableId: TableId } {
    let target = this.#targets.get(topic);
    if (target === undefined) {
      const format = this.#config[TABLE_NAME_FORMAT];
      const table = format.replaceAll('${topic}', topic);
      if (table === '') {
        throw new ConnectError(`Destination table name for topic '${topic}' is empty using the format '${format}'`);
      }
      target = { table, tableId: this.#db.dialect.parseTableName(table, this.#db.url.database) };
      if (this.#targets.size > 10_000) this.#targets.clear();
      this.#targets.set(topic, target);
    }
    return target;
  }

  #fieldsOf(table: string, keySchema: Schema | null, valueSchema: Schema | null): FieldsPlan {
    let shapes = this.#shapes.get(table);
    if (shapes === undefined) {
      shapes = [];
      this.#shapes.set(table, shapes);
    }
    const key = keySchema ?? NO_KEY_SCHEMA;
    for (const s of shapes) if (s.key === key && s.value === valueSchema) return s.fields;
    for (const s of shapes) {
      if (
        (s.key === key ||
          (s.key !== NO_KEY_SCHEMA && keySchema !== null && schemaEquals(s.key as Schema, keySchema))) &&
        (s.value === valueSchema || schemaEquals(s.value, valueSchema))
      ) {
        if (shapes.length < 64) shapes.push({ key, value: valueSchema, fields: s.fields });
        return s.fields;
      }
    }
    const config = this.#config;
    const fields = extractFields(
      table,
      config[PK_MODE],
      config[PK_FIELDS],
      config[FIELDS_WHITELIST],
      keySchema,
      valueSchema,
    );
    if (shapes.length >= 64) shapes.shift();
    shapes.push({ key, value: valueSchema, fields });
    return fields;
  }

  /** Makes sure the table exists and has a column for every field: auto.create, auto.evolve or a clear error. */
  async #ensureTable(session: DbSession, table: string, items: readonly Item[]): Promise<TableDefinition> {
    const { dialect, zone } = this.#db;
    const id = items[0]!.tableId;
    const name = qualifiedName(id);
    const needed = new Map<string, ColumnSpec>();
    for (const item of items) {
      for (const c of item.fields.keyColumns) if (!needed.has(c.name)) needed.set(c.name, c);
      if (item.op === 'write')
        for (const c of item.fields.nonKeyColumns) if (!needed.has(c.name)) needed.set(c.name, c);
    }
    let definition = this.#tables.get(table);
    if (definition !== undefined && [...needed.keys()].every((c) => findColumn(definition!, c) !== undefined)) {
      return definition;
    }
    definition = (await dialect.describeTable(session, id)) ?? undefined;
    if (definition === undefined) {
      if (!this.#config[AUTO_CREATE]) {
        throw new ConnectError(`Table ${name} is missing and auto.create is disabled`);
      }
      const columns = [...needed.values()].map((c) => ({ name: c.name, schema: c.schema, isKey: c.isKey }));
      const sql = dialect.createTableSql(id, columns, zone);
      this.#logger.info(`JdbcSink: creating table ${name}`, { sql });
      await this.#ddl(session, sql, name);
      definition = (await dialect.describeTable(session, id)) ?? undefined;
      if (definition === undefined) throw new ConnectError(`Table ${name} was created but cannot be described`);
    }
    const missing = [...needed.values()].filter((c) => findColumn(definition!, c.name) === undefined);
    if (missing.length > 0) {
      if (!this.#config[AUTO_EVOLVE]) {
        throw new ConnectError(
          `Table ${name} is missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c.name}'`).join(', ')} ` +
            `for the record field${missing.length > 1 ? 's' : ''} of the same name, and auto.evolve is disabled`,
        );
      }
      const sql = dialect.addColumnsSql(
        id,
        missing.map((c) => ({ name: c.name, schema: c.schema, isKey: false })),
        zone,
      );
      this.#logger.info(`JdbcSink: adding columns ${missing.map((c) => c.name).join(', ')} to ${name}`, { sql });
      await this.#ddl(session, sql, name);
      definition = (await dialect.describeTable(session, id)) ?? undefined;
      const still =
        definition === undefined ? missing : missing.filter((c) => findColumn(definition!, c.name) === undefined);
      if (definition === undefined || still.length > 0) {
        throw new ConnectError(
          `Table ${name} still lacks columns ${still.map((c) => c.name).join(', ')} after ALTER TABLE`,
        );
      }
    }
    this.#tables.set(table, definition);
    return definition;
  }

  async #ddl(session: DbSession, sql: string, table: string): Promise<void> {
    try {
      await session.run(sql);
    } catch (e) {
      // Another task may have created or altered the table at the same time: describe again and see.
      const kind = this.#db.dialect.classifyError(e);
      if (kind === 'transient') throw new WriteFailure(`DDL on ${table} failed: ${(e as Error).message}`, kind, e);
      this.#logger.warn(`JdbcSink: DDL on ${table} failed (${(e as Error).message}); checking the table again`);
    }
  }

  #writing(definition: TableDefinition, item: Item): Writing {
    let byOp = this.#writings.get(item.fields);
    if (byOp === undefined) {
      byOp = new Map();
      this.#writings.set(item.fields, byOp);
    }
    const op: WriteOp = item.op === 'delete' ? 'delete' : this.#config[INSERT_MODE];
    const cacheKey = `${op}\u0000${item.table}`;
    const cached = byOp.get(cacheKey);
    if (cached !== undefined && cached.plan.table === definition) return cached;
    const { dialect, zone } = this.#db;
    const keys = item.fields.keyColumns;
    const columns = op === 'delete' ? keys : [...keys, ...item.fields.nonKeyColumns];
    const actual = (c: FieldColumn): string => findColumn(definition, c.name)!.name;
    const encoders = columns.map((c) => {
      const encode = dialect.valueEncoder(c.schema, zone);
      return (v: unknown): SqlParam => {
        if (v === null || v === undefined) return null;
        try {
          return encode(v);
        } catch (e) {
          throw new DataError(`field '${c.name}': ${(e as Error).message}`, { cause: e, path: c.name });
        }
      };
    });
    const writing: Writing = {
      plan: {
        op,
        table: definition,
        columns: columns.map(actual),
        keyColumns: keys.map(actual),
        nonKeyColumns: op === 'delete' ? [] : item.fields.nonKeyColumns.map(actual),
        maxRows: dialect.maxRowsPerStatement(columns.length, this.#config[BATCH_SIZE]),
      },
      columns,
      encoders,
    };
    byOp.set(cacheKey, writing);
    return writing;
  }

  #encode(writing: Writing, item: Item): SqlParam[] {
    const row = new Array<SqlParam>(writing.columns.length);
    for (let i = 0; i < row.length; i++) {
      const column = writing.columns[i]!;
      const value = columnValue(column, item.record, item.value);
      if ((value === null || value === undefined) && column.isKey) {
        throw new DataError(`primary key field '${column.name}' is null`, { path: column.name });
      }
      row[i] = writing.encoders[i]!(value);
    }
    return row;
  }

  async #transaction(session: DbSession, body: () => Promise<void>): Promise<void> {
    await session.begin();
    try {
      await body();
      await session.commit();
    } catch (e) {
      try {
        if (session.usable) await session.rollback();
      } catch {
        // The connection is gone: the server rolls the transaction back itself.
      }
      throw e;
    }
  }

  /** Writes rows under a savepoint; on a record-level failure, rolls back to it and bisects. */
  async #isolate(
    session: DbSession,
    writing: Writing,
    entries: readonly { readonly record: SinkRecord; readonly row: readonly SqlParam[] }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await session.run(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await this.#db.dialect.write(
        session,
        writing.plan,
        entries.map((e) => e.row),
      );
      await session.run(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      return;
    } catch (e) {
      if (this.#db.dialect.classifyError(e) !== 'record') throw e;
      await session.run(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await session.run(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      if (entries.length === 1) {
        const { record } = entries[0]!;
        await this.#report(
          record,
          new DataError(
            `Table ${qualifiedName(writing.plan.table.id)} rejected the record (topic '${record.topic}', queue ` +
              `${record.queue}, offset ${record.offset}): ${(e as Error).message}`,
            { cause: e },
          ),
        );
        return;
      }
    }
    const middle = Math.ceil(entries.length / 2);
    await this.#isolate(session, writing, entries.slice(0, middle));
    await this.#isolate(session, writing, entries.slice(middle));
  }

  async #report(record: SinkRecord, error: Error): Promise<void> {
    if (this.#reporter === null) {
      throw new ConnectError(`JdbcSink cannot write a record and no errant record reporter is set: ${error.message}`, {
        cause: error,
      });
    }
    this.#logger.warn(`JdbcSink: reporting a bad record: ${error.message}`, {
      topic: record.topic,
      queue: record.queue,
      offset: record.offset,
    });
    await this.#reporter.report(record, error);
  }

  #failure(e: unknown, runs: readonly Run[]): WriteFailure {
    if (e instanceof WriteFailure) return e;
    const kind = this.#db.dialect.classifyError(e);
    const tables = [...new Set(runs.map((r) => qualifiedName(r.writing.plan.table.id)))].join(', ');
    if (kind === 'fatal') this.reset();
    return new WriteFailure(`Writing to ${tables} failed: ${(e as Error).message}`, kind, e);
  }
}

/** The table column of a field: the same name, else the only one equal ignoring case. */
function findColumn(definition: TableDefinition, name: string): { name: string } | undefined {
  const exact = definition.columns.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  const matches = [...definition.columns.values()].filter((c) => c.name.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Keeps only the last row per primary key in runs where later rows replace earlier ones (upsert, update,
 * delete): PostgreSQL refuses `ON CONFLICT DO UPDATE` touching one row twice in a statement, and the
 * result is the same as applying the rows in order.
 */
function dedupe(run: Run): void {
  const { plan } = run.writing;
  if (plan.op === 'insert' || plan.keyColumns.length === 0 || run.entries.length < 2) return;
  const keys = plan.keyColumns.length;
  const last = new Map<string, number>();
  run.entries.forEach((entry, i) => {
    last.set(keyText(entry.row, keys), i);
  });
  if (last.size === run.entries.length) return;
  const kept = run.entries.filter((entry, i) => last.get(keyText(entry.row, keys)) === i);
  run.entries.length = 0;
  run.entries.push(...kept);
}

function keyText(row: readonly SqlParam[], keys: number): string {
  let text = '';
  for (let i = 0; i < keys; i++) {
    const v = row[i];
    text +=
      v === null || v === undefined
        ? '\u0000N'
        : v instanceof Uint8Array
          ? `\u0000B${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
          : `\u0000S${String(v)}`;
  }
  return text;
}
