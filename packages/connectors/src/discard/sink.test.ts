import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sinkRecord } from '@tributary/api';
import { runSinkConformance, SinkTaskHarness } from '../testkit/index.js';
import { discardSink } from './index.js';
import { DiscardSinkTask } from './sink.js';

describe('DiscardSinkTask', () => {
  it('drops records, counting records and batches, and logs the totals at stop', async () => {
    const task = new DiscardSinkTask();
    const h = new SinkTaskHarness(task, { config: { topics: 'a' } });
    await h.start();
    await h.open([{ topic: 'a', queue: 0 }]);
    await h.put(Array.from({ length: 5 }, (_, i) => sinkRecord({ topic: 'a', queue: 0, offset: i, value: i })));
    await h.put([]);
    await h.put([sinkRecord({ topic: 'a', queue: 0, offset: 5, value: null })]);
    await h.commit();
    assert.equal(task.records, 6);
    assert.equal(task.batches, 2);
    await h.stop();
    assert.match(h.logger.at('info')[0]?.message ?? '', /Discarded 6 records in 2 batches/);
  });

  it('is registered as DiscardSink', () => {
    assert.equal(discardSink.name, 'DiscardSink');
    assert.equal(discardSink.kind, 'sink');
  });
});

runSinkConformance({
  name: 'DiscardSink',
  createTask: () => new DiscardSinkTask(),
  async setup() {
    return { config: {} };
  },
  accepted: (task) => (task as DiscardSinkTask).records,
});
