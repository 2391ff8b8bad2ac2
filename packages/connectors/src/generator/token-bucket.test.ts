import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('accrues tokens at the rate, capped at one second of tokens', () => {
    const b = new TokenBucket(100, 0);
    assert.equal(b.available(0), 1);
    assert.equal(b.take(10, 0), 1);
    assert.equal(b.take(10, 5), 0, '5 ms give half a token');
    assert.equal(b.take(10, 50), 5);
    assert.equal(b.available(60_000), 100, 'capped');
  });

  it('says how long until tokens are available', () => {
    const b = new TokenBucket(10, 0, { initial: 0 });
    assert.equal(b.msUntil(1, 0), 100);
    assert.equal(b.msUntil(1, 100), 0);
    assert.equal(b.msUntil(5, 100), 400);
  });

  it('keeps the average rate exact over many uneven takes', () => {
    const b = new TokenBucket(1000, 0, { initial: 0 });
    let taken = 0;
    for (let t = 0; t <= 10_000; t += 7) taken += b.take(1_000_000, t);
    // 10 s at 1000/s, less the fraction not yet accrued at the last take (t = 9996).
    assert.equal(taken, 9996);
  });

  it('rejects a rate that is not positive', () => {
    assert.throws(() => new TokenBucket(0, 0), RangeError);
  });
});
