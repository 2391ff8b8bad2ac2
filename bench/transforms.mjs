#!/usr/bin/env node
// Transforms benchmark (issue 2): a 3-transform chain — InsertField$Value (static and topic fields) →
// ReplaceField$Value (exclude + renames) → Cast$Value (int32 → int64, float64 → string) — applied to a
// 10-field struct record of about 500 bytes, with schemas and schemaless, on one core.
// Usage: npm run build && node bench/transforms.mjs [--runs 7] [--seconds 1]
import { loadavg } from 'node:os';
import { sourceRecord } from '@tributary/api';
import { transformationPlugins } from '../packages/transforms/dist/transforms/index.js';
import { customerStruct, CUSTOMER_SCHEMA as schema, shortCustomerNotes } from './lib/customers.mjs';
import { numberOption } from './lib/options.mjs';

const RUNS = numberOption('runs', 7);
const SECONDS = numberOption('seconds', 1);

const byName = new Map(transformationPlugins.map((p) => [p.name, p]));
const create = (name, config) => byName.get(name).create(config);
const chain = [
  create('InsertField$Value', { 'static.field': 'source', 'static.value': 'bench', 'topic.field': 'topic' }),
  create('ReplaceField$Value', { exclude: 'notes', renames: 'name:full_name,email:mail' }),
  create('Cast$Value', { spec: 'age:int64,score:string' }),
];

function structRecord(i) {
  const value = customerStruct(i, shortCustomerNotes(i));
  return sourceRecord({
    sourcePartition: { p: 0 },
    sourceOffset: { o: i },
    topic: 'customers',
    valueSchema: schema,
    value,
  });
}

function plainRecord(i) {
  return sourceRecord({
    sourcePartition: { p: 0 },
    sourceOffset: { o: i },
    topic: 'customers',
    value: {
      id: 1_000_000_000 + i,
      name: `Customer number ${i} of the benchmark`,
      email: `customer.${i}@example.com`,
      age: 20 + (i % 60),
      score: 1234.5678 + i,
      active: i % 2 === 0,
      balance: '1234567.89',
      created: 1705320000000 + i * 1000,
      tags: ['retail', 'priority', `region-${i % 7}`],
      notes: shortCustomerNotes(i),
    },
  });
}

function measure(label, make) {
  const inputs = Array.from({ length: 1024 }, (_, i) => make(i));
  const apply = (r) => {
    for (const t of chain) r = t.apply(r);
    return r;
  };
  // Warm-up.
  for (let i = 0; i < 200_000; i++) apply(inputs[i & 1023]);
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    let n = 0;
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < 1024; i++) apply(inputs[i]);
      n += 1024;
    }
    rates.push(n / SECONDS);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)];
  console.log(
    `${label}: median ${Math.round(median).toLocaleString('en')} records/s (runs ${Math.round(rates[0]).toLocaleString('en')} – ${Math.round(rates.at(-1)).toLocaleString('en')})`,
  );
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
measure('3-transform chain, with schemas', structRecord);
measure('3-transform chain, schemaless', plainRecord);
