import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { murmur2, queueForKey } from './partitioner.js';

describe('partitioner', () => {
  it("matches Kafka's murmur2 (Utils.murmur2 test vectors)", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, want] of cases) assert.equal(murmur2(Buffer.from(text)), want, text);
  });

  it('maps a key to a stable queue in range', () => {
    const key = Buffer.from('order-17');
    const q = queueForKey(key, 8);
    assert.ok(q >= 0 && q < 8);
    assert.equal(queueForKey(Buffer.from('order-17'), 8), q);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(queueForKey(Buffer.from(`k${i}`), 8));
    assert.equal(seen.size, 8);
  });
});
