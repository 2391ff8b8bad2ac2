// The RocketMQ broker against the real RocketMQ 5.3.3 of `scripts/services.sh start rocketmq`: the shared
// Broker contract, then what is particular to RocketMQ (names and messages as RocketMQ tools see them,
// the offset-deletion emulation, size limits, membership of killed and stopped processes). Every run uses
// its own topic and group names.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError, DataError, type Logger, NotConnectedError } from '@tributary/api';
import { RocketMQClient } from '@tributary/rocketmq';
import { registerBrokerContract } from '../broker-contract.js';
import { RocketMQBroker } from './rocketmq-broker.js';
import { NAMESRV, rocketmqGate, uniqueName } from './service-gate.test.fixture.js';
import { toRocketMQGroup, toRocketMQTopic } from './topic-names.js';

const skip = await rocketmqGate();
const memberChild = fileURLToPath(new URL('./member-child.test.fixture.js', import.meta.url));

registerBrokerContract(
  'rocketmq',
  {
    defaultQueues: 4,
    async open() {
      const broker = new RocketMQBroker({ nameServer: NAMESRV, defaultQueues: 4 });
      await broker.start();
      return broker;
    },
    unique: (prefix) => uniqueName(prefix),
  },
  { skip },
);

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

class Lines implements Logger {
  readonly lines: string[] = [];
  debug(): void {}
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(m);
  }
  error(m: string): void {
    this.lines.push(m);
  }
}

describe('RocketMQ broker: what RocketMQ and its tools see', { skip, timeout: 300_000 }, () => {
  let broker: RocketMQBroker;
  let client: RocketMQClient;
  const log = new Lines();
  const topics: string[] = [];
  before(async () => {
    broker = new RocketMQBroker({ nameServer: NAMESRV, defaultQueues: 2, logger: log });
    await broker.start();
    client = new RocketMQClient({ nameServer: NAMESRV });
  });
  after(async () => {
    for (const t of topics) await broker.deleteTopic(t).catch(() => undefined);
    await broker?.close();
    await client?.close();
  });

  it('creates dotted topics under their mapped RocketMQ names, logs both, lists only Connect topics', async () => {
    const t = uniqueName('mysql.inventory.orders');
    topics.push(t);
    await broker.ensureTopic(t, 3);
    const native = toRocketMQTopic(t);
    assert.match(native, /^mysql--inventory--orders--/);
    assert.equal(broker.nativeTopicName(t), native);
    assert.ok(await client.admin().topicExists(native));
    assert.equal((await client.admin().topicOffsets(native)).length, 3);
    assert.ok(
      log.lines.some((l) => l.includes(`'${native}'`) && l.includes(`'${t}'`)),
      `creation logged with both names: ${log.lines.join('\n')}`,
    );
    const listed = (await broker.listTopics()).map((d) => d.name);
    assert.ok(listed.includes(t));
    for (const system of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'DefaultCluster', 'broker-a', 'rmq_sys_wheel_timer']) {
      assert.ok(!listed.includes(system), `${system} is not listed`);
    }
    assert.ok(listed.every((n) => !n.includes('%')));
  });

  it('writes records a RocketMQ consumer can read (KEYS, properties) and reads messages of other producers', async () => {
    const t = uniqueName('interop.records');
    topics.push(t);
    await broker.ensureTopic(t, 1);
    const native = toRocketMQTopic(t);
    await broker.send([
      {
        topic: t,
        key: bytes('order-42'),
        value: bytes('{"id":42}'),
        headers: [{ key: 'trace', value: bytes('abc') }],
        timestamp: 1_600_000_000_000,
      },
    ]);
    const raw = client.consumer({ group: toRocketMQGroup(uniqueName('interop-reader')) });
    const [q] = await raw.queues(native);
    let pulled = await raw.pull(q!, 0, { maxWaitMs: 3000 });
    for (let i = 0; i < 20 && pulled.messages.length === 0; i++) pulled = await raw.pull(q!, 0, { maxWaitMs: 3000 });
    const m = pulled.messages[0]!;
    assert.equal(m.body.toString(), '{"id":42}');
    assert.deepEqual(m.keys, ['order-42'], 'KEYS for queryMsgByKey');
    assert.equal(m.properties['h.0:trace'], 'abc');
    assert.equal(m.properties.TRIBUTARY_TS, '1600000000000');

    // A message of a plain RocketMQ producer, read through the broker.
    await client
      .producer()
      .send(
        native,
        { body: Buffer.from('native'), keys: 'k1', tags: 'tagA', properties: { color: 'red' } },
        { queueId: 0 },
      );
    const c = broker.createConsumer();
    c.assign([{ topic: t, queue: 0 }]);
    c.seek({ topic: t, queue: 0 }, 1);
    const [foreign] = await c.poll(1, 20_000);
    await c.close();
    assert.equal(Buffer.from(foreign!.value!).toString(), 'native');
    assert.equal(Buffer.from(foreign!.key!).toString(), 'k1');
    const headers = new Map(foreign!.headers.map((h) => [h.key, Buffer.from(h.value!).toString()]));
    assert.equal(headers.get('TAGS'), 'tagA');
    assert.equal(headers.get('color'), 'red');
  });

  it("forgets one queue's committed offset the way RocketMQ tools read it: QUERY_CONSUMER_OFFSET finds none", async () => {
    const t = uniqueName('interop.offsets');
    topics.push(t);
    await broker.ensureTopic(t, 2);
    const group = uniqueName('connect-interop.sink');
    await broker.commitGroupOffsets(group, [
      { topic: t, queue: 0, offset: 4 },
      { topic: t, queue: 1, offset: 5 },
    ]);
    const raw = client.consumer({ group: broker.rocketmqGroupName(group) });
    const [q0, q1] = await raw.queues(toRocketMQTopic(t));
    assert.equal(await raw.fetchOffset(q0!), 4);
    await broker.deleteGroupOffsets(group, [{ topic: t, queue: 0 }]);
    assert.equal(await raw.fetchOffset(q0!), undefined);
    assert.equal(await raw.fetchOffset(q1!), 5);
    await broker.deleteGroupOffsets(group);
    assert.equal(await raw.fetchOffset(q1!), undefined);
  });

  it('refuses records RocketMQ cannot store, naming the limit', async () => {
    const t = uniqueName('limits');
    topics.push(t);
    await broker.ensureTopic(t, 1);
    const headers = Array.from({ length: 40 }, (_, i) => ({ key: `h${i}`, value: new Uint8Array(1000).fill(0x61) }));
    await assert.rejects(
      broker.send([{ topic: t, key: null, value: bytes('v'), headers, timestamp: 1 }]),
      (e: unknown) => {
        return e instanceof DataError && /properties/.test(e.message);
      },
    );
    const small = new RocketMQBroker({ nameServer: NAMESRV, maxMessageBytes: 64 * 1024 });
    await small.start();
    try {
      await assert.rejects(
        small.send([{ topic: t, key: null, value: new Uint8Array(100_000), headers: [], timestamp: 1 }]),
        /rocketmq\.max\.message\.bytes/,
      );
      // Many records that fit one by one go out in several requests.
      const many = Array.from({ length: 50 }, () => ({
        topic: t,
        queue: 0,
        key: null,
        value: new Uint8Array(10_000).fill(1),
        headers: [],
        timestamp: 1,
      }));
      const positions = await small.send(many);
      assert.deepEqual(
        positions.map((p) => p.offset - positions[0]!.offset),
        positions.map((_, i) => i),
      );
    } finally {
      await small.close();
    }
  });

  it('fails to start with a clear error when the cluster or the name server is wrong', async () => {
    const wrongCluster = new RocketMQBroker({ nameServer: NAMESRV, cluster: 'NoSuchCluster' });
    await assert.rejects(
      wrongCluster.start(),
      (e: unknown) => e instanceof ConfigError && /NoSuchCluster/.test(e.message),
    );
    const nowhere = new RocketMQBroker({ nameServer: '127.0.0.1:1', requestTimeoutMs: 1000 });
    await assert.rejects(nowhere.start(), NotConnectedError);
  });
});

describe('RocketMQ broker: membership of other processes', { skip, timeout: 300_000 }, () => {
  let broker: RocketMQBroker;
  const children: ChildProcess[] = [];
  before(async () => {
    broker = new RocketMQBroker({ nameServer: NAMESRV });
    await broker.start();
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker?.close();
  });

  async function startMember(group: string, id: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [memberChild, NAMESRV, group, id], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const deadline = Date.now() + 30_000;
    while (!out.includes('joined')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`member ${id} did not join: ${out}`);
      await sleep(20);
    }
    return child;
  }

  /** Stops the child with `signal` and measures how long until this process sees it gone (list and event). */
  async function departure(signal: NodeJS.Signals): Promise<{ listMs: number; eventMs: number }> {
    const group = uniqueName('tributary.cluster');
    const me = await broker.joinGroup(group, 'observer');
    const events: { at: number; members: string[] }[] = [];
    me.onChange((m) => events.push({ at: performance.now(), members: [...m] }));
    const child = await startMember(group, 'worker-child');
    const deadline = Date.now() + 20_000;
    while ((await me.members()).join() !== 'observer,worker-child') {
      assert.ok(Date.now() < deadline, 'the child shows up');
      await sleep(20);
    }
    const exited = once(child, 'exit');
    const t0 = performance.now();
    child.kill(signal);
    let listMs = -1;
    while (performance.now() - t0 < 60_000) {
      if ((await me.members()).join() === 'observer') {
        listMs = performance.now() - t0;
        break;
      }
      await sleep(5);
    }
    while (performance.now() - t0 < 60_000 && !events.some((e) => e.members.join() === 'observer')) await sleep(5);
    const event = events.find((e) => e.members.join() === 'observer');
    await exited;
    await me.leave();
    return { listMs, eventMs: event === undefined ? -1 : event.at - t0 };
  }

  it('a kill -9 ed member disappears within seconds (the broker sees its connection close)', async () => {
    const { listMs, eventMs } = await departure('SIGKILL');
    console.log(
      `# membership: kill -9 → gone from the member list after ${listMs.toFixed(0)} ms, change event after ${eventMs.toFixed(0)} ms`,
    );
    assert.ok(listMs >= 0 && listMs < 10_000, `gone from the list within 10 s (took ${listMs.toFixed(0)} ms)`);
    assert.ok(eventMs >= 0 && eventMs < 10_000, `change event within 10 s (took ${eventMs.toFixed(0)} ms)`);
  });

  it('a SIGTERM ed member leaves at once (it unregisters)', async () => {
    const { listMs, eventMs } = await departure('SIGTERM');
    console.log(
      `# membership: SIGTERM → gone from the member list after ${listMs.toFixed(0)} ms, change event after ${eventMs.toFixed(0)} ms`,
    );
    assert.ok(listMs >= 0 && listMs < 10_000, `gone from the list within 10 s (took ${listMs.toFixed(0)} ms)`);
    assert.ok(eventMs >= 0 && eventMs < 10_000, `change event within 10 s (took ${eventMs.toFixed(0)} ms)`);
  });
});
