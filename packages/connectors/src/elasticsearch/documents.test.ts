import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { documentId, toJson } from './documents.js';

const ADDRESS = SchemaBuilder.struct()
  .name('Address')
  .field('city', Schema.STRING)
  .field('zip', Schema.OPTIONAL_STRING)
  .build();

const ORDER = SchemaBuilder.struct()
  .name('Order')
  .field('id', Schema.INT64)
  .field('small', Schema.INT8)
  .field('price', Logical.decimal(2))
  .field('ratio', Logical.decimal(10))
  .field('day', Logical.DATE)
  .field('at', Logical.TIME)
  .field('ts', Logical.TIMESTAMP)
  .field('blob', Schema.BYTES)
  .field('ok', Schema.BOOLEAN)
  .field('score', Schema.FLOAT64)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .field('attrs', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
  .field('byId', SchemaBuilder.map(Schema.INT32, Schema.STRING).optional().build())
  .field('address', ADDRESS)
  .field('note', Schema.OPTIONAL_STRING)
  .build();

function order(): Struct {
  return new Struct(ORDER)
    .put('id', 9_007_199_254_740_993n)
    .put('small', -8)
    .put('price', Decimal.parse('12345678901234567.89'))
    .put('ratio', Decimal.parse('0.1000000001'))
    .put('day', new Date(Date.UTC(2024, 0, 15)))
    .put('at', new Date(12 * 3_600_000 + 30 * 60_000 + 5_250))
    .put('ts', new Date(Date.UTC(2024, 0, 15, 12, 30, 5, 250)))
    .put('blob', new Uint8Array([0, 1, 2, 255]))
    .put('ok', true)
    .put('score', 0.1)
    .put('tags', ['a', 'b"c'])
    .put('attrs', new Map([['x', 1]]))
    .put('byId', new Map([[7, 'seven']]))
    .put('address', new Struct(ADDRESS).put('city', 'Zürich'));
}

describe('toJson', () => {
  it('writes every Connect type, int64 and Decimal digit for digit', () => {
    const text = toJson(order(), ORDER);
    assert.equal(
      text,
      '{"id":9007199254740993,"small":-8,"price":12345678901234567.89,"ratio":0.1000000001,' +
        '"day":"2024-01-15","at":"12:30:05.250","ts":"2024-01-15T12:30:05.250Z","blob":"AAEC/w==","ok":true,' +
        '"score":0.1,"tags":["a","b\\"c"],"attrs":{"x":1},"byId":[{"key":7,"value":"seven"}],' +
        '"address":{"city":"Zürich","zip":null},"note":null}',
    );
    // Still valid JSON; the exact digits are in the text, which is what the cluster keeps as _source.
    assert.equal(JSON.parse(text).address.city, 'Zürich');
  });

  it('writes string-keyed maps as {key, value} objects when compact.map.entries=false', () => {
    const schema = SchemaBuilder.struct().field('m', SchemaBuilder.map(Schema.STRING, Schema.STRING).build()).build();
    const value = new Struct(schema).put('m', new Map([['k', 'v']]));
    assert.equal(toJson(value, schema, { compactMapEntries: false }), '{"m":[{"key":"k","value":"v"}]}');
  });

  it('keeps trailing zeros and negative scales of Decimals exactly', () => {
    const schema = SchemaBuilder.struct().field('a', Logical.decimal(3)).field('b', Logical.decimal(-2)).build();
    const value = new Struct(schema).put('a', new Decimal(-500n, 3)).put('b', new Decimal(123n, -2));
    assert.equal(toJson(value, schema), '{"a":-0.500,"b":12300}');
  });

  it('writes dates outside years 0–9999 as epoch milliseconds', () => {
    const schema = SchemaBuilder.struct().field('ts', Logical.TIMESTAMP).build();
    const ms = Date.UTC(10_000, 0, 1);
    assert.equal(toJson(new Struct(schema).put('ts', new Date(ms)), schema), `{"ts":${ms}}`);
  });

  it('writes schemaless values as they are (bigints, Decimals, dates, bytes, Maps)', () => {
    const value = {
      n: 1,
      big: 12345678901234567890n,
      d: Decimal.parse('1.50'),
      when: new Date(Date.UTC(2024, 0, 1)),
      raw: new Uint8Array([104, 105]),
      list: [1, 'x', null],
      nested: { m: new Map([['k', true]]) },
      skipped: undefined,
    };
    assert.equal(
      toJson(value, null),
      '{"n":1,"big":12345678901234567890,"d":1.50,"when":"2024-01-01T00:00:00.000Z","raw":"aGk=",' +
        '"list":[1,"x",null],"nested":{"m":{"k":true}}}',
    );
  });

  it('refuses NaN and infinities with the path of the field', () => {
    const schema = SchemaBuilder.struct()
      .field('inner', SchemaBuilder.struct().field('x', Schema.FLOAT64).build())
      .build();
    const value = new Struct(schema).put('inner', new Struct(schema.field('inner')!.schema).put('x', Number.NaN));
    assert.throws(
      () => toJson(value, schema),
      (e: unknown) => e instanceof DataError && e.path === 'inner.x',
    );
    assert.throws(() => toJson({ a: [Number.POSITIVE_INFINITY] }, null), /a\[0\]/);
  });
});

describe('documentId', () => {
  it('uses primitive keys as text', () => {
    assert.equal(documentId('abc', Schema.STRING), 'abc');
    assert.equal(documentId(42, Schema.INT32), '42');
    assert.equal(documentId(9_007_199_254_740_993n, Schema.INT64), '9007199254740993');
    assert.equal(documentId(true, null), 'true');
    assert.equal(documentId(Decimal.parse('10.50'), Logical.decimal(2)), '10.50');
    assert.equal(documentId(new Date(Date.UTC(2024, 0, 15)), Logical.DATE), '2024-01-15');
    assert.equal(documentId(new Date(Date.UTC(2024, 0, 15, 1)), Logical.TIMESTAMP), '2024-01-15T01:00:00.000Z');
    assert.equal(documentId(new Uint8Array([1, 2]), Schema.BYTES), 'AQI=');
  });

  it("uses the only field of a single-field struct key, or the only entry's value of an object", () => {
    const key = SchemaBuilder.struct().name('db.t.Key').field('id', Schema.INT64).build();
    assert.equal(documentId(new Struct(key).put('id', 42n), key), '42');
    assert.equal(documentId({ id: 42 }, null), '42');
    assert.equal(documentId(new Map([['id', 'x']]), null), 'x');
  });

  it('uses stable JSON for multi-field keys: struct fields in schema order, object keys sorted', () => {
    const key = SchemaBuilder.struct().field('b', Schema.STRING).field('a', Schema.INT32).build();
    assert.equal(documentId(new Struct(key).put('b', 'x').put('a', 1), key), '{"b":"x","a":1}');
    assert.equal(documentId({ b: 'x', a: 1 }, null), '{"a":1,"b":"x"}');
    assert.equal(documentId({ a: 1, b: 'x' }, null), '{"a":1,"b":"x"}');
    assert.equal(documentId({ z: { d: 1, c: 2 }, y: 0 }, null), '{"y":0,"z":{"c":2,"d":1}}');
  });

  it('refuses null, empty and over-long keys', () => {
    assert.throws(() => documentId(null, null), /key is null/);
    assert.throws(() => documentId('', Schema.STRING), /empty/);
    assert.throws(() => documentId('é'.repeat(300), Schema.STRING), /512 bytes/);
    assert.equal(documentId('x'.repeat(512), Schema.STRING).length, 512);
  });
});
