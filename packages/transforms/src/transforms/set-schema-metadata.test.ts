import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from './fixtures.test.fixture.js';
import { setSchemaMetadata } from './set-schema-metadata.js';

const SCHEMA = SchemaBuilder.struct()
  .name('old')
  .version(1)
  .doc('keep me')
  .field('a', Schema.INT32)
  .field('d', SchemaBuilder.string().optional().defaultValue('x').build())
  .build();

describe('SetSchemaMetadata', () => {
  it('needs a name or a version', () => {
    assertConfigError(() => setSchemaMetadata.value.create({}), 'schema.name', 'Neither schema name nor version');
    assertConfigError(() => setSchemaMetadata.value.create({ 'schema.version': 'x' }), 'schema.version', 'INT');
  });

  for (const s of sides(setSchemaMetadata)) {
    it(`${s.name}: sets name and version, keeps the rest, and rebuilds the struct on the new schema`, () => {
      const t = s.create({ 'schema.name': 'foo', 'schema.version': 42 });
      const out = s.of(t.apply(s.record(SCHEMA, new Struct(SCHEMA).put('a', 7))));
      assert.equal(out.schema?.name, 'foo');
      assert.equal(out.schema?.version, 42);
      assert.equal(out.schema?.doc, 'keep me');
      assert.deepEqual(
        out.schema?.fields.map((f) => [f.name, f.schema]),
        SCHEMA.fields.map((f) => [f.name, f.schema]),
      );
      const struct = out.value as Struct;
      assert.equal(struct.schema, out.schema);
      assert.deepEqual(struct.values(), [7, 'x']);
      assert.equal(s.of(t.apply(s.record(SCHEMA, new Struct(SCHEMA).put('a', 8)))).schema, out.schema, 'cached');
    });

    it(`${s.name}: sets only what is configured, also on non-struct schemas`, () => {
      const nameOnly = s.of(s.create({ 'schema.name': 'n' }).apply(s.record(SCHEMA, new Struct(SCHEMA).put('a', 1))));
      assert.equal(nameOnly.schema?.version, 1);
      const versionOnly = s.of(s.create({ 'schema.version': 3 }).apply(s.record(Schema.STRING, 'x')));
      assert.equal(versionOnly.value, 'x');
      assert.ok(versionOnly.schema?.equals(SchemaBuilder.string().version(3).build()));
      const map = SchemaBuilder.map(Schema.STRING, Schema.INT32).build();
      const m = new Map([['k', 1]]);
      const mapped = s.of(s.create({ 'schema.name': 'm' }).apply(s.record(map, m)));
      assert.equal(mapped.value, m);
      assert.equal(mapped.schema?.keySchema, Schema.STRING);
    });

    it(`${s.name}: replace.null.with.default when rebuilding structs`, () => {
      const t = s.create({ 'schema.name': 'n', 'replace.null.with.default': false });
      assert.deepEqual((s.of(t.apply(s.record(SCHEMA, new Struct(SCHEMA).put('a', 1)))).value as Struct).values(), [
        1,
        null,
      ]);
    });

    it(`${s.name}: keeps records without schema and value; a schemaless value is a DataError`, () => {
      const t = s.create({ 'schema.name': 'n' });
      const empty = s.record(null, null);
      assert.equal(t.apply(empty), empty);
      assertDataError(() => t.apply(s.record(null, { a: 1 })), 'Schema required', 'updating schema metadata');
    });
  }
});
