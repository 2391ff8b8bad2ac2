import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import { applyMetricValues, metricValues, valuesChanged } from './metrics-mirror.js';

describe('task metrics mirrored from a task thread', () => {
  it('adds the thread’s increments, keeps maxima, copies gauges', () => {
    const thread = new TaskMetrics('c', 0, 'sink');
    const main = new TaskMetrics('c', 0, 'sink');
    thread.recordsRead(100, 5000);
    thread.recordsPut(100, 3);
    thread.latencyMs.observe(4);
    thread.latencyMs.observe(40);
    thread.offsetCommitted(true, 2);
    thread.partitionCount = 8;
    let previous = metricValues(thread);
    applyMetricValues(main, null, previous);

    thread.recordsRead(50, 2500);
    thread.recordsPut(50, 9);
    thread.latencyMs.observe(4);
    thread.totalRecordFailures += 2;
    thread.deadLetterQueueProduceRequests++;
    thread.partitionCount = 4;
    thread.lastErrorTimestamp = 1234;
    const current = metricValues(thread);
    assert.equal(valuesChanged(previous, current), true);
    applyMetricValues(main, previous, current);
    previous = current;
    assert.equal(valuesChanged(previous, metricValues(thread)), false);

    // Everything but the rates (computed from when marks happened) reads the same in both.
    const withoutRates = (m: TaskMetrics) =>
      Object.fromEntries(Object.entries(m.toJSON()).filter(([k]) => !k.endsWith('-rate')));
    assert.deepEqual(withoutRates(main), withoutRates(thread));
    assert.equal(main.readRate.total, 150);
    assert.equal(main.sendRate.total, 150);
    assert.equal(main.sinkRecordReadBytes, 7500);
    assert.equal(main.putBatchTimeMs.max, 9);
    assert.equal(main.putBatchTimeMs.count, 2);
    assert.deepEqual([...main.latencyMs.counts], [...thread.latencyMs.counts]);
    assert.equal(main.latencyMs.count, 3);
    assert.equal(main.partitionCount, 4);
    assert.equal(main.totalRecordFailures, 2);
    assert.equal(main.lastErrorTimestamp, 1234);
  });

  it('adds a restarted task’s counts (a new thread counting from zero) to the earlier totals', () => {
    const main = new TaskMetrics('c', 0, 'source');
    const first = new TaskMetrics('c', 0, 'source');
    first.recordsPolled(10, 1);
    first.recordsWritten(10, 100);
    first.lastErrorTimestamp = 500;
    applyMetricValues(main, null, metricValues(first));
    const second = new TaskMetrics('c', 0, 'source');
    second.recordsPolled(3, 1);
    second.recordsWritten(3, 30);
    applyMetricValues(main, null, metricValues(second));
    assert.equal(main.pollRate.total, 13);
    assert.equal(main.writeRate.total, 13);
    assert.equal(main.sourceRecordWriteBytes, 130);
    assert.equal(main.lastErrorTimestamp, 500, 'the later error time is kept');
  });
});
