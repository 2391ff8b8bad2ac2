import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Schema, SchemaBuilder, validateValue } from '@tributary/api';
import { envelope, envelopeSchema, SOURCE_SCHEMA, type SourceInfo, sourceStruct } from './envelope.js';

const ROW = SchemaBuilder.struct().name('p.db.t.Value').optional().field('id', Schema.INT32).build();

const SOURCE: SourceInfo = {
  name: 'p',
  tsMs: 1_700_000_000_000,
  snapshot: 'false',
  db: 'db',
  table: 't',
  serverId: 1,
  gtid: '0-1-5',
  file: 'mariadb-bin.000001',
  pos: 1234,
  row: 2,
  thread: null,
  query: null,
};

describe('Debezium envelope', () => {
  it("has Debezium's MySQL source fields, in order", () => {
    assert.equal(SOURCE_SCHEMA.name, 'io.debezium.connector.mysql.Source');
    assert.deepEqual(
      SOURCE_SCHEMA.fields.map((f) => f.name),
      [
        'version',
        'connector',
        'name',
        'ts_ms',
        'snapshot',
        'db',
        'sequence',
        'table',
        'server_id',
        'gtid',
        'file',
        'pos',
        'row',
        'thread',
        'query',
      ],
    );
    const snapshot = SOURCE_SCHEMA.field('snapshot')!.schema;
    assert.equal(snapshot.name, 'io.debezium.data.Enum');
    assert.equal(snapshot.defaultValue, 'false');
    assert.equal(SOURCE_SCHEMA.field('server_id')!.schema.type, 'int64');
    assert.equal(SOURCE_SCHEMA.field('row')!.schema.type, 'int32');
  });

  it('puts before, after, source, op, ts_ms and transaction in the envelope', () => {
    const schema = envelopeSchema('p.db.t.Envelope', ROW);
    assert.deepEqual(
      schema.fields.map((f) => f.name),
      ['before', 'after', 'source', 'op', 'ts_ms', 'transaction'],
    );
    assert.equal(schema.field('before')!.schema, ROW);
    assert.equal(schema.field('op')!.schema.optional, false);
  });

  it('builds valid source structs and envelopes', () => {
    const source = sourceStruct(SOURCE);
    source.validate();
    validateValue(SOURCE_SCHEMA, source);
    assert.deepEqual(source.toJSON(), {
      version: source.get('version'),
      connector: 'mysql',
      name: 'p',
      ts_ms: '1700000000000',
      snapshot: 'false',
      db: 'db',
      sequence: null,
      table: 't',
      server_id: '1',
      gtid: '0-1-5',
      file: 'mariadb-bin.000001',
      pos: '1234',
      row: 2,
      thread: null,
      query: null,
    });
    const schema = envelopeSchema('p.db.t.Envelope', ROW);
    const value = envelope(schema, 'd', null, null, source, 5);
    value.validate();
    assert.equal(value.get('op'), 'd');
    assert.equal(value.get('ts_ms'), 5n);
    assert.equal(value.get('transaction'), null);
  });
});
