import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct, sinkRecord } from '@tributary/api';
import { extractNewRecordState } from './extract-new-record-state.js';

const row = SchemaBuilder.struct()
  .name('srv.shop.items.Value')
  .field('id', Schema.INT32)
  .field('name', Schema.OPTIONAL_STRING)
  .optional()
  .build();
const source = SchemaBuilder.struct()
  .name('io.debezium.connector.mysql.Source')
  .field('db', Schema.STRING)
  .field('table', Schema.OPTIONAL_STRING)
  .field('ts_ms', Schema.INT64)
  .build();
const envelope = SchemaBuilder.struct()
  .name('srv.shop.items.Envelope')
  .field('before', row)
  .field('after', row)
  .field('source', source)
  .field('op', Schema.STRING)
  .field('ts_ms', Schema.OPTIONAL_INT64)
  .build();

const item = (id: number, name: string) => new Struct(row).put('id', id).put('name', name);
const event = (op: string, before: Struct | null, after: Struct | null) =>
  sinkRecord({
    topic: 'srv.shop.items',
    queue: 0,
    offset: 1,
    keySchema: Schema.INT32,
    key: 1,
    valueSchema: envelope,
    value: new Struct(envelope)
      .put('before', before)
      .put('after', after)
      .put('source', new Struct(source).put('db', 'shop').put('table', 'items').put('ts_ms', 1700000000000n))
      .put('op', op)
      .put('ts_ms', 1700000000500n),
  });

describe('ExtractNewRecordState', () => {
  it('turns creates, snapshot reads and updates into the after row, with its schema', () => {
    const t = extractNewRecordState.create({});
    for (const op of ['c', 'r', 'u']) {
      const out = t.apply(event(op, item(1, 'old'), item(1, 'new')))!;
      assert.equal(out.valueSchema, row);
      assert.ok((out.value as Struct).equals(item(1, 'new')));
      assert.equal(out.key, 1);
    }
  });

  it('handles deletes per delete.handling.mode and tombstones per drop.tombstones', () => {
    const del = event('d', item(1, 'gone'), null);
    assert.equal(extractNewRecordState.create({}).apply(del), null);
    const none = extractNewRecordState.create({ 'delete.handling.mode': 'none' }).apply(del)!;
    assert.equal(none.value, null);
    assert.equal(none.key, 1);
    const rewrite = extractNewRecordState.create({ 'delete.handling.mode': 'rewrite' });
    const rewritten = rewrite.apply(del)!.value as Struct;
    assert.equal(rewritten.get('name'), 'gone');
    assert.equal(rewritten.get('__deleted'), 'true');
    assert.equal((rewrite.apply(event('u', null, item(2, 'x')))!.value as Struct).get('__deleted'), 'false');
    const tomb = sinkRecord({ topic: 't', queue: 0, offset: 2, key: 1, value: null });
    assert.equal(extractNewRecordState.create({}).apply(tomb), null);
    assert.equal(extractNewRecordState.create({ 'drop.tombstones': 'false' }).apply(tomb), tomb);
  });

  it('adds envelope and source fields as __<name>', () => {
    const t = extractNewRecordState.create({ 'add.fields': 'op,table,source.ts_ms' });
    const out = t.apply(event('c', null, item(3, 'n')))!;
    const v = out.value as Struct;
    assert.deepEqual(
      out.valueSchema?.fields.map((f) => f.name),
      ['id', 'name', '__op', '__table', '__source_ts_ms'],
    );
    assert.equal(v.get('__op'), 'c');
    assert.equal(v.get('__table'), 'items');
    assert.equal(v.get('__source_ts_ms'), 1700000000000n);
    assert.ok(out.valueSchema?.field('__op')?.schema.optional);
  });

  it('unwraps schemaless envelopes and passes other values through', () => {
    const t = extractNewRecordState.create({ 'add.fields': 'op,db' });
    const rec = sinkRecord({
      topic: 't',
      queue: 0,
      offset: 1,
      value: { before: null, after: { id: 5 }, source: { db: 'shop' }, op: 'c', ts_ms: 1 },
    });
    assert.deepEqual(t.apply(rec)!.value, { id: 5, __op: 'c', __db: 'shop' });
    const plain = sinkRecord({ topic: 't', queue: 0, offset: 1, value: { id: 5 } });
    assert.equal(t.apply(plain), plain);
    const schemaChange = sinkRecord({
      topic: 't',
      queue: 0,
      offset: 1,
      valueSchema: Schema.STRING,
      value: 'ALTER TABLE x',
    });
    assert.equal(t.apply(schemaChange), schemaChange);
  });

  it('names the missing row of a malformed event', () => {
    assert.throws(() => extractNewRecordState.create({}).apply(event('u', null, null)), /op 'u' has no after row/);
    assert.throws(() => extractNewRecordState.create({ 'delete.handling.mode': 'hard' }), /delete.handling.mode/);
  });
});
