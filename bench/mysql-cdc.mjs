#!/usr/bin/env node
// MySQL CDC benchmark (issue 7): MySqlCdcSource driven directly (start → poll → commit, as the runtime and the
// testkit harness do), against the MariaDB of `scripts/services.sh start mariadb`.
//   snapshot   rows/s of the initial snapshot of a 1M-row table (filled once with the Sequence engine, not
//              binlogged), next to a bare mysql2 streaming SELECT of the same table (the client's ceiling)
//   streaming  change events/s while 200k rows are inserted in multi-row INSERTs of 1,000 rows (live), and
//              reading the same 200k-row backlog after a restart from an offset taken before it (catch-up)
//   worker     (--worker) the snapshot through a standalone worker in this process: MySqlCdcSource with the
//              JSON converter → embedded topic → DiscardSink, rows/s until the sink has put every row
// Usage: npx tsc -b packages/connectors packages/runtime && node bench/mysql-cdc.mjs [--rows 1000000]
//        [--changes 200000] [--runs 3] [--only snapshot|streaming|worker] [--worker] [--no-schemas] [--keep]
//        (--keep leaves the database bench_cdc for the next run)
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PluginRegistry } from '@tributary/api';
import { builtinPlugins, parseWorkerConfig, startStandalone } from '@tributary/runtime';
import mysql from 'mysql2/promise';
import { mysqlCdcSource } from '../packages/connectors/dist/mysql-cdc/index.js';
import { MySqlCdcTask } from '../packages/connectors/dist/mysql-cdc/source.js';
import { InMemoryOffsetStore, SourceTaskHarness } from '../packages/connectors/dist/testkit/index.js';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROWS = Number(arg('--rows', 1_000_000));
const CHANGES = Number(arg('--changes', 200_000));
const RUNS = Number(arg('--runs', 3));
const ONLY = arg('--only', 'all');
const KEEP = args.includes('--keep');
const WORKER = args.includes('--worker') || ONLY === 'worker';
// --no-schemas: the JSON converter without the {schema, payload} envelope (schemas.enable=false).
const SCHEMAS = !args.includes('--no-schemas');
const HOST = process.env.TRIBUTARY_MARIADB_HOST ?? '127.0.0.1';
const PORT = Number(process.env.TRIBUTARY_MARIADB_PORT ?? 3306);
const DB = 'bench_cdc';

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const root = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', multipleStatements: true });
const [[version]] = await root.query('SELECT VERSION() AS v');
console.log(`MariaDB ${version.v} at ${HOST}:${PORT}; node ${process.version}; load ${load()}`);

function taskConfig(prefix, table, extra = {}) {
  return {
    'database.hostname': HOST,
    'database.port': String(PORT),
    'database.user': 'cdc',
    'database.password': 'cdc',
    'database.server.id': String(700_000 + Math.floor(Math.random() * 1_000_000)),
    'topic.prefix': prefix,
    'table.include.list': `${DB}.${table}`,
    'include.schema.changes': 'false',
    'poll.interval.ms': '50',
    ...extra,
  };
}

const COLUMNS =
  'id INT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(100), price DECIMAL(10,2), qty INT, ' +
  'created DATETIME, note VARCHAR(120)';
const VALUES = (id) =>
  `CONCAT('customer ', ${id}), CONCAT('c', ${id}, '@example.com'), (${id} % 100000) / 100, ${id} % 1000, ` +
  `'2024-01-15 10:00:00' + INTERVAL (${id} % 86400) SECOND, 'prefers morning delivery; gate code 4711'`;

async function fillSnapshotTable() {
  const [have] = await root.query(
    "SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'snap'",
    [DB],
  );
  if (have.length > 0) {
    const [[count]] = await root.query(`SELECT COUNT(*) AS n FROM ${DB}.snap`);
    if (Number(count.n) === ROWS) return;
  }
  const started = performance.now();
  await root.query(
    `CREATE DATABASE IF NOT EXISTS ${DB}; DROP TABLE IF EXISTS ${DB}.snap; CREATE TABLE ${DB}.snap (${COLUMNS})`,
  );
  // Not binlogged: the fill is not what is measured (needs BINLOG ADMIN/SUPER, which root has).
  await root.query('SET SESSION sql_log_bin = 0');
  try {
    await root.query(`INSERT INTO ${DB}.snap SELECT seq, ${VALUES('seq')} FROM ${DB}.seq_1_to_${ROWS}`);
  } catch (e) {
    // Without the Sequence engine: multi-row INSERTs of 10,000 rows.
    if (!/seq_1_to/.test(e.message)) throw e;
    for (let from = 1; from <= ROWS; from += 10_000) {
      const rows = [];
      for (let id = from; id < Math.min(from + 10_000, ROWS + 1); id++) rows.push(`(${id}, ${VALUES(id)})`);
      await root.query(`INSERT INTO ${DB}.snap VALUES ${rows.join(',')}`);
    }
  } finally {
    await root.query('SET SESSION sql_log_bin = 1');
  }
  console.log(`filled ${DB}.snap with ${fmt(ROWS)} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function rawRead() {
  const conn = await mysql.createConnection({
    host: HOST,
    port: PORT,
    user: 'cdc',
    password: 'cdc',
    supportBigNumbers: true,
    dateStrings: true,
  });
  const started = performance.now();
  let n = 0;
  await new Promise((resolve, reject) => {
    conn.connection
      .query({ sql: `SELECT * FROM ${DB}.snap ORDER BY id`, rowsAsArray: true })
      .stream({ highWaterMark: 10_240 })
      .on('data', () => n++)
      .on('end', resolve)
      .on('error', reject);
  });
  const s = (performance.now() - started) / 1000;
  await conn.end();
  return n / s;
}

async function snapshotRun() {
  const h = new SourceTaskHarness(new MySqlCdcTask(), { config: taskConfig(`bench${Date.now()}`, 'snap') });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await h.start();
  let n = 0;
  let last = null;
  while (n < ROWS) {
    const batch = await h.poll();
    n += batch.length;
    if (batch.length > 0) last = batch;
    // What the runtime does once the broker acknowledged a batch (the offset of its last record is stored).
    if (batch.length > 0) await h.commit([batch[batch.length - 1]]);
  }
  const s = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const marker = last.at(-1).value.get('source').get('snapshot');
  await h.stop();
  if (marker !== 'last') throw new Error(`the ${fmt(n)}th record is not the snapshot's last (${marker})`);
  return { rate: n / s, seconds: s, cpu: (used.user + used.system) / 1e6 / s };
}

async function insertChanges(table, count) {
  const conn = await mysql.createConnection({ host: HOST, port: PORT, user: 'root' });
  for (let from = 1; from <= count; from += 1000) {
    const rows = [];
    for (let id = from; id < Math.min(from + 1000, count + 1); id++) rows.push(`(${id}, ${VALUES(id)})`);
    await conn.query(`INSERT INTO ${DB}.${table} VALUES ${rows.join(',')}`);
  }
  await conn.end();
}

async function streamingRun() {
  const table = `stream_${Date.now().toString(36)}`;
  await root.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (${COLUMNS})`);
  const config = taskConfig(`bench${Date.now()}`, table, { 'include.schema.changes': 'true' });
  const store = new InMemoryOffsetStore();
  const live = new SourceTaskHarness(new MySqlCdcTask(), { config, store });
  await live.start();
  // The snapshot of the empty table: one schema change event, whose offset is the position before the inserts.
  let first = [];
  while (first.length === 0) first = await live.poll();
  await live.commit(first);
  const writer = insertChanges(table, CHANGES);
  let n = 0;
  let started = 0;
  const cpu = process.cpuUsage();
  while (n < CHANGES) {
    const batch = await live.poll();
    if (batch.length > 0 && started === 0) started = performance.now();
    n += batch.length;
  }
  const liveSeconds = (performance.now() - started) / 1000;
  const liveCpu = process.cpuUsage(cpu);
  await writer;
  await live.stop();

  // Catch-up: the same 200k changes read again from the offset before them, all already in the binlog.
  const again = new SourceTaskHarness(new MySqlCdcTask(), { config, store });
  const t0 = performance.now();
  const cpu2 = process.cpuUsage();
  await again.start();
  let m = 0;
  while (m < CHANGES) {
    const batch = await again.poll();
    m += batch.length;
    if (batch.length > 0) await again.commit([batch[batch.length - 1]]);
  }
  const catchSeconds = (performance.now() - t0) / 1000;
  const catchCpu = process.cpuUsage(cpu2);
  await again.stop();
  if (!KEEP) await root.query(`DROP TABLE ${DB}.${table}`);
  return {
    live: n / liveSeconds,
    liveCpu: (liveCpu.user + liveCpu.system) / 1e6 / liveSeconds,
    catchUp: m / catchSeconds,
    catchCpu: (catchCpu.user + catchCpu.system) / 1e6 / catchSeconds,
  };
}

async function workerRun() {
  const dir = await mkdtemp(join(tmpdir(), 'trib-bench-cdc-'));
  const builtins = builtinPlugins();
  const registry = new PluginRegistry(
    builtins.some((p) => p.name === mysqlCdcSource.name) ? builtins : [...builtins, mysqlCdcSource],
  );
  const config = parseWorkerConfig({
    'data.dir': dir,
    'rest.port': '0',
    'worker.id': 'bench-cdc',
    'log.level': 'warn',
  });
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const worker = await startStandalone({ config, registry, logDestination: quiet });
  const prefix = `benchw${Date.now()}`;
  try {
    // The sink reads the bytes back with the same converter settings.
    await worker.herder.createConnector('sink', {
      'connector.class': 'DiscardSink',
      topics: `${prefix}.${DB}.snap`,
      'key.converter': 'JsonConverter',
      'value.converter': 'JsonConverter',
      'key.converter.schemas.enable': String(SCHEMAS),
      'value.converter.schemas.enable': String(SCHEMAS),
    });
    const started = performance.now();
    const cpu = process.cpuUsage();
    await worker.herder.createConnector('cdc', {
      'connector.class': 'MySqlConnector',
      ...taskConfig(prefix, 'snap'),
      'key.converter': 'JsonConverter',
      'value.converter': 'JsonConverter',
      'key.converter.schemas.enable': String(SCHEMAS),
      'value.converter.schemas.enable': String(SCHEMAS),
    });
    const put = () => worker.metrics.tasksOf('sink').reduce((n, t) => n + t.sendRate.total, 0);
    while (put() < ROWS) {
      const failed = (await worker.herder.connectorStatus('sink')).tasks.find((t) => t.state === 'FAILED');
      if (failed !== undefined) throw new Error(`the sink failed: ${failed.trace}`);
      await sleep(20);
    }
    const s = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { rate: ROWS / s, cpu: (used.user + used.system) / 1e6 / s };
  } finally {
    await worker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

try {
  if (WORKER) {
    await fillSnapshotTable();
    const rates = [];
    for (let r = 0; r < RUNS; r++) {
      const w = await workerRun();
      rates.push(w.rate);
      console.log(
        `worker run ${r + 1}: ${fmt(w.rate)} rows/s at the sink (process CPU ${w.cpu.toFixed(2)} cores); load ${load()}`,
      );
    }
    console.log(
      `worker median: ${fmt(median(rates))} rows/s (MySqlCdcSource → JsonConverter → embedded log → DiscardSink)`,
    );
  }
  if (ONLY === 'all' || ONLY === 'snapshot') {
    await fillSnapshotTable();
    const raw = [];
    const snaps = [];
    for (let r = 0; r < RUNS; r++) {
      raw.push(await rawRead());
      const s = await snapshotRun();
      snaps.push(s.rate);
      console.log(
        `snapshot run ${r + 1}: ${fmt(s.rate)} rows/s (${s.seconds.toFixed(1)} s, connector process CPU ${s.cpu.toFixed(2)} cores); ` +
          `bare mysql2 stream ${fmt(raw.at(-1))} rows/s; load ${load()}`,
      );
    }
    console.log(
      `snapshot median: ${fmt(median(snaps))} rows/s (bare mysql2 read ${fmt(median(raw))} rows/s), target ≥ 50,000`,
    );
  }
  if (ONLY === 'all' || ONLY === 'streaming') {
    const live = [];
    const catchUp = [];
    for (let r = 0; r < RUNS; r++) {
      const s = await streamingRun();
      live.push(s.live);
      catchUp.push(s.catchUp);
      console.log(
        `streaming run ${r + 1}: live ${fmt(s.live)} events/s (CPU ${s.liveCpu.toFixed(2)}), catch-up ${fmt(s.catchUp)} events/s ` +
          `(CPU ${s.catchCpu.toFixed(2)}); load ${load()}`,
      );
    }
    console.log(
      `streaming median: live ${fmt(median(live))} events/s, catch-up ${fmt(median(catchUp))} events/s, target ≥ 20,000`,
    );
  }
} finally {
  if (!KEEP) await root.query(`DROP DATABASE IF EXISTS ${DB}`);
  await root.end();
}
