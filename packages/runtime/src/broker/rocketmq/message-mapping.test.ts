import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '@tributary/api';
import { decodeProperties, decodeStoredMessages, encodeProperties, encodeStoredMessage } from '@tributary/rocketmq';
import type { OutgoingMessage, StoredMessage } from '../broker.js';
import {
  decodeBytesProperty,
  decodeRecord,
  encodeBytesProperty,
  encodeRecord,
  MAX_RECORD_PROPERTIES_BYTES,
  readableKey,
} from './message-mapping.js';

const MAX = 4 * 1024 * 1024;
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** Encodes a record, writes it as the producer and broker would (properties string, stored format), reads it back. */
function roundTrip(m: OutgoingMessage, extra: Record<string, string> = {}): { stored: StoredMessage; props: string } {
  const r = encodeRecord(m, MAX);
  const all: Record<string, string> = { ...r.properties, ...extra };
  if (r.keys !== undefined) all.KEYS = r.keys;
  all.UNIQ_KEY = '7F0000010B2C18B4AAC2470FF1E00000';
  all.WAIT = 'true';
  const props = encodeProperties(all);
  // What encodeBatch / the broker check: the properties string fits its int16 length.
  assert.ok(Buffer.byteLength(props) <= 32767);
  const wire = encodeStoredMessage({
    topic: 'a--b',
    queueId: 3,
    queueOffset: 41,
    body: r.body,
    properties: props,
    bornTimestamp: 1_800_000_000_000,
  });
  const [decoded] = decodeStoredMessages(wire);
  return { stored: decodeRecord(decoded!, 'a.b', 3), props };
}

const base: OutgoingMessage = { topic: 'a.b', key: null, value: utf8('v'), headers: [], timestamp: 1_700_000_000_123 };

const same = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === null || b === null ? a === b : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('record ↔ RocketMQ message mapping', () => {
  it('round-trips keys, values, tombstones, empty values and the record timestamp', () => {
    const cases: [string, Partial<OutgoingMessage>][] = [
      ['text key and value', { key: utf8('order-42'), value: utf8('{"id":42}') }],
      ['null key', { key: null }],
      ['empty key', { key: new Uint8Array(0) }],
      ['binary key with separators', { key: new Uint8Array([1, 2, 0, 0xff, 0xfe, 32]) }],
      ['key that is invalid UTF-8', { key: new Uint8Array([0xc3, 0x28]) }],
      ['key with a BOM', { key: utf8('\uFEFFk') }],
      ['tombstone', { key: utf8('k'), value: null }],
      ['empty value', { value: new Uint8Array(0) }],
      ['one zero byte (not a tombstone)', { value: new Uint8Array([0]) }],
      ['binary value', { value: new Uint8Array([1, 2, 3, 0, 255]) }],
      ['old timestamp', { timestamp: 0 }],
      ['negative timestamp', { timestamp: -5 }],
    ];
    for (const [what, extra] of cases) {
      const m = { ...base, ...extra };
      const { stored } = roundTrip(m);
      assert.ok(same(stored.key, m.key), `${what}: key`);
      assert.ok(same(stored.value, m.value), `${what}: value`);
      assert.equal(stored.timestamp, m.timestamp, `${what}: timestamp`);
      assert.deepEqual([stored.topic, stored.queue, stored.offset], ['a.b', 3, 41]);
    }
    assert.equal(roundTrip({ ...base, value: null }).stored.value, null);
    assert.equal(roundTrip({ ...base, value: new Uint8Array(0) }).stored.value?.length, 0);
  });

  it('round-trips headers in order: repeated names, any name, binary, empty and null values', () => {
    const headers = [
      { key: 'trace', value: utf8('abc') },
      { key: 'trace', value: new Uint8Array([1, 0xff]) },
      { key: 'trace', value: null },
      { key: 'empty', value: new Uint8Array(0) },
      { key: '', value: utf8('no name') },
      { key: 'h.0:x', value: utf8('looks like ours') },
      { key: 'a%01b%25\u0001\u0002:=', value: utf8('odd name') },
      { key: 'ünïcødé ✓', value: utf8('ünïcødé ✓') },
      { key: 'sep', value: utf8('a\u0001b\u0002c') },
      { key: 'KEYS', value: utf8('not the key') },
      { key: 'DELAY', value: utf8('3') },
    ];
    const { stored, props } = roundTrip({ ...base, headers });
    assert.equal(stored.headers.length, headers.length);
    stored.headers.forEach((h, i) => {
      assert.equal(h.key, headers[i]!.key, `header ${i} name`);
      assert.ok(same(h.value, headers[i]!.value), `header ${i} value`);
    });
    // Readable where the bytes are text; RocketMQ's own properties are not touched by header names.
    const p = decodeProperties(props);
    assert.equal(p['h.0:trace'], 'abc');
    assert.equal(p['h.1.b64:trace'], 'Af8=');
    assert.equal(p['h.2.null:trace'], '1');
    assert.equal(p.DELAY, undefined);
    assert.equal(p['h.10:DELAY'], '3');
    assert.ok(
      Object.values(p).every((v) => v !== ''),
      'no empty value (the Java client drops them)',
    );
  });

  it('writes KEYS readable where the key is printable text, base64 otherwise', () => {
    assert.equal(readableKey(utf8('order-42')), 'order-42');
    assert.equal(readableKey(utf8('{"id":1}')), '{"id":1}');
    assert.equal(readableKey(new Uint8Array([1, 2, 3])), 'AQID');
    assert.equal(readableKey(utf8('tab\there')), Buffer.from('tab\there').toString('base64'));
    assert.equal(readableKey(new Uint8Array(0)), undefined);
    assert.equal(readableKey(utf8('k'.repeat(2000))), undefined);
    const { props } = roundTrip({ ...base, key: utf8('customer-7') });
    assert.equal(decodeProperties(props).KEYS, 'customer-7');
    assert.equal(decodeProperties(props).TRIBUTARY_KEY, 'customer-7');
  });

  it('encodes bytes properties in four forms and decodes them back', () => {
    for (const b of [null, new Uint8Array(0), utf8('text'), new Uint8Array([0xff]), utf8('a\u0002')]) {
      const [form, value] = encodeBytesProperty(b);
      assert.notEqual(value, '');
      assert.ok(same(decodeBytesProperty(form, value), b));
    }
    assert.deepEqual(encodeBytesProperty(utf8('text')), ['', 'text']);
    assert.throws(() => decodeBytesProperty('.zip', 'x'), DataError);
  });

  it('refuses headers beyond the properties limit and records beyond the message size', () => {
    const big = [{ key: 'blob', value: new Uint8Array(MAX_RECORD_PROPERTIES_BYTES).fill(0x61) }];
    assert.throws(() => encodeRecord({ ...base, headers: big }, MAX), /RocketMQ properties, more than/);
    const many = Array.from({ length: 2000 }, (_, i) => ({ key: `h${i}`, value: utf8('xxxxxxxxxx') }));
    assert.throws(() => encodeRecord({ ...base, headers: many }, MAX), DataError);
    const fits = [{ key: 'blob', value: new Uint8Array(MAX_RECORD_PROPERTIES_BYTES - 200).fill(0x61) }];
    assert.doesNotThrow(() => roundTrip({ ...base, headers: fits }));
    assert.throws(() => encodeRecord({ ...base, value: new Uint8Array(5000) }, 4096), /rocketmq\.max\.message\.bytes/);
    assert.ok(encodeRecord({ ...base, value: new Uint8Array(100) }, MAX).batchBytes > 100);
  });

  it('reads messages of other producers: KEYS as the key, properties as headers, born timestamp', () => {
    const wire = encodeStoredMessage({
      topic: 'TopicTest',
      queueId: 0,
      queueOffset: 7,
      body: utf8('hello'),
      properties: encodeProperties({ KEYS: 'k1', TAGS: 'tagA', UNIQ_KEY: 'ID', color: 'red' }),
      bornTimestamp: 1_650_000_000_000,
    });
    const m = decodeRecord(decodeStoredMessages(wire)[0]!, 'TopicTest', 0);
    assert.equal(Buffer.from(m.key!).toString(), 'k1');
    assert.equal(Buffer.from(m.value!).toString(), 'hello');
    assert.equal(m.timestamp, 1_650_000_000_000);
    assert.deepEqual(
      m.headers.map((h) => [h.key, Buffer.from(h.value!).toString()]),
      [
        ['TAGS', 'tagA'],
        ['UNIQ_KEY', 'ID'],
        ['color', 'red'],
      ],
    );
  });

  it('rejects a Tributary message with a gap in its headers', () => {
    const wire = encodeStoredMessage({
      topic: 't',
      queueId: 0,
      queueOffset: 0,
      body: utf8('v'),
      properties: encodeProperties({ TRIBUTARY_TS: '1', 'h.1:x': 'y' }),
    });
    assert.throws(() => decodeRecord(decodeStoredMessages(wire)[0]!, 't', 0), /header 0 is missing/);
  });
});
