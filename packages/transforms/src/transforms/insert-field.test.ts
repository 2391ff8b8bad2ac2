import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides, TS } from './fixtures.test.fixture.js';
import { insertField, parseInsertionSpec } from './insert-field.js';

const ALL = {
  'topic.field': 'topic_field!',
  'partition.field': 'partition_field',
  'offset.field': 'offset_field?',
  'timestamp.field': 'timestamp_field?',
  'static.field': 'instance_id',
  'static.value': 'my-instance-id',
};
const SIMPLE = SchemaBuilder.struct().name('name').version(1).doc('doc').field('magic', Schema.OPTIONAL_INT64).build();

describe('InsertField config', () => {
  it('parses the ! and ? suffixes', () => {
    assert.deepEqual(parseInsertionSpec('a!'), { name: 'a', optional: false });
    assert.deepEqual(parseInsertionSpec('a?'), { name: 'a', optional: true });
    assert.deepEqual(parseInsertionSpec('a'), { name: 'a', optional: true });
    assert.equal(parseInsertionSpec(null), null);
  });

  it('needs at least one field to insert, and a value for the static field', () => {
    assertConfigError(() => insertField.value.create({}), 'topic.field', 'No field insertion configured');
    assertConfigError(
      () => insertField.key.create({ 'static.field': 'x' }),
      'static.value',
      'No value specified for static field: x',
    );
    assertConfigError(() => insertField.key.create({ 'topic.field': '!' }), 'topic.field', 'must not be empty');
  });
});

describe('InsertField', () => {
  for (const s of sides(insertField)) {
    it(`${s.name}: inserts metadata into a struct of a sink record, with ! and ? deciding optionality`, () => {
      const t = s.create(ALL);
      const out = s.of(t.apply(s.sinkRecord(SIMPLE, new Struct(SIMPLE).put('magic', 42n))));
      const expected = SchemaBuilder.struct()
        .name('name')
        .version(1)
        .doc('doc')
        .field('magic', Schema.OPTIONAL_INT64)
        .field('topic_field', Schema.STRING)
        .field('partition_field', Schema.OPTIONAL_INT32)
        .field('offset_field', Schema.OPTIONAL_INT64)
        .field('timestamp_field', Logical.OPTIONAL_TIMESTAMP)
        .field('instance_id', Schema.OPTIONAL_STRING)
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).values(), [42n, 'orders', 3, 42n, new Date(TS), 'my-instance-id']);
      (out.value as Struct).validate();
      assert.equal(s.of(t.apply(s.sinkRecord(SIMPLE, new Struct(SIMPLE)))).schema, out.schema, 'schema cached');
    });

    it(`${s.name}: inserts into schemaless maps, skipping an absent queue and timestamp`, () => {
      const t = s.create(ALL);
      assert.deepEqual(s.of(t.apply(s.sinkRecord(null, { magic: 42 }))).value, {
        magic: 42,
        topic_field: 'orders',
        partition_field: 3,
        offset_field: 42,
        timestamp_field: TS,
        instance_id: 'my-instance-id',
      });
      const noOffset = s.create({ 'topic.field': 't', 'partition.field': 'p', 'timestamp.field': 'ts' });
      assert.deepEqual(s.of(noOffset.apply(s.record(null, { magic: 42 }))).value, { magic: 42, t: 'orders' });
    });

    it(`${s.name}: offset.field only works on sink records`, () => {
      assertDataError(
        () => s.create({ 'offset.field': 'o' }).apply(s.record(null, { a: 1 })),
        'Only sink records',
        'field insertion',
      );
    });

    it(`${s.name}: leaves optional metadata fields null on source records without queue or timestamp`, () => {
      const t = s.create({ 'partition.field': 'p', 'timestamp.field': 'ts' });
      const out = s.of(t.apply(s.record(SIMPLE, new Struct(SIMPLE))));
      assert.deepEqual((out.value as Struct).values(), [null, null, null]);
    });

    it(`${s.name}: a required (!) field without the metadata is a DataError, not an invalid struct`, () => {
      assertDataError(
        () => s.create({ 'partition.field': 'p!' }).apply(s.record(SIMPLE, new Struct(SIMPLE))),
        "field 'p'",
        'no queue',
      );
    });

    it(`${s.name}: replace.null.with.default applies to the copied fields`, () => {
      const schema = SchemaBuilder.struct()
        .field('d', SchemaBuilder.int32().optional().defaultValue(5).build())
        .build();
      for (const [replace, expected] of [
        [true, 5],
        [false, null],
      ] as const) {
        const t = s.create({ 'topic.field': 't', 'replace.null.with.default': replace });
        const out = s.of(t.apply(s.record(schema, new Struct(schema))));
        assert.equal((out.value as Struct).getWithoutDefault('d'), expected);
      }
    });

    it(`${s.name}: passes null values through; rejects other shapes and existing field names`, () => {
      const t = s.create({ 'topic.field': 'magic' });
      const tomb = s.record(SIMPLE, null);
      assert.equal(t.apply(tomb), tomb);
      assertDataError(() => t.apply(s.record(SIMPLE, new Struct(SIMPLE))), "cannot insert field 'magic'");
      assertDataError(() => t.apply(s.record(Schema.STRING, 'x')), 'Struct', 'string');
      assertDataError(() => t.apply(s.record(null, 42)), 'Map', 'number 42');
    });
  }
});
