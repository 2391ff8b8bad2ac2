import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { extractField } from './extract-field.js';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';

const INNER = SchemaBuilder.struct().field('id', Schema.INT64).field('dotted.name', Schema.OPTIONAL_STRING).build();
const OUTER = SchemaBuilder.struct()
  .field('magic', Schema.INT32)
  .field(
    'inner',
    SchemaBuilder.struct().field('id', Schema.INT64).field('dotted.name', Schema.OPTIONAL_STRING).optional().build(),
  )
  .field('with.dot', Schema.STRING)
  .field('defaulted', SchemaBuilder.int32().optional().defaultValue(7).build())
  .build();
const innerSchema = OUTER.field('inner')!.schema;

function outer(): Struct {
  return new Struct(OUTER)
    .put('magic', 42)
    .put('inner', new Struct(innerSchema).put('id', 5n).put('dotted.name', 'x'))
    .put('with.dot', 'd');
}

describe('ExtractField', () => {
  it('rejects a missing field and an unknown syntax version', () => {
    assertConfigError(() => extractField.value.create({}), 'field', 'Missing required configuration');
    assertConfigError(
      () => extractField.value.create({ field: 'a', 'field.syntax.version': 'V3' }),
      'field.syntax.version',
      'V1, V2',
    );
    assertConfigError(
      () => extractField.value.create({ field: '`a.b', 'field.syntax.version': 'V2' }),
      'field',
      'Incomplete backtick pair',
    );
  });

  it('accepts the syntax version case-insensitively', () => {
    assert.ok(extractField.value.create({ field: 'a', 'field.syntax.version': 'v2' }));
  });

  for (const s of sides(extractField)) {
    it(`${s.name}: extracts a field of a struct with its schema`, () => {
      const out = s.of(s.create({ field: 'magic' }).apply(s.record(OUTER, outer())));
      assert.equal(out.schema, Schema.INT32);
      assert.equal(out.value, 42);
    });

    it(`${s.name}: V1 reads dotted names literally; V2 walks nested structs`, () => {
      const v1 = s.of(s.create({ field: 'with.dot' }).apply(s.record(OUTER, outer())));
      assert.equal(v1.value, 'd');
      const v2 = s.of(s.create({ field: 'inner.id', 'field.syntax.version': 'V2' }).apply(s.record(OUTER, outer())));
      assert.equal(v2.schema, Schema.INT64);
      assert.equal(v2.value, 5n);
      const quoted = s.of(
        s.create({ field: 'inner.`dotted.name`', 'field.syntax.version': 'V2' }).apply(s.record(OUTER, outer())),
      );
      assert.equal(quoted.value, 'x');
      assert.equal(quoted.schema, Schema.OPTIONAL_STRING);
    });

    it(`${s.name}: V2 gives null under a null parent struct`, () => {
      const value = new Struct(OUTER).put('magic', 1).put('with.dot', 'd');
      const out = s.of(s.create({ field: 'inner.id', 'field.syntax.version': 'V2' }).apply(s.record(OUTER, value)));
      assert.equal(out.value, null);
      assert.equal(out.schema, Schema.INT64);
    });

    it(`${s.name}: replace.null.with.default`, () => {
      const on = s.of(s.create({ field: 'defaulted' }).apply(s.record(OUTER, outer())));
      assert.equal(on.value, 7);
      const off = s.of(
        s.create({ field: 'defaulted', 'replace.null.with.default': false }).apply(s.record(OUTER, outer())),
      );
      assert.equal(off.value, null);
    });

    it(`${s.name}: schemaless maps, flat and nested`, () => {
      const input = { magic: 42, inner: { id: 5, 'dotted.name': 'x' }, 'with.dot': 'd' };
      assert.deepEqual(s.of(s.create({ field: 'inner' }).apply(s.record(null, input))), {
        schema: null,
        value: { id: 5, 'dotted.name': 'x' },
      });
      assert.equal(s.of(s.create({ field: 'with.dot' }).apply(s.record(null, input))).value, 'd');
      const v2 = s.create({ field: 'inner.`dotted.name`', 'field.syntax.version': 'V2' });
      assert.equal(s.of(v2.apply(s.record(null, input))).value, 'x');
      assert.equal(s.of(s.create({ field: 'absent' }).apply(s.record(null, input))).value, null);
      assert.equal(
        s.of(s.create({ field: 'nope.deeper', 'field.syntax.version': 'V2' }).apply(s.record(null, input))).value,
        null,
      );
    });

    it(`${s.name}: null values pass through, keeping the field schema`, () => {
      const withSchema = s.of(s.create({ field: 'magic' }).apply(s.record(OUTER, null)));
      assert.deepEqual(withSchema, { schema: Schema.INT32, value: null });
      assert.deepEqual(s.of(s.create({ field: 'magic' }).apply(s.record(null, null))), { schema: null, value: null });
    });

    it(`${s.name}: wrong shapes and unknown fields are DataErrors`, () => {
      assertDataError(() => s.create({ field: 'nope' }).apply(s.record(OUTER, outer())), 'Unknown field: nope');
      assertDataError(() => s.create({ field: 'magic' }).apply(s.record(Schema.STRING, 'x')), 'Struct', 'string "x"');
      assertDataError(() => s.create({ field: 'magic' }).apply(s.record(null, [1, 2])), 'Map', 'array[2]');
      assertDataError(
        () => s.create({ field: 'magic.x', 'field.syntax.version': 'V2' }).apply(s.record(null, { magic: 3 })),
        'nested field access',
        "field 'magic'",
      );
      assert.equal(INNER.fields.length, 2);
    });
  }
});
