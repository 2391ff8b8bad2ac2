import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Headers, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { headerFrom } from './header-from.js';

const SCHEMA = SchemaBuilder.struct()
  .name('s')
  .field('field1', Schema.STRING)
  .field('field2', Schema.INT32)
  .field('field3', SchemaBuilder.string().optional().defaultValue('dflt').build())
  .build();
const VALUE = () => new Struct(SCHEMA).put('field1', 'v1').put('field2', 2);
const EXISTING = Headers.of([{ key: 'existing', schema: Schema.STRING, value: 'x' }]);

function headers(h: Headers): [string, unknown, unknown][] {
  return [...h].map((x) => [x.key, x.value, x.schema]);
}

describe('HeaderFrom config', () => {
  it('requires paired non-empty lists and a valid operation', () => {
    assertConfigError(
      () => headerFrom.value.create({ fields: 'a,b', headers: 'h', operation: 'copy' }),
      'headers',
      'same number of elements',
    );
    assertConfigError(
      () => headerFrom.value.create({ fields: '', headers: '', operation: 'copy' }),
      'fields',
      'Empty list',
    );
    assertConfigError(
      () => headerFrom.value.create({ fields: 'a', headers: 'h', operation: 'steal' }),
      'operation',
      'move, copy',
    );
    assertConfigError(() => headerFrom.value.create({ fields: 'a', headers: 'h' }), 'operation', 'Missing required');
  });
});

describe('HeaderFrom', () => {
  for (const s of sides(headerFrom)) {
    it(`${s.name}: copy keeps the struct and appends headers with the field schemas`, () => {
      const t = s.create({ fields: 'field1,field3', headers: 'h1,h3', operation: 'copy' });
      const input = s.record(SCHEMA, VALUE(), { headers: EXISTING });
      const result = t.apply(input);
      const out = s.of(result);
      assert.equal(out.schema, SCHEMA);
      assert.equal(out.value, s.of(input).value);
      assert.deepEqual(headers(result!.headers), [
        ['existing', 'x', Schema.STRING],
        ['h1', 'v1', Schema.STRING],
        ['h3', 'dflt', SCHEMA.field('field3')!.schema],
      ]);
    });

    it(`${s.name}: move removes the fields from the struct and its schema`, () => {
      const t = s.create({ fields: 'field1,field2', headers: 'h1,h2', operation: 'move' });
      const result = t.apply(s.record(SCHEMA, VALUE()));
      const out = s.of(result);
      const expected = SchemaBuilder.struct()
        .name('s')
        .field('field3', SchemaBuilder.string().optional().defaultValue('dflt').build())
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).values(), ['dflt']);
      assert.deepEqual(headers(result!.headers), [
        ['h1', 'v1', Schema.STRING],
        ['h2', 2, Schema.INT32],
      ]);
    });

    it(`${s.name}: replace.null.with.default=false copies nulls as stored`, () => {
      const t = s.create({ fields: 'field3', headers: 'h3', operation: 'move', 'replace.null.with.default': false });
      assert.deepEqual(headers(t.apply(s.record(SCHEMA, VALUE()))!.headers)[0]?.slice(0, 2), ['h3', null]);
    });

    it(`${s.name}: schemaless copy and move, with null schemas on the headers`, () => {
      const input = { field1: 'v1', field2: 2, other: true };
      const copy = s
        .create({ fields: 'field1,missing', headers: 'h1,hm', operation: 'copy' })
        .apply(s.record(null, input));
      assert.deepEqual(s.of(copy).value, input);
      assert.deepEqual(headers(copy!.headers), [
        ['h1', 'v1', null],
        ['hm', null, null],
      ]);
      const move = s
        .create({ fields: 'field1,field2', headers: 'h1,h2', operation: 'move' })
        .apply(s.record(null, input));
      assert.deepEqual(s.of(move).value, { other: true });
      assert.deepEqual(input, { field1: 'v1', field2: 2, other: true }, 'input untouched');
      assert.deepEqual(headers(move!.headers), [
        ['h1', 'v1', null],
        ['h2', 2, null],
      ]);
    });

    it(`${s.name}: a missing struct field or a non-struct is a DataError`, () => {
      const t = s.create({ fields: 'nope', headers: 'h', operation: 'copy' });
      assertDataError(() => t.apply(s.record(SCHEMA, VALUE())), "field 'nope' does not exist");
      assertDataError(() => t.apply(s.record(Schema.STRING, 'x')), 'Struct', 'header copy');
      assertDataError(() => t.apply(s.record(null, null)), 'Map', 'null');
    });
  }
});
