import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Headers, Logical, Schema, SchemaBuilder } from '@tributary/api';
import { dropHeaders } from './drop-headers.js';
import { filter } from './filter.js';
import { assertConfigError, sink, source } from './fixtures.test.fixture.js';
import { insertHeader } from './insert-header.js';

const HEADERS = Headers.of([
  { key: 'a', schema: Schema.STRING, value: '1' },
  { key: 'b', schema: null, value: 2 },
  { key: 'a', schema: Schema.STRING, value: '3' },
  { key: 'c', schema: null, value: true },
]);

describe('DropHeaders', () => {
  it('removes every header with a listed name, keeping the order of the others', () => {
    const out = dropHeaders.create({ headers: 'a,c,missing' }).apply(source({ headers: HEADERS, value: 'v' }));
    assert.deepEqual(
      [...(out?.headers ?? [])].map((h) => [h.key, h.value]),
      [['b', 2]],
    );
    assert.equal(out?.value, 'v');
    assert.equal(HEADERS.size, 4);
  });

  it('returns the record itself when no header matches', () => {
    const r = source({ headers: HEADERS });
    assert.equal(dropHeaders.create({ headers: 'zzz' }).apply(r), r);
  });

  it('requires a non-empty list', () => {
    assertConfigError(() => dropHeaders.create({ headers: '' }), 'headers', 'Empty list');
    assertConfigError(() => dropHeaders.create({}), 'headers', 'Missing required');
  });
});

describe('InsertHeader', () => {
  // [literal, schema, value]: Kafka's Values.parseString inference.
  const table: [string, Schema | null, unknown][] = [
    ['hello world', Schema.STRING, 'hello world'],
    ['', Schema.STRING, ''],
    ['42', Schema.INT8, 42],
    ['4200000000', Schema.INT64, 4_200_000_000n],
    ['true', Schema.BOOLEAN, true],
    ['null', null, null],
    ['2024-01-15', Logical.DATE, new Date(1_705_276_800_000)],
    ['[1,2,3]', SchemaBuilder.array(Schema.INT8).build(), [1, 2, 3]],
  ];
  for (const [literal, schema, value] of table) {
    it(`adds '${literal}' typed as ${schema?.describe() ?? 'null'}`, () => {
      const out = insertHeader.create({ header: 'h', 'value.literal': literal }).apply(source({ headers: HEADERS }));
      const added = out?.headers.toArray().at(-1);
      assert.equal(out?.headers.size, 5);
      assert.equal(added?.key, 'h');
      assert.ok(
        schema === null ? added?.schema === null : schema.equals(added?.schema),
        `schema ${added?.schema?.describe()}`,
      );
      assert.deepEqual(added?.value, value);
    });
  }

  it('appends even when a header with that name exists, on source and sink records', () => {
    const out = insertHeader.create({ header: 'a', 'value.literal': 'x' }).apply(sink({ headers: HEADERS }));
    assert.deepEqual(
      out?.headers.allWithName('a').map((h) => h.value),
      ['1', '3', 'x'],
    );
    assert.equal(out?.offset, 42);
  });

  it('requires header and value.literal', () => {
    assertConfigError(() => insertHeader.create({ header: 'h' }), 'value.literal', 'Missing required');
    assertConfigError(() => insertHeader.create({ 'value.literal': 'x' }), 'header', 'Missing required');
  });
});

describe('Filter', () => {
  it('drops every record', () => {
    const t = filter.create({});
    assert.equal(t.apply(source({ value: 'v' })), null);
    assert.equal(t.apply(sink({})), null);
  });
});
