import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertDataError, sides } from './fixtures.test.fixture.js';
import { flatten } from './flatten.js';

const LEAF = SchemaBuilder.struct()
  .field('int8', Schema.INT8)
  .field('string', Schema.STRING)
  .field('bytes', Schema.BYTES)
  .field('ts', Logical.TIMESTAMP)
  .field('list', SchemaBuilder.array(Schema.INT32).build())
  .build();
const MIDDLE = SchemaBuilder.struct().field('leaf', LEAF).field('flag', Schema.BOOLEAN).build();
const TOP = SchemaBuilder.struct().name('top').version(2).doc('d').field('A', MIDDLE).field('B', MIDDLE).build();

function leaf(n: number): Struct {
  return new Struct(LEAF)
    .put('int8', n)
    .put('string', `s${n}`)
    .put('bytes', new Uint8Array([n]))
    .put('ts', new Date(n))
    .put('list', [n]);
}
function top(): Struct {
  return new Struct(TOP)
    .put('A', new Struct(MIDDLE).put('leaf', leaf(1)).put('flag', true))
    .put('B', new Struct(MIDDLE).put('leaf', leaf(2)).put('flag', false));
}

describe('Flatten', () => {
  for (const s of sides(flatten)) {
    it(`${s.name}: flattens nested structs with the delimiter, keeping leaf schemas and the top basics`, () => {
      const out = s.of(s.create({ delimiter: '#' }).apply(s.record(TOP, top())));
      const expected = SchemaBuilder.struct().name('top').version(2).doc('d');
      for (const p of ['A', 'B']) {
        expected
          .field(`${p}#leaf#int8`, Schema.INT8)
          .field(`${p}#leaf#string`, Schema.STRING)
          .field(`${p}#leaf#bytes`, Schema.BYTES)
          .field(`${p}#leaf#ts`, Logical.TIMESTAMP)
          .field(`${p}#leaf#list`, SchemaBuilder.array(Schema.INT32).build())
          .field(`${p}#flag`, Schema.BOOLEAN);
      }
      assert.ok(out.schema?.equals(expected.build()), `got ${out.schema?.fields.map((f) => f.name).join(',')}`);
      const struct = out.value as Struct;
      assert.deepEqual(struct.toJSON(), {
        'A#leaf#int8': 1,
        'A#leaf#string': 's1',
        'A#leaf#bytes': new Uint8Array([1]),
        'A#leaf#ts': new Date(1),
        'A#leaf#list': [1],
        'A#flag': true,
        'B#leaf#int8': 2,
        'B#leaf#string': 's2',
        'B#leaf#bytes': new Uint8Array([2]),
        'B#leaf#ts': new Date(2),
        'B#leaf#list': [2],
        'B#flag': false,
      });
      struct.validate();
    });

    it(`${s.name}: an optional parent makes its children optional, and null parents give null children`, () => {
      const child = SchemaBuilder.struct().field('req', Schema.STRING).optional().build();
      const schema = SchemaBuilder.struct().field('id', Schema.INT32).field('child', child).build();
      const out = s.of(s.create({}).apply(s.record(schema, new Struct(schema).put('id', 1))));
      const expected = SchemaBuilder.struct()
        .field('id', Schema.INT32)
        .field('child.req', Schema.OPTIONAL_STRING)
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).toJSON(), { id: 1, 'child.req': null });
    });

    it(`${s.name}: defaults flow from a parent's default struct to flattened fields`, () => {
      const childBase = SchemaBuilder.struct().field('n', Schema.INT32).optional().build();
      const child = SchemaBuilder.from(childBase).defaultValue(new Struct(childBase).put('n', 9)).build();
      const schema = SchemaBuilder.struct()
        .field('child', child)
        .field('own', SchemaBuilder.string().defaultValue('x').build())
        .build();
      const out = s.of(s.create({}).apply(s.record(schema, new Struct(schema))));
      assert.equal(out.schema?.field('child.n')?.schema.defaultValue, 9);
      assert.equal(out.schema?.field('child.n')?.schema.optional, true);
      assert.equal(out.schema?.field('own')?.schema.defaultValue, 'x');
      assert.deepEqual((out.value as Struct).toJSON(), { 'child.n': 9, own: 'x' });
    });

    it(`${s.name}: caches the flattened schema per input schema`, () => {
      const t = s.create({});
      assert.equal(s.of(t.apply(s.record(TOP, top()))).schema, s.of(t.apply(s.record(TOP, top()))).schema);
    });

    it(`${s.name}: flattens schemaless nested maps, keeps arrays and nulls`, () => {
      const input = { a: { b: 1, c: { d: 'x', e: null } }, list: [{ z: 1 }], n: null, empty: {} };
      const out = s.of(s.create({ delimiter: '_' }).apply(s.record(null, input)));
      assert.deepEqual(out, { schema: null, value: { a_b: 1, a_c_d: 'x', a_c_e: null, list: [{ z: 1 }], n: null } });
    });

    it(`${s.name}: passes null values through`, () => {
      const r = s.record(TOP, null);
      assert.equal(s.create({}).apply(r), r);
    });

    it(`${s.name}: rejects maps in schemas, non-structs and structs in schemaless data`, () => {
      const withMap = SchemaBuilder.struct()
        .field('m', SchemaBuilder.map(Schema.STRING, Schema.STRING).build())
        .build();
      assertDataError(
        () => s.create({}).apply(s.record(withMap, new Struct(withMap).put('m', new Map()))),
        'does not support map',
        'field m',
      );
      assertDataError(() => s.create({}).apply(s.record(Schema.STRING, 'x')), 'Struct', 'string');
      assertDataError(() => s.create({}).apply(s.record(null, 'x')), 'Map');
      assertDataError(() => s.create({}).apply(s.record(null, { inner: leaf(1) })), 'does not support Struct', 'inner');
    });

    it(`${s.name}: a flattened name that collides with a top-level field is a DataError`, () => {
      const inner = SchemaBuilder.struct().field('b', Schema.INT32).build();
      const schema = SchemaBuilder.struct().field('a', inner).field('a.b', Schema.INT32).build();
      assertDataError(() => s.create({}).apply(s.record(schema, new Struct(schema))), "'a.b'");
    });
  }
});
