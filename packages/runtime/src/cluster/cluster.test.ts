import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterView } from '../herder/entities.js';
import { waitFor } from '../test-support/helpers.js';
import { InProcessCluster } from '../test-support/in-process-cluster.js';

async function restJson<T>(url: string, path: string, init?: RequestInit): Promise<T> {
  const r = await fetch(`${url}${path}`, init);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

const tasksPerWorker = (view: ClusterView) =>
  Object.fromEntries(Object.entries(view.assignments).map(([w, a]) => [w, a.tasks.length]));

describe('cluster mode on one shared broker (in process)', () => {
  const clusters: InProcessCluster[] = [];
  after(async () => {
    for (const c of clusters) await c.close();
  });

  it('3 workers run a 6-task connector 2 per worker, and every worker reports the same assignment', async () => {
    const cluster = await InProcessCluster.create();
    clusters.push(cluster);
    const [a, b, c] = [await cluster.start('w1'), await cluster.start('w2'), await cluster.start('w3')];
    await waitFor('3 members', async () => (await a.herder.cluster()).workers.length === 3);
    // Created through worker B's REST; runs everywhere.
    await restJson(b.rest.url, '/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gen',
        config: { 'connector.class': 'Generator', topic: 'g', rate: '60', 'tasks.max': '6' },
      }),
    });
    await waitFor('6 running tasks, 2 per worker', async () => {
      const s = await restJson<{ tasks: { state: string; worker_id: string }[] }>(c.rest.url, '/connectors/gen/status');
      const per = new Map<string, number>();
      for (const t of s.tasks) if (t.state === 'RUNNING') per.set(t.worker_id, (per.get(t.worker_id) ?? 0) + 1);
      return s.tasks.length === 6 && [...per.values()].join() === '2,2,2';
    });
    const views = await Promise.all([a, b, c].map((w) => restJson<ClusterView>(w.rest.url, '/cluster')));
    for (const v of views) assert.deepEqual(tasksPerWorker(v), { w1: 2, w2: 2, w3: 2 });
    assert.deepEqual(views[0]!.assignments, views[1]!.assignments);
    assert.deepEqual(views[1]!.assignments, views[2]!.assignments);
    for (const w of [a, b, c]) {
      const statuses = await restJson<Record<string, { status: { tasks: unknown[] } }>>(
        w.rest.url,
        '/connectors?expand=status',
      );
      assert.equal(statuses.gen?.status.tasks.length, 6);
    }
  });

  it('moves tasks of a stopped worker, scales out without restarting tasks that stay, and applies config changes everywhere', async () => {
    const cluster = await InProcessCluster.create();
    clusters.push(cluster);
    const a = await cluster.start('w1');
    await cluster.start('w2');
    await a.herder.createConnector('gen', {
      'connector.class': 'Generator',
      topic: 'g2',
      rate: '50',
      'tasks.max': '4',
    });
    await waitFor('4 tasks on 2 workers', async () => {
      const v = await a.herder.cluster();
      return tasksPerWorker(v).w1 === 2 && tasksPerWorker(v).w2 === 2;
    });
    const runningOnA = (await a.herder.cluster()).assignments.w1!.tasks.map((t) => t.task).sort();

    // Scale out: w3 takes its share; tasks that stay on w1 keep their ownership token (not restarted).
    const tokensBefore = runningOnA.map((t) => a.herder.state.owner('gen', t)!.token);
    const c = await cluster.start('w3');
    await waitFor('rebalanced over 3 workers', async () => {
      const per = Object.values(tasksPerWorker(await c.herder.cluster())).sort();
      return per.join() === '1,1,2';
    });
    const stillOnA = (await a.herder.cluster()).assignments.w1!.tasks.map((t) => t.task);
    for (const t of stillOnA) {
      assert.equal(
        a.herder.state.owner('gen', t)!.token,
        tokensBefore[runningOnA.indexOf(t)],
        `task ${t} was not restarted`,
      );
    }

    // A graceful stop hands its tasks over at once.
    await cluster.stop('w2');
    await waitFor('w2 tasks moved and running', async () => {
      const s = await a.herder.connectorStatus('gen');
      return s.tasks.every((t) => t.state === 'RUNNING' && (t.worker_id === 'w1' || t.worker_id === 'w3'));
    });
    assert.equal((await a.herder.cluster()).workers.length, 2);

    // A config change made through one worker runs on the others.
    await a.herder.putConnectorConfig('gen', {
      'connector.class': 'Generator',
      topic: 'g2',
      rate: '50',
      'tasks.max': '2',
    });
    await waitFor('2 tasks after the change, seen by w3', async () => {
      const st = await c.herder.connectorStatus('gen');
      return st.tasks.length === 2 && st.tasks.every((t) => t.state === 'RUNNING');
    });
  });

  it('pauses, stops and resumes across the cluster, and alters offsets only when stopped', async () => {
    const cluster = await InProcessCluster.create();
    clusters.push(cluster);
    const a = await cluster.start('w1');
    const b = await cluster.start('w2');
    await a.herder.createConnector('gen', {
      'connector.class': 'Generator',
      topic: 'g3',
      rate: '0',
      count: '100',
      'tasks.max': '2',
    });
    await waitFor('offsets', async () => (await b.herder.connectorOffsets('gen')).offsets.length === 2);
    await b.herder.pauseConnector('gen');
    await waitFor('paused', async () =>
      (await a.herder.connectorStatus('gen')).tasks.every((t) => t.state === 'PAUSED'),
    );
    await assert.rejects(a.herder.resetConnectorOffsets('gen'), /STOPPED state/);
    await b.herder.stopConnector('gen');
    await waitFor('stopped', async () => (await a.herder.connectorStatus('gen')).connector.state === 'STOPPED');
    await a.herder.resetConnectorOffsets('gen');
    assert.deepEqual((await b.herder.connectorOffsets('gen')).offsets, []);
    await a.herder.resumeConnector('gen');
    await waitFor('running again', async () => {
      const s = await b.herder.connectorStatus('gen');
      return s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING');
    });
  });
});
