/**
 * Cluster mode on a real RocketMQ with separate worker processes (`tributary distributed`): balance,
 * failover under kill -9, scaling out and in while a pipeline runs, config changes seen everywhere, and
 * the status history showing no task on two workers at once beyond one rebalance round.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Broker } from '../broker/broker.js';
import { parseWorkerConfig } from '../config/worker-config.js';
import { ProcessCluster } from '../test-support/cluster-processes.js';
import { countLines, probeTcp, serviceSkipReason, tempDir, waitFor } from '../test-support/helpers.js';
import { longestOverlapMs, workersPerTask } from '../test-support/status-history.js';
import { createBroker } from '../worker-lifecycle.js';

const NAMESRV = process.env.TRIBUTARY_ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
const REBALANCE_DELAY_MS = 3000;
const FLUSH_INTERVAL_MS = 2000;
const FLUSH_MAX_RECORDS = 5000;
const BASE = {
  'broker.type': 'rocketmq',
  'rocketmq.namesrv.addr': NAMESRV,
  'rebalance.delay.ms': REBALANCE_DELAY_MS,
  'offset.flush.interval.ms': FLUSH_INTERVAL_MS,
  'offset.flush.max.records': FLUSH_MAX_RECORDS,
  'topic.default.queues': 8,
};

interface Seen {
  /** task → seq → copies */
  readonly copies: Map<number, Map<number, number>>;
  readonly total: number;
}

/** Reads the sink file: lines `Struct{seq=N,task=T,...}` written by the FileStreamSink. */
async function readSink(path: string): Promise<Seen> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { copies: new Map(), total: 0 };
  }
  const copies = new Map<number, Map<number, number>>();
  let total = 0;
  for (const m of text.matchAll(/seq=(\d+),task=(\d+)/g)) {
    const seq = Number(m[1]);
    const task = Number(m[2]);
    let per = copies.get(task);
    if (per === undefined) {
      per = new Map();
      copies.set(task, per);
    }
    per.set(seq, (per.get(seq) ?? 0) + 1);
    total++;
  }
  return { copies, total };
}

function missingAndDuplicates(seen: Seen, perTask: number, tasks: number): { missing: number; duplicates: number } {
  let missing = 0;
  let duplicates = 0;
  for (let t = 0; t < tasks; t++) {
    const per = seen.copies.get(t) ?? new Map<number, number>();
    for (let s = 0; s < perTask; s++) {
      const c = per.get(s) ?? 0;
      if (c === 0) missing++;
      else duplicates += c - 1;
    }
  }
  return { missing, duplicates };
}

/** True once the sink holds every record; the cheap line count is checked before the file is parsed. */
async function allInSink(path: string, count: number, tasks: number): Promise<boolean> {
  if ((await countLines(path)) < count) return false;
  return missingAndDuplicates(await readSink(path), count / tasks, tasks).missing === 0;
}

/** Every status entry of the status topic, in log order. */
async function statusHistory(
  broker: Broker,
  topic: string,
): Promise<{ key: string; value: Record<string, unknown> | null }[]> {
  const consumer = broker.createConsumer();
  consumer.assign([{ topic, queue: 0 }]);
  consumer.seek({ topic, queue: 0 }, 'earliest');
  const { end } = await broker.queueRange({ topic, queue: 0 });
  const out: { key: string; value: Record<string, unknown> | null }[] = [];
  const dec = new TextDecoder();
  while (consumer.position({ topic, queue: 0 }) < end) {
    for (const m of await consumer.poll(1000, 1000)) {
      out.push({
        key: m.key === null ? '' : dec.decode(m.key),
        value: m.value === null ? null : JSON.parse(dec.decode(m.value)),
      });
    }
  }
  await consumer.close();
  return out;
}

describe('cluster mode on RocketMQ (separate worker processes)', { timeout: 900_000 }, async () => {
  const skip = await serviceSkipReason(
    'RocketMQ',
    () => probeTcp(NAMESRV.split(':')[0]!, Number(NAMESRV.split(':')[1])),
    '`scripts/services.sh start rocketmq`',
  );
  const clusters: ProcessCluster[] = [];
  let broker: Broker | null = null;
  before(async () => {
    if (skip !== undefined) return;
    broker = await createBroker(
      parseWorkerConfig({ 'broker.type': 'rocketmq', 'rocketmq.namesrv.addr': NAMESRV, 'rest.port': '0' }),
    );
    await broker.start();
  });
  after(async () => {
    for (const c of clusters) await c.killAll();
    await broker?.close();
  });

  it('3 workers, tasks.max=6: 2 tasks per worker and every worker reports the same assignment', { skip }, async () => {
    const cluster = new ProcessCluster(await tempDir('trib-cluster-'), BASE);
    clusters.push(cluster);
    for (const id of ['w1', 'w2', 'w3']) await cluster.start(id);
    await cluster.json('/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gen',
        config: { 'connector.class': 'Generator', topic: `bal-${cluster.clusterId}`, rate: '30', 'tasks.max': '6' },
      }),
    });
    await waitFor(
      '6 tasks RUNNING, 2 per worker',
      async () => {
        const s = await cluster.json<{ tasks: { state: string; worker_id: string }[] }>('/connectors/gen/status');
        const per = new Map<string, number>();
        for (const t of s.tasks) if (t.state === 'RUNNING') per.set(t.worker_id, (per.get(t.worker_id) ?? 0) + 1);
        return s.tasks.length === 6 && [...per.values()].sort().join() === '2,2,2';
      },
      60_000,
      250,
    );
    const views = await Promise.all(
      [...cluster.workers.values()].map((w) =>
        cluster.json<{ assignments: Record<string, { tasks: unknown[] }> }>('/cluster', undefined, w.url),
      ),
    );
    for (const v of views) {
      assert.deepEqual(Object.fromEntries(Object.entries(v.assignments).map(([w, a]) => [w, a.tasks.length])), {
        w1: 2,
        w2: 2,
        w3: 2,
      });
      assert.deepEqual(v.assignments, views[0]!.assignments);
    }
    // A config change made through worker w1 runs on w3 within 5 s.
    const w1 = cluster.workers.get('w1')!.url;
    const w3 = cluster.workers.get('w3')!.url;
    await cluster.json(
      '/connectors/gen/config',
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          'connector.class': 'Generator',
          topic: `bal-${cluster.clusterId}`,
          rate: '31',
          'tasks.max': '3',
        }),
      },
      w1,
    );
    const changedAt = Date.now();
    await waitFor(
      'the change running on w3',
      async () => {
        const tasks = await cluster.json<{ config: Record<string, string> }[]>('/connectors/gen/tasks', undefined, w3);
        const status = await cluster.json<{ tasks: { state: string }[] }>('/connectors/gen/status', undefined, w3);
        return (
          tasks.length === 3 &&
          tasks.every((t) => t.config.rate === '31') &&
          status.tasks.every((t) => t.state === 'RUNNING')
        );
      },
      5000,
      100,
    );
    assert.ok(Date.now() - changedAt <= 5000);
  });

  it('generator → RocketMQ (8 queues) → file sink survives kill -9 of a worker every 20 s: zero lost, bounded duplicates, no task on two workers beyond one rebalance round', {
    skip,
  }, async () => {
    const dir = await tempDir('trib-failover-');
    const cluster = new ProcessCluster(dir, BASE);
    clusters.push(cluster);
    for (const id of ['w1', 'w2', 'w3']) await cluster.start(id);
    const output = join(dir, 'sink.txt');
    const topic = `failover.${cluster.clusterId}`;
    const COUNT = 1_000_000;
    const TASKS = 2;
    await cluster.json('/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'sink',
        config: { 'connector.class': 'FileStreamSink', file: output, topics: topic, 'tasks.max': '2' },
      }),
    });
    await cluster.json('/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gen',
        config: {
          'connector.class': 'Generator',
          topic,
          rate: '7000',
          count: String(COUNT),
          'tasks.max': String(TASKS),
          'record.size': '100',
          key: 'seq',
          'topic.creation.default.partitions': '8',
        },
      }),
    });
    // Progress samples (time, lines in the sink), one at a time: a 1M-line file takes a while to read on a
    // busy machine, and overlapping reads once piled up until the test process ran out of heap.
    const samples: { t: number; n: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ t: Date.now(), n: await countLines(output) });
        await sleep(1000);
      }
    })();
    const order = ['w1', 'w2', 'w3', 'w1', 'w2'];
    try {
      for (const id of order) {
        await sleep(20_000);
        await cluster.kill(id);
        await sleep(10_000);
        await cluster.start(id);
      }
      await waitFor('every record in the sink', () => allInSink(output, COUNT, TASKS), 600_000, 2000);
    } finally {
      sampling = false;
      await sampler;
    }
    await sleep(FLUSH_INTERVAL_MS * 2);
    const seen = await readSink(output);
    const { missing, duplicates } = missingAndDuplicates(seen, COUNT / TASKS, TASKS);
    let perInterval = 0;
    for (const a of samples)
      for (const b of samples)
        if (b.t > a.t && b.t - a.t <= FLUSH_INTERVAL_MS) perInterval = Math.max(perInterval, b.n - a.n);
    const bound = order.length * (perInterval + FLUSH_MAX_RECORDS * 2 + 2000);
    const history = await statusHistory(broker!, `${cluster.clusterId}-status`);
    const overlap = longestOverlapMs(history, cluster.downAt);
    const moved = [...workersPerTask(history).values()].filter((workers) => workers.size > 1).length;
    console.log(
      `failover: ${order.length} kills, ${seen.total} lines, ${missing} missing, ${duplicates} duplicates (bound ${bound}, one interval ≈ ${perInterval}), longest double-run ${overlap.ms} ms (${overlap.task}), ${moved} tasks moved`,
    );
    assert.equal(missing, 0, 'zero lost');
    assert.ok(
      duplicates <= bound,
      `duplicates ${duplicates} exceed ${order.length} kills × one commit interval (${bound})`,
    );
    assert.ok(moved > 0, 'the kills moved tasks between workers (so the overlap check is meaningful)');
    assert.ok(overlap.ms <= REBALANCE_DELAY_MS + 5000, `task ${overlap.task} ran on two workers for ${overlap.ms} ms`);
    for (const id of ['w1', 'w2', 'w3']) assert.equal(await cluster.terminate(id), 0);
  });

  it('scales out 2 → 4 and in 4 → 2 while the pipeline runs: zero lost', { skip }, async () => {
    const dir = await tempDir('trib-scale-');
    const cluster = new ProcessCluster(dir, BASE);
    clusters.push(cluster);
    await cluster.start('w1');
    await cluster.start('w2');
    const output = join(dir, 'sink.txt');
    const topic = `scale.${cluster.clusterId}`;
    const COUNT = 300_000;
    const TASKS = 4;
    await cluster.json('/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'sink',
        config: { 'connector.class': 'FileStreamSink', file: output, topics: topic, 'tasks.max': '2' },
      }),
    });
    await cluster.json('/connectors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'gen',
        config: {
          'connector.class': 'Generator',
          topic,
          rate: '6000',
          count: String(COUNT),
          'tasks.max': String(TASKS),
          'record.size': '100',
        },
      }),
    });
    await sleep(8000);
    await cluster.start('w3');
    await cluster.start('w4');
    await waitFor(
      '4 workers share the tasks',
      async () => {
        const v = await cluster.json<{ assignments: Record<string, { tasks: unknown[] }> }>('/cluster');
        return Object.values(v.assignments).filter((a) => a.tasks.length > 0).length === 4;
      },
      60_000,
      500,
    );
    await sleep(8000);
    assert.equal(await cluster.terminate('w3'), 0);
    assert.equal(await cluster.terminate('w4'), 0);
    await waitFor('every record in the sink', () => allInSink(output, COUNT, TASKS), 300_000, 2000);
    const { missing, duplicates } = missingAndDuplicates(await readSink(output), COUNT / TASKS, TASKS);
    console.log(`scaling: ${missing} missing, ${duplicates} duplicates`);
    assert.equal(missing, 0);
    for (const id of ['w1', 'w2']) assert.equal(await cluster.terminate(id), 0);
  });
});
