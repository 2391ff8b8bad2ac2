import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '@tributary/api';
import { checkFrame } from './framing.js';
import { decodeRecord, encodeRecord, type MessageContent, RECORD_MIN_BODY, recordSize } from './record-format.js';

const u8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

function roundTrip(m: MessageContent, offset = 42) {
  const size = recordSize(m);
  const buf = Buffer.alloc(size + 10);
  const end = encodeRecord(buf, 5, offset, m);
  assert.equal(end - 5, size, 'recordSize matches the encoding');
  const length = checkFrame(buf, 5, end, RECORD_MIN_BODY, size);
  assert.equal(length, size - 8);
  return decodeRecord(buf, 5, length, 'topic.a', 3);
}

describe('record format', () => {
  it('round-trips key, value, headers, timestamp and offset', () => {
    const m: MessageContent = {
      key: u8('k1'),
      value: u8('some value'),
      headers: [
        { key: 'content-type', value: u8('json') },
        { key: 'ünïcødé ✓', value: null },
        { key: '', value: new Uint8Array(0) },
      ],
      timestamp: 1_700_000_000_123,
    };
    const d = roundTrip(m, 2 ** 40 + 1);
    assert.equal(d.topic, 'topic.a');
    assert.equal(d.queue, 3);
    assert.equal(d.offset, 2 ** 40 + 1);
    assert.equal(d.timestamp, m.timestamp);
    assert.deepEqual(d.key, m.key);
    assert.deepEqual(d.value, m.value);
    assert.deepEqual(d.headers, m.headers);
    assert.equal(d.size, recordSize(m));
  });

  it('keeps null (tombstone) apart from empty', () => {
    const a = roundTrip({ key: null, value: null, headers: [], timestamp: 0 });
    assert.equal(a.key, null);
    assert.equal(a.value, null);
    const b = roundTrip({ key: new Uint8Array(0), value: new Uint8Array(0), headers: [], timestamp: 0 });
    assert.deepEqual(b.key, new Uint8Array(0));
    assert.deepEqual(b.value, new Uint8Array(0));
  });

  it('stores negative timestamps', () => {
    assert.equal(roundTrip({ key: null, value: u8('x'), headers: [], timestamp: -86_400_000 }).timestamp, -86_400_000);
  });

  it('rejects an unknown format version', () => {
    const m: MessageContent = { key: null, value: u8('v'), headers: [], timestamp: 1 };
    const buf = Buffer.alloc(recordSize(m));
    encodeRecord(buf, 0, 0, m);
    buf[8] = 99;
    assert.throws(() => decodeRecord(buf, 0, buf.length - 8, 't', 0), DataError);
  });

  it('rejects fields that overrun the body', () => {
    const m: MessageContent = { key: u8('key'), value: u8('v'), headers: [], timestamp: 1 };
    const buf = Buffer.alloc(recordSize(m));
    encodeRecord(buf, 0, 0, m);
    buf.writeInt32LE(1000, 8 + 18);
    assert.throws(() => decodeRecord(buf, 0, buf.length - 8, 't', 0), DataError);
  });

  it('refuses header keys longer than 65535 bytes', () => {
    assert.throws(
      () => recordSize({ key: null, value: null, headers: [{ key: 'x'.repeat(70_000), value: null }], timestamp: 1 }),
      DataError,
    );
  });
});
