import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectError } from '@tributary/api';
import { mysqlDialect } from '../dialect/mysql.js';
import { postgresDialect } from '../dialect/postgres.js';
import { decodeOffset, encodeOffset, legacyTablePartition, QUERY_PARTITION, tablePartition } from './offsets.js';
import { incrementalParams, incrementalQuery, timestampGroupQuery, timestampOffsets } from './query.js';

const base = 'SELECT * FROM "s"."t"';

describe('incremental queries', () => {
  it('append the WHERE, ORDER BY and LIMIT of each mode', () => {
    assert.equal(
      incrementalQuery(
        postgresDialect,
        base,
        { mode: 'incrementing', incrementingColumn: 'id', timestampColumns: [] },
        100,
      ),
      'SELECT * FROM "s"."t" WHERE "id" > $1 ORDER BY "id" ASC LIMIT 100',
    );
    assert.equal(
      incrementalQuery(
        postgresDialect,
        base,
        { mode: 'timestamp', incrementingColumn: null, timestampColumns: ['ts'] },
        5,
      ),
      'SELECT * FROM "s"."t" WHERE "ts" > $1 AND "ts" < $2 ORDER BY "ts" ASC LIMIT 5',
    );
    assert.equal(
      incrementalQuery(
        mysqlDialect,
        'SELECT * FROM `t`',
        { mode: 'timestamp+incrementing', incrementingColumn: 'id', timestampColumns: ['updated', 'created'] },
        10,
      ),
      'SELECT * FROM `t` WHERE COALESCE(`updated`,`created`) < ? AND ((COALESCE(`updated`,`created`) = ? AND `id` > CAST(? AS DECIMAL(65,0))) ' +
        'OR COALESCE(`updated`,`created`) > ?) ORDER BY COALESCE(`updated`,`created`),`id` ASC LIMIT 10',
    );
    assert.equal(
      incrementalQuery(postgresDialect, base, { mode: 'bulk', incrementingColumn: null, timestampColumns: [] }, null),
      base,
    );
  });

  it('bind parameters in placeholder order', () => {
    const v = { lastIncrementing: 'inc', lastTimestamp: 'last', end: 'end' };
    assert.deepEqual(incrementalParams('incrementing', v), ['inc']);
    assert.deepEqual(incrementalParams('timestamp', v), ['last', 'end']);
    assert.deepEqual(incrementalParams('timestamp+incrementing', v), ['end', 'last', 'inc', 'last']);
    assert.deepEqual(incrementalParams('bulk', v), []);
  });

  it('read whole groups of equal timestamps', () => {
    assert.equal(timestampGroupQuery(postgresDialect, base, ['ts']), 'SELECT * FROM "s"."t" WHERE "ts" = $1');
  });

  it('advance a timestamp offset only past the end of a group of equal timestamps', () => {
    const cmp = (a: number, b: number) => a - b;
    assert.deepEqual(timestampOffsets([1, 2, 2, 2, 3], 0, cmp), [1, 1, 1, 2, 3]);
    assert.deepEqual(timestampOffsets([5, 5], 4, cmp), [4, 5]);
    assert.deepEqual(timestampOffsets([], 4, cmp), []);
  });
});

describe('source partitions and offsets', () => {
  it('use Kafka Connect JDBC shapes', () => {
    assert.deepEqual(tablePartition('shop.orders'), { protocol: '1', table: 'shop.orders' });
    assert.deepEqual(legacyTablePartition('orders'), { table: 'orders' });
    assert.deepEqual(QUERY_PARTITION, { query: 'query' });
  });

  it('round-trip incrementing ids (beyond 2^53 as strings) and nanosecond timestamps', () => {
    const positions = [
      { incrementing: 42n, timestamp: null },
      { incrementing: 2n ** 62n, timestamp: null },
      { incrementing: null, timestamp: 1_705_314_030_123_456_000n },
      { incrementing: 7n, timestamp: -1_000_001_000n },
    ];
    for (const p of positions) assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(encodeOffset(p)))), p);
    assert.deepEqual(encodeOffset({ incrementing: 2n ** 62n, timestamp: null }), {
      incrementing: '4611686018427387904',
    });
    assert.deepEqual(encodeOffset({ incrementing: null, timestamp: 1_705_314_030_123_456_000n }), {
      timestamp: 1_705_314_030_123,
      timestamp_nanos: 123_456_000,
    });
  });

  it('read offsets written by Kafka Connect (no timestamp_nanos) and reject malformed ones', () => {
    assert.deepEqual(decodeOffset({ timestamp: 1000 }), { incrementing: null, timestamp: 1_000_000_000n });
    assert.deepEqual(decodeOffset(null), { incrementing: null, timestamp: null });
    assert.throws(() => decodeOffset({ incrementing: 1.5 }), ConnectError);
    assert.throws(() => decodeOffset({ timestamp: 'yesterday' }), ConnectError);
  });
});
