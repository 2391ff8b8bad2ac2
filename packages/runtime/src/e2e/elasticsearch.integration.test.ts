/**
 * ElasticsearchSink run by the runtime against a real OpenSearch node (scripts/services.sh start opensearch;
 * OPENSEARCH_URL overrides http://127.0.0.1:9200):
 * - in process: Generator → embedded topic (JsonConverter) → ElasticsearchSink, documents counted and
 *   compared; a malformed document goes to the dead-letter topic while the others are indexed;
 * - as a separate worker process killed with SIGKILL mid-stream and started again: the index ends with
 *   exactly the generated documents (ids are the record keys, so replays overwrite).
 *
 * The plugin is loaded through `plugin.path` (the connectors package's elasticsearch folder exports
 * `plugins`), which also works once it is registered among the built-in connectors.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTestWorker, tempDir, waitFor } from '../test-support/helpers.js';
import { WorkerProcess } from '../test-support/worker-process.js';

const OS_URL = (process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200').replace(/\/$/, '');
const RUN = `${Date.now().toString(36)}${process.pid}`;
const PLUGIN_PATH = fileURLToPath(new URL('./elasticsearch/index.js', import.meta.resolve('@tributary/connectors')));

async function gate(): Promise<string | false> {
  try {
    const res = await fetch(`${OS_URL}/_cluster/health?wait_for_status=yellow&timeout=10s`, {
      signal: AbortSignal.timeout(15_000),
    });
    if (res.ok) return false;
  } catch {
    // unreachable
  }
  const reason = `OpenSearch is not reachable at ${OS_URL} (start it with: scripts/services.sh start opensearch)`;
  if (process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1') {
    test('OpenSearch is available', () => {
      throw new Error(`${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    });
  } else {
    console.log(`# SKIP: ${reason}`);
  }
  return reason;
}

const skip = await gate();

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the server, read field by field in assertions.
type Json = any;

async function os(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${OS_URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text) };
}

async function count(index: string): Promise<number> {
  await os('POST', `/${index}/_refresh`);
  const res = await os('GET', `/${index}/_count`);
  return res.status === 200 ? (res.json.count as number) : 0;
}

/** Every document of an index (search_after over _id), as [_id, _source]. */
async function allDocuments(index: string): Promise<Array<[string, Json]>> {
  await os('POST', `/${index}/_refresh`);
  const out: Array<[string, Json]> = [];
  let after: unknown[] | undefined;
  for (;;) {
    const res = await os('POST', `/${index}/_search`, {
      size: 10_000,
      sort: [{ seq: 'asc' }],
      ...(after === undefined ? {} : { search_after: after }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const hits = res.json.hits.hits as Json[];
    if (hits.length === 0) return out;
    for (const h of hits) out.push([h._id, h._source]);
    after = hits[hits.length - 1].sort;
  }
}

/** Checks that the index holds exactly the documents of seq 0..n-1 of one generator task, id = seq. */
async function assertExactly(index: string, n: number): Promise<void> {
  const docs = await allDocuments(index);
  assert.equal(docs.length, n, 'one document per generated record');
  docs.forEach(([id, source], i) => {
    assert.equal(id, String(i));
    assert.equal(source.seq, i);
    assert.equal(source.task, 0);
    assert.match(source.name, /^[a-z]+-\d+$/);
    assert.match(source.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof source.payload, 'string');
  });
}

function sinkConfig(topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'connector.class': 'ElasticsearchSink',
    topics: topic,
    'connection.url': OS_URL,
    'read.timeout.ms': '30000',
    ...extra,
  };
}

function generatorConfig(topic: string, count: number, rate: number): Record<string, string> {
  return {
    'connector.class': 'Generator',
    topic,
    count: String(count),
    rate: String(rate),
    key: 'seq',
    'record.size': '300',
  };
}

describe('ElasticsearchSink in the runtime', { skip, timeout: 600_000 }, () => {
  const indices: string[] = [];
  const processes: WorkerProcess[] = [];
  after(async () => {
    for (const p of processes) await p.kill();
    for (const index of indices) await os('DELETE', `/${index}`);
  });

  it('Generator → embedded topic → ElasticsearchSink: every record one document, mapped from its schema', async () => {
    const topic = `e2e-gen-${RUN}`;
    indices.push(topic);
    const n = 5000;
    const worker = await startTestWorker(
      await tempDir('trib-es-e2e-'),
      { 'plugin.path': PLUGIN_PATH, 'key.converter': 'JsonConverter', 'value.converter': 'JsonConverter' },
      [
        { name: 'gen', config: generatorConfig(topic, n, 0) },
        { name: 'es', config: sinkConfig(topic) },
      ],
    );
    try {
      await waitFor('every generated record indexed', async () => (await count(topic)) >= n, 120_000, 250);
      const status = await worker.herder.connectorStatus('es');
      assert.equal(status.connector.state, 'RUNNING');
      assert.deepEqual(
        status.tasks.map((t) => t.state),
        ['RUNNING'],
      );
    } finally {
      await worker.stop();
    }
    await assertExactly(topic, n);
    const mapping = (await os('GET', `/${topic}/_mapping`)).json[topic].mappings.properties;
    assert.deepEqual(mapping.seq, { type: 'long' });
    assert.equal(mapping.timestamp.type, 'date');
    assert.deepEqual(mapping.amount, { type: 'double' });
  });

  it('a malformed document goes to the dead-letter topic; the others are indexed', async () => {
    const topic = `e2e-dlq-${RUN}`;
    const dlq = `e2e-dlq-errors-${RUN}`;
    indices.push(topic);
    const worker = await startTestWorker(
      await tempDir('trib-es-e2e-'),
      {
        'plugin.path': PLUGIN_PATH,
        'key.converter': 'StringConverter',
        'value.converter': 'JsonConverter',
        'value.converter.schemas.enable': 'false',
      },
      [
        {
          name: 'es-dlq',
          config: sinkConfig(topic, {
            'schema.ignore': 'true',
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': dlq,
          }),
        },
      ],
    );
    try {
      const text = (s: string) => new TextEncoder().encode(s);
      const send = (key: string, value: string) =>
        worker.broker.send([
          { topic, queue: 0, key: text(key), value: text(value), headers: [], timestamp: Date.now() },
        ]);
      await worker.broker.ensureTopic(topic, 1);
      await send('a', '{"n":1}');
      await waitFor('the first document (it fixes the mapping of n)', async () => (await count(topic)) === 1, 60_000);
      await send('b', '{"n":"not a number"}');
      await send('c', '{"n":3}');
      await waitFor('the third document', async () => (await count(topic)) === 2, 60_000);
      const dead = await waitFor('one record in the dead-letter topic', async () => {
        const d = await worker.broker.describeTopic(dlq);
        if (d === null) return undefined;
        const consumer = worker.broker.createConsumer();
        try {
          consumer.assign(Array.from({ length: d.queues }, (_, queue) => ({ topic: dlq, queue })));
          const messages = await consumer.poll(10, 200);
          return messages.length === 1 ? messages[0] : undefined;
        } finally {
          await consumer.close();
        }
      });
      assert.equal(new TextDecoder().decode(dead.value!), '{"n":"not a number"}');
      const task = await worker.herder.taskStatus('es-dlq', 0);
      assert.equal(task.state, 'RUNNING');
    } finally {
      await worker.stop();
    }
    const docs = Object.fromEntries((await allDocumentsById(topic)).map(([id, s]) => [id, s]));
    assert.deepEqual(docs, { a: { n: 1 }, c: { n: 3 } });
  });

  it('kill -9 of the worker mid-stream and a restart: exactly the generated documents', async () => {
    const topic = `e2e-kill-${RUN}`;
    indices.push(topic);
    const n = 40_000;
    const dir = await tempDir('trib-es-kill-');
    const workerFile = join(dir, 'worker.json');
    await writeFile(
      workerFile,
      JSON.stringify({
        'worker.id': 'es-kill',
        'data.dir': join(dir, 'data'),
        'rest.port': 0,
        'offset.flush.interval.ms': 1000,
        'plugin.path': PLUGIN_PATH,
        'key.converter': 'JsonConverter',
        'value.converter': 'JsonConverter',
        'log.level': 'warn',
      }),
    );
    const gen = join(dir, 'gen.json');
    await writeFile(gen, JSON.stringify({ name: 'gen', config: generatorConfig(topic, n, 4000) }));
    const sink = join(dir, 'sink.json');
    await writeFile(sink, JSON.stringify({ name: 'es', config: sinkConfig(topic, { 'batch.size': '500' }) }));
    const proc = new WorkerProcess(['standalone', '--worker', workerFile, gen, sink]);
    processes.push(proc);

    let kills = 0;
    for (let k = 0; k < 2; k++) {
      await proc.start();
      const before = await count(topic);
      await waitFor('progress before the kill', async () => (await count(topic)) > before + 5000, 120_000, 200);
      await sleep(Math.floor(Math.random() * 1000));
      if ((await count(topic)) >= n) break;
      await proc.kill();
      kills++;
    }
    await proc.start();
    await waitFor('every generated record indexed', async () => (await count(topic)) >= n, 300_000, 500);
    // Replays after the kills overwrite documents; give them time to finish, then stop cleanly.
    await sleep(2000);
    assert.equal(await proc.terminate(), 0, proc.output.slice(-2000));
    console.log(`elasticsearch e2e: ${kills} kills of the worker, ${await count(topic)} documents for ${n} records`);
    assert.ok(kills >= 1, 'the worker was killed mid-stream');
    await assertExactly(topic, n);
  });
});

async function allDocumentsById(index: string): Promise<Array<[string, Json]>> {
  await os('POST', `/${index}/_refresh`);
  const res = await os('POST', `/${index}/_search`, { size: 1000, query: { match_all: {} } });
  return (res.json.hits.hits as Json[]).map((h) => [h._id, h._source]);
}
