import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, SchemaError } from '../errors.js';
import { Decimal } from './decimal.js';
import { isLogical, Logical } from './logical.js';
import { dateToDays, daysToDate, decimalScale, LogicalNames, timeToMillis } from './logical-values.js';
import { Schema, schemaEquals, valueEquals } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Struct } from './struct.js';
import { validateValue } from './validate.js';

const ok = (schema: Schema, value: unknown) => assert.doesNotThrow(() => validateValue(schema, value));
const bad = (schema: Schema, value: unknown, expected: RegExp) =>
  assert.throws(
    () => validateValue(schema, value, "field 'f'"),
    (e: unknown) => e instanceof DataError && expected.test(e.message) && e.message.startsWith("field 'f'"),
  );

describe('Schema', () => {
  it('has constants for every primitive, required and optional', () => {
    for (const t of ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes'] as const) {
      assert.equal(Schema.primitive(t).type, t);
      assert.equal(Schema.primitive(t).optional, false);
      assert.equal(Schema.primitive(t, true).optional, true);
    }
    assert.throws(() => Schema.primitive('struct'), SchemaError);
  });

  it('builds structs with ordered, indexed fields and rejects duplicates', () => {
    const s = SchemaBuilder.struct()
      .name('shop.Order')
      .version(2)
      .doc('an order')
      .field('id', Schema.INT64)
      .field('note', Schema.OPTIONAL_STRING)
      .build();
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.index, f.schema.type]),
      [
        ['id', 0, 'int64'],
        ['note', 1, 'string'],
      ],
    );
    assert.equal(s.name, 'shop.Order');
    assert.equal(s.version, 2);
    assert.equal(s.doc, 'an order');
    assert.equal(s.field('note')?.index, 1);
    assert.equal(s.field('missing'), undefined);
    assert.throws(
      () => s.requireField('missing'),
      /field 'missing' does not exist in schema shop.Order; fields: id, note/,
    );
    assert.throws(() => SchemaBuilder.struct().field('a', Schema.INT8).field('a', Schema.INT8), SchemaError);
    assert.throws(() => SchemaBuilder.int32().field('a', Schema.INT8), SchemaError);
    assert.throws(() => SchemaBuilder.struct().name('a').name('b'), SchemaError);
  });

  it('builds arrays and maps and refuses malformed containers', () => {
    const a = SchemaBuilder.array(Schema.STRING).optional().build();
    assert.equal(a.valueSchema, Schema.STRING);
    assert.ok(a.optional);
    const m = SchemaBuilder.map(Schema.STRING, Schema.INT32).build();
    assert.equal(m.keySchema, Schema.STRING);
    assert.equal(m.valueSchema, Schema.INT32);
    assert.throws(() => new Schema({ type: 'map', valueSchema: Schema.INT32 }), SchemaError);
    assert.throws(() => new Schema({ type: 'array' }), SchemaError);
    assert.throws(() => new Schema({ type: 'int32', valueSchema: Schema.INT32 }), SchemaError);
  });

  it('checks default values against the schema', () => {
    assert.equal(SchemaBuilder.int32().defaultValue(5).build().defaultValue, 5);
    assert.equal(SchemaBuilder.int64().defaultValue(5n).build().defaultValue, 5n);
    assert.throws(
      () => SchemaBuilder.int64().defaultValue(5).build(),
      /default value: expected int64 \(bigint\), got number 5/,
    );
    assert.throws(() => SchemaBuilder.int8().defaultValue(300).build(), /out of range for int8/);
  });

  it('compares deeply', () => {
    const mk = () => SchemaBuilder.struct().name('x').field('a', SchemaBuilder.array(Schema.INT32).build()).build();
    assert.ok(schemaEquals(mk(), mk()));
    assert.ok(mk().equals(mk()));
    const other = SchemaBuilder.struct().name('x').field('a', SchemaBuilder.array(Schema.INT64).build()).build();
    assert.ok(!mk().equals(other));
    assert.ok(!schemaEquals(Schema.INT32, Schema.OPTIONAL_INT32));
    assert.ok(
      !schemaEquals(
        SchemaBuilder.int32().parameter('p', '1').build(),
        SchemaBuilder.int32().parameter('p', '2').build(),
      ),
    );
    assert.ok(
      !schemaEquals(SchemaBuilder.int32().defaultValue(1).build(), SchemaBuilder.int32().defaultValue(2).build()),
    );
  });

  it('derives a variant with SchemaBuilder.from', () => {
    const base = SchemaBuilder.struct().name('x').field('a', Schema.INT32).build();
    const optional = SchemaBuilder.from(base).optional().build();
    assert.ok(optional.optional);
    assert.equal(optional.name, 'x');
    assert.equal(optional.fields.length, 1);
  });
});

describe('validateValue', () => {
  it('accepts each type with its JavaScript representation', () => {
    ok(Schema.INT8, -128);
    ok(Schema.INT16, 32767);
    ok(Schema.INT32, -2147483648);
    ok(Schema.INT64, 9223372036854775807n);
    ok(Schema.FLOAT32, 1.5);
    ok(Schema.FLOAT64, Number.NaN);
    ok(Schema.BOOLEAN, false);
    ok(Schema.STRING, '');
    ok(Schema.BYTES, new Uint8Array([1]));
    ok(Schema.BYTES, Buffer.from('x'));
    ok(SchemaBuilder.array(Schema.INT32).build(), [1, 2]);
    ok(SchemaBuilder.map(Schema.STRING, Schema.INT64).build(), new Map([['a', 1n]]));
  });

  it('names the field, the expected type and what it got', () => {
    bad(Schema.INT8, 128, /128 is out of range for int8 \[-128, 127\]/);
    bad(Schema.INT16, -32769, /out of range for int16/);
    bad(Schema.INT32, 2147483648, /out of range for int32/);
    bad(Schema.INT32, 1.5, /expected int32 \(integer number\), got number 1.5/);
    bad(Schema.INT32, '1', /expected int32 \(integer number\), got string "1"/);
    bad(Schema.INT64, 1, /expected int64 \(bigint\), got number 1/);
    bad(Schema.INT64, 2n ** 63n, /out of range for int64/);
    bad(Schema.FLOAT32, 1e39, /out of range for float32/);
    bad(Schema.BOOLEAN, 'true', /expected boolean/);
    bad(Schema.STRING, 1, /expected string, got number 1/);
    bad(Schema.BYTES, 'x', /expected bytes/);
    bad(Schema.STRING, null, /a value is required/);
  });

  it('names the position inside arrays and maps', () => {
    assert.throws(
      () => validateValue(SchemaBuilder.array(Schema.INT32).build(), [1, 'x'], 'items'),
      /^DataError: items\[1\]: expected int32/,
    );
    assert.throws(
      () => validateValue(SchemaBuilder.map(Schema.STRING, Schema.INT32).build(), new Map([['k', 'v']]), 'm'),
      /m\["k"\]: expected int32/,
    );
    assert.throws(
      () => validateValue(SchemaBuilder.map(Schema.STRING, Schema.INT32).build(), { k: 1 }),
      /expected map \(Map\), got object/,
    );
  });

  it('allows null for optional schemas and schemas with a default', () => {
    ok(Schema.OPTIONAL_INT32, null);
    ok(SchemaBuilder.int32().defaultValue(3).build(), null);
  });

  it('checks structs by schema', () => {
    const s1 = SchemaBuilder.struct().name('a').field('x', Schema.INT32).build();
    const s2 = SchemaBuilder.struct().name('b').field('x', Schema.INT32).build();
    ok(s1, new Struct(s1));
    bad(s1, new Struct(s2), /struct schema b \(struct\) does not match the expected a \(struct\)/);
    bad(s1, { x: 1 }, /expected struct a, got object/);
  });
});

describe('logical types', () => {
  it('builds Kafka-named schemas', () => {
    const d = Logical.decimal(2);
    assert.equal(d.type, 'bytes');
    assert.equal(d.name, LogicalNames.DECIMAL);
    assert.deepEqual(d.parameters, { scale: '2' });
    assert.equal(d.version, 1);
    assert.equal(decimalScale(d), 2);
    assert.equal(Logical.DATE.type, 'int32');
    assert.equal(Logical.TIME.type, 'int32');
    assert.equal(Logical.TIMESTAMP.type, 'int64');
    assert.ok(Logical.OPTIONAL_TIMESTAMP.optional);
    assert.ok(isLogical(Logical.DATE) && isLogical(d) && !isLogical(Schema.INT32));
  });

  it('validates Decimal scale and Date/Time ranges', () => {
    ok(Logical.decimal(2), Decimal.parse('1.50'));
    bad(Logical.decimal(2), Decimal.parse('1.5'), /has scale 1, the schema requires scale 2/);
    bad(Logical.decimal(2), 1.5, /expected Decimal \(scale 2\), got number 1.5/);
    ok(Logical.DATE, new Date(Date.UTC(2024, 0, 15)));
    bad(Logical.DATE, new Date(Date.UTC(2024, 0, 15, 1)), /expected Date/);
    ok(Logical.TIME, new Date(3_600_000));
    bad(Logical.TIME, new Date(Date.UTC(2024, 0, 15)), /expected Time/);
    ok(Logical.TIMESTAMP, new Date(1705320000000));
    bad(Logical.TIMESTAMP, 1705320000000, /expected Timestamp/);
  });

  it('converts dates and times', () => {
    assert.equal(dateToDays(new Date(Date.UTC(2024, 0, 15))), 19737);
    assert.equal(daysToDate(19737).toISOString(), '2024-01-15T00:00:00.000Z');
    assert.throws(() => dateToDays(new Date(1)), DataError);
    assert.equal(timeToMillis(new Date(1234)), 1234);
    assert.throws(() => timeToMillis(new Date(-1)), DataError);
  });
});

describe('Struct', () => {
  const schema = SchemaBuilder.struct()
    .name('t')
    .field('id', Schema.INT64)
    .field('name', Schema.OPTIONAL_STRING)
    .field('qty', SchemaBuilder.int32().defaultValue(1).build())
    .build();

  it('validates puts, applies defaults and checks required fields', () => {
    const s = new Struct(schema);
    assert.throws(() => s.validate(), /field 'id': a value is required/);
    s.put('id', 7n);
    assert.doesNotThrow(() => s.validate());
    assert.equal(s.get('qty'), 1);
    assert.equal(s.getWithoutDefault('qty'), null);
    assert.equal(s.getInt64('id'), 7n);
    assert.equal(s.getString('name'), null);
    assert.throws(() => s.put('id', 7), /field 'id': expected int64 \(bigint\), got number 7/);
    assert.throws(() => s.put('nope', 1), /field 'nope' does not exist/);
    assert.throws(() => s.getString('id'), /field 'id' is int64, not string/);
  });

  it('compares by schema and values', () => {
    const a = new Struct(schema).put('id', 1n).put('name', 'x');
    const b = new Struct(schema).put('id', 1n).put('name', 'x');
    assert.ok(a.equals(b));
    b.put('name', 'y');
    assert.ok(!a.equals(b));
    assert.equal(a.toString(), 'Struct{id=1,name=x,qty=1}');
    assert.deepEqual(a.toJSON(), { id: '1', name: 'x', qty: 1 });
  });

  it('refuses non-struct schemas', () => {
    assert.throws(() => new Struct(Schema.INT32), SchemaError);
  });
});

describe('valueEquals', () => {
  it('compares Connect values deeply', () => {
    assert.ok(valueEquals(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
    assert.ok(!valueEquals(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
    assert.ok(valueEquals(new Map([[1n, [1, 2]]]), new Map([[1n, [1, 2]]])));
    assert.ok(valueEquals({ a: [1, { b: 2n }] }, { a: [1, { b: 2n }] }));
    assert.ok(!valueEquals({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(valueEquals(new Date(5), new Date(5)));
    assert.ok(!valueEquals(1n, 1));
    assert.ok(valueEquals(Number.NaN, Number.NaN));
  });
});
