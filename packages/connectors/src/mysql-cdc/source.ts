import {
  ConfigError,
  ConnectError,
  type ConnectorConfig,
  type ExactlyOnceSupport,
  type FieldErrors,
  isRetriable,
  type JsonMap,
  type Logger,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  type Struct,
  type TaskConfig,
  type TaskMetricsReporter,
} from '@tributary/api';
import type mysql from 'mysql2/promise';
import { BinlogReader, type DdlItem, type RowsItem, type StreamStart } from './binlog-reader.js';
import {
  BIGINT_UNSIGNED_MODE_CONFIG,
  BINARY_MODE_CONFIG,
  CONNECT_TIMEOUT_CONFIG,
  crossFieldErrors,
  DECIMAL_MODE_CONFIG,
  effectiveServerId,
  HEARTBEAT_INTERVAL_CONFIG,
  HEARTBEAT_TOPICS_PREFIX_CONFIG,
  INCLUDE_QUERY_CONFIG,
  INCLUDE_SCHEMA_CHANGES_CONFIG,
  MAX_BATCH_SIZE_CONFIG,
  MAX_QUEUE_SIZE_CONFIG,
  MYSQL_CDC_SPEC,
  type MySqlCdcConfig,
  POLL_INTERVAL_CONFIG,
  SERVER_PARTITION_FIELD,
  SNAPSHOT_FETCH_SIZE_CONFIG,
  SNAPSHOT_MODE_CONFIG,
  snapshotMode,
  TABLE_INCLUDE_CONFIG,
  TIME_PRECISION_MODE_CONFIG,
  TOMBSTONES_CONFIG,
  TOPIC_PREFIX_CONFIG,
} from './config.js';
import {
  binlogFiles,
  type Connection,
  capturedTables,
  closeQuietly,
  connect,
  missingTableProblems,
  type Problem,
  readTableInfo,
  type ServerFacts,
  serverAddress,
  serverFacts,
  serverProblems,
} from './connection.js';
import type { SourceInfo } from './envelope.js';
import { TableFilter } from './filters.js';
import {
  type BinlogPosition,
  type CdcOffset,
  decodeOffset,
  encodeOffset,
  MariaGtidPosition,
  offsetProblems,
} from './offsets.js';
import { changeRecord, heartbeatRecord, schemaChangeRecord, sourcePartition, tombstoneRecord } from './records.js';
import type { ChangeType } from './schema-change.js';
import { keyOf, type MappingOptions, rowFromObject, type TableInfo, type TableSchema } from './schema-mapper.js';
import { Snapshot } from './snapshot.js';
import { TableRegistry } from './tables.js';

const SUBJECT = 'MySqlCdcSource configuration';

/** Parses the config: spec plus the cross-field rules. @throws ConfigError listing every problem. */
export function parseConfig(raw: ConnectorConfig): MySqlCdcConfig {
  const config = MYSQL_CDC_SPEC.parse(raw, { subject: SUBJECT });
  const errors = crossFieldErrors(config);
  if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, SUBJECT);
  return config;
}

function mappingOptions(config: MySqlCdcConfig): MappingOptions {
  return {
    decimalMode: config[DECIMAL_MODE_CONFIG],
    bigintUnsignedMode: config[BIGINT_UNSIGNED_MODE_CONFIG],
    timePrecisionMode: config[TIME_PRECISION_MODE_CONFIG],
    binaryMode: config[BINARY_MODE_CONFIG],
  };
}

/** Everything wrong with the server, the user's privileges and the table list, for this config. */
export async function checkServer(
  config: MySqlCdcConfig,
  conn: Connection,
): Promise<{ facts: ServerFacts; problems: Problem[]; captured: string[] }> {
  const facts = await serverFacts(conn);
  const problems = serverProblems(facts, serverAddress(config));
  const filter = TableFilter.fromConfig(config);
  const captured = await capturedTables(conn, filter);
  problems.push(...missingTableProblems(filter, captured));
  return { facts, problems, captured };
}

function problemsError(problems: readonly Problem[]): ConnectError {
  const text = problems.map((p) => p.message).join('\n');
  return new ConnectError(problems.length === 1 ? text : `${problems.length} problems:\n${text}`);
}

/**
 * Debezium's MySqlConnector: one task reads the binlog (a server has one binlog, so `tasks.max` above 1
 * still yields one task, as Debezium).
 */
export class MySqlCdcConnector implements SourceConnector {
  #config: ConnectorConfig | undefined;

  /**
   * Connects and checks what the task would check at start: credentials, binlog settings, privileges and
   * the tables named in table.include.list, each reported under the key to fix.
   */
  async validate(raw: ConnectorConfig): Promise<FieldErrors> {
    let config: MySqlCdcConfig;
    try {
      config = parseConfig(raw);
    } catch (e) {
      if (e instanceof ConfigError) return e.fieldErrors;
      throw e;
    }
    const quick = { ...config, [CONNECT_TIMEOUT_CONFIG]: Math.min(config[CONNECT_TIMEOUT_CONFIG], 10_000) };
    let conn: Connection;
    try {
      conn = await connect(quick);
    } catch (e) {
      if (e instanceof ConfigError) return e.fieldErrors;
      return { 'database.hostname': [(e as Error).message] };
    }
    try {
      const { problems } = await checkServer(config, conn);
      const out: Record<string, string[]> = {};
      for (const p of problems) out[p.key] = [...(out[p.key] ?? []), p.message];
      return out;
    } finally {
      await closeQuietly(conn);
    }
  }

  start(_context: SourceConnectorContext, config: ConnectorConfig): void {
    parseConfig(config);
    this.#config = config;
  }

  taskConfigs(_maxTasks: number): readonly TaskConfig[] {
    if (this.#config === undefined) throw new ConnectError('MySqlCdcSource connector is not started');
    return [{ ...this.#config }];
  }

  stop(): void {
    this.#config = undefined;
  }

  exactlyOnceSupport(): ExactlyOnceSupport {
    return 'unsupported';
  }

  /** Accepts partitions `{server: <topic.prefix>}` with offsets as this connector writes them, or null. */
  alterOffsets(
    config: ConnectorConfig,
    offsets: ReadonlyArray<{ readonly partition: JsonMap; readonly offset: JsonMap | null }>,
  ): boolean {
    const prefix = parseConfig(config)[TOPIC_PREFIX_CONFIG];
    for (const { partition, offset } of offsets) {
      if (partition[SERVER_PARTITION_FIELD] !== prefix) {
        throw new ConfigError(
          `Partitions of this connector are {"${SERVER_PARTITION_FIELD}": "${prefix}"} (its ${TOPIC_PREFIX_CONFIG}), got ${JSON.stringify(partition)}`,
        );
      }
      if (offset === null) continue;
      const problems = offsetProblems(offset);
      if (problems.length > 0) throw new ConfigError(problems.join('; '));
    }
    return true;
  }
}

type Phase =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly kind: 'stream'; readonly reader: BinlogReader }
  | { readonly kind: 'idle' }
  | { readonly kind: 'recover'; readonly from: CdcOffset | null };

/** Test hooks and tuning of {@link MySqlCdcTask}. */
export interface MySqlCdcTaskOptions {
  /** How often snapshot and streaming progress is logged, ms. Default 10 s. */
  readonly progressIntervalMs?: number;
}

/**
 * Reads a consistent snapshot (per `snapshot.mode`), then the binlog from the snapshot's position, as
 * Debezium-compatible change events; resumes from the committed offset after a restart. Transient
 * connection failures during a poll are retriable: the next poll reconnects and resumes after the last record
 * it returned.
 */
export class MySqlCdcTask implements SourceTask {
  readonly #options: MySqlCdcTaskOptions;
  #config!: MySqlCdcConfig;
  #logger!: Logger;
  #metrics: TaskMetricsReporter | undefined;
  #filter!: TableFilter;
  #tables!: TableRegistry;
  #partition!: JsonMap;
  #facts!: ServerFacts;
  #conn: Connection | null = null;
  #phase: Phase = { kind: 'idle' };
  #lastOffset: CdcOffset | null = null;
  #lastRecordAt = performance.now();
  #stopped = false;
  readonly #warnedSkipped = new Set<string>();
  #streamed = 0;
  #lastProgressLog = performance.now();

  constructor(options: MySqlCdcTaskOptions = {}) {
    this.#options = options;
  }

  async start(context: SourceTaskContext): Promise<void> {
    const config = parseConfig(context.config);
    this.#config = config;
    this.#logger = context.logger;
    this.#metrics = context.metrics;
    this.#filter = TableFilter.fromConfig(config);
    this.#tables = new TableRegistry(config[TOPIC_PREFIX_CONFIG], mappingOptions(config));
    this.#partition = sourcePartition(config[TOPIC_PREFIX_CONFIG]);
    const conn = await connect(config);
    this.#conn = conn;
    try {
      const { facts, problems, captured } = await checkServer(config, conn);
      if (problems.length > 0) throw problemsError(problems);
      this.#facts = facts;
      for (const pattern of this.#filter.unmatchedInclusions(captured)) {
        context.logger.warn(`${TABLE_INCLUDE_CONFIG} pattern '${pattern}' matches no table (yet)`);
      }
      const stored = await context.offsetReader.offset(this.#partition);
      const committed = stored === null ? null : decodeOffset(stored);
      this.#lastOffset = committed;
      context.logger.info(
        `MySqlCdcSource on ${serverAddress(config)} (${facts.version}), ${captured.length} captured table(s), ` +
          `snapshot.mode=${config[SNAPSHOT_MODE_CONFIG]}, ` +
          (committed === null
            ? 'no stored offset'
            : `resuming from ${committed.position.file}:${committed.position.pos}` +
              (committed.snapshot !== null
                ? ' (snapshot in progress)'
                : ` event ${committed.event} row ${committed.row}`)),
      );
      await this.#resumeFrom(committed);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async poll(signal: AbortSignal): Promise<readonly SourceRecord[] | null> {
    if (this.#stopped) return null;
    try {
      const records = await this.#pollPhase(signal);
      if (records.length > 0) {
        this.#lastRecordAt = performance.now();
        const last = records[records.length - 1]!;
        this.#lastOffset = decodeOffset(last.sourceOffset);
        return records;
      }
      return null;
    } catch (e) {
      if (isRetriable(e) && !this.#stopped) {
        // Resume after the last record returned: the next poll reconnects.
        await this.#teardown();
        this.#phase = { kind: 'recover', from: this.#lastOffset };
      }
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#teardown();
  }

  async #teardown(): Promise<void> {
    const phase = this.#phase;
    this.#phase = { kind: 'idle' };
    if (phase.kind === 'snapshot') await phase.snapshot.close();
    if (phase.kind === 'stream') phase.reader.stop();
    const conn = this.#conn;
    this.#conn = null;
    await closeQuietly(conn);
  }

  async #pollPhase(signal: AbortSignal): Promise<SourceRecord[]> {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'recover':
        this.#conn = await connect(this.#config);
        this.#logger.info('Reconnected after a connection failure; resuming after the last record returned');
        await this.#resumeFrom(phase.from);
        return [];
      case 'idle':
        await sleep(this.#config[POLL_INTERVAL_CONFIG], signal);
        return [];
      case 'snapshot': {
        const records = await phase.snapshot.next(this.#config[MAX_BATCH_SIZE_CONFIG], signal);
        if (phase.snapshot.done) {
          const mode = snapshotMode(this.#config);
          if (mode === 'initial_only') {
            this.#logger.info('Snapshot complete; snapshot.mode=initial_only: not streaming the binlog');
            this.#phase = { kind: 'idle' };
          } else {
            this.#startStreaming({ position: phase.snapshot.position, event: 0, row: 0 });
          }
        }
        return records;
      }
      case 'stream':
        return this.#pollStream(phase.reader, signal);
    }
  }

  /** Decides what to do from an offset (or none): snapshot, resume a snapshot, or stream. */
  async #resumeFrom(offset: CdcOffset | null): Promise<void> {
    const mode = snapshotMode(this.#config);
    const conn = this.#conn!;
    if (offset === null) {
      if (mode === 'never') {
        const files = await binlogFiles(conn);
        const first = files[0];
        if (first === undefined) throw new ConnectError('The server lists no binlog files (SHOW BINARY LOGS)');
        const gtids = this.#facts.mariadb ? await this.#gtidPosAt(conn, first.name, 4) : null;
        this.#tables.restore(null);
        this.#startStreaming({ position: { file: first.name, pos: 4, gtids }, event: 0, row: 0 });
        return;
      }
      await this.#startSnapshot(null, mode !== 'no_data');
      return;
    }
    if (offset.snapshot !== null && mode !== 'never') {
      this.#tables.restore(offset.schemas);
      await this.#startSnapshot(offset, mode !== 'no_data');
      return;
    }
    if (offset.snapshot === null && mode === 'initial_only') {
      this.#logger.info('The snapshot is complete and snapshot.mode=initial_only: nothing to do');
      this.#phase = { kind: 'idle' };
      return;
    }
    const problem = await this.#unavailable(conn, offset.position);
    if (problem !== null) {
      if (mode === 'when_needed') {
        this.#logger.warn(`${problem}; snapshot.mode=when_needed: taking a new snapshot`);
        this.#tables.restore(null);
        await this.#startSnapshot(null, true);
        return;
      }
      throw new ConnectError(
        `${problem}. Fix: set snapshot.mode=when_needed to take a new snapshot and continue from there, or reset ` +
          "the connector's offsets (stop it, DELETE /connectors/<name>/offsets) to start over.",
      );
    }
    this.#tables.restore(offset.schemas);
    this.#startStreaming({ position: offset.position, event: offset.event, row: offset.row });
  }

  async #startSnapshot(resume: CdcOffset | null, withData: boolean): Promise<void> {
    // The snapshot owns its connection (the transaction); the task keeps its own for the binlog reader.
    const snapConn = await connect(this.#config);
    if (resume === null) this.#tables.restore(null);
    const snapshot = await Snapshot.open(
      {
        prefix: this.#config[TOPIC_PREFIX_CONFIG],
        partition: this.#partition,
        facts: this.#facts,
        filter: this.#filter,
        tables: this.#tables,
        logger: this.#logger,
        withData,
        includeSchemaChanges: this.#config[INCLUDE_SCHEMA_CHANGES_CONFIG],
        fetchSize: this.#config[SNAPSHOT_FETCH_SIZE_CONFIG],
        ...(this.#metrics === undefined ? {} : { metrics: this.#metrics }),
        ...(this.#options.progressIntervalMs === undefined
          ? {}
          : { progressIntervalMs: this.#options.progressIntervalMs }),
      },
      snapConn,
      resume,
    );
    this.#phase = { kind: 'snapshot', snapshot };
  }

  #startStreaming(start: StreamStart): void {
    const reader = new BinlogReader(
      {
        config: this.#config,
        facts: this.#facts,
        filter: this.#filter,
        tables: this.#tables,
        conn: this.#conn!,
        serverId: effectiveServerId(this.#config),
        maxQueueRows: this.#config[MAX_QUEUE_SIZE_CONFIG],
        includeQuery: this.#config[INCLUDE_QUERY_CONFIG],
        logger: this.#logger,
      },
      start,
    );
    this.#phase = { kind: 'stream', reader };
  }

  async #gtidPosAt(conn: Connection, file: string, pos: number): Promise<string | null> {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT BINLOG_GTID_POS(?, ?) AS g', [file, pos]);
    const g = rows[0]?.g;
    return typeof g === 'string' ? g : null;
  }

  /** Why the binlog from `position` cannot be read any more, or null when it can. */
  async #unavailable(conn: Connection, position: BinlogPosition): Promise<string | null> {
    const files = await binlogFiles(conn);
    if (files.some((f) => f.name === position.file)) return null;
    const oldest = files[0];
    if (this.#facts.mariadb && position.gtids !== null && position.gtids !== '' && oldest !== undefined) {
      const start = await this.#gtidPosAt(conn, oldest.name, 4);
      if (start !== null && MariaGtidPosition.parse(position.gtids).readableFrom(MariaGtidPosition.parse(start))) {
        return null;
      }
    }
    return (
      `The stored binlog position ${position.file}:${position.pos}` +
      (position.gtids ? ` (GTID position ${position.gtids})` : '') +
      ` is no longer on ${serverAddress(this.#config)}: its oldest binlog is ${oldest?.name ?? '(none)'} ` +
      '(the files were purged, e.g. by binlog_expire_logs_seconds or PURGE BINARY LOGS)'
    );
  }

  // ---- streaming ------------------------------------------------------------------------------------------

  async #pollStream(reader: BinlogReader, signal: AbortSignal): Promise<SourceRecord[]> {
    if (reader.error !== null) throw reader.error;
    if (reader.peek() === undefined) await reader.wait(this.#config[POLL_INTERVAL_CONFIG], signal);
    if (reader.error !== null) throw reader.error;
    const max = this.#config[MAX_BATCH_SIZE_CONFIG];
    const out: SourceRecord[] = [];
    const now = Date.now();
    for (let item = reader.peek(); item !== undefined && out.length < max; item = reader.peek()) {
      if (item.kind === 'ddl') {
        if (this.#config[INCLUDE_SCHEMA_CHANGES_CONFIG]) out.push(await this.#ddlRecord(item, now));
        reader.shift();
      } else {
        this.#rowRecords(reader, item, max, out, now);
        if (item.next < item.rows.length) break;
      }
    }
    this.#streamed += out.length;
    this.#logStreaming(reader);
    if (out.length === 0) this.#maybeHeartbeat(reader, out, now);
    return out;
  }

  #rowRecords(reader: BinlogReader, item: RowsItem, max: number, out: SourceRecord[], now: number): void {
    const schema = this.#tables.schemaFor(item.info);
    if (schema.skipped.length > 0 && !this.#warnedSkipped.has(schema.id)) {
      this.#warnedSkipped.add(schema.id);
      this.#logger.warn(
        `Table ${schema.id}: columns ${schema.skipped.join(', ')} are not captured (unsupported types)`,
      );
    }
    const tombstones = this.#config[TOMBSTONES_CONFIG];
    let taken = 0;
    for (let r = item.next; r < item.rows.length; r++) {
      const raw = item.rows[r] as Record<string, unknown> & {
        before?: Record<string, unknown>;
        after?: Record<string, unknown>;
      };
      // Up to three records per row (update of a primary key: delete, tombstone, create); never split a row.
      const need = item.op === 'c' ? 1 : item.op === 'd' ? (tombstones ? 2 : 1) : 3;
      if (out.length > 0 && out.length + need > max) break;
      const source: SourceInfo = {
        name: this.#config[TOPIC_PREFIX_CONFIG],
        tsMs: item.tsMs,
        snapshot: 'false',
        db: item.info.db,
        table: item.info.table,
        serverId: item.serverId,
        gtid: item.gtid,
        file: item.file,
        pos: item.pos,
        row: r,
        thread: item.thread,
        query: item.query,
      };
      const before = this.#offset(item, r);
      const after = this.#offset(item, r + 1);
      if (item.op === 'c') {
        const row = rowFromObject(schema, raw);
        out.push(changeRecord(this.#partition, after, schema, 'c', keyOf(schema, row), null, row, source, now));
      } else if (item.op === 'd') {
        const row = rowFromObject(schema, raw);
        this.#delete(out, schema, keyOf(schema, row), row, source, tombstones ? before : after, after, now, tombstones);
      } else {
        const old = rowFromObject(schema, raw.before ?? {});
        const row = rowFromObject(schema, raw.after ?? {});
        const oldKey = keyOf(schema, old);
        const newKey = keyOf(schema, row);
        if (oldKey !== null && newKey !== null && !oldKey.equals(newKey)) {
          // Debezium: a primary key change is a delete of the old key (and its tombstone), then a create.
          this.#delete(out, schema, oldKey, old, source, before, before, now, tombstones);
          out.push(changeRecord(this.#partition, after, schema, 'c', newKey, null, row, source, now));
        } else {
          out.push(changeRecord(this.#partition, after, schema, 'u', newKey, old, row, source, now));
        }
      }
      taken++;
    }
    reader.take(item, taken);
  }

  #delete(
    out: SourceRecord[],
    schema: TableSchema,
    key: Struct | null,
    row: Struct,
    source: SourceInfo,
    deleteOffset: JsonMap,
    tombstoneOffset: JsonMap,
    now: number,
    tombstones: boolean,
  ): void {
    out.push(changeRecord(this.#partition, deleteOffset, schema, 'd', key, row, null, source, now));
    if (tombstones) out.push(tombstoneRecord(this.#partition, tombstoneOffset, schema, key, source.tsMs));
  }

  #offset(item: RowsItem, row: number): JsonMap {
    return encodeOffset({
      position: item.txStart,
      event: item.eventIndex,
      row,
      tsSec: Math.floor(item.tsMs / 1000),
      serverId: item.serverId,
      snapshot: null,
      schemas: item.schemas,
    });
  }

  async #ddlRecord(item: DdlItem, now: number): Promise<SourceRecord> {
    const changes: { type: ChangeType; db: string; table: string; info: TableInfo | null }[] = [];
    for (const t of item.tables ?? []) {
      if (!this.#filter.includes(t.db, t.table)) continue;
      // The structure now, not necessarily right after this DDL (there is no DDL parser): see the README.
      const info =
        item.kindOfDdl === 'DROP' ? null : await readTableInfo(this.#conn!, t.db, t.table, this.#facts.mariadb);
      const type: ChangeType =
        item.kindOfDdl === 'CREATE' ? 'CREATE' : item.kindOfDdl === 'DROP' || info === null ? 'DROP' : 'ALTER';
      changes.push({ type, db: t.db, table: t.table, info });
    }
    const source: SourceInfo = {
      name: this.#config[TOPIC_PREFIX_CONFIG],
      tsMs: item.tsMs,
      snapshot: 'false',
      db: item.db,
      table: changes[0]?.table ?? null,
      serverId: item.serverId,
      gtid: item.gtid,
      file: item.file,
      pos: item.pos,
      row: 0,
      thread: null,
      query: null,
    };
    const offset = encodeOffset({
      position: item.after,
      event: 0,
      row: 0,
      tsSec: Math.floor(item.tsMs / 1000),
      serverId: item.serverId,
      snapshot: null,
      schemas: item.schemas,
    });
    return schemaChangeRecord(
      this.#partition,
      offset,
      this.#config[TOPIC_PREFIX_CONFIG],
      source,
      item.db,
      item.ddl,
      changes,
      now,
    );
  }

  #maybeHeartbeat(reader: BinlogReader, out: SourceRecord[], now: number): void {
    const interval = this.#config[HEARTBEAT_INTERVAL_CONFIG];
    if (interval <= 0 || performance.now() - this.#lastRecordAt < interval) return;
    const boundary = reader.boundary();
    if (boundary === null) return;
    const last = this.#lastOffset;
    if (
      last !== null &&
      last.snapshot === null &&
      last.event === 0 &&
      last.row === 0 &&
      last.position.file === boundary.position.file &&
      last.position.pos === boundary.position.pos
    ) {
      this.#lastRecordAt = performance.now();
      return;
    }
    const prefix = this.#config[TOPIC_PREFIX_CONFIG];
    const offset = encodeOffset({
      position: boundary.position,
      event: 0,
      row: 0,
      tsSec: Math.floor(now / 1000),
      serverId: this.#facts.serverId,
      snapshot: null,
      schemas: boundary.schemas,
    });
    out.push(
      heartbeatRecord(
        this.#partition,
        offset,
        `${this.#config[HEARTBEAT_TOPICS_PREFIX_CONFIG]}.${prefix}`,
        prefix,
        now,
      ),
    );
  }

  #logStreaming(reader: BinlogReader): void {
    const every = this.#options.progressIntervalMs ?? 10_000;
    const now = performance.now();
    if (now - this.#lastProgressLog < every) return;
    this.#lastProgressLog = now;
    const at = this.#lastOffset;
    this.#logger.info(
      `Streaming: ${this.#streamed} record(s) so far` +
        (at === null ? '' : `, at ${at.position.file}:${at.position.pos} event ${at.event} row ${at.row}`),
      { records: this.#streamed, queued: reader.peek() !== undefined },
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
