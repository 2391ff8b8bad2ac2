import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, type Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { hoistField } from './hoist-field.js';

describe('HoistField', () => {
  it('requires a non-empty field', () => {
    assertConfigError(() => hoistField.value.create({}), 'field', 'Missing required configuration');
    assertConfigError(() => hoistField.value.create({ field: ' ' }), 'field', 'non-empty');
  });

  for (const s of sides(hoistField)) {
    it(`${s.name}: wraps a schema'd value in a struct with one field`, () => {
      const t = s.create({ field: 'magic' });
      const out = s.of(t.apply(s.record(Schema.INT32, 42)));
      assert.ok(out.schema?.equals(SchemaBuilder.struct().field('magic', Schema.INT32).build()));
      assert.equal((out.value as Struct).get('magic'), 42);
      assert.equal(s.of(t.apply(s.record(Schema.INT32, 7))).schema, out.schema, 'schema cached');
    });

    it(`${s.name}: wraps a schemaless value in a map`, () => {
      assert.deepEqual(s.of(s.create({ field: 'magic' }).apply(s.record(null, 42))), {
        schema: null,
        value: { magic: 42 },
      });
      assert.deepEqual(s.of(s.create({ field: 'magic' }).apply(s.record(null, null))), {
        schema: null,
        value: { magic: null },
      });
    });

    it(`${s.name}: hoists a null of an optional schema, refuses one of a required schema`, () => {
      const out = s.of(s.create({ field: 'f' }).apply(s.record(Schema.OPTIONAL_STRING, null)));
      assert.equal((out.value as Struct).get('f'), null);
      assertDataError(() => s.create({ field: 'f' }).apply(s.record(Schema.STRING, null)), "field 'f'", 'null');
    });
  }
});
