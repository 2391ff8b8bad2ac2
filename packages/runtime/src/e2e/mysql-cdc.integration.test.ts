/**
 * MySqlCdcSource in a real worker: MariaDB binlog → MySqlCdcSource (JSON converter) → embedded topic →
 * FileStreamSink, in process (exact JSON on the wire, status, offsets, config validation, a restart) and as
 * a separate `tributary standalone` process killed with SIGKILL mid-stream (nothing lost).
 *
 * The runtime package does not depend on a MySQL client: statements go through the `mariadb` command-line
 * client. Skipped with a printed reason when MariaDB (with binlog) is unavailable; failed instead under
 * CI=true or TRIBUTARY_REQUIRE_SERVICES=1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtinPlugins } from '../plugins/registry.js';
import { startTestWorker, tempDir, waitFor } from '../test-support/helpers.js';
import { WorkerProcess } from '../test-support/worker-process.js';
import type { RunningWorker } from '../worker-lifecycle.js';

const HOST = process.env.TRIBUTARY_MARIADB_HOST ?? '127.0.0.1';
const PORT = Number(process.env.TRIBUTARY_MARIADB_PORT ?? 3306);
const run = promisify(execFile);

/** Runs SQL as root through the mariadb client; tab-separated rows. */
async function sql(statements: string): Promise<string[][]> {
  const { stdout } = await run(
    'mariadb',
    ['--protocol=tcp', '-h', HOST, '-P', String(PORT), '-uroot', '-N', '-B', '-e', statements],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2000, () => done(false));
    s.once('error', () => done(false));
    s.connect(PORT, HOST, () => done(true));
  });
}

async function unavailable(): Promise<string | undefined> {
  if (!(await reachable())) return `MariaDB at ${HOST}:${PORT} is not reachable`;
  try {
    const [row] = await sql("SELECT @@log_bin, @@binlog_format, (SELECT COUNT(*) FROM mysql.user WHERE user = 'cdc')");
    if (row?.[0] !== '1' || row[1] !== 'ROW' || row[2] === '0') {
      return `MariaDB at ${HOST}:${PORT} has no row-based binlog or no cdc user`;
    }
  } catch (e) {
    return `cannot run the mariadb client against ${HOST}:${PORT}: ${(e as Error).message}`;
  }
  return undefined;
}

async function gate(): Promise<string | false> {
  const missing = await unavailable();
  if (missing === undefined) return false;
  const reason = `${missing} (start it with: scripts/services.sh start mariadb)`;
  if (process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1') {
    test('MariaDB with binlog is available', () => {
      throw new Error(`${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    });
  } else {
    console.log(`# SKIP: ${reason}`);
  }
  return reason;
}

const skip = await gate();

const unique = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const serverId = () => String(100_000 + Math.floor(Math.random() * 2_000_000_000));

/**
 * Worker overrides that make MySqlCdcSource loadable: nothing when the built-in bundle has it, else a
 * plugin.path module re-exporting the compiled connector.
 */
async function pluginPath(dir: string): Promise<Record<string, string>> {
  if (builtinPlugins().some((p) => p.name === 'MySqlCdcSource')) return {};
  const target = fileURLToPath(new URL('../../../connectors/dist/mysql-cdc/index.js', import.meta.url));
  const file = join(dir, 'mysql-cdc-plugin.mjs');
  await writeFile(
    file,
    `import { mysqlCdcSource } from ${JSON.stringify(target)};\nexport const plugins = [mysqlCdcSource];\n`,
  );
  return { 'plugin.path': file };
}

async function readLines(path: string): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  } catch {
    return [];
  }
}

interface EnvelopeJson {
  schema: {
    name: string;
    fields: { field: string; fields?: { field: string; name?: string; parameters?: unknown }[] }[];
  };
  payload: {
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    source: Record<string, unknown>;
    op: string;
    ts_ms: number;
  };
}

describe('MySqlCdcSource in a worker', { skip, timeout: 600_000 }, () => {
  const db = unique('cdc_e2e');
  const workers: RunningWorker[] = [];
  const processes: WorkerProcess[] = [];

  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const p of processes) await p.kill();
    if (!skip) await sql(`DROP DATABASE IF EXISTS ${db}`);
  });

  function source(prefix: string, table: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
      'database.hostname': HOST,
      'database.port': String(PORT),
      'database.user': 'cdc',
      'database.password': 'cdc',
      'database.server.id': serverId(),
      'topic.prefix': prefix,
      'table.include.list': `${db}.${table}`,
      'poll.interval.ms': '100',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      ...extra,
    };
  }

  // The sink writes the JSON bytes as they are on the topic (a StringConverter reads them back as text).
  function sink(topic: string, file: string): Record<string, string> {
    return {
      'connector.class': 'FileStreamSink',
      topics: topic,
      file,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    };
  }

  it('streams snapshot and changes as Debezium JSON through the embedded broker; status, offsets, validation, restart', async () => {
    await sql(
      `CREATE DATABASE IF NOT EXISTS ${db}; CREATE TABLE ${db}.orders (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, ` +
        `price DECIMAL(10,2), placed DATETIME); INSERT INTO ${db}.orders VALUES (1, 'pen', 1.50, '2024-01-15 10:00:00'), (2, 'ink', NULL, NULL)`,
    );
    const dir = await tempDir('trib-cdc-e2e-');
    const out = join(dir, 'orders.jsonl');
    const prefix = unique('e2e');
    const topic = `${prefix}.${db}.orders`;
    const overrides = { ...(await pluginPath(dir)), 'offset.flush.interval.ms': '200', 'topic.default.queues': '1' };
    const connectors = [
      { name: 'cdc', config: source(prefix, 'orders') },
      { name: 'orders-file', config: sink(topic, out) },
    ];
    let worker = await startTestWorker(join(dir, 'data'), overrides, connectors);
    workers.push(worker);
    // Changes made before the snapshot would be part of it: let it finish first.
    await waitFor('the two snapshot rows in the sink', async () => (await readLines(out)).length >= 2, 60_000);

    await sql(
      `INSERT INTO ${db}.orders VALUES (3, 'pad', 2.25, '2024-01-16 11:30:00'); UPDATE ${db}.orders SET price = 2.00 WHERE id = 2; ` +
        `DELETE FROM ${db}.orders WHERE id = 1`,
    );
    const lines = await waitFor(
      '6 lines in the sink',
      async () => {
        const l = await readLines(out);
        return l.length >= 6 ? l : null;
      },
      60_000,
    );
    assert.equal(lines.length, 6, lines.join('\n'));
    assert.equal(lines[5], 'null', 'the tombstone after the delete');
    const events = lines.slice(0, 5).map((l) => JSON.parse(l) as EnvelopeJson);
    assert.deepEqual(
      events.map((e) => `${e.payload.op}:${(e.payload.after ?? e.payload.before)?.id}`),
      ['r:1', 'r:2', 'c:3', 'u:2', 'd:1'],
    );
    const created = events[2]!;
    assert.equal(created.schema.name, `${topic}.Envelope`);
    assert.deepEqual(
      created.schema.fields.map((f) => f.field),
      ['before', 'after', 'source', 'op', 'ts_ms', 'transaction'],
    );
    const price = created.schema.fields[1]!.fields!.find((f) => f.field === 'price')!;
    assert.equal(price.name, 'org.apache.kafka.connect.data.Decimal');
    assert.deepEqual(price.parameters, { scale: '2', 'connect.decimal.precision': '10' });
    // 2.25 = unscaled 225 = 0x00e1, base64 "AOE=" (JsonConverter's default decimal.format BASE64).
    assert.deepEqual(created.payload.after, { id: 3, name: 'pad', price: 'AOE=', placed: 1705404600000 });
    assert.equal(created.payload.before, null);
    assert.equal(created.payload.source.connector, 'mysql');
    assert.equal(created.payload.source.name, prefix);
    assert.equal(created.payload.source.db, db);
    assert.equal(created.payload.source.table, 'orders');
    assert.equal(created.payload.source.snapshot, 'false');
    assert.match(String(created.payload.source.gtid), /^\d+-\d+-\d+$/);
    assert.equal(events[0]!.payload.source.snapshot, 'first');
    assert.deepEqual(events[3]!.payload.before, { id: 2, name: 'ink', price: null, placed: null });

    const status = await worker.herder.connectorStatus('cdc');
    assert.equal(status.connector.state, 'RUNNING');
    assert.deepEqual(
      status.tasks.map((t) => t.state),
      ['RUNNING'],
    );
    const offsets = await waitFor('a committed offset', async () => {
      const o = await worker.herder.connectorOffsets('cdc');
      const mine = o.offsets.find((e) => e.partition.server === prefix);
      return mine?.offset != null && mine.offset.snapshot === undefined && typeof mine.offset.pos === 'number'
        ? mine.offset
        : null;
    });
    assert.equal(typeof offsets.file, 'string');

    // PUT /connector-plugins/{p}/config/validate reaches the server: a missing table is reported on its key.
    const infos = await worker.herder.validateConnectorConfig({
      ...source(prefix, 'nope'),
      name: 'check',
    });
    const tableErrors = infos.configs.find((c) => c.value.name === 'table.include.list')?.value.errors ?? [];
    assert.ok(
      tableErrors.some((e) => e.includes(`${db}.nope`) && e.includes('does not exist')),
      tableErrors.join('; '),
    );

    // A task that cannot start is FAILED with the problem and the fix in its trace.
    await worker.herder.createConnector('broken', source(unique('broken'), 'missing_table'));
    const failed = await waitFor('the broken task to fail', async () => {
      const s = await worker.herder.connectorStatus('broken');
      return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : null;
    });
    assert.match(String(failed.trace), /missing_table of table\.include\.list does not exist.*Fix:/s);
    await worker.herder.deleteConnector('broken');

    // A graceful restart resumes after the committed offset: the next change only, no repeats.
    await worker.stop();
    await sql(`INSERT INTO ${db}.orders VALUES (4, 'cap', 0.99, NULL)`);
    worker = await startTestWorker(join(dir, 'data'), overrides);
    workers.push(worker);
    const after = await waitFor(
      'the change made while stopped',
      async () => {
        const l = await readLines(out);
        return l.length >= 7 ? l : null;
      },
      60_000,
    );
    await sleep(500);
    const final = await readLines(out);
    assert.equal(final.length, 7, final.slice(6).join('\n'));
    assert.equal((JSON.parse(after[6]!) as EnvelopeJson).payload.after?.id, 4);
  });

  it('a worker process killed with SIGKILL mid-stream loses no change', async () => {
    const ROWS = 6000;
    await sql(`CREATE DATABASE IF NOT EXISTS ${db}; CREATE TABLE ${db}.events (id INT PRIMARY KEY, v VARCHAR(40))`);
    const dir = await tempDir('trib-cdc-kill-');
    const out = join(dir, 'events.jsonl');
    const prefix = unique('kill');
    const workerFile = join(dir, 'worker.json');
    await writeFile(
      workerFile,
      JSON.stringify({
        'worker.id': 'cdc-kill',
        'data.dir': join(dir, 'data'),
        'rest.port': 0,
        'offset.flush.interval.ms': 500,
        'log.level': 'warn',
        'topic.default.queues': 1,
        ...(await pluginPath(dir)),
      }),
    );
    const sourceFile = join(dir, 'cdc.json');
    await writeFile(
      sourceFile,
      JSON.stringify({ name: 'cdc', config: source(prefix, 'events', { 'max.batch.size': '200' }) }),
    );
    const sinkFile = join(dir, 'sink.json');
    await writeFile(sinkFile, JSON.stringify({ name: 'events-file', config: sink(`${prefix}.${db}.events`, out) }));
    const proc = new WorkerProcess(['standalone', '--worker', workerFile, sourceFile, sinkFile]);
    processes.push(proc);

    const ids = async () => {
      const seen = new Map<number, number>();
      let reads = 0;
      for (const line of await readLines(out)) {
        if (line === 'null') continue;
        const { payload } = JSON.parse(line) as EnvelopeJson;
        if (payload.op === 'r') reads++;
        const id = payload.after?.id as number;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return Object.assign(seen, { reads });
    };
    const committed = async () => {
      try {
        const doc = JSON.parse(await readFile(join(dir, 'data', 'standalone', 'offsets.json'), 'utf8'));
        return (doc.cdc?.[0]?.offset ?? null) as Record<string, unknown> | null;
      } catch {
        return null;
      }
    };
    await proc.start();
    // The (empty) snapshot's schema event committed: from here on every row arrives as a change event.
    const first = await waitFor('the snapshot offset', committed, 60_000, 50);
    // Rows arrive in multi-row INSERTs while the worker runs, is killed, and runs again.
    let written = 0;
    const writer = (async () => {
      while (written < ROWS) {
        const batch = Array.from({ length: 100 }, (_, i) => `(${written + i}, 'row ${written + i}')`).join(',');
        await sql(`INSERT INTO ${db}.events VALUES ${batch}`);
        written += 100;
        await sleep(30);
      }
    })();
    await waitFor(
      'changes in the sink and a streaming offset committed',
      async () => (await ids()).size > 1500 && (await committed())?.pos !== first.pos,
      120_000,
      50,
    );
    await proc.kill();
    const writtenAtKill = written;
    const atKill = (await ids()).size;
    await proc.start();
    await writer;
    const seen = await waitFor(
      'every row in the sink',
      async () => {
        const s = await ids();
        return s.size === ROWS ? s : null;
      },
      180_000,
      200,
    );
    assert.equal(await proc.terminate(), 0, proc.output.slice(-2000));
    const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `mysql-cdc kill -9: ${ROWS} rows, ${atKill} in the sink at the kill, ${duplicates} duplicates after the restart`,
    );
    assert.ok(atKill < ROWS, 'killed mid-stream');
    assert.equal(seen.reads, 0, 'the restart resumed from the committed binlog position (no new snapshot)');
    // A repeat is a change that existed before the kill, replayed by the source (after its committed offset) and
    // at most once more by the sink (after its committed queue offset).
    assert.ok(
      duplicates <= 2 * writtenAtKill,
      `${duplicates} repeats of ${writtenAtKill} changes made before the kill`,
    );
    assert.deepEqual(
      [...seen.keys()].sort((a, b) => a - b),
      Array.from({ length: ROWS }, (_, i) => i),
      'every row arrived',
    );
  });
});
