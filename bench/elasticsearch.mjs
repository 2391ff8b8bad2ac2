#!/usr/bin/env node
// ElasticsearchSink benchmark (issue 7): documents per second into OpenSearch (scripts/services.sh start
// opensearch; OPENSEARCH_URL overrides http://127.0.0.1:9200) or, with --server elasticsearch, into
// Elasticsearch 7.10 (scripts/services.sh start elasticsearch; ELASTICSEARCH_URL overrides :9201).
//
// - direct: schema'd records of ~500 bytes (JSON) put straight into an ElasticsearchSinkTask in batches of
//   500 (as the runtime delivers them), a preCommit every 20 batches and at the end; the clock stops when
//   the last preCommit returned (everything acknowledged). Runs over batch.size × max.in.flight.requests.
// - convert: the same records only turned into bulk NDJSON (no HTTP): the client's own ceiling.
// - worker (--worker): Generator → embedded topic (JsonConverter) → ElasticsearchSink in a standalone
//   worker in this process, until the index holds every record.
// CPU time of this process and of the server's JVM (from /proc) is printed per run, to tell which side
// limits the rate.
// Usage: npm run build && node bench/elasticsearch.mjs [--records 200000] [--worker] [--server elasticsearch]
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Schema, sinkRecord } from '@tributary/api';
import { ActionBuilder } from '../packages/connectors/dist/elasticsearch/actions.js';
import { ELASTICSEARCH_SINK_SPEC } from '../packages/connectors/dist/elasticsearch/config.js';
import { ElasticsearchSinkTask } from '../packages/connectors/dist/elasticsearch/sink.js';
import { sinkTaskContext } from '../packages/connectors/dist/testkit/index.js';
import { customerStruct, CUSTOMER_SCHEMA as schema } from './lib/customers.mjs';
import { flag, numberOption, option } from './lib/options.mjs';

const SERVER = option('server', 'opensearch');
if (SERVER !== 'opensearch' && SERVER !== 'elasticsearch') {
  console.error(`--server must be opensearch or elasticsearch, not ${SERVER}`);
  process.exit(2);
}
const OS_URL = (
  SERVER === 'elasticsearch'
    ? (process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9201')
    : (process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200')
).replace(/\/$/, '');
const RECORDS = numberOption('records', 200_000);
const PUT_BATCH = 500;
const WORKER = flag('worker');
const ROOT = new URL('..', import.meta.url).pathname;

function record(topic, i) {
  const value = customerStruct(i);
  return sinkRecord({
    topic,
    queue: 0,
    offset: i,
    keySchema: Schema.INT64,
    key: BigInt(i),
    valueSchema: schema,
    value,
  });
}

async function os(method, path, body) {
  const res = await fetch(`${OS_URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function count(index) {
  await os('POST', `/${index}/_refresh`);
  const res = await os('GET', `/${index}/_count`);
  return res.status === 200 ? res.json.count : 0;
}

/** CPU seconds (user + system) of the server's JVM (started by scripts/services.sh), from /proc; null when not found. */
function serverCpu() {
  try {
    const pid = readFileSync(join(ROOT, `.run/${SERVER}/${SERVER}.pid`), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function selfCpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function cpuNote(seconds, before) {
  const self = selfCpu() - before.self;
  const osCpu = before.os === null ? null : serverCpu() - before.os;
  return `client ${(self / seconds).toFixed(2)} cores, ${SERVER} ${osCpu === null ? '?' : (osCpu / seconds).toFixed(2)} cores`;
}

const snapshot = () => ({ self: selfCpu(), os: serverCpu() });

async function direct(batchSize, inFlight, records) {
  const topic = `bench-es-${batchSize}-${inFlight}`;
  await os('DELETE', `/${topic}`);
  const task = new ElasticsearchSinkTask();
  task.start(
    sinkTaskContext({
      config: {
        'connection.url': OS_URL,
        'batch.size': String(batchSize),
        'max.in.flight.requests': String(inFlight),
        'read.timeout.ms': '60000',
      },
    }),
  );
  // The first record creates the index with its mapping; not timed.
  await task.put([records[0]]);
  await task.preCommit([]);
  const before = snapshot();
  const start = performance.now();
  for (let i = 1, n = 0; i < records.length; i += PUT_BATCH, n++) {
    await task.put(records.slice(i, i + PUT_BATCH));
    if (n % 20 === 19) await task.preCommit([{ topic, queue: 0, offset: i + PUT_BATCH }]);
  }
  await task.preCommit([{ topic, queue: 0, offset: records.length }]);
  const seconds = (performance.now() - start) / 1000;
  const note = cpuNote(seconds, before);
  await task.stop();
  const indexed = await count(topic);
  await os('DELETE', `/${topic}`);
  if (indexed !== records.length) throw new Error(`${topic}: ${indexed} documents for ${records.length} records`);
  return { rate: (records.length - 1) / seconds, note };
}

function convertOnly(records) {
  const builder = new ActionBuilder(ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': OS_URL }));
  let bytes = 0;
  const start = performance.now();
  for (const r of records) bytes += builder.build(r).lines.length;
  const seconds = (performance.now() - start) / 1000;
  return { rate: records.length / seconds, avgBytes: bytes / records.length };
}

async function throughWorker(n) {
  const { startTestWorker } = await import('../packages/runtime/dist/test-support/helpers.js');
  const topic = 'bench-es-worker';
  await os('DELETE', `/${topic}`);
  const dir = await mkdtemp(join(tmpdir(), 'trib-bench-es-'));
  const before = snapshot();
  const start = performance.now();
  const worker = await startTestWorker(
    dir,
    {
      'plugin.path': join(ROOT, 'packages/connectors/dist/elasticsearch/index.js'),
      'key.converter': 'JsonConverter',
      'value.converter': 'JsonConverter',
      'offset.flush.interval.ms': '5000',
      'log.level': 'warn',
    },
    [
      {
        name: 'gen',
        config: {
          'connector.class': 'Generator',
          topic,
          count: String(n),
          rate: '0',
          key: 'seq',
          'record.size': '500',
        },
      },
      {
        name: 'es',
        config: {
          'connector.class': 'ElasticsearchSink',
          topics: topic,
          'connection.url': OS_URL,
          'read.timeout.ms': '60000',
        },
      },
    ],
  );
  try {
    while ((await count(topic)) < n) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await worker.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const note = cpuNote(seconds, before);
  await os('DELETE', `/${topic}`);
  return { rate: n / seconds, note };
}

const health = await os('GET', '/').catch(() => null);
if (health === null || health.status !== 200) {
  console.error(`${SERVER} is not reachable at ${OS_URL} (scripts/services.sh start ${SERVER})`);
  process.exit(1);
}
console.log(
  `ElasticsearchSink → ${health.json.version.distribution ?? 'elasticsearch'} ${health.json.version.number} at ${OS_URL}; ` +
    `${cpus().length} cores, Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const records = Array.from({ length: RECORDS + 1 }, (_, i) => record('bench', i));
const conv = convertOnly(records);
console.log(
  `convert only: ${Math.round(conv.rate).toLocaleString('en')} records/s to bulk NDJSON (${Math.round(conv.avgBytes)} bytes per action)`,
);
for (const [batchSize, inFlight] of [
  [2000, 5],
  [2000, 1],
  [500, 5],
  [5000, 2],
]) {
  const r = await direct(
    batchSize,
    inFlight,
    records.map((rec) => ({ ...rec, topic: `bench-es-${batchSize}-${inFlight}` })),
  );
  console.log(
    `direct batch.size=${batchSize} max.in.flight.requests=${inFlight}: ${Math.round(r.rate).toLocaleString('en')} docs/s (${r.note}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
if (WORKER) {
  const r = await throughWorker(Math.min(RECORDS, 100_000));
  console.log(
    `worker Generator → embedded → sink: ${Math.round(r.rate).toLocaleString('en')} docs/s (${r.note}); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
