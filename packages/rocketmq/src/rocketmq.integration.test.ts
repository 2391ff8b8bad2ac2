// Integration tests against the real RocketMQ 5.3.3 started by `scripts/services.sh start rocketmq`.
// Every run uses its own topic and group names. The broker-restart test restarts the shared broker
// (keeping its store): it runs last in this file.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RocketMQClient } from './client.js';
import { BrokerError, InvalidArgumentError, TopicNotFoundError } from './errors.js';
import type { MembershipChange } from './membership.js';
import { RequestCode } from './protocol.js';
import { NAMESRV, rocketmqGate, uniqueName } from './testing/service-gate.js';
import type { MessageQueue } from './types.js';

const gate = await rocketmqGate();
const servicesScript = fileURLToPath(new URL('../../../scripts/services/rocketmq.sh', import.meta.url));
const memberChild = fileURLToPath(new URL('./testing/member-child.js', import.meta.url));

/** Pulls a queue from `from` until `until` (exclusive) or 15 s without progress; messages in order. */
async function drain(client: RocketMQClient, group: string, queue: MessageQueue, from: number, until: number) {
  const consumer = client.consumer({ group });
  const out = [];
  let offset = from;
  let progressAt = Date.now();
  while (offset < until && Date.now() - progressAt < 15_000) {
    const r = await consumer.pull(queue, offset, { maxMessages: 32, maxWaitMs: 1000 });
    out.push(...r.messages);
    if (r.nextOffset !== offset) progressAt = Date.now();
    offset = r.nextOffset;
  }
  return out;
}

/**
 * Waits until the queue's max offset reaches `atLeast`: the broker acks a send once the commit log has
 * it and dispatches it to the consume queue (what pulls read) a moment later.
 */
async function waitForMaxOffset(client: RocketMQClient, queue: MessageQueue, atLeast: number): Promise<void> {
  const consumer = client.consumer({ group: 'unused' });
  for (let i = 0; i < 100; i++) {
    if ((await consumer.maxOffset(queue)) >= atLeast) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`max offset of queue ${queue.queueId} did not reach ${atLeast}`);
}

describe('RocketMQ client against a real broker', { skip: gate.skip }, () => {
  let client: RocketMQClient;
  before(() => {
    client = new RocketMQClient({ nameServer: NAMESRV });
  });
  after(async () => {
    await client?.close();
  });

  test('produces and pulls 100k messages over 8 queues, in order per queue, nothing lost', async () => {
    const topic = uniqueName('it_100k');
    await client.admin().createTopic(topic, { queues: 8 });
    const producer = client.producer();
    const total = 100_000;
    const perBatch = 1000;
    const pad = 'x'.repeat(80);
    const acked = new Map<number, number[]>(); // queueId -> queue offsets acked, in send order
    let next = 0;
    const sender = async () => {
      while (next < total) {
        const start = next;
        next += perBatch;
        const batch = [];
        for (let i = start; i < start + perBatch; i++) {
          batch.push({ body: Buffer.from(`${i}|${pad}`), keys: `k${i}`, queue: { queueId: i % 8 } });
        }
        const results = await producer.sendBatch(topic, batch);
        results.forEach((r, j) => {
          assert.equal(r.queue.queueId, (start + j) % 8);
          let list = acked.get(r.queue.queueId);
          if (list === undefined) {
            list = [];
            acked.set(r.queue.queueId, list);
          }
          list.push(r.queueOffset);
        });
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    const queues = await client.consumer({ group: uniqueName('g') }).queues(topic);
    assert.equal(queues.length, 8);
    const group = uniqueName('g_100k');
    let count = 0;
    await Promise.all(
      queues.map(async (q) => {
        const msgs = await drain(client, group, q, 0, total / 8);
        assert.equal(msgs.length, total / 8, `queue ${q.queueId} message count`);
        let last = -1;
        for (const [i, m] of msgs.entries()) {
          assert.equal(m.queueOffset, i);
          const seq = Number(m.body.toString().split('|')[0]);
          assert.equal(seq % 8, q.queueId);
          assert.ok(seq > last || (seq - last) % 8 === 0, 'per-queue order follows each sender');
          assert.deepEqual(m.keys, [`k${seq}`]);
          last = seq;
        }
        count += msgs.length;
        assert.deepEqual(
          [...(acked.get(q.queueId) ?? [])].sort((a, b) => a - b),
          msgs.map((m) => m.queueOffset),
        );
      }),
    );
    assert.equal(count, total);
    const offsets = await client.admin().topicOffsets(topic);
    assert.deepEqual(
      offsets.map((o) => o.maxOffset),
      new Array(8).fill(total / 8),
    );
  });

  test('single sends: keys, tags, user properties, round robin / key hash / explicit queue, many in flight', async () => {
    const topic = uniqueName('it_send');
    await client.admin().createTopic(topic, { queues: 4 });
    const producer = client.producer();
    const sends = [];
    for (let i = 0; i < 400; i++) sends.push(producer.send(topic, { body: Buffer.from(`rr${i}`) }));
    const rr = await Promise.all(sends);
    const perQueue = [0, 0, 0, 0];
    for (const r of rr) perQueue[r.queue.queueId]!++;
    assert.deepEqual(perQueue, [100, 100, 100, 100], 'round robin spreads evenly');
    const h1 = await producer.send(topic, { body: Buffer.from('a') }, { hashKey: 'order-42' });
    const h2 = await producer.send(topic, { body: Buffer.from('b') }, { hashKey: 'order-42' });
    assert.equal(h1.queue.queueId, h2.queue.queueId);
    assert.equal(h1.queue.queueId, Math.abs(1234255197 % 4), 'same queue as Java SelectMessageQueueByHash');
    const ex = await producer.send(
      topic,
      {
        body: Buffer.from([0, 255, 1]),
        tags: 'TagX',
        keys: ['k1', 'k2'],
        properties: { color: 'blue', ü: 'ñ✓' },
        flag: 5,
      },
      { queueId: 2 },
    );
    assert.equal(ex.queue.queueId, 2);
    const r = await client.consumer({ group: uniqueName('g') }).pull(ex.queue, ex.queueOffset, { maxMessages: 1 });
    const m = r.messages[0]!;
    assert.deepEqual([...m.body], [0, 255, 1]);
    assert.equal(m.tags, 'TagX');
    assert.deepEqual(m.keys, ['k1', 'k2']);
    assert.equal(m.properties.color, 'blue');
    assert.equal(m.properties.ü, 'ñ✓');
    assert.equal(m.flag, 5);
    assert.equal(m.msgId, ex.msgId);
    assert.match(ex.msgId, /^[0-9A-F]{32}$/);
    await assert.rejects(producer.send(topic, { body: Buffer.alloc(0) }), InvalidArgumentError);
    await assert.rejects(producer.send(topic, { body: Buffer.from('x') }, { queueId: 9 }), InvalidArgumentError);
  });

  test('pull statuses: NO_NEW_MSG, OFFSET_MOVED, long polling wakes on arrival, tag filter, bad queue is a BrokerError', async () => {
    const topic = uniqueName('it_pull');
    await client.admin().createTopic(topic, { queues: 2 });
    const consumer = client.consumer({ group: uniqueName('g_pull') });
    const [q0] = await consumer.queues(topic);
    assert.ok(q0);
    const empty = await consumer.pull(q0, 0);
    assert.equal(empty.status, 'NO_NEW_MSG');
    assert.equal(empty.nextOffset, 0);
    const producer = client.producer();
    await producer.send(topic, { body: Buffer.from('one'), tags: 'A' }, { queueId: 0 });
    await producer.send(topic, { body: Buffer.from('two'), tags: 'B' }, { queueId: 0 });
    await waitForMaxOffset(client, q0, 2);
    const moved = await consumer.pull(q0, 500);
    assert.equal(moved.status, 'OFFSET_MOVED');
    assert.equal(moved.nextOffset, 2);
    const filtered = await consumer.pull(q0, 0, { subscription: 'B' });
    assert.deepEqual(
      filtered.messages.map((m) => m.body.toString()),
      ['two'],
    );
    // long polling: the pull waits, then returns as soon as a message arrives
    const started = Date.now();
    const waiting = consumer.pull(q0, 2, { maxWaitMs: 10_000 });
    setTimeout(() => void producer.send(topic, { body: Buffer.from('three') }, { queueId: 0 }), 500);
    const woke = await waiting;
    assert.equal(woke.status, 'FOUND');
    assert.equal(woke.messages[0]?.body.toString(), 'three');
    assert.ok(Date.now() - started < 5000, `woke after ${Date.now() - started} ms`);
    const bad = await consumer.pull({ ...q0, queueId: 99 }, 0).catch((e: unknown) => e);
    assert.ok(bad instanceof BrokerError, String(bad));
    assert.equal(typeof bad.responseCode, 'number');
    assert.ok(bad.remark);
  });

  test('offsets: min/max, by timestamp, group commit and fetch (also with a pull)', async () => {
    const topic = uniqueName('it_offsets');
    await client.admin().createTopic(topic, { queues: 1 });
    const producer = client.producer();
    const [q] = await producer.queues(topic);
    assert.ok(q);
    for (let i = 0; i < 10; i++) await producer.send(topic, { body: Buffer.from(`m${i}`) }, { queueId: 0 });
    const mid = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 10; i < 15; i++) await producer.send(topic, { body: Buffer.from(`m${i}`) }, { queueId: 0 });
    await waitForMaxOffset(client, q, 15);
    const group = uniqueName('g_offsets');
    const consumer = client.consumer({ group });
    assert.equal(await consumer.minOffset(q), 0);
    assert.equal(await consumer.maxOffset(q), 15);
    assert.equal(await consumer.seek(q, 'earliest'), 0);
    assert.equal(await consumer.seek(q, 'latest'), 15);
    assert.equal(await consumer.offsetForTimestamp(q, mid + 10), 10);
    assert.equal(await consumer.fetchOffset(q), undefined, 'a new group has no offset');
    await consumer.commitOffset(q, 7);
    assert.equal(await consumer.fetchOffset(q), 7);
    await consumer.commitOffset(q, 12);
    assert.equal(await client.consumer({ group }).fetchOffset(q), 12, 'another consumer of the group sees it');
    await consumer.pull(q, 12, { commitOffset: 13 });
    assert.equal(await consumer.fetchOffset(q), 13);
    assert.equal(await client.consumer({ group: uniqueName('g_other') }).fetchOffset(q), undefined);
  });

  test('topics: pre-created with queue counts and attributes, auto-created on first send, listed, deleted', async () => {
    const admin = client.admin();
    const pre = uniqueName('it_pre');
    await admin.createTopic(pre, { readQueues: 3, writeQueues: 3, attributes: { 'message.type': 'NORMAL' } });
    const route = await client.nameServer.getRoute(pre, true);
    assert.equal(route.writeQueues.length, 3);
    assert.ok((await admin.topics()).includes(pre));
    const [broker] = route.masters.values();
    const configs = await admin.brokerTopicConfigs(broker!);
    assert.equal(configs[pre]?.writeQueueNums, 3);
    assert.equal(configs[pre]?.attributes?.['message.type'], 'NORMAL');
    assert.equal((await admin.topicOffsets(pre)).length, 3);

    const auto = uniqueName('it_auto');
    assert.equal(await admin.topicExists(auto), false);
    await assert.rejects(
      client.producer({ autoCreateTopic: false }).send(auto, { body: Buffer.from('x') }),
      TopicNotFoundError,
    );
    const sent = await client.producer().send(auto, { body: Buffer.from('created by sending') });
    assert.equal(sent.queueOffset, 0);
    let autoRoute = await client.nameServer.getRoute(auto, true).catch(() => undefined);
    for (let i = 0; i < 50 && autoRoute === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      autoRoute = await client.nameServer.getRoute(auto, true).catch(() => undefined);
    }
    assert.ok(autoRoute, 'the auto-created topic got a route');
    assert.equal(autoRoute.writeQueues.length, 8);
    const got = await client.consumer({ group: uniqueName('g') }).pull(sent.queue, 0);
    assert.equal(got.messages[0]?.body.toString(), 'created by sending');

    await admin.deleteTopic(pre);
    await admin.deleteTopic(auto);
    assert.equal(await admin.topicExists(pre), false);
    assert.equal(await admin.topicExists(auto), false);
    await assert.rejects(client.consumer({ group: 'g' }).queues(pre), TopicNotFoundError);
  });

  test('membership: a second process joining and being killed (-9) are seen within 5 s; close() leaves', async () => {
    const topic = uniqueName('it_members');
    const group = uniqueName('g_members');
    await client.admin().createTopic(topic, { queues: 1 });
    await client.admin().createSubscriptionGroup(group);
    const me = client.membership({ group, topic, checkIntervalMs: 60_000 });
    const changes: (MembershipChange & { at: number })[] = [];
    me.on('change', (c: MembershipChange) => changes.push({ ...c, at: Date.now() }));
    await me.start();
    assert.deepEqual(me.members, [client.clientId]);
    const waitFor = async (pred: (c: MembershipChange) => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const hit = changes.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching membership change within ${ms} ms: ${JSON.stringify(changes)}`);
    };

    const childId = uniqueName('child');
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [memberChild, NAMESRV, group, topic, childId], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      assert.match(line.toString(), /joined/);
      const joined = await waitFor((c) => c.joined.includes(childId), 5000);
      assert.equal(joined.source, 'notify', 'the broker notified the join');
      assert.deepEqual(joined.members, [client.clientId, childId].sort());
      console.log(`# join seen ${joined.at - spawnedAt} ms after spawning the child (node start-up included)`);

      // GET_CONSUMER_RUNNING_INFO: the broker forwards it to the member, which answers
      const [brokerAddr] = (await client.nameServer.getRoute(topic)).masters.values();
      const info = await client.call(brokerAddr!, RequestCode.GET_CONSUMER_RUNNING_INFO, {
        consumerGroup: group,
        clientId: client.clientId,
        jstackEnable: 'false',
      });
      assert.match(info.body?.toString() ?? '', /PROP_CLIENT_SDK/);

      const killedAt = Date.now();
      child.kill('SIGKILL');
      const left = await waitFor((c) => c.left.includes(childId), 5000);
      console.log(`# kill -9 seen after ${left.at - killedAt} ms (source: ${left.source})`);
      assert.deepEqual(left.members, [client.clientId]);
    } finally {
      child.kill('SIGKILL');
    }

    // a graceful leave (UNREGISTER_CLIENT) by another client is seen as well
    const other = new RocketMQClient({ nameServer: NAMESRV, clientId: uniqueName('other') });
    const them = other.membership({ group, topic });
    await them.start();
    await waitFor((c) => c.joined.includes(other.clientId), 5000);
    await other.close();
    await waitFor((c) => c.left.includes(other.clientId), 5000);
    await me.close();
    assert.deepEqual(await client.membership({ group, topic }).list(), []);
  });

  test('membership without a topic heartbeats every master of the cluster', async () => {
    const group = uniqueName('g_notopic');
    const a = client.membership({ group });
    await a.start();
    assert.deepEqual(a.members, [client.clientId]);
    const other = new RocketMQClient({ nameServer: NAMESRV, clientId: uniqueName('other') });
    try {
      const b = other.membership({ group });
      await b.start();
      assert.deepEqual(b.members, [client.clientId, other.clientId].sort());
    } finally {
      await other.close();
      await a.close();
    }
  });

  test('broker restart mid-stream: the client reconnects and every acked message is pulled', {
    timeout: 180_000,
  }, async () => {
    const topic = uniqueName('it_restart');
    await client.admin().createTopic(topic, { queues: 4 });
    const producer = client.producer({ retries: 0 });
    const acked = new Set<number>();
    const ends = [0, 0, 0, 0]; // per queue: one past the highest acked offset
    let seq = 0;
    let failures = 0;
    let stop = false;
    let restarted = false;
    let batchesAfterRestart = 0;
    const produce = async () => {
      while (!stop) {
        const batch = Array.from({ length: 50 }, () => {
          const s = seq++;
          return { body: Buffer.from(String(s)), queue: { queueId: s % 4 } };
        });
        try {
          const results = await producer.sendBatch(topic, batch);
          for (const [i, r] of results.entries()) {
            acked.add(Number(batch[i]!.body.toString()));
            ends[r.queue.queueId] = Math.max(ends[r.queue.queueId]!, r.queueOffset + 1);
          }
          if (restarted) batchesAfterRestart++;
        } catch {
          failures++;
          await new Promise((r) => setTimeout(r, 200));
        }
        if (restarted && batchesAfterRestart >= 20) stop = true;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const running = produce();
    await new Promise((r) => setTimeout(r, 1000));
    const before = acked.size;
    await promisify(execFile)('bash', [servicesScript, 'restart-broker']);
    restarted = true;
    await running;
    console.log(`# restart: ${before} acked before, ${acked.size} total, ${failures} failed batches during the outage`);
    assert.ok(before > 0 && acked.size > before, 'messages were acked before and after the restart');
    const consumer = client.consumer({ group: uniqueName('g_restart') });
    const seen = new Set<number>();
    for (const q of await consumer.queues(topic)) {
      for (const m of await drain(client, uniqueName('g'), q, 0, ends[q.queueId]!)) seen.add(Number(m.body.toString()));
    }
    const missing = [...acked].filter((s) => !seen.has(s));
    assert.deepEqual(missing, [], 'every acked message was stored');
  });
});
