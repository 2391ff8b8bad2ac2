import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AlreadyExistsError, ConfigError, IllegalStateError, NotFoundError } from '@tributary/api';
import { startTestWorker, tempDir, waitFor } from '../test-support/helpers.js';
import { DLQ_HEADERS } from '../worker/dead-letter.js';
import type { RunningWorker } from '../worker-lifecycle.js';

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line-${from + i}`);

async function readLines(path: string): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  } catch {
    return [];
  }
}

const stringConverters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
};

describe('standalone worker: file source → embedded topic → file sink', () => {
  const workers: RunningWorker[] = [];
  after(async () => {
    for (const w of workers) await w.stop();
  });

  it('moves every line in order and resumes after a restart with no duplicate', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    await writeFile(input, `${lines(500).join('\n')}\n`);
    const connectors = [
      {
        name: 'src',
        config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines', ...stringConverters },
      },
      {
        name: 'sink',
        config: { 'connector.class': 'FileStreamSink', file: output, topics: 'lines', ...stringConverters },
      },
    ];
    let w = await startTestWorker(join(dir, 'data'), {}, connectors);
    workers.push(w);
    await waitFor('500 lines in the sink', async () => (await readLines(output)).length === 500);
    // The topic has several queues: order is per queue; a single source partition with no key is spread
    // round-robin, so compare as sets here and check order in the per-queue test below.
    assert.deepEqual(new Set(await readLines(output)), new Set(lines(500)));
    await w.stop();
    workers.pop();

    await appendFile(input, `${lines(300, 500).join('\n')}\n`);
    w = await startTestWorker(join(dir, 'data'), {}, connectors);
    workers.push(w);
    await waitFor('800 lines in the sink', async () => (await readLines(output)).length >= 800);
    await w.stop();
    workers.pop();
    const out = await readLines(output);
    assert.equal(out.length, 800, 'a graceful restart writes no duplicate');
    assert.deepEqual(new Set(out), new Set(lines(800)));
  });

  it('keeps connectors, target states and offsets across a restart', async () => {
    const dir = await tempDir();
    const data = join(dir, 'data');
    let w = await startTestWorker(data);
    workers.push(w);
    const gen = (name: string) => ({
      name,
      'connector.class': 'Generator',
      topic: `t-${name}`,
      rate: '0',
      count: '50',
    });
    await w.herder.createConnector('running', gen('running'));
    await w.herder.createConnector('paused', gen('paused'), 'PAUSED');
    await w.herder.createConnector('stopped', gen('stopped'), 'STOPPED');
    // The generator reports its next sequence number through context.metrics; the worker exports it.
    await waitFor('connector-reported metric', async () =>
      /tributary_task_generator_next_seq\{connector="running",task="0",worker="test-worker"\} 50/.test(
        await w.metrics.prometheus(),
      ),
    );
    await waitFor('generator offsets committed', async () => {
      const o = await w.herder.connectorOffsets('running');
      return o.offsets.some((e) => (e.offset as { seq?: number } | null)?.seq === 49);
    });
    assert.equal((await w.herder.connectorStatus('paused')).connector.state, 'PAUSED');
    await waitFor('paused tasks', async () =>
      (await w.herder.connectorStatus('paused')).tasks.every((t) => t.state === 'PAUSED'),
    );
    assert.equal((await w.herder.connectorStatus('stopped')).connector.state, 'STOPPED');
    assert.deepEqual((await w.herder.connectorStatus('stopped')).tasks, []);
    const offsetsBefore = await w.herder.connectorOffsets('running');
    await w.stop();
    workers.pop();

    w = await startTestWorker(data);
    workers.push(w);
    assert.deepEqual(await w.herder.connectors(), ['paused', 'running', 'stopped']);
    assert.deepEqual(await w.herder.connectorOffsets('running'), offsetsBefore);
    await waitFor('states restored', async () => {
      const [r, p, s] = await Promise.all(['running', 'paused', 'stopped'].map((n) => w.herder.connectorStatus(n)));
      return r?.connector.state === 'RUNNING' && p?.connector.state === 'PAUSED' && s?.connector.state === 'STOPPED';
    });
    // The restored generator continues after seq 49: its count is reached, so nothing new is produced.
    const range = await w.broker.queueRange({ topic: 't-running', queue: 0 });
    let total = 0;
    for (let q = 0; q < 8; q++) {
      const r = q === 0 ? range : await w.broker.queueRange({ topic: 't-running', queue: q });
      total += r.end - r.start;
    }
    assert.equal(total, 50, 'the generator resumed from its committed offset instead of starting over');
    await w.herder.resumeConnector('stopped');
    await waitFor(
      'stopped connector resumed',
      async () => (await w.herder.connectorStatus('stopped')).connector.state === 'RUNNING',
    );
  });

  it('answers typed errors for bad requests without disturbing what runs', async () => {
    const dir = await tempDir();
    const w = await startTestWorker(join(dir, 'data'));
    workers.push(w);
    const good = { 'connector.class': 'Generator', topic: 't', rate: '10' };
    await w.herder.createConnector('g', good);
    await assert.rejects(w.herder.createConnector('g', good), AlreadyExistsError);
    await assert.rejects(w.herder.connectorStatus('nope'), NotFoundError);
    await assert.rejects(w.herder.taskStatus('g', 7), NotFoundError);
    await assert.rejects(
      w.herder.createConnector('bad', { 'connector.class': 'Generator', rate: '-1' }),
      (e: unknown) => e instanceof ConfigError && /topic/.test(e.message) && /rate/.test(e.message),
    );
    await assert.rejects(
      w.herder.createConnector('bad2', { 'connector.class': 'NoSuchThing' }),
      (e: unknown) => e instanceof ConfigError && /NoSuchThing/.test(e.message),
    );
    await assert.rejects(
      w.herder.createConnector('sinky', { 'connector.class': 'DiscardSink', topics: 'a', 'topics.regex': 'b.*' }),
      /mutually exclusive/,
    );
    await assert.rejects(
      w.herder.putConnectorConfig('x', { name: 'y', 'connector.class': 'DiscardSink', topics: 'a' }),
      /doesn't match/,
    );
    await assert.rejects(w.herder.alterConnectorOffsets('g', []), IllegalStateError);
    await assert.rejects(w.herder.resetConnectorOffsets('g'), IllegalStateError);
    assert.deepEqual(await w.herder.connectors(), ['g']);
    await waitFor('g still running', async () => (await w.herder.connectorStatus('g')).tasks[0]?.state === 'RUNNING');
  });

  it('alters and resets offsets of a stopped connector', async () => {
    const dir = await tempDir();
    const w = await startTestWorker(join(dir, 'data'));
    workers.push(w);
    await w.herder.createConnector('g', {
      'connector.class': 'Generator',
      topic: 'tg',
      rate: '0',
      count: '10',
    });
    await waitFor('offsets', async () => (await w.herder.connectorOffsets('g')).offsets.length > 0);
    await w.herder.stopConnector('g');
    const partition = (await w.herder.connectorOffsets('g')).offsets[0]!.partition;
    await w.herder.alterConnectorOffsets('g', [{ partition, offset: { seq: 3 } }]);
    assert.deepEqual((await w.herder.connectorOffsets('g')).offsets, [{ partition, offset: { seq: 3 } }]);
    await w.herder.resetConnectorOffsets('g');
    assert.deepEqual((await w.herder.connectorOffsets('g')).offsets, []);

    await w.herder.createConnector('s', { 'connector.class': 'DiscardSink', topics: 'tg' });
    await waitFor('sink offsets', async () => (await w.herder.connectorOffsets('s')).offsets.length > 0);
    await w.herder.stopConnector('s');
    await w.herder.alterConnectorOffsets('s', [
      { partition: { kafka_topic: 'tg', kafka_partition: 0 }, offset: { kafka_offset: 0 } },
    ]);
    const sinkOffsets = (await w.herder.connectorOffsets('s')).offsets;
    assert.deepEqual(
      sinkOffsets.find((o) => (o.partition as { kafka_partition: number }).kafka_partition === 0),
      { partition: { kafka_topic: 'tg', kafka_partition: 0 }, offset: { kafka_offset: 0 } },
    );
    await assert.rejects(
      w.herder.alterConnectorOffsets('s', [{ partition: { kafka_topic: 'tg' }, offset: { kafka_offset: 1 } }]),
      /kafka_partition/,
    );
    await w.herder.resetConnectorOffsets('s');
    assert.deepEqual((await w.herder.connectorOffsets('s')).offsets, []);
  });
});

describe('standalone worker: poison records', () => {
  const workers: RunningWorker[] = [];
  after(async () => {
    for (const w of workers) await w.stop();
  });

  async function poisonTopic(w: RunningWorker, topic: string): Promise<void> {
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
  }

  it('with errors.tolerance=all, sends invalid JSON to the DLQ with context headers and the original bytes', async () => {
    const dir = await tempDir();
    const output = join(dir, 'out.txt');
    const w = await startTestWorker(join(dir, 'data'));
    workers.push(w);
    await poisonTopic(w, 'poison');
    await w.herder.createConnector('sink', {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: 'poison',
      'value.converter': 'JsonConverter',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'poison-dlq',
      'errors.log.enable': 'true',
    });
    await waitFor('good records written', async () => (await readLines(output)).length === 2);
    assert.deepEqual(await readLines(output), ['ok-1', 'ok-2']);
    const consumer = w.broker.createConsumer();
    consumer.assign([{ topic: 'poison-dlq', queue: 0 }]);
    const dead = await waitFor('a dead letter', async () => {
      const ms = await consumer.poll(10, 200);
      return ms.length > 0 ? ms : null;
    });
    await consumer.close();
    assert.equal(dead.length, 1);
    const d = dead[0]!;
    assert.equal(new TextDecoder().decode(d.value!), '{"schema": nope', 'original bytes');
    const headers = new Map(d.headers.map((h) => [h.key, h.value === null ? null : new TextDecoder().decode(h.value)]));
    assert.equal(headers.get('h'), 'v', 'original headers kept');
    assert.equal(headers.get(DLQ_HEADERS.TOPIC), 'poison');
    assert.equal(headers.get(DLQ_HEADERS.PARTITION), '0');
    assert.equal(headers.get(DLQ_HEADERS.OFFSET), '1');
    assert.equal(headers.get(DLQ_HEADERS.STAGE), 'VALUE_CONVERTER');
    assert.equal(headers.get(DLQ_HEADERS.CONNECTOR), 'sink');
    assert.match(headers.get(DLQ_HEADERS.CLASS) ?? '', /JsonConverter/);
    assert.match(headers.get(DLQ_HEADERS.EXCEPTION_MESSAGE) ?? '', /./);
    assert.match(w.logs.text, /Error encountered in task sink-0 at stage VALUE_CONVERTER/);
    // A task in a thread (task.isolation=thread) reports its metrics every 250 ms: wait for them.
    const taskMetrics = () => (w.metrics.connectorJson('sink') as { tasks: Record<string, number>[] }).tasks[0];
    await waitFor('metrics of the dead letter', () => taskMetrics()?.['total-records-skipped'] === 1);
    assert.equal(taskMetrics()?.['deadletterqueue-produce-requests'], 1);
    // The bad record's offset is committed with the rest: a restart does not see it again.
    await waitFor('offsets past the bad record', async () => {
      const o = await w.herder.connectorOffsets('sink');
      return o.offsets.some((e) => (e.offset as { kafka_offset: number }).kafka_offset === 3);
    });
  });

  it('with errors.tolerance=none, fails the task with the reason in status and the worker keeps running', async () => {
    const dir = await tempDir();
    const output = join(dir, 'out.txt');
    const w = await startTestWorker(join(dir, 'data'));
    workers.push(w);
    await poisonTopic(w, 'poison2');
    await w.herder.createConnector('healthy', {
      'connector.class': 'Generator',
      topic: 'other',
      rate: '50',
    });
    await w.herder.createConnector('sink', {
      'connector.class': 'FileStreamSink',
      file: output,
      topics: 'poison2',
      'value.converter': 'JsonConverter',
    });
    const status = await waitFor('task failed', async () => {
      const s = await w.herder.connectorStatus('sink');
      return s.tasks[0]?.state === 'FAILED' ? s : null;
    });
    assert.match(status.tasks[0]?.trace ?? '', /Tolerance exceeded in error handler/);
    assert.match(status.tasks[0]?.trace ?? '', /VALUE_CONVERTER/);
    // The batch holding the bad record was never put, and nothing of it was committed: a restarted task
    // meets the bad record again instead of skipping it silently.
    assert.deepEqual(await readLines(output), []);
    assert.deepEqual((await w.herder.connectorOffsets('sink')).offsets, []);
    assert.equal((await w.herder.connectorStatus('healthy')).tasks[0]?.state, 'RUNNING');
    assert.equal(w.herder.health().status, 'healthy');
  });
});
