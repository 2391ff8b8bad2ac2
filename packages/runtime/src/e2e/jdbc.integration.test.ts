/**
 * The seed scenario of issue 7 in a real worker: a MariaDB table → JdbcSource (timestamp+incrementing) →
 * embedded topic (JsonConverter with schemas) → JdbcSink (upsert) → a PostgreSQL table. After inserts,
 * updates and a worker restart the two tables are equal, except the one row the target's CHECK constraint
 * rejects: that record is in the dead-letter topic (`errors.tolerance=all`) and every other row is written.
 *
 * SQL goes through the `mariadb` and `psql` command-line clients (the runtime package has no database
 * client). The plugins are loaded through `plugin.path` (the connectors package's jdbc folder exports
 * `plugins`), which also works once they are registered among the built-in connectors. Skipped with a
 * printed reason when a database is unreachable; failed instead under CI=true or TRIBUTARY_REQUIRE_SERVICES=1.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestWorker, tempDir, waitFor } from '../test-support/helpers.js';
import type { RunningWorker } from '../worker-lifecycle.js';

const MARIADB_HOST = process.env.TRIBUTARY_MARIADB_HOST ?? '127.0.0.1';
const MARIADB_PORT = Number(process.env.TRIBUTARY_MARIADB_PORT ?? 3306);
const PG_HOST = process.env.TRIBUTARY_PG_HOST ?? '127.0.0.1';
const PG_PORT = Number(process.env.TRIBUTARY_PG_PORT ?? 5432);
const RUN = `trib_e2e_${Date.now().toString(36)}_${process.pid}`;
const PLUGIN_PATH = fileURLToPath(new URL('./jdbc/index.js', import.meta.resolve('@tributary/connectors')));
const run = promisify(execFile);

/** Runs SQL on MariaDB as root; tab-separated rows. */
async function maria(statements: string, database?: string): Promise<string[][]> {
  const args = ['--protocol=tcp', '-h', MARIADB_HOST, '-P', String(MARIADB_PORT), '-uroot', '-N', '-B'];
  if (database !== undefined) args.push(database);
  const { stdout } = await run('mariadb', [...args, '-e', statements], { maxBuffer: 64 * 1024 * 1024 });
  return rows(stdout);
}

/** Runs SQL on PostgreSQL (database `test`) as postgres; tab-separated rows. */
async function psql(statements: string): Promise<string[][]> {
  const { stdout } = await run(
    'psql',
    [
      '-X',
      '-q',
      '-At',
      '-F',
      '\t',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      PG_HOST,
      '-p',
      String(PG_PORT),
      '-U',
      'postgres',
      '-d',
      'test',
      '-c',
      statements,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return rows(stdout);
}

function rows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

async function gate(): Promise<string | false> {
  const missing: string[] = [];
  try {
    await maria('SELECT 1');
  } catch (e) {
    missing.push(
      `MariaDB at ${MARIADB_HOST}:${MARIADB_PORT} (${(e as Error).message.split('\n')[0]}; scripts/services.sh start mariadb)`,
    );
  }
  try {
    await psql('SELECT 1');
  } catch (e) {
    missing.push(
      `PostgreSQL at ${PG_HOST}:${PG_PORT} (${(e as Error).message.split('\n')[0]}; scripts/services.sh start postgres)`,
    );
  }
  if (missing.length === 0) return false;
  const reason = `not reachable: ${missing.join('; ')}`;
  if (process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1') {
    test('MariaDB and PostgreSQL are available', () => {
      throw new Error(`${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    });
  } else {
    console.log(`# SKIP: ${reason}`);
  }
  return reason;
}

const skip = await gate();

const TOPIC = `e2e-${RUN}-orders`;
const DLQ = `e2e-${RUN}-dlq`;
const BAD_ID = '37';

/** The rows both sides should hold, as text: id, name, qty, price, updated_at (microseconds). */
async function source(): Promise<string[][]> {
  return maria(
    `SELECT id, name, qty, price, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM orders ORDER BY id`,
    RUN,
  );
}

async function target(): Promise<string[][]> {
  return psql(
    `SELECT id, name, qty, price, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US') FROM ${RUN}.orders ORDER BY id`,
  );
}

/** The source rows without the one PostgreSQL rejects. */
async function expected(): Promise<string[][]> {
  return (await source()).filter((r) => r[0] !== BAD_ID);
}

const connectors: { name: string; config: Record<string, string> }[] = [
  {
    name: 'maria-orders',
    config: {
      'connector.class': 'JdbcSource',
      'connection.url': `jdbc:mariadb://${MARIADB_HOST}:${MARIADB_PORT}/${RUN}?user=root`,
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'updated_at',
      'incrementing.column.name': 'id',
      'table.whitelist': 'orders',
      'topic.prefix': `e2e-${RUN}-`,
      'poll.interval.ms': '200',
      'batch.max.rows': '50',
    },
  },
  {
    name: 'pg-orders',
    config: {
      'connector.class': 'JdbcSink',
      topics: TOPIC,
      'connection.url': `jdbc:postgresql://${PG_HOST}:${PG_PORT}/test?user=postgres&currentSchema=${RUN}`,
      'table.name.format': 'orders',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': DLQ,
      'errors.deadletterqueue.context.headers.enable': 'true',
    },
  },
];

async function readDeadLetters(worker: RunningWorker): Promise<{ value: string; headers: Record<string, string> }[]> {
  const d = await worker.broker.describeTopic(DLQ);
  if (d === null) return [];
  const consumer = worker.broker.createConsumer();
  try {
    consumer.assign(Array.from({ length: d.queues }, (_, queue) => ({ topic: DLQ, queue })));
    for (let q = 0; q < d.queues; q++) consumer.seek({ topic: DLQ, queue: q }, 'earliest');
    const messages = await consumer.poll(100, 200);
    const text = new TextDecoder();
    return messages.map((m) => ({
      value: m.value === null ? '' : text.decode(m.value),
      headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value === null ? '' : text.decode(h.value)])),
    }));
  } finally {
    await consumer.close();
  }
}

describe('MariaDB → JdbcSource → embedded topic → JdbcSink → PostgreSQL', { skip, timeout: 300_000 }, () => {
  before(async () => {
    await maria(
      `CREATE DATABASE ${RUN}; CREATE TABLE ${RUN}.orders (
         id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INT NOT NULL,
         price DECIMAL(10,2) NOT NULL, updated_at DATETIME(3) NOT NULL)`,
    );
    // The target refuses negative quantities: the one source row with qty < 0 is a bad record for it.
    await psql(
      `CREATE SCHEMA ${RUN}; CREATE TABLE ${RUN}.orders (
         id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INT NOT NULL CHECK (qty >= 0),
         price NUMERIC(10,2) NOT NULL, updated_at TIMESTAMP(3) NOT NULL)`,
    );
  });

  after(async () => {
    await maria(`DROP DATABASE IF EXISTS ${RUN}`).catch(() => undefined);
    await psql(`DROP SCHEMA IF EXISTS ${RUN} CASCADE`).catch(() => undefined);
  });

  it('keeps the tables equal through inserts, updates and a restart; the rejected row is dead-lettered', async () => {
    // Rows 1..120, timestamps in the past (the source reads rows older than the database clock).
    const values = Array.from({ length: 120 }, (_, i) => {
      const id = i + 1;
      const qty = String(id) === BAD_ID ? -5 : id % 7;
      return `(${id}, 'item-${id}', ${qty}, ${id}.${String(id % 100).padStart(2, '0')}, '2024-01-01 00:00:00.000' + INTERVAL ${id} SECOND)`;
    });
    await maria(`INSERT INTO orders (id, name, qty, price, updated_at) VALUES ${values.join(',')}`, RUN);

    const dataDir = await tempDir('trib-jdbc-e2e-');
    const overrides = {
      'plugin.path': PLUGIN_PATH,
      'key.converter': 'JsonConverter',
      'value.converter': 'JsonConverter',
    };
    let worker = await startTestWorker(dataDir, overrides, connectors);
    try {
      await waitFor('the inserted rows in PostgreSQL', async () => (await target()).length === 119, 120_000, 200);
      assert.deepEqual(await target(), await expected());

      // Updates (later timestamps), including one of rows that share a timestamp, and new rows.
      await maria(
        `UPDATE orders SET name = CONCAT(name, '-v2'), qty = qty + 100, updated_at = '2024-01-02 00:00:00.500'
          WHERE id % 6 = 0;
         INSERT INTO orders (name, qty, price, updated_at) VALUES
          ('late-1', 1, 0.01, '2024-01-02 00:00:00.500'), ('late-2', 2, 99999999.99, '2024-01-02 00:00:01')`,
        RUN,
      );
      await waitFor(
        'the updates and new rows in PostgreSQL',
        async () => JSON.stringify(await target()) === JSON.stringify(await expected()),
        120_000,
        200,
      );

      const dead = await waitFor('the rejected row in the dead-letter topic', async () => {
        const d = await readDeadLetters(worker);
        return d.length > 0 ? d : undefined;
      });
      assert.equal(dead.length, 1, 'exactly one dead letter');
      const payload = JSON.parse(dead[0]!.value) as { payload: { id: number; qty: number } };
      assert.equal(String(payload.payload.id), BAD_ID);
      assert.equal(payload.payload.qty, -5);
      assert.match(dead[0]!.headers['__connect.errors.exception.message'] ?? '', /check constraint/i);
      const status = await worker.herder.connectorStatus('pg-orders');
      assert.deepEqual(
        status.tasks.map((t) => t.state),
        ['RUNNING'],
      );
    } finally {
      await worker.stop();
    }

    // While the worker is down: more changes. The restarted source resumes from its committed offset.
    await maria(
      `UPDATE orders SET price = price + 1, updated_at = '2024-01-03 00:00:00' WHERE id IN (1, 2, 3);
       INSERT INTO orders (name, qty, price, updated_at) VALUES ('after-restart', 3, 3.33, '2024-01-03 00:00:01')`,
      RUN,
    );
    worker = await startTestWorker(dataDir, overrides);
    try {
      await waitFor(
        'the changes made while the worker was down',
        async () => JSON.stringify(await target()) === JSON.stringify(await expected()),
        120_000,
        200,
      );
      assert.equal((await target()).length, 122);
      assert.equal((await readDeadLetters(worker)).length, 1, 'the restart did not re-read old rows into the DLQ');
    } finally {
      await worker.stop();
    }
  });
});
