import {
  ConfigError,
  ConnectError,
  type ConnectorConfig,
  isRetriable,
  type JsonMap,
  type Logger,
  RetriableError,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  type TaskConfig,
} from '@tributary/api';
import { sleep } from '../common/wait.js';
import {
  BATCH_MAX_ROWS,
  CATALOG_PATTERN,
  INCREMENTING_COLUMN_NAME,
  JDBC_SOURCE_SPEC,
  type JdbcSourceConfig,
  MODE,
  numericMappingOf,
  POLL_INTERVAL_MS,
  QUERY,
  SCHEMA_PATTERN,
  TABLE_BLACKLIST,
  TABLE_EXCLUDE_LIST,
  TABLE_INCLUDE_LIST,
  TABLE_POLL_INTERVAL_MS,
  TABLE_TYPES,
  TABLE_WHITELIST,
  TASK_TABLES,
  TIMESTAMP_COLUMN_NAME,
  TIMESTAMP_DELAY_INTERVAL_MS,
  TIMESTAMP_INITIAL,
  TOPIC_PREFIX,
  VALIDATE_NON_NULL,
} from './config.js';
import { type Database, databaseOf } from './connection.js';
import { type DbSession, qualifiedName, type TableId } from './dialect/dialect.js';
import {
  decodeOffset,
  legacyTablePartition,
  QUERY_PARTITION,
  type SourcePosition,
  tablePartition,
} from './source/offsets.js';
import { type QuerySource, TableQuerier } from './source/table-querier.js';

const APPLICATION_NAME = 'tributary-jdbc-source';

/** The tables a source config selects among those the database lists, in listing order. */
export function selectTables(config: JdbcSourceConfig, tables: readonly TableId[]): TableId[] {
  const matchesName = (list: readonly string[], id: TableId): boolean =>
    list.includes(qualifiedName(id)) || list.includes(id.table);
  const whole = (patterns: readonly string[]): RegExp[] => patterns.map((p) => new RegExp(`^(?:${p})$`));
  const include = whole(config[TABLE_INCLUDE_LIST]);
  const exclude = whole(config[TABLE_EXCLUDE_LIST]);
  return tables.filter((id) => {
    if (config[TABLE_WHITELIST].length > 0) return matchesName(config[TABLE_WHITELIST], id);
    if (config[TABLE_BLACKLIST].length > 0) return !matchesName(config[TABLE_BLACKLIST], id);
    if (include.length > 0) {
      const name = qualifiedName(id);
      return include.some((r) => r.test(name)) && !exclude.some((r) => r.test(name));
    }
    return true;
  });
}

/** Splits `items` into at most `groups` contiguous, nearly equal groups (Kafka's ConnectorUtils.groupPartitions). */
export function groupContiguous<T>(items: readonly T[], groups: number): T[][] {
  const n = Math.min(groups, items.length);
  const out: T[][] = [];
  const base = Math.floor(items.length / Math.max(1, n));
  const extra = items.length - base * n;
  let start = 0;
  for (let g = 0; g < n; g++) {
    const size = base + (g < extra ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}

async function listSelectedTables(db: Database, session: DbSession, config: JdbcSourceConfig): Promise<TableId[]> {
  const tables = await db.dialect.listTables(session, {
    catalogPattern: config[CATALOG_PATTERN],
    schemaPattern: config[SCHEMA_PATTERN],
    types: config[TABLE_TYPES].map((t) => t.toUpperCase()),
  });
  return selectTables(config, tables);
}

/**
 * Kafka Connect's JDBC source connector: lists the tables the config selects, deals them out to
 * `tasks.max` tasks in contiguous groups, and watches the database every `table.poll.interval.ms` for
 * tables created or dropped (then asks for new task configs). A custom `query` runs in one task.
 */
export class JdbcSourceConnector implements SourceConnector {
  #config: ConnectorConfig | undefined;
  #parsed: JdbcSourceConfig | undefined;
  #db: Database | undefined;
  #tables: TableId[] = [];
  #monitor: NodeJS.Timeout | undefined;
  #checking = false;
  #context: SourceConnectorContext | undefined;

  async start(context: SourceConnectorContext, config: ConnectorConfig): Promise<void> {
    const parsed = JDBC_SOURCE_SPEC.parse(config, { subject: 'JdbcSource configuration' });
    this.#config = config;
    this.#parsed = parsed;
    this.#context = context;
    this.#db = databaseOf(parsed, APPLICATION_NAME);
    if (parsed[QUERY] !== '') return;
    this.#tables = await this.#list(context.logger);
    if (this.#tables.length === 0) {
      context.logger.warn(`JdbcSource ${context.name}: no table of ${this.#db.display} matches the configuration`);
    }
    const interval = parsed[TABLE_POLL_INTERVAL_MS];
    if (interval > 0) {
      this.#monitor = setInterval(() => void this.#checkTables(), interval);
      this.#monitor.unref();
    }
  }

  taskConfigs(maxTasks: number): readonly TaskConfig[] {
    const config = this.#config;
    const parsed = this.#parsed;
    if (config === undefined || parsed === undefined) throw new ConnectError('JdbcSource connector is not started');
    if (parsed[QUERY] !== '') return [{ ...config }];
    return groupContiguous(this.#tables, Math.max(1, maxTasks)).map((group) => ({
      ...config,
      // Ids, not dotted names: a table name may itself contain a dot.
      [TASK_TABLES]: JSON.stringify(group.map((id) => ({ schema: id.schema, table: id.table }))),
    }));
  }

  /**
   * Accepts offsets in Kafka Connect JDBC's format for partitions `{table}` / `{protocol, table}` /
   * `{query}`: `{incrementing}`, `{timestamp, timestamp_nanos?}` or both (null resets a partition).
   */
  alterOffsets(
    _config: ConnectorConfig,
    offsets: ReadonlyArray<{ readonly partition: JsonMap; readonly offset: JsonMap | null }>,
  ): boolean {
    for (const { partition, offset } of offsets) {
      if (typeof partition.table !== 'string' && partition.query !== 'query') {
        throw new ConfigError(
          `JdbcSource partitions are {"table": "<name>"} or {"query": "query"}, not ${JSON.stringify(partition)}`,
        );
      }
      try {
        decodeOffset(offset);
      } catch (e) {
        throw new ConfigError(`Invalid JdbcSource offset for ${JSON.stringify(partition)}: ${(e as Error).message}`);
      }
    }
    return true;
  }

  stop(): void {
    clearInterval(this.#monitor);
    this.#monitor = undefined;
    this.#config = undefined;
  }

  async #list(logger: Logger): Promise<TableId[]> {
    const db = this.#db!;
    const session = await db.open(logger);
    try {
      return await listSelectedTables(db, session, this.#parsed!);
    } finally {
      await session.close();
    }
  }

  async #checkTables(): Promise<void> {
    const context = this.#context;
    if (this.#checking || context === undefined || this.#config === undefined) return;
    this.#checking = true;
    try {
      const tables = await this.#list(context.logger);
      const before = this.#tables.map(qualifiedName).join('\n');
      if (tables.map(qualifiedName).join('\n') !== before) {
        context.logger.info(
          `JdbcSource ${context.name}: the set of tables changed (${tables.length} now); reconfiguring tasks`,
        );
        this.#tables = tables;
        context.requestTaskReconfiguration();
      }
    } catch (e) {
      // As Kafka's TableMonitorThread: a failed listing is retried at the next interval.
      context.logger.warn(`JdbcSource ${context.name}: listing tables failed: ${(e as Error).message}`);
    } finally {
      this.#checking = false;
    }
  }
}

/**
 * The tables of a task config: a JSON list of `{schema, table}` ids (what the connector writes) or of
 * dotted names (`db.table`, convenient by hand).
 */
function taskTables(raw: string | undefined, db: Database): TableId[] {
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list)) throw new ConfigError(`Task config '${TASK_TABLES}' is not a JSON list of tables`);
  return list.map((entry) => {
    if (typeof entry === 'string') return db.dialect.parseTableName(entry, db.url.database);
    const e = entry as { schema?: unknown; table?: unknown };
    if (typeof e?.table !== 'string' || (e.schema !== undefined && typeof e.schema !== 'string')) {
      throw new ConfigError(`Task config '${TASK_TABLES}' has a bad entry: ${JSON.stringify(entry)}`);
    }
    return e.schema === undefined ? { table: e.table } : { schema: e.schema, table: e.table };
  });
}

/** Test hooks of {@link JdbcSourceTask}. */
export interface JdbcSourceTaskOptions {
  /** Longest one idle poll waits before returning null, in ms (default 1000; the poll's signal ends it earlier). */
  readonly maxIdleWaitMs?: number;
}

/**
 * Reads its tables (or the custom query) round-robin by due time: each poll runs the query of the table
 * whose turn came first and returns its rows, waiting (abortably) while no table is due.
 */
export class JdbcSourceTask implements SourceTask {
  readonly #options: JdbcSourceTaskOptions;
  #db: Database | undefined;
  #session: DbSession | undefined;
  #queriers: TableQuerier[] = [];
  #logger: Logger | undefined;

  constructor(options: JdbcSourceTaskOptions = {}) {
    this.#options = options;
  }

  async start(context: SourceTaskContext): Promise<void> {
    const config = JDBC_SOURCE_SPEC.parse(context.config, { subject: 'JdbcSource task configuration' });
    this.#logger = context.logger;
    const db = databaseOf(config, APPLICATION_NAME);
    this.#db = db;
    const sources: { source: QuerySource; topic: string; partition: JsonMap; legacy: JsonMap | null }[] = [];
    if (config[QUERY] !== '') {
      sources.push({
        source: { kind: 'query', query: config[QUERY] },
        topic: config[TOPIC_PREFIX],
        partition: QUERY_PARTITION,
        legacy: null,
      });
    } else {
      for (const id of taskTables(context.config[TASK_TABLES], db)) {
        sources.push({
          source: { kind: 'table', table: id },
          topic: `${config[TOPIC_PREFIX]}${id.table}`,
          partition: tablePartition(qualifiedName(id)),
          legacy: legacyTablePartition(id.table),
        });
      }
    }
    const reader = context.offsetReader;
    for (const s of sources) {
      let committed = await reader.offset(s.partition);
      if (committed === null && s.legacy !== null) committed = await reader.offset(s.legacy);
      const position: SourcePosition = decodeOffset(committed);
      this.#queriers.push(
        new TableQuerier(
          s.source,
          {
            dialect: db.dialect,
            zone: db.zone,
            mode: config[MODE],
            incrementingColumn: config[INCREMENTING_COLUMN_NAME],
            timestampColumns: config[TIMESTAMP_COLUMN_NAME],
            batchMaxRows: config[BATCH_MAX_ROWS],
            pollIntervalMs: config[POLL_INTERVAL_MS],
            timestampDelayMs: config[TIMESTAMP_DELAY_INTERVAL_MS],
            timestampInitial: config[TIMESTAMP_INITIAL],
            validateNonNull: config[VALIDATE_NON_NULL],
            numericMapping: numericMappingOf(config),
            topic: s.topic,
            partition: s.partition,
            logger: context.logger,
          },
          position,
        ),
      );
      if (committed !== null) {
        context.logger.debug(`JdbcSource resumes ${s.topic} at ${JSON.stringify(committed)}`);
      }
    }
    this.#session = await db.open(context.logger);
  }

  async poll(signal: AbortSignal): Promise<readonly SourceRecord[] | null> {
    if (this.#queriers.length === 0) {
      await sleep(this.#options.maxIdleWaitMs ?? 1000, signal);
      return null;
    }
    const idleUntil = performance.now() + (this.#options.maxIdleWaitMs ?? 1000);
    while (!signal.aborted) {
      let querier = this.#queriers[0]!;
      for (const q of this.#queriers) if (q.nextRunAt < querier.nextRunAt) querier = q;
      const now = performance.now();
      if (querier.nextRunAt > now) {
        const wait = Math.min(querier.nextRunAt, idleUntil) - now;
        if (wait <= 0) return null;
        if ((await sleep(wait, signal)) === 'aborted') return null;
        continue;
      }
      const session = await this.#openSession(signal);
      let records: SourceRecord[];
      try {
        records = await querier.poll(session, performance.now());
      } catch (e) {
        throw this.#failure(e, querier.name);
      }
      if (records.length > 0) return records;
    }
    return null;
  }

  async stop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#queriers = [];
    await session?.close();
  }

  async #openSession(signal: AbortSignal): Promise<DbSession> {
    const current = this.#session;
    if (current?.usable) return current;
    await current?.close();
    this.#session = undefined;
    this.#session = await this.#db!.open(this.#logger!, signal);
    return this.#session;
  }

  #failure(e: unknown, name: string): Error {
    if (e instanceof ConnectError) return e;
    const db = this.#db!;
    const kind = db.dialect.classifyError(e);
    const message = `Reading ${name} from ${db.display} failed: ${(e as Error).message}`;
    if (kind === 'transient' || isRetriable(e)) {
      // The connection may be half-broken: open a new one for the next poll.
      const session = this.#session;
      this.#session = undefined;
      void session?.close();
      return new RetriableError(message, { cause: e });
    }
    return new ConnectError(message, { cause: e });
  }
}
