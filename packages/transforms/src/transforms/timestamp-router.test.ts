import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertConfigError, assertDataError, source } from './fixtures.test.fixture.js';
import { timestampRouter } from './timestamp-router.js';

const TS = 1_483_425_001_864; // 2017-01-03T06:30:01.864Z, as Kafka's TimestampRouterTest

describe('TimestampRouter', () => {
  it('defaults to ${topic}-${timestamp} with yyyyMMdd in UTC', () => {
    const out = timestampRouter.create({}).apply(source({ topic: 'test', timestamp: TS, value: 'v' }));
    assert.equal(out?.topic, 'test-20170103');
    assert.equal(out?.value, 'v');
    assert.equal(out?.timestamp, TS);
  });

  it('applies custom topic and timestamp formats', () => {
    const t = timestampRouter.create({
      'topic.format': 'idx_${timestamp}_${topic}_${topic}',
      'timestamp.format': "yyyy-MM-dd'T'HH",
    });
    assert.equal(t.apply(source({ topic: 'logs', timestamp: TS }))?.topic, 'idx_2017-01-03T06_logs_logs');
    const again = t.apply(source({ topic: 'logs', timestamp: TS + 3_600_000 }));
    assert.equal(again?.topic, 'idx_2017-01-03T07_logs_logs');
    assert.equal(timestampRouter.create({ 'topic.format': 'fixed' }).apply(source({ timestamp: TS }))?.topic, 'fixed');
  });

  it('a record without timestamp is a DataError', () => {
    assertDataError(() => timestampRouter.create({}).apply(source({ topic: 't' })), 'Timestamp missing', "'t'");
  });

  it('rejects an invalid timestamp.format', () => {
    assertConfigError(
      () => timestampRouter.create({ 'timestamp.format': 'yyyyMMddT' }),
      'timestamp.format',
      "Illegal pattern character 'T'",
    );
  });
});
