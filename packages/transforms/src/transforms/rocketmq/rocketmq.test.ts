import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, Struct } from '@tributary/api';
import { assertConfigError, assertDataError, sides } from '../fixtures.test.fixture.js';
import { changeCase } from './change-case.js';
import { patternFilter } from './pattern-filter.js';
import { patternRename } from './pattern-rename.js';
import { setNull } from './set-null.js';

describe('ChangeCase', () => {
  it('requires valid from/to formats', () => {
    assertConfigError(() => changeCase.value.create({ from: 'UPPER_UNDERSCORE' }), 'to', 'Missing required');
    assertConfigError(() => changeCase.value.create({ from: 'SNAKE', to: 'LOWER_CAMEL' }), 'from', 'LOWER_HYPHEN');
  });

  for (const s of sides(changeCase)) {
    it(`${s.name}: renames struct fields from one case format to another (RocketMQ's ChangeCaseTest)`, () => {
      const input = SchemaBuilder.struct()
        .name('person')
        .field('FIRST_NAME', Schema.STRING)
        .field('LAST_NAME', Schema.OPTIONAL_STRING)
        .build();
      const t = s.create({ from: 'UPPER_UNDERSCORE', to: 'lower_underscore' });
      const out = s.of(t.apply(s.record(input, new Struct(input).put('FIRST_NAME', 'test').put('LAST_NAME', 'user'))));
      const expected = SchemaBuilder.struct()
        .name('person')
        .field('first_name', Schema.STRING)
        .field('last_name', Schema.OPTIONAL_STRING)
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).values(), ['test', 'user']);
      assert.equal(s.of(t.apply(s.record(input, new Struct(input).put('FIRST_NAME', 'x')))).schema, out.schema);
    });

    it(`${s.name}: renames schemaless map keys; passes nulls; rejects other values`, () => {
      const t = s.create({ from: 'LOWER_UNDERSCORE', to: 'LOWER_CAMEL' });
      assert.deepEqual(s.of(t.apply(s.record(null, { first_name: 'a', id: 1 }))).value, { firstName: 'a', id: 1 });
      const tomb = s.record(null, null);
      assert.equal(t.apply(tomb), tomb);
      assertDataError(() => t.apply(s.record(Schema.STRING, 'x')), 'ChangeCase', 'string');
    });

    it(`${s.name}: two fields mapping to one name is a DataError`, () => {
      const input = SchemaBuilder.struct().field('a_b', Schema.STRING).field('a__b', Schema.STRING).build();
      const t = s.create({ from: 'LOWER_UNDERSCORE', to: 'LOWER_CAMEL' });
      assertDataError(
        () => t.apply(s.record(input, new Struct(input).put('a_b', '1').put('a__b', '2'))),
        "'a__b' → 'aB'",
      );
    });
  }
});

describe('PatternRename', () => {
  it('validates the pattern, its flags and the replacement', () => {
    assertConfigError(
      () => patternRename.value.create({ 'field.pattern': '(', 'field.replacement': '' }),
      'field.pattern',
      'Invalid regex',
    );
    assertConfigError(
      () =>
        patternRename.value.create({ 'field.pattern': 'a', 'field.replacement': '', 'field.pattern.flags': 'NOPE' }),
      'field.pattern.flags',
      "'NOPE'",
    );
    assertConfigError(
      () => patternRename.value.create({ 'field.pattern': '(a)', 'field.replacement': '$2' }),
      'field.replacement',
      'No group 2',
    );
  });

  for (const s of sides(patternRename)) {
    it(`${s.name}: renames struct fields where the pattern is found (RocketMQ's prefixed test)`, () => {
      const input = SchemaBuilder.struct()
        .name('testing')
        .field('prefixedfirstname', Schema.STRING)
        .field('prefixedlastname', Schema.STRING)
        .field('other', Schema.INT32)
        .build();
      const t = s.create({ 'field.pattern': '^prefixed', 'field.replacement': '' });
      const value = new Struct(input)
        .put('prefixedfirstname', 'example')
        .put('prefixedlastname', 'user')
        .put('other', 1);
      const out = s.of(t.apply(s.record(input, value)));
      const expected = SchemaBuilder.struct()
        .name('testing')
        .field('firstname', Schema.STRING)
        .field('lastname', Schema.STRING)
        .field('other', Schema.INT32)
        .build();
      assert.ok(out.schema?.equals(expected));
      assert.deepEqual((out.value as Struct).values(), ['example', 'user', 1]);
    });

    it(`${s.name}: replaces every match in schemaless keys, with groups and flags`, () => {
      const t = s.create({ 'field.pattern': '\\.', 'field.replacement': '_' });
      assert.deepEqual(s.of(t.apply(s.record(null, { 'first.name.x': 'example', last: 'user' }))).value, {
        first_name_x: 'example',
        last: 'user',
      });
      const flagged = s.create({
        'field.pattern': '(col)_(\\d+)',
        'field.replacement': '$2$1',
        'field.pattern.flags': 'CASE_INSENSITIVE',
      });
      assert.deepEqual(s.of(flagged.apply(s.record(null, { COL_1: 1, col_22: 2 }))).value, { '1COL': 1, '22col': 2 });
    });

    it(`${s.name}: passes nulls, rejects values that are neither Struct nor map, and renames onto a taken name`, () => {
      const t = s.create({ 'field.pattern': '^old_', 'field.replacement': '' });
      const tomb = s.record(null, null);
      assert.equal(t.apply(tomb), tomb);
      assertDataError(() => t.apply(s.record(Schema.INT32, 7)), 'PatternRename', 'number');
      const input = SchemaBuilder.struct().field('id', Schema.STRING).field('old_id', Schema.STRING).build();
      assertDataError(
        () => t.apply(s.record(input, new Struct(input).put('id', '1').put('old_id', '2'))),
        "PatternRename: field 'old_id' → 'id'",
      );
    });
  }
});

describe('PatternFilter', () => {
  it('requires a valid pattern and a field list', () => {
    assertConfigError(() => patternFilter.value.create({ pattern: '(', fields: 'a' }), 'pattern', 'Invalid regex');
    assertConfigError(() => patternFilter.value.create({ pattern: 'a' }), 'fields', 'Missing required');
  });

  for (const s of sides(patternFilter)) {
    const schema = SchemaBuilder.struct().field('email', Schema.OPTIONAL_STRING).field('n', Schema.INT32).build();
    it(`${s.name}: drops records whose listed string field matches entirely`, () => {
      const t = s.create({ pattern: '.*@test\\.com', fields: 'email,n' });
      assert.equal(t.apply(s.record(schema, new Struct(schema).put('email', 'a@test.com').put('n', 1))), null);
      const kept = s.record(schema, new Struct(schema).put('email', 'a@test.com.au').put('n', 1));
      assert.equal(t.apply(kept), kept, 'a partial match keeps the record');
      const nullEmail = s.record(schema, new Struct(schema).put('n', 1));
      assert.equal(t.apply(nullEmail), nullEmail);
      assert.equal(t.apply(s.record(null, { email: 'b@test.com' })), null);
      assert.equal(t.apply(s.record(null, { other: 'b@test.com' }))?.topic, 'orders');
      const map = SchemaBuilder.map(Schema.STRING, Schema.STRING).build();
      assert.equal(t.apply(s.record(map, new Map([['email', 'c@test.com']]))), null);
      const str = s.record(Schema.STRING, 'a@test.com');
      assert.equal(t.apply(str), str, 'only structs and maps are tested');
    });
  }
});

describe('SetNull', () => {
  for (const s of sides(setNull)) {
    it(`${s.name}: sets the ${s.name.toLowerCase()} and its schema to null`, () => {
      const t = s.create({});
      assert.deepEqual(s.of(t.apply(s.record(Schema.STRING, 'x'))), { schema: null, value: null });
      const empty = s.record(null, null);
      assert.equal(t.apply(empty), empty);
    });
  }
});
