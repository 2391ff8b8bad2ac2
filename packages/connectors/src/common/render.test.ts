import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';
import { valueToJsonText, valueToText } from './render.js';

const inner = SchemaBuilder.struct().field('x', Schema.INT32).build();
const schema = SchemaBuilder.struct()
  .field('id', Schema.INT64)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .field('raw', Schema.OPTIONAL_BYTES)
  .field('at', Logical.TIMESTAMP)
  .field('inner', inner)
  .field('missing', Schema.OPTIONAL_STRING)
  .build();
const struct = new Struct(schema)
  .put('id', 1n)
  .put('tags', ['a', 'b'])
  .put('raw', new Uint8Array([104, 105]))
  .put('at', new Date(0))
  .put('inner', new Struct(inner).put('x', 3));

describe('valueToText (file sink lines)', () => {
  it('prints structs as Java does, nested values included, null fields left out', () => {
    assert.equal(valueToText(struct), 'Struct{id=1,tags=[a, b],raw=hi,at=1970-01-01T00:00:00.000Z,inner=Struct{x=3}}');
  });

  it('prints scalars, bytes, maps, lists and plain objects', () => {
    assert.equal(valueToText(undefined), 'null');
    assert.equal(valueToText(1.5), '1.5');
    assert.equal(valueToText(true), 'true');
    assert.equal(valueToText(new Uint8Array([0xe2, 0x82, 0xac])), '€');
    assert.equal(valueToText(new Uint8Array([0xff])), '\ufffd');
    assert.equal(valueToText(new Map([[1, 'one']])), '{1=one}');
    assert.equal(valueToText([null, [1]]), '[null, [1]]');
    assert.equal(valueToText({ a: { b: 1 } }), '{a={b=1}}');
    assert.equal(valueToText(Decimal.parse('-0.50')), '-0.50');
  });
});

describe('valueToJsonText (log sink)', () => {
  it('renders structs as JSON objects with bigints as digits, bytes as base64, dates as ISO strings', () => {
    assert.equal(
      valueToJsonText(struct),
      '{"id":1,"tags":["a","b"],"raw":"aGk=","at":"1970-01-01T00:00:00.000Z","inner":{"x":3},"missing":null}',
    );
  });

  it('renders maps, plain objects, strings, decimals and non-finite numbers', () => {
    assert.equal(valueToJsonText(new Map([['k', 1n]])), '{"k":1}');
    assert.equal(valueToJsonText(new Map([[1, 'one']])), '[[1,"one"]]');
    assert.equal(valueToJsonText({ q: 'say "hi"\n' }), '{"q":"say \\"hi\\"\\n"}');
    assert.equal(valueToJsonText(Decimal.parse('12.30')), '12.30');
    assert.equal(valueToJsonText(Number.NaN), '"NaN"');
    assert.equal(valueToJsonText(null), 'null');
  });
});
