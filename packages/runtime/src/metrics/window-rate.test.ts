import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from './task-metrics.js';
import { WindowRate } from './window-rate.js';

describe('WindowRate', () => {
  it('is the real rate from the first mark, then over the sliding window', () => {
    let now = 1_000_000;
    const r = new WindowRate(60, () => now);
    assert.equal(r.rate(), 0);
    // 100 events per second for 10 s.
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 10; i++) {
        r.mark(10);
        now += 100;
      }
    }
    assert.ok(Math.abs(r.rate() - 100) < 2, `rate ${r.rate()}`);
    // Then 120 s of silence: the window forgets.
    now += 120_000;
    assert.equal(r.rate(), 0);
    assert.equal(r.total, 1000);
  });

  it('averages over the window once full', () => {
    let now = 0;
    const r = new WindowRate(10, () => now);
    for (let s = 0; s < 30; s++) {
      r.mark(s < 20 ? 50 : 200);
      now += 1000;
    }
    // Last 10 s: 200/s.
    assert.ok(Math.abs(r.rate() - 200) < 25, `rate ${r.rate()}`);
  });
});

describe('Histogram', () => {
  it('counts per bucket and gives bucket-bound quantiles', () => {
    const h = new Histogram([1, 10, 100]);
    for (const v of [0.5, 5, 5, 50, 500]) h.observe(v);
    assert.equal(h.count, 5);
    assert.equal(h.cumulative(1), 3);
    assert.equal(h.quantile(0.5), 10);
    assert.equal(h.quantile(0.99), Number.POSITIVE_INFINITY);
  });
});

describe('connector-reported task metrics', () => {
  it('renders gauges and counters per task, as Prometheus families and JSON', async () => {
    const { WorkerMetrics } = await import('./worker-metrics.js');
    const w = new WorkerMetrics('w1', { processMetrics: false });
    const t = w.task('cdc', 0, 'source');
    t.reporter.gauge('snapshot_rows_remaining', 42, 'Rows left to snapshot.');
    t.reporter.count('snapshot_rows_total', 10);
    t.reporter.count('snapshot_rows_total', 5);
    const text = await w.prometheus();
    assert.match(
      text,
      /# TYPE tributary_task_snapshot_rows_remaining gauge\ntributary_task_snapshot_rows_remaining\{connector="cdc",task="0",worker="w1"\} 42/,
    );
    assert.match(
      text,
      /# TYPE tributary_task_snapshot_rows_total counter\ntributary_task_snapshot_rows_total\{connector="cdc",task="0",worker="w1"\} 15/,
    );
    const json = w.connectorJson('cdc') as { tasks: { connector: Record<string, number> }[] };
    assert.deepEqual(json.tasks[0]?.connector, { snapshot_rows_remaining: 42, snapshot_rows_total: 15 });
    assert.throws(() => t.reporter.gauge('Bad Name', 1), /must be lowercase words/);
  });
});
