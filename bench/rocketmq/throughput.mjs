#!/usr/bin/env node
// RocketMQ client throughput over loopback: single sends with N in flight, batched sends, and pulls.
// Needs a running RocketMQ (scripts/services.sh start rocketmq) and the built package (npx tsc -b packages/rocketmq).
//   node bench/rocketmq/throughput.mjs [--messages 200000] [--size 500] [--inflight 256] [--batch 256]
//                                      [--batches-inflight 4] [--queues 8] [--pull-batch 32] [--only produce,batch,pull]
// Prints one line per phase: records/s and MB/s (payload bytes), and a JSON summary at the end.
import { parseArgs } from 'node:util';
import { RocketMQClient } from '../../packages/rocketmq/dist/index.js';

const { values: opt } = parseArgs({
  options: {
    namesrv: { type: 'string', default: process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876' },
    messages: { type: 'string', default: '200000' },
    size: { type: 'string', default: '500' },
    inflight: { type: 'string', default: '256' },
    batch: { type: 'string', default: '256' },
    'batches-inflight': { type: 'string', default: '4' },
    queues: { type: 'string', default: '8' },
    'pull-batch': { type: 'string', default: '32' },
    only: { type: 'string' },
  },
});
const N = Number(opt.messages);
const phases = new Set((opt.only ?? 'produce,batch,pull').split(','));
const SIZE = Number(opt.size);
const QUEUES = Number(opt.queues);
const body = Buffer.alloc(SIZE, 'x');
const client = new RocketMQClient({ nameServer: opt.namesrv, requestTimeoutMs: 30_000 });
const admin = client.admin();
const producer = client.producer({ retries: 5 });
const results = {};

function report(name, count, ms) {
  const rate = (count / ms) * 1000;
  const mbs = (rate * SIZE) / 1e6;
  results[name] = {
    messages: count,
    seconds: +(ms / 1000).toFixed(2),
    recordsPerSec: Math.round(rate),
    mbPerSec: +mbs.toFixed(1),
  };
  console.log(
    `${name.padEnd(28)} ${count} msgs in ${(ms / 1000).toFixed(2)} s: ${Math.round(rate).toLocaleString('en')} msg/s, ${mbs.toFixed(1)} MB/s`,
  );
}

async function singleSends(topic) {
  const inflight = Number(opt.inflight);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < N) {
        next++;
        await producer.send(topic, { body });
      }
    }),
  );
  report(`send (${inflight} in flight)`, N, performance.now() - t0);
}

async function batchSends(topic) {
  const size = Number(opt.batch);
  const inflight = Number(opt['batches-inflight']);
  let next = 0;
  let q = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < N) {
        const n = Math.min(size, N - next);
        next += n;
        const queueId = q++ % QUEUES;
        const msgs = new Array(n);
        for (let i = 0; i < n; i++) msgs[i] = { body };
        await producer.sendBatch(topic, msgs, { queueId });
      }
    }),
  );
  report(`sendBatch (${size} x ${inflight})`, N, performance.now() - t0);
}

async function pulls(topic) {
  const consumer = client.consumer({ group: `bench_${Date.now()}` });
  const queues = await consumer.queues(topic);
  const ends = await Promise.all(queues.map((q) => consumer.maxOffset(q)));
  const total = ends.reduce((a, b) => a + b, 0);
  const maxMessages = Number(opt['pull-batch']);
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(
    queues.map(async (q, i) => {
      let offset = 0;
      while (offset < ends[i]) {
        const r = await consumer.pull(q, offset, { maxMessages });
        for (const m of r.messages) bytes += m.body.length;
        offset = r.nextOffset;
      }
    }),
  );
  if (bytes !== total * SIZE) throw new Error(`pulled ${bytes} bytes, expected ${total * SIZE}`);
  report(`pull (${queues.length} queues, ${maxMessages}/pull)`, total, performance.now() - t0);
}

const topic = `bench_${Date.now().toString(36)}`;
await admin.createTopic(topic, { queues: QUEUES });
// warm up connections and JIT
for (let i = 0; i < 2000; i++) await producer.send(topic, { body }, { queueId: i % QUEUES });

if (phases.has('produce')) await singleSends(topic);
if (phases.has('batch')) await batchSends(topic);
if (phases.has('pull')) {
  await new Promise((r) => setTimeout(r, 500)); // let the broker dispatch the last messages
  await pulls(topic);
}
await admin.deleteTopic(topic).catch(() => {});
await client.close();
console.log(JSON.stringify({ size: SIZE, queues: QUEUES, ...results }));
