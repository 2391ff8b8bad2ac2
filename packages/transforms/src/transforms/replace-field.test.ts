import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { parseRenames, replaceField } from './replace-field.js';

const SCHEMA = SchemaBuilder.struct()
  .name('s')
  .field('dont', Schema.STRING)
  .field('abc', Schema.INT32)
  .field('foo', Schema.BOOLEAN)
  .field('etc', Schema.STRING)
  .field('d', SchemaBuilder.int32().optional().defaultValue(3).build())
  .build();
const VALUE = () => new Struct(SCHEMA).put('dont', 'whatever').put('abc', 42).put('foo', true).put('etc', 'etc');

describe('ReplaceField config', () => {
  it('parses renames with Java split semantics', () => {
    assert.deepEqual(
      [...parseRenames(['abc:xyz', 'foo:bar', ':empty'])],
      [
        ['abc', 'xyz'],
        ['foo', 'bar'],
        ['', 'empty'],
      ],
    );
    for (const bad of ['abc', 'a:b:c', 'a:']) assert.throws(() => parseRenames([bad]), /Invalid rename mapping/);
    assertConfigError(() => replaceField.value.create({ renames: 'a:b,c' }), 'renames', 'Invalid rename mapping: c');
  });

  it('every key has a default, and blacklist/whitelist are aliases of exclude/include', () => {
    assert.ok(replaceField.value.create({}));
    const t = replaceField.value.create({ blacklist: 'dont', whitelist: 'dont,abc' });
    const out = t.apply({ ...VALUE_RECORD(), valueSchema: null, value: { dont: 1, abc: 2, foo: 3 } });
    assert.deepEqual(out?.value, { abc: 2 });
  });
});

function VALUE_RECORD() {
  return sides(replaceField)[1]!.record(SCHEMA, VALUE());
}

describe('ReplaceField', () => {
  for (const s of sides(replaceField)) {
    it(`${s.name}: excludes, includes and renames struct fields (exclude wins)`, () => {
      const t = s.create({ exclude: 'dont', include: 'abc,foo,dont', renames: 'abc:xyz,foo:bar' });
      const out = s.of(t.apply(s.record(SCHEMA, VALUE())));
      const expected = SchemaBuilder.struct().name('s').field('xyz', Schema.INT32).field('bar', Schema.BOOLEAN).build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).toJSON(), { xyz: 42, bar: true });
      assert.equal(s.of(t.apply(s.record(SCHEMA, VALUE()))).schema, out.schema, 'schema cached');
    });

    it(`${s.name}: does the same on schemaless maps`, () => {
      const t = s.create({ exclude: 'dont', renames: 'abc:xyz,foo:bar' });
      const out = s.of(t.apply(s.record(null, { dont: 'whatever', abc: 42, foo: true, etc: 'etc' })));
      assert.deepEqual(out, { schema: null, value: { xyz: 42, bar: true, etc: 'etc' } });
    });

    it(`${s.name}: replace.null.with.default`, () => {
      for (const [replace, expected] of [
        [true, 3],
        [false, null],
      ] as const) {
        const t = s.create({ include: 'd', 'replace.null.with.default': replace });
        assert.equal((s.of(t.apply(s.record(SCHEMA, VALUE()))).value as Struct).getWithoutDefault('d'), expected);
      }
    });

    it(`${s.name}: passes null values through; rejects other shapes and renames onto an existing name`, () => {
      const tomb = s.record(SCHEMA, null);
      assert.equal(s.create({}).apply(tomb), tomb);
      assertDataError(
        () => s.create({ renames: 'abc:foo' }).apply(s.record(SCHEMA, VALUE())),
        "fields 'abc' and 'foo' would both be named 'foo'",
      );
      assertDataError(() => s.create({}).apply(s.record(null, 'x')), 'Map', 'string');
      assertDataError(() => s.create({}).apply(s.record(Schema.INT32, 1)), 'Struct', 'number 1');
    });
  }
});
