import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError, DataError, Schema, SchemaBuilder, Struct, sinkRecord } from '@tributary/api';
import { isEnvelope, unwrapEnvelope } from './debezium.js';
import { columnValue, extractFields } from './fields.js';

const key = SchemaBuilder.struct().field('id', Schema.INT64).build();
const value = SchemaBuilder.struct()
  .field('id', Schema.INT64)
  .field('name', Schema.OPTIONAL_STRING)
  .field('qty', SchemaBuilder.int32().defaultValue(1).build())
  .build();
const names = (cols: readonly { name: string }[]) => cols.map((c) => c.name);

describe('primary key columns by pk.mode', () => {
  it('none: every value field, no key', () => {
    const f = extractFields('t', 'none', [], [], null, value);
    assert.deepEqual(names(f.keyColumns), []);
    assert.deepEqual(names(f.nonKeyColumns), ['id', 'name', 'qty']);
  });

  it('kafka: topic, queue and offset columns (default or configured names)', () => {
    const f = extractFields('t', 'kafka', [], [], null, value);
    assert.deepEqual(names(f.keyColumns), ['__connect_topic', '__connect_partition', '__connect_offset']);
    assert.deepEqual(
      f.keyColumns.map((c) => c.schema.type),
      ['string', 'int32', 'int64'],
    );
    assert.deepEqual(names(extractFields('t', 'kafka', ['a', 'b', 'c'], [], null, value).keyColumns), ['a', 'b', 'c']);
    assert.throws(() => extractFields('t', 'kafka', ['a'], [], null, value), ConnectError);
  });

  it('record_key: key struct fields (value fields of the same name are not written twice)', () => {
    const f = extractFields('t', 'record_key', [], [], key, value);
    assert.deepEqual(names(f.keyColumns), ['id']);
    assert.deepEqual(names(f.nonKeyColumns), ['name', 'qty']);
    assert.throws(() => extractFields('t', 'record_key', ['nope'], [], key, value), /does not contain field: nope/);
  });

  it('record_key with a primitive key needs exactly one column name', () => {
    const f = extractFields('t', 'record_key', ['code'], [], Schema.STRING, value);
    assert.deepEqual(names(f.keyColumns), ['code']);
    assert.throws(() => extractFields('t', 'record_key', [], [], Schema.STRING, value), /exactly one PK column/);
  });

  it('record_value: the listed value fields, or all of them', () => {
    assert.deepEqual(names(extractFields('t', 'record_value', ['id'], [], null, value).keyColumns), ['id']);
    assert.deepEqual(names(extractFields('t', 'record_value', [], [], null, value).keyColumns), ['id', 'name', 'qty']);
  });

  it('fields.whitelist limits the non-key columns; a tombstone plan has the keys only', () => {
    assert.deepEqual(names(extractFields('t', 'record_key', [], ['name'], key, value).nonKeyColumns), ['name']);
    const del = extractFields('t', 'record_key', [], [], key, null);
    assert.deepEqual([names(del.keyColumns), names(del.nonKeyColumns)], [['id'], []]);
  });

  it('refuses values that are not structs', () => {
    assert.throws(() => extractFields('t', 'none', [], [], null, Schema.STRING), /must be a struct/);
  });
});

describe('column values', () => {
  it('come from the queue coordinates, the key and the value (defaults for nulls)', () => {
    const f = extractFields('t', 'kafka', [], [], null, value);
    const struct = new Struct(value).put('id', 5n).put('name', null).put('qty', null);
    const record = sinkRecord({ topic: 'orders', queue: 3, offset: 99, valueSchema: value, value: struct });
    const all = [...f.keyColumns, ...f.nonKeyColumns].map((c) => columnValue(c, record, struct));
    assert.deepEqual(all, ['orders', 3, 99n, 5n, null, 1]);
  });
});

describe('Debezium envelopes', () => {
  const row = SchemaBuilder.struct().optional().field('id', Schema.INT64).field('name', Schema.OPTIONAL_STRING).build();
  const envelope = SchemaBuilder.struct()
    .name('server.db.orders.Envelope')
    .field('before', row)
    .field('after', row)
    .field('op', Schema.STRING)
    .field('ts_ms', Schema.OPTIONAL_INT64)
    .build();
  const event = (op: string, after: Struct | null) =>
    new Struct(envelope).put('op', op).put('after', after).put('before', null);

  it('are recognised by their fields', () => {
    assert.ok(isEnvelope(envelope));
    assert.ok(!isEnvelope(row));
    assert.ok(!isEnvelope(null));
  });

  it('write `after` for c, r and u; delete for d; skip t and m', () => {
    const after = new Struct(row).put('id', 1n).put('name', 'pen');
    for (const op of ['c', 'r', 'u']) {
      const change = unwrapEnvelope(event(op, after));
      assert.equal(change.kind, 'write');
      assert.equal(change.kind === 'write' && change.value, after);
    }
    assert.equal(unwrapEnvelope(event('d', null)).kind, 'delete');
    assert.equal(unwrapEnvelope(event('t', null)).kind, 'skip');
    assert.throws(() => unwrapEnvelope(event('x', null)), DataError);
    assert.throws(() => unwrapEnvelope(event('c', null)), DataError);
  });
});
