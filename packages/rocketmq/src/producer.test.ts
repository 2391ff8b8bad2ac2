// Producer, pull-consumer and name-server client logic (retries, failover, caching, batch grouping and
// splitting, long-poll timeouts) against scripted frame servers. The real broker is exercised by rocketmq.integration.test.ts.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { RocketMQClient } from './client.js';
import { BrokerError, TopicNotFoundError } from './errors.js';
import { decodeBatch } from './message-codec.js';
import { decodeProperties } from './properties-codec.js';
import { FLAG_RESPONSE, RequestCode } from './protocol.js';
import { encodeCommand, type RemotingCommand } from './remoting-codec.js';
import { closeFrameServer, type FrameServer, frameServer } from './testing/frame-server.js';

let ns: FrameServer;
let broker: FrameServer;
let deadAddress: string;
let flakyGone = false;
let brokerScript: (cmd: RemotingCommand) => { code: number; remark?: string; ext?: Record<string, string> };
const clients: RocketMQClient[] = [];

const respond = (
  s: Socket,
  req: RemotingCommand,
  code: number,
  extFields: Record<string, string> | null,
  body: Buffer | null = null,
  remark: string | null = null,
) =>
  s.write(
    encodeCommand({
      code,
      language: 'JAVA',
      version: 479,
      opaque: req.opaque,
      flag: FLAG_RESPONSE,
      remark,
      extFields,
      body,
    }),
  );

before(async () => {
  ns = await frameServer();
  broker = await frameServer();
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const a = probe.address();
  deadAddress = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  probe.close();
  ns.onFrame = (cmd, s) => {
    if (cmd.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) return;
    if (cmd.extFields?.topic === 'missing') return respond(s, cmd, 17, null, null, 'No topic route info');
    if (cmd.extFields?.topic === 'flaky' && flakyGone) return respond(s, cmd, 17, null, null, 'No topic route info');
    // fastjson style, as RocketMQ writes it for old clients
    const body = `{"brokerDatas":[{"brokerAddrs":{0:"${broker.address}"},"brokerName":"b1","cluster":"C"}],"queueDatas":[{"brokerName":"b1","perm":6,"readQueueNums":4,"writeQueueNums":4,"topicSysFlag":0}]}`;
    respond(s, cmd, 0, null, Buffer.from(body));
  };
  let offset = 100;
  broker.onFrame = (cmd, s) => {
    const r = brokerScript(cmd);
    const n = cmd.code === RequestCode.SEND_BATCH_MESSAGE ? decodeBatch(cmd.body!).length : 1;
    const ext = r.code === 0 ? { queueId: cmd.extFields!.e!, queueOffset: String(offset), msgId: 'X', ...r.ext } : null;
    if (r.code === 0) offset += n;
    respond(s, cmd, r.code, ext, null, r.remark ?? null);
  };
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  closeFrameServer(ns);
  closeFrameServer(broker);
});

function newClient(options: { requestTimeoutMs?: number } = {}) {
  // the first name server is down: requests fail over to the second
  const c = new RocketMQClient({ nameServer: `${deadAddress};${ns.address}`, connectTimeoutMs: 500, ...options });
  clients.push(c);
  return c;
}

test('send retries a retriable broker answer, then succeeds; routes fail over and are cached', async () => {
  const client = newClient();
  let calls = 0;
  brokerScript = () => (++calls === 1 ? { code: 2, remark: '[TIMEOUT_CLEAN_QUEUE] broker busy' } : { code: 0 });
  const before = ns.received.length;
  const ack = await client
    .producer({ retryBackoffMs: 5, group: 'pg' })
    .send('t1', { body: Buffer.from('x'), tags: 'T', keys: ['a', 'b'], properties: { p: 'v' } });
  assert.equal(calls, 2);
  assert.equal(ack.queue.brokerName, 'b1');
  assert.equal(ack.queueOffset >= 100, true);
  const sent = broker.received.filter((c) => c.code === RequestCode.SEND_MESSAGE_V2).at(-1)!;
  assert.equal(sent.extFields?.a, 'pg');
  assert.equal(sent.extFields?.b, 't1');
  assert.equal(sent.extFields?.m, 'false');
  const props = decodeProperties(sent.extFields!.i!);
  assert.deepEqual(
    { TAGS: props.TAGS, KEYS: props.KEYS, p: props.p, UNIQ_KEY: props.UNIQ_KEY },
    { TAGS: 'T', KEYS: 'a b', p: 'v', UNIQ_KEY: ack.msgId },
  );
  // route fetched for the first attempt, re-fetched after the retriable failure, cached afterwards
  const routeCalls = ns.received.length - before;
  await client.producer().send('t1', { body: Buffer.from('y') });
  assert.equal(ns.received.length - before, routeCalls);
});

test('a non-retriable answer fails at once with the broker code and remark; retries are bounded', async () => {
  const client = newClient();
  let calls = 0;
  brokerScript = () => {
    calls++;
    return { code: 13, remark: 'the message body size over max value' };
  };
  const err = await client
    .producer({ retryBackoffMs: 1 })
    .send('t2', { body: Buffer.from('x') })
    .catch((e: unknown) => e);
  assert.ok(err instanceof BrokerError);
  assert.equal(err.responseCode, 13);
  assert.equal(err.remark, 'the message body size over max value');
  assert.equal(err.retriable, false);
  assert.equal(calls, 1);
  calls = 0;
  brokerScript = () => {
    calls++;
    return { code: 14, remark: 'service not available now' };
  };
  const busy = await client
    .producer({ retries: 3, retryBackoffMs: 1 })
    .send('t2', { body: Buffer.from('x') })
    .catch((e: unknown) => e);
  assert.ok(busy instanceof BrokerError && busy.retriable);
  assert.equal(calls, 4);
});

test('sendBatch groups messages by chosen queue, one SEND_BATCH_MESSAGE per queue, acks in input order', async () => {
  const client = newClient();
  brokerScript = () => ({ code: 0 });
  const before = broker.received.length;
  const acks = await client.producer().sendBatch('t3', [
    { body: Buffer.from('a'), queue: { queueId: 1 } },
    { body: Buffer.from('b'), queue: { queueId: 2 } },
    { body: Buffer.from('c'), queue: { queueId: 1 } },
    { body: Buffer.from('d'), keys: 'k', queue: { hashKey: 'order-42' } },
  ]);
  const reqs = broker.received.slice(before).filter((c) => c.code === RequestCode.SEND_BATCH_MESSAGE);
  assert.equal(reqs.length, 2, 'queue 1 (a, c, and d: hash of order-42 is queue 1 of 4) and queue 2 (b)');
  assert.ok(reqs.every((r) => r.extFields?.m === 'true'));
  assert.deepEqual(
    acks.map((a) => a.queue.queueId),
    [1, 2, 1, 1],
  );
  const q1 = acks.filter((a) => a.queue.queueId === 1).map((a) => a.queueOffset);
  assert.deepEqual(q1, [q1[0]!, q1[0]! + 1, q1[0]! + 2], 'consecutive offsets within one batch');
  assert.equal(new Set(acks.map((a) => a.msgId)).size, 4);
  const q1Body = decodeBatch(reqs.find((r) => r.extFields?.e === '1')!.body!);
  assert.deepEqual(
    q1Body.map((m) => m.body.toString()),
    ['a', 'c', 'd'],
  );
  assert.equal(decodeProperties(q1Body[2]!.properties).UNIQ_KEY, acks[3]!.msgId);
});

test('a route the name server briefly forgets (broker restart) is kept; forget() asks for the truth', async () => {
  const client = newClient();
  flakyGone = false;
  const first = await client.nameServer.getRoute('flaky');
  flakyGone = true;
  client.nameServer.invalidate('flaky');
  assert.equal(await client.nameServer.getRoute('flaky'), first, 'stale route served while the name server says 17');
  assert.equal(await client.nameServer.getRoute('flaky', true), first);
  client.nameServer.forget('flaky');
  await assert.rejects(client.nameServer.getRoute('flaky'), TopicNotFoundError);
  await assert.rejects(client.nameServer.getRoute('missing'), TopicNotFoundError);
});

test("sendBatch splits by encoded size (properties included) and sends one queue's requests in order", async () => {
  const client = newClient();
  const events: string[] = [];
  const saved = broker.onFrame;
  const offsets = new Map<string, number>();
  broker.onFrame = (cmd, s) => {
    if (cmd.code !== RequestCode.SEND_BATCH_MESSAGE) return saved(cmd, s);
    const entries = decodeBatch(cmd.body!);
    const queue = cmd.extFields!.e!;
    const first = entries[0]!.body.toString();
    events.push(`recv ${queue}:${first}`);
    const base = offsets.get(queue) ?? 0;
    offsets.set(queue, base + entries.length);
    // The first request of queue 1 is answered late: the next one of queue 1 must wait for it.
    setTimeout(
      () => {
        events.push(`ack ${queue}:${first}`);
        respond(s, cmd, 0, { queueId: queue, queueOffset: String(base), msgId: 'X' });
      },
      first === 'm0' ? 300 : 0,
    );
  };
  try {
    const big = 'p'.repeat(500);
    const messages = Array.from({ length: 6 }, (_, i) => ({
      body: Buffer.from(`m${i}`),
      properties: { big },
      queue: { queueId: 1 },
    }));
    messages.push({ body: Buffer.from('other'), properties: { big }, queue: { queueId: 2 } });
    const before = broker.received.length;
    const acks = await client.producer({ maxBatchBytes: 2000 }).sendBatch('t4', messages);
    const reqs = broker.received.slice(before).filter((c) => c.code === RequestCode.SEND_BATCH_MESSAGE);
    assert.ok(
      reqs.every((r) => r.body!.length <= 2000),
      `request bodies ${reqs.map((r) => r.body!.length)} within maxBatchBytes`,
    );
    assert.equal(reqs.filter((r) => r.extFields?.e === '1').length, 2, 'six ~580-byte entries: two requests');
    assert.ok(events.indexOf('recv 2:other') < events.indexOf('ack 1:m0'), 'another queue does not wait');
    const secondOfQueue1 = events.findIndex((e) => e.startsWith('recv 1:') && e !== 'recv 1:m0');
    assert.ok(secondOfQueue1 > events.indexOf('ack 1:m0'), `queue 1 in order: ${events.join(', ')}`);
    const q1 = acks.slice(0, 6).map((a) => a.queueOffset);
    assert.deepEqual(
      q1.map((o) => o - q1[0]!),
      [0, 1, 2, 3, 4, 5],
      'acks of one queue follow the input order',
    );
  } finally {
    broker.onFrame = saved;
  }
});

test('a long-polling pull outlives the request timeout while the broker holds it (5 s hold check)', async () => {
  const client = newClient({ requestTimeoutMs: 300 });
  const saved = broker.onFrame;
  broker.onFrame = (cmd, s) => {
    if (cmd.code !== RequestCode.PULL_MESSAGE) return saved(cmd, s);
    // As the broker's PullRequestHoldService: "nothing new" at its next check, well after maxWaitMs.
    setTimeout(
      () => respond(s, cmd, 19, { nextBeginOffset: '0', minOffset: '0', maxOffset: '0', suggestWhichBrokerId: '0' }),
      1000,
    );
  };
  try {
    const consumer = client.consumer({ group: 'g' });
    const [queue] = await consumer.queues('t5');
    const r = await consumer.pull(queue!, 0, { maxWaitMs: 100 });
    assert.equal(r.status, 'NO_NEW_MSG');
  } finally {
    broker.onFrame = saved;
  }
});
