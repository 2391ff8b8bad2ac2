import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubmittedOffsets } from './submitted-offsets.js';

const rec = (file: string, position: number) => ({ sourcePartition: { file }, sourceOffset: { position } });

describe('SubmittedOffsets', () => {
  it('commits only up to the last contiguously acknowledged batch per partition', () => {
    const s = new SubmittedOffsets();
    const b1 = s.submit([rec('a', 1), rec('a', 2)]);
    const b2 = s.submit([rec('a', 3), rec('b', 10)]);
    const b3 = s.submit([rec('a', 4)]);
    assert.equal(s.pending, 4);
    s.ack(b2);
    s.ack(b3);
    // b1 is not acked: nothing of 'a' may be committed; 'b' has no earlier pending entry.
    assert.deepEqual(
      s.committable().map((c) => [c.partition, c.offset]),
      [[{ file: 'b' }, { position: 10 }]],
    );
    s.ack(b1);
    assert.deepEqual(
      s.committable().map((c) => [c.partition, c.offset]),
      [[{ file: 'a' }, { position: 4 }]],
    );
    assert.equal(s.pending, 0);
    assert.deepEqual(s.committable(), []);
  });

  it('treats partitions with equal content as the same partition', () => {
    const s = new SubmittedOffsets();
    const b = s.submit([
      { sourcePartition: { x: 1, y: 2 }, sourceOffset: { o: 1 } },
      { sourcePartition: { y: 2, x: 1 }, sourceOffset: { o: 2 } },
    ]);
    s.ack(b);
    const c = s.committable();
    assert.equal(c.length, 1);
    assert.deepEqual(c[0]?.offset, { o: 2 });
  });

  it('acking twice counts once', () => {
    const s = new SubmittedOffsets();
    const b = s.submit([rec('a', 1)]);
    s.ack(b);
    s.ack(b);
    assert.equal(s.pending, 0);
  });
});
