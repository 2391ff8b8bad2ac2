import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { ConfigError, IllegalStateError, NotFoundError } from '@tributary/api';
import type { OutgoingMessage, StoredMessage } from '../../broker/broker.js';
import { EmbeddedBroker } from '../../broker/embedded/index.js';
import { FileOffsetStore } from '../../storage/file-stores.js';
import { BrokerProxy } from './broker-proxy.js';
import { BrokerService, CallDispatcher } from './broker-service.js';
import { OffsetStoreProxy } from './offset-store-proxy.js';
import type { FromThread, ToThread } from './protocol.js';
import { RpcClient } from './rpc-client.js';

/** The proxies of a task thread wired to a BrokerService over a MessageChannel (what a thread does, in one thread). */
function connect(broker: EmbeddedBroker, store: FileOffsetStore, snapshot = store.all('c')) {
  const { port1, port2 } = new MessageChannel();
  const service = new BrokerService(broker, store);
  const dispatcher = new CallDispatcher(service, (reply, transfer) =>
    port2.postMessage(reply, transfer as ArrayBuffer[] | undefined),
  );
  port2.on('message', (m: FromThread) => {
    if (m.t === 'call') dispatcher.call(m);
    else if (m.t === 'cancel') dispatcher.cancel(m.id);
  });
  const rpc = new RpcClient(port1);
  port1.on('message', (m: ToThread) => {
    if (m.t === 'reply') rpc.settle(m);
  });
  return {
    proxy: new BrokerProxy(rpc, broker.kind, true),
    offsets: new OffsetStoreProxy(rpc, 'c', snapshot),
    close: async () => {
      await service.close();
      port1.close();
    },
  };
}

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('utf8'));
const msg = (topic: string, i: number, queue = 0): OutgoingMessage => ({
  topic,
  queue,
  key: Buffer.from(`k${i}`),
  value: Buffer.from(`v${i}`),
  headers: [{ key: 'i', value: Buffer.from(String(i)) }],
  timestamp: 1_700_000_000_000 + i,
});
const values = (ms: readonly StoredMessage[]) => ms.map((m) => text(m.value));

describe('broker and offset store proxies of a task thread', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  let store: FileOffsetStore;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trib-proxy-'));
    broker = new EmbeddedBroker({ dataDir: dir });
    await broker.start();
    store = new FileOffsetStore(join(dir, 'state'));
    await store.load();
  });
  after(async () => {
    for (const c of closers) await c();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  });

  const open = (snapshot?: ReturnType<FileOffsetStore['all']>) => {
    const c = connect(broker, store, snapshot);
    closers.push(c.close);
    return c;
  };

  it('sends a batch and polls it back exactly: keys, values, headers, timestamps, positions', async () => {
    const { proxy } = open();
    await proxy.ensureTopic('exact', 2);
    const sent = [msg('exact', 0, 1), msg('exact', 1, 1), { ...msg('exact', 2, 0), key: null, value: null }];
    const positions = await proxy.send(sent);
    assert.deepEqual(positions, [
      { topic: 'exact', queue: 1, offset: 0 },
      { topic: 'exact', queue: 1, offset: 1 },
      { topic: 'exact', queue: 0, offset: 0 },
    ]);
    const consumer = proxy.createConsumer();
    consumer.assign([
      { topic: 'exact', queue: 0 },
      { topic: 'exact', queue: 1 },
    ]);
    const got: StoredMessage[] = [];
    while (got.length < 3) got.push(...(await consumer.poll(10, 1000)));
    got.sort((a, b) => a.queue - b.queue || a.offset - b.offset);
    assert.deepEqual(
      got.map((m) => [
        m.queue,
        m.offset,
        text(m.key),
        text(m.value),
        m.headers.map((h) => [h.key, text(h.value)]),
        m.timestamp,
      ]),
      [
        [0, 0, null, null, [['i', '2']], 1_700_000_000_002],
        [1, 0, 'k0', 'v0', [['i', '0']], 1_700_000_000_000],
        [1, 1, 'k1', 'v1', [['i', '1']], 1_700_000_000_001],
      ],
    );
    assert.equal(consumer.position({ topic: 'exact', queue: 1 }), 2);
    assert.equal(consumer.position({ topic: 'exact', queue: 0 }), 1);
    await consumer.close();
  });

  it('reads ahead, and a seek or pause after a poll loses and repeats nothing', async () => {
    const { proxy } = open();
    await proxy.ensureTopic('ahead', 1);
    await proxy.send(Array.from({ length: 30 }, (_, i) => msg('ahead', i)));
    const q = { topic: 'ahead', queue: 0 };
    const consumer = proxy.createConsumer();
    consumer.assign([q]);
    // The first poll answers 0-9; the main thread then reads 10-19 ahead.
    assert.deepEqual(
      values(await consumer.poll(10, 1000)),
      Array.from({ length: 10 }, (_, i) => `v${i}`),
    );
    consumer.pause([q]);
    assert.deepEqual(await consumer.poll(10, 50), [], 'a paused queue yields nothing, read-ahead included');
    consumer.resume([q]);
    assert.deepEqual(
      values(await consumer.poll(10, 1000)),
      Array.from({ length: 10 }, (_, i) => `v${10 + i}`),
    );
    // 20-29 are now read ahead; a seek back must win over them.
    consumer.seek(q, 5);
    assert.equal(consumer.position(q), 5);
    assert.deepEqual(values(await consumer.poll(3, 1000)), ['v5', 'v6', 'v7']);
    consumer.seek(q, 'latest');
    assert.deepEqual(await consumer.poll(10, 50), []);
    assert.equal(consumer.position(q), 30);
    await consumer.close();
  });

  it('ends a waiting poll when its signal aborts', async () => {
    const { proxy } = open();
    await proxy.ensureTopic('idle', 1);
    const consumer = proxy.createConsumer();
    consumer.assign([{ topic: 'idle', queue: 0 }]);
    const controller = new AbortController();
    const polling = consumer.poll(10, 60_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await polling, []);
    await consumer.close();
  });

  it('raises the main thread’s errors with their classes, a failed assign at the next poll', async () => {
    const { proxy } = open();
    await assert.rejects(proxy.ensureTopic('bad/name', 1), ConfigError);
    await assert.rejects(proxy.commitGroupOffsets('g', [{ topic: 'nope', queue: 0, offset: 1 }]), NotFoundError);
    const consumer = proxy.createConsumer();
    consumer.assign([{ topic: 'nope', queue: 0 }]);
    await assert.rejects(consumer.poll(1, 10), NotFoundError);
    await consumer.close();
    assert.throws(() => consumer.assign([]), IllegalStateError);
  });

  it('commits and fetches group offsets through the main thread', async () => {
    const { proxy } = open();
    await proxy.ensureTopic('groups', 2);
    await proxy.send([msg('groups', 0, 1)]);
    await proxy.commitGroupOffsets('g1', [{ topic: 'groups', queue: 1, offset: 1 }]);
    assert.deepEqual(await broker.fetchGroupOffsets('g1'), [{ topic: 'groups', queue: 1, offset: 1 }]);
    assert.deepEqual(await proxy.fetchGroupOffsets('g1', [{ topic: 'groups', queue: 1 }]), [
      { topic: 'groups', queue: 1, offset: 1 },
    ]);
    assert.deepEqual(await proxy.queueRange({ topic: 'groups', queue: 1 }), { start: 0, end: 1 });
  });

  it('serves source offsets from the start snapshot plus its own writes, writing through to the store', async () => {
    await store.set('c', [{ partition: { file: 'a' }, offset: { line: 1 } }]);
    const { offsets } = open(store.all('c'));
    assert.deepEqual(offsets.get('c', [{ file: 'a' }]), [{ partition: { file: 'a' }, offset: { line: 1 } }]);
    await offsets.set('c', [
      { partition: { file: 'b' }, offset: { line: 7 } },
      { partition: { file: 'a' }, offset: null },
    ]);
    assert.deepEqual(offsets.all('c'), [{ partition: { file: 'b' }, offset: { line: 7 } }]);
    assert.deepEqual(store.all('c'), [{ partition: { file: 'b' }, offset: { line: 7 } }]);
    assert.deepEqual(offsets.get('other', [{ file: 'b' }]), []);
  });
});
