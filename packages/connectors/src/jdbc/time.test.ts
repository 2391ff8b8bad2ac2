import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '@tributary/api';
import {
  formatDate,
  formatDateTime,
  formatTimeOfDay,
  formatTimestampMillis,
  fromOffsetParts,
  parseDate,
  parseDateTime,
  parseTimeOfDayMillis,
  toOffsetParts,
  UTC,
  zoneOf,
} from './time.js';

const ns = (iso: string, micros = 0): bigint => BigInt(Date.parse(iso)) * 1_000_000n + BigInt(micros) * 1000n;

describe('time zones', () => {
  it('resolves UTC, offsets and IANA ids, and rejects unknown ones', () => {
    assert.equal(zoneOf('UTC')?.sessionName, '+00:00');
    assert.equal(zoneOf('+05:30')?.offsetMinutesAt(0), 330);
    assert.equal(zoneOf('-0800')?.sessionName, '-08:00');
    const paris = zoneOf('Europe/Paris');
    assert.equal(paris?.offsetMinutesAt(Date.parse('2024-01-15T12:00:00Z')), 60);
    assert.equal(paris?.offsetMinutesAt(Date.parse('2024-07-15T12:00:00Z')), 120);
    assert.equal(zoneOf('Mars/Olympus'), undefined);
    assert.equal(zoneOf('+25:00'), undefined);
  });
});

describe('date-time text', () => {
  it('parses wall time in the zone, keeping microseconds', () => {
    assert.equal(parseDateTime('2024-01-15 10:20:30.123456', UTC), ns('2024-01-15T10:20:30.123Z', 456));
    const paris = zoneOf('Europe/Paris')!;
    assert.equal(parseDateTime('2024-07-15 12:00:00', paris), ns('2024-07-15T10:00:00Z'));
  });

  it('honours explicit offsets as PostgreSQL prints timestamptz', () => {
    assert.equal(parseDateTime('2024-01-15 10:20:30.5+02', UTC), ns('2024-01-15T08:20:30.500Z'));
    assert.equal(parseDateTime('2024-01-15 10:20:30+05:30', UTC), ns('2024-01-15T04:50:30Z'));
    assert.equal(parseDateTime('2024-01-15T10:20:30Z', zoneOf('+03:00')!), ns('2024-01-15T10:20:30Z'));
  });

  it('formats instants as wall time with six fraction digits and parses them back', () => {
    const zone = zoneOf('America/New_York')!;
    const instant = ns('2024-03-10T12:34:56.789Z', 12);
    const text = formatDateTime(instant, zone);
    assert.equal(text, '2024-03-10 08:34:56.789012');
    assert.equal(parseDateTime(text, zone), instant);
  });

  it('formats Connect Date, Time and Timestamp values', () => {
    assert.equal(formatDate(new Date(Date.UTC(2024, 0, 15))), '2024-01-15');
    assert.equal(formatTimeOfDay(new Date(37_230_123)), '10:20:30.123');
    assert.equal(
      formatTimestampMillis(new Date('2024-01-15T10:20:30.007Z'), zoneOf('+01:00')!),
      '2024-01-15 11:20:30.007',
    );
    assert.throws(() => formatTimeOfDay(new Date(86_400_000)), DataError);
  });

  it('parses dates and times of day, refusing MySQL TIME values beyond a day', () => {
    assert.equal(parseDate('2024-01-15').getTime(), Date.UTC(2024, 0, 15));
    assert.equal(parseDate('2024-02-29').toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(parseDate('0050-06-01').getUTCFullYear(), 50);
    assert.equal(parseDateTime('2000-02-29 12:00:00', UTC), ns('2000-02-29T12:00:00Z'));
    assert.equal(parseTimeOfDayMillis('10:20:30.123456'), 37_230_123);
    assert.equal(parseTimeOfDayMillis('23:59:59'), 86_399_000);
    assert.throws(() => parseTimeOfDayMillis('838:59:59'), DataError);
    assert.throws(() => parseDateTime('infinity', UTC), DataError);
  });

  it('splits instants into Kafka Connect offset parts and back, exactly', () => {
    const instant = ns('2024-01-15T10:20:30.123Z', 456);
    const parts = toOffsetParts(instant);
    assert.deepEqual(parts, { timestamp: Date.parse('2024-01-15T10:20:30.123Z'), timestamp_nanos: 123_456_000 });
    assert.equal(fromOffsetParts(parts.timestamp, parts.timestamp_nanos), instant);
    assert.equal(fromOffsetParts(parts.timestamp, undefined), ns('2024-01-15T10:20:30.123Z'));
    const before = ns('1969-12-31T23:59:59.250Z', 1);
    const p2 = toOffsetParts(before);
    assert.equal(fromOffsetParts(p2.timestamp, p2.timestamp_nanos), before);
  });
});
