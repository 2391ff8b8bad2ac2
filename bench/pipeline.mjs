#!/usr/bin/env node
// Benchmark (not a test): generator → embedded topic → discard sink in one standalone worker, with
// ~500-byte schema'd records and the JSON converter (schemas enabled), as issue 3 asks:
//   1. records/s end to end with the generator unthrottled;
//   2. end-to-end latency (record timestamp → put) at 10k records/s: p50/p99;
//   3. the worker's RSS (peak over both phases; task threads included: they are threads of this process).
// Also printed: the main thread's event-loop utilization and the CPU time of all threads per record.
// With task.isolation=thread, counts reach the main thread's metrics within 250 ms (the mirror's period),
// so the throughput phase may end up to ~0.3 s late: a 2M-record run reads ~1-2 % low.
// Usage: node bench/pipeline.mjs [--records 2000000] [--latency-seconds 30] [--tasks 1] [--isolation none|thread] (default none, the worker default)
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseWorkerConfig, startStandalone } from '@tributary/runtime';

const text = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const arg = (name, fallback) => Number(text(name, fallback));
const RECORDS = arg('records', 2_000_000);
const LATENCY_SECONDS = arg('latency-seconds', 30);
const TASKS = arg('tasks', 1);
const ISOLATION = text('isolation', 'none');

const quiet = new Writable({ write: (_c, _e, done) => done() });
let peakRss = 0;
let phasePeak = 0;
const rssTimer = setInterval(() => {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  phasePeak = Math.max(phasePeak, rss);
}, 100);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function withWorker(fn) {
  phasePeak = 0;
  const dir = await mkdtemp(join(tmpdir(), 'trib-bench-'));
  const config = parseWorkerConfig({
    'data.dir': dir,
    'rest.port': '0',
    'worker.id': 'bench',
    'log.level': 'warn',
    'task.isolation': ISOLATION,
  });
  const worker = await startStandalone({ config, logDestination: quiet });
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const putTotal = (worker, name) => worker.metrics.tasksOf(name).reduce((n, t) => n + t.sendRate.total, 0);

async function throughput() {
  return withWorker(async (worker) => {
    await worker.herder.createConnector('sink', {
      'connector.class': 'DiscardSink',
      topics: 'bench',
      'tasks.max': String(TASKS),
    });
    const started = performance.now();
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    await worker.herder.createConnector('gen', {
      'connector.class': 'Generator',
      topic: 'bench',
      rate: '0',
      count: String(RECORDS),
      'record.size': '500',
      'tasks.max': String(TASKS),
    });
    let last = 0;
    while (putTotal(worker, 'sink') < RECORDS) {
      await sleep(50);
      const now = putTotal(worker, 'sink');
      if (now === last && performance.now() - started > 600_000) throw new Error('stalled');
      last = now;
    }
    const seconds = (performance.now() - started) / 1000;
    const mainElu = performance.eventLoopUtilization(elu).utilization;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const bytes = worker.metrics.tasksOf('sink').reduce((n, t) => n + t.sinkRecordReadBytes, 0);
    return {
      records: RECORDS,
      seconds,
      perSecond: RECORDS / seconds,
      avgRecordBytes: bytes / RECORDS,
      mainElu,
      cpuSeconds,
    };
  });
}

async function latency() {
  return withWorker(async (worker) => {
    await worker.herder.createConnector('sink', { 'connector.class': 'DiscardSink', topics: 'lat' });
    await worker.herder.createConnector('gen', {
      'connector.class': 'Generator',
      topic: 'lat',
      rate: '10000',
      'record.size': '500',
    });
    // Warm up, then measure a fresh histogram window.
    await sleep(3000);
    const [task] = worker.metrics.tasksOf('sink');
    const before = {
      counts: Float64Array.from(task.latencyMs.counts),
      count: task.latencyMs.count,
      sum: task.latencyMs.sum,
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
      mean: (task.latencyMs.sum - before.sum) / count,
    };
  });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`task.isolation=${ISOLATION}, load average before: ${load()}`);
const t = await throughput();
console.log(
  `throughput: ${t.records} records of ~${Math.round(t.avgRecordBytes)} bytes in ${t.seconds.toFixed(1)} s = ${Math.round(t.perSecond).toLocaleString('en')} records/s (main thread event loop ${Math.round(t.mainElu * 100)} % busy; CPU of all threads ${t.cpuSeconds.toFixed(1)} s = ${((t.cpuSeconds / t.records) * 1e6).toFixed(1)} µs/record; peak RSS ${mb(phasePeak)})`,
);
const l = await latency();
console.log(
  `latency at 10k records/s over ${l.seconds} s (measured ${Math.round(l.rate)}/s): p50 ≤ ${l.p50} ms, p99 ≤ ${l.p99} ms, p99.9 ≤ ${l.p999} ms (histogram bucket bounds), mean ${l.mean.toFixed(1)} ms (peak RSS ${mb(phasePeak)})`,
);
clearInterval(rssTimer);
console.log(`peak RSS: ${mb(peakRss)}; load average after: ${load()}`);
