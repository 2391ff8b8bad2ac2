/**
 * `tributary standalone` with `broker.type=rocketmq` against the real RocketMQ 5.3.3 of
 * `scripts/services.sh start rocketmq`: the pipelines the embedded-broker tests run
 * (herder/standalone-herder.test.ts, durability.test.ts) on RocketMQ topics with Kafka-style (dotted)
 * names — file source → topic → file sink with the String and JSON converters, generator → discard sink,
 * a poison record to a dead-letter topic, a worker process killed with SIGKILL mid-stream and
 * restarted, and the RocketMQ broker restarted mid-stream: nothing lost. Topic and connector names are
 * unique per run (RocketMQ keeps its store). The broker-restart test restarts the shared broker (keeping
 * its store): it runs last.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { NAMESRV, rocketmqGate, uniqueName } from '../broker/rocketmq/service-gate.test.fixture.js';
import { toRocketMQTopic } from '../broker/rocketmq/topic-names.js';
import { countLines, startTestWorker, tempDir, waitFor } from '../test-support/helpers.js';
import { WorkerProcess } from '../test-support/worker-process.js';
import { DLQ_HEADERS } from '../worker/dead-letter.js';
import type { RunningWorker } from '../worker-lifecycle.js';

const skip = await rocketmqGate();

const ROCKETMQ = { 'broker.type': 'rocketmq', 'rocketmq.namesrv.addr': NAMESRV, 'topic.default.queues': '4' };
const stringConverters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
};
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line-${from + i}`);
/** Connector names are RocketMQ group names (connect-<name>): unique per run. */
const name = (what: string) => uniqueName(what).replaceAll('.', '-');

async function readLines(path: string): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  } catch {
    return [];
  }
}

describe('standalone worker on RocketMQ', { skip, timeout: 600_000 }, () => {
  const workers: RunningWorker[] = [];
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
  });

  it('file source → dotted RocketMQ topic → file sink (String and JSON converters), resuming after a restart without duplicates', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.txt');
    const textOut = join(dir, 'out-string.txt');
    const jsonOut = join(dir, 'out-json.txt');
    await writeFile(input, `${lines(500).join('\n')}\n`);
    const textTopic = uniqueName('files.string.lines');
    const jsonTopic = uniqueName('files.json.lines');
    const [src, sink, jsrc, jsink] = ['src', 'sink', 'jsrc', 'jsink'].map(name) as [string, string, string, string];
    const connectors: { name: string; config: Record<string, string> }[] = [
      {
        name: src,
        config: { 'connector.class': 'FileStreamSource', file: input, topic: textTopic, ...stringConverters },
      },
      {
        name: sink,
        config: { 'connector.class': 'FileStreamSink', file: textOut, topics: textTopic, ...stringConverters },
      },
      // The worker's default converters: JSON with schemas.
      { name: jsrc, config: { 'connector.class': 'FileStreamSource', file: input, topic: jsonTopic } },
      { name: jsink, config: { 'connector.class': 'FileStreamSink', file: jsonOut, topics: jsonTopic } },
    ];
    let w = await startTestWorker(join(dir, 'data'), ROCKETMQ, connectors);
    workers.push(w);
    assert.equal(w.broker.kind, 'rocketmq');
    await waitFor('500 lines through both pipelines', async () => {
      return (await readLines(textOut)).length === 500 && (await readLines(jsonOut)).length === 500;
    });
    assert.deepEqual(new Set(await readLines(textOut)), new Set(lines(500)));
    assert.deepEqual(new Set(await readLines(jsonOut)), new Set(lines(500)));
    // The topic is the mapped RocketMQ topic; the log says so.
    assert.match(
      w.logs.text,
      new RegExp(
        `Created RocketMQ topic '${toRocketMQTopic(textTopic)}' for topic '${textTopic.replaceAll('.', '\\.')}'`,
      ),
    );
    assert.deepEqual(await w.herder.connectorActiveTopics(sink), [textTopic]);
    await waitFor('the sink group committed every record', async () => {
      const o = await w.herder.connectorOffsets(sink);
      return o.offsets.reduce((n, e) => n + (e.offset as { kafka_offset: number }).kafka_offset, 0) === 500;
    });
    await w.stop();
    workers.pop();

    await appendFile(input, `${lines(300, 500).join('\n')}\n`);
    w = await startTestWorker(join(dir, 'data'), ROCKETMQ, connectors);
    workers.push(w);
    await waitFor('800 lines through both pipelines', async () => {
      return (await readLines(textOut)).length >= 800 && (await readLines(jsonOut)).length >= 800;
    });
    await w.stop();
    workers.pop();
    for (const out of [textOut, jsonOut]) {
      const got = await readLines(out);
      assert.equal(got.length, 800, `${out}: a graceful restart writes no duplicate`);
      assert.deepEqual(new Set(got), new Set(lines(800)));
    }
  });

  it('generator → discard sink: every record put and committed', async () => {
    const dir = await tempDir();
    const w = await startTestWorker(join(dir, 'data'), ROCKETMQ);
    workers.push(w);
    const topic = uniqueName('gen.orders');
    const [gen, discard] = [name('gen'), name('discard')];
    await w.herder.createConnector(gen, { 'connector.class': 'Generator', topic, rate: '0', count: '2000' });
    await w.herder.createConnector(discard, { 'connector.class': 'DiscardSink', topics: topic });
    // A fresh broker can be slow to serve the first routes and pulls: allow a minute, and say what was
    // seen if even that is not enough.
    await waitFor(
      '2000 records committed by the sink',
      async () => {
        const o = await w.herder.connectorOffsets(discard);
        return o.offsets.reduce((n, e) => n + (e.offset as { kafka_offset: number }).kafka_offset, 0) === 2000;
      },
      60_000,
    ).catch(async (e: Error) => {
      const seen = {
        sinkOffsets: await w.herder.connectorOffsets(discard),
        sink: await w.herder.connectorStatus(discard),
        source: await w.herder.connectorStatus(gen),
        sinkMetrics: w.metrics.connectorJson(discard),
        log: w.logs.text.slice(-4000),
      };
      throw new Error(`${e.message}\n${JSON.stringify(seen, null, 1)}`);
    });
    await waitFor('generator offsets committed', async () => {
      const o = await w.herder.connectorOffsets(gen);
      return o.offsets.some((e) => (e.offset as { seq?: number } | null)?.seq === 1999);
    });
    let total = 0;
    for (let q = 0; q < 4; q++) {
      const r = await w.broker.queueRange({ topic, queue: q });
      total += r.end - r.start;
    }
    assert.equal(total, 2000, 'each record stored once');
    const put = w.metrics.tasksOf(discard).reduce((n, t) => n + t.sendRate.total, 0);
    assert.equal(put, 2000);
  });

  it('with errors.tolerance=all, sends a poison record to the dead-letter topic with context headers and its bytes', async () => {
    const dir = await tempDir();
    const output = join(dir, 'out.txt');
    const w = await startTestWorker(join(dir, 'data'), ROCKETMQ);
    workers.push(w);
    const topic = uniqueName('poison.orders');
    const dlq = uniqueName('poison.orders.dlq');
    await w.broker.ensureTopic(topic, 1);
    const enc = new TextEncoder();
    await w.broker.send([
      {
        topic,
        queue: 0,
        key: null,
        value: enc.encode('{"schema":null,"payload":"ok-1"}'),
        headers: [],
        timestamp: Date.now(),
      },
      {
        topic,
        queue: 0,
        key: null,
        value: enc.encode('{"schema": nope'),
        headers: [{ key: 'h', value: enc.encode('v') }],
        timestamp: Date.now(),
      },
      {
        topic,
        queue: 0,
        key: null,
        value: enc.encode('{"schema":null,"payload":"ok-2"}'),
        headers: [],
        timestamp: Date.now(),
      },
    ]);
    const sink = name('poison-sink');
    await w.herder.createConnector(sink, {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: topic,
      'value.converter': 'JsonConverter',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.context.headers.enable': 'true',
      'errors.log.enable': 'true',
    });
    await waitFor('good records written', async () => (await readLines(output)).length === 2);
    assert.deepEqual(await readLines(output), ['ok-1', 'ok-2']);
    const consumer = w.broker.createConsumer();
    consumer.assign([{ topic: dlq, queue: 0 }]);
    const dead = await consumer.poll(10, 20_000);
    await consumer.close();
    assert.equal(dead.length, 1);
    const d = dead[0]!;
    assert.equal(new TextDecoder().decode(d.value!), '{"schema": nope', 'original bytes');
    const headers = new Map(d.headers.map((h) => [h.key, h.value === null ? null : new TextDecoder().decode(h.value)]));
    assert.equal(headers.get('h'), 'v', 'original headers kept');
    assert.equal(headers.get(DLQ_HEADERS.TOPIC), topic);
    assert.equal(headers.get(DLQ_HEADERS.PARTITION), '0');
    assert.equal(headers.get(DLQ_HEADERS.OFFSET), '1');
    assert.equal(headers.get(DLQ_HEADERS.STAGE), 'VALUE_CONVERTER');
    assert.equal(headers.get(DLQ_HEADERS.CONNECTOR), sink);
    assert.match(headers.get(DLQ_HEADERS.EXCEPTION_STACKTRACE) ?? '', /./);
    const metrics = w.metrics.connectorJson(sink) as { tasks: Record<string, number>[] };
    assert.equal(metrics.tasks[0]?.['deadletterqueue-produce-requests'], 1);
    assert.equal(metrics.tasks[0]?.['total-records-skipped'], 1);
    await waitFor('offsets past the bad record', async () => {
      const o = await w.herder.connectorOffsets(sink);
      return o.offsets.some((e) => (e.offset as { kafka_offset: number }).kafka_offset === 3);
    });
  });
});

// --- kill -9 of a worker process ------------------------------------------------------------------

const LINES = 200_000;
const FLUSH_INTERVAL_MS = 2000;
const lineText = (i: number) => `line-${String(i).padStart(7, '0')}`;

/** Every input line in the sink file? First occurrences in input order? */
async function verify(path: string) {
  const text = await readFile(path, 'utf8');
  const seen = new Uint8Array(LINES);
  let total = 0;
  let distinct = 0;
  let reordered = 0;
  let nextNew = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const i = Number(line.slice(5));
    total++;
    if (seen[i]) continue;
    seen[i] = 1;
    distinct++;
    if (i !== nextNew) reordered++;
    nextNew = i + 1;
  }
  return { total, distinct, duplicates: total - distinct, reordered, missing: LINES - distinct };
}

describe('standalone worker process on RocketMQ, killed with SIGKILL mid-stream', { skip, timeout: 600_000 }, () => {
  const processes: WorkerProcess[] = [];
  after(async () => {
    for (const p of processes) await p.kill();
  });

  it('loses nothing and keeps the order of first deliveries', async () => {
    const dir = await tempDir('trib-rmq-kill-');
    const input = join(dir, 'input.txt');
    const output = join(dir, 'output.txt');
    await writeFile(input, `${Array.from({ length: LINES }, (_, i) => lineText(i)).join('\n')}\n`);
    const topic = uniqueName('kill.file.lines');
    const worker = join(dir, 'worker.json');
    await writeFile(
      worker,
      JSON.stringify({
        'worker.id': 'rmq-kill',
        'data.dir': join(dir, 'data'),
        'rest.port': 0,
        'broker.type': 'rocketmq',
        'rocketmq.namesrv.addr': NAMESRV,
        'offset.flush.interval.ms': FLUSH_INTERVAL_MS,
        'offset.flush.max.records': 5000,
        'key.converter': 'StringConverter',
        'value.converter': 'StringConverter',
        'log.level': 'warn',
        // One queue: the test checks the order of lines.
        'topic.default.queues': 1,
      }),
    );
    const source = join(dir, 'source.json');
    await writeFile(
      source,
      JSON.stringify({
        name: name('kill-source'),
        config: { 'connector.class': 'FileStreamSource', file: input, topic, 'batch.size': '2000' },
      }),
    );
    const sink = join(dir, 'sink.properties');
    await writeFile(
      sink,
      `name=${name('kill-sink')}\nconnector.class=FileStreamSink\nfile=${output}\ntopics=${topic}\n`,
    );
    const proc = new WorkerProcess(['standalone', '--worker', worker, source, sink]);
    processes.push(proc);
    let kills = 0;
    for (let k = 0; k < 2; k++) {
      await proc.start();
      const before = await countLines(output);
      await waitFor('progress before the kill', async () => (await countLines(output)) > before + 10_000, 120_000, 50);
      await sleep(Math.floor(Math.random() * 500));
      if ((await countLines(output)) >= LINES) break;
      await proc.kill();
      kills++;
    }
    await proc.start();
    await waitFor('every line in the sink', async () => (await verify(output)).distinct === LINES, 300_000, 500);
    await sleep(FLUSH_INTERVAL_MS);
    assert.equal(await proc.terminate(), 0, proc.output.slice(-2000));
    const v = await verify(output);
    console.log(
      `# rocketmq kill -9: ${kills} kills, ${v.total} lines written, ${v.duplicates} duplicates, ${v.reordered} reordered`,
    );
    assert.ok(kills >= 1, 'the worker was killed mid-stream');
    assert.equal(v.missing, 0, 'no line lost');
    assert.equal(v.reordered, 0, 'first deliveries in input order');
  });
});

// --- a RocketMQ broker restart under a running pipeline ---------------------------------------------

const servicesScript = fileURLToPath(new URL('../../../../scripts/services/rocketmq.sh', import.meta.url));

describe('standalone worker on RocketMQ while the broker restarts', { skip, timeout: 600_000 }, () => {
  const workers: RunningWorker[] = [];
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
  });

  it('rides out the restart (sends retried within the delivery timeout, pulls resumed): nothing lost', async () => {
    // Paced: 2000 records/s for 40 s, so the ~30 s restart happens mid-stream.
    const total = 80_000;
    const dir = await tempDir();
    const output = join(dir, 'out.txt');
    const topic = uniqueName('restart.generated');
    const [gen, sink] = [name('restart-gen'), name('restart-sink')];
    const w = await startTestWorker(join(dir, 'data'), { ...ROCKETMQ, 'topic.default.queues': '2' }, [
      { name: gen, config: { 'connector.class': 'Generator', topic, rate: '2000', count: String(total) } },
      { name: sink, config: { 'connector.class': 'FileStreamSink', file: output, topics: topic } },
    ]);
    workers.push(w);
    await waitFor('progress before the restart', async () => (await countLines(output)) > 4000, 60_000);
    const { stdout, stderr } = await promisify(execFile)('bash', [servicesScript, 'restart-broker'], {
      timeout: 180_000,
    });
    const atRestart = await countLines(output);
    console.log(
      `# broker restarted (${(stdout + stderr).trim().split('\n').at(-1)}); ${atRestart} of ${total} records written by then`,
    );
    const seqs = async () => {
      const text = await readFile(output, 'utf8').catch(() => '');
      const seen = new Set<number>();
      let lines = 0;
      for (const m of text.matchAll(/seq=(\d+)/g)) {
        seen.add(Number(m[1]));
        lines++;
      }
      return { seen, lines };
    };
    await waitFor('every record after the restart', async () => (await seqs()).seen.size >= total, 300_000, 500);
    const states = await Promise.all([gen, sink].map(async (n) => (await w.herder.connectorStatus(n)).tasks[0]?.state));
    assert.deepEqual(states, ['RUNNING', 'RUNNING'], 'no task failed during the restart');
    const { seen, lines } = await seqs();
    console.log(`# broker restart: ${lines} records written, ${seen.size} distinct`);
    assert.equal(seen.size, total, 'no record lost');
    assert.ok([...seen].every((n) => n >= 0 && n < total));
  });
});
