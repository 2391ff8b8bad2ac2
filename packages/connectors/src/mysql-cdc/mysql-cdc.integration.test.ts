/**
 * MySqlCdcSource against a real MariaDB: the shared server of scripts/services.sh (binlog on, `cdc` user)
 * and, for server settings that cannot be changed on a shared server, private instances started here.
 * Skipped with a printed reason when MariaDB is unavailable, failed instead under CI=true or
 * TRIBUTARY_REQUIRE_SERVICES=1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigError,
  Decimal,
  isRetriable,
  type JsonMap,
  NotConnectedError,
  type SourceRecord,
  Struct,
  type TaskConfig,
} from '@tributary/api';
import type mysql from 'mysql2/promise';
import { CapturingLogger, InMemoryOffsetStore, runSourceConformance, SourceTaskHarness } from '../testkit/index.js';
import { decodeOffset } from './offsets.js';
import { MySqlCdcConnector, MySqlCdcTask } from './source.js';
import {
  CDC_PASSWORD,
  CDC_USER,
  MARIADB_HOST,
  MARIADB_PORT,
  mariadbGate,
  PrivateMariaDb,
  privateInstanceUnavailable,
  randomServerId,
  rootConnection,
  uniqueName,
} from './test-support.test.fixture.js';

const gate = await mariadbGate();
const privateSkip = gate.skip || (await privateInstanceUnavailable()) || false;
if (privateSkip && !gate.skip) console.log(`# SKIP private MariaDB instances: ${privateSkip}`);

const WAIT_MS = 60_000;

/** A Connect value as plain data for deep comparisons: bigints stay, Decimals and bytes become text. */
function plain(v: unknown): unknown {
  if (v instanceof Struct) {
    return Object.fromEntries(v.schema.fields.map((f) => [f.name, plain(v.getWithoutDefault(f))]));
  }
  if (v instanceof Decimal) return `dec:${v.toString()}`;
  if (v instanceof Uint8Array) return `hex:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Polls until `count` records arrived (not a timing assertion: the deadline only keeps a broken run from hanging). */
async function pollFor(h: SourceTaskHarness, count: number, what = `${count} records`): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + WAIT_MS;
  while (out.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${what}: got ${out.length}: ${out.map(describeRecord).join(' | ')}`);
    }
    out.push(...(await h.poll()));
  }
  return out;
}

/** Polls a few times and returns whatever arrived (for "nothing more arrives" checks). */
async function pollQuietly(h: SourceTaskHarness, polls = 3): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for (let i = 0; i < polls; i++) out.push(...(await h.poll()));
  return out;
}

function describeRecord(r: SourceRecord): string {
  const v = r.value as Struct | null;
  const op = v?.schema.field('op') !== undefined ? v.get('op') : v === null ? 'tombstone' : 'schema';
  return `${r.topic}:${JSON.stringify(plain(r.key), (_k, x) => (typeof x === 'bigint' ? `${x}` : x))}:${op}`;
}

function copyStore(store: InMemoryOffsetStore): InMemoryOffsetStore {
  const copy = new InMemoryOffsetStore();
  for (const { partition, offset } of store.entries()) copy.commit(partition, offset);
  return copy;
}

function op(r: SourceRecord): string {
  return r.value === null ? 'tombstone' : String((r.value as Struct).get('op'));
}

describe('MySqlCdcSource against MariaDB', { skip: gate.skip, timeout: 600_000 }, () => {
  let root: mysql.Connection;
  let db: string;
  let serverId: bigint;
  const harnesses: SourceTaskHarness[] = [];

  before(async () => {
    root = await rootConnection();
    db = uniqueName('cdc_it');
    await root.query(`CREATE DATABASE ${db}`);
    const [rows] = await root.query<mysql.RowDataPacket[]>('SELECT @@server_id AS id');
    serverId = BigInt(rows[0]!.id);
  });

  after(async () => {
    for (const h of harnesses) await h.stop().catch(() => undefined);
    await root.query(`DROP DATABASE IF EXISTS ${db}`);
    await root.end();
  });

  function config(overrides: Record<string, string>): TaskConfig {
    return {
      'database.hostname': MARIADB_HOST,
      'database.port': String(MARIADB_PORT),
      'database.user': CDC_USER,
      'database.password': CDC_PASSWORD,
      'database.server.id': randomServerId(),
      'topic.prefix': uniqueName('it'),
      'poll.interval.ms': '100',
      ...overrides,
    };
  }

  function harness(cfg: TaskConfig, store?: InMemoryOffsetStore, logger?: CapturingLogger): SourceTaskHarness {
    const h = new SourceTaskHarness(new MySqlCdcTask({ progressIntervalMs: 0 }), {
      config: cfg,
      ...(store === undefined ? {} : { store }),
      ...(logger === undefined ? {} : { logger }),
    });
    harnesses.push(h);
    return h;
  }

  it('snapshots existing rows, then streams inserts, updates and deletes as exact Debezium envelopes', async () => {
    await root.query(`CREATE TABLE ${db}.items (
      id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2), created DATETIME(3),
      updated TIMESTAMP(6) NULL, doc JSON, flags BIT(10), state ENUM('new','paid'), tags SET('a','b'),
      big BIGINT UNSIGNED, dur TIME(2), yr YEAR, day DATE, raw VARBINARY(8), ratio FLOAT, score DOUBLE)`);
    const full = `'pen', 12.30, '2024-01-15 10:00:00.123', '2024-01-15 10:00:00.123456', '{"a": [1, 2]}', b'1010000001',
      'paid', 'a,b', 18446744073709551615, '-12:34:56.78', 2024, '2024-01-15', x'00ff10', 0.1, 2.25`;
    await root.query(`INSERT INTO ${db}.items VALUES (1, ${full}), (2, 'nulls', ${Array(14).fill('NULL').join(',')})`);
    const cfg = config({ 'table.include.list': `${db}.items` });
    const prefix = cfg['topic.prefix']!;
    const h = harness(cfg);
    await h.start();

    const snapshot = await pollFor(h, 3, 'the schema event and two snapshot rows');
    const [schemaEvent, r1, r2] = snapshot as [SourceRecord, SourceRecord, SourceRecord];
    assert.equal(schemaEvent.topic, prefix);
    assert.deepEqual(plain(schemaEvent.key), { databaseName: db });
    const sv = schemaEvent.value as Struct;
    assert.match(String(sv.get('ddl')), /^CREATE TABLE `items`/);
    const change = plain((sv.get('tableChanges') as Struct[])[0]) as Record<string, unknown>;
    assert.equal(change.type, 'CREATE');
    assert.equal(change.id, `"${db}"."items"`);
    assert.deepEqual((change.table as Record<string, unknown>).primaryKeyColumnNames, ['id']);

    const expected1 = {
      id: 1,
      name: 'pen',
      price: 'dec:12.30',
      created: 1705312800123n,
      updated: '2024-01-15T10:00:00.123456Z',
      doc: '{"a": [1, 2]}',
      flags: 'hex:8102',
      state: 'paid',
      tags: 'a,b',
      big: -1n,
      dur: -45296780000n,
      yr: 2024,
      day: 19737,
      raw: 'hex:00ff10',
      ratio: 0.1,
      score: 2.25,
    };
    const nulls2 = Object.fromEntries(Object.keys(expected1).map((k) => [k, null]));
    Object.assign(nulls2, { id: 2, name: 'nulls' });
    assert.equal(r1.topic, `${prefix}.${db}.items`);
    assert.deepEqual(plain(r1.key), { id: 1 });
    assert.equal(r1.keySchema?.name, `${prefix}.${db}.items.Key`);
    assert.equal(r1.valueSchema?.name, `${prefix}.${db}.items.Envelope`);
    const v1 = plain(r1.value) as Record<string, Record<string, unknown>>;
    assert.deepEqual(v1.after, expected1);
    assert.equal(v1.before, null);
    assert.equal(v1.op, 'r');
    assert.equal(v1.transaction, null);
    const s1 = v1.source!;
    assert.deepEqual(
      { ...s1, version: undefined, ts_ms: undefined, file: undefined, pos: undefined },
      {
        version: undefined,
        connector: 'mysql',
        name: prefix,
        ts_ms: undefined,
        snapshot: 'first',
        db,
        sequence: null,
        table: 'items',
        server_id: 0n,
        gtid: null,
        file: undefined,
        pos: undefined,
        row: 0,
        thread: null,
        query: null,
      },
    );
    assert.ok(typeof s1.file === 'string' && s1.file.length > 0);
    assert.deepEqual((plain(r2.value) as Record<string, unknown>).after, nulls2);
    assert.equal((plain(r2.value) as Record<string, Record<string, unknown>>).source!.snapshot, 'last');
    assert.equal(decodeOffset(r2.sourceOffset).snapshot, null, 'the last snapshot record completes the snapshot');
    assert.equal(decodeOffset(r1.sourceOffset).snapshot?.table, `${db}.items`);

    await root.query(`INSERT INTO ${db}.items VALUES (3, ${full})`);
    await root.query(`UPDATE ${db}.items SET name = 'pencil', price = 13 WHERE id = 3`);
    await root.query(`DELETE FROM ${db}.items WHERE id = 2`);
    await root.query(`UPDATE ${db}.items SET id = 4 WHERE id = 3`);
    const changes = await pollFor(h, 7, 'c, u, d + tombstone, d + tombstone + c');
    assert.deepEqual(
      changes.map((r) => `${op(r)}:${JSON.stringify(plain(r.key))}`),
      [
        'c:{"id":3}',
        'u:{"id":3}',
        'd:{"id":2}',
        'tombstone:{"id":2}',
        'd:{"id":3}',
        'tombstone:{"id":3}',
        'c:{"id":4}',
      ],
    );
    const [c, u, d, tomb] = changes.map((r) => plain(r.value) as Record<string, Record<string, unknown>> | null) as [
      Record<string, Record<string, unknown>>,
      Record<string, Record<string, unknown>>,
      Record<string, Record<string, unknown>>,
      null,
    ];
    // The binlog decoder and the snapshot query give the same values for the same row.
    assert.deepEqual(c.after, { ...expected1, id: 3 });
    assert.equal(c.before, null);
    assert.deepEqual(u.before, { ...expected1, id: 3 });
    assert.deepEqual(u.after, { ...expected1, id: 3, name: 'pencil', price: 'dec:13.00' });
    assert.deepEqual(d.before, nulls2);
    assert.equal(d.after, null);
    assert.equal(tomb, null);
    assert.equal(changes[3]!.valueSchema, null);
    for (const v of [c, u, d]) {
      const s = v.source!;
      assert.equal(s.snapshot, 'false');
      assert.equal(s.connector, 'mysql');
      assert.equal(s.db, db);
      assert.equal(s.table, 'items');
      assert.equal(s.server_id, serverId);
      assert.match(String(s.gtid), /^\d+-\d+-\d+$/);
      assert.ok((s.pos as bigint) > 0n);
      assert.equal(s.row, 0);
    }
    assert.notEqual(c.source!.gtid, u.source!.gtid, 'one transaction each');
    const offset = decodeOffset(changes[0]!.sourceOffset);
    assert.deepEqual([offset.event, offset.row, offset.snapshot], [0, 1, null]);
    assert.ok(offset.position.gtids !== null && offset.schemas !== null);
  });

  it('picks up ALTER TABLE: later events carry the new columns, and a schema change event says so', async () => {
    await root.query(`CREATE TABLE ${db}.alt (id INT PRIMARY KEY, price DECIMAL(10,2), note VARCHAR(10))`);
    const cfg = config({ 'table.include.list': `${db}.alt` });
    const h = harness(cfg);
    await h.start();
    await pollFor(h, 1, 'the snapshot schema event');
    // Each step is streamed before the next, as in normal operation (the structure in a schema change event
    // is read when the event is processed: see the README).
    const records: SourceRecord[] = [];
    const step = async (statement: string, expect: number) => {
      await root.query(statement);
      records.push(...(await pollFor(h, expect, statement)));
    };
    await step(`INSERT INTO ${db}.alt VALUES (1, 1.50, 'a')`, 1);
    await step(`ALTER TABLE ${db}.alt ADD COLUMN qty INT NOT NULL DEFAULT 7 AFTER id`, 1);
    await step(`INSERT INTO ${db}.alt VALUES (2, 3, 2.25, 'b')`, 1);
    await step(`ALTER TABLE ${db}.alt MODIFY COLUMN price DECIMAL(12,4)`, 1);
    await step(`UPDATE ${db}.alt SET price = 9.1234 WHERE id = 2`, 1);
    await step(`ALTER TABLE ${db}.alt DROP COLUMN note`, 1);
    await step(`INSERT INTO ${db}.alt VALUES (3, 4, 1)`, 1);
    const summary = records.map((r) =>
      r.topic === cfg['topic.prefix']
        ? `ddl:${(r.value as Struct).get('ddl')}`
        : `${op(r)}:${JSON.stringify(plain((r.value as Struct).get('after')), (_k, x) => (typeof x === 'bigint' ? `${x}` : x))}`,
    );
    assert.deepEqual(summary, [
      'c:{"id":1,"price":"dec:1.50","note":"a"}',
      `ddl:ALTER TABLE ${db}.alt ADD COLUMN qty INT NOT NULL DEFAULT 7 AFTER id`,
      'c:{"id":2,"qty":3,"price":"dec:2.25","note":"b"}',
      `ddl:ALTER TABLE ${db}.alt MODIFY COLUMN price DECIMAL(12,4)`,
      'u:{"id":2,"qty":3,"price":"dec:9.1234","note":"b"}',
      `ddl:ALTER TABLE ${db}.alt DROP COLUMN note`,
      'c:{"id":3,"qty":4,"price":"dec:1.0000"}',
    ]);
    const update = records[4]!.value as Struct;
    assert.deepEqual(plain(update.get('before')), { id: 2, qty: 3, price: 'dec:2.2500', note: 'b' });
    const priceSchema = records[4]!.valueSchema!.field('after')!.schema.field('price')!.schema;
    assert.deepEqual(priceSchema.parameters, { scale: '4', 'connect.decimal.precision': '12' });
    const ddl = plain(records[1]!.value) as Record<string, unknown>;
    const table = (ddl.tableChanges as Record<string, Record<string, unknown>>[])[0]!;
    assert.equal(table.type, 'ALTER');
    assert.deepEqual(
      (table.table!.columns as Record<string, unknown>[]).map((c) => c.name),
      ['id', 'qty', 'price', 'note'],
    );
  });

  it('after a restart, decodes events written before a later ALTER with the structure they were written with', async () => {
    await root.query(`CREATE TABLE ${db}.hist (id INT PRIMARY KEY, a INT, b VARCHAR(10))`);
    const cfg = config({ 'table.include.list': `${db}.hist`, 'include.schema.changes': 'false' });
    const first = harness(cfg);
    await first.start();
    await root.query(`INSERT INTO ${db}.hist VALUES (1, 10, 'x')`);
    const one = await pollFor(first, 1);
    await first.commit(one);
    await first.stop();
    // Written while the connector is down: an event of the old structure, then the ALTER.
    await root.query(`INSERT INTO ${db}.hist VALUES (2, 20, 'y')`);
    await root.query(`ALTER TABLE ${db}.hist DROP COLUMN a`);
    await root.query(`INSERT INTO ${db}.hist VALUES (3, 'z')`);
    const second = harness(cfg, first.store);
    await second.start();
    const records = await pollFor(second, 2);
    assert.deepEqual(
      records.map((r) => plain((r.value as Struct).get('after'))),
      [
        { id: 2, a: 20, b: 'y' },
        { id: 3, b: 'z' },
      ],
    );
  });

  it('captures only the tables the include/exclude lists admit', async () => {
    for (const t of ['fa', 'fb', 'fc_x', 'fc_y']) await root.query(`CREATE TABLE ${db}.${t} (id INT PRIMARY KEY)`);
    const run = async (overrides: Record<string, string>) => {
      const cfg = config({ 'include.schema.changes': 'false', ...overrides });
      const h = harness(cfg);
      await h.start();
      await pollQuietly(h, 1);
      const id = Math.floor(Math.random() * 1e9);
      for (const t of ['fa', 'fb', 'fc_x', 'fc_y']) await root.query(`INSERT INTO ${db}.${t} VALUES (${id})`);
      await root.query(`INSERT INTO ${db}.fa VALUES (${id + 1})`);
      const prefix = `${cfg['topic.prefix']}.${db}.`;
      const records: SourceRecord[] = [];
      // The last insert (into fa, admitted by every list below) marks the end of this run's events.
      while (!records.some((r) => r.topic === `${prefix}fa` && (r.key as Struct).get('id') === id + 1)) {
        records.push(...(await pollFor(h, 1)));
      }
      await h.stop();
      return [
        ...new Set(records.filter((r) => r.topic.startsWith(prefix)).map((r) => r.topic.slice(prefix.length))),
      ].sort();
    };
    assert.deepEqual(await run({ 'table.include.list': `${db}.fa,${db}\\.fc_.*` }), ['fa', 'fc_x', 'fc_y']);
    assert.deepEqual(await run({ 'database.include.list': db, 'table.exclude.list': `${db}\\.fb,.*_y` }), [
      'fa',
      'fc_x',
    ]);
    assert.deepEqual(await run({ 'table.include.list': `${db.toUpperCase()}\\.F[AB]` }), ['fa', 'fb']);
  });

  it('resumes exactly after a restart: a big transaction split across polls continues at the right row', async () => {
    await root.query(`CREATE TABLE ${db}.rs (id INT PRIMARY KEY, v VARCHAR(60))`);
    await root.query(`CREATE TABLE ${db}.rs2 (id INT PRIMARY KEY)`);
    const cfg = config({ 'table.include.list': `${db}\\.rs.*`, 'max.batch.size': '37', 'max.queue.size': '500' });
    const setup = harness(cfg);
    await setup.start();
    const schemaEvents = await pollFor(setup, 2, 'two schema events');
    await setup.commit(schemaEvents);
    await setup.stop();
    // One transaction with several multi-row statements over two tables, then small ones.
    const values = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `(${from + i}, '${'x'.repeat(40)}${from + i}')`).join(',');
    await root.query(
      `START TRANSACTION; INSERT INTO ${db}.rs VALUES ${values(0, 400)}; INSERT INTO ${db}.rs2 VALUES (1),(2),(3); ` +
        `INSERT INTO ${db}.rs VALUES ${values(400, 400)}; UPDATE ${db}.rs SET v = 'u' WHERE id < 50; COMMIT`,
    );
    for (let i = 0; i < 5; i++) await root.query(`DELETE FROM ${db}.rs WHERE id = ${800 - 1 - i}`);
    const total = 400 + 3 + 400 + 50 + 5 * 2;
    const identity = (r: SourceRecord) => `${r.topic.split('.').pop()}:${(r.key as Struct).get('id')}:${op(r)}`;

    const reference = harness(cfg, copyStore(setup.store));
    await reference.start();
    const expected = (await pollFor(reference, total)).map(identity);
    await reference.stop();
    assert.equal(new Set(expected).size, total);

    const a = harness(cfg, copyStore(setup.store));
    await a.start();
    const polled = await pollFor(a, 500);
    // Commit up to a record in the middle of a row event: its offset has rows of that event still to come.
    const cut = polled.findIndex((r, i) => i >= 100 && decodeOffset(r.sourceOffset).row > 0) + 1;
    const cutOffset = decodeOffset(polled[cut - 1]!.sourceOffset);
    assert.ok(cut > 0 && cutOffset.row > 0, 'the commit point lies inside a row event');
    await a.commit(polled.slice(0, cut));
    await a.stop();

    const b = harness(cfg, a.store);
    await b.start();
    const resumed = await pollFor(b, total - cut);
    assert.deepEqual(
      [...polled.slice(0, cut), ...resumed].map(identity),
      expected,
      'committed part + resumed = one run',
    );
    assert.deepEqual(await pollQuietly(b), [], 'nothing beyond');
  });

  it('resumes an interrupted snapshot after the last committed row, and streams what changed meanwhile', async () => {
    await root.query(`CREATE TABLE ${db}.snap (id INT PRIMARY KEY, v INT)`);
    await root.query(`CREATE TABLE ${db}.snap_nopk (v INT)`);
    await root.query(
      `INSERT INTO ${db}.snap WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i, i FROM n`,
    );
    await root.query(`INSERT INTO ${db}.snap_nopk VALUES (1), (2), (3)`);
    const cfg = config({
      'table.include.list': `${db}\\.snap.*`,
      'include.schema.changes': 'false',
      'max.batch.size': '64',
    });
    const logger = new CapturingLogger();
    const a = harness(cfg, undefined, logger);
    await a.start();
    const polled = await pollFor(a, 300);
    await a.commit(polled.slice(0, 250));
    await a.stop();
    assert.deepEqual(decodeOffset(polled[249]!.sourceOffset).snapshot, {
      table: `${db}.snap`,
      key: [250],
      rows: 250,
      total: 250,
    });
    assert.ok(
      logger.entries.some((e) => e.message.startsWith('Snapshot progress') && typeof e.fields?.rows === 'number'),
      'progress is logged',
    );
    await root.query(`UPDATE ${db}.snap SET v = -10 WHERE id = 10`);
    await root.query(`UPDATE ${db}.snap SET v = -900 WHERE id = 900`);

    const b = harness(cfg, a.store);
    await b.start();
    const rest = await pollFor(b, 750 + 3 + 2, 'the rest of the snapshot and the two updates');
    const ids = (rs: SourceRecord[]) =>
      rs.filter((r) => r.topic.endsWith('.snap')).map((r) => (r.key as Struct).get('id'));
    assert.deepEqual(
      [...ids(polled.slice(0, 250)), ...ids(rest.filter((r) => op(r) === 'r'))],
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    const reads = rest.filter((r) => op(r) === 'r');
    const row900 = reads.find((r) => r.topic.endsWith('.snap') && (r.key as Struct).get('id') === 900)!;
    assert.equal(((row900.value as Struct).get('after') as Struct).get('v'), -900, 'the new snapshot sees the update');
    assert.equal(reads.filter((r) => r.topic.endsWith('.snap_nopk')).length, 3);
    const updates = rest
      .filter((r) => op(r) === 'u')
      .map((r) => ((r.value as Struct).get('after') as Struct).get('id'));
    assert.deepEqual(updates, [10, 900], 'changes after the first snapshot position are streamed');
  });

  it('snapshot.mode=no_data emits structures only, then streams; initial_only snapshots and stops', async () => {
    await root.query(`CREATE TABLE ${db}.modes (id INT PRIMARY KEY)`);
    await root.query(`INSERT INTO ${db}.modes VALUES (1), (2)`);
    const noData = harness(config({ 'table.include.list': `${db}.modes`, 'snapshot.mode': 'no_data' }));
    await noData.start();
    const [schema] = await pollFor(noData, 1);
    assert.equal(decodeOffset(schema!.sourceOffset).snapshot, null, 'the schema event completes a no_data snapshot');
    await root.query(`INSERT INTO ${db}.modes VALUES (3)`);
    const [created] = await pollFor(noData, 1);
    assert.deepEqual([op(created!), (created!.key as Struct).get('id')], ['c', 3]);

    const only = harness(config({ 'table.include.list': `${db}.modes`, 'snapshot.mode': 'initial_only' }));
    await only.start();
    const reads = await pollFor(only, 4);
    assert.deepEqual(
      reads.slice(1).map((r) => `${op(r)}${(r.key as Struct).get('id')}`),
      ['r1', 'r2', 'r3'],
    );
    await root.query(`INSERT INTO ${db}.modes VALUES (4)`);
    assert.deepEqual(await pollQuietly(only), []);
  });

  it('emits heartbeats carrying the position while only other tables change', async () => {
    await root.query(`CREATE TABLE ${db}.hb_in (id INT PRIMARY KEY)`);
    await root.query(`CREATE TABLE ${db}.hb_out (id INT PRIMARY KEY)`);
    const cfg = config({ 'table.include.list': `${db}.hb_in`, 'heartbeat.interval.ms': '50' });
    const h = harness(cfg);
    await h.start();
    const [schema] = await pollFor(h, 1);
    const start = decodeOffset(schema!.sourceOffset).position;
    await root.query(`INSERT INTO ${db}.hb_out VALUES (1)`);
    const [mark] = await root.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
    let beat: SourceRecord | undefined;
    const deadline = Date.now() + WAIT_MS;
    while (beat === undefined) {
      assert.ok(Date.now() < deadline, 'no heartbeat at or after the insert into the excluded table');
      beat = (await pollFor(h, 1)).find((r) => {
        const p = decodeOffset(r.sourceOffset).position;
        return p.file === mark[0]!.File && p.pos >= Number(mark[0]!.Position);
      });
    }
    assert.equal(beat.topic, `__debezium-heartbeat.${cfg['topic.prefix']}`);
    assert.deepEqual(plain(beat.key), { serverName: cfg['topic.prefix'] });
    assert.notDeepEqual(decodeOffset(beat.sourceOffset).position, start);
  });

  describe('bad input fails with the problem and the fix', () => {
    it('wrong credentials', async () => {
      const cfg = config({ 'database.password': 'wrong', 'table.include.list': `${db}.items` });
      await assert.rejects(harness(cfg).start(), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /Access denied for user 'cdc'.*database\.user and database\.password/s);
        return true;
      });
      const errors = await new MySqlCdcConnector().validate(cfg);
      assert.match(String(errors['database.password']), /Access denied/);
    });

    it('missing REPLICATION SLAVE and BINLOG MONITOR', async () => {
      const user = uniqueName('cdc_weak').slice(0, 60);
      await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'; GRANT SELECT ON *.* TO '${user}'@'%'`);
      try {
        const cfg = config({ 'database.user': user, 'database.password': 'pw' });
        await assert.rejects(harness(cfg).start(), (e: unknown) => {
          assert.match(String((e as Error).message), /lacks the REPLICATION SLAVE privilege.*GRANT REPLICATION SLAVE/s);
          assert.match(String((e as Error).message), /lacks the BINLOG MONITOR privilege.*GRANT BINLOG MONITOR/s);
          return true;
        });
        const errors = await new MySqlCdcConnector().validate(cfg);
        assert.equal(errors['database.user']?.length, 2);
      } finally {
        await root.query(`DROP USER '${user}'@'%'`);
      }
    });

    it('a table in table.include.list that does not exist', async () => {
      const cfg = config({ 'table.include.list': `${db}.items,${db}.nope` });
      await assert.rejects(
        harness(cfg).start(),
        new RegExp(`Table ${db}\\.nope of table\\.include\\.list does not exist.*Fix:`, 's'),
      );
      const errors = await new MySqlCdcConnector().validate(cfg);
      assert.match(String(errors['table.include.list']), /nope/);
      assert.deepEqual(await new MySqlCdcConnector().validate({ ...cfg, 'table.include.list': `${db}.items` }), {});
    });

    it('an unreachable server', async () => {
      const cfg = config({ 'database.port': '1', 'connect.timeout.ms': '2000' });
      await assert.rejects(
        harness(cfg).start(),
        (e: unknown) => e instanceof NotConnectedError && /:1\b/.test(e.message),
      );
      const errors = await new MySqlCdcConnector().validate(cfg);
      assert.match(String(errors['database.hostname']), /Cannot reach/);
    });
  });
});

describe('MySqlCdcSource against private MariaDB instances', { skip: privateSkip, timeout: 600_000 }, () => {
  let server: PrivateMariaDb;
  const harnesses: SourceTaskHarness[] = [];

  before(async () => {
    server = await PrivateMariaDb.create({ binlog: false });
  });

  after(async () => {
    for (const h of harnesses) await h.stop().catch(() => undefined);
    await server?.destroy();
  });

  function config(overrides: Record<string, string> = {}): TaskConfig {
    return {
      'database.hostname': '127.0.0.1',
      'database.port': String(server.port),
      'database.user': CDC_USER,
      'database.password': CDC_PASSWORD,
      'database.server.id': randomServerId(),
      'topic.prefix': 'private',
      'poll.interval.ms': '100',
      'include.schema.changes': 'false',
      ...overrides,
    };
  }

  function harness(cfg: TaskConfig, store?: InMemoryOffsetStore): SourceTaskHarness {
    const h = new SourceTaskHarness(new MySqlCdcTask(), { config: cfg, ...(store === undefined ? {} : { store }) });
    harnesses.push(h);
    return h;
  }

  async function sql(statements: string): Promise<mysql.RowDataPacket[]> {
    const conn = await server.root();
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(statements);
      return rows;
    } finally {
      await conn.end();
    }
  }

  /** Tests after the first need the binlog on (also when run alone). */
  async function withBinlog(): Promise<void> {
    const [row] = await sql('SELECT @@log_bin AS b');
    if (Number(row!.b) !== 1) await server.restart({ binlog: true });
    await sql("SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL'");
  }

  it('a server without binlog: the task and validate say to enable it', async () => {
    const fix = /enable binary logging: log_bin, binlog_format=ROW, binlog_row_image=FULL, server_id/;
    await assert.rejects(
      harness(config()).start(),
      (e: unknown) => /log_bin=OFF/.test((e as Error).message) && fix.test((e as Error).message),
    );
    const errors = await new MySqlCdcConnector().validate(config());
    assert.match(String(errors['database.hostname']), fix);
  });

  it('binlog_format and binlog_row_image other than ROW and FULL', async () => {
    await server.restart({ binlog: true });
    await sql("SET GLOBAL binlog_format = 'MIXED'");
    await assert.rejects(harness(config()).start(), /binlog_format is MIXED.*needs ROW/s);
    await sql("SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'MINIMAL'");
    await assert.rejects(harness(config()).start(), /binlog_row_image is MINIMAL.*needs FULL/s);
    const errors = await new MySqlCdcConnector().validate(config());
    assert.match(String(errors['database.hostname']), /binlog_row_image is MINIMAL/);
    await sql("SET GLOBAL binlog_row_image = 'FULL'");
    assert.deepEqual(await new MySqlCdcConnector().validate(config()), {});
  });

  it('snapshot.mode=never streams the binlog from its oldest file, without a snapshot', async () => {
    await withBinlog();
    await sql('CREATE DATABASE nv; CREATE TABLE nv.t (id INT PRIMARY KEY); INSERT INTO nv.t VALUES (1), (2)');
    const h = harness(config({ 'snapshot.mode': 'never', 'table.include.list': 'nv.t' }));
    await h.start();
    const records = await pollFor(h, 2);
    assert.deepEqual(
      records.map((r) => `${op(r)}${(r.key as Struct).get('id')}`),
      ['c1', 'c2'],
    );
    await h.stop();
  });

  it('a server restart mid-stream: polls fail as retriable, then resume after the last record returned', async () => {
    await withBinlog();
    await sql('CREATE DATABASE rst; CREATE TABLE rst.t (id INT PRIMARY KEY)');
    const h = harness(config({ 'table.include.list': 'rst.t' }));
    await h.start();
    await sql('INSERT INTO rst.t VALUES (1)');
    const before = await pollFor(h, 1);
    await server.restart({ binlog: true });
    await sql('INSERT INTO rst.t VALUES (2), (3)');
    const after: SourceRecord[] = [];
    let retriable = 0;
    const deadline = Date.now() + WAIT_MS;
    // What the runtime does: a retriable error from poll means "poll again after a back-off".
    while (after.length < 2 && Date.now() < deadline) {
      try {
        after.push(...(await h.poll()));
      } catch (e) {
        if (!isRetriable(e)) throw e;
        retriable++;
        await sleep(200);
      }
    }
    assert.ok(retriable > 0, 'the lost connection surfaced as a retriable error');
    assert.deepEqual(
      [...before, ...after].map((r) => `${op(r)}${(r.key as Struct).get('id')}`),
      ['c1', 'c2', 'c3'],
    );
    assert.deepEqual(await pollQuietly(h), []);
  });

  it('a purged binlog position: fails naming snapshot.mode=when_needed, which then takes a new snapshot', async () => {
    await withBinlog();
    await sql('CREATE DATABASE pg; CREATE TABLE pg.t (id INT PRIMARY KEY); INSERT INTO pg.t VALUES (1)');
    const cfg = config({ 'table.include.list': 'pg.t' });
    const first = harness(cfg);
    await first.start();
    const snap = await pollFor(first, 1);
    await first.commit(snap);
    await first.stop();
    await sql('INSERT INTO pg.t VALUES (2); FLUSH BINARY LOGS; INSERT INTO pg.t VALUES (3)');
    const [status] = await sql('SHOW MASTER STATUS');
    await sql(`PURGE BINARY LOGS TO '${status!.File}'`);
    const stored: JsonMap | null = await first.store.offset({ server: 'private' });
    assert.ok(stored !== null);

    await assert.rejects(harness(cfg, copyStore(first.store)).start(), (e: unknown) => {
      const m = (e as Error).message;
      assert.match(m, /is no longer on 127\.0\.0\.1:\d+.*purged/s);
      assert.match(m, /snapshot\.mode=when_needed/);
      return true;
    });
    const again = harness({ ...cfg, 'snapshot.mode': 'when_needed' }, copyStore(first.store));
    await again.start();
    const records = await pollFor(again, 3);
    assert.deepEqual(
      records.map((r) => `${op(r)}${(r.key as Struct).get('id')}`),
      ['r1', 'r2', 'r3'],
    );
  });
});

if (!gate.skip) {
  let conformanceDb: string;
  let conformanceRoot: mysql.Connection | undefined;
  runSourceConformance({
    name: 'MySqlCdcSource (snapshot)',
    // Idle polls wait until aborted.
    createTask: () => new MySqlCdcTask(),
    async setup({ records, batchSize }) {
      conformanceRoot ??= await rootConnection();
      conformanceDb ??= uniqueName('cdc_conf');
      await conformanceRoot.query(`CREATE DATABASE IF NOT EXISTS ${conformanceDb}`);
      const table = uniqueName('t');
      await conformanceRoot.query(`CREATE TABLE ${conformanceDb}.${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
      if (records > 0) {
        const rows = Array.from({ length: records }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(',');
        await conformanceRoot.query(`INSERT INTO ${conformanceDb}.${table} VALUES ${rows}`);
      }
      return {
        config: {
          'database.hostname': MARIADB_HOST,
          'database.port': String(MARIADB_PORT),
          'database.user': CDC_USER,
          'database.password': CDC_PASSWORD,
          'database.server.id': randomServerId(),
          'topic.prefix': uniqueName('conf'),
          'table.include.list': `${conformanceDb}.${table}`,
          'include.schema.changes': 'false',
          'max.batch.size': String(batchSize),
          'poll.interval.ms': '3600000',
        },
        cleanup: async () => {
          await conformanceRoot?.query(`DROP TABLE IF EXISTS ${conformanceDb}.${table}`);
        },
      };
    },
    identity: (record) => `${(record.key as Struct).get('id')}:${op(record)}`,
  });
  after(async () => {
    if (conformanceRoot !== undefined) {
      await conformanceRoot.query(`DROP DATABASE IF EXISTS ${conformanceDb}`);
      await conformanceRoot.end();
    }
  });
}
