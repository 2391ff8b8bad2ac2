import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitsTableMap } from './binlog-reader.js';
import type { MappingOptions, TableInfo } from './schema-mapper.js';
import { TableRegistry } from './tables.js';

const OPTIONS: MappingOptions = {
  decimalMode: 'precise',
  bigintUnsignedMode: 'long',
  timePrecisionMode: 'adaptive_time_microseconds',
  binaryMode: 'bytes',
};
const T1: TableInfo = {
  db: 'shop',
  table: 'orders',
  columns: [
    { name: 'id', columnType: 'int(11)', nullable: false, pkSeq: 1, charset: null, json: false },
    { name: 'v', columnType: 'varchar(20)', nullable: true, pkSeq: 0, charset: 'utf8mb4', json: false },
  ],
};
const T1_ALTERED: TableInfo = {
  ...T1,
  columns: [
    ...T1.columns,
    { name: 'z', columnType: 'decimal(5,2)', nullable: true, pkSeq: 0, charset: null, json: false },
  ],
};

describe('TableRegistry (schema history)', () => {
  it('keeps an earlier encoded form unchanged when a structure changes (offsets already taken stay right)', () => {
    const r = new TableRegistry('p', OPTIONS);
    r.set(T1);
    const before = r.encoded();
    assert.equal(r.encoded(), before, 'same object while nothing changes');
    r.set({ ...T1 });
    assert.equal(r.encoded(), before, 'an identical structure is no change');
    r.set(T1_ALTERED);
    const after = r.encoded();
    assert.notEqual(after, before);
    assert.equal((before['shop.orders'] as unknown[]).length, 2);
    assert.equal((after['shop.orders'] as unknown[]).length, 3);
    r.forget('shop.orders');
    assert.deepEqual(r.encoded(), {});
    assert.equal((after['shop.orders'] as unknown[]).length, 3);
  });

  it('restores from an offset and forgets whole databases', () => {
    const r = new TableRegistry('p', OPTIONS);
    r.set(T1);
    r.set({ ...T1, db: 'billing' });
    const saved = r.encoded();
    const other = new TableRegistry('p', OPTIONS);
    other.restore(saved);
    assert.deepEqual(other.get('billing.orders')?.columns, T1.columns);
    other.forgetDatabase('shop');
    assert.deepEqual(Object.keys(other.encoded()), ['billing.orders']);
  });

  it('shares record schemas between equal structures', () => {
    const r = new TableRegistry('p', OPTIONS);
    const a = r.schemaFor(T1);
    assert.equal(r.schemaFor({ ...T1, columns: [...T1.columns] }), a);
    assert.notEqual(r.schemaFor(T1_ALTERED), a);
  });
});

describe('fitsTableMap', () => {
  it('accepts a structure whose columns fit the TABLE_MAP types', () => {
    assert.equal(fitsTableMap(T1, [3, 15]), true);
    assert.equal(fitsTableMap(T1_ALTERED, [3, 15, 246]), true);
  });

  it('rejects another column count or a type that does not fit', () => {
    assert.equal(fitsTableMap(T1, [3, 15, 246]), false);
    assert.equal(fitsTableMap(T1, [15, 3]), false);
    assert.equal(fitsTableMap(T1_ALTERED, [3, 15, 3]), false);
  });
});
