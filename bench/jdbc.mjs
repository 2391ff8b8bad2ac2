#!/usr/bin/env node
// JdbcSink and JdbcSource benchmark (issue 7) against the local PostgreSQL and MariaDB
// (scripts/services.sh start postgres mariadb).
//
// - sink: schema'd records (8 fields: int64 key, strings, int32, Decimal, boolean, Timestamp) put straight
//   into a JdbcSinkTask in batches (each put = one transaction), in three runs per batch size:
//   insert into an empty table, upsert of new keys into an empty table, upsert of the same keys again
//   (every row updated). The clock stops when the last put returned (committed). Each run checks the count.
// - source: a JdbcSourceTask reading a table of N rows in incrementing mode until every row came back.
// CPU of this process and of the database server processes (from /proc) is printed per run, with the
// load average, to tell which side limits the rate.
//
// Usage: npx tsc -b packages/connectors && node bench/jdbc.mjs [--records 200000] [--batches 1000,5000]
//        [--only pg|maria] [--skip-source]
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Decimal, Logical, Schema, SchemaBuilder, Struct, sinkRecord } from '@tributary/api';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { JdbcSinkTask } from '../packages/connectors/dist/jdbc/sink.js';
import { JdbcSourceTask } from '../packages/connectors/dist/jdbc/source.js';
import { SourceTaskHarness, sinkTaskContext } from '../packages/connectors/dist/testkit/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RECORDS = Number(opt('--records', '200000'));
const BATCHES = opt('--batches', '1000,5000').split(',').map(Number);
const ONLY = opt('--only', '');
const SKIP_SOURCE = args.includes('--skip-source');
const RUN = `bench_jdbc_${Date.now().toString(36)}`;

const schema = SchemaBuilder.struct()
  .name('bench.orders.Value')
  .field('id', Schema.INT64)
  .field('customer', Schema.STRING)
  .field('email', Schema.OPTIONAL_STRING)
  .field('qty', Schema.INT32)
  .field('price', Logical.decimal(2))
  .field('active', Schema.BOOLEAN)
  .field('created', Logical.TIMESTAMP)
  .field('note', Schema.OPTIONAL_STRING)
  .build();

function records(topic, from, count, round) {
  const out = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = from + k;
    out[k] = sinkRecord({
      topic,
      queue: 0,
      offset: i,
      valueSchema: schema,
      value: new Struct(schema)
        .put('id', BigInt(i))
        .put('customer', `Customer number ${i} of the benchmark`)
        .put('email', `customer.${i}@example.com`)
        .put('qty', (i + round) % 1000)
        .put('price', new Decimal(BigInt(123456 + i + round), 2))
        .put('active', (i + round) % 2 === 0)
        .put('created', new Date(1705320000000 + i * 1000 + round))
        .put('note', i % 3 === 0 ? null : `note ${round} for order ${i}`),
    });
  }
  return out;
}

/** utime+stime (clock ticks) of every process whose command name matches. */
function serverTicks(pattern) {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!pattern.test(comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

async function measure(serverPattern, body) {
  const cpu0 = process.cpuUsage();
  const ticks0 = serverTicks(serverPattern);
  const t0 = performance.now();
  await body();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds,
    client: (cpu.user + cpu.system) / 1e6 / seconds,
    server: (serverTicks(serverPattern) - ticks0) / 100 / seconds,
  };
}

function line(what, n, m) {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `${what.padEnd(52)} ${String(Math.round(n / m.seconds)).padStart(8)} rows/s  ` +
      `(${n} in ${m.seconds.toFixed(2)} s; CPU client ${m.client.toFixed(2)}, server ${m.server.toFixed(2)} cores; load ${load})`,
  );
}

const targets = [
  {
    name: 'PostgreSQL',
    key: 'pg',
    url: `jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=${RUN}`,
    server: /^postgres/,
    async admin() {
      const c = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
      await c.connect();
      return {
        exec: (sql) => c.query(sql),
        count: async (t) => Number((await c.query(`SELECT count(*) AS n FROM ${RUN}."${t}"`)).rows[0].n),
        setup: () => c.query(`CREATE SCHEMA ${RUN}`),
        teardown: () => c.query(`DROP SCHEMA ${RUN} CASCADE`),
        close: () => c.end(),
        q: (t) => `${RUN}."${t}"`,
      };
    },
  },
  {
    name: 'MariaDB',
    key: 'maria',
    url: `jdbc:mariadb://127.0.0.1:3306/${RUN}?user=root`,
    server: /^(mariadbd|mysqld)$/,
    async admin() {
      const c = await createConnection({ host: '127.0.0.1', user: 'root' });
      return {
        exec: (sql) => c.query(sql),
        count: async (t) => Number((await c.query(`SELECT count(*) AS n FROM ${RUN}.\`${t}\``))[0][0].n),
        setup: () => c.query(`CREATE DATABASE ${RUN}`),
        teardown: () => c.query(`DROP DATABASE ${RUN}`),
        close: () => c.end(),
        q: (t) => `${RUN}.\`${t}\``,
      };
    },
  },
].filter((t) => ONLY === '' || t.key === ONLY);

async function sinkRun(target, admin, table, mode, batch, round) {
  const task = new JdbcSinkTask();
  await task.start({
    ...sinkTaskContext({
      config: {
        'connection.url': target.url,
        'table.name.format': table,
        'insert.mode': mode,
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'auto.create': 'true',
        'batch.size': String(batch),
      },
    }),
    errantRecordReporter: null,
  });
  // Records are built before the clock starts: the run measures the sink, not the test data.
  const all = [];
  for (let from = 0; from < RECORDS; from += batch)
    all.push(records(table, from, Math.min(batch, RECORDS - from), round));
  const m = await measure(target.server, async () => {
    for (const b of all) await task.put(b);
    await task.flush([]);
  });
  await task.stop();
  const n = await admin.count(table);
  if (n !== RECORDS) throw new Error(`${table}: ${n} rows, expected ${RECORDS}`);
  return m;
}

for (const target of targets) {
  const admin = await target.admin();
  await admin.setup();
  try {
    console.log(`\n${target.name} sink (${RECORDS} records per run, one transaction per put)`);
    for (const batch of BATCHES) {
      const ins = `ins_${batch}`;
      line(`insert, batches of ${batch}`, RECORDS, await sinkRun(target, admin, ins, 'insert', batch, 0));
      const ups = `ups_${batch}`;
      line(`upsert (new keys), batches of ${batch}`, RECORDS, await sinkRun(target, admin, ups, 'upsert', batch, 0));
      line(
        `upsert (existing keys), batches of ${batch}`,
        RECORDS,
        await sinkRun(target, admin, ups, 'upsert', batch, 1),
      );
    }
    if (!SKIP_SOURCE) {
      console.log(`${target.name} source (incrementing mode, table of ${RECORDS} rows)`);
      for (const rows of [100, 1000, 5000]) {
        const h = new SourceTaskHarness(new JdbcSourceTask(), {
          config: {
            'connection.url': target.url,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'topic.prefix': 'bench-',
            'batch.max.rows': String(rows),
            tables: JSON.stringify([`${RUN}.ins_${BATCHES[0]}`]),
          },
        });
        await h.start();
        let n = 0;
        const m = await measure(target.server, async () => {
          while (n < RECORDS) n += (await h.poll()).length;
        });
        await h.stop();
        line(`source, batch.max.rows=${rows}`, n, m);
      }
    }
  } finally {
    await admin.teardown();
    await admin.close();
  }
}
