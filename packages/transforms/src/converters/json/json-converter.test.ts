import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigError,
  DataError,
  Decimal,
  Headers,
  Logical,
  Schema,
  SchemaBuilder,
  Struct,
  valueEquals,
} from '@tributary/api';
import { ENVELOPE_MESSAGE, JsonConverter } from './json-converter.js';

const H = Headers.EMPTY;
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));
const withSchemas = new JsonConverter();
const plain = new JsonConverter({ 'schemas.enable': 'false' });

function envelope(schema: string, payload: string): Buffer {
  return bytes(`{"schema":${schema},"payload":${payload}}`);
}

/** Asserts a DataError whose message matches `re` (and, if given, whose path is `path`). */
function rejects(fn: () => unknown, re: RegExp, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.match(e.message, re);
    if (path !== undefined) assert.equal(e.path, path);
    return true;
  });
}

const line = SchemaBuilder.struct()
  .name('shop.Line')
  .field('sku', Schema.STRING)
  .field('price', Logical.decimal(2))
  .build();
const order = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64)
  .field('small', Schema.INT8)
  .field('mid', Schema.INT16)
  .field('n', Schema.INT32)
  .field('f', Schema.FLOAT32)
  .field('d', Schema.FLOAT64)
  .field('ok', Schema.BOOLEAN)
  .field('name', Schema.OPTIONAL_STRING)
  .field('raw', Schema.BYTES)
  .field('amount', Logical.decimal(4))
  .field('day', Logical.DATE)
  .field('at', Logical.TIME)
  .field('ts', Logical.TIMESTAMP)
  .field('items', SchemaBuilder.array(line).build())
  .field('labels', SchemaBuilder.map(Schema.STRING, Schema.OPTIONAL_INT64).build())
  .field('byId', SchemaBuilder.map(Schema.INT64, Schema.STRING).build())
  .field('nested', SchemaBuilder.array(SchemaBuilder.array(Schema.OPTIONAL_FLOAT64).build()).build())
  .build();

function orderValue(): Struct {
  return new Struct(order)
    .put('id', -9223372036854775807n)
    .put('small', -128)
    .put('mid', 32767)
    .put('n', 2147483647)
    .put('f', Math.fround(3.25))
    .put('d', 0.1 + 0.2)
    .put('ok', true)
    .put('name', null)
    .put('raw', Uint8Array.of(0, 255, 7))
    .put('amount', Decimal.parse('123456789012345678901234.5678'))
    .put('day', new Date(Date.UTC(1969, 11, 31)))
    .put('at', new Date(86_399_999))
    .put('ts', new Date(-1234567))
    .put('items', [
      new Struct(line).put('sku', 'a"b\\c\n😀').put('price', Decimal.parse('9.99')),
      new Struct(line).put('sku', '').put('price', Decimal.parse('-1000000.00')),
    ])
    .put(
      'labels',
      new Map<string, bigint | null>([
        ['x', 9007199254740993n],
        ['__proto__', null],
      ]),
    )
    .put('byId', new Map([[1n, 'one']]))
    .put('nested', [[1.5, null, Number.NaN], []]);
}

describe('JsonConverter round trips', () => {
  for (const config of [
    {},
    { 'decimal.format': 'NUMERIC' },
    { 'decimal.format': 'numeric', 'replace.null.with.default': false },
  ]) {
    test(`a struct with every type reads back equal (${JSON.stringify(config)})`, () => {
      const c = new JsonConverter(config);
      const value = orderValue();
      const out = c.fromConnectData('t', H, order, value);
      const back = c.toConnectData('t', H, out);
      assert.ok(back.schema?.equals(order));
      assert.ok(valueEquals(back.value, value), String(back.value));
      // Reading the same schema again returns the cached Schema object (and the fast path).
      const again = c.toConnectData('t', H, c.fromConnectData('t', H, order, value));
      assert.equal(again.schema, back.schema);
      assert.ok(valueEquals(again.value, value));
    });
  }

  test('every primitive and logical schema, top level, with and without schemas', () => {
    const cases: [Schema, unknown][] = [
      [Schema.INT8, 127],
      [Schema.INT16, -32768],
      [Schema.INT32, -1],
      [Schema.INT64, 9223372036854775807n],
      [Schema.FLOAT32, Math.fround(-1e-40)],
      [Schema.FLOAT64, Number.POSITIVE_INFINITY],
      [Schema.BOOLEAN, false],
      [Schema.STRING, 'héllo \u0000'],
      [Schema.BYTES, new Uint8Array(0)],
      [Logical.decimal(0), Decimal.parse('-170141183460469231731687303715884105728')],
      [Logical.DATE, new Date(Date.UTC(2024, 0, 15))],
      [Logical.TIME, new Date(0)],
      [Logical.TIMESTAMP, new Date(8.64e15)],
      [Schema.OPTIONAL_STRING, null],
    ];
    for (const [schema, value] of cases) {
      const back = withSchemas.toConnectData('t', H, withSchemas.fromConnectData('t', H, schema, value));
      assert.ok(back.schema?.equals(schema), schema.describe());
      assert.ok(valueEquals(back.value, value), `${schema.describe()}: ${String(back.value)}`);
    }
  });

  test('schemaless values: plain objects, arrays, numbers (bigint beyond 2^53), strings, booleans, null', () => {
    const value = {
      a: 1,
      b: [1.5, 'x', null, true],
      big: 12345678901234567890n,
      neg: -9007199254740993n,
      o: { c: {} },
    };
    for (const c of [withSchemas, plain]) {
      const back = c.toConnectData('t', H, c.fromConnectData('t', H, null, value));
      assert.equal(back.schema, null);
      assert.deepEqual(back.value, value);
    }
    assert.equal(
      text(plain.fromConnectData('t', H, null, value)),
      '{"a":1,"b":[1.5,"x",null,true],"big":12345678901234567890,"neg":-9007199254740993,"o":{"c":{}}}',
    );
  });

  test('schemaless reads keep __proto__ as data and accept leading zeros like Kafka', () => {
    const v = plain.toConnectData('t', H, bytes('{"__proto__":{"x":1},"n":007}')).value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['__proto__', 'n']);
    assert.equal(v.n, 7);
    const w = plain.toConnectData('t', H, bytes('{"__proto__":{"x":1},"n":12345678901234567890}')).value as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(w), Object.prototype);
    assert.equal(w.n, 12345678901234567890n);
  });

  test('null: tombstones, null payloads, plain null, empty input', () => {
    assert.equal(withSchemas.fromConnectData('t', H, null, null), null);
    assert.deepEqual(withSchemas.toConnectData('t', H, null), { schema: null, value: null });
    assert.equal(
      text(withSchemas.fromConnectData('t', H, Schema.OPTIONAL_INT32, null)),
      '{"schema":{"type":"int32","optional":true},"payload":null}',
    );
    assert.equal(text(plain.fromConnectData('t', H, Schema.OPTIONAL_INT32, null)), 'null');
    assert.deepEqual(plain.toConnectData('t', H, bytes('null')), { schema: null, value: null });
    assert.deepEqual(plain.toConnectData('t', H, bytes('')), { schema: null, value: null });
  });

  test('defaults: null fields take the default on write and read unless replace.null.with.default=false', () => {
    const s = SchemaBuilder.struct().field('p', SchemaBuilder.int32().optional().defaultValue(5).build()).build();
    const v = new Struct(s);
    assert.equal(text(plain.fromConnectData('t', H, s, v)), '{"p":5}');
    const keep = new JsonConverter({ 'schemas.enable': false, 'replace.null.with.default': false });
    assert.equal(text(keep.fromConnectData('t', H, s, v)), '{"p":null}');
    const env = envelope(
      '{"type":"struct","fields":[{"type":"int32","optional":true,"default":5,"field":"p"}],"optional":false}',
      '{"p":null}',
    );
    assert.equal((withSchemas.toConnectData('t', H, env).value as Struct).getWithoutDefault('p'), 5);
    const keepEnv = new JsonConverter({ 'replace.null.with.default': false });
    assert.equal((keepEnv.toConnectData('t', H, env).value as Struct).getWithoutDefault('p'), null);
  });

  test('int64 and Decimal never lose digits, whatever JSON.parse would do', () => {
    const s =
      '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"a"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"20"},"field":"d"}],"optional":false}';
    for (const payload of [
      '{"a":9007199254740993,"d":0.10000000000000000001}',
      '{"a":9.007199254740993e15,"d":1.0000000000000000000e-1}',
      '{"a":9223372036854775807,"d":"AAAAAAAAAAAAAAAAAAE="}',
    ]) {
      const v = withSchemas.toConnectData('t', H, envelope(s, payload)).value as Struct;
      const expected = JSON.parse(payload.replace(/(-?\d[\d.e+-]*)/g, '"$1"')) as { a: string; d: string };
      assert.equal(v.get('a'), BigInt(Decimal.parse(expected.a).withScale(0).unscaled));
      const d = v.get('d') as Decimal;
      assert.equal(d.scale, 20);
      if (!expected.d.startsWith('A')) assert.ok(d.equals(Decimal.parse(expected.d)), d.toString());
    }
  });
});

describe('JsonConverter rejects malformed input with a DataError', () => {
  test('invalid JSON names the line, column and offset', () => {
    rejects(() => plain.toConnectData('t', H, bytes('{"a":1,\n "b":}')), /line 2, column 6 \(character offset 13\)/);
    rejects(() => plain.toConnectData('t', H, bytes('[1,2')), /line 1, column 5 .*end of input/);
    rejects(() => plain.toConnectData('t', H, bytes('{"a":1} x')), /column 9 .*unexpected data after the JSON value/);
    rejects(() => plain.toConnectData('t', H, bytes('{"a":NaN}')), /column 6/);
    rejects(() => withSchemas.toConnectData('t', H, bytes('{"schema":null,"payload":[1,}')), /column 29/);
  });

  test('bytes that are not UTF-8 name the byte offset', () => {
    rejects(() => plain.toConnectData('t', H, Buffer.from([0x22, 0x61, 0xff, 0x22])), /invalid UTF-8 at byte offset 2/);
  });

  test("an envelope must have exactly schema and payload (Kafka's message)", () => {
    for (const input of [
      '{"schema":null,"payload":1,"extra":2}',
      '{"schema":null}',
      '{"payload":1}',
      '[]',
      '1',
      'null',
    ]) {
      assert.throws(() => withSchemas.toConnectData('t', H, bytes(input)), new DataError(ENVELOPE_MESSAGE));
    }
  });

  test('a bad schema names its place', () => {
    rejects(
      () => withSchemas.toConnectData('t', H, envelope('{"type":"int128"}', '1')),
      /^schema: Unknown schema type: int128/,
    );
    rejects(
      () => withSchemas.toConnectData('t', H, envelope('{"optional":true}', '1')),
      /^schema: Schema must contain 'type' field/,
    );
    rejects(
      () =>
        withSchemas.toConnectData('t', H, envelope('{"type":"struct","fields":[{"type":"array","field":"a"}]}', '{}')),
      /^schema\.fields\[0\]: Array schema did not specify the element type/,
    );
    rejects(
      () => withSchemas.toConnectData('t', H, envelope('{"type":"struct","fields":{}}', '{}')),
      /"fields" argument is not an array/,
    );
    rejects(
      () => withSchemas.toConnectData('t', H, envelope('{"type":"int8","default":1000}', 'null')),
      /^schema\.default: 1000 is out of range for int8/,
    );
  });

  test('a payload that does not fit its schema names the path and the expected type', () => {
    const s = withSchemas.asJsonSchemaText(order);
    const good = text(withSchemas.fromConnectData('t', H, order, orderValue()))!;
    const payload = JSON.parse(good.slice(good.indexOf(',"payload":') + 11, -1).replace(/:(-?\d{16,})/g, ':"$1"'));
    const variant = (patch: (p: Record<string, unknown>) => void): Buffer => {
      const p = structuredClone(payload);
      patch(p);
      const json = JSON.stringify(p).replace(/"(-?\d{16,})"/g, '$1');
      return envelope(s, json);
    };
    const read = (b: Buffer) => () => withSchemas.toConnectData('t', H, b);
    rejects(
      read(variant((p) => ((p.items as { price: unknown }[])[1]!.price = 'not base64!'))),
      /^payload\.items\[1\]\.price: expected Decimal \(scale 2\) as base64 bytes or a number, got string "not base64!"/,
      'payload.items[1].price',
    );
    rejects(
      read(variant((p) => ((p.items as { price: unknown }[])[0]!.price = 1.234))),
      /^payload\.items\[0\]\.price: Decimal 1\.234 does not fit scale 2 without rounding/,
    );
    rejects(
      read(variant((p) => (p.small = 300))),
      /^payload\.small: 300 is out of range for int8 \[-128, 127\]/,
      'payload.small',
    );
    rejects(read(variant((p) => (p.mid = -40000))), /^payload\.mid: -40000 is out of range for int16/);
    rejects(read(variant((p) => (p.n = 2147483648))), /^payload\.n: 2147483648 is out of range for int32/);
    rejects(read(variant((p) => (p.n = 1.5))), /^payload\.n: expected int32, got number 1\.5/);
    rejects(read(variant((p) => (p.n = '12'))), /^payload\.n: expected int32, got string "12"/);
    rejects(
      read(variant((p) => (p.id = '9223372036854775808'))),
      /^payload\.id: 9223372036854775808 is out of range for int64/,
    );
    rejects(
      read(variant((p) => (p.id = '-9223372036854775809'))),
      /^payload\.id: -9223372036854775809 is out of range for int64/,
    );
    rejects(read(variant((p) => (p.f = 1e39))), /^payload\.f: 1e\+39 is out of range for float32/);
    rejects(read(variant((p) => (p.ok = 'true'))), /^payload\.ok: expected boolean, got string "true"/);
    rejects(read(variant((p) => delete p.ok)), /^payload\.ok: a value is required \(schema boolean\), got null/);
    rejects(read(variant((p) => (p.raw = 'AP8H='))), /^payload\.raw: expected bytes \(a base64 string\)/);
    rejects(read(variant((p) => (p.at = 86_400_000))), /^payload\.at: 86400000 is out of range for Time/);
    rejects(
      read(variant((p) => (p.day = 1.5))),
      /^payload\.day: expected Date \(int32 days since the epoch\), got number 1\.5/,
    );
    rejects(
      read(variant((p) => (p.labels = [1]))),
      /^payload\.labels: expected a map with string keys as a JSON object, got array\[1\]/,
    );
    rejects(
      read(variant((p) => ((p.labels as Record<string, unknown>).x = 'y'))),
      /^payload\.labels\["x"\]: expected int64, got string "y"/,
    );
    rejects(
      read(variant((p) => (p.byId = [[1, 'a', 'b']]))),
      /^payload\.byId\[0\]: expected a \[key, value\] pair, got array\[3\]/,
    );
    rejects(
      read(variant((p) => (p.nested = [[1, 'x']]))),
      /^payload\.nested\[0\]\[1\]: expected float64, got string "x"/,
    );
    rejects(read(variant((p) => (p.items = {}))), /^payload\.items: expected array, got object/);
    rejects(
      read(variant((p) => ((p.items as unknown[])[0] = 5))),
      /^payload\.items\[0\]: expected struct shop\.Line, got number 5/,
    );
  });

  test('deep nesting is refused, not a crash', () => {
    rejects(
      () => plain.toConnectData('t', H, bytes(`${'['.repeat(5000)}${']'.repeat(5000)}`)),
      /nest(ed|ing) (too )?deep/,
    );
  });

  test('absurd exponents are refused quickly', () => {
    const s =
      '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}';
    rejects(() => withSchemas.toConnectData('t', H, envelope(s, '1e1000000000')), /does not fit scale 2/);
    rejects(
      () => withSchemas.toConnectData('t', H, envelope('{"type":"int64","optional":false}', '1e1000000000')),
      /out of range for int64/,
    );
  });
});

describe('JsonConverter rejects values that do not fit the schema on write', () => {
  const write = (schema: Schema, value: unknown) => () => withSchemas.fromConnectData('t', H, schema, value);
  test('wrong types and out-of-range numbers name the path', () => {
    const v = orderValue();
    (v.values() as unknown[])[order.requireField('items').index] = [
      new Struct(line).put('sku', 'x').put('price', Decimal.parse('1.00')),
      'oops',
    ];
    rejects(write(order, v), /^payload\.items\[1\]: expected struct shop\.Line, got string "oops"/, 'payload.items[1]');
    rejects(write(Schema.INT8, 128), /^payload: 128 is out of range for int8/);
    rejects(write(Schema.INT32, 1.5), /^payload: expected int32, got number 1\.5/);
    rejects(write(Schema.INT64, 1), /^payload: expected int64, got number 1/);
    rejects(write(Schema.INT64, 2n ** 63n), /out of range for int64/);
    rejects(write(Schema.FLOAT32, 1e39), /out of range for float32/);
    rejects(write(Schema.STRING, 5), /expected string, got number 5/);
    rejects(write(Schema.INT32, null), /^payload: a value is required \(schema int32\), got null/);
    rejects(write(Logical.decimal(2), Decimal.parse('1.5')), /has scale 1, the schema requires scale 2/);
    rejects(write(Logical.DATE, new Date(1)), /UTC midnight/);
    rejects(
      write(SchemaBuilder.map(Schema.STRING, Schema.INT8).build(), new Map([['k', 1000]])),
      /^payload\["k"\]: 1000 is out of range/,
    );
    const other = SchemaBuilder.struct().field('a', Schema.INT8).build();
    rejects(write(line, new Struct(other).put('a', 1)), /does not match the expected/);
    rejects(
      () => plain.fromConnectData('t', H, null, { when: new Date() }),
      /^value\.when: a Date needs a Date, Time or Timestamp schema/,
    );
  });
});

describe('JsonConverter configuration and caches', () => {
  test('config is parsed by its spec', () => {
    assert.equal(new JsonConverter({ 'decimal.format': 'numeric' }).config['decimal.format'], 'NUMERIC');
    assert.throws(() => new JsonConverter({ 'decimal.format': 'HEX' }), ConfigError);
    assert.throws(() => new JsonConverter({ 'schemas.cache.size': -1 }), ConfigError);
    assert.throws(() => new JsonConverter({ 'schemas.enable': 'maybe' }), ConfigError);
  });

  test('the read cache keeps at most schemas.cache.size schemas', () => {
    const c = new JsonConverter({ 'schemas.cache.size': 2 });
    for (const t of ['int8', 'int16', 'int32', 'int64'])
      c.toConnectData('t', H, envelope(`{"type":"${t}","optional":false}`, '1'));
    assert.equal(c.cachedSchemaCount, 2);
  });

  test('the general path (whitespace, other key order) reads what the fast path reads', () => {
    const value = orderValue();
    const compact = text(withSchemas.fromConnectData('t', H, order, value))!;
    const pretty = JSON.stringify(JSON.parse(compact.replace(/:(-?\d{16,})/g, ':"$1"')), null, 2).replace(
      /"(-?\d{16,})"/g,
      '$1',
    );
    const reordered = `{"payload":${compact.slice(compact.indexOf(',"payload":') + 11, -1)},"schema":${withSchemas.asJsonSchemaText(order)}}`;
    for (const input of [pretty, reordered]) {
      const back = new JsonConverter().toConnectData('t', H, bytes(input));
      assert.ok(back.schema?.equals(order));
      assert.ok(valueEquals(back.value, value));
    }
  });

  test('a stream of numeric Decimals stays exact once the converter parses its payloads exactly', () => {
    const c = new JsonConverter({ 'decimal.format': 'NUMERIC' });
    const s = Logical.decimal(20);
    for (const text of ['1.5', '0.10000000000000000001', '12345678901234567890.12345678901234567890', '-3']) {
      const value = Decimal.parse(text).withScale(20);
      const back = c.toConnectData('t', H, c.fromConnectData('t', H, s, value));
      assert.ok(valueEquals(back.value, value), `${text} read as ${String(back.value)}`);
    }
  });

  test('bad bytes after a cached schema are reported from the whole input', () => {
    const c = new JsonConverter();
    c.toConnectData('t', H, envelope('{"type":"string","optional":false}', '"ok"'));
    const bad = Buffer.concat([
      bytes('{"schema":{"type":"string","optional":false},"payload":"a'),
      Buffer.of(0xc3),
      bytes('"}'),
    ]);
    rejects(() => c.toConnectData('t', H, bad), /invalid UTF-8 at byte offset 57/);
    rejects(() => c.toConnectData('t', H, envelope('{"type":"string","optional":false}', '"a"x')), /column 59/);
  });

  test('works as a header converter', () => {
    const b = withSchemas.fromConnectHeader('t', 'h', Schema.INT64, 5n);
    assert.equal(text(b), '{"schema":{"type":"int64","optional":false},"payload":5}');
    assert.deepEqual(withSchemas.toConnectHeader('t', 'h', b).value, 5n);
  });
});
