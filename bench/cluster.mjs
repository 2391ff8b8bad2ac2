#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
// Benchmark (not a test): the cluster pipeline of issue 6 — Generator → RocketMQ topic (8 queues) →
// FileStreamSink — run by 1 and by 3 `tributary distributed` worker processes, records/s end to end
// (from the connectors' creation until the sink file holds every record).
// Needs RocketMQ (`scripts/services.sh start rocketmq`) and the build (`npm run build`).
// For comparison, --embedded also runs the same pipeline on one standalone worker with the embedded log.
// Usage: node bench/cluster.mjs [--records 300000] [--workers 1,3] [--embedded]
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessCluster } from '../packages/runtime/dist/test-support/cluster-processes.js';
import { countLines, tempDir } from '../packages/runtime/dist/test-support/helpers.js';
import { WorkerProcess } from '../packages/runtime/dist/test-support/worker-process.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RECORDS = Number(arg('records', '300000'));
const SIZES = arg('workers', '1,3').split(',').map(Number);
const EMBEDDED = process.argv.includes('--embedded');

async function run(workers) {
  const dir = await tempDir('trib-bench-cluster-');
  const cluster = new ProcessCluster(dir, {
    'broker.type': 'rocketmq',
    'rocketmq.namesrv.addr': '127.0.0.1:9876',
    'offset.flush.interval.ms': 5000,
    'topic.default.queues': 8,
  });
  try {
    for (let i = 1; i <= workers; i++) await cluster.start(`w${i}`);
    const output = join(dir, 'sink.txt');
    const topic = `bench.${cluster.clusterId}`;
    const post = (body) =>
      cluster.json('/connectors', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post({
      name: 'sink',
      config: { 'connector.class': 'FileStreamSink', file: output, topics: topic, 'tasks.max': '3' },
    });
    const started = performance.now();
    await post({
      name: 'gen',
      config: {
        'connector.class': 'Generator',
        topic,
        rate: '0',
        count: String(RECORDS),
        'tasks.max': '3',
        'record.size': '500',
        key: 'seq',
        'topic.creation.default.partitions': '8',
      },
    });
    while ((await countLines(output)) < RECORDS) {
      if (performance.now() - started > 900_000) throw new Error('stalled');
      await sleep(200);
    }
    const seconds = (performance.now() - started) / 1000;
    return { workers, seconds, perSecond: RECORDS / seconds };
  } finally {
    await cluster.killAll();
  }
}

/** The same pipeline on one standalone worker process with the embedded log. */
async function runEmbedded() {
  const dir = await tempDir('trib-bench-embedded-');
  const output = join(dir, 'sink.txt');
  const worker = join(dir, 'worker.json');
  await writeFile(
    worker,
    JSON.stringify({ 'data.dir': join(dir, 'data'), 'rest.port': 0, 'offset.flush.interval.ms': 5000 }),
  );
  const sink = join(dir, 'sink.json');
  await writeFile(
    sink,
    JSON.stringify({
      name: 'sink',
      config: { 'connector.class': 'FileStreamSink', file: output, topics: 'bench', 'tasks.max': '3' },
    }),
  );
  const gen = join(dir, 'gen.json');
  await writeFile(
    gen,
    JSON.stringify({
      name: 'gen',
      config: {
        'connector.class': 'Generator',
        topic: 'bench',
        rate: '0',
        count: String(RECORDS),
        'tasks.max': '3',
        'record.size': '500',
        key: 'seq',
        'topic.creation.default.partitions': '8',
      },
    }),
  );
  const proc = new WorkerProcess(['standalone', '--worker', worker, sink, gen]);
  const started = performance.now();
  await proc.start();
  try {
    while ((await countLines(output)) < RECORDS) {
      if (performance.now() - started > 900_000) throw new Error('stalled');
      await sleep(200);
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: RECORDS / seconds };
  } finally {
    await proc.kill();
  }
}

if (EMBEDDED) {
  const r = await runEmbedded();
  console.log(
    `embedded log, 1 standalone worker: ${RECORDS} records in ${r.seconds.toFixed(1)} s = ${Math.round(r.perSecond).toLocaleString('en')} records/s (includes the worker's start)`,
  );
}
for (const n of SIZES) {
  const r = await run(n);
  console.log(
    `${r.workers} worker(s): ${RECORDS} records of ~500 bytes in ${r.seconds.toFixed(1)} s = ${Math.round(r.perSecond).toLocaleString('en')} records/s`,
  );
}
