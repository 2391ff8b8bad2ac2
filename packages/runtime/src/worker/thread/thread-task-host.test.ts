/**
 * Tasks in worker threads (`task.isolation=thread`), through a real standalone worker: state, pause and
 * resume, graceful stop with the final commit, task failure, thread crash and exit, the dead-letter topic
 * written from a thread, metrics mirrored into the worker's registry, logger levels pushed to threads,
 * and tasks with plugins a thread cannot load running on the main thread.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { ConfigSpec, defineSourceConnector, PluginRegistry, type SourceRecord } from '@tributary/api';
import type { StoredMessage } from '../../broker/broker.js';
import { EmbeddedBroker } from '../../broker/embedded/index.js';
import { parseWorkerConfig } from '../../config/worker-config.js';
import type { TaskState } from '../../herder/entities.js';
import { builtinPlugins } from '../../plugins/registry.js';
import { startStandalone } from '../../standalone.js';
import { FileOffsetStore } from '../../storage/file-stores.js';
import { LogCapture, startTestWorker, tempDir, waitFor } from '../../test-support/helpers.js';
import type { RunningWorker } from '../../worker-lifecycle.js';
import { DLQ_HEADERS } from '../dead-letter.js';

const FIXTURE_PLUGINS = fileURLToPath(new URL('./test-plugins.test.fixture.js', import.meta.url));
const STOP_CHILD = fileURLToPath(new URL('./stop-child.test.fixture.js', import.meta.url));

type Worker = RunningWorker & { logs: LogCapture };

async function threadWorker(dataDir: string, overrides: Record<string, string> = {}): Promise<Worker> {
  return startTestWorker(dataDir, { 'task.isolation': 'thread', 'plugin.path': FIXTURE_PLUGINS, ...overrides });
}

async function taskStatus(w: RunningWorker, connector: string) {
  return (await w.herder.connectorStatus(connector)).tasks[0];
}

function waitForTaskState(w: RunningWorker, connector: string, state: TaskState, timeoutMs?: number) {
  return waitFor(
    `task ${connector}-0 ${state}`,
    async () => {
      const t = await taskStatus(w, connector);
      return t?.state === state ? t : undefined;
    },
    timeoutMs,
  );
}

const taskMetrics = (w: RunningWorker, connector: string) => {
  const m = w.metrics.tasksOf(connector)[0];
  assert.ok(m !== undefined, `metrics of ${connector}`);
  return m;
};

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('tasks in worker threads (task.isolation=thread)', { timeout: 180_000 }, () => {
  const workers: Worker[] = [];
  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
  });
  const start = async (overrides: Record<string, string> = {}) => {
    const dir = await tempDir('trib-thread-');
    const w = await threadWorker(join(dir, 'data'), overrides);
    workers.push(w);
    return { w, dir };
  };

  it('moves records source → topic → sink, with state and metrics mirrored into the worker', async () => {
    const { w } = await start();
    await w.herder.createConnector('sink', { 'connector.class': 'DiscardSink', topics: 'gen' });
    await w.herder.createConnector('gen', {
      'connector.class': 'Generator',
      topic: 'gen',
      rate: '0',
      count: '2000',
      'record.size': '300',
    });
    await waitForTaskState(w, 'gen', 'RUNNING');
    await waitForTaskState(w, 'sink', 'RUNNING');
    const threads = [w.worker.taskThreadId('gen', 0), w.worker.taskThreadId('sink', 0)];
    assert.ok(
      threads.every((id) => typeof id === 'number' && id > 0) && threads[0] !== threads[1],
      'one thread per task',
    );
    await waitFor('2000 records put', () => taskMetrics(w, 'sink').sendRate.total === 2000);
    const source = taskMetrics(w, 'gen');
    const sink = taskMetrics(w, 'sink');
    await waitFor('offsets committed', () => source.offsetCommitSuccess > 0 && sink.offsetCommitSuccess > 0);
    assert.equal(source.status, 'RUNNING');
    assert.equal(source.pollRate.total, 2000);
    assert.equal(source.writeRate.total, 2000);
    assert.ok(source.sourceRecordWriteBytes > 2000 * 300);
    assert.equal(sink.readRate.total, 2000);
    assert.equal(sink.latencyMs.count, 2000);
    assert.ok(sink.batchSize.count > 0 && sink.batchSize.max <= 1000);
    assert.equal(sink.partitionCount, 8);
    const text = await w.metrics.prometheus();
    assert.match(text, /tributary_sink_record_send_total\{connector="sink",task="0",worker="test-worker"\} 2000\n/);
    assert.match(text, /tributary_source_record_write_total\{connector="gen",task="0",worker="test-worker"\} 2000\n/);
    // Metrics the connector reports itself cross the thread boundary too.
    assert.equal(source.custom.get('generator_next_seq')?.value, 2000);
    assert.match(text, /tributary_task_generator_next_seq\{connector="gen",task="0",worker="test-worker"\} 2000\n/);
    assert.match(
      text,
      /tributary_sink_record_latency_ms_count\{connector="sink",task="0",worker="test-worker"\} 2000\n/,
    );
    assert.deepEqual(await w.herder.connectorActiveTopics('gen'), ['gen']);
    assert.deepEqual(await w.herder.connectorActiveTopics('sink'), ['gen']);
  });

  it('commits the last offsets when stopped: source offsets and sink group offsets cover every record', async () => {
    // Commits only at stop: the interval is longer than the test.
    const { w, dir } = await start({ 'offset.flush.interval.ms': '600000' });
    await w.herder.createConnector('sink', { 'connector.class': 'DiscardSink', topics: 'fin' });
    await w.herder.createConnector('gen', { 'connector.class': 'Generator', topic: 'fin', rate: '0', count: '3000' });
    await waitFor('3000 records put', () => taskMetrics(w, 'sink').sendRate.total === 3000);
    assert.equal(taskMetrics(w, 'gen').offsetCommitSuccess, 0, 'nothing committed before the stop');
    await w.stop();
    workers.splice(workers.indexOf(w), 1);

    const offsets = new FileOffsetStore(join(dir, 'data', 'standalone'));
    await offsets.load();
    const [committed] = offsets.all('gen');
    assert.equal(committed?.offset.seq, 2999);
    const broker = new EmbeddedBroker({ dataDir: join(dir, 'data') });
    await broker.start();
    try {
      const group = await broker.fetchGroupOffsets('connect-sink');
      assert.equal(
        group.reduce((n, o) => n + o.offset, 0),
        3000,
      );
    } finally {
      await broker.close();
    }
  });

  it('pauses and resumes a task in a thread, and starts one paused', async () => {
    const { w } = await start();
    await w.herder.createConnector('probe', { 'connector.class': 'ThreadProbeSource', topic: 'p' });
    await waitFor('records written', () => taskMetrics(w, 'probe').writeRate.total > 0);
    await w.herder.pauseConnector('probe');
    await waitForTaskState(w, 'probe', 'PAUSED');
    await w.herder.resumeConnector('probe');
    await waitForTaskState(w, 'probe', 'RUNNING');
    const before = taskMetrics(w, 'probe').writeRate.total;
    await waitFor('records written after resume', () => taskMetrics(w, 'probe').writeRate.total > before);

    await w.herder.createConnector('later', { 'connector.class': 'ThreadProbeSource', topic: 'q' }, 'PAUSED');
    await waitForTaskState(w, 'later', 'PAUSED');
    assert.equal(taskMetrics(w, 'later').pollRate.total, 0);
    await w.herder.resumeConnector('later');
    await waitForTaskState(w, 'later', 'RUNNING');
    await waitFor('records written after the first resume', () => taskMetrics(w, 'later').writeRate.total > 0);
  });

  it('fails a task whose poll throws, with the trace, and keeps the worker and its other tasks running', async () => {
    const { w } = await start();
    await w.herder.createConnector('ok', { 'connector.class': 'ThreadProbeSource', topic: 'ok' });
    await w.herder.createConnector('bad', { 'connector.class': 'ThreadProbeSource', topic: 'bad', mode: 'fail' });
    const failed = await waitForTaskState(w, 'bad', 'FAILED');
    assert.match(failed.trace ?? '', /probe poll failed on purpose/);
    assert.match(w.logs.text, /Task bad-0 failed/);
    assert.equal(taskMetrics(w, 'bad').status, 'FAILED');
    const before = taskMetrics(w, 'ok').writeRate.total;
    await waitFor('the other task goes on', () => taskMetrics(w, 'ok').writeRate.total > before);
    assert.equal((await taskStatus(w, 'ok'))?.state, 'RUNNING');
    // Fixed config, new thread.
    await w.herder.patchConnectorConfig('bad', { mode: 'records' });
    await waitForTaskState(w, 'bad', 'RUNNING');
  });

  it('fails the task of a thread that crashes or exits, and the worker keeps running', async () => {
    const { w } = await start();
    await w.herder.createConnector('ok', { 'connector.class': 'ThreadProbeSource', topic: 'ok' });
    await w.herder.createConnector('crash', { 'connector.class': 'ThreadProbeSource', topic: 'c', mode: 'crash' });
    await w.herder.createConnector('exit', { 'connector.class': 'ThreadProbeSource', topic: 'e', mode: 'exit' });
    const crashed = await waitForTaskState(w, 'crash', 'FAILED');
    assert.match(crashed.trace ?? '', /probe thread crash on purpose/);
    const exited = await waitForTaskState(w, 'exit', 'FAILED');
    assert.match(exited.trace ?? '', /task thread of exit-0 exited unexpectedly with code 7/);
    assert.match(w.logs.text, /the task thread of crash-0 crashed/);
    const before = taskMetrics(w, 'ok').writeRate.total;
    await waitFor('the other task goes on', () => taskMetrics(w, 'ok').writeRate.total > before);
    assert.equal(w.herder.health().status, 'healthy');
    await w.herder.restartTask('crash', 0);
    // The restarted thread crashes again the same way: a new FAILED with the trace.
    await waitFor('crash restarted and failed again', async () => {
      const t = await taskStatus(w, 'crash');
      return (
        t?.state === 'FAILED' && /crash on purpose/.test(t.trace ?? '') && taskMetrics(w, 'crash').status === 'FAILED'
      );
    });
  });

  it('dead-letters records a sink in a thread cannot convert', async () => {
    const { w } = await start();
    await w.herder.createConnector('raw', {
      'connector.class': 'ThreadProbeSource',
      topic: 'raw',
      count: '20',
      'value.converter': 'StringConverter',
      'topic.creation.default.partitions': '1',
    });
    await w.herder.createConnector('sink', {
      'connector.class': 'DiscardSink',
      topics: 'raw',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'dlq',
      'errors.deadletterqueue.topic.queues': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    await waitFor('20 dead letters', () => taskMetrics(w, 'sink').deadLetterQueueProduceRequests === 20);
    const sink = taskMetrics(w, 'sink');
    assert.equal(sink.totalRecordsSkipped, 20);
    assert.equal(sink.deadLetterQueueProduceFailures, 0);
    assert.equal((await taskStatus(w, 'sink'))?.state, 'RUNNING');
    const consumer = w.broker.createConsumer();
    consumer.assign([{ topic: 'dlq', queue: 0 }]);
    const letters: StoredMessage[] = [];
    await waitFor('20 messages on dlq', async () => {
      letters.push(...(await consumer.poll(100, 200)));
      return letters.length >= 20;
    });
    await consumer.close();
    assert.deepEqual(
      letters.map((m) => text(m.value)),
      Array.from({ length: 20 }, (_, i) => `rec-${i}`),
    );
    const header = (m: StoredMessage, key: string) => text(m.headers.find((h) => h.key === key)?.value ?? null);
    assert.equal(header(letters[0]!, DLQ_HEADERS.STAGE), 'VALUE_CONVERTER');
    assert.equal(header(letters[0]!, DLQ_HEADERS.TOPIC), 'raw');
    assert.equal(header(letters[0]!, DLQ_HEADERS.OFFSET), '0');
    assert.equal(header(letters[0]!, DLQ_HEADERS.CONNECTOR), 'sink');
  });

  it('applies logger levels set in the worker to the task’s thread', async () => {
    const { w } = await start();
    await w.herder.createConnector('probe', { 'connector.class': 'ThreadProbeSource', topic: 'lv' });
    await waitFor('several polls', () => taskMetrics(w, 'probe').pollRate.total >= 50);
    const debugLines = () => w.logs.lines.filter((l) => l.includes('"msg":"probe poll"'));
    assert.deepEqual(debugLines(), [], 'debug is off at level info');
    w.loggers.setLevel('tributary.task.probe-0', 'debug');
    const [line] = await waitFor('a debug line from the thread', () => {
      const lines = debugLines();
      return lines.length > 0 ? lines : undefined;
    });
    const record = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(record.logger, 'tributary.task.probe-0');
    assert.equal(record.level, 'debug');
    assert.equal(record.mainThread, false, 'logged from the task thread');
    w.loggers.setLevel('tributary.task', 'error');
    await waitFor('the thread dropped to error', async () => {
      const n = debugLines().length;
      await new Promise((r) => setTimeout(r, 600));
      return debugLines().length === n;
    });
  });

  it('runs a task on the main thread when a thread cannot load its plugin (a registry passed in by code)', async () => {
    const ranIn: boolean[] = [];
    const mainOnly = defineSourceConnector({
      name: 'MainOnlySource',
      version: '0.0.0-test',
      summary: 'Test plugin known only to this registry object.',
      spec: ConfigSpec.create(),
      createConnector: () => ({ start: () => undefined, taskConfigs: () => [{}], stop: () => undefined }),
      createTask: () => ({
        start: () => {
          ranIn.push(isMainThread);
        },
        poll: async (signal: AbortSignal): Promise<SourceRecord[] | null> => {
          await new Promise((r) => setTimeout(r, 50, signal));
          return null;
        },
        stop: () => undefined,
      }),
    });
    const dir = await tempDir('trib-thread-');
    const logs = new LogCapture();
    const config = parseWorkerConfig({
      'data.dir': join(dir, 'data'),
      'worker.id': 'test-worker',
      'rest.port': '0',
      'task.isolation': 'thread',
    });
    const w = Object.assign(
      await startStandalone({
        config,
        registry: new PluginRegistry([...builtinPlugins(), mainOnly]),
        logDestination: logs,
      }),
      { logs },
    );
    workers.push(w);
    await w.herder.createConnector('main', { 'connector.class': 'MainOnlySource' });
    await w.herder.createConnector('gen', { 'connector.class': 'Generator', topic: 'g', rate: '10' });
    await waitForTaskState(w, 'main', 'RUNNING');
    await waitForTaskState(w, 'gen', 'RUNNING');
    assert.deepEqual(ranIn, [true]);
    assert.equal(w.worker.taskThreadId('main', 0), null);
    assert.equal(typeof w.worker.taskThreadId('gen', 0), 'number', 'built-in plugins still go to threads');
  });

  it('ends every task thread on stop: a worker process exits by itself after stop()', async () => {
    const dir = await tempDir('trib-thread-stop-');
    const child = spawn(process.execPath, [STOP_CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    assert.equal(signal, null, `the process did not exit by itself after stop():\n${output}`);
    assert.equal(code, 0, output);
    assert.match(output, /threads before stop: 2/);
    assert.match(output, /stopped/);
  });
});
