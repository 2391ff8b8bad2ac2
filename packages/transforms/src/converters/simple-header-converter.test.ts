import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decimal, Logical, Schema, SchemaBuilder, Struct, valueEquals } from '@tributary/api';
import { parseString } from './index.js';
import { SimpleHeaderConverter } from './simple-header-converter.js';

const c = new SimpleHeaderConverter();
const roundTrip = (schema: Schema | null, value: unknown) =>
  c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, value));

describe('SimpleHeaderConverter', () => {
  test('round-trips its own output, with the type inferred', () => {
    const cases: [Schema, unknown][] = [
      [Schema.STRING, 'hello world'],
      [Schema.BOOLEAN, true],
      [Schema.INT8, -5],
      [Schema.INT16, 1000],
      [Schema.INT32, 70000],
      [Schema.INT64, 3000000000n],
      [Schema.FLOAT32, 1.5],
      [Logical.decimal(0), Decimal.parse('12345678901234567890')],
      [Logical.DATE, new Date(Date.UTC(2024, 0, 15))],
      [Logical.TIME, new Date(45296789)],
      [Logical.TIMESTAMP, new Date(1705320000123)],
      [SchemaBuilder.array(Schema.STRING).build(), ['a', 'b"c', 'd\\e', '']],
      [SchemaBuilder.array(Schema.INT32).build(), [1, 1000, 70000]],
      [SchemaBuilder.map(Schema.STRING, Schema.INT8).build(), new Map([['k', 1]])],
      [SchemaBuilder.array(SchemaBuilder.array(Schema.INT8).build()).build(), [[1], [2, 3]]],
    ];
    for (const [schema, value] of cases) {
      const back = roundTrip(schema, value);
      assert.ok(back.schema?.equals(schema), `${schema.describe()} read as ${back.schema?.describe()}`);
      assert.ok(valueEquals(back.value, value), `${String(value)} read as ${String(back.value)}`);
    }
  });

  test('structs are written as maps and read back as maps', () => {
    const s = SchemaBuilder.struct().field('name', Schema.STRING).field('n', Schema.INT64).build();
    const bytes = c.fromConnectHeader('t', 'h', s, new Struct(s).put('name', 'x').put('n', 5n));
    assert.equal(Buffer.from(bytes!).toString(), '{"name":"x","n":5}');
    // Values of different types have no common schema: a schemaless map, which is a plain object.
    assert.deepEqual(c.toConnectHeader('t', 'h', bytes), { schema: null, value: { name: 'x', n: 5 } });
  });

  test('null both ways; bytes that are not UTF-8 come back as bytes', () => {
    assert.equal(c.fromConnectHeader('t', 'h', Schema.OPTIONAL_STRING, null), null);
    assert.deepEqual(c.toConnectHeader('t', 'h', null), { schema: null, value: null });
    const raw = Uint8Array.of(0xff, 0xfe);
    assert.deepEqual(c.toConnectHeader('t', 'h', raw), { schema: Schema.BYTES, value: raw });
  });
});

describe('parseString', () => {
  test('numbers take the smallest fitting type, widening in arrays', () => {
    assert.equal(parseString('127').schema, Schema.INT8);
    assert.equal(parseString('-32769').schema, Schema.INT32);
    assert.deepEqual(parseString('9223372036854775807'), { schema: Schema.INT64, value: 9223372036854775807n });
    assert.equal(parseString('0.25').schema, Schema.FLOAT32);
    assert.equal(parseString('1e30').schema, Schema.FLOAT32);
    assert.equal(parseString('1e39').schema, Schema.FLOAT64);
    const arr = parseString('[1, 2.5, 3000000000]');
    assert.ok(arr.schema?.equals(SchemaBuilder.array(Schema.FLOAT32).build()));
    assert.deepEqual(arr.value, [1, 2.5, Math.fround(3000000000)]);
    assert.deepEqual(parseString('[1,2,3000000000]').value, [1n, 2n, 3000000000n]);
  });
  test('anything that does not parse is a string, kept as written', () => {
    for (const s of ['hello', ' padded ', '[1,', '{a}', '1.2.3', 'true}', '2024/01/15', '[1,,2]', '{1:"a", 2:null}']) {
      assert.deepEqual(parseString(s), { schema: Schema.STRING, value: s }, s);
    }
  });
  test('maps with non-string keys, and a null value without a common value type', () => {
    const m = parseString('{1:"a", 2:"b"}');
    assert.ok(m.schema?.equals(SchemaBuilder.map(Schema.INT8, Schema.STRING).build()));
    assert.deepEqual(
      m.value,
      new Map([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    assert.deepEqual(parseString('{3: null}'), { schema: null, value: new Map([[3, null]]) });
    assert.deepEqual(parseString('{null:1}'), { schema: Schema.STRING, value: '{null:1}' });
  });
  test('Kafka leniencies: a missing comma between map entries, rolled-over dates', () => {
    assert.deepEqual(
      parseString('{"a":1 "b":2}').value,
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    assert.deepEqual(parseString('2024-13-45'), { schema: Logical.DATE, value: new Date(Date.UTC(2025, 1, 14)) });
  });
  test('temporal values inside arrays, quoted or not', () => {
    const v = parseString('[2024-01-15T12:34:56.789Z,"2024-01-16T00:00:00.000Z"]');
    assert.ok(v.schema?.equals(SchemaBuilder.array(Logical.TIMESTAMP).build()));
    assert.deepEqual(v.value, [new Date(1705322096789), new Date(1705363200000)]);
  });
});
