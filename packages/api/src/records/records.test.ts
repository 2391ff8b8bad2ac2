import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema } from '../data/schema.js';
import { Headers } from './headers.js';
import { isSinkRecord, isSourceRecord, queueKey, sinkRecord, sourceRecord, withChanges } from './record.js';

describe('Headers', () => {
  it('keeps order and duplicates, and never mutates', () => {
    const h0 = Headers.EMPTY;
    const h1 = h0.add('a', 1, Schema.INT32).add('b', 'x').add('a', 2, Schema.INT32);
    assert.equal(h0.size, 0);
    assert.equal(h1.size, 3);
    assert.equal(h1.lastWithName('a')?.value, 2);
    assert.deepEqual(
      h1.allWithName('a').map((h) => h.value),
      [1, 2],
    );
    const h2 = h1.remove('a');
    assert.deepEqual(
      [...h2].map((h) => h.key),
      ['b'],
    );
    assert.equal(h1.size, 3);
    assert.equal(h1.set('b', 'y').lastWithName('b')?.value, 'y');
    assert.equal(h1.removeAll(['a', 'b']).size, 0);
    assert.equal(h1.remove('zzz'), h1);
    assert.ok(!h2.has('a'));
  });
});

describe('records', () => {
  it('builds source and sink records with defaults and tells them apart', () => {
    const s = sourceRecord({
      sourcePartition: { file: 'a' },
      sourceOffset: { position: 3 },
      topic: 't',
      value: 'v',
      valueSchema: Schema.STRING,
    });
    assert.equal(s.queue, null);
    assert.equal(s.key, null);
    assert.equal(s.headers, Headers.EMPTY);
    assert.ok(isSourceRecord(s) && !isSinkRecord(s));
    const k = sinkRecord({ topic: 't', queue: 1, offset: 9, value: null, timestamp: 5 });
    assert.equal(k.timestampType, 'create');
    assert.ok(isSinkRecord(k) && !isSourceRecord(k));
    assert.equal(sinkRecord({ topic: 't', queue: 1, offset: 9, value: null }).timestampType, 'none');
    assert.equal(queueKey(k), 't/1');
  });

  it('withChanges copies, keeping the kind-specific fields', () => {
    const s = sourceRecord({ sourcePartition: { p: 1 }, sourceOffset: { o: 2 }, topic: 't', value: 1 });
    const s2 = withChanges(s, { topic: 'u', value: 2 });
    assert.equal(s.topic, 't');
    assert.equal(s2.topic, 'u');
    assert.deepEqual(s2.sourceOffset, { o: 2 });
    const k = sinkRecord({ topic: 't', queue: 0, offset: 4, value: 1 });
    assert.equal(withChanges(k, { value: null }).offset, 4);
  });
});
