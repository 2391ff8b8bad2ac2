/**
 * The seed scenario end to end, with the worker as a separate `tributary standalone` process on a real
 * RocketMQ: MariaDB rows inserted, updated and deleted flow MySqlCdcSource → RocketMQ → ElasticsearchSink
 * (OpenSearch) and → JdbcSink (PostgreSQL). After each step the index and the PostgreSQL table equal the
 * MariaDB table, also after the worker is killed with SIGKILL in the middle of a burst of changes.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { probeTcp, serviceSkipReason, tempDir, waitFor } from '../test-support/helpers.js';
import { WorkerProcess } from '../test-support/worker-process.js';

const MARIADB = { host: '127.0.0.1', port: 3306 };
const NAMESRV = '127.0.0.1:9876';
const OPENSEARCH = 'http://127.0.0.1:9200';
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

type Row = { id: number; name: string; price: string; qty: number };

async function skipReason(): Promise<string | undefined> {
  for (const [name, probe, hint] of [
    ['MariaDB', () => probeTcp(MARIADB.host, MARIADB.port), 'scripts/services.sh start mariadb'],
    ['RocketMQ', () => probeTcp('127.0.0.1', 9876), 'scripts/services.sh start rocketmq'],
    [
      'OpenSearch',
      () => fetch(`${OPENSEARCH}/_cluster/health`).then((r) => r.json()),
      'scripts/services.sh start opensearch',
    ],
    ['PostgreSQL', () => probeTcp(POSTGRES.host, POSTGRES.port), 'scripts/services.sh start postgres'],
  ] as const) {
    const reason = await serviceSkipReason(name, probe, `\`${hint}\``);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

describe('seed scenario: MariaDB → MySqlCdcSource → RocketMQ → Elasticsearch sink and JDBC sink (PostgreSQL)', {
  timeout: 600_000,
}, async () => {
  const skip = await skipReason();
  const suffix = Date.now().toString(36);
  const db = `seed_${suffix}`;
  const prefix = `seed${suffix}`;
  const topic = `${prefix}.${db}.products`;
  const index = topic.toLowerCase();
  const pgTable = `products_${suffix}`;
  let maria: mysql.Connection;
  let postgres: pg.Client;
  let worker: WorkerProcess;
  let dir: string;

  before(async () => {
    if (skip !== undefined) return;
    maria = await mysql.createConnection({ ...MARIADB, user: 'root', multipleStatements: true });
    await maria.query(
      `CREATE DATABASE ${db}; CREATE TABLE ${db}.products (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2) NOT NULL, qty INT NOT NULL)`,
    );
    const seed = Array.from({ length: 200 }, (_, i) => [i + 1, `product ${i + 1}`, `${(i + 1) * 1.25}`, i % 7]);
    await maria.query(`INSERT INTO ${db}.products VALUES ?`, [seed]);
    postgres = new pg.Client(POSTGRES);
    await postgres.connect();
    dir = await tempDir('trib-seed-');
    const workerFile = join(dir, 'worker.json');
    await writeFile(
      workerFile,
      JSON.stringify({
        'worker.id': 'seed',
        'data.dir': join(dir, 'data'),
        'rest.port': 0,
        'broker.type': 'rocketmq',
        'rocketmq.namesrv.addr': NAMESRV,
        'offset.flush.interval.ms': 1000,
        'log.level': 'warn',
      }),
    );
    const cdc = join(dir, 'cdc.json');
    await writeFile(
      cdc,
      JSON.stringify({
        name: 'mariadb-cdc',
        config: {
          'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
          'database.hostname': MARIADB.host,
          'database.port': String(MARIADB.port),
          'database.user': 'cdc',
          'database.password': 'cdc',
          'database.server.id': String(5000 + Math.floor(Math.random() * 1000)),
          'topic.prefix': prefix,
          'table.include.list': `${db}.products`,
          'snapshot.mode': 'initial',
        },
      }),
    );
    const es = join(dir, 'es.json');
    await writeFile(
      es,
      JSON.stringify({
        name: 'search',
        config: {
          'connector.class': 'ElasticsearchSink',
          topics: topic,
          'connection.url': OPENSEARCH,
          'debezium.unwrap': 'true',
          'behavior.on.null.values': 'ignore',
          'schema.ignore': 'true',
        },
      }),
    );
    const jdbc = join(dir, 'jdbc.json');
    await writeFile(
      jdbc,
      JSON.stringify({
        name: 'replica',
        config: {
          'connector.class': 'JdbcSink',
          topics: topic,
          'connection.url': `jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${POSTGRES.database}`,
          'connection.user': POSTGRES.user,
          'table.name.format': pgTable,
          'insert.mode': 'upsert',
          'pk.mode': 'record_key',
          'delete.enabled': 'true',
          'auto.create': 'true',
          'debezium.unwrap': 'true',
        },
      }),
    );
    worker = new WorkerProcess(['standalone', '--worker', workerFile, cdc, es, jdbc]);
    await worker.start(60_000);
  });

  after(async () => {
    await worker?.kill();
    if (skip !== undefined) return;
    await maria?.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    await maria?.end();
    await postgres?.query(`DROP TABLE IF EXISTS ${pgTable}`).catch(() => undefined);
    await postgres?.end();
    await fetch(`${OPENSEARCH}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  });

  const tableRows = async (): Promise<Row[]> => {
    const [rows] = await maria.query(
      `SELECT id, name, CAST(price AS CHAR) AS price, qty FROM ${db}.products ORDER BY id`,
    );
    return (rows as Row[]).map((r) => ({
      id: Number(r.id),
      name: r.name,
      price: normalize(r.price),
      qty: Number(r.qty),
    }));
  };

  const indexRows = async (): Promise<Row[]> => {
    await fetch(`${OPENSEARCH}/${index}/_refresh`, { method: 'POST' });
    const r = await fetch(`${OPENSEARCH}/${index}/_search?size=10000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { match_all: {} }, sort: [{ id: 'asc' }] }),
    });
    if (!r.ok) return [];
    const body = (await r.json()) as { hits: { hits: { _id: string; _source: Record<string, unknown> }[] } };
    return body.hits.hits.map((h) => ({
      id: Number(h._source.id),
      name: String(h._source.name),
      price: normalize(String(h._source.price)),
      qty: Number(h._source.qty),
    }));
  };

  const postgresRows = async (): Promise<Row[]> => {
    try {
      const r = await postgres.query(`SELECT id, name, price::text AS price, qty FROM ${pgTable} ORDER BY id`);
      return r.rows.map((x) => ({ id: Number(x.id), name: x.name, price: normalize(x.price), qty: Number(x.qty) }));
    } catch {
      return [];
    }
  };

  const converge = async (what: string) => {
    const expected = await tableRows();
    await waitFor(
      `${what}: index and replica equal the table (${expected.length} rows)`,
      async () => {
        const [es, pgRows] = await Promise.all([indexRows(), postgresRows()]);
        return JSON.stringify(es) === JSON.stringify(expected) && JSON.stringify(pgRows) === JSON.stringify(expected);
      },
      120_000,
      500,
    );
    assert.deepEqual(await indexRows(), expected);
    assert.deepEqual(await postgresRows(), expected);
  };

  it('snapshot: the index and the replica equal the table', { skip }, async () => {
    await converge('after the snapshot');
  });

  it('inserts, updates and deletes', { skip }, async () => {
    await maria.query(`INSERT INTO ${db}.products VALUES (1001, 'new one', 9.99, 1), (1002, 'new two', 19.99, 2)`);
    await converge('after inserts');
    await maria.query(`UPDATE ${db}.products SET price = price + 1.01, name = CONCAT(name, ' v2') WHERE id % 10 = 0`);
    await converge('after updates');
    await maria.query(`DELETE FROM ${db}.products WHERE id % 3 = 0`);
    await converge('after deletes');
  });

  it('a kill -9 of the worker mid-stream loses nothing', { skip }, async () => {
    const burst = (async () => {
      for (let i = 0; i < 40; i++) {
        const base = 2000 + i * 50;
        const values = Array.from({ length: 50 }, (_, j) => [base + j, `burst ${base + j}`, `${j}.50`, j]);
        await maria.query(`INSERT INTO ${db}.products VALUES ?`, [values]);
        await maria.query(`UPDATE ${db}.products SET qty = qty + 100 WHERE id BETWEEN ${base} AND ${base + 24}`);
        await maria.query(`DELETE FROM ${db}.products WHERE id BETWEEN ${base + 45} AND ${base + 49}`);
        await sleep(50);
      }
    })();
    await sleep(1000);
    await worker.kill();
    await burst;
    await worker.start(60_000);
    await converge('after kill -9 and restart');
  });
});

/** Decimal text without trailing zeros of the fraction (MariaDB '1.50', OpenSearch 1.5, PostgreSQL '1.50'). */
function normalize(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
