import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, DataError, Decimal, Headers, Schema, SchemaBuilder, Struct } from '@tributary/api';
import {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from './primitive-converters.js';

const H = Headers.EMPTY;
const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

describe('fixed-width number converters', () => {
  const cases = [
    {
      c: new ShortConverter(),
      schema: Schema.OPTIONAL_INT16,
      values: [0, -1, 32767, -32768],
      bad: [32768, 1.5, '1', 1n],
      size: 2,
    },
    {
      c: new IntegerConverter(),
      schema: Schema.OPTIONAL_INT32,
      values: [2147483647, -2147483648],
      bad: [2 ** 31, 0.5, true],
      size: 4,
    },
    {
      c: new LongConverter(),
      schema: Schema.OPTIONAL_INT64,
      values: [2n ** 63n - 1n, -(2n ** 63n), 0n],
      bad: [2n ** 63n, 1.5, 2 ** 60, '5'],
      size: 8,
    },
    {
      c: new FloatConverter(),
      schema: Schema.OPTIONAL_FLOAT32,
      values: [1.5, -0, Number.NaN, Number.NEGATIVE_INFINITY],
      bad: [1e39, 1n, '1'],
      size: 4,
    },
    {
      c: new DoubleConverter(),
      schema: Schema.OPTIONAL_FLOAT64,
      values: [0.1, Number.MAX_VALUE, Number.NaN],
      bad: [1n, 'x', true],
      size: 8,
    },
  ];
  for (const { c, schema, values, bad, size } of cases) {
    test(`${c.constructor.name} round-trips its own output`, () => {
      for (const v of values) {
        const b = c.fromConnectData('t', H, null, v);
        assert.equal(b?.length, size);
        const back = c.toConnectData('t', H, b);
        assert.equal(back.schema, schema);
        assert.ok(Object.is(back.value, v), `${String(v)} → ${String(back.value)}`);
      }
      assert.equal(c.fromConnectData('t', H, schema, null), null);
      assert.deepEqual(c.toConnectData('t', H, null), { schema, value: null });
      assert.deepEqual(c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, values[0])), {
        schema,
        value: values[0],
      });
    });
    test(`${c.constructor.name} rejects other types, out-of-range values and wrong sizes`, () => {
      for (const v of bad) assert.throws(() => c.fromConnectData('t', H, null, v), DataError, String(v));
      assert.throws(() => c.toConnectData('t', H, new Uint8Array(size + 1)), /Size of data received by .* is not \d/);
      assert.throws(() => c.toConnectData('t', H, new Uint8Array(0)), DataError);
    });
  }
  test('LongConverter accepts a safe integer number as int64 and reads a bigint', () => {
    const c = new LongConverter();
    assert.equal(hex(c.fromConnectData('t', H, null, -2)), 'fffffffffffffffe');
    assert.equal(c.toConnectData('t', H, Buffer.from('fffffffffffffffe', 'hex')).value, -2n);
  });
});

describe('BooleanConverter', () => {
  const c = new BooleanConverter();
  test('one byte 1/0, read back', () => {
    assert.equal(hex(c.fromConnectData('t', H, Schema.BOOLEAN, true)), '01');
    assert.deepEqual(c.toConnectData('t', H, Uint8Array.of(0)), { schema: Schema.OPTIONAL_BOOLEAN, value: false });
  });
  test('wrong schema, type, byte or size is a DataError', () => {
    assert.throws(
      () => c.fromConnectData('t', H, Schema.STRING, true),
      /Invalid schema type for BooleanConverter: STRING/,
    );
    assert.throws(() => c.fromConnectData('t', H, null, 1), /not compatible/);
    assert.throws(
      () => c.toConnectData('t', H, Uint8Array.of(2)),
      /Unexpected byte received by BooleanDeserializer: 2/,
    );
    assert.throws(() => c.toConnectData('t', H, Uint8Array.of(1, 1)), /is not 1/);
  });
});

describe('ByteArrayConverter', () => {
  const c = new ByteArrayConverter();
  test('passes bytes through', () => {
    const b = Uint8Array.of(1, 2, 3);
    assert.equal(c.fromConnectData('t', H, Schema.BYTES, b), b);
    assert.deepEqual(c.toConnectData('t', H, b), { schema: Schema.OPTIONAL_BYTES, value: b });
    assert.deepEqual(c.toConnectData('t', H, null), { schema: Schema.OPTIONAL_BYTES, value: null });
  });
  test('other schemas and values are DataErrors', () => {
    assert.throws(
      () => c.fromConnectData('t', H, Schema.STRING, Uint8Array.of(1)),
      /Invalid schema type for ByteArrayConverter: STRING/,
    );
    assert.throws(() => c.fromConnectData('t', H, null, 'abc'), /not compatible with objects of type string/);
    assert.throws(() => c.fromConnectData('t', H, null, Decimal.parse('1')), DataError);
  });
});

describe('StringConverter', () => {
  test('UTF-8 by default; numbers, booleans and decimals as their Java text', () => {
    const c = new StringConverter();
    assert.equal(Buffer.from(c.fromConnectData('t', H, null, 'héllo')!).toString(), 'héllo');
    assert.equal(Buffer.from(c.fromConnectData('t', H, Schema.FLOAT64, 1e10)!).toString(), '1.0E10');
    assert.equal(Buffer.from(c.fromConnectData('t', H, Schema.FLOAT32, 0.1)!).toString(), '0.1');
    assert.equal(Buffer.from(c.fromConnectData('t', H, null, 12n)!).toString(), '12');
    assert.equal(Buffer.from(c.fromConnectData('t', H, null, false)!).toString(), 'false');
    assert.equal(Buffer.from(c.fromConnectData('t', H, null, new Decimal(12n, 8))!).toString(), '1.2E-7');
    assert.deepEqual(c.toConnectData('t', H, Buffer.from('x')), { schema: Schema.OPTIONAL_STRING, value: 'x' });
    assert.deepEqual(c.toConnectData('t', H, null), { schema: Schema.OPTIONAL_STRING, value: null });
  });
  test('round-trips its own output in every charset', () => {
    for (const encoding of ['UTF-8', 'utf-16', 'UTF-16BE', 'UTF-16LE', 'ISO-8859-1', 'US-ASCII']) {
      const c = new StringConverter({ 'converter.encoding': encoding });
      const s = encoding === 'US-ASCII' ? 'plain text' : encoding === 'ISO-8859-1' ? 'façade' : 'façade ✓ 😀';
      assert.equal(c.toConnectData('t', H, c.fromConnectData('t', H, Schema.STRING, s)).value, s, encoding);
    }
  });
  test('structured values, unencodable characters and malformed bytes are DataErrors', () => {
    const c = new StringConverter();
    const s = SchemaBuilder.struct().field('a', Schema.INT8).build();
    assert.throws(
      () => c.fromConnectData('t', H, s, new Struct(s).put('a', 1)),
      /expected a string, number or boolean, got struct/,
    );
    assert.throws(() => c.fromConnectData('t', H, null, Uint8Array.of(1)), DataError);
    assert.throws(
      () => new StringConverter({ 'converter.encoding': 'ISO-8859-1' }).fromConnectData('t', H, null, '✓'),
      /U\+2713 at index 0 cannot be encoded in ISO-8859-1/,
    );
    assert.throws(
      () => new StringConverter({ 'converter.encoding': 'US-ASCII' }).toConnectData('t', H, Uint8Array.of(0x41, 0xe9)),
      /byte 233 at offset 1 is not US-ASCII/,
    );
    assert.throws(() => c.toConnectData('t', H, Uint8Array.of(0x61, 0xff)), /not valid UTF-8/);
  });
  test('an unknown charset is a ConfigError', () => {
    assert.throws(() => new StringConverter({ 'converter.encoding': 'EBCDIC' }), ConfigError);
  });
});
