import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutgoingMessage, StoredMessage } from '../../broker/broker.js';
import {
  decodeOutgoing,
  decodePositions,
  decodeStored,
  encodeOutgoing,
  encodePositions,
  encodeStored,
  packedCount,
} from './batch-codec.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const plain = (b: Uint8Array | null) => (b === null ? null : [...b]);

function comparable(m: OutgoingMessage | StoredMessage) {
  return {
    ...m,
    key: plain(m.key),
    value: plain(m.value),
    headers: m.headers.map((h) => ({ key: h.key, value: plain(h.value) })),
  };
}

describe('packed batches between task threads and the main thread', () => {
  it('round-trips outgoing messages: null and empty bytes, headers, queues, several topics', () => {
    const messages: OutgoingMessage[] = [
      { topic: 'orders', key: bytes('k1'), value: bytes('{"a":1}'), headers: [], timestamp: 1_700_000_000_123 },
      { topic: 'orders', queue: 3, key: null, value: null, headers: [], timestamp: 0 },
      {
        topic: 'tópico-ü',
        key: new Uint8Array(0),
        value: new Uint8Array(0),
        headers: [
          { key: 'trace', value: bytes('abc') },
          { key: 'ключ', value: null },
          { key: 'trace', value: new Uint8Array([0, 255, 7]) },
        ],
        timestamp: Number.MAX_SAFE_INTEGER,
      },
      { topic: 'orders', queue: 0, key: bytes('k2'), value: bytes('x'.repeat(70_000)), headers: [], timestamp: 5 },
    ];
    const packed = encodeOutgoing(messages);
    assert.equal(packedCount(packed), 4);
    const decoded = decodeOutgoing(packed);
    assert.deepEqual(decoded.map(comparable), messages.map(comparable));
    assert.equal('queue' in decoded[0]!, false, 'a message without queue stays without queue');
    assert.equal(decoded[1]!.queue, 3);
  });

  it('decodes byte fields as views into the one transferred buffer (no copy per record)', () => {
    const packed = encodeOutgoing([
      {
        topic: 't',
        key: bytes('key'),
        value: bytes('value'),
        headers: [{ key: 'h', value: bytes('v') }],
        timestamp: 1,
      },
    ]);
    const [m] = decodeOutgoing(packed);
    assert.equal(m!.key!.buffer, packed);
    assert.equal(m!.value!.buffer, packed);
    assert.equal(m!.headers[0]!.value!.buffer, packed);
  });

  it('round-trips stored messages with offsets and sizes up to 2^53', () => {
    const messages: StoredMessage[] = [
      {
        topic: 'a',
        queue: 7,
        offset: Number.MAX_SAFE_INTEGER,
        key: null,
        value: bytes('v'),
        headers: [{ key: 'x', value: bytes('y') }],
        timestamp: 1_700_000_000_000,
        size: 61,
      },
      { topic: 'b', queue: 0, offset: 0, key: bytes('k'), value: null, headers: [], timestamp: 2, size: 40 },
      { topic: 'a', queue: 1, offset: 12, key: bytes(''), value: bytes('é'), headers: [], timestamp: 3, size: 44 },
    ];
    const decoded = decodeStored(encodeStored(messages));
    assert.deepEqual(decoded.map(comparable), messages.map(comparable));
  });

  it('round-trips empty batches', () => {
    assert.deepEqual(decodeOutgoing(encodeOutgoing([])), []);
    assert.deepEqual(decodeStored(encodeStored([])), []);
  });

  it('refuses a batch of the other kind', () => {
    const outgoing = encodeOutgoing([{ topic: 't', key: null, value: null, headers: [], timestamp: 1 }]);
    assert.throws(() => decodeStored(outgoing), /kind 1, expected 2/);
  });

  it('round-trips send positions, in message order, with the topics of the sent messages', () => {
    const sent = [{ topic: 'a' }, { topic: 'b' }, { topic: 'a' }];
    const positions = [
      { topic: 'a', queue: 2, offset: 10 },
      { topic: 'b', queue: 0, offset: Number.MAX_SAFE_INTEGER },
      { topic: 'a', queue: 2, offset: 11 },
    ];
    assert.deepEqual(decodePositions(encodePositions(positions), sent), positions);
  });
});
