import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Decimal, Logical, Schema, SchemaBuilder, Struct, sinkRecord } from '@tributary/api';
import { ActionBuilder, type BulkAction, changeEvent, Skipped } from './actions.js';
import { ELASTICSEARCH_SINK_SPEC } from './config.js';

function builder(overrides: Record<string, string> = {}): ActionBuilder {
  return new ActionBuilder(ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': 'http://127.0.0.1:9200', ...overrides }));
}

const KEY = SchemaBuilder.struct().name('shop.orders.Key').field('id', Schema.INT32).build();
const ROW = SchemaBuilder.struct()
  .name('shop.orders.Value')
  .field('id', Schema.INT32)
  .field('price', Logical.decimal(2))
  .optional()
  .build();
const ENVELOPE = SchemaBuilder.struct()
  .name('shop.orders.Envelope')
  .field('before', ROW)
  .field('after', ROW)
  .field('op', Schema.STRING)
  .field('ts_ms', Schema.OPTIONAL_INT64)
  .build();

const row = (id: number, price: string) => new Struct(ROW).put('id', id).put('price', Decimal.parse(price));
const key = (id: number) => new Struct(KEY).put('id', id);
const record = (value: unknown, valueSchema: Schema | null, k: unknown = key(1), offset = 7) =>
  sinkRecord({
    topic: 'Shop.Orders',
    queue: 2,
    offset,
    keySchema: k === null ? null : KEY,
    key: k,
    valueSchema,
    value,
  });

function action(result: BulkAction | Skipped): BulkAction {
  assert.ok(!(result instanceof Skipped), `skipped: ${(result as Skipped).reason}`);
  return result;
}

describe('bulk actions', () => {
  it('indexes under the key as id into the lower-cased topic index', () => {
    const a = action(builder().build(record(row(1, '9.90'), ROW)));
    assert.equal(a.kind, 'index');
    assert.equal(a.index, 'shop.orders');
    assert.equal(a.id, '1');
    assert.equal(a.lines, '{"index":{"_index":"shop.orders","_id":"1"}}\n{"id":1,"price":9.90}\n');
    assert.equal(a.schema, ROW);
  });

  it('uses topic+queue+offset ids with key.ignore=true (and for topics in topic.key.ignore)', () => {
    assert.equal(
      action(builder({ 'key.ignore': 'true' }).build(record(row(1, '1.00'), ROW, null))).id,
      'Shop.Orders+2+7',
    );
    assert.equal(
      action(builder({ 'topic.key.ignore': 'Shop.Orders' }).build(record(row(1, '1.00'), ROW))).id,
      'Shop.Orders+2+7',
    );
  });

  it('writes upserts as updates with doc_as_upsert', () => {
    const a = action(builder({ 'write.method': 'upsert' }).build(record({ n: 1 }, null)));
    assert.equal(a.kind, 'update');
    assert.equal(a.lines, '{"update":{"_index":"shop.orders","_id":"1"}}\n{"doc":{"n":1},"doc_as_upsert":true}\n');
  });

  it('handles null values per behavior.on.null.values', () => {
    const tombstone = record(null, null);
    assert.throws(() => builder().build(tombstone), DataError, 'fail is the default');
    assert.ok(builder({ 'behavior.on.null.values': 'ignore' }).build(tombstone) instanceof Skipped);
    const del = action(builder({ 'behavior.on.null.values': 'DELETE' }).build(tombstone));
    assert.equal(del.kind, 'delete');
    assert.equal(del.lines, '{"delete":{"_index":"shop.orders","_id":"1"}}\n');
    const noKey = builder({ 'behavior.on.null.values': 'delete', 'key.ignore': 'true' }).build(tombstone);
    assert.ok(noKey instanceof Skipped && /key.ignore/.test(noKey.reason));
  });

  it('refuses values that are not documents and null keys used as ids', () => {
    assert.throws(() => builder().build(record('text', Schema.STRING)), /not a document/);
    assert.throws(() => builder().build(record([1, 2], null)), /not a document/);
    assert.throws(() => builder().build(record({ a: 1 }, null, null)), /key is null/);
  });

  it('unwraps Debezium change events with debezium.unwrap=true', () => {
    const b = builder({ 'debezium.unwrap': 'true' });
    const event = (op: string, before: Struct | null, after: Struct | null) =>
      new Struct(ENVELOPE).put('op', op).put('before', before).put('after', after);
    for (const op of ['c', 'r', 'u']) {
      const a = action(b.build(record(event(op, row(1, '1.00'), row(1, '2.50')), ENVELOPE)));
      assert.equal(a.kind, 'index');
      assert.equal(a.lines, '{"index":{"_index":"shop.orders","_id":"1"}}\n{"id":1,"price":2.50}\n');
      assert.equal(a.schema, ROW);
    }
    const del = action(b.build(record(event('d', row(1, '2.50'), null), ENVELOPE)));
    assert.equal(del.kind, 'delete');
    assert.equal(del.id, '1');
    assert.ok(b.build(record(event('t', null, null), ENVELOPE)) instanceof Skipped);
    // Schemaless envelopes (JsonConverter with schemas.enable=false) and keys {"id": 1}.
    const plain = action(b.build(record({ op: 'u', before: null, after: { id: 1, name: 'x' } }, null, { id: 1 })));
    assert.equal(plain.lines, '{"index":{"_index":"shop.orders","_id":"1"}}\n{"id":1,"name":"x"}\n');
    // Without the option the envelope is the document.
    const raw = action(builder().build(record(event('c', null, row(1, '1.00')), ENVELOPE)));
    assert.match(raw.lines, /"op":"c"/);
  });

  it('recognises change events only by an op string and an after field', () => {
    assert.equal(changeEvent({ op: 'c' }), null);
    assert.equal(changeEvent({ op: 1, after: {} }), null);
    assert.equal(changeEvent(new Struct(ROW).put('id', 1).put('price', Decimal.parse('1.00'))), null);
    assert.deepEqual(changeEvent({ op: 'd', after: null }), { op: 'd', after: null, afterSchema: null });
  });
});

describe('config', () => {
  it('has examples that validate and a doc for every key', () => {
    for (const field of ELASTICSEARCH_SINK_SPEC.fields) {
      assert.ok(field.doc.length > 0, field.name);
      for (const example of field.examples) {
        const result = ELASTICSEARCH_SINK_SPEC.validate({ 'connection.url': 'http://a:9200', [field.name]: example });
        assert.deepEqual(result.fields.find((f) => f.name === field.name)?.errors, [], `${field.name}=${example}`);
      }
    }
  });

  it('has the Confluent defaults', () => {
    const c = ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': 'http://a:9200' });
    assert.equal(c['batch.size'], 2000);
    assert.equal(c['max.in.flight.requests'], 5);
    assert.equal(c['linger.ms'], 1);
    assert.equal(c['flush.timeout.ms'], 180_000);
    assert.equal(c['max.retries'], 5);
    assert.equal(c['retry.backoff.ms'], 100);
    assert.equal(c['connection.timeout.ms'], 1000);
    assert.equal(c['read.timeout.ms'], 3000);
    assert.equal(c['key.ignore'], false);
    assert.equal(c['schema.ignore'], false);
    assert.equal(c['behavior.on.null.values'], 'fail');
    assert.equal(c['behavior.on.malformed.documents'], 'fail');
    assert.equal(c['write.method'], 'insert');
    assert.equal(c['connection.password'], null);
  });

  it('refuses bad URLs and credentials in URLs, and never prints the password', () => {
    assert.throws(() => ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': 'ftp://a' }), /not an http/);
    assert.throws(() => ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': 'http://u:p@a:9200' }), /credentials/);
    assert.throws(() => ELASTICSEARCH_SINK_SPEC.parse({}), /connection.url/);
    const c = ELASTICSEARCH_SINK_SPEC.parse({ 'connection.url': 'a:9200', 'connection.password': 's3cret' });
    assert.equal(String(c['connection.password']), '[hidden]');
    assert.ok(!JSON.stringify(c).includes('s3cret'));
  });
});
