import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sleep, Wakeup } from './wait.js';

describe('sleep', () => {
  it('ends early when the signal aborts, and at once for an aborted signal', async () => {
    const controller = new AbortController();
    const pending = sleep(3_600_000, controller.signal);
    controller.abort();
    assert.equal(await pending, 'aborted');
    assert.equal(await sleep(3_600_000, AbortSignal.abort()), 'aborted');
    assert.equal(await sleep(1, new AbortController().signal), 'timeout');
  });
});

describe('Wakeup', () => {
  it('wakes a waiter, remembers a notification nobody waited for, and forgets it on clear', async () => {
    const never = new AbortController().signal;
    const w = new Wakeup();
    const waiting = w.wait(3_600_000, never);
    w.notify();
    assert.equal(await waiting, 'notified');
    w.notify();
    assert.equal(await w.wait(3_600_000, never), 'notified');
    w.notify();
    w.clear();
    assert.equal(await w.wait(1, never), 'timeout');
  });

  it('ends a wait when the signal aborts', async () => {
    const w = new Wakeup();
    const controller = new AbortController();
    const waiting = w.wait(3_600_000, controller.signal);
    controller.abort();
    assert.equal(await waiting, 'aborted');
    // The aborted waiter is gone: a later notification is kept for the next wait.
    w.notify();
    assert.equal(await w.wait(3_600_000, new AbortController().signal), 'notified');
  });
});
