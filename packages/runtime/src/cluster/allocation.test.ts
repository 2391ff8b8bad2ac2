import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Assignment, allocate, EMPTY_ASSIGNMENT, moves, taskKey } from './allocation.js';

const counts = (a: Assignment) => {
  const tasks = new Map<string, number>();
  for (const w of a.tasks.values()) tasks.set(w, (tasks.get(w) ?? 0) + 1);
  const connectors = new Map<string, number>();
  for (const w of a.connectors.values()) connectors.set(w, (connectors.get(w) ?? 0) + 1);
  return { tasks, connectors };
};

describe('allocate (round-robin, sticky)', () => {
  it('spreads 6 tasks of one connector as 2 per worker over 3 workers', () => {
    const a = allocate(['w3', 'w1', 'w2'], [{ name: 'c', tasks: 6 }], EMPTY_ASSIGNMENT);
    assert.deepEqual([...counts(a).tasks.values()], [2, 2, 2]);
    assert.equal(a.tasks.size, 6);
    assert.equal(a.connectors.get('c'), 'w1');
  });

  it('is deterministic: the same inputs in any order give the same assignment', () => {
    const conns = [
      { name: 'b', tasks: 3 },
      { name: 'a', tasks: 4 },
    ];
    const x = allocate(['w1', 'w2', 'w3'], conns, EMPTY_ASSIGNMENT);
    const y = allocate(['w3', 'w2', 'w1', 'w2'], [...conns].reverse(), EMPTY_ASSIGNMENT);
    assert.deepEqual([...x.tasks].sort(), [...y.tasks].sort());
    assert.deepEqual([...x.connectors].sort(), [...y.connectors].sort());
  });

  it('balances connectors and tasks separately within one of each other', () => {
    const conns = Array.from({ length: 5 }, (_, i) => ({ name: `c${i}`, tasks: i + 1 }));
    const a = allocate(['a', 'b', 'c', 'd'], conns, EMPTY_ASSIGNMENT);
    const { tasks, connectors } = counts(a);
    assert.ok(Math.max(...tasks.values()) - Math.min(...tasks.values()) <= 1, JSON.stringify([...tasks]));
    assert.ok(Math.max(...connectors.values()) - Math.min(...connectors.values()) <= 1);
  });

  it('on a join moves only what the new worker must take', () => {
    const conns = [{ name: 'c', tasks: 6 }];
    const before = allocate(['w1', 'w2'], conns, EMPTY_ASSIGNMENT);
    const after = allocate(['w1', 'w2', 'w3'], conns, before);
    const moved = moves(before, after).tasks;
    assert.equal(moved.length, 2, `moved ${moved}`);
    for (const t of moved) assert.equal(after.tasks.get(t), 'w3');
    assert.deepEqual([...counts(after).tasks.values()].sort(), [2, 2, 2]);
  });

  it("on a leave moves only the departed worker's items", () => {
    const conns = [
      { name: 'a', tasks: 4 },
      { name: 'b', tasks: 2 },
    ];
    const before = allocate(['w1', 'w2', 'w3'], conns, EMPTY_ASSIGNMENT);
    const after = allocate(['w1', 'w3'], conns, before);
    for (const [item, w] of before.tasks) {
      if (w !== 'w2') assert.equal(after.tasks.get(item), w, `${item} stayed`);
      else assert.notEqual(after.tasks.get(item), 'w2');
    }
    assert.deepEqual([...counts(after).tasks.values()].sort(), [3, 3]);
  });

  it('keeps a stable assignment stable', () => {
    const conns = [{ name: 'c', tasks: 7 }];
    const first = allocate(['x', 'y', 'z'], conns, EMPTY_ASSIGNMENT);
    const again = allocate(['x', 'y', 'z'], conns, first);
    assert.deepEqual(moves(first, again), { connectors: [], tasks: [] });
  });

  it('scales 2 → 4 → 2 with minimal moves and balance at every step', () => {
    const conns = [{ name: 'c', tasks: 8 }];
    const two = allocate(['a', 'b'], conns, EMPTY_ASSIGNMENT);
    const four = allocate(['a', 'b', 'c', 'd'], conns, two);
    assert.equal(moves(two, four).tasks.length, 4);
    assert.deepEqual([...counts(four).tasks.values()], [2, 2, 2, 2]);
    const back = allocate(['a', 'b'], conns, four);
    assert.equal(moves(four, back).tasks.length, 4);
    assert.deepEqual([...counts(back).tasks.values()], [4, 4]);
  });

  it('handles more workers than items and no workers', () => {
    const a = allocate(['a', 'b', 'c'], [{ name: 'c', tasks: 1 }], EMPTY_ASSIGNMENT);
    assert.equal(a.tasks.get(taskKey('c', 0)), 'a');
    assert.equal(allocate([], [{ name: 'c', tasks: 1 }], EMPTY_ASSIGNMENT).tasks.size, 0);
  });
});

describe('allocate (consistent-hash)', () => {
  it('places every item and moves only items of the affected arcs on a join', () => {
    const conns = [{ name: 'c', tasks: 200 }];
    const before = allocate(['w1', 'w2', 'w3'], conns, EMPTY_ASSIGNMENT, 'consistent-hash');
    assert.equal(before.tasks.size, 200);
    const after = allocate(['w1', 'w2', 'w3', 'w4'], conns, EMPTY_ASSIGNMENT, 'consistent-hash');
    const moved = moves(before, after).tasks;
    for (const t of moved) assert.equal(after.tasks.get(t), 'w4', 'items only move to the new worker');
    assert.ok(moved.length > 20 && moved.length < 100, `moved ${moved.length} of 200`);
    const { tasks } = counts(after);
    assert.ok(Math.min(...tasks.values()) > 20, `roughly balanced: ${JSON.stringify([...tasks])}`);
  });
});
