import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError } from '@tributary/api';
import { MembershipRegistry } from './membership.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('in-process membership', () => {
  it('lists members sorted and tells every member about joins and leaves', async () => {
    const reg = new MembershipRegistry();
    const b = reg.join('cluster', 'worker-b');
    const seenByB: string[][] = [];
    b.onChange((m) => seenByB.push([...m]));
    const a = reg.join('cluster', 'worker-a');
    const seenByA: string[][] = [];
    a.onChange((m) => seenByA.push([...m]));
    await tick();
    assert.deepEqual(await b.members(), ['worker-a', 'worker-b']);
    assert.deepEqual(seenByB, [['worker-a', 'worker-b']]);
    const c = reg.join('cluster', 'worker-c');
    await tick();
    await b.leave();
    await tick();
    assert.deepEqual(await a.members(), ['worker-a', 'worker-c']);
    assert.deepEqual(seenByA, [
      ['worker-a', 'worker-b', 'worker-c'],
      ['worker-a', 'worker-c'],
    ]);
    assert.equal(seenByB.length, 2, 'a member that left hears nothing more');
    assert.deepEqual(await c.members(), ['worker-a', 'worker-c']);
  });

  it('keeps groups apart and refuses a duplicate live member id', async () => {
    const reg = new MembershipRegistry();
    const a = reg.join('g1', 'm');
    reg.join('g2', 'm');
    assert.throws(() => reg.join('g1', 'm'), AlreadyExistsError);
    await a.leave();
    const again = reg.join('g1', 'm');
    assert.deepEqual(await again.members(), ['m']);
  });

  it('unsubscribes listeners and survives a throwing listener', async () => {
    const reg = new MembershipRegistry();
    const a = reg.join('g', 'a');
    let calls = 0;
    const off = a.onChange(() => calls++);
    a.onChange(() => {
      throw new Error('listener bug');
    });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    reg.join('g', 'b');
    await tick();
    off();
    reg.join('g', 'c');
    await tick();
    await tick();
    process.off('warning', onWarning);
    assert.equal(calls, 1);
    assert.ok(warnings.some((w) => w.includes('listener bug')));
  });

  it('empties every group when the broker closes', async () => {
    const reg = new MembershipRegistry();
    const a = reg.join('g', 'a');
    reg.join('g', 'b');
    reg.leaveAll();
    assert.deepEqual(await a.members(), []);
  });
});
