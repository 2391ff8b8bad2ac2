#!/usr/bin/env node
// Converters benchmark (issue 2): JsonConverter with schemas, serialize + deserialize round trips of a
// 10-field struct record of about 500 bytes of payload, on one core, next to the bare
// JSON.parse(JSON.stringify(obj)) of an equivalent plain object.
// Usage: npm run build && node bench/converters.mjs [--runs 7] [--seconds 1] [--decimal-format NUMERIC]
import { loadavg } from 'node:os';
import { Headers } from '@tributary/api';
import { JsonConverter } from '../packages/transforms/dist/converters/index.js';
import { customerStruct as record, CUSTOMER_SCHEMA as schema } from './lib/customers.mjs';
import { numberOption, option } from './lib/options.mjs';

const RUNS = numberOption('runs', 7);
const SECONDS = numberOption('seconds', 1);
const DECIMAL_FORMAT = option('decimal-format', 'BASE64');

function plain(i) {
  const s = record(i);
  return {
    id: 1_000_000_000 + i,
    name: s.get('name'),
    email: s.get('email'),
    age: s.get('age'),
    score: s.get('score'),
    active: s.get('active'),
    balance: 'B1vNFQ==',
    created: 1705320000000 + i * 1000,
    tags: s.get('tags'),
    notes: s.get('notes'),
  };
}

const N = 256;
const records = Array.from({ length: N }, (_, i) => record(i));
const plains = Array.from({ length: N }, (_, i) => plain(i));
const converter = new JsonConverter({ 'schemas.enable': true, 'decimal.format': DECIMAL_FORMAT });
const sample = converter.fromConnectData('t', Headers.EMPTY, schema, records[0]);
const payloadBytes = Buffer.byteLength(JSON.stringify(JSON.parse(Buffer.from(sample).toString()).payload));

let sink = 0;
function runConverter(count) {
  for (let i = 0; i < count; i++) {
    const bytes = converter.fromConnectData('t', Headers.EMPTY, schema, records[i % N]);
    const back = converter.toConnectData('t', Headers.EMPTY, bytes);
    sink += back.value === null ? 0 : 1;
  }
}
const encoded = records.map((r) => converter.fromConnectData('t', Headers.EMPTY, schema, r));
function runSerialize(count) {
  for (let i = 0; i < count; i++) sink += converter.fromConnectData('t', Headers.EMPTY, schema, records[i % N]).length;
}
function runDeserialize(count) {
  for (let i = 0; i < count; i++)
    sink += converter.toConnectData('t', Headers.EMPTY, encoded[i % N]).value === null ? 0 : 1;
}
function runBaseline(count) {
  for (let i = 0; i < count; i++) {
    const back = JSON.parse(JSON.stringify(plains[i % N]));
    sink += back.age;
  }
}

function measure(fn) {
  // Warm-up, then RUNS timed runs of about SECONDS each; report the median.
  const warmEnd = performance.now() + 1000;
  while (performance.now() < warmEnd) fn(1000);
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < SECONDS * 1000) {
      fn(1000);
      n += 1000;
      now = performance.now();
    }
    rates.push(n / ((now - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)], min: rates[0], max: rates[rates.length - 1] };
}

const fmt = (x) => `${Math.round(x / 1000)}k/s`;
console.log(
  `node ${process.version}, record: 10 fields, payload ${payloadBytes} bytes, envelope ${sample.length} bytes, decimal.format=${DECIMAL_FORMAT}, load average ${loadavg()[0].toFixed(2)}`,
);
for (const [name, fn] of [
  ['JsonConverter (schemas.enable=true) serialize+deserialize', runConverter],
  ['JsonConverter serialize only', runSerialize],
  ['JsonConverter deserialize only', runDeserialize],
  ['baseline JSON.parse(JSON.stringify(plain object))', runBaseline],
]) {
  const r = measure(fn);
  console.log(`${name.padEnd(58)} median ${fmt(r.median)} (min ${fmt(r.min)}, max ${fmt(r.max)})`);
}
if (sink === -1) console.log(sink);
