import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder } from '@tributary/api';
import { builderLike, SchemaCache } from './schema-util.js';

function struct(name: string): Schema {
  return SchemaBuilder.struct().name(name).field('a', Schema.INT32).build();
}

describe('SchemaCache', () => {
  it('hits by identity, then by structural equality for rebuilt schemas', () => {
    const cache = new SchemaCache<string>();
    const s = struct('x');
    assert.equal(cache.get(s), undefined);
    cache.set(s, 'derived');
    assert.equal(cache.get(s), 'derived');
    assert.equal(cache.get(struct('x')), 'derived', 'an equal schema built again');
    assert.equal(cache.get(struct('y')), undefined);
  });

  it('computes once per schema', () => {
    const cache = new SchemaCache<number>();
    let calls = 0;
    const compute = () => ++calls;
    const s = struct('x');
    assert.equal(cache.getOrCompute(s, compute), 1);
    assert.equal(cache.getOrCompute(s, compute), 1);
    assert.equal(cache.getOrCompute(struct('x'), compute), 1);
    assert.equal(calls, 1);
  });

  it('compares structurally only the last 16 inputs', () => {
    const cache = new SchemaCache<number>();
    for (let i = 0; i < 17; i++) cache.set(struct(`s${i}`), i);
    assert.equal(cache.get(struct('s0')), undefined);
    assert.equal(cache.get(struct('s16')), 16);
  });
});

describe('builderLike', () => {
  it('copies type, element schemas and basics but not optionality or default', () => {
    const arr = SchemaBuilder.array(Schema.INT8).name('a').version(2).doc('d').parameter('p', 'v').optional().build();
    assert.ok(
      builderLike(arr)
        .build()
        .equals(SchemaBuilder.array(Schema.INT8).name('a').version(2).doc('d').parameter('p', 'v').build()),
    );
    const map = SchemaBuilder.map(Schema.STRING, Schema.INT64).build();
    assert.ok(builderLike(map).build().equals(map));
    assert.ok(builderLike(SchemaBuilder.int32().defaultValue(3).build()).build().equals(Schema.INT32));
  });
});
