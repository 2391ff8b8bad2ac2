import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IllegalStateError } from '@tributary/api';
import { DataDirLock } from './data-dir-lock.js';
import { FileConfigStore, FileOffsetStore, FileStatusStore } from './file-stores.js';

describe('file stores', () => {
  it('keep connector configs, target states and task configs across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-store-'));
    const a = new FileConfigStore(dir);
    await a.load();
    const s1 = await a.putConnector('c1', { name: 'c1', 'connector.class': 'X' }, 'STARTED');
    assert.equal(s1.generation, 1);
    await a.putTaskConfigs('c1', [{ t: '0' }]);
    await a.putTargetState('c1', 'PAUSED');
    await a.putConnector('c2', { name: 'c2' }, 'STOPPED');
    await a.removeConnector('c2');
    const b = new FileConfigStore(dir);
    const loaded = await b.load();
    assert.deepEqual([...loaded.keys()], ['c1']);
    assert.equal(b.get('c1')?.targetState, 'PAUSED');
    assert.deepEqual(b.get('c1')?.taskConfigs, [{ t: '0' }]);
    const s2 = await b.putConnector('c1', { name: 'c1', 'connector.class': 'Y' }, 'PAUSED');
    assert.equal(s2.generation, 2);
    assert.deepEqual(s2.taskConfigs, [{ t: '0' }], 'task configs survive a config update until regenerated');
  });

  it('keep source offsets per connector, keyed by partition content', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-store-'));
    const a = new FileOffsetStore(dir);
    await a.load();
    await a.set('c', [
      { partition: { file: 'x', n: 1 }, offset: { position: 5 } },
      { partition: { file: 'y' }, offset: { position: 1 } },
    ]);
    await a.set('c', [
      { partition: { n: 1, file: 'x' }, offset: { position: 9 } },
      { partition: { file: 'y' }, offset: null },
    ]);
    const b = new FileOffsetStore(dir);
    await b.load();
    assert.deepEqual(b.all('c'), [{ partition: { file: 'x', n: 1 }, offset: { position: 9 } }]);
    assert.deepEqual(b.get('c', [{ file: 'x', n: 1 }, { file: 'z' }]), [
      { partition: { file: 'x', n: 1 }, offset: { position: 9 } },
    ]);
    await b.clear('c');
    assert.deepEqual(b.all('c'), []);
    assert.equal((await readFile(join(dir, 'offsets.json'), 'utf8')).trim(), '{}');
  });

  it('never lets an older status generation replace a newer one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-store-'));
    const s = new FileStatusStore(dir);
    await s.load();
    await s.putTask('c', 0, { state: 'RUNNING', workerId: 'w', generation: 5 });
    await s.putTask('c', 0, { state: 'FAILED', workerId: 'w', generation: 4, trace: 'old' });
    assert.equal(s.task('c', 0)?.state, 'RUNNING');
    await s.putTask('c', 1, { state: 'RUNNING', workerId: 'w', generation: 1 });
    await s.removeTasksFrom('c', 1);
    assert.deepEqual([...s.tasks('c').keys()], [0]);
    await s.addActiveTopic('c', 't2');
    await s.addActiveTopic('c', 't1');
    await s.addActiveTopic('c', 't1');
    const reopened = new FileStatusStore(dir);
    await reopened.load();
    assert.deepEqual(reopened.activeTopics('c'), ['t1', 't2']);
    await reopened.resetActiveTopics('c');
    assert.deepEqual(reopened.activeTopics('c'), []);
  });
});

describe('DataDirLock', () => {
  it('refuses a second live owner and takes over a dead one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-lock-'));
    const lock = await DataDirLock.acquire(dir);
    // A live process' lock (pid 1 is always alive) blocks.
    await lock.release();
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'worker.lock'), '1'));
    await assert.rejects(
      DataDirLock.acquire(dir),
      (e: unknown) => e instanceof IllegalStateError && /in use by another worker \(pid 1\)/.test(e.message),
    );
    // A dead process' lock is taken over.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'worker.lock'), dead));
    const again = await DataDirLock.acquire(dir);
    assert.equal(await readFile(join(dir, 'worker.lock'), 'utf8'), String(process.pid));
    await again.release();
  });
});
