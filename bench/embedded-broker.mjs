#!/usr/bin/env node
// Embedded broker benchmark (issue 3): append and read throughput of 500-byte messages in batches of 500,
// a producer and a consumer running together, send→poll latency at a fixed rate, and start-up (recovery)
// time of a 1M-message log after a clean close, after kill -9, and with every index file removed.
// Usage: npx tsc -b packages/runtime && node bench/embedded-broker.mjs
//          [--messages 1000000] [--size 500] [--batch 500] [--queues 8] [--rate 10000] [--seconds 5]
//          [--only append,pipe,latency,recovery] [--dir /tmp]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedBroker } from '../packages/runtime/dist/broker/embedded/index.js';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const MESSAGES = Number(arg('--messages', 1_000_000));
const SIZE = Number(arg('--size', 500));
const BATCH = Number(arg('--batch', 500));
const QUEUES = Number(arg('--queues', 8));
const RATE = Number(arg('--rate', 10_000));
const SECONDS = Number(arg('--seconds', 5));
const ONLY = arg('--only', 'append,pipe,latency,recovery').split(',');
const ROOT = arg('--dir', tmpdir());
const TOPIC = 'bench.embedded';
const MB = 1024 * 1024;

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const rssMb = () => (process.memoryUsage().rss / MB).toFixed(0);

/** `count` messages of SIZE bytes; keyed ones spread over the queues by key hash. */
function batchOf(count, keyed) {
  const value = Buffer.alloc(SIZE, 0x61);
  return Array.from({ length: count }, (_, i) => ({
    topic: TOPIC,
    key: keyed ? Buffer.from(`key-${i}`) : null,
    value,
    headers: [],
    timestamp: Date.now(),
  }));
}

async function openBroker(dataDir, fsync) {
  const broker = new EmbeddedBroker({ dataDir, fsync, retentionMs: -1, retentionBytes: -1 });
  await broker.start();
  await broker.ensureTopic(TOPIC, QUEUES);
  return broker;
}

function consumerOfAll(broker) {
  const c = broker.createConsumer();
  c.assign(Array.from({ length: QUEUES }, (_, queue) => ({ topic: TOPIC, queue })));
  return c;
}

async function appendThenRead(fsync, keyed, inFlight) {
  const dir = mkdtempSync(join(ROOT, 'trib-bench-'));
  try {
    const broker = await openBroker(dir, fsync);
    const batch = batchOf(BATCH, keyed);
    let t = performance.now();
    let sent = 0;
    // `inFlight` producers, each awaiting its own sends: concurrent sends share fsyncs (group commit).
    const producer = async () => {
      while (sent < MESSAGES) {
        sent += BATCH;
        await broker.send(batch);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, producer));
    const appendMs = performance.now() - t;
    const consumer = consumerOfAll(broker);
    t = performance.now();
    let read = 0;
    while (read < MESSAGES) {
      const got = await consumer.poll(BATCH, 1000);
      if (got.length === 0) throw new Error(`read only ${read} of ${MESSAGES}`);
      read += got.length;
    }
    const readMs = performance.now() - t;
    const rss = rssMb();
    await broker.close();
    const mbs = (ms) => ((MESSAGES * SIZE) / MB / (ms / 1000)).toFixed(0);
    console.log(
      `| append | ${fsync} | ${keyed ? 'keyed (spread over queues)' : 'keyless (one queue per send)'}, ${inFlight} send${inFlight > 1 ? 's' : ''} in flight | ${fmt((MESSAGES / appendMs) * 1000)} | ${mbs(appendMs)} | ${rss} |`,
    );
    console.log(
      `| read | ${fsync} | one consumer, ${QUEUES} queues, polls of ${BATCH} | ${fmt((MESSAGES / readMs) * 1000)} | ${mbs(readMs)} | ${rss} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A producer and a consumer together, as generator → topic → discard sink. */
async function pipe(fsync) {
  const dir = mkdtempSync(join(ROOT, 'trib-bench-'));
  try {
    const broker = await openBroker(dir, fsync);
    const consumer = consumerOfAll(broker);
    const batch = batchOf(BATCH, false);
    const t = performance.now();
    const producing = (async () => {
      for (let sent = 0; sent < MESSAGES; sent += BATCH) await broker.send(batch);
    })();
    let read = 0;
    while (read < MESSAGES) read += (await consumer.poll(BATCH, 1000)).length;
    await producing;
    const ms = performance.now() - t;
    const rss = rssMb();
    await broker.close();
    console.log(
      `| produce + consume together | ${fsync} | keyless, ${QUEUES} queues | ${fmt((MESSAGES / ms) * 1000)} | ${((MESSAGES * SIZE) / MB / (ms / 1000)).toFixed(0)} | ${rss} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends RATE messages/s in batches every 10 ms; a waiting consumer measures send→poll delay. */
async function latency(fsync) {
  const dir = mkdtempSync(join(ROOT, 'trib-bench-'));
  try {
    const broker = await openBroker(dir, fsync);
    const consumer = consumerOfAll(broker);
    const perTick = Math.max(1, Math.round(RATE / 100));
    const total = perTick * 100 * SECONDS;
    const delays = new Float64Array(total);
    let received = 0;
    const consuming = (async () => {
      while (received < total) {
        for (const m of await consumer.poll(BATCH, 1000)) {
          delays[received++] = performance.now() - Buffer.from(m.value).readDoubleLE(0);
        }
      }
    })();
    const start = performance.now();
    for (let tick = 0; tick < 100 * SECONDS; tick++) {
      const wait = start + tick * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = performance.now();
      const batch = Array.from({ length: perTick }, (_, i) => {
        const value = Buffer.alloc(SIZE);
        value.writeDoubleLE(now, 0);
        return { topic: TOPIC, key: Buffer.from(`k${i}`), value, headers: [], timestamp: Date.now() };
      });
      await broker.send(batch);
    }
    await consuming;
    await broker.close();
    delays.sort();
    const q = (p) => delays[Math.min(total - 1, Math.floor(p * total))].toFixed(2);
    console.log(
      `| ${fsync} | ${fmt(RATE)} msg/s, keyed, ${QUEUES} queues | ${q(0.5)} | ${q(0.99)} | ${q(0.999)} | ${delays[total - 1].toFixed(2)} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child process: writes MESSAGES keyless messages, then closes cleanly or waits to be killed. */
async function childWrite(dir, mode) {
  const broker = await openBroker(dir, 'interval');
  const batch = batchOf(BATCH, false);
  for (let sent = 0; sent < MESSAGES; sent += BATCH) await broker.send(batch);
  if (mode === 'close') {
    await broker.close();
    process.stdout.write('DONE\n');
    return;
  }
  await broker.flush();
  process.stdout.write('DONE\n');
  setInterval(() => {}, 1 << 30);
}

function runChild(dir, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        ...args.filter((a, i) => a !== '--only' && args[i - 1] !== '--only'),
        '--child',
        dir,
        mode,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.setEncoding('utf8').on('data', (s) => {
      if (s.includes('DONE') && mode === 'kill') child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      code === 0 || signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}`)),
    );
  });
}

function removeIndexFiles(dir) {
  const topicDir = join(dir, 'broker', 'topics', TOPIC);
  for (let q = 0; q < QUEUES; q++) {
    for (const name of readdirSync(join(topicDir, String(q)))) {
      if (name.endsWith('.index')) unlinkSync(join(topicDir, String(q), name));
    }
  }
}

async function timeStart(dir) {
  const broker = new EmbeddedBroker({ dataDir: dir, retentionMs: -1, retentionBytes: -1 });
  const t = performance.now();
  await broker.start();
  const ms = performance.now() - t;
  const range = await broker.queueRange({ topic: TOPIC, queue: 0 });
  await broker.close();
  return { ms, end: range.end };
}

async function recovery() {
  const cases = [
    ['clean close', 'close', false],
    ['kill -9 (last segment of each queue scanned)', 'kill', false],
    ['no index files (every segment scanned)', 'close', true],
  ];
  for (const [label, mode, dropIndexes] of cases) {
    const dir = mkdtempSync(join(ROOT, 'trib-bench-'));
    try {
      await runChild(dir, mode);
      if (dropIndexes) removeIndexFiles(dir);
      const { ms } = await timeStart(dir);
      console.log(`| ${label} | ${fmt(MESSAGES)} | ${QUEUES} | ${ms.toFixed(0)} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  console.log(
    `# ${MESSAGES} messages of ${SIZE} bytes, batches of ${BATCH}, ${QUEUES} queues, Node ${process.version}\n`,
  );
  if (ONLY.includes('append') || ONLY.includes('pipe')) {
    console.log('| phase | fsync | shape | msg/s | MB/s | RSS MB |');
    console.log('|---|---|---|---|---|---|');
    if (ONLY.includes('append')) {
      for (const fsync of ['per-batch', 'interval']) {
        for (const keyed of [false, true]) await appendThenRead(fsync, keyed, 1);
      }
      for (const keyed of [false, true]) await appendThenRead('per-batch', keyed, 4);
    }
    if (ONLY.includes('pipe')) for (const fsync of ['per-batch', 'interval']) await pipe(fsync);
    console.log('');
  }
  if (ONLY.includes('latency')) {
    console.log('| fsync | load | p50 ms | p99 ms | p99.9 ms | max ms |');
    console.log('|---|---|---|---|---|---|');
    for (const fsync of ['per-batch', 'interval']) await latency(fsync);
    console.log('');
  }
  if (ONLY.includes('recovery')) {
    console.log('| start after | messages | queues | start ms |');
    console.log('|---|---|---|---|');
    await recovery();
    console.log('');
  }
  console.log(`max RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

const childAt = args.indexOf('--child');
if (childAt >= 0) await childWrite(args[childAt + 1], args[childAt + 2]);
else await main();
