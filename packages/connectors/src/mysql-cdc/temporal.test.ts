import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floorDiv, parseEpochDay, parseEpochMicros, parseTimeMicros, toZonedTimestamp } from './temporal.js';

describe('MySQL temporal text', () => {
  it('reads dates as days since the epoch, also before 1970 and in the first century', () => {
    assert.equal(parseEpochDay('1970-01-01'), 0);
    assert.equal(parseEpochDay('2024-01-15'), 19737);
    assert.equal(parseEpochDay('1969-12-31'), -1);
    assert.equal(parseEpochDay('0001-01-01'), -719162);
    assert.equal(parseEpochDay('9999-12-31'), 2932896);
  });

  it('gives null for zero dates', () => {
    assert.equal(parseEpochDay('0000-00-00'), null);
    assert.equal(parseEpochDay('2024-00-10'), null);
    assert.equal(parseEpochDay('2024-01-00'), null);
    assert.equal(parseEpochMicros('0000-00-00 00:00:00'), null);
  });

  it('reads datetimes as UTC microseconds with their fraction', () => {
    assert.equal(parseEpochMicros('2024-01-15 10:00:00'), 1705312800000000n);
    assert.equal(parseEpochMicros('2024-01-15 10:00:00.123'), 1705312800123000n);
    assert.equal(parseEpochMicros('2024-01-15 10:00:00.000001'), 1705312800000001n);
    assert.equal(parseEpochMicros('1969-12-31 23:59:59.5'), -500000n);
    assert.equal(parseEpochMicros('2024-01-15'), 1705276800000000n);
  });

  it('reads TIME values, negative and beyond 24 h', () => {
    assert.equal(parseTimeMicros('00:00:00'), 0n);
    assert.equal(parseTimeMicros('12:34:56.78'), 45296780000n);
    assert.equal(parseTimeMicros('-12:34:56.78'), -45296780000n);
    assert.equal(parseTimeMicros('838:59:59'), 3020399000000n);
    assert.equal(parseTimeMicros('nonsense'), null);
  });

  it('formats TIMESTAMP text as ISO-8601 UTC with the column fraction width', () => {
    assert.equal(toZonedTimestamp('2024-01-15 10:00:00', 0), '2024-01-15T10:00:00Z');
    assert.equal(toZonedTimestamp('2024-01-15 10:00:00.1', 3), '2024-01-15T10:00:00.100Z');
    assert.equal(toZonedTimestamp('2024-01-15 10:00:00.123456', 6), '2024-01-15T10:00:00.123456Z');
    assert.equal(toZonedTimestamp('0000-00-00 00:00:00', 0), null);
  });

  it('floors bigint division toward minus infinity', () => {
    assert.equal(floorDiv(-500000n, 1000n), -500n);
    assert.equal(floorDiv(-500001n, 1000n), -501n);
    assert.equal(floorDiv(1999n, 1000n), 1n);
  });
});
