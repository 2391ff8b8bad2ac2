#!/usr/bin/env node
// Records real frames from a running RocketMQ 5.3.3 (scripts/services.sh start rocketmq) into
// src/fixtures/frames.ts, for decoding tests that run without a broker. Re-run only to refresh them:
//   npx tsc -b packages/rocketmq && node packages/rocketmq/interop/record-fixtures.mjs
// Uses raw sockets (not the client's Connection) so the frames are exactly what the servers sent.
// The IPv6-born message needs a broker listening on ::1; services.sh binds 127.0.0.1, so that frame was
// recorded with bindAddress unset and is skipped (with a note) otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCommand, encodeCommand, encodeProperties, RocketMQClient } from '../dist/index.js';

const here = new URL('.', import.meta.url).pathname;
const NS = process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
const lib = execFileSync('bash', [join(here, '../../../scripts/services/rocketmq.sh'), 'lib'])
  .toString()
  .trim();

/** A raw socket that collects whole frames. */
function raw(host, port) {
  const s = new Socket();
  const frames = [];
  const waiters = [];
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const n = 4 + buf.readInt32BE(0);
      const f = Buffer.from(buf.subarray(0, n));
      buf = buf.subarray(n);
      frames.push(f);
      for (const w of waiters.splice(0)) w();
    }
  });
  let opaque = 1000;
  const api = {
    ready: new Promise((r, j) => {
      s.once('error', j);
      s.connect(port, host, r);
    }),
    /** sends a request, resolves with the raw response frame */
    async call(code, extFields, body = null, version = 479) {
      const o = opaque++;
      s.write(encodeCommand({ code, language: 'NODE_JS', version, opaque: o, flag: 0, remark: null, extFields, body }));
      return api.next((f) => decodeCommand(f).opaque === o && (decodeCommand(f).flag & 1) === 1);
    },
    async next(pred, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = frames.findIndex(pred);
        if (i >= 0) return frames.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error('timeout waiting for a frame');
        await new Promise((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    close: () => s.destroy(),
  };
  return api;
}

const out = {};
const topic = 'tributary_fixture_topic';
const client = new RocketMQClient({ nameServer: NS });
await client.admin().createTopic(topic, { queues: 1 });

const ns = raw('127.0.0.1', 9876);
await ns.ready;
out.routeStandard = await ns.call(105, { topic, acceptStandardJsonOnly: 'true' });
out.routeFastjson = await ns.call(105, { topic }, null, 400);
out.clusterInfo = await ns.call(106, null);
out.topicNotExist = await ns.call(105, { topic: 'no_such_topic_for_fixture', acceptStandardJsonOnly: 'true' });
ns.close();

const br = raw('127.0.0.1', 10911);
await br.ready;
const sendHeader = (props) => ({
  a: 'fixture_producer',
  b: topic,
  c: 'TBW102',
  d: '4',
  e: '0',
  f: '0',
  g: String(Date.now()),
  h: '7',
  i: props,
  j: '0',
  k: 'false',
  m: 'false',
});
const props = encodeProperties({
  TAGS: 'TagA',
  KEYS: 'k1 k2',
  UNIQ_KEY: client.ids.next(),
  WAIT: 'true',
  color: 'blue',
  text: 'é✓',
});
const sendBody = Buffer.from('hello fixture');
out.sendRequest = encodeCommand({
  code: 310,
  language: 'NODE_JS',
  version: 479,
  opaque: 7,
  flag: 0,
  remark: null,
  extFields: sendHeader(props),
  body: sendBody,
});
out.sendResponse = await br.call(310, sendHeader(props), sendBody);

// a message born on an IPv6 connection (sysFlag BORNHOST_V6)
try {
  const v6 = raw('::1', 10911);
  await v6.ready;
  await v6.call(
    310,
    sendHeader(encodeProperties({ UNIQ_KEY: client.ids.next(), WAIT: 'true' })),
    Buffer.from('born on ipv6'),
  );
  v6.close();
} catch (err) {
  console.error(`skipping the IPv6-born message: ${err.message}`);
}

// a message from the Java client with a body over 4 KiB: Java compresses it with zlib
const dir = mkdtempSync(join(tmpdir(), 'rmq-fixture-'));
const javaBody = Buffer.from('compressible '.repeat(400));
writeFileSync(
  join(dir, 'm.json'),
  JSON.stringify([{ body: javaBody.toString('base64'), tags: 'J', keys: ['jk'], properties: { from: 'java' } }]),
);
execFileSync(
  'java',
  [
    `-Duser.home=${dir}`,
    '-Drmq.logback.configurationFile=rmq.client.logback.xml',
    '-cp',
    `${lib}/*`,
    join(here, 'Interop.java'),
    'produce',
    NS,
    topic,
    join(dir, 'm.json'),
  ],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

const pullHeader = (offset, extra = {}) => ({
  consumerGroup: 'fixture_group',
  topic,
  queueId: '0',
  queueOffset: String(offset),
  maxMsgNums: '32',
  sysFlag: '4',
  commitOffset: '0',
  suspendTimeoutMillis: '0',
  subscription: '*',
  subVersion: '0',
  expressionType: 'TAG',
  ...extra,
});
out.pullFound = await br.call(11, pullHeader(0));
const found = decodeCommand(out.pullFound);
out.pullNotFound = await br.call(11, pullHeader(Number(found.extFields.nextBeginOffset)));
out.pullOffsetMoved = await br.call(11, pullHeader(1000));

// NOTIFY_CONSUMER_IDS_CHANGED and GET_CONSUMER_RUNNING_INFO, broker → client
const group = 'fixture_membership_group';
const heartbeat = (clientID) =>
  Buffer.from(
    JSON.stringify({
      clientID,
      producerDataSet: [],
      consumerDataSet: [
        {
          groupName: group,
          consumeType: 'CONSUME_ACTIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
          unitMode: false,
          subscriptionDataSet: [],
        },
      ],
      heartbeatFingerprint: 0,
    }),
  );
await br.call(34, null, heartbeat('fixture-client-a'));
const other = raw('127.0.0.1', 10911);
await other.ready;
await other.call(34, null, heartbeat('fixture-client-b'));
out.notifyConsumerIdsChanged = await br.next((f) => decodeCommand(f).code === 40);
const admin = raw('127.0.0.1', 10911);
await admin.ready;
const runningInfo = admin.call(307, { consumerGroup: group, clientId: 'fixture-client-a', jstackEnable: 'false' });
out.getConsumerRunningInfo = await br.next((f) => decodeCommand(f).code === 307);
admin.close();
void runningInfo.catch(() => {});
other.close();
br.close();

// the binary (ROCKETMQ) header, encoded by RocketMQ's own RemotingCommand
const hex = execFileSync('java', [
  `-Duser.home=${dir}`,
  '-Drmq.logback.configurationFile=rmq.client.logback.xml',
  '-cp',
  `${lib}/*`,
  join(here, 'Interop.java'),
  'binary-frame',
])
  .toString()
  .split('\n')
  .find((l) => l.startsWith('OUT '))
  .slice(4)
  .trim();
out.javaBinaryHeaderRequest = Buffer.from(hex, 'hex');

await client.close();

let ts = `// Real frames recorded from RocketMQ 5.3.3 by interop/record-fixtures.mjs on ${new Date().toISOString().slice(0, 10)}.\n`;
ts += '// Base64 of whole frames (length prefix included). Regenerate with that script; do not edit by hand.\n\n';
ts += `export const FIXTURE_TOPIC = '${topic}';\n\n`;
for (const [k, v] of Object.entries(out)) ts += `export const ${k} = '${v.toString('base64')}';\n\n`;
writeFileSync(join(here, '../src/fixtures/frames.ts'), `${ts.trimEnd()}\n`);
console.log(`wrote ${Object.keys(out).length} frames`);
