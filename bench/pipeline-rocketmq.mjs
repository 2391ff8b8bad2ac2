#!/usr/bin/env node
// Benchmark (not a test): generator → RocketMQ topic (8 queues) → discard sink in one standalone worker
// with broker.type=rocketmq, ~500-byte schema'd records and the JSON converter (schemas enabled), as
// issue 6 asks (the same phases as bench/pipeline.mjs on the embedded broker):
//   1. records/s end to end with the generator unthrottled;
//   2. end-to-end latency (record timestamp → put) at 10k records/s: p50/p99;
//   3. the worker's RSS (peak over both phases; the RocketMQ JVMs are separate processes).
// Needs RocketMQ: scripts/services.sh start rocketmq (or --namesrv host:port).
// Usage: node bench/pipeline-rocketmq.mjs [--records 1000000] [--latency-seconds 30] [--tasks 1] [--namesrv 127.0.0.1:9876]
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseWorkerConfig, startStandalone } from '@tributary/runtime';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const namesrvAt = process.argv.indexOf('--namesrv');
const NAMESRV = namesrvAt >= 0 ? process.argv[namesrvAt + 1] : (process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876');
// RocketMQ keeps its store between runs: every run uses its own topics and groups.
const RUN = `b${Date.now().toString(36)}`;
const RECORDS = arg('records', 1_000_000);
const LATENCY_SECONDS = arg('latency-seconds', 30);
const TASKS = arg('tasks', 1);

const quiet = new Writable({ write: (_c, _e, done) => done() });
let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

async function withWorker(fn) {
  const dir = await mkdtemp(join(tmpdir(), 'trib-bench-'));
  const config = parseWorkerConfig({
    'data.dir': dir,
    'rest.port': '0',
    'worker.id': 'bench',
    'log.level': 'warn',
    'broker.type': 'rocketmq',
    'rocketmq.namesrv.addr': NAMESRV,
    'topic.default.queues': '8',
  });
  const worker = await startStandalone({ config, logDestination: quiet });
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
    // The standalone herder's last status write may land just after stop() (not awaited there).
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

const putTotal = (worker, name) => worker.metrics.tasksOf(name).reduce((n, t) => n + t.sendRate.total, 0);

async function throughput() {
  return withWorker(async (worker) => {
    await worker.herder.createConnector(`sink-${RUN}`, {
      'connector.class': 'DiscardSink',
      topics: `bench.${RUN}`,
      'tasks.max': String(TASKS),
    });
    const started = performance.now();
    await worker.herder.createConnector(`gen-${RUN}`, {
      'connector.class': 'Generator',
      topic: `bench.${RUN}`,
      rate: '0',
      count: String(RECORDS),
      'record.size': '500',
      'tasks.max': String(TASKS),
    });
    let last = 0;
    while (putTotal(worker, `sink-${RUN}`) < RECORDS) {
      await sleep(50);
      const now = putTotal(worker, `sink-${RUN}`);
      if (now === last && performance.now() - started > 600_000) throw new Error('stalled');
      last = now;
    }
    const seconds = (performance.now() - started) / 1000;
    const bytes = worker.metrics.tasksOf(`sink-${RUN}`).reduce((n, t) => n + t.sinkRecordReadBytes, 0);
    return { records: RECORDS, seconds, perSecond: RECORDS / seconds, avgRecordBytes: bytes / RECORDS };
  });
}

async function latency() {
  return withWorker(async (worker) => {
    await worker.herder.createConnector(`lsink-${RUN}`, { 'connector.class': 'DiscardSink', topics: `lat.${RUN}` });
    await worker.herder.createConnector(`lgen-${RUN}`, {
      'connector.class': 'Generator',
      topic: `lat.${RUN}`,
      rate: '10000',
      'record.size': '500',
    });
    // Warm up, then measure a fresh histogram window.
    await sleep(3000);
    const [task] = worker.metrics.tasksOf(`lsink-${RUN}`);
    const before = {
      counts: Float64Array.from(task.latencyMs.counts),
      count: task.latencyMs.count,
      sent: task.sendRate.total,
    };
    await sleep(LATENCY_SECONDS * 1000);
    const counts = task.latencyMs.counts.map((c, i) => c - before.counts[i]);
    const count = task.latencyMs.count - before.count;
    const quantile = (q) => {
      let c = 0;
      for (let i = 0; i < counts.length; i++) {
        c += counts[i];
        if (c >= q * count) return task.latencyMs.bounds[i];
      }
      return Number.POSITIVE_INFINITY;
    };
    return {
      seconds: LATENCY_SECONDS,
      rate: (task.sendRate.total - before.sent) / LATENCY_SECONDS,
      p50: quantile(0.5),
      p99: quantile(0.99),
      p999: quantile(0.999),
    };
  });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`RocketMQ name server ${NAMESRV}; load average before: ${load()}`);
const t = await throughput();
console.log(
  `throughput: ${t.records} records of ~${Math.round(t.avgRecordBytes)} bytes in ${t.seconds.toFixed(1)} s = ${Math.round(t.perSecond).toLocaleString('en')} records/s`,
);
const l = await latency();
console.log(
  `latency at 10k records/s over ${l.seconds} s (measured ${Math.round(l.rate)}/s): p50 ≤ ${l.p50} ms, p99 ≤ ${l.p99} ms, p99.9 ≤ ${l.p999} ms (histogram bucket bounds)`,
);
clearInterval(rssTimer);
console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB; load average after: ${load()}`);
