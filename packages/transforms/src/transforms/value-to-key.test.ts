import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, source } from './fixtures.test.fixture.js';
import { valueToKey } from './value-to-key.js';

const SCHEMA = SchemaBuilder.struct()
  .field('a', Schema.INT32)
  .field('b', Schema.INT32)
  .field('c', Schema.INT32)
  .field('d', SchemaBuilder.int32().optional().defaultValue(9).build())
  .build();
const VALUE = () => new Struct(SCHEMA).put('a', 1).put('b', 2).put('c', 3);

describe('ValueToKey', () => {
  it('requires a non-empty list of fields', () => {
    assertConfigError(() => valueToKey.create({}), 'fields', 'Missing required');
    assertConfigError(() => valueToKey.create({ fields: '' }), 'fields', 'Empty list');
  });

  it('replaces the key with a struct of the listed value fields, in the listed order', () => {
    const t = valueToKey.create({ fields: 'b,a,d' });
    const value = VALUE();
    const out = t.apply(source({ key: 'old', keySchema: Schema.STRING, valueSchema: SCHEMA, value }))!;
    const expected = SchemaBuilder.struct()
      .field('b', Schema.INT32)
      .field('a', Schema.INT32)
      .field('d', SchemaBuilder.int32().optional().defaultValue(9).build())
      .build();
    assert.ok(out.keySchema?.equals(expected));
    assert.deepEqual((out.key as Struct).values(), [2, 1, 9]);
    assert.equal(out.value, value);
    assert.equal(out.valueSchema, SCHEMA);
    const again = t.apply(source({ valueSchema: SCHEMA, value: VALUE() }));
    assert.equal(again?.keySchema, out.keySchema, 'key schema cached');
  });

  it('replace.null.with.default=false keeps nulls', () => {
    const t = valueToKey.create({ fields: 'd', 'replace.null.with.default': false });
    assert.deepEqual((t.apply(source({ valueSchema: SCHEMA, value: VALUE() }))!.key as Struct).values(), [null]);
  });

  it('schemaless: a map of the listed fields, explicit nulls kept', () => {
    const t = valueToKey.create({ fields: 'a,b' });
    const out = t.apply(source({ key: 'old', value: { a: 1, b: null, c: 3 } }))!;
    assert.equal(out.keySchema, null);
    assert.deepEqual(out.key, { a: 1, b: null });
  });

  it('a field missing from the value is a DataError naming it, with and without schema', () => {
    const t = valueToKey.create({ fields: 'a,nope' });
    assertDataError(() => t.apply(source({ valueSchema: SCHEMA, value: VALUE() })), 'Field does not exist', "'nope'");
    assertDataError(() => t.apply(source({ value: { a: 1 } })), 'Field does not exist', "'nope'");
  });

  it('a value that is not a struct or map (tombstones included) is a DataError', () => {
    const t = valueToKey.create({ fields: 'a' });
    assertDataError(() => t.apply(source({ value: null })), 'Map', 'null');
    assertDataError(() => t.apply(source({ valueSchema: SCHEMA, value: null })), 'Struct', 'null');
    assertDataError(() => t.apply(source({ valueSchema: Schema.STRING, value: 'x' })), 'Struct', 'string');
  });
});
