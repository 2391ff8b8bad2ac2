import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { longestOverlapMs, workersPerTask } from './status-history.js';

const s = (task: string, workerId: string, state: string, at: number) => ({
  key: `task:${task}`,
  value: { workerId, state, at },
});

describe('status history checks', () => {
  it('finds the time two workers both ran a task', () => {
    const history = [
      s('c/0', 'w1', 'RUNNING', 1000),
      s('c/0', 'w2', 'RUNNING', 4000),
      s('c/0', 'w1', 'UNASSIGNED', 6500),
    ];
    assert.deepEqual(longestOverlapMs(history, new Map()), { ms: 2500, task: 'task:c/0' });
  });

  it('ends a killed worker interval at its kill', () => {
    const history = [
      s('c/0', 'w1', 'RUNNING', 1000),
      s('c/0', 'w2', 'RUNNING', 5000),
      s('c/0', 'w2', 'UNASSIGNED', 9000),
    ];
    assert.equal(longestOverlapMs(history, new Map([['w1', [4000]]])).ms, 0);
    assert.equal(longestOverlapMs(history, new Map([['w1', [6000]]])).ms, 1000);
  });

  it('lists the workers of each task', () => {
    const history = [s('c/0', 'w1', 'RUNNING', 1), s('c/0', 'w2', 'RUNNING', 2), s('c/1', 'w1', 'PAUSED', 3)];
    assert.deepEqual(
      [...workersPerTask(history)].map(([k, v]) => [k, [...v]]),
      [['task:c/0', ['w1', 'w2']]],
    );
  });
});
