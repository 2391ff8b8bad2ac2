import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, Logical, Schema, SchemaBuilder } from '@tributary/api';
import { parseValueString } from './values-parser.js';

function typed(text: string): [string | null, unknown] {
  const { schema, value } = parseValueString(text);
  return [schema === null ? null : (schema.name ?? schema.type), value];
}

describe('parseValueString (Kafka Values.parseString)', () => {
  // Cases of Kafka's ValuesTest.
  const table: [string, string | null, unknown][] = [
    ['', 'string', ''],
    ['  ', 'string', '  '],
    ['hello', 'string', 'hello'],
    ['{foo: 3}', 'string', '{foo: 3}'],
    ['{3: foo}', 'string', '{3: foo}'],
    ['[foo]', 'string', '[foo]'],
    ['null=', 'string', 'null='],
    ['true}', 'string', 'true}'],
    ['false]', 'string', 'false]'],
    ['  true  ', 'boolean', true],
    ['  false  ', 'boolean', false],
    ['  null  ', null, null],
    ['{6:9 4:20}', 'string', '{6:9 4:20}'],
    ['[0 1 2]', 'string', '[0 1 2]'],
    ['{null: 3}', 'string', '{null: 3}'],
    ['[1, null]', 'string', '[1, null]'],
    ['12:30', 'string', '12:30'],
    ['1.2.3', 'string', '1.2.3'],
    ['-', 'string', '-'],
    ['0', 'int8', 0],
    ['127', 'int8', 127],
    ['128', 'int16', 128],
    ['-32769', 'int32', -32769],
    ['2147483648', 'int64', 2147483648n],
    ['9223372036854775807', 'int64', 9223372036854775807n],
    ['1.0', 'int8', 1],
    ['1e3', 'int16', 1000],
    ['1.5', 'float32', 1.5],
    ['3.14', 'float32', Math.fround(3.14)],
    ['1e300', 'float64', 1e300],
    ['9223372036854775808', LogicalName(), new Decimal(9223372036854775808n, 0)],
    ['12:34:56.789Z', Logical.TIME.name!, new Date(45_296_789)],
    ['2024-01-15', Logical.DATE.name!, new Date(Date.UTC(2024, 0, 15))],
    ['2024-01-15T12:34:56.789Z', Logical.TIMESTAMP.name!, new Date(Date.UTC(2024, 0, 15, 12, 34, 56, 789))],
    ['2024-01-15T12\\:34\\:56.789Z', Logical.TIMESTAMP.name!, new Date(Date.UTC(2024, 0, 15, 12, 34, 56, 789))],
    ['{}', null, {}],
    ['[]', null, []],
    ['[null]', null, [null]],
    ['{"a":{}, "b": 1}', null, { a: {}, b: 1 }],
    ['[[], [1]]', 'array', [[], [1]]],
    ['["a\\"b", "c\\\\d"]', 'array', ['a"b', 'c\\d']],
    [
      '{"a":{}, "b": {"c": 1}}',
      'map',
      new Map<string, unknown>([
        ['a', new Map()],
        ['b', new Map([['c', 1]])],
      ]),
    ],
  ];
  for (const [text, type, value] of table) {
    it(`'${text}' → ${type} ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`, () => {
      assert.deepEqual(typed(text), [type, value]);
    });
  }

  it('parses arrays with a common, widened element type', () => {
    const ints = parseValueString('[1, 2, 300]');
    assert.ok(ints.schema?.equals(SchemaBuilder.array(Schema.INT16).build()));
    assert.deepEqual(ints.value, [1, 2, 300]);
    const longs = parseValueString('[1, 10000000000]');
    assert.ok(longs.schema?.equals(SchemaBuilder.array(Schema.INT64).build()));
    assert.deepEqual(longs.value, [1n, 10_000_000_000n]);
    const floats = parseValueString('[1, 2.5]');
    assert.ok(floats.schema?.equals(SchemaBuilder.array(Schema.FLOAT32).build()));
    assert.deepEqual(floats.value, [1, 2.5]);
    const bools = parseValueString('[true, false]');
    assert.ok(bools.schema?.equals(SchemaBuilder.array(Schema.BOOLEAN).build()));
    const nested = parseValueString('[[1], [2, 3]]');
    assert.ok(nested.schema?.equals(SchemaBuilder.array(SchemaBuilder.array(Schema.INT8).build()).build()));
    assert.deepEqual(nested.value, [[1], [2, 3]]);
    const dates = parseValueString('["2024-01-15", "2024-01-16"]');
    assert.ok(dates.schema?.equals(SchemaBuilder.array(Logical.DATE).build()));
  });

  it('parses maps with quoted strings, and mixed values without a common type', () => {
    const m = parseValueString('{"a": 1, "b": 2}');
    assert.ok(m.schema?.equals(SchemaBuilder.map(Schema.STRING, Schema.INT8).build()));
    assert.deepEqual(
      m.value,
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    const bools = parseValueString('{true: false, false: true}');
    assert.ok(bools.schema?.equals(SchemaBuilder.map(Schema.BOOLEAN, Schema.BOOLEAN).build()));
    assert.deepEqual(
      bools.value,
      new Map([
        [true, false],
        [false, true],
      ]),
    );
    const withNull = parseValueString('{3: null}');
    assert.equal(withNull.schema, null);
    assert.deepEqual(withNull.value, new Map([[3, null]]));
    const mixed = parseValueString('["a", 1]');
    assert.equal(mixed.schema, null);
    assert.deepEqual(mixed.value, ['a', 1]);
    const spaced = parseValueString('{"key with space": "value, with comma"}');
    assert.deepEqual(spaced.value, new Map([['key with space', 'value, with comma']]));
  });
});

function LogicalName(): string {
  return Logical.decimal(0).name!;
}
