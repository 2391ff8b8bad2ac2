/**
 * The shared contract of the {@link Broker} interface, as node:test tests any implementation must pass:
 * `registerBrokerContract('embedded', harness)` in a test file registers one suite. The embedded broker
 * runs it in `embedded/contract.test.ts`, RocketMQ in `rocketmq/rocketmq-broker.integration.test.ts`.
 *
 * The tests assert behaviour only (no timing): brokers that deliver a message to consumers a moment after
 * acknowledging it (RocketMQ dispatches asynchronously) pass, because every read waits for data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlreadyExistsError, ConfigError, DataError, IllegalStateError, NotFoundError } from '@tributary/api';
import type { Broker, BrokerConsumer, OutgoingMessage, StoredMessage, TopicQueueRef } from './broker.js';
import { queueForKey } from './embedded/index.js';

/** How the contract gets a broker and names. */
export interface BrokerContractHarness {
  /** Opens and starts a broker whose topics created on first use get {@link defaultQueues} queues. */
  open(): Promise<Broker>;
  /** Queue count of topics created by a first `send`. */
  readonly defaultQueues: number;
  /** A Kafka-style name (letters, digits, `.`, `_`, `-`) unique to this run, containing `prefix`. */
  unique(prefix: string): string;
}

export interface BrokerContractOptions {
  /** Skip the whole suite with this reason (e.g. the broker's service is not reachable). */
  readonly skip?: string | false;
}

const TEST_TIMEOUT_MS = 120_000;
/** Generous: polls return as soon as data is there; this only bounds a broken broker. */
const WAIT_MS = 20_000;

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));
const same = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
  a === null || b === null ? a === b : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function msg(topic: string, value: string | null, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    topic,
    key: null,
    value: value === null ? null : bytes(value),
    headers: [],
    timestamp: Date.now(),
    ...extra,
  };
}

/** Polls until `count` messages arrived; fails if a poll of {@link WAIT_MS} brings nothing. */
async function pollN(c: BrokerConsumer, count: number, batch = 100): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  while (out.length < count) {
    const max = Math.min(batch, count - out.length);
    const got = await c.poll(max, WAIT_MS);
    assert.ok(got.length > 0, `poll returned nothing after ${out.length} of ${count} messages`);
    assert.ok(got.length <= max, `poll returned ${got.length} messages, more than maxMessages ${max}`);
    out.push(...got);
  }
  return out;
}

/** Polls `check` until it returns a truthy value. */
async function eventually<T>(what: string, check: () => T | Promise<T>): Promise<NonNullable<T>> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const refs = (topic: string, queues: number): TopicQueueRef[] =>
  Array.from({ length: queues }, (_, queue) => ({ topic, queue }));

/**
 * Registers the broker contract suite. Every test uses its own topics and groups (names from
 * `harness.unique`), so the suite can run against a shared, long-lived broker.
 */
export function registerBrokerContract(
  label: string,
  harness: BrokerContractHarness,
  options: BrokerContractOptions = {},
): void {
  describe(`Broker contract: ${label}`, { skip: options.skip ?? false, timeout: 600_000 }, () => {
    let broker: Broker;
    const topics: string[] = [];
    const consumers: BrokerConsumer[] = [];
    const topic = (prefix: string): string => {
      const name = harness.unique(prefix);
      topics.push(name);
      return name;
    };
    const consumer = (): BrokerConsumer => {
      const c = broker.createConsumer();
      consumers.push(c);
      return c;
    };
    const test = (name: string, fn: () => Promise<void>) => it(name, { timeout: TEST_TIMEOUT_MS }, fn);

    before(async () => {
      broker = await harness.open();
    });
    after(async () => {
      if (broker === undefined) return;
      for (const c of consumers) await c.close().catch(() => undefined);
      for (const t of topics) await broker.deleteTopic(t).catch(() => undefined);
      await broker.close();
    });

    // --- topics -------------------------------------------------------------------------------------

    test('creates a topic once; an existing topic keeps its queue count; describes and lists it', async () => {
      const t = topic('contract.orders.v1');
      assert.deepEqual(await broker.ensureTopic(t, 3), { name: t, queues: 3 });
      assert.deepEqual(await broker.ensureTopic(t, 5), { name: t, queues: 3 });
      assert.deepEqual(await broker.describeTopic(t), { name: t, queues: 3 });
      assert.equal(await broker.describeTopic(harness.unique('contract.missing')), null);
      const listed = await broker.listTopics();
      assert.deepEqual(
        listed.find((d) => d.name === t),
        { name: t, queues: 3 },
      );
      const names = listed.map((d) => d.name);
      assert.deepEqual(names, [...names].sort(), 'sorted by name');
    });

    test('refuses topic names and queue counts it cannot store', async () => {
      await assert.rejects(broker.ensureTopic('bad name!', 1), ConfigError);
      await assert.rejects(broker.ensureTopic(harness.unique('contract.zero'), 0), ConfigError);
      await assert.rejects(broker.send([msg('bad name!', 'v')]), DataError);
    });

    test('deletes a topic with its messages and group offsets; the name can be used again', async () => {
      const t = topic('contract.deleted');
      const group = harness.unique('contract-group.deleted');
      await broker.ensureTopic(t, 2);
      await broker.send([msg(t, 'a', { queue: 0 }), msg(t, 'b', { queue: 1 })]);
      await broker.commitGroupOffsets(group, [{ topic: t, queue: 0, offset: 1 }]);
      await broker.deleteTopic(t);
      assert.equal(await broker.describeTopic(t), null);
      assert.ok(!(await broker.listTopics()).some((d) => d.name === t));
      await assert.rejects(broker.deleteTopic(t), NotFoundError);
      assert.deepEqual(await broker.fetchGroupOffsets(group), []);
      assert.deepEqual(await broker.ensureTopic(t, 2), { name: t, queues: 2 });
      assert.deepEqual(await broker.queueRange({ topic: t, queue: 0 }), { start: 0, end: 0 });
    });

    // --- send ---------------------------------------------------------------------------------------

    test('acknowledges positions in input order with consecutive offsets per queue', async () => {
      const t = topic('contract.acks');
      await broker.ensureTopic(t, 4);
      const first = Array.from({ length: 60 }, (_, i) => msg(t, `m${i}`, { queue: (i * 3) % 4 }));
      const second = Array.from({ length: 25 }, (_, i) => msg(t, `n${i}`, { queue: i % 4 }));
      const positions = [...(await broker.send(first)), ...(await broker.send(second))];
      const next = [0, 0, 0, 0];
      [...first, ...second].forEach((m, i) => {
        const p = positions[i]!;
        assert.equal(p.topic, t);
        assert.equal(p.queue, m.queue);
        assert.equal(p.offset, next[p.queue]!++, `message ${i}`);
      });
      for (let q = 0; q < 4; q++)
        assert.deepEqual(await broker.queueRange({ topic: t, queue: q }), { start: 0, end: next[q] });
      assert.deepEqual(await broker.send([]), []);
    });

    test('picks the queue by key hash, one rotating queue per send without a key; creates unknown topics', async () => {
      const t = topic('contract.auto.created');
      const n = harness.defaultQueues;
      const keys = ['customer-42', 'customer-7', 'x', '', '\u0000binary'].map(bytes);
      const keyed = await broker.send(keys.map((key) => msg(t, 'v', { key })));
      assert.deepEqual(await broker.describeTopic(t), { name: t, queues: n }, 'created with the default queue count');
      keyed.forEach((p, i) => {
        assert.equal(p.queue, queueForKey(keys[i]!, n), `key ${i}`);
      });
      const again = await broker.send([msg(t, 'v2', { key: keys[0]! })]);
      assert.equal(again[0]!.queue, keyed[0]!.queue, 'a key always goes to the same queue');
      const perSend: number[] = [];
      for (let s = 0; s < n; s++) {
        const sent = await broker.send(Array.from({ length: 3 }, () => msg(t, 'keyless')));
        assert.equal(new Set(sent.map((p) => p.queue)).size, 1, 'the keyless messages of one send share a queue');
        perSend.push(sent[0]!.queue);
      }
      assert.equal(new Set(perSend).size, n, `successive sends rotate over every queue: ${perSend}`);
      const other = topic('contract.auto.other');
      const mixed = await broker.send([msg(t, 'a', { queue: 1 }), msg(other, 'b'), msg(t, 'c', { queue: n - 1 })]);
      assert.deepEqual(
        mixed.map((p) => [p.topic, p.queue]),
        [
          [t, 1],
          [other, mixed[1]!.queue],
          [t, n - 1],
        ],
      );
    });

    test('checks every message before storing any', async () => {
      const t = topic('contract.checked');
      await broker.ensureTopic(t, 2);
      const bad: [string, Partial<OutgoingMessage>][] = [
        ['queue out of range', { queue: 2 }],
        ['negative queue', { queue: -1 }],
        ['fractional timestamp', { timestamp: 1.5 }],
        ['string value', { value: 'text' as unknown as Uint8Array }],
        ['string key', { key: 'text' as unknown as Uint8Array }],
        ['header value', { headers: [{ key: 'h', value: 'x' as unknown as Uint8Array }] }],
      ];
      for (const [what, extra] of bad) {
        await assert.rejects(broker.send([msg(t, 'good', { queue: 0 }), msg(t, 'bad', extra)]), DataError, what);
      }
      assert.deepEqual(await broker.queueRange({ topic: t, queue: 0 }), { start: 0, end: 0 });
    });

    test('keeps the order of sends issued one after another without waiting, per queue', async () => {
      const t = topic('contract.ordered');
      await broker.ensureTopic(t, 2);
      const sends = Array.from({ length: 20 }, (_, s) =>
        broker.send(Array.from({ length: 10 }, (_, i) => msg(t, `${s}-${i}`, { queue: (s + i) % 2 }))),
      );
      const acked = await Promise.all(sends);
      for (let q = 0; q < 2; q++) {
        const offsets = acked.flatMap((positions) => positions.filter((p) => p.queue === q).map((p) => p.offset));
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => i),
          `queue ${q}: offsets follow the call order`,
        );
      }
      const c = consumer();
      c.assign(refs(t, 2));
      const got = await pollN(c, 200);
      for (let q = 0; q < 2; q++) {
        const values = got.filter((m) => m.queue === q).map((m) => text(m.value)!);
        const expected: string[] = [];
        for (let s = 0; s < 20; s++) for (let i = 0; i < 10; i++) if ((s + i) % 2 === q) expected.push(`${s}-${i}`);
        assert.deepEqual(values, expected, `queue ${q} in send order`);
      }
    });

    // --- records ------------------------------------------------------------------------------------

    test('stores keys, values, tombstones, empty values, headers and timestamps exactly', async () => {
      const t = topic('contract.exact');
      await broker.ensureTopic(t, 1);
      const binary = new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]);
      const sent: OutgoingMessage[] = [
        msg(t, 'plain', { key: bytes('order-42'), timestamp: 1_600_000_000_000 }),
        msg(t, null, { key: bytes('order-42'), timestamp: 1_600_000_000_001 }),
        msg(t, '', { key: null, timestamp: 1_700_000_000_000 }),
        { topic: t, key: binary, value: binary, headers: [], timestamp: 5 },
        { topic: t, key: new Uint8Array(0), value: new Uint8Array([0]), headers: [], timestamp: Date.now() },
        msg(t, 'with headers', {
          headers: [
            { key: 'trace', value: bytes('abc') },
            { key: 'trace', value: bytes('def') },
            { key: 'bin', value: new Uint8Array([1, 2, 0xff]) },
            { key: 'null', value: null },
            { key: 'empty', value: new Uint8Array(0) },
            { key: 'ünïcødé \u0001\u0002 %25 :=', value: bytes('ünïcødé ✓') },
            { key: '', value: bytes('no name') },
            { key: 'trace', value: null },
          ],
        }),
      ];
      const positions = await broker.send(sent);
      const c = consumer();
      c.assign([{ topic: t, queue: 0 }]);
      const got = await pollN(c, sent.length);
      got.forEach((m, i) => {
        const want = sent[i]!;
        assert.equal(m.topic, t);
        assert.equal(m.queue, 0);
        assert.equal(m.offset, positions[i]!.offset);
        assert.ok(same(m.key, want.key), `message ${i}: key`);
        assert.ok(same(m.value, want.value), `message ${i}: value ${text(m.value)}`);
        assert.equal(m.timestamp, want.timestamp, `message ${i}: timestamp`);
        assert.equal(m.headers.length, want.headers.length, `message ${i}: header count`);
        m.headers.forEach((h, j) => {
          assert.equal(h.key, want.headers[j]!.key, `message ${i} header ${j}: name`);
          assert.ok(same(h.value, want.headers[j]!.value), `message ${i} header ${j}: value`);
        });
        assert.ok(m.size > 0);
      });
      assert.equal(got[1]!.value, null, 'a tombstone reads as null');
      assert.equal(got[2]!.value?.length, 0, 'an empty value reads as empty, not null');
    });

    // --- consumers ----------------------------------------------------------------------------------

    test('a waiting poll returns as soon as a message arrives', async () => {
      const t = topic('contract.wake');
      await broker.ensureTopic(t, 2);
      const c = consumer();
      c.assign(refs(t, 2));
      const waiting = c.poll(10, 600_000);
      await sleep(50);
      await broker.send([msg(t, 'hello', { queue: 1 })]);
      const got = await waiting;
      assert.deepEqual(
        got.map((m) => [m.queue, m.offset, text(m.value)]),
        [[1, 0, 'hello']],
      );
    });

    test('a poll without data ends at maxWaitMs, on abort and on close', async () => {
      const t = topic('contract.idle');
      await broker.ensureTopic(t, 1);
      const c = consumer();
      c.assign([{ topic: t, queue: 0 }]);
      assert.deepEqual(await c.poll(10, 200), []);
      const ac = new AbortController();
      const aborted = c.poll(10, 600_000, ac.signal);
      await sleep(20);
      ac.abort();
      assert.deepEqual(await aborted, []);
      const closing = c.poll(10, 600_000);
      await sleep(20);
      await c.close();
      assert.deepEqual(await closing, []);
      await assert.rejects(c.poll(1, 0), IllegalStateError);
    });

    test('pauses and resumes queues; resume wakes a waiting poll', async () => {
      const t = topic('contract.paused');
      await broker.ensureTopic(t, 2);
      const q0 = { topic: t, queue: 0 };
      const q1 = { topic: t, queue: 1 };
      await broker.send([msg(t, 'q0', { queue: 0 }), msg(t, 'q1', { queue: 1 })]);
      const c = consumer();
      c.assign([q0, q1]);
      c.pause([q0]);
      const first = await pollN(c, 1);
      assert.deepEqual(
        first.map((m) => m.queue),
        [1],
      );
      assert.deepEqual(await c.poll(10, 300), [], 'nothing from the paused queue');
      const waiting = c.poll(10, 600_000);
      await sleep(20);
      c.resume([q0]);
      assert.deepEqual(
        (await waiting).map((m) => [m.queue, text(m.value)]),
        [[0, 'q0']],
      );
      c.pause([q1]);
      await broker.send([msg(t, 'later', { queue: 1 })]);
      assert.deepEqual(await c.poll(10, 500), []);
      c.resume([q1]);
      assert.deepEqual(
        (await pollN(c, 1)).map((m) => text(m.value)),
        ['later'],
      );
    });

    test('seeks to an offset, earliest and latest; positions follow', async () => {
      const t = topic('contract.seek');
      await broker.ensureTopic(t, 1);
      const q = { topic: t, queue: 0 };
      await broker.send(Array.from({ length: 20 }, (_, i) => msg(t, `m${i}`)));
      const c = consumer();
      c.assign([q]);
      assert.equal(c.position(q), 0, 'a new queue starts at earliest');
      assert.deepEqual(
        (await pollN(c, 5, 5)).map((m) => m.offset),
        [0, 1, 2, 3, 4],
      );
      assert.equal(c.position(q), 5);
      c.seek(q, 7);
      assert.equal(c.position(q), 7);
      assert.deepEqual(
        (await pollN(c, 2, 2)).map((m) => m.offset),
        [7, 8],
      );
      assert.equal(c.position(q), 9);
      c.seek(q, 'latest');
      assert.deepEqual(await c.poll(5, 300), []);
      assert.equal(c.position(q), 20);
      await broker.send([msg(t, 'm20')]);
      assert.deepEqual(
        (await pollN(c, 1)).map((m) => [m.offset, text(m.value)]),
        [[20, 'm20']],
      );
      c.seek(q, 'earliest');
      assert.deepEqual(
        (await pollN(c, 1, 1)).map((m) => m.offset),
        [0],
      );
      c.seek(q, 1000);
      assert.deepEqual(await c.poll(1, 300), [], 'beyond the end: nothing until data');
      await broker.send([msg(t, 'm21')]);
      assert.deepEqual(
        (await pollN(c, 1, 1)).map((m) => m.offset),
        [21],
        'a position beyond the end moves to the end',
      );
      assert.throws(() => c.seek(q, -1), DataError);
      assert.throws(() => c.seek(q, 1.5), DataError);
    });

    test('returns at most maxMessages; a re-assign keeps the positions of queues that stay', async () => {
      const t = topic('contract.reassign');
      await broker.ensureTopic(t, 2);
      await broker.send(Array.from({ length: 10 }, (_, i) => msg(t, `m${i}`, { queue: i % 2 })));
      const c = consumer();
      const [q0, q1] = refs(t, 2) as [TopicQueueRef, TopicQueueRef];
      c.assign([q0]);
      const firstTwo = await pollN(c, 2, 2);
      assert.equal(firstTwo.length, 2);
      assert.equal(c.position(q0), 2);
      c.assign([q1, q0]);
      assert.equal(c.position(q0), 2, 'kept');
      assert.equal(c.position(q1), 0, 'new: earliest');
      assert.deepEqual(
        c.assignment().map((r) => r.queue),
        [1, 0],
      );
      const rest = await pollN(c, 8, 3);
      assert.deepEqual(
        rest.filter((m) => m.queue === 0).map((m) => m.offset),
        [2, 3, 4],
      );
      assert.deepEqual(
        rest.filter((m) => m.queue === 1).map((m) => m.offset),
        [0, 1, 2, 3, 4],
      );
      c.assign([]);
      assert.deepEqual(c.assignment(), []);
      assert.deepEqual(await c.poll(5, 100), []);
    });

    test('reads every assigned queue, none starved by a busy one', async () => {
      const t = topic('contract.fair');
      await broker.ensureTopic(t, 3);
      for (let q = 0; q < 3; q++)
        await broker.send(Array.from({ length: 300 }, (_, i) => msg(t, `q${q}-${i}`, { queue: q })));
      const c = consumer();
      c.assign(refs(t, 3));
      const seen = new Set<number>();
      for (let i = 0; i < 10 && seen.size < 3; i++) for (const m of await c.poll(50, WAIT_MS)) seen.add(m.queue);
      assert.deepEqual([...seen].sort(), [0, 1, 2], 'all three queues within 10 polls of 50 (900 messages waiting)');
    });

    test('refuses misuse: unknown queues, unassigned queues, concurrent polls', async () => {
      const t = topic('contract.misuse');
      await broker.ensureTopic(t, 1);
      const unknown = consumer();
      await assert.rejects(async () => {
        unknown.assign([{ topic: harness.unique('contract.nope'), queue: 0 }]);
        await unknown.poll(1, WAIT_MS);
      }, NotFoundError);
      const c = consumer();
      await assert.rejects(async () => {
        c.assign([{ topic: t, queue: 1 }]);
        await c.poll(1, WAIT_MS);
      }, NotFoundError);
      assert.throws(() => c.position({ topic: t, queue: 0 }), IllegalStateError);
      c.assign([{ topic: t, queue: 0 }]);
      assert.deepEqual(c.assignment(), [{ topic: t, queue: 0 }]);
      const first = c.poll(1, 600_000);
      await assert.rejects(c.poll(1, 0), IllegalStateError);
      await c.close();
      await first;
    });

    // --- ranges and timestamps ----------------------------------------------------------------------

    test('reports queue ranges and finds offsets by timestamp', async () => {
      const t = topic('contract.time');
      await broker.ensureTopic(t, 1);
      const q = { topic: t, queue: 0 };
      assert.deepEqual(await broker.queueRange(q), { start: 0, end: 0 });
      await broker.send([msg(t, 'a'), msg(t, 'b'), msg(t, 'c')]);
      await sleep(30);
      const between = Date.now();
      await sleep(5);
      await broker.send([msg(t, 'd', { timestamp: Date.now() }), msg(t, 'e', { timestamp: Date.now() })]);
      assert.deepEqual(await broker.queueRange(q), { start: 0, end: 5 });
      assert.equal(await broker.offsetForTimestamp(q, between), 3);
      assert.equal(await broker.offsetForTimestamp(q, Date.now() + 3_600_000), 5, 'none later: the end');
      assert.equal(await broker.offsetForTimestamp(q, 0), 0);
      await assert.rejects(broker.queueRange({ topic: t, queue: 1 }), NotFoundError);
      await assert.rejects(broker.queueRange({ topic: harness.unique('contract.nope'), queue: 0 }), NotFoundError);
    });

    // --- group offsets ------------------------------------------------------------------------------

    test('commits and fetches group offsets; queues without a commit are absent', async () => {
      const t = topic('contract.offsets');
      const u = topic('contract.offsets.other');
      const group = harness.unique('connect-contract.sink');
      await broker.ensureTopic(t, 3);
      await broker.ensureTopic(u, 1);
      await broker.commitGroupOffsets(group, [
        { topic: t, queue: 0, offset: 5 },
        { topic: t, queue: 1, offset: 9 },
        { topic: u, queue: 0, offset: 0 },
      ]);
      await broker.commitGroupOffsets(group, [{ topic: t, queue: 0, offset: 6 }]);
      const all = await broker.fetchGroupOffsets(group);
      const expected = [
        { topic: t, queue: 0, offset: 6 },
        { topic: t, queue: 1, offset: 9 },
        { topic: u, queue: 0, offset: 0 },
      ].sort((a, b) => (a.topic === b.topic ? a.queue - b.queue : a.topic < b.topic ? -1 : 1));
      assert.deepEqual(all, expected);
      assert.deepEqual(await broker.fetchGroupOffsets(group, [{ topic: t, queue: 1 }]), [
        { topic: t, queue: 1, offset: 9 },
      ]);
      assert.deepEqual(await broker.fetchGroupOffsets(group, [{ topic: t, queue: 2 }]), []);
      assert.deepEqual(await broker.fetchGroupOffsets(harness.unique('connect-contract.none')), []);
      await assert.rejects(
        broker.commitGroupOffsets(group, [{ topic: harness.unique('contract.nope'), queue: 0, offset: 1 }]),
        NotFoundError,
      );
      await assert.rejects(broker.commitGroupOffsets(group, [{ topic: t, queue: 0, offset: -1 }]), DataError);
      // Group names are free text, like connector names.
      const spaced = harness.unique('connect-my sink ✓');
      await broker.commitGroupOffsets(spaced, [{ topic: t, queue: 2, offset: 3 }]);
      assert.deepEqual(await broker.fetchGroupOffsets(spaced), [{ topic: t, queue: 2, offset: 3 }]);
    });

    test("forgets some or all of a group's offsets; a forgotten queue reads as never committed", async () => {
      const t = topic('contract.forget');
      const group = harness.unique('connect-contract.forget');
      await broker.ensureTopic(t, 3);
      await broker.commitGroupOffsets(
        group,
        refs(t, 3).map((r, i) => ({ ...r, offset: i + 1 })),
      );
      await broker.deleteGroupOffsets(group, [{ topic: t, queue: 0 }]);
      assert.deepEqual(await broker.fetchGroupOffsets(group), [
        { topic: t, queue: 1, offset: 2 },
        { topic: t, queue: 2, offset: 3 },
      ]);
      assert.deepEqual(await broker.fetchGroupOffsets(group, [{ topic: t, queue: 0 }]), []);
      await broker.commitGroupOffsets(group, [{ topic: t, queue: 0, offset: 7 }]);
      assert.deepEqual(await broker.fetchGroupOffsets(group, [{ topic: t, queue: 0 }]), [
        { topic: t, queue: 0, offset: 7 },
      ]);
      await broker.deleteGroupOffsets(group);
      assert.deepEqual(await broker.fetchGroupOffsets(group), []);
      await broker.commitGroupOffsets(group, [{ topic: t, queue: 2, offset: 4 }]);
      assert.deepEqual(await broker.fetchGroupOffsets(group), [{ topic: t, queue: 2, offset: 4 }]);
    });

    // --- membership ---------------------------------------------------------------------------------

    test('members join, see each other come and go, and leave', async () => {
      const group = harness.unique('contract.cluster');
      const a = await broker.joinGroup(group, 'worker-a');
      const seenByA: string[][] = [];
      a.onChange((m) => seenByA.push([...m]));
      const unsubscribed: string[][] = [];
      const off = a.onChange((m) => unsubscribed.push([...m]));
      a.onChange(() => {
        throw new Error('a listener bug must not stop the others');
      });
      const b = await broker.joinGroup(group, 'worker-b');
      await assert.rejects(broker.joinGroup(group, 'worker-b'), AlreadyExistsError);
      const other = await broker.joinGroup(harness.unique('contract.cluster.other'), 'worker-b');
      assert.deepEqual(await a.members(), ['worker-a', 'worker-b']);
      assert.deepEqual(await b.members(), ['worker-a', 'worker-b']);
      assert.deepEqual(await other.members(), ['worker-b'], 'groups are apart');
      await eventually('a hears b join', () => seenByA.some((m) => m.join() === 'worker-a,worker-b'));
      off();
      await b.leave();
      await eventually('a sees b leave', async () => (await a.members()).join() === 'worker-a');
      await eventually('a hears b leave', () => seenByA.at(-1)?.join() === 'worker-a');
      assert.ok(
        unsubscribed.every((m) => m.join() === 'worker-a,worker-b'),
        `an unsubscribed listener hears nothing more: ${JSON.stringify(unsubscribed)}`,
      );
      const again = await broker.joinGroup(group, 'worker-b');
      await eventually('b is back', async () => (await a.members()).join() === 'worker-a,worker-b');
      await again.leave();
      await other.leave();
      await a.leave();
    });
  });
}
