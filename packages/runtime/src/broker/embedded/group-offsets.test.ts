import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupOffsetStore } from './group-offsets.js';
import { tempDir } from './helpers.test.fixture.js';

let n = 0;
function fresh(root: string): string {
  const dir = join(root, `g${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('group offset store', () => {
  const root = tempDir();

  it('commits, fetches, deletes queues, groups and topics', async () => {
    const { store } = GroupOffsetStore.open(fresh(root), true);
    await store.commit('g1', [
      { topic: 'a', queue: 0, offset: 10 },
      { topic: 'a', queue: 1, offset: 11 },
      { topic: 'b', queue: 0, offset: 2 ** 40 },
    ]);
    await store.commit('g1', [{ topic: 'a', queue: 0, offset: 12 }]);
    await store.commit('g2', [{ topic: 'a', queue: 0, offset: 5 }]);
    assert.deepEqual(store.fetch('g1'), [
      { topic: 'a', queue: 0, offset: 12 },
      { topic: 'a', queue: 1, offset: 11 },
      { topic: 'b', queue: 0, offset: 2 ** 40 },
    ]);
    assert.deepEqual(
      store.fetch('g1', [
        { topic: 'a', queue: 1 },
        { topic: 'z', queue: 0 },
      ]),
      [{ topic: 'a', queue: 1, offset: 11 }],
    );
    await store.delete('g1', [{ topic: 'a', queue: 1 }]);
    assert.deepEqual(
      store.fetch('g1').map((p) => `${p.topic}/${p.queue}`),
      ['a/0', 'b/0'],
    );
    await store.deleteTopic('a');
    assert.deepEqual(store.fetch('g1'), [{ topic: 'b', queue: 0, offset: 2 ** 40 }]);
    assert.deepEqual(store.fetch('g2'), []);
    await store.delete('g1');
    assert.deepEqual(store.fetch('g1'), []);
    await store.close();
  });

  it('survives reopen, in both fsync modes', async () => {
    for (const perBatch of [true, false]) {
      const dir = fresh(root);
      const { store } = GroupOffsetStore.open(dir, perBatch);
      await store.commit('connect-sink', [{ topic: 't', queue: 3, offset: 99 }]);
      await store.commit('ünïcode group', [{ topic: 't', queue: 0, offset: 1 }]);
      await store.close();
      const { store: again, truncated } = GroupOffsetStore.open(dir, perBatch);
      assert.equal(truncated, false);
      assert.deepEqual(again.fetch('connect-sink'), [{ topic: 't', queue: 3, offset: 99 }]);
      assert.deepEqual(again.fetch('ünïcode group'), [{ topic: 't', queue: 0, offset: 1 }]);
      await again.close();
    }
  });

  it('after a cut at any byte of the last commit, holds the previous value, never garbage', async () => {
    const src = fresh(root);
    const { store } = GroupOffsetStore.open(src, true);
    await store.commit('g', [
      { topic: 't', queue: 0, offset: 100 },
      { topic: 't', queue: 1, offset: 200 },
    ]);
    const before = statSync(join(src, 'offsets.log')).size;
    await store.commit('g', [
      { topic: 't', queue: 0, offset: 101 },
      { topic: 't', queue: 1, offset: 201 },
    ]);
    const after = statSync(join(src, 'offsets.log')).size;
    await store.close();
    for (let cut = before; cut <= after; cut++) {
      const dir = fresh(root);
      copyFileSync(join(src, 'offsets.log'), join(dir, 'offsets.log'));
      truncateSync(join(dir, 'offsets.log'), cut);
      const { store: rec, truncated } = GroupOffsetStore.open(dir, true);
      const want = cut === after ? [101, 201] : [100, 200];
      assert.deepEqual(
        rec.fetch('g').map((p) => p.offset),
        want,
        `cut at ${cut}`,
      );
      assert.equal(truncated, cut !== before && cut !== after);
      await rec.commit('g', [{ topic: 't', queue: 0, offset: 500 }]);
      await rec.close();
      const { store: third } = GroupOffsetStore.open(dir, true);
      assert.equal(third.fetch('g', [{ topic: 't', queue: 0 }])[0]?.offset, 500, 'the repaired log takes appends');
      await third.close();
    }
  });

  it('ignores a commit whose bytes were corrupted', async () => {
    const dir = fresh(root);
    const { store } = GroupOffsetStore.open(dir, true);
    await store.commit('g', [{ topic: 't', queue: 0, offset: 1 }]);
    const mid = statSync(join(dir, 'offsets.log')).size;
    await store.commit('g', [{ topic: 't', queue: 0, offset: 2 }]);
    await store.close();
    const bytes = readFileSync(join(dir, 'offsets.log'));
    bytes[mid + 12]! ^= 0x08;
    writeFileSync(join(dir, 'offsets.log'), bytes);
    const { store: rec, truncated } = GroupOffsetStore.open(dir, true);
    assert.equal(truncated, true);
    assert.deepEqual(rec.fetch('g'), [{ topic: 't', queue: 0, offset: 1 }]);
    await rec.close();
  });

  it('compacts a log that outgrew its live content', async () => {
    const dir = fresh(root);
    const { store } = GroupOffsetStore.open(dir, false);
    const queues = Array.from({ length: 50 }, (_, q) => q);
    // 2000 commits of 50 queues: well over 2 MiB of frames without compaction.
    for (let round = 0; round < 2000; round++) {
      await store.commit(
        'busy',
        queues.map((queue) => ({ topic: 'orders.v1', queue, offset: round * 100 + queue })),
      );
    }
    assert.ok(store.logBytes <= 1024 * 1024 + 2048, `log is ${store.logBytes} bytes after 2000 commits`);
    await store.close();
    const { store: again } = GroupOffsetStore.open(dir, false);
    const got = again.fetch('busy');
    assert.equal(got.length, 50);
    assert.ok(got.every((p) => p.offset === 1999 * 100 + p.queue));
    await again.close();
  });
});
