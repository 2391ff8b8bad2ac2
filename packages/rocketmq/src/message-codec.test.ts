import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { ProtocolError } from './errors.js';
import {
  decodeBatch,
  decodeStoredMessages,
  encodeBatch,
  encodeStoredMessage,
  MAGIC_V1,
  MAGIC_V2,
} from './message-codec.js';
import { decodeProperties, encodeProperties } from './properties-codec.js';
import { MessageSysFlag } from './protocol.js';

test('batch body round trip', () => {
  const msgs = [
    { body: Buffer.from('one'), flag: 3, properties: encodeProperties({ UNIQ_KEY: 'A', KEYS: 'k' }) },
    { body: new Uint8Array(1000).fill(9), properties: '' },
    { body: Buffer.from('ünï'), properties: encodeProperties({ x: 'é' }) },
  ];
  const buf = encodeBatch(msgs);
  const back = decodeBatch(buf);
  assert.equal(back.length, 3);
  back.forEach((m, i) => {
    assert.deepEqual(new Uint8Array(m.body), new Uint8Array(msgs[i]!.body));
    assert.equal(m.flag, msgs[i]!.flag ?? 0);
    assert.equal(m.properties, msgs[i]!.properties);
  });
  // the wire layout: totalSize magic(0) bodyCRC(0) flag bodyLen body propsLen props
  assert.equal(buf.readInt32BE(0), 20 + 3 + 2 + Buffer.byteLength(msgs[0]!.properties));
  assert.equal(buf.readInt32BE(4), 0);
  assert.equal(buf.readInt32BE(12), 3);
});

test('batch refuses properties over 32767 bytes', () => {
  assert.throws(
    () => encodeBatch([{ body: Buffer.from('x'), properties: `k\u0001${'v'.repeat(40000)}\u0002` }]),
    /max 32767/,
  );
});

test('stored message round trip: both magic versions, IPv4 and IPv6 hosts', () => {
  for (const magic of [MAGIC_V1, MAGIC_V2]) {
    for (const [bornHost, storeHost] of [
      ['10.1.2.3:4567', '127.0.0.1:10911'],
      ['[2001:db8:0:0:0:0:0:1]:5000', '[0:0:0:0:0:0:0:1]:10911'],
    ] as const) {
      const input = {
        topic: 'topic-ü',
        queueId: 5,
        queueOffset: 2 ** 40 + 7,
        body: Buffer.from('payload'),
        properties: encodeProperties({ TAGS: 't', KEYS: 'a b', UNIQ_KEY: 'ID1', u: 'v' }),
        flag: 9,
        bodyCRC: -5,
        commitLogOffset: 123456789012,
        bornTimestamp: 1_700_000_000_000,
        storeTimestamp: 1_700_000_000_005,
        bornHost,
        storeHost,
        reconsumeTimes: 2,
        magic,
      };
      const [m] = decodeStoredMessages(encodeStoredMessage(input));
      assert.ok(m);
      assert.equal(m.topic, input.topic);
      assert.equal(m.queueId, 5);
      assert.equal(m.queueOffset, input.queueOffset);
      assert.equal(m.body.toString(), 'payload');
      assert.equal(m.tags, 't');
      assert.deepEqual(m.keys, ['a', 'b']);
      assert.equal(m.msgId, 'ID1');
      assert.equal(m.properties.u, 'v');
      assert.equal(m.flag, 9);
      assert.equal(m.bodyCRC, -5);
      assert.equal(m.commitLogOffset, input.commitLogOffset);
      assert.equal(m.bornTimestamp, input.bornTimestamp);
      assert.equal(m.storeTimestamp, input.storeTimestamp);
      assert.equal(m.bornHost, bornHost);
      assert.equal(m.storeHost, storeHost);
      assert.equal(m.reconsumeTimes, 2);
      assert.equal(Boolean(m.sysFlag & MessageSysFlag.BORNHOST_V6), bornHost.startsWith('['));
      assert.equal(Boolean(m.sysFlag & MessageSysFlag.STOREHOST_V6), storeHost.startsWith('['));
    }
  }
});

test('several stored messages in one body share the topic string and keep their order', () => {
  const parts = Array.from({ length: 50 }, (_, i) =>
    encodeStoredMessage({ topic: 'T', queueId: 1, queueOffset: i, body: Buffer.from(`m${i}`), properties: '' }),
  );
  const msgs = decodeStoredMessages(Buffer.concat(parts));
  assert.deepEqual(
    msgs.map((m) => m.body.toString()),
    parts.map((_, i) => `m${i}`),
  );
  assert.deepEqual(
    msgs.map((m) => m.queueOffset),
    parts.map((_, i) => i),
  );
});

test('zlib-compressed bodies are inflated (compression type 0 and ZLIB); LZ4/ZSTD are flagged, not inflated', () => {
  const plain = Buffer.from('x'.repeat(10_000));
  for (const sysFlag of [MessageSysFlag.COMPRESSED, MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_ZLIB]) {
    const [m] = decodeStoredMessages(
      encodeStoredMessage({
        topic: 'T',
        queueId: 0,
        queueOffset: 0,
        body: deflateSync(plain),
        properties: '',
        sysFlag,
      }),
    );
    assert.deepEqual(m?.body, plain);
    assert.equal(m?.compression, undefined);
  }
  const lz = decodeStoredMessages(
    encodeStoredMessage({
      topic: 'T',
      queueId: 0,
      queueOffset: 0,
      body: Buffer.from('abc'),
      properties: '',
      sysFlag: MessageSysFlag.COMPRESSED | MessageSysFlag.COMPRESSION_LZ4,
    }),
  )[0];
  assert.equal(lz?.compression, 'lz4');
  assert.equal(lz?.body.toString(), 'abc');
  const bad = encodeStoredMessage({
    topic: 'T',
    queueId: 0,
    queueOffset: 0,
    body: Buffer.from('not zlib'),
    properties: '',
    sysFlag: 1,
  });
  assert.throws(() => decodeStoredMessages(bad), ProtocolError);
});

test('offsetMsgId is hex of store host and commit-log offset, msgId falls back to it', () => {
  const [m] = decodeStoredMessages(
    encodeStoredMessage({
      topic: 'T',
      queueId: 0,
      queueOffset: 0,
      body: Buffer.from('a'),
      properties: '',
      storeHost: '127.0.0.1:10911',
      commitLogOffset: 934,
    }),
  );
  assert.equal(m?.offsetMsgId, '7F00000100002A9F00000000000003A6');
  assert.equal(m?.msgId, m?.offsetMsgId);
  assert.deepEqual(decodeProperties(''), {});
});

test('truncated or corrupt stored messages throw ProtocolError', () => {
  const one = encodeStoredMessage({ topic: 'T', queueId: 0, queueOffset: 0, body: Buffer.from('abc'), properties: '' });
  assert.throws(() => decodeStoredMessages(one.subarray(0, one.length - 1)), ProtocolError);
  const badMagic = Buffer.from(one);
  badMagic.writeInt32BE(1, 4);
  assert.throws(() => decodeStoredMessages(badMagic), /bad magic/);
  assert.deepEqual(decodeStoredMessages(Buffer.alloc(0)), []);
});
