import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { JDBC_SINK_SPEC, JDBC_SOURCE_SPEC, numericMappingOf } from './config.js';
import { jdbcSink, jdbcSource } from './index.js';
import { groupContiguous, JdbcSourceConnector, selectTables } from './source.js';

const url = 'jdbc:postgresql://127.0.0.1:5432/test';
const source = (extra: Record<string, string>) =>
  JDBC_SOURCE_SPEC.errors({ 'connection.url': url, 'topic.prefix': 'p-', mode: 'bulk', ...extra });
const sink = (extra: Record<string, string>) => JDBC_SINK_SPEC.errors({ 'connection.url': url, ...extra });

describe('JdbcSource config', () => {
  it('parses Confluent keys with their defaults', () => {
    const c = JDBC_SOURCE_SPEC.parse({ 'connection.url': url, 'topic.prefix': '', mode: 'incrementing' });
    assert.equal(c['batch.max.rows'], 100);
    assert.equal(c['poll.interval.ms'], 5000);
    assert.equal(c['db.timezone'], 'UTC');
    assert.deepEqual(c['table.types'], ['TABLE']);
    assert.equal(numericMappingOf(c), 'none');
    assert.equal(
      numericMappingOf(
        JDBC_SOURCE_SPEC.parse({
          'connection.url': url,
          'topic.prefix': '',
          mode: 'bulk',
          'numeric.precision.mapping': 'true',
        }),
      ),
      'precision_only',
    );
  });

  it('checks URLs, modes, zones and the rules between keys', () => {
    assert.ok(source({ 'connection.url': 'jdbc:oracle:thin:@x' })['connection.url']);
    assert.ok(source({ mode: 'timestamp' })['timestamp.column.name']);
    assert.deepEqual(source({ mode: 'timestamp', 'timestamp.column.name': 'ts' }), {});
    assert.ok(source({ 'db.timezone': 'Nowhere/Special' })['db.timezone']);
    assert.ok(source({ 'table.whitelist': 'a', 'table.blacklist': 'b' })['table.blacklist']);
    assert.ok(source({ 'table.whitelist': 'a', 'table.include.list': 'b' })['table.include.list']);
    assert.ok(source({ 'table.exclude.list': 'b' })['table.exclude.list']);
    assert.ok(source({ 'table.include.list': '(' })['table.include.list']);
    assert.ok(source({ query: 'SELECT 1', 'table.whitelist': 'a' }).query);
    assert.ok(source({ query: 'SELECT 1', 'topic.prefix': '' })['topic.prefix']);
    assert.ok(source({ query: 'SELECT * FROM t', mode: 'incrementing' })['incrementing.column.name']);
    assert.ok(source({ 'table.types': 'TABLE,SYNONYM' })['table.types']);
  });
});

describe('JdbcSink config', () => {
  it('parses Confluent keys with their defaults', () => {
    const c = JDBC_SINK_SPEC.parse({ 'connection.url': url });
    assert.equal(c['insert.mode'], 'insert');
    assert.equal(c['batch.size'], 3000);
    assert.equal(c['pk.mode'], 'none');
    assert.equal(c['table.name.format'], '${topic}');
    assert.equal(c['max.retries'], 10);
    assert.equal(c['retry.backoff.ms'], 3000);
  });

  it('needs pk.mode=record_key for deletes and a key for upsert/update, as Confluent validates', () => {
    assert.ok(sink({ 'delete.enabled': 'true', 'pk.mode': 'record_value' })['delete.enabled']);
    assert.deepEqual(sink({ 'delete.enabled': 'true', 'pk.mode': 'record_key' }), {});
    assert.ok(sink({ 'insert.mode': 'upsert' })['pk.mode']);
    assert.ok(sink({ 'pk.mode': 'kafka', 'pk.fields': 'a,b' })['pk.fields']);
    assert.throws(() => JDBC_SINK_SPEC.parse({ 'connection.url': url, 'insert.mode': 'update' }), ConfigError);
  });
});

describe('plugins', () => {
  it('carry Confluent class names as aliases and valid examples', () => {
    assert.ok(jdbcSource.aliases.includes('io.confluent.connect.jdbc.JdbcSourceConnector'));
    assert.ok(jdbcSink.aliases.includes('io.confluent.connect.jdbc.JdbcSinkConnector'));
    for (const spec of [JDBC_SOURCE_SPEC, JDBC_SINK_SPEC]) {
      for (const field of spec.fields) {
        for (const example of field.examples) {
          const result = spec.validate({ [field.name]: example }).fields.find((f) => f.name === field.name);
          assert.deepEqual(result?.errors, [], `${field.name}=${example}`);
        }
      }
    }
  });
});

describe('table selection and task split', () => {
  const tables = [
    { schema: 'shop', table: 'orders' },
    { schema: 'shop', table: 'items' },
    { schema: 'audit', table: 'orders' },
  ];
  const select = (extra: Record<string, string>) =>
    selectTables(
      JDBC_SOURCE_SPEC.parse({ 'connection.url': url, 'topic.prefix': '', mode: 'bulk', ...extra }),
      tables,
    ).map((t) => `${t.schema}.${t.table}`);

  it('matches whitelists and blacklists by name or qualified name, include/exclude lists by regex', () => {
    assert.deepEqual(select({}), ['shop.orders', 'shop.items', 'audit.orders']);
    assert.deepEqual(select({ 'table.whitelist': 'orders' }), ['shop.orders', 'audit.orders']);
    assert.deepEqual(select({ 'table.whitelist': 'shop.orders' }), ['shop.orders']);
    assert.deepEqual(select({ 'table.blacklist': 'audit.orders' }), ['shop.orders', 'shop.items']);
    assert.deepEqual(select({ 'table.include.list': 'shop\\..*', 'table.exclude.list': '.*items' }), ['shop.orders']);
    assert.deepEqual(select({ 'table.include.list': 'orders' }), []);
  });

  it('deals tables to tasks in contiguous, nearly equal groups', () => {
    assert.deepEqual(groupContiguous([1, 2, 3, 4, 5], 2), [
      [1, 2, 3],
      [4, 5],
    ]);
    assert.deepEqual(groupContiguous([1, 2], 5), [[1], [2]]);
    assert.deepEqual(groupContiguous([], 3), []);
  });
});

describe('JdbcSource offsets through REST', () => {
  it('accepts Kafka Connect JDBC partitions and offsets, rejects others', () => {
    const c = new JdbcSourceConnector();
    assert.equal(
      c.alterOffsets({}, [
        { partition: { protocol: '1', table: 'shop.orders' }, offset: { incrementing: 42 } },
        { partition: { table: 'orders' }, offset: { timestamp: 1_700_000_000_000, timestamp_nanos: 5 } },
        { partition: { query: 'query' }, offset: null },
      ]),
      true,
    );
    assert.throws(() => c.alterOffsets({}, [{ partition: { file: 'x' }, offset: null }]), ConfigError);
    assert.throws(
      () => c.alterOffsets({}, [{ partition: { table: 'orders' }, offset: { incrementing: 'many' } }]),
      ConfigError,
    );
  });
});
