// The benchmark record shared by the converter, transform and Elasticsearch benchmarks: a 10-field
// customer struct (int64, strings, int32, float64, boolean, Decimal(2), Timestamp, array) of ~500 bytes.
import { Decimal, Logical, Schema, SchemaBuilder, Struct } from '@tributary/api';

export const CUSTOMER_SCHEMA = SchemaBuilder.struct()
  .name('bench.customers.Value')
  .field('id', Schema.INT64)
  .field('name', Schema.STRING)
  .field('email', Schema.OPTIONAL_STRING)
  .field('age', Schema.INT32)
  .field('score', Schema.FLOAT64)
  .field('active', Schema.BOOLEAN)
  .field('balance', Logical.decimal(2))
  .field('created', Logical.TIMESTAMP)
  .field('tags', SchemaBuilder.array(Schema.STRING).build())
  .field('notes', Schema.OPTIONAL_STRING)
  .build();

const NOTES =
  'Prefers delivery in the morning; call ahead. Gate code 4711. Leave parcels with the neighbour at number 12 when nobody answers the door. ';

/** The notes of customer `i`: 250 – 260 characters. */
export function customerNotes(i) {
  return `${NOTES}Account opened in branch ${i % 13} after the spring campaign; eligible for the loyalty programme.`;
}

/** Customer `i` as a Struct of {@link CUSTOMER_SCHEMA}; `notes` defaults to {@link customerNotes}. */
export function customerStruct(i, notes = customerNotes(i)) {
  return new Struct(CUSTOMER_SCHEMA)
    .put('id', 1_000_000_000n + BigInt(i))
    .put('name', `Customer number ${i} of the benchmark`)
    .put('email', `customer.${i}@example.com`)
    .put('age', 20 + (i % 60))
    .put('score', 1234.5678 + i)
    .put('active', i % 2 === 0)
    .put('balance', new Decimal(123456789n + BigInt(i), 2))
    .put('created', new Date(1705320000000 + i * 1000))
    .put('tags', ['retail', 'priority', `region-${i % 7}`])
    .put('notes', notes);
}

/** The shorter notes of the transform benchmark (kept so its figures stay comparable). */
export function shortCustomerNotes(i) {
  return `${NOTES}${i}`;
}
