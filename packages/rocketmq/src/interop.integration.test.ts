// Interop with RocketMQ's own Java client (5.3.3, the jars scripts/services.sh fetched), both directions:
// interop/Interop.java runs in single-file source mode and prints what it sent or read.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RocketMQClient } from './client.js';
import type { PullResult } from './pull-consumer.js';
import { NAMESRV, rocketmqGate, uniqueName } from './testing/service-gate.js';
import type { SendResult } from './types.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const interop = join(root, 'packages/rocketmq/interop/Interop.java');

async function javaSetup(): Promise<{ lib: string } | { missing: string }> {
  try {
    await run('java', ['-version']);
  } catch {
    return { missing: 'java is not installed' };
  }
  const { stdout } = await run('bash', [join(root, 'scripts/services/rocketmq.sh'), 'lib']);
  const lib = stdout.trim();
  if (!existsSync(join(lib, '.complete'))) return { missing: `RocketMQ jars not fetched into ${lib}` };
  return { lib };
}

let java: { lib: string } | { missing: string } = { missing: 'not probed' };
const gate = await rocketmqGate(async () => {
  java = await javaSetup();
  return 'missing' in java ? `Java interop (${java.missing})` : undefined;
});

interface JavaMessage {
  body: string;
  tags: string | null;
  keys: string[];
  properties: Record<string, string>;
  msgId: string;
  queueId: number;
  queueOffset: number;
}

describe('interop with the RocketMQ Java client', { skip: gate.skip }, () => {
  let client: RocketMQClient;
  let home: string;
  const javaRun = async (...args: string[]) => {
    if (!('lib' in java)) throw new Error(java.missing);
    const { stdout } = await run(
      'java',
      [
        `-Duser.home=${home}`,
        '-Drmq.logback.configurationFile=rmq.client.logback.xml',
        '-cp',
        `${java.lib}/*`,
        interop,
        ...args,
      ],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout
      .split('\n')
      .filter((l) => l.startsWith('OUT '))
      .map((l) => JSON.parse(l.slice(4)));
  };
  before(() => {
    client = new RocketMQClient({ nameServer: NAMESRV });
    home = mkdtempSync(join(tmpdir(), 'rmq-interop-'));
  });
  after(async () => {
    await client?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const samples = (): { body: Buffer; tags: string; keys: string[]; properties: Record<string, string> }[] => [
    {
      body: Buffer.from('plain text'),
      tags: 'TagA',
      keys: ['k1', 'k2'],
      properties: { color: 'blue', 'ü-key': 'välue ✓' },
    },
    { body: Buffer.from([0, 1, 2, 253, 254, 255]), tags: 'TagB', keys: ['bin'], properties: { kind: 'binary' } },
    // over 4 KiB: the Java producer compresses it with zlib
    { body: Buffer.from('0123456789abcdef'.repeat(512)), tags: 'Big', keys: ['big'], properties: { size: '8192' } },
  ];

  test('a message sent by Java is read by this client with identical body, keys, tags, properties and id', async () => {
    const topic = uniqueName('interop_j2n');
    await client.admin().createTopic(topic, { queues: 2 });
    const file = join(home, 'send.json');
    const msgs = samples();
    writeFileSync(
      file,
      JSON.stringify(
        msgs.map((m) => ({ body: m.body.toString('base64'), tags: m.tags, keys: m.keys, properties: m.properties })),
      ),
    );
    const sent = (await javaRun('produce', NAMESRV, topic, file)) as {
      msgId: string;
      queueId: number;
      queueOffset: number;
      status: string;
    }[];
    assert.equal(sent.length, 3);
    const consumer = client.consumer({ group: uniqueName('g_interop') });
    for (const [i, s] of sent.entries()) {
      assert.equal(s.status, 'SEND_OK');
      const queue = (await consumer.queues(topic)).find((q) => q.queueId === s.queueId)!;
      let got: PullResult = await consumer.pull(queue, s.queueOffset, { maxMessages: 1, maxWaitMs: 3000 });
      for (let t = 0; t < 50 && got.messages.length === 0; t++)
        got = await consumer.pull(queue, s.queueOffset, { maxMessages: 1, maxWaitMs: 1000 });
      const m = got.messages[0];
      assert.ok(m, `message ${i} pulled`);
      const want = msgs[i]!;
      assert.deepEqual(m.body, want.body);
      assert.equal(m.tags, want.tags);
      assert.deepEqual(m.keys, want.keys);
      for (const [k, v] of Object.entries(want.properties)) assert.equal(m.properties[k], v);
      assert.equal(m.msgId, s.msgId);
      if (i === 2) assert.equal(m.sysFlag & 1, 1, 'the big body arrived compressed and was inflated');
    }
  });

  test('a message sent by this client is read by Java with identical body, keys, tags, properties and id', async () => {
    const topic = uniqueName('interop_n2j');
    await client.admin().createTopic(topic, { queues: 2 });
    const msgs = samples();
    const producer = client.producer();
    const acks: SendResult[] = [];
    for (const m of msgs.slice(0, 2)) acks.push(await producer.send(topic, m));
    acks.push(...(await producer.sendBatch(topic, [msgs[2]!])));
    const read = (await javaRun('consume', NAMESRV, topic, '3', '60000')) as JavaMessage[];
    assert.equal(read.length, 3);
    for (const [i, want] of msgs.entries()) {
      const ack = acks[i]!;
      const m = read.find((r) => r.msgId === ack.msgId);
      assert.ok(m, `Java read message ${i} (${ack.msgId}); got ${read.map((r) => r.msgId).join(', ')}`);
      assert.deepEqual(Buffer.from(m.body, 'base64'), want.body);
      assert.equal(m.tags, want.tags);
      assert.deepEqual(m.keys, want.keys);
      assert.deepEqual(m.properties, want.properties);
      assert.equal(m.queueId, ack.queue.queueId);
      assert.equal(m.queueOffset, ack.queueOffset);
    }
  });
});
