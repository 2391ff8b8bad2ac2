import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AlreadyExistsError, ConfigError, DataError, IllegalStateError, NotFoundError } from '@tributary/api';
import type { BrokerConsumer, OutgoingMessage, StoredMessage } from '../broker.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { BASE_TS, bytes, matches, messageFor, tempDir } from './helpers.test.fixture.js';
import { type EmbeddedBrokerOptions, embeddedBrokerOptionsFromConfig, type FsyncPolicy } from './options.js';
import { queueForKey } from './partitioner.js';

async function open(options: Partial<EmbeddedBrokerOptions> = {}): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker({ dataDir: options.dataDir ?? tempDir(), ...options });
  await broker.start();
  return broker;
}

/** Polls until `count` messages arrived (each poll waits for data, so this cannot spin). */
async function pollN(c: BrokerConsumer, count: number, batch = 100): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  while (out.length < count) {
    const got = await c.poll(Math.min(batch, count - out.length), 30_000);
    assert.ok(got.length > 0, `poll returned nothing after ${out.length} of ${count}`);
    out.push(...got);
  }
  return out;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const msg = (topic: string, value: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  topic,
  key: null,
  value: bytes(value),
  headers: [],
  timestamp: BASE_TS,
  ...extra,
});

describe('embedded broker: options and topics', () => {
  it('rejects bad options with a ConfigError naming each', () => {
    assert.throws(
      () => new EmbeddedBroker({ dataDir: '', segmentBytes: 10, fsync: 'never' as FsyncPolicy, defaultQueues: 0 }),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['dataDir', 'segmentBytes', 'fsync', 'defaultQueues'].every((k) => k in err.fieldErrors),
    );
  });

  it('reads Kafka-style config keys', () => {
    const o = embeddedBrokerOptionsFromConfig('/data', {
      'num.partitions': '3',
      'log.flush.policy': 'interval',
      'log.retention.ms': '3600000',
      'log.segment.bytes': '1048576',
    });
    assert.equal(o.defaultQueues, 3);
    assert.equal(o.fsync, 'interval');
    assert.equal(o.retentionMs, 3_600_000);
    assert.equal(o.segmentBytes, 1_048_576);
    assert.throws(() => embeddedBrokerOptionsFromConfig('/data', { 'log.flush.policy': 'sometimes' }), ConfigError);
  });

  it('creates topics idempotently, lists and describes them', async () => {
    const b = await open();
    assert.deepEqual(await b.ensureTopic('db.shop.orders', 3), { name: 'db.shop.orders', queues: 3 });
    assert.deepEqual(await b.ensureTopic('db.shop.orders', 5), { name: 'db.shop.orders', queues: 3 });
    await b.ensureTopic('a_b-c', 1);
    assert.deepEqual(await b.listTopics(), [
      { name: 'a_b-c', queues: 1 },
      { name: 'db.shop.orders', queues: 3 },
    ]);
    assert.deepEqual(await b.describeTopic('a_b-c'), { name: 'a_b-c', queues: 1 });
    assert.equal(await b.describeTopic('missing'), null);
    await b.close();
  });

  it('rejects topic names that are not safe directory names', async () => {
    const b = await open();
    for (const name of ['', '.', '..', '../etc', 'a/b', 'a\\b', 'with space', 'ünï', 'x'.repeat(250), 'nul\u0000']) {
      await assert.rejects(b.ensureTopic(name, 1), ConfigError, JSON.stringify(name));
      await assert.rejects(b.send([msg(name, 'v')]), DataError, JSON.stringify(name));
    }
    await assert.rejects(b.ensureTopic('ok', 0), ConfigError);
    await assert.rejects(b.ensureTopic('ok', 1025), ConfigError);
    assert.deepEqual(await b.listTopics(), []);
    await b.close();
  });

  it('deletes a topic with its messages and group offsets; the name can be reused', async () => {
    const dataDir = tempDir();
    const b = await open({ dataDir });
    await b.ensureTopic('gone', 2);
    await b.send([msg('gone', 'a', { queue: 0 }), msg('gone', 'b', { queue: 1 })]);
    await b.commitGroupOffsets('g', [{ topic: 'gone', queue: 0, offset: 1 }]);
    await b.ensureTopic('kept', 1);
    await b.commitGroupOffsets('g', [{ topic: 'kept', queue: 0, offset: 0 }]);
    const c = b.createConsumer();
    c.assign([{ topic: 'gone', queue: 0 }]);
    await b.deleteTopic('gone');
    assert.equal(existsSync(join(dataDir, 'broker', 'topics', 'gone')), false);
    assert.deepEqual(await b.listTopics(), [{ name: 'kept', queues: 1 }]);
    assert.deepEqual(await b.fetchGroupOffsets('g'), [{ topic: 'kept', queue: 0, offset: 0 }]);
    await assert.rejects(b.queueRange({ topic: 'gone', queue: 0 }), NotFoundError);
    await assert.rejects(b.deleteTopic('gone'), NotFoundError);
    assert.deepEqual(await c.poll(10, 0), [], 'a deleted queue yields nothing');
    await b.ensureTopic('gone', 1);
    assert.deepEqual(await b.queueRange({ topic: 'gone', queue: 0 }), { start: 0, end: 0 });
    await b.send([msg('gone', 'fresh', { queue: 0 })]);
    const got = await c.poll(10, 1000);
    assert.deepEqual(
      got.map((m) => Buffer.from(m.value!).toString()),
      ['fresh'],
    );
    await b.close();
    const again = await open({ dataDir });
    assert.deepEqual(
      (await again.listTopics()).map((t) => t.name),
      ['gone', 'kept'],
    );
    assert.deepEqual(await again.queueRange({ topic: 'gone', queue: 0 }), { start: 0, end: 1 });
    await again.close();
  });

  it('drops a topic whose creation or deletion was interrupted (no topic.json)', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'broker', 'topics', 'ghost', '0'), { recursive: true });
    const b = await open({ dataDir });
    assert.deepEqual(await b.listTopics(), []);
    assert.equal(existsSync(join(dataDir, 'broker', 'topics', 'ghost')), false);
    await b.close();
  });

  it('keeps one broker per data dir', async () => {
    const dataDir = tempDir();
    const b = await open({ dataDir });
    const second = new EmbeddedBroker({ dataDir });
    await assert.rejects(second.start(), IllegalStateError);
    await b.close();
    const third = await open({ dataDir });
    await third.close();
  });

  it('refuses calls before start and after close', async () => {
    const b = new EmbeddedBroker({ dataDir: tempDir() });
    await assert.rejects(b.listTopics(), IllegalStateError);
    await b.start();
    await b.close();
    await assert.rejects(b.send([msg('t', 'v')]), IllegalStateError);
    await assert.rejects(b.start(), IllegalStateError);
  });
});

describe('embedded broker: send', () => {
  for (const fsync of ['per-batch', 'interval'] as const) {
    it(`stores batches across many queues and acks positions in input order (${fsync})`, async () => {
      const dataDir = tempDir();
      const b = await open({ dataDir, fsync, segmentBytes: 16 * 1024 });
      await b.ensureTopic('many', 6);
      const messages = Array.from({ length: 1200 }, (_, i) => messageFor('many', i, (i * 5) % 6));
      const positions = [...(await b.send(messages.slice(0, 500))), ...(await b.send(messages.slice(500)))];
      const next = [0, 0, 0, 0, 0, 0];
      positions.forEach((p, i) => {
        assert.equal(p.topic, 'many');
        assert.equal(p.queue, (i * 5) % 6);
        assert.equal(p.offset, next[p.queue]!++);
      });
      await b.close();
      const again = await open({ dataDir, fsync, segmentBytes: 16 * 1024 });
      const c = again.createConsumer();
      c.assign(Array.from({ length: 6 }, (_, queue) => ({ topic: 'many', queue })));
      const got = await pollN(c, 1200, 500);
      const bySeq = new Map(positions.map((p, seq) => [`${p.queue}/${p.offset}`, seq]));
      for (const m of got) assert.ok(matches(m, bySeq.get(`${m.queue}/${m.offset}`)!), `${m.queue}/${m.offset}`);
      assert.deepEqual(await c.poll(10, 0), []);
      await again.close();
    });
  }

  it('picks the queue by key hash, round-robin by send without a key, and creates unknown topics', async () => {
    const b = await open({ defaultQueues: 5 });
    const key = bytes('customer-42');
    const keyed = await b.send(Array.from({ length: 4 }, () => msg('auto.created', 'v', { key })));
    assert.deepEqual(await b.describeTopic('auto.created'), { name: 'auto.created', queues: 5 });
    assert.ok(keyed.every((p) => p.queue === queueForKey(key, 5)));
    const keyless: number[][] = [];
    for (let i = 0; i < 6; i++) {
      const sent = await b.send(Array.from({ length: 3 }, () => msg('auto.created', 'v')));
      keyless.push(sent.map((p) => p.queue));
    }
    assert.deepEqual(keyless, [
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
      [4, 4, 4],
      [0, 0, 0],
    ]);
    const mixed = await b.send([msg('auto.created', 'a'), msg('other', 'b'), msg('auto.created', 'c', { queue: 4 })]);
    assert.deepEqual(
      mixed.map((p) => [p.topic, p.queue]),
      [
        ['auto.created', 1],
        ['other', 0],
        ['auto.created', 4],
      ],
    );
    await b.close();
  });

  it('checks every message before writing any', async () => {
    const b = await open({ maxMessageBytes: 1024 });
    await b.ensureTopic('t', 2);
    const bad: [string, Partial<OutgoingMessage>][] = [
      ['queue out of range', { queue: 2 }],
      ['negative queue', { queue: -1 }],
      ['fractional timestamp', { timestamp: 1.5 }],
      ['string value', { value: 'text' as unknown as Uint8Array }],
      ['header value', { headers: [{ key: 'h', value: 'x' as unknown as Uint8Array }] }],
      ['too large', { value: new Uint8Array(2000) }],
    ];
    for (const [what, extra] of bad) {
      await assert.rejects(b.send([msg('t', 'good', { queue: 0 }), msg('t', 'bad', extra)]), DataError, what);
    }
    assert.deepEqual(await b.queueRange({ topic: 't', queue: 0 }), { start: 0, end: 0 });
    await b.close();
  });
});

describe('embedded broker: consumers', () => {
  for (const fsync of ['per-batch', 'interval'] as const) {
    it(`wakes a waiting poll as soon as a message is appended (${fsync})`, async () => {
      const b = await open({ fsync });
      await b.ensureTopic('t', 2);
      const c = b.createConsumer();
      c.assign([
        { topic: 't', queue: 0 },
        { topic: 't', queue: 1 },
      ]);
      const waiting = c.poll(10, 600_000);
      await tick();
      await b.send([msg('t', 'hello', { queue: 1 })]);
      const got = await waiting;
      assert.deepEqual(
        got.map((m) => [m.queue, m.offset, Buffer.from(m.value!).toString()]),
        [[1, 0, 'hello']],
      );
      await b.close();
    });
  }

  it('pauses and resumes queues; resume wakes a waiting poll', async () => {
    const b = await open();
    await b.ensureTopic('t', 2);
    await b.send([msg('t', 'q0', { queue: 0 }), msg('t', 'q1', { queue: 1 })]);
    const c = b.createConsumer();
    const q0 = { topic: 't', queue: 0 };
    const q1 = { topic: 't', queue: 1 };
    c.assign([q0, q1]);
    c.pause([q0]);
    assert.deepEqual(
      (await c.poll(10, 0)).map((m) => m.queue),
      [1],
    );
    const waiting = c.poll(10, 600_000);
    await tick();
    c.resume([q0]);
    assert.deepEqual(
      (await waiting).map((m) => m.queue),
      [0],
    );
    c.pause([q1]);
    await b.send([msg('t', 'later', { queue: 1 })]);
    assert.deepEqual(await c.poll(10, 0), []);
    await b.close();
  });

  it('seeks to earliest, latest, an offset, and a timestamp', async () => {
    const b = await open();
    await b.ensureTopic('t', 1);
    const q = { topic: 't', queue: 0 };
    await b.send(Array.from({ length: 20 }, (_, i) => msg('t', `m${i}`, { timestamp: BASE_TS + i * 1000 })));
    const c = b.createConsumer();
    c.assign([q]);
    assert.equal(c.position(q), 0);
    c.seek(q, 'latest');
    assert.equal(c.position(q), 20);
    assert.deepEqual(await c.poll(5, 0), []);
    c.seek(q, 7);
    assert.deepEqual(
      (await c.poll(2, 0)).map((m) => m.offset),
      [7, 8],
    );
    assert.equal(c.position(q), 9);
    c.seek(q, await b.offsetForTimestamp(q, BASE_TS + 12_500));
    assert.deepEqual(
      (await c.poll(1, 0)).map((m) => m.offset),
      [13],
    );
    assert.equal(await b.offsetForTimestamp(q, BASE_TS + 1_000_000), 20);
    assert.equal(await b.offsetForTimestamp(q, 0), 0);
    c.seek(q, 'earliest');
    assert.deepEqual(
      (await c.poll(1, 0)).map((m) => m.offset),
      [0],
    );
    c.seek(q, 1000);
    assert.deepEqual(await c.poll(1, 0), [], 'beyond the end: nothing until data');
    await b.send([msg('t', 'next')]);
    assert.deepEqual(
      (await c.poll(1, 0)).map((m) => m.offset),
      [20],
      'a position beyond the end moves to the end',
    );
    assert.throws(() => c.seek(q, -1), DataError);
    await b.close();
  });

  it('ends a waiting poll on abort and on close', async () => {
    const b = await open();
    await b.ensureTopic('t', 1);
    const c = b.createConsumer();
    c.assign([{ topic: 't', queue: 0 }]);
    const ac = new AbortController();
    const aborted = c.poll(10, 600_000, ac.signal);
    await tick();
    ac.abort();
    assert.deepEqual(await aborted, []);
    const closing = c.poll(10, 600_000);
    await tick();
    await c.close();
    assert.deepEqual(await closing, []);
    await assert.rejects(c.poll(1, 0), IllegalStateError);
    await b.close();
  });

  it('ends a waiting poll when the broker closes', async () => {
    const b = await open();
    await b.ensureTopic('t', 1);
    const c = b.createConsumer();
    c.assign([{ topic: 't', queue: 0 }]);
    const waiting = c.poll(10, 600_000);
    await tick();
    await b.close();
    assert.deepEqual(await waiting, []);
  });

  it('reads every assigned queue, none starved by a busy one', async () => {
    const b = await open();
    await b.ensureTopic('t', 3);
    for (let q = 0; q < 3; q++) {
      await b.send(Array.from({ length: 1000 }, (_, i) => msg('t', `q${q}-${i}`, { queue: q })));
    }
    const c = b.createConsumer();
    c.assign([0, 1, 2].map((queue) => ({ topic: 't', queue })));
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) for (const m of await c.poll(100, 0)) seen.add(m.queue);
    assert.deepEqual([...seen].sort(), [0, 1, 2]);
    await b.close();
  });

  it('refuses misuse: unknown queues, unassigned queues, concurrent polls', async () => {
    const b = await open();
    await b.ensureTopic('t', 1);
    const c = b.createConsumer();
    assert.throws(() => c.assign([{ topic: 'nope', queue: 0 }]), NotFoundError);
    assert.throws(() => c.assign([{ topic: 't', queue: 1 }]), NotFoundError);
    assert.throws(() => c.position({ topic: 't', queue: 0 }), IllegalStateError);
    c.assign([{ topic: 't', queue: 0 }]);
    const first = c.poll(1, 600_000);
    await assert.rejects(c.poll(1, 0), IllegalStateError);
    await c.close();
    await first;
    await b.close();
  });

  it('moves a consumer positioned before the retained start to the start', async () => {
    const b = await open({ segmentBytes: 4096, retentionBytes: 8192, retentionMs: -1 });
    await b.ensureTopic('t', 1);
    const q = { topic: 't', queue: 0 };
    const c = b.createConsumer();
    c.assign([q]);
    assert.equal(c.position(q), 0);
    for (let i = 0; i < 10; i++)
      await b.send(Array.from({ length: 20 }, (_, j) => msg('t', `m${i * 20 + j}`.padEnd(100, '.'))));
    b.enforceRetention();
    const { start, end } = await b.queueRange(q);
    assert.ok(start > 0 && start < end && end === 200, `range ${start}..${end}`);
    assert.equal(c.position(q), start);
    const got = await c.poll(1, 0);
    assert.equal(got[0]?.offset, start);
    await b.close();
  });
});

describe('embedded broker: retention', () => {
  it('applies per-topic retention overrides, kept across restarts', async () => {
    const dataDir = tempDir();
    const options = { dataDir, segmentBytes: 4096, retentionMs: 60_000, clock: () => BASE_TS + 3_600_000 };
    const b = await open(options);
    await b.ensureTopic('expiring', 1);
    await b.ensureTopic('forever', 1, { retentionMs: -1, retentionBytes: -1 });
    for (const topic of ['expiring', 'forever']) {
      await b.send(Array.from({ length: 100 }, (_, i) => msg(topic, 'x'.repeat(200), { timestamp: BASE_TS + i })));
    }
    assert.ok(b.enforceRetention() > 0);
    assert.deepEqual(await b.queueRange({ topic: 'expiring', queue: 0 }), { start: 100, end: 100 });
    assert.deepEqual(await b.queueRange({ topic: 'forever', queue: 0 }), { start: 0, end: 100 });
    await b.close();
    const again = await open(options);
    again.enforceRetention();
    assert.deepEqual(await again.queueRange({ topic: 'forever', queue: 0 }), { start: 0, end: 100 });
    assert.deepEqual(await again.queueRange({ topic: 'expiring', queue: 0 }), { start: 100, end: 100 });
    await again.close();
  });
});

describe('embedded broker: group offsets and membership', () => {
  it('keeps group offsets across restarts and validates them', async () => {
    const dataDir = tempDir();
    const b = await open({ dataDir });
    await b.ensureTopic('t', 2);
    await b.commitGroupOffsets('connect-sink', [
      { topic: 't', queue: 0, offset: 5 },
      { topic: 't', queue: 1, offset: 9 },
    ]);
    await b.commitGroupOffsets('connect-sink', [{ topic: 't', queue: 0, offset: 6 }]);
    await assert.rejects(b.commitGroupOffsets('g', [{ topic: 'nope', queue: 0, offset: 1 }]), NotFoundError);
    await assert.rejects(b.commitGroupOffsets('g', [{ topic: 't', queue: 0, offset: -1 }]), DataError);
    await b.close();
    const again = await open({ dataDir });
    assert.deepEqual(await again.fetchGroupOffsets('connect-sink'), [
      { topic: 't', queue: 0, offset: 6 },
      { topic: 't', queue: 1, offset: 9 },
    ]);
    assert.deepEqual(await again.fetchGroupOffsets('connect-sink', [{ topic: 't', queue: 1 }]), [
      { topic: 't', queue: 1, offset: 9 },
    ]);
    assert.deepEqual(await again.fetchGroupOffsets('other'), []);
    await again.deleteGroupOffsets('connect-sink', [{ topic: 't', queue: 0 }]);
    assert.deepEqual(await again.fetchGroupOffsets('connect-sink'), [{ topic: 't', queue: 1, offset: 9 }]);
    await again.close();
  });

  it('lets several in-process members join a group and see each other come and go', async () => {
    const b = await open();
    const w1 = await b.joinGroup('cluster-1', 'worker-1');
    const changes: string[][] = [];
    w1.onChange((m) => changes.push([...m]));
    const w2 = await b.joinGroup('cluster-1', 'worker-2');
    await assert.rejects(b.joinGroup('cluster-1', 'worker-2'), AlreadyExistsError);
    assert.deepEqual(await w2.members(), ['worker-1', 'worker-2']);
    await w2.leave();
    await tick();
    assert.deepEqual(changes, [['worker-1', 'worker-2'], ['worker-1']]);
    await b.close();
    assert.deepEqual(await w1.members(), []);
  });
});
