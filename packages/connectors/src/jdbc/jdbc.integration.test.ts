/**
 * JdbcSource and JdbcSink against the real MariaDB (127.0.0.1:3306, root) and PostgreSQL (127.0.0.1:5432,
 * postgres, database `test`) of scripts/services.sh (MARIADB_URL / POSTGRES_URL override the JDBC URLs).
 * Every run works in its own database (MariaDB) or schema (PostgreSQL) and drops it afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BackOffError,
  ConnectError,
  type ConnectorContext,
  Decimal,
  type ErrantRecordReporter,
  isRetriable,
  Logical,
  Schema,
  SchemaBuilder,
  type SinkRecord,
  type SinkTask,
  type SourceConnectorContext,
  type SourceRecord,
  Struct,
  sinkRecord,
  type TaskConfig,
} from '@tributary/api';
import { createConnection as createMysqlConnection } from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import {
  CapturingLogger,
  InMemoryOffsetStore,
  runSinkConformance,
  runSourceConformance,
  SourceTaskHarness,
  serviceGate,
  sinkTaskContext,
} from '../testkit/index.js';
import { JdbcSinkTask } from './sink.js';
import { JdbcSourceConnector, JdbcSourceTask } from './source.js';

const MARIADB_URL = process.env.MARIADB_URL ?? 'jdbc:mariadb://127.0.0.1:3306/?user=root';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres';
const RUN = `trib_jdbc_${Date.now().toString(36)}_${process.pid}`;

/** Plain SQL access to a test database, outside the connectors. */
interface Admin {
  exec(sql: string, params?: unknown[]): Promise<void>;
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Target {
  readonly name: 'MariaDB' | 'PostgreSQL';
  /** JDBC URL of the run's own database/schema. */
  readonly url: string;
  /** Qualifier of the run's tables in SQL (`db`/`schema`) and in table names (`db.`/`schema.`). */
  readonly space: string;
  readonly q: (name: string) => string;
  readonly admin: () => Promise<Admin>;
  /** DDL fragments that differ. */
  readonly autoId: string;
  readonly datetime: string;
  readonly varbinary: string;
  readonly bool: string;
}

function parseUrl(jdbc: string): URL {
  return new URL(jdbc.replace(/^jdbc:/, '').replace(/^mariadb:/, 'mysql:'));
}

async function mariaAdmin(database?: string): Promise<Admin> {
  const u = parseUrl(MARIADB_URL);
  const conn = await createMysqlConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: u.searchParams.get('user') ?? 'root',
    password: u.searchParams.get('password') ?? '',
    ...(database === undefined ? {} : { database }),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  await conn.query("SET time_zone = '+00:00'");
  return {
    exec: async (sql, params) => {
      await conn.query(sql, params);
    },
    rows: async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[],
    close: () => conn.end(),
  };
}

async function pgAdmin(): Promise<Admin> {
  const u = parseUrl(POSTGRES_URL);
  const client = new PgClient({
    host: u.hostname,
    port: Number(u.port || 5432),
    user: u.searchParams.get('user') ?? 'postgres',
    ...(u.searchParams.get('password') === null ? {} : { password: u.searchParams.get('password')! }),
    database: u.pathname.slice(1) || 'test',
  });
  client.on('error', () => {});
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  return {
    exec: async (sql, params) => {
      await client.query(sql, params);
    },
    rows: async (sql, params) => (await client.query(sql, params)).rows,
    close: () => client.end(),
  };
}

const MARIADB: Target = {
  name: 'MariaDB',
  url: MARIADB_URL.replace(/\/(\?|$)/, `/${RUN}$1`),
  space: RUN,
  q: (n) => `\`${n}\``,
  admin: () => mariaAdmin(RUN),
  autoId: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
  datetime: 'DATETIME(6)',
  varbinary: 'VARBINARY(16)',
  bool: 'BOOLEAN',
};

const POSTGRES: Target = {
  name: 'PostgreSQL',
  url: `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}currentSchema=${RUN}`,
  space: RUN,
  q: (n) => `"${n}"`,
  admin: async () => {
    const a = await pgAdmin();
    await a.exec(`SET search_path = ${RUN}`);
    return a;
  },
  autoId: 'BIGSERIAL PRIMARY KEY',
  datetime: 'TIMESTAMP(6)',
  varbinary: 'BYTEA',
  bool: 'BOOLEAN',
};

async function reachable(target: Target): Promise<string | undefined> {
  try {
    const a = target.name === 'MariaDB' ? await mariaAdmin() : await pgAdmin();
    await a.rows('SELECT 1 AS one');
    await a.close();
    return undefined;
  } catch (e) {
    return `${target.name} is not reachable (${(e as Error).message}); start it with: scripts/services.sh start ${
      target.name === 'MariaDB' ? 'mariadb' : 'postgres'
    }`;
  }
}

/** Skips (or, in CI, fails) the tests of a database that is not reachable. */
async function gate(target: Target): Promise<string | false> {
  return serviceGate(target.name, await reachable(target));
}

const gates = { MariaDB: await gate(MARIADB), PostgreSQL: await gate(POSTGRES) };

let tableSeq = 0;
const uniqueTable = (prefix: string): string => `${prefix}_${++tableSeq}`;

function connectorContext(logger = new CapturingLogger()): SourceConnectorContext & { reconfigurations: number } {
  const ctx = {
    name: 'jdbc-test',
    logger,
    reconfigurations: 0,
    requestTaskReconfiguration() {
      ctx.reconfigurations++;
    },
    raiseError(e: Error) {
      throw e;
    },
    offsetReader: new InMemoryOffsetStore(),
  };
  return ctx;
}

function ids(records: readonly SourceRecord[]): string[] {
  return records.map((r) => String((r.value as Struct).get('id')));
}

async function pollAll(h: SourceTaskHarness, min: number): Promise<SourceRecord[]> {
  return (await h.pollUntil(min)).records;
}

/** Polls until `signal` ends an idle poll; returns whatever came. */
async function pollIdle(h: SourceTaskHarness, ms = 300): Promise<readonly SourceRecord[]> {
  const c = new AbortController();
  const timer = setTimeout(() => c.abort(), ms);
  try {
    return await h.poll(c.signal);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// Records for the sink

const ORDER = SchemaBuilder.struct()
  .name('orders')
  .field('id', Schema.INT64)
  .field('name', Schema.OPTIONAL_STRING)
  .field('qty', Schema.INT32)
  .field('price', Logical.decimal(2))
  .field('day', Logical.OPTIONAL_DATE)
  .field('at', Logical.TIMESTAMP)
  .field('raw', Schema.OPTIONAL_BYTES)
  .field('ok', Schema.BOOLEAN)
  .build();
const ORDER_KEY = SchemaBuilder.struct().field('id', Schema.INT64).build();
const CONFORMANCE_VALUE = SchemaBuilder.struct().field('v', Schema.STRING).build();

interface OrderInit {
  id: number;
  name?: string | null;
  qty?: number;
  price?: string;
}

function order(o: OrderInit): Struct {
  return new Struct(ORDER)
    .put('id', BigInt(o.id))
    .put('name', o.name === undefined ? `item-${o.id}` : o.name)
    .put('qty', o.qty ?? o.id)
    .put('price', Decimal.parse(o.price ?? `${o.id}.25`).withScale(2))
    .put('day', new Date(Date.UTC(2024, 0, 1 + (o.id % 28))))
    .put('at', new Date(Date.UTC(2024, 0, 1, 0, 0, 0, o.id)))
    .put('raw', new Uint8Array([o.id % 256, 0, 255]))
    .put('ok', o.id % 2 === 0);
}

let offsetSeq = 0;
function rec(topic: string, value: Struct | null, key: number | null = null): SinkRecord {
  return sinkRecord({
    topic,
    queue: 0,
    offset: offsetSeq++,
    keySchema: key === null ? null : ORDER_KEY,
    key: key === null ? null : new Struct(ORDER_KEY).put('id', BigInt(key)),
    valueSchema: value === null ? null : ORDER,
    value,
  });
}

class CollectingReporter implements ErrantRecordReporter {
  readonly reported: { record: SinkRecord; error: Error }[] = [];
  async report(record: SinkRecord, error: Error): Promise<void> {
    this.reported.push({ record, error });
  }
}

async function startSink(
  config: TaskConfig,
  reporter: ErrantRecordReporter | null = new CollectingReporter(),
): Promise<SinkTask> {
  const task = new JdbcSinkTask();
  await task.start({ ...sinkTaskContext({ config }), errantRecordReporter: reporter });
  return task;
}

// ---------------------------------------------------------------------------------------------------

for (const target of [MARIADB, POSTGRES]) {
  const skip = gates[target.name];
  describe(`JDBC against ${target.name}`, { skip, timeout: 180_000 }, () => {
    let admin: Admin;
    const T = (name: string) => `${target.q(target.space)}.${target.q(name)}`;
    const count = async (table: string) => Number((await admin.rows(`SELECT COUNT(*) AS n FROM ${T(table)}`))[0]!.n);

    before(async () => {
      if (target.name === 'MariaDB') {
        const root = await mariaAdmin();
        await root.exec(`CREATE DATABASE ${target.q(RUN)}`);
        await root.close();
      } else {
        const root = await pgAdmin();
        await root.exec(`CREATE SCHEMA ${target.q(RUN)}`);
        await root.close();
      }
      admin = await target.admin();
    });

    after(async () => {
      await admin?.close();
      if (target.name === 'MariaDB') {
        const root = await mariaAdmin();
        await root.exec(`DROP DATABASE IF EXISTS ${target.q(RUN)}`);
        await root.close();
      } else {
        const root = await pgAdmin();
        await root.exec(`DROP SCHEMA IF EXISTS ${target.q(RUN)} CASCADE`);
        await root.close();
      }
    });

    const sourceConfig = (table: string, extra: Record<string, string>): TaskConfig => ({
      'connection.url': target.url,
      'topic.prefix': 'jdbc-',
      'poll.interval.ms': '100',
      tables: JSON.stringify([`${target.space}.${table}`]),
      ...extra,
    });

    describe('JdbcSource', () => {
      it('maps column types to Connect schemas and exact values', async () => {
        const t = uniqueTable('types');
        await admin.exec(
          `CREATE TABLE ${T(t)} (id ${target.autoId}, price DECIMAL(12,3) NOT NULL, big BIGINT, d DATE, tm TIME(3),
            at ${target.datetime} NOT NULL, raw ${target.varbinary}, flag ${target.bool}, note VARCHAR(20), f DOUBLE PRECISION)`,
        );
        await admin.exec(
          `INSERT INTO ${T(t)} (price, big, d, tm, at, raw, flag, note, f) VALUES
           (-12345.678, 9223372036854775807, '2024-02-29', '23:59:58.125', '2024-01-15 10:20:30.123456', ${
             target.name === 'MariaDB' ? "x'00ff'" : "'\\x00ff'"
           }, true, 'héllo', 0.5),
           (0.001, NULL, NULL, NULL, '1999-12-31 23:59:59', NULL, NULL, NULL, NULL)`,
        );
        const h = new SourceTaskHarness(new JdbcSourceTask(), { config: sourceConfig(t, { mode: 'incrementing' }) });
        await h.start();
        const records = await pollAll(h, 2);
        await h.stop();
        const [a, b] = records.map((r) => r.value as Struct);
        assert.equal(records[0]!.topic, `jdbc-${t}`);
        assert.equal(records[0]!.valueSchema?.name, t);
        assert.deepEqual(records[0]!.sourcePartition, { protocol: '1', table: `${target.space}.${t}` });
        assert.deepEqual(records[0]!.sourceOffset, { incrementing: 1 });
        assert.equal(records[0]!.key, null);
        const schema = records[0]!.valueSchema!;
        assert.equal(schema.field('id')?.schema.type, 'int64');
        assert.equal(schema.field('id')?.schema.optional, false);
        assert.equal(schema.field('price')?.schema.name, 'org.apache.kafka.connect.data.Decimal');
        assert.equal(schema.field('price')?.schema.parameters?.scale, '3');
        assert.equal(schema.field('price')?.schema.optional, false);
        assert.equal(schema.field('d')?.schema.name, 'org.apache.kafka.connect.data.Date');
        assert.equal(schema.field('tm')?.schema.name, 'org.apache.kafka.connect.data.Time');
        assert.equal(schema.field('at')?.schema.name, 'org.apache.kafka.connect.data.Timestamp');
        assert.equal(schema.field('raw')?.schema.type, 'bytes');
        assert.equal(schema.field('flag')?.schema.type, 'boolean');
        assert.ok((a!.get('price') as Decimal).equals(Decimal.parse('-12345.678')));
        assert.equal(a!.get('big'), 9223372036854775807n);
        assert.equal((a!.get('d') as Date).toISOString(), '2024-02-29T00:00:00.000Z');
        assert.equal((a!.get('tm') as Date).getTime(), 86_398_125);
        assert.equal((a!.get('at') as Date).toISOString(), '2024-01-15T10:20:30.123Z');
        assert.deepEqual([...(a!.get('raw') as Uint8Array)], [0, 255]);
        assert.equal(a!.get('flag'), true);
        assert.equal(a!.get('note'), 'héllo');
        assert.equal(a!.get('f'), 0.5);
        assert.equal(b!.get('big'), null);
        assert.equal(b!.get('raw'), null);
        assert.ok((b!.get('price') as Decimal).equals(Decimal.parse('0.001')));
      });

      it('bulk: reads the whole table every poll.interval.ms, batch.max.rows at a time', async () => {
        const t = uniqueTable('bulk');
        await admin.exec(`CREATE TABLE ${T(t)} (id INT NOT NULL, name VARCHAR(10))`);
        await admin.exec(`INSERT INTO ${T(t)} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
        const h = new SourceTaskHarness(new JdbcSourceTask(), {
          config: sourceConfig(t, { mode: 'bulk', 'batch.max.rows': '2' }),
        });
        await h.start();
        const first = await h.pollUntil(3);
        assert.deepEqual(first.batches, [2, 1]);
        assert.deepEqual(first.records[0]!.sourceOffset, {});
        await admin.exec(`INSERT INTO ${T(t)} VALUES (4, 'd')`);
        const second = await pollAll(h, 4);
        await h.stop();
        assert.deepEqual(ids(second).sort(), ['1', '2', '3', '4']);
      });

      it('incrementing: pages by batch.max.rows, picks up new rows, resumes after the committed id', async () => {
        const t = uniqueTable('inc');
        await admin.exec(`CREATE TABLE ${T(t)} (id ${target.autoId}, name VARCHAR(10) NOT NULL)`);
        for (let i = 1; i <= 5; i++) await admin.exec(`INSERT INTO ${T(t)} (name) VALUES ('n${i}')`);
        const config = sourceConfig(t, { mode: 'incrementing', 'batch.max.rows': '2' });
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const got = await first.pollUntil(5);
        assert.deepEqual(got.batches, [2, 2, 1]);
        assert.deepEqual(ids(got.records), ['1', '2', '3', '4', '5']);
        await first.commit(got.records.slice(0, 3));
        await first.stop();
        await admin.exec(`INSERT INTO ${T(t)} (name) VALUES ('n6')`);
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        const resumed = await pollAll(second, 3);
        assert.deepEqual(ids(resumed), ['4', '5', '6']);
        await second.commit(resumed);
        assert.deepEqual(await pollIdle(second), []);
        await second.stop();
      });

      it('incrementing: exact with ids beyond 2^53 (offsets as strings, no row skipped or repeated)', async () => {
        const t = uniqueTable('bigid');
        await admin.exec(`CREATE TABLE ${T(t)} (id BIGINT NOT NULL PRIMARY KEY)`);
        const base = 9223372036854775800n;
        await admin.exec(`INSERT INTO ${T(t)} VALUES ${[0n, 1n, 2n, 3n, 4n].map((d) => `(${base + d})`).join(',')}`);
        const config = sourceConfig(t, {
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'batch.max.rows': '2',
        });
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const got = await pollAll(first, 5);
        assert.deepEqual(
          ids(got),
          [0n, 1n, 2n, 3n, 4n].map((d) => String(base + d)),
        );
        assert.deepEqual(got[0]!.sourceOffset, { incrementing: String(base) });
        await first.commit(got.slice(0, 3));
        await first.stop();
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        assert.deepEqual(ids(await pollAll(second, 2)), [String(base + 3n), String(base + 4n)]);
        assert.deepEqual(await pollIdle(second), []);
        await second.stop();
      });

      it('incrementing: finds the auto-increment column when none is configured', async () => {
        const t = uniqueTable('auto');
        await admin.exec(`CREATE TABLE ${T(t)} (name VARCHAR(10) NOT NULL, id ${target.autoId})`);
        await admin.exec(`INSERT INTO ${T(t)} (name) VALUES ('x'), ('y')`);
        const h = new SourceTaskHarness(new JdbcSourceTask(), { config: sourceConfig(t, { mode: 'incrementing' }) });
        await h.start();
        const records = await pollAll(h, 2);
        await h.stop();
        assert.deepEqual(
          records.map((r) => r.sourceOffset),
          [{ incrementing: 1 }, { incrementing: 2 }],
        );
      });

      it('timestamp: new and updated rows, whole groups of equal timestamps, resume inside a group', async () => {
        const t = uniqueTable('ts');
        await admin.exec(`CREATE TABLE ${T(t)} (id INT NOT NULL, ts ${target.datetime} NOT NULL)`);
        // Five rows share one timestamp: more than batch.max.rows.
        await admin.exec(
          `INSERT INTO ${T(t)} VALUES (1, '2024-01-01 00:00:01'), (2, '2024-01-01 00:00:02'), (3, '2024-01-01 00:00:02'),
           (4, '2024-01-01 00:00:02'), (5, '2024-01-01 00:00:02'), (6, '2024-01-01 00:00:02'), (7, '2024-01-01 00:00:03.5')`,
        );
        const config = sourceConfig(t, { mode: 'timestamp', 'timestamp.column.name': 'ts', 'batch.max.rows': '3' });
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const all = await pollAll(first, 7);
        assert.deepEqual(ids(all).sort(), ['1', '2', '3', '4', '5', '6', '7']);
        const ts2 = Date.UTC(2024, 0, 1, 0, 0, 2);
        // Inside the group, offsets stay at the previous timestamp until the group's last row.
        const inGroup = all.filter((r) => ((r.value as Struct).get('ts') as Date).getTime() === ts2);
        assert.deepEqual(
          inGroup.map((r) => r.sourceOffset.timestamp),
          [
            Date.UTC(2024, 0, 1, 0, 0, 1),
            Date.UTC(2024, 0, 1, 0, 0, 1),
            Date.UTC(2024, 0, 1, 0, 0, 1),
            Date.UTC(2024, 0, 1, 0, 0, 1),
            ts2,
          ],
        );
        // Committed up to the third row of the group: a restart reads the whole group again, then the rest.
        await first.commit(all.slice(0, all.indexOf(inGroup[2]!) + 1));
        await first.stop();
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        const again = await pollAll(second, 6);
        assert.deepEqual(ids(again).sort(), ['2', '3', '4', '5', '6', '7']);
        await second.commit(again);
        await admin.exec(`UPDATE ${T(t)} SET ts = '2024-01-01 00:00:09' WHERE id = 1`);
        const updated = await pollAll(second, 1);
        assert.deepEqual(ids(updated), ['1']);
        assert.deepEqual(updated[0]!.sourceOffset, { timestamp: Date.UTC(2024, 0, 1, 0, 0, 9), timestamp_nanos: 0 });
        await second.stop();
      });

      it('timestamp: keeps microseconds in the offset (timestamp_nanos) and honours timestamp.delay.interval.ms', async () => {
        const t = uniqueTable('tsmicro');
        await admin.exec(`CREATE TABLE ${T(t)} (id INT NOT NULL, ts ${target.datetime} NOT NULL)`);
        await admin.exec(
          `INSERT INTO ${T(t)} VALUES (1, '2024-01-01 00:00:00.000001'), (2, '2024-01-01 00:00:00.000002')`,
        );
        const config = sourceConfig(t, { mode: 'timestamp', 'timestamp.column.name': 'ts' });
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const one = await pollAll(first, 2);
        assert.deepEqual(one[0]!.sourceOffset, { timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 1000 });
        await first.commit(one.slice(0, 1));
        await first.stop();
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        assert.deepEqual(ids(await pollAll(second, 1)), ['2']);
        await second.stop();
        // A row from the future is not read while it is within the delay.
        const delayed = new SourceTaskHarness(new JdbcSourceTask(), {
          config: { ...config, 'timestamp.delay.interval.ms': String(100 * 365 * 86_400_000) },
        });
        await delayed.start();
        assert.deepEqual(await pollIdle(delayed), []);
        await delayed.stop();
      });

      it('timestamp+incrementing: inserts and updates in order, resumes exactly', async () => {
        const t = uniqueTable('tsinc');
        await admin.exec(`CREATE TABLE ${T(t)} (id ${target.autoId}, v INT NOT NULL, ts ${target.datetime} NOT NULL)`);
        await admin.exec(
          `INSERT INTO ${T(t)} (v, ts) VALUES (1, '2024-01-01 00:00:01'), (2, '2024-01-01 00:00:01'), (3, '2024-01-01 00:00:02')`,
        );
        const config = sourceConfig(t, {
          mode: 'timestamp+incrementing',
          'timestamp.column.name': 'ts',
          'incrementing.column.name': 'id',
          'batch.max.rows': '2',
        });
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const got = await pollAll(first, 3);
        assert.deepEqual(ids(got), ['1', '2', '3']);
        assert.deepEqual(got[1]!.sourceOffset, {
          incrementing: 2,
          timestamp: Date.UTC(2024, 0, 1, 0, 0, 1),
          timestamp_nanos: 0,
        });
        await first.commit(got.slice(0, 1));
        await first.stop();
        await admin.exec(`UPDATE ${T(t)} SET v = 10, ts = '2024-01-01 00:00:05' WHERE id = 1`);
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        const resumed = await pollAll(second, 3);
        assert.deepEqual(ids(resumed), ['2', '3', '1']);
        assert.equal((resumed[2]!.value as Struct).get('v'), 10);
        await second.stop();
      });

      it('query: a custom query with the WHERE of its mode appended, topic = topic.prefix', async () => {
        const t = uniqueTable('q');
        await admin.exec(`CREATE TABLE ${T(t)} (id INT NOT NULL, name VARCHAR(10), hidden INT)`);
        await admin.exec(`INSERT INTO ${T(t)} VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0)`);
        const config: TaskConfig = {
          'connection.url': target.url,
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          query: `SELECT id, name FROM ${T(t)}`,
          'topic.prefix': 'custom-topic',
          'batch.max.rows': '2',
          'poll.interval.ms': '100',
        };
        const first = new SourceTaskHarness(new JdbcSourceTask(), { config });
        await first.start();
        const got = await pollAll(first, 3);
        assert.deepEqual(ids(got), ['1', '2', '3']);
        assert.equal(got[0]!.topic, 'custom-topic');
        assert.deepEqual(got[0]!.sourcePartition, { query: 'query' });
        assert.deepEqual(
          got[0]!.valueSchema?.fields.map((f) => f.name),
          ['id', 'name'],
        );
        await first.commit(got.slice(0, 2));
        await first.stop();
        const second = new SourceTaskHarness(new JdbcSourceTask(), { config, store: first.store });
        await second.start();
        assert.deepEqual(ids(await pollAll(second, 1)), ['3']);
        await second.stop();
      });

      it('fails clearly on nullable incremental columns (validate.non.null) and missing columns', async () => {
        const t = uniqueTable('nullable');
        await admin.exec(`CREATE TABLE ${T(t)} (id INT, ts ${target.datetime} NULL)`);
        for (const [extra, message] of [
          [{ mode: 'incrementing', 'incrementing.column.name': 'id' }, /incrementing column id .* nullable/],
          [{ mode: 'timestamp', 'timestamp.column.name': 'ts' }, /timestamp columns \[ts\] .* nullable/],
          [{ mode: 'timestamp', 'timestamp.column.name': 'nope' }, /Column 'nope' does not exist/],
        ] as const) {
          const h = new SourceTaskHarness(new JdbcSourceTask(), { config: sourceConfig(t, extra) });
          await h.start();
          await assert.rejects(h.poll(), (e: unknown) => e instanceof ConnectError && message.test(e.message));
          await h.stop();
        }
        const relaxed = new SourceTaskHarness(new JdbcSourceTask(), {
          config: sourceConfig(t, {
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'validate.non.null': 'false',
          }),
        });
        await relaxed.start();
        assert.deepEqual(await pollIdle(relaxed), []);
        await relaxed.stop();
      });

      it('connector: lists the selected tables, splits them over tasks, notices new tables', async () => {
        const prefix = uniqueTable('multi');
        for (const n of ['a', 'b', 'c']) await admin.exec(`CREATE TABLE ${T(`${prefix}_${n}`)} (id INT NOT NULL)`);
        const connector = new JdbcSourceConnector();
        const ctx = connectorContext();
        const config = {
          'connection.url': target.url,
          mode: 'bulk',
          'topic.prefix': 'm-',
          'table.include.list': `${target.space}\\.${prefix}_.*`,
          'table.poll.interval.ms': '100',
          ...(target.name === 'PostgreSQL' ? { 'schema.pattern': target.space } : {}),
        };
        await connector.start(ctx, config);
        const tasks = await connector.taskConfigs(2);
        const id = (n: string) => ({ schema: target.space, table: `${prefix}_${n}` });
        assert.deepEqual(
          tasks.map((c) => JSON.parse(c.tables!)),
          [[id('a'), id('b')], [id('c')]],
        );
        // The task reads what the connector hands it.
        await admin.exec(`INSERT INTO ${T(`${prefix}_c`)} VALUES (1), (2)`);
        const h = new SourceTaskHarness(new JdbcSourceTask(), { config: tasks[1]! });
        await h.start();
        assert.deepEqual(ids(await pollAll(h, 2)), ['1', '2']);
        await h.stop();
        await admin.exec(`CREATE TABLE ${T(`${prefix}_d`)} (id INT NOT NULL)`);
        const deadline = Date.now() + 10_000;
        while (ctx.reconfigurations === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.ok(ctx.reconfigurations > 0, 'a new table asks for new task configs');
        assert.equal((await connector.taskConfigs(1)).length, 1);
        assert.equal(JSON.parse((await connector.taskConfigs(1))[0]!.tables!).length, 4);
        connector.stop();
        void (ctx as ConnectorContext);
      });

      describe('conformance', () => {
        runSourceConformance({
          name: `JdbcSource on ${target.name}`,
          createTask: () => new JdbcSourceTask({ maxIdleWaitMs: 3_600_000 }),
          identity: (r) => String((r.value as Struct).get('id')),
          async setup({ records, batchSize }) {
            const t = uniqueTable('conf');
            await admin.exec(`CREATE TABLE ${T(t)} (id INT NOT NULL PRIMARY KEY, name VARCHAR(20))`);
            for (let i = 1; i <= records; i++) await admin.exec(`INSERT INTO ${T(t)} VALUES (${i}, 'r${i}')`);
            return {
              config: sourceConfig(t, {
                mode: 'incrementing',
                'incrementing.column.name': 'id',
                'batch.max.rows': String(batchSize),
                'poll.interval.ms': '3600000',
              }),
              cleanup: () => admin.exec(`DROP TABLE ${T(t)}`),
            };
          },
        });
      });
    });

    describe('JdbcSink', () => {
      const sinkConfig = (extra: Record<string, string>): TaskConfig => ({
        'connection.url': target.url,
        'table.name.format': `${target.space}.\${topic}`,
        ...extra,
      });

      it('auto.create: creates the table from the schema and writes values exactly', async () => {
        const topic = uniqueTable('create');
        const task = await startSink(
          sinkConfig({ 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await task.put([
          rec(topic, order({ id: 1, price: '-1234567890123.45' })),
          rec(topic, order({ id: 2, name: null })),
        ]);
        await task.stop();
        const rows = await admin.rows(`SELECT * FROM ${T(topic)} ORDER BY id`);
        assert.equal(rows.length, 2);
        const r = rows[0]!;
        assert.equal(String(r.id), '1');
        assert.equal(r.name, 'item-1');
        assert.equal(Number(r.qty), 1);
        assert.equal(String(r.price), '-1234567890123.45');
        assert.equal(
          String(r.day instanceof Date ? r.day.toISOString().slice(0, 10) : r.day).slice(0, 10),
          '2024-01-02',
        );
        assert.equal(
          new Date(`${String(r.at instanceof Date ? r.at.toISOString() : `${r.at}Z`)}`).getTime(),
          Date.UTC(2024, 0, 1, 0, 0, 0, 1),
        );
        assert.deepEqual([...(r.raw as Buffer)], [1, 0, 255]);
        assert.equal(Boolean(Number(r.ok === true ? 1 : r.ok === false ? 0 : r.ok)), false);
        assert.equal(rows[1]!.name, null);
      });

      it('writes awkward text exactly (quotes, backslashes, braces, NULL as text, empty, spaces, unicode)', async () => {
        const topic = uniqueTable('text');
        const texts = [
          'NULL',
          'null',
          '',
          ' lead and trail ',
          'a "b" \\c',
          '{x, y}',
          'tab\tnew\nline',
          'ünï €',
          "it's",
        ];
        const task = await startSink(
          sinkConfig({ 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await task.put(texts.map((name, i) => rec(topic, order({ id: i + 1, name }))));
        await task.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT name FROM ${T(topic)} ORDER BY id`)).map((r) => r.name),
          texts,
        );
      });

      it('db.timezone: zone-less date-times are wall time in it, zoned ones keep the instant, both ways', async () => {
        const topic = uniqueTable('tz');
        const zoned = target.name === 'MariaDB' ? 'TIMESTAMP(3)' : 'TIMESTAMPTZ(3)';
        await admin.exec(
          `CREATE TABLE ${T(topic)} (id INT PRIMARY KEY, plain ${target.datetime} NOT NULL, zoned ${zoned} NOT NULL)`,
        );
        const schema = SchemaBuilder.struct()
          .field('id', Schema.INT32)
          .field('plain', Logical.TIMESTAMP)
          .field('zoned', Logical.TIMESTAMP)
          .build();
        const instant = new Date('2024-01-01T00:00:00.250Z');
        const task = await startSink(
          sinkConfig({ 'db.timezone': '+02:00', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await task.put([
          sinkRecord({
            topic,
            queue: 0,
            offset: offsetSeq++,
            valueSchema: schema,
            value: new Struct(schema).put('id', 1).put('plain', instant).put('zoned', instant),
          }),
        ]);
        await task.stop();
        const fmt = (c: string) =>
          target.name === 'MariaDB'
            ? `DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s.%f')`
            : `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`;
        // The admin session runs in UTC.
        assert.deepEqual(
          await admin.rows(`SELECT ${fmt('plain')} AS plain, ${fmt('zoned')} AS zoned FROM ${T(topic)}`),
          [{ plain: '2024-01-01 02:00:00.250000', zoned: '2024-01-01 00:00:00.250000' }],
        );
        const h = new SourceTaskHarness(new JdbcSourceTask(), {
          config: sourceConfig(topic, { mode: 'bulk', 'db.timezone': '+02:00' }),
        });
        await h.start();
        const [back] = await pollAll(h, 1);
        await h.stop();
        const value = back!.value as Struct;
        assert.equal((value.get('plain') as Date).toISOString(), instant.toISOString());
        assert.equal((value.get('zoned') as Date).toISOString(), instant.toISOString());
      });

      it('splits a batch whose values exceed one statement (20 rows of 1 MiB: more than max_allowed_packet)', async () => {
        const topic = uniqueTable('big');
        await admin.exec(
          `CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, raw ${target.name === 'MariaDB' ? 'LONGBLOB' : 'BYTEA'} NOT NULL)`,
        );
        const task = await startSink(
          sinkConfig({ 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'raw' }),
        );
        const batch = Array.from({ length: 20 }, (_, i) => {
          const value = order({ id: i + 1 });
          value.put('raw', new Uint8Array(1024 * 1024).fill(i + 1));
          return rec(topic, value);
        });
        await task.put(batch);
        await task.stop();
        const len = target.name === 'MariaDB' ? 'LENGTH(raw)' : 'octet_length(raw)';
        const rows = await admin.rows(`SELECT id, ${len} AS n FROM ${T(topic)} ORDER BY id`);
        assert.equal(rows.length, 20);
        assert.ok(rows.every((r) => Number(r.n) === 1024 * 1024));
      });

      it('insert mode: a duplicate key is a bad record, reported while the rest of the batch is written', async () => {
        const topic = uniqueTable('ins');
        const reporter = new CollectingReporter();
        const task = await startSink(
          sinkConfig({ 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
          reporter,
        );
        await task.put([rec(topic, order({ id: 1 })), rec(topic, order({ id: 2 }))]);
        const dup = rec(topic, order({ id: 2, name: 'again' }));
        await task.put([rec(topic, order({ id: 3 })), dup, rec(topic, order({ id: 4 }))]);
        await task.stop();
        assert.deepEqual(
          reporter.reported.map((r) => r.record),
          [dup],
        );
        assert.match(reporter.reported[0]!.error.message, /rejected the record/);
        assert.deepEqual(
          (await admin.rows(`SELECT id, name FROM ${T(topic)} ORDER BY id`)).map((r) => `${r.id}:${r.name}`),
          ['1:item-1', '2:item-2', '3:item-3', '4:item-4'],
        );
      });

      it('upsert: inserts new keys and replaces existing ones; the last of a key in a batch wins', async () => {
        const topic = uniqueTable('ups');
        const task = await startSink(
          sinkConfig({ 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await task.put([rec(topic, order({ id: 1 })), rec(topic, order({ id: 2 }))]);
        await task.put([
          rec(topic, order({ id: 2, name: 'two', qty: 20 })),
          rec(topic, order({ id: 3 })),
          rec(topic, order({ id: 2, name: 'TWO', qty: 22 })),
        ]);
        await task.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT id, name, qty FROM ${T(topic)} ORDER BY id`)).map(
            (r) => `${r.id}:${r.name}:${r.qty}`,
          ),
          ['1:item-1:1', '2:TWO:22', '3:item-3:3'],
        );
      });

      it('update: changes existing rows only', async () => {
        const topic = uniqueTable('upd');
        await admin.exec(`CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL)`);
        await admin.exec(`INSERT INTO ${T(topic)} VALUES (1, 'one', 1), (2, 'two', 2)`);
        const task = await startSink(
          sinkConfig({
            'insert.mode': 'update',
            'pk.mode': 'record_value',
            'pk.fields': 'id',
            'fields.whitelist': 'name,qty',
          }),
        );
        await task.put([
          rec(topic, order({ id: 2, name: 'zwei', qty: 5 })),
          rec(topic, order({ id: 9, name: 'nine' })),
        ]);
        await task.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT id, name, qty FROM ${T(topic)} ORDER BY id`)).map(
            (r) => `${r.id}:${r.name}:${r.qty}`,
          ),
          ['1:one:1', '2:zwei:5'],
        );
      });

      it('deletes rows on tombstones (delete.enabled, pk.mode=record_key), in order with writes of the same key', async () => {
        const topic = uniqueTable('del');
        const task = await startSink(
          sinkConfig({
            'auto.create': 'true',
            'insert.mode': 'upsert',
            'pk.mode': 'record_key',
            'delete.enabled': 'true',
          }),
        );
        await task.put([1, 2, 3, 4].map((id) => rec(topic, order({ id }), id)));
        await task.put([
          rec(topic, null, 2),
          rec(topic, null, 3),
          rec(topic, order({ id: 3, name: 'back' }), 3),
          rec(topic, null, 99),
        ]);
        await task.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT id, name FROM ${T(topic)} ORDER BY id`)).map((r) => `${r.id}:${r.name}`),
          ['1:item-1', '3:back', '4:item-4'],
        );
      });

      it('skips tombstones when deletes are off', async () => {
        const topic = uniqueTable('tomb');
        const task = await startSink(sinkConfig({ 'auto.create': 'true', 'pk.mode': 'record_key' }));
        await task.put([rec(topic, order({ id: 1 }), 1), rec(topic, null, 1)]);
        await task.stop();
        assert.equal(await count(topic), 1);
      });

      it('pk.mode kafka and a primitive record key', async () => {
        const kafka = uniqueTable('pkkafka');
        const task = await startSink(
          sinkConfig({ 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'kafka' }),
        );
        const r1 = rec(kafka, order({ id: 7 }));
        await task.put([r1, r1]);
        await task.stop();
        const rows = await admin.rows(`SELECT * FROM ${T(kafka)}`);
        assert.equal(rows.length, 1);
        assert.deepEqual(
          [rows[0]!.__connect_topic, Number(rows[0]!.__connect_partition), String(rows[0]!.__connect_offset)],
          [kafka, 0, String(r1.offset)],
        );

        const prim = uniqueTable('pkprim');
        const task2 = await startSink(
          sinkConfig({ 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'code' }),
        );
        const keyed = (code: string, id: number) =>
          sinkRecord({
            topic: prim,
            queue: 0,
            offset: offsetSeq++,
            keySchema: Schema.STRING,
            key: code,
            valueSchema: ORDER,
            value: order({ id }),
          });
        await task2.put([keyed('a', 1), keyed('b', 2), keyed('a', 3)]);
        await task2.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT code, id FROM ${T(prim)} ORDER BY code`)).map((r) => `${r.code}:${r.id}`),
          ['a:3', 'b:2'],
        );
      });

      it('auto.evolve adds columns for new optional fields; without it a missing column is a clear error', async () => {
        const topic = uniqueTable('evolve');
        const v1 = SchemaBuilder.struct().field('id', Schema.INT64).field('name', Schema.OPTIONAL_STRING).build();
        const v2 = SchemaBuilder.struct()
          .field('id', Schema.INT64)
          .field('name', Schema.OPTIONAL_STRING)
          .field('note', Schema.OPTIONAL_STRING)
          .field('level', SchemaBuilder.int32().defaultValue(3).build())
          .build();
        const r = (schema: typeof v1, id: number, extra: Record<string, unknown> = {}) => {
          const s = new Struct(schema).put('id', BigInt(id)).put('name', `n${id}`);
          for (const [k, v] of Object.entries(extra)) s.put(k, v);
          return sinkRecord({ topic, queue: 0, offset: offsetSeq++, valueSchema: schema, value: s });
        };
        const strict = await startSink(
          sinkConfig({ 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await strict.put([r(v1, 1)]);
        await assert.rejects(
          strict.put([r(v2, 2, { note: 'x', level: 4 })]),
          (e: unknown) =>
            e instanceof ConnectError &&
            !isRetriable(e) &&
            /missing columns 'note', 'level'.*auto\.evolve is disabled/.test(e.message),
        );
        await strict.stop();
        const evolving = await startSink(
          sinkConfig({ 'auto.create': 'true', 'auto.evolve': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }),
        );
        await evolving.put([r(v2, 2, { note: 'x', level: 4 })]);
        await evolving.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT id, note, level FROM ${T(topic)} ORDER BY id`)).map(
            (x) => `${x.id}:${x.note}:${x.level}`,
          ),
          ['1:null:3', '2:x:4'],
        );
      });

      it('a missing table without auto.create fails the task with the table name', async () => {
        const topic = uniqueTable('absent');
        const task = await startSink(sinkConfig({}));
        await assert.rejects(
          task.put([rec(topic, order({ id: 1 }))]),
          new RegExp(`${topic} is missing and auto.create is disabled`),
        );
        await task.stop();
      });

      it('bad values and constraint violations go to the reporter; the rest of the batch is written once', async () => {
        const topic = uniqueTable('bad');
        await admin.exec(
          `CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, name VARCHAR(5), qty INT NOT NULL CHECK (qty >= 0), price DECIMAL(12,2) NOT NULL,
            day DATE, at ${target.datetime} NOT NULL, raw ${target.name === 'MariaDB' ? 'BLOB' : 'BYTEA'}, ok ${target.bool} NOT NULL)`,
        );
        const reporter = new CollectingReporter();
        const task = await startSink(
          sinkConfig({ 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'batch.size': '4' }),
          reporter,
        );
        const batch = Array.from({ length: 12 }, (_, i) => rec(topic, order({ id: i + 1, name: `n${i + 1}` })));
        batch[3] = rec(topic, order({ id: 4, name: 'far too long' }));
        batch[8] = rec(topic, order({ id: 9, qty: -1 }));
        await task.put(batch);
        await task.stop();
        assert.deepEqual(
          reporter.reported.map((r) => r.record),
          [batch[3], batch[8]],
        );
        assert.deepEqual(
          (await admin.rows(`SELECT id FROM ${T(topic)} ORDER BY id`)).map((r) => Number(r.id)),
          [1, 2, 3, 5, 6, 7, 8, 10, 11, 12],
        );
      });

      it('without a reporter, a bad record fails the put and nothing of the batch is written', async () => {
        const topic = uniqueTable('noreport');
        await admin.exec(`CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, name VARCHAR(5))`);
        const task = await startSink(
          sinkConfig({ 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name' }),
          null,
        );
        await assert.rejects(
          task.put([rec(topic, order({ id: 1, name: 'ok' })), rec(topic, order({ id: 2, name: 'much too long' }))]),
          ConnectError,
        );
        await task.stop();
        assert.equal(await count(topic), 0);
      });

      it('one transaction per batch: a statement failing late leaves nothing of the batch', async () => {
        const topic = uniqueTable('atomic');
        await admin.exec(`CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, name VARCHAR(20))`);
        // A trigger refuses one row with an error that is not about the record's values.
        if (target.name === 'MariaDB') {
          await admin.exec(
            `CREATE TRIGGER ${target.q(`${topic}_guard`)} BEFORE INSERT ON ${T(topic)} FOR EACH ROW
             BEGIN IF NEW.id = 250 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by trigger'; END IF; END`,
          );
        } else {
          await admin.exec(
            `CREATE FUNCTION ${target.q(`${topic}_guard`)}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.id = 250 THEN RAISE EXCEPTION 'refused by trigger'; END IF; RETURN NEW; END $$`,
          );
          await admin.exec(
            `CREATE TRIGGER guard BEFORE INSERT ON ${T(topic)} FOR EACH ROW EXECUTE FUNCTION ${target.q(`${topic}_guard`)}()`,
          );
        }
        const task = await startSink(
          sinkConfig({ 'pk.mode': 'record_value', 'pk.fields': 'id', 'fields.whitelist': 'name', 'batch.size': '100' }),
        );
        const batch = Array.from({ length: 300 }, (_, i) => rec(topic, order({ id: i + 1 })));
        await assert.rejects(
          task.put(batch),
          (e: unknown) => e instanceof ConnectError && /refused by trigger/.test(e.message),
        );
        await task.stop();
        assert.equal(await count(topic), 0, 'the first 200 rows were rolled back with the rest');
      });

      if (target.name === 'PostgreSQL') {
        it('a connection killed in the middle of a batch: nothing committed, put is retriable, the redelivery writes all', async () => {
          const topic = uniqueTable('killed');
          await admin.exec(`CREATE TABLE ${T(topic)} (id BIGINT PRIMARY KEY, name VARCHAR(20))`);
          await admin.exec(
            `CREATE FUNCTION ${target.q(`${topic}_slow`)}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.id = 150 AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = '${topic}_done') THEN
               PERFORM pg_sleep(30); END IF; RETURN NEW; END $$`,
          );
          await admin.exec(
            `CREATE TRIGGER slow BEFORE INSERT ON ${T(topic)} FOR EACH ROW EXECUTE FUNCTION ${target.q(`${topic}_slow`)}()`,
          );
          const task = await startSink(
            sinkConfig({
              'pk.mode': 'record_value',
              'pk.fields': 'id',
              'fields.whitelist': 'name',
              'batch.size': '100',
            }),
          );
          const batch = Array.from({ length: 300 }, (_, i) => rec(topic, order({ id: i + 1 })));
          const put = task.put(batch);
          // Wait until the writer sleeps inside the trigger (rows 1-100 already inserted), then kill it.
          let killed = 0;
          for (let i = 0; i < 200 && killed === 0; i++) {
            await new Promise((r) => setTimeout(r, 50));
            const rows = await admin.rows(
              `SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity WHERE application_name = 'tributary-jdbc-sink' AND wait_event = 'PgSleep'`,
            );
            killed = rows.length;
          }
          assert.equal(killed, 1, 'the writing backend was found sleeping and terminated');
          await assert.rejects(put, (e: unknown) => e instanceof BackOffError && isRetriable(e));
          assert.equal(await count(topic), 0, 'no half batch');
          await admin.exec(`CREATE TABLE ${T(`${topic}_done`)} (x INT)`);
          await task.put(batch);
          await task.stop();
          assert.equal(await count(topic), 300);
        });
      }

      it('Debezium envelopes: c/r/u write `after`, d deletes by key', async () => {
        const topic = uniqueTable('cdc');
        const row = SchemaBuilder.struct()
          .optional()
          .name('db.t.Value')
          .field('id', Schema.INT64)
          .field('name', Schema.OPTIONAL_STRING)
          .build();
        const envelope = SchemaBuilder.struct()
          .name('db.t.Envelope')
          .field('before', row)
          .field('after', row)
          .field('op', Schema.STRING)
          .build();
        const event = (op: string, id: number, name: string | null) => {
          const afterRow = op === 'd' ? null : new Struct(row).put('id', BigInt(id)).put('name', name);
          return sinkRecord({
            topic,
            queue: 0,
            offset: offsetSeq++,
            keySchema: ORDER_KEY,
            key: new Struct(ORDER_KEY).put('id', BigInt(id)),
            valueSchema: envelope,
            value: new Struct(envelope).put('op', op).put('after', afterRow).put('before', null),
          });
        };
        const task = await startSink(
          sinkConfig({
            'auto.create': 'true',
            'insert.mode': 'upsert',
            'pk.mode': 'record_key',
            'delete.enabled': 'true',
            'debezium.unwrap': 'true',
          }),
        );
        await task.put([event('r', 1, 'one'), event('c', 2, 'two'), event('c', 3, 'three')]);
        const tomb = sinkRecord({
          topic,
          queue: 0,
          offset: offsetSeq++,
          keySchema: ORDER_KEY,
          key: new Struct(ORDER_KEY).put('id', 3n),
          value: null,
        });
        await task.put([event('u', 1, 'uno'), event('d', 3, null), tomb]);
        await task.stop();
        assert.deepEqual(
          (await admin.rows(`SELECT id, name FROM ${T(topic)} ORDER BY id`)).map((r) => `${r.id}:${r.name}`),
          ['1:uno', '2:two'],
        );
      });

      describe('conformance', () => {
        runSinkConformance({
          name: `JdbcSink on ${target.name}`,
          createTask: () => new JdbcSinkTask(),
          async setup() {
            const topicTable = uniqueTable('sinkconf');
            // seq keeps the order of first writes; the Kafka coordinates are the key, so redeliveries upsert.
            await admin.exec(
              `CREATE TABLE ${T(topicTable)} (seq ${target.name === 'MariaDB' ? 'BIGINT AUTO_INCREMENT UNIQUE' : 'BIGSERIAL'},
                __connect_topic VARCHAR(64) NOT NULL, __connect_partition INT NOT NULL, __connect_offset BIGINT NOT NULL,
                v VARCHAR(64), PRIMARY KEY (__connect_topic, __connect_partition, __connect_offset))`,
            );
            return {
              config: sinkConfig({
                'table.name.format': `${target.space}.${topicTable}`,
                'insert.mode': 'upsert',
                'pk.mode': 'kafka',
              }),
              readBack: async () =>
                (await admin.rows(`SELECT v FROM ${T(topicTable)} ORDER BY seq`)).map((r) =>
                  String(new Struct(CONFORMANCE_VALUE).put('v', String(r.v))),
                ),
              cleanup: () => admin.exec(`DROP TABLE ${T(topicTable)}`),
            };
          },
          record: (id, queue, offset) =>
            sinkRecord({
              ...queue,
              offset,
              valueSchema: CONFORMANCE_VALUE,
              value: new Struct(CONFORMANCE_VALUE).put('v', id),
            }),
        });
      });
    });
  });
}
