import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestWorker, type TestWorker } from './worker.test.fixture.js';

// GET /metrics during a Generator → topic → DiscardSink pipeline shows each task's poll rate near the
// configured per-task rate. The gauge divides by the time since the task's first poll, so after ~7 s the
// first batch (≈50 ms of records) adds under 1% and a 10% tolerance leaves room for a slow machine.

const RATE = 200;
const TASKS = 2;
const PER_TASK = RATE / TASKS;

function gauge(text: string, name: string, connector: string, task: number): number | undefined {
  const re = new RegExp(`^${name}\\{connector="${connector}",task="${task}",worker="[^"]*"\\} (\\S+)$`, 'm');
  const m = re.exec(text);
  return m === null ? undefined : Number(m[1]);
}

describe('GET /metrics during a generator pipeline', () => {
  let w: TestWorker;

  before(async () => {
    w = await startTestWorker();
  });
  after(async () => {
    await w?.stop();
  });

  it(`shows a per-task source_record_poll_rate within 10% of ${PER_TASK}/s`, async () => {
    const gen = await w.call('POST', '/connectors', {
      body: {
        name: 'rate-gen',
        config: { 'connector.class': 'Generator', topic: 'rate', rate: String(RATE), 'tasks.max': String(TASKS) },
      },
    });
    assert.equal(gen.status, 201, gen.text);
    const sink = await w.call('POST', '/connectors', {
      body: { name: 'rate-sink', config: { 'connector.class': 'DiscardSink', topics: 'rate' } },
    });
    assert.equal(sink.status, 201, sink.text);
    await eventually('both tasks polling', async () => {
      const text = (await w.call('GET', '/metrics')).text;
      return [0, 1].every((t) => (gauge(text, 'tributary_source_record_poll_total', 'rate-gen', t) ?? 0) > 0);
    });
    await new Promise((resolve) => setTimeout(resolve, 7000));

    const text = (await w.call('GET', '/metrics')).text;
    for (let t = 0; t < TASKS; t++) {
      const rate = gauge(text, 'tributary_source_record_poll_rate', 'rate-gen', t);
      assert.ok(rate !== undefined, `no poll rate for task ${t}`);
      assert.ok(Math.abs(rate - PER_TASK) <= PER_TASK * 0.1, `task ${t} polls ${rate}/s, expected ${PER_TASK}/s ± 10%`);
    }
    // The records went through: the sink read some.
    assert.ok((gauge(text, 'tributary_sink_record_read_total', 'rate-sink', 0) ?? 0) > 0);
  });
});
