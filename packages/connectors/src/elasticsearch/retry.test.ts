import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, MAX_BACKOFF_MS, retryAfterMs } from './retry.js';

describe('retry policy', () => {
  it('doubles from retry.backoff.ms with jitter in [d/2, d], capped', () => {
    assert.equal(
      backoffMs(0, 100, () => 0),
      50,
    );
    assert.equal(
      backoffMs(0, 100, () => 1),
      100,
    );
    assert.equal(
      backoffMs(3, 100, () => 1),
      800,
    );
    assert.equal(
      backoffMs(3, 100, () => 0),
      400,
    );
    assert.equal(
      backoffMs(40, 100, () => 1),
      MAX_BACKOFF_MS,
    );
    assert.equal(
      backoffMs(5, 0, () => 1),
      0,
    );
    for (let i = 0; i < 100; i++) {
      const ms = backoffMs(2, 100);
      assert.ok(ms >= 200 && ms <= 400, String(ms));
    }
  });

  it('reads Retry-After in seconds or as a date', () => {
    assert.equal(retryAfterMs(null), 0);
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs('nonsense'), 0);
    const now = Date.UTC(2024, 0, 1);
    assert.equal(retryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
    assert.equal(retryAfterMs('99999'), MAX_BACKOFF_MS);
  });
});
