import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimpleDateFormat } from './simple-date-format.js';

const INSTANT = Date.UTC(2024, 0, 15, 14, 5, 9, 7); // Monday 2024-01-15T14:05:09.007Z
const NOW = Date.UTC(2024, 5, 1);

describe('SimpleDateFormat.format (UTC, US locale)', () => {
  const table: [string, number, string][] = [
    ["yyyy-MM-dd'T'HH:mm:ss.SSSZ", INSTANT, '2024-01-15T14:05:09.007+0000'],
    ['yyyyMMdd', INSTANT, '20240115'],
    ['y yy yyy yyyy yyyyy', INSTANT, '2024 24 2024 2024 02024'],
    ['M MM MMM MMMM', INSTANT, '1 01 Jan January'],
    ['L LL LLL LLLL', INSTANT, '1 01 Jan January'],
    ['d dd D DDD', INSTANT, '15 15 15 015'],
    ['E EEE EEEE u', INSTANT, 'Mon Mon Monday 1'],
    ['h hh a', INSTANT, '2 02 PM'],
    ['H HH k K', INSTANT, '14 14 14 2'],
    ['m mm s ss', INSTANT, '5 05 9 09'],
    ['S SS SSS SSSS', INSTANT, '7 07 007 0007'],
    ['z zzzz Z X XX XXX', INSTANT, 'UTC Coordinated Universal Time +0000 Z Z Z'],
    ['G w W F', INSTANT, 'AD 3 3 3'],
    ["'o''clock' ''", INSTANT, "o'clock '"],
    ['k h K a', Date.UTC(2024, 0, 15, 0, 30), '24 12 0 AM'],
    ["YYYY-'W'ww", Date.UTC(2024, 11, 31), '2025-W01'],
    ["YYYY-'W'ww", Date.UTC(2024, 0, 1), '2024-W01'],
    ['yyyy-MM-dd HH:mm:ss.SSS', -1, '1969-12-31 23:59:59.999'],
    ['EEEE', Date.UTC(2024, 0, 14), 'Sunday'],
  ];
  for (const [pattern, instant, expected] of table) {
    it(`'${pattern}' → '${expected}'`, () => {
      assert.equal(new SimpleDateFormat(pattern).format(instant), expected);
      assert.equal(new SimpleDateFormat(pattern).format(new Date(instant)), expected);
    });
  }
});

describe('SimpleDateFormat.parse (lenient, UTC)', () => {
  const table: [string, string, number][] = [
    ['yyyy-MM-dd', '2024-01-15', Date.UTC(2024, 0, 15)],
    ['yyyy MM dd HH mm ss SSS z', '1970 01 02 00 00 01 234 UTC', 86_401_234],
    ['yyyyMMddHHmmss', '20240115140509', Date.UTC(2024, 0, 15, 14, 5, 9)],
    ['yyyy-MM-dd', '2024-13-01', Date.UTC(2025, 0, 1)],
    ['yyyy-MM-dd', '2024-1-5', Date.UTC(2024, 0, 5)],
    ['yyyy-MM-dd', '2024-01-15T10:00:00Z', Date.UTC(2024, 0, 15)],
    ['yy-MM-dd', '24-01-15', Date.UTC(2024, 0, 15)],
    ['yy-MM-dd', '50-01-15', Date.UTC(1950, 0, 15)],
    ['yy-MM-dd', '2024-01-15', Date.UTC(2024, 0, 15)],
    ['yyyy-MM-dd HH:mm Z', '2024-01-15 14:05 +0100', Date.UTC(2024, 0, 15, 13, 5)],
    ["yyyy-MM-dd'T'HH:mm:ssX", '2024-01-15T14:05:09Z', Date.UTC(2024, 0, 15, 14, 5, 9)],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2024-01-15T14:05:09-05:30', Date.UTC(2024, 0, 15, 19, 35, 9)],
    ['yyyy-MM-dd HH:mm z', '2024-01-15 14:05 GMT+02:00', Date.UTC(2024, 0, 15, 12, 5)],
    ['dd MMM yyyy', '15 jan 2024', Date.UTC(2024, 0, 15)],
    ['EEE, dd MMMM yyyy', 'Monday, 15 January 2024', Date.UTC(2024, 0, 15)],
    ['yyyy-MM-dd hh a', '2024-01-15 02 PM', Date.UTC(2024, 0, 15, 14)],
    ['yyyy-MM-dd hh a', '2024-01-15 12 AM', Date.UTC(2024, 0, 15, 0)],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-01-15 14:05:09.1234', Date.UTC(2024, 0, 15, 14, 5, 10, 234)],
    ['yyyy-DDD', '2024-046', Date.UTC(2024, 1, 15)],
    ["HH:mm:ss.SSS'Z'", '12:34:56.789Z', 45_296_789],
  ];
  for (const [pattern, text, expected] of table) {
    it(`'${text}' with '${pattern}' → ${new Date(expected).toISOString()}`, () => {
      assert.equal(new SimpleDateFormat(pattern, NOW).parse(text).getTime(), expected);
    });
  }

  const rejected: [string, string][] = [
    ['yyyy', 'abc'],
    ['yyyy-MM-dd', '2024/01/15'],
    ['yyyy-MM-dd', '2024-01'],
    ['yyyyMMdd', '202401'],
    ['dd MMM yyyy', '15 foo 2024'],
    ['HH:mm X', '10:00 PST'],
  ];
  for (const [pattern, text] of rejected) {
    it(`rejects '${text}' with '${pattern}'`, () => {
      assert.throws(() => new SimpleDateFormat(pattern).parse(text), /does not match pattern/);
    });
  }
});

describe('SimpleDateFormat patterns', () => {
  for (const [pattern, message] of [
    ['yyyy-MM-ddTHH', "Illegal pattern character 'T'"],
    ["yyyy 'unterminated", 'Unterminated quote'],
    ['XXXX', 'invalid ISO 8601 format: length=4'],
    ['yyyy-MM-dd b', "Illegal pattern character 'b'"],
  ]) {
    it(`rejects '${pattern}'`, () => {
      assert.throws(() => new SimpleDateFormat(pattern!), new RegExp(message!));
    });
  }
});
