import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { crossFieldErrors, effectiveServerId, MYSQL_CDC_SPEC, snapshotMode, splitRegexList } from './config.js';
import { parseConfig } from './source.js';

const base = {
  'database.hostname': '127.0.0.1',
  'database.user': 'cdc',
  'database.password': 'cdc',
  'topic.prefix': 'shop',
};

describe('MySqlCdcSource config', () => {
  it('parses Debezium keys with their defaults', () => {
    const c = MYSQL_CDC_SPEC.parse(base);
    assert.equal(c['database.port'], 3306);
    assert.equal(c['snapshot.mode'], 'initial');
    assert.equal(c['decimal.handling.mode'], 'precise');
    assert.equal(c['time.precision.mode'], 'adaptive_time_microseconds');
    assert.equal(c['bigint.unsigned.handling.mode'], 'long');
    assert.equal(c['tombstones.on.delete'], true);
    assert.equal(c['include.schema.changes'], true);
    assert.equal(c['max.batch.size'], 2048);
    assert.equal(c['database.server.id'], null);
    assert.equal(c['database.password'].reveal(), 'cdc');
    assert.equal(String(c['database.password']), '[hidden]');
  });

  it("accepts Debezium 1.x names (database.server.name, table.whitelist) and 'schema_only' for no_data", () => {
    const c = MYSQL_CDC_SPEC.parse({
      ...base,
      'topic.prefix': undefined,
      'database.server.name': 'legacy',
      'table.whitelist': 'a.b',
      'snapshot.mode': 'SCHEMA_ONLY',
    });
    assert.equal(c['topic.prefix'], 'legacy');
    assert.equal(c['table.include.list'], 'a.b');
    assert.equal(snapshotMode(c), 'no_data');
  });

  it('rejects required keys missing, invalid regexes and bad prefixes', () => {
    const errors = MYSQL_CDC_SPEC.errors({
      'database.user': 'x',
      'topic.prefix': 'has space',
      'table.include.list': 'shop.(orders',
    });
    assert.ok(errors['database.hostname']?.[0]?.includes('Missing required configuration'));
    assert.ok(errors['topic.prefix']?.[0]?.includes('letters, digits'));
    assert.ok(errors['table.include.list']?.[0]?.includes('not a valid regular expression'));
  });

  it('reports include and exclude lists set together, and a queue not larger than the batch', () => {
    const c = MYSQL_CDC_SPEC.parse({
      ...base,
      'table.include.list': 'a.b',
      'table.exclude.list': 'a.c',
      'database.include.list': 'a',
      'database.exclude.list': 'b',
      'max.batch.size': '100',
      'max.queue.size': '100',
    });
    const errors = crossFieldErrors(c);
    assert.deepEqual(Object.keys(errors).sort(), ['database.exclude.list', 'max.queue.size', 'table.exclude.list']);
    assert.throws(
      () => parseConfig({ ...base, 'table.include.list': 'a.b', 'table.exclude.list': 'a.c' }),
      (e: unknown) => e instanceof ConfigError && 'table.exclude.list' in e.fieldErrors,
    );
  });

  it('splits regex lists on commas, keeping escaped ones', () => {
    assert.deepEqual(splitRegexList(' shop.orders , shop\\.a\\,b ,, x{1\\,3}'), [
      'shop.orders',
      'shop\\.a,b',
      'x{1,3}',
    ]);
    assert.deepEqual(splitRegexList(''), []);
  });

  it('derives a stable replication client id from the prefix unless one is configured', () => {
    const a = effectiveServerId(MYSQL_CDC_SPEC.parse(base));
    const b = effectiveServerId(MYSQL_CDC_SPEC.parse(base));
    const other = effectiveServerId(MYSQL_CDC_SPEC.parse({ ...base, 'topic.prefix': 'billing' }));
    assert.equal(a, b);
    assert.notEqual(a, other);
    assert.ok(a >= 5400 && a < 2 ** 31, `${a} out of range`);
    assert.equal(effectiveServerId(MYSQL_CDC_SPEC.parse({ ...base, 'database.server.id': '184054' })), 184054);
  });

  it('has examples that pass their own validation', () => {
    for (const field of MYSQL_CDC_SPEC.fields) {
      for (const example of field.examples) {
        const errors = MYSQL_CDC_SPEC.errors({ ...base, [field.name]: example });
        assert.equal(errors[field.name], undefined, `${field.name}=${example}: ${errors[field.name]}`);
      }
    }
  });
});
