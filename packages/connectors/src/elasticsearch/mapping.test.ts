import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logical, Schema, SchemaBuilder } from '@tributary/api';
import { fieldMapping, indexMapping } from './mapping.js';

describe('mapping from schemas', () => {
  it('maps each Connect type to the type that takes what the documents hold', () => {
    const schema = SchemaBuilder.struct()
      .field('i8', Schema.INT8)
      .field('i16', Schema.INT16)
      .field('i32', Schema.INT32)
      .field('i64', Schema.INT64)
      .field('f32', Schema.FLOAT32)
      .field('f64', Schema.FLOAT64)
      .field('b', Schema.BOOLEAN)
      .field('s', Schema.OPTIONAL_STRING)
      .field('raw', Schema.BYTES)
      .field('price', Logical.decimal(2))
      .field('whole', Logical.decimal(0))
      .field('fine', Logical.decimal(10))
      .field('day', Logical.DATE)
      .field('at', Logical.TIME)
      .field('ts', Logical.OPTIONAL_TIMESTAMP)
      .field('tags', SchemaBuilder.array(Schema.STRING).build())
      .field('attrs', SchemaBuilder.map(Schema.STRING, Schema.INT32).build())
      .field('byId', SchemaBuilder.map(Schema.INT32, Schema.STRING).build())
      .field('inner', SchemaBuilder.struct().field('x', Schema.INT32).optional().build())
      .build();
    const text = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    const date = { type: 'date', format: 'strict_date_optional_time||epoch_millis' };
    assert.deepEqual(indexMapping(schema), {
      properties: {
        i8: { type: 'byte' },
        i16: { type: 'short' },
        i32: { type: 'integer' },
        i64: { type: 'long' },
        f32: { type: 'float' },
        f64: { type: 'double' },
        b: { type: 'boolean' },
        s: text,
        raw: { type: 'binary' },
        price: { type: 'scaled_float', scaling_factor: 100 },
        whole: { type: 'scaled_float', scaling_factor: 1 },
        fine: { type: 'double' },
        day: date,
        at: { type: 'date', format: 'strict_hour_minute_second_fraction||epoch_millis' },
        ts: date,
        tags: text,
        attrs: { type: 'object' },
        byId: { type: 'object', properties: { key: { type: 'integer' }, value: text } },
        inner: { type: 'object', properties: { x: { type: 'integer' } } },
      },
    });
  });

  it('maps string-keyed maps to key/value objects when entries are not compact', () => {
    const schema = SchemaBuilder.map(Schema.STRING, Schema.INT64).build();
    assert.deepEqual(fieldMapping(schema, { compactMapEntries: false }), {
      type: 'object',
      properties: { key: fieldMapping(Schema.STRING), value: { type: 'long' } },
    });
  });

  it('maps the Debezium timestamps a date field can parse as they are to dates', () => {
    const millis = SchemaBuilder.int64().name('io.debezium.time.Timestamp').version(1).build();
    const zoned = SchemaBuilder.string().name('io.debezium.time.ZonedTimestamp').version(1).build();
    const micros = SchemaBuilder.int64().name('io.debezium.time.MicroTimestamp').version(1).build();
    assert.deepEqual(fieldMapping(millis), { type: 'date', format: 'epoch_millis' });
    assert.deepEqual(fieldMapping(zoned), { type: 'date', format: 'strict_date_optional_time' });
    assert.deepEqual(fieldMapping(micros), { type: 'long' });
  });

  it('gives no mapping without a struct schema (dynamic mapping decides)', () => {
    assert.equal(indexMapping(null), null);
    assert.equal(indexMapping(SchemaBuilder.map(Schema.STRING, Schema.STRING).build()), null);
  });
});
