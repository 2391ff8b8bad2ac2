import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decimal } from '@tributary/api';
import {
  base64,
  isoDateText,
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  javaSplit,
} from './java-text.js';

describe('Java number texts', () => {
  const doubles: [number, string][] = [
    [42, '42.0'],
    [-0.5, '-0.5'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.001, '0.001'],
    [1e-4, '1.0E-4'],
    [1.25e-5, '1.25E-5'],
    [9_999_999, '9999999.0'],
    [10_000_000, '1.0E7'],
    [1.2345e21, '1.2345E21'],
    [9.223372036854776e18, '9.223372036854776E18'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ];
  for (const [n, text] of doubles) {
    it(`Double.toString(${n}) = ${text}`, () => assert.equal(javaDoubleToString(n), text));
  }

  const floats: [number, string][] = [
    [Math.fround(3.14), '3.14'],
    [Math.fround(0.1), '0.1'],
    [Math.fround(1e10), '1.0E10'],
    [32, '32.0'],
    [Math.fround(16777217), '1.6777216E7'],
  ];
  for (const [n, text] of floats) {
    it(`Float.toString(${n}) = ${text}`, () => assert.equal(javaFloatToString(n), text));
  }

  const decimals: [Decimal, string][] = [
    [new Decimal(12345n, 2), '123.45'],
    [new Decimal(-5n, 0), '-5'],
    [new Decimal(1n, -3), '1E+3'],
    [new Decimal(123n, -2), '1.23E+4'],
    [new Decimal(1n, 6), '0.000001'],
    [new Decimal(1n, 7), '1E-7'],
    [new Decimal(-15n, 9), '-1.5E-8'],
    [new Decimal(0n, 2), '0.00'],
  ];
  for (const [d, text] of decimals) {
    it(`BigDecimal.toString(${d.unscaled}e-${d.scale}) = ${text}`, () => assert.equal(javaBigDecimalToString(d), text));
  }
});

describe('isoDateText', () => {
  it('prints times of day, dates and timestamps as Values.dateFormatFor in UTC', () => {
    assert.equal(isoDateText(new Date(45_296_789)), '12:34:56.789Z');
    assert.equal(isoDateText(new Date(Date.UTC(2024, 0, 15))), '2024-01-15');
    assert.equal(isoDateText(new Date(Date.UTC(2024, 0, 15, 1))), '2024-01-15T01:00:00.000Z');
  });
});

describe('javaSplit and base64', () => {
  it('splits as String.split, dropping trailing empty strings', () => {
    assert.deepEqual(javaSplit('a:b', ':'), ['a', 'b']);
    assert.deepEqual(javaSplit('a:', ':'), ['a']);
    assert.deepEqual(javaSplit(':b', ':'), ['', 'b']);
    assert.deepEqual(javaSplit('', ':'), ['']);
    assert.deepEqual(javaSplit('a::b::', ':'), ['a', '', 'b']);
  });

  it('encodes base64 with padding, honouring the view of a larger buffer', () => {
    const big = new Uint8Array([9, 1, 2, 3, 9]);
    assert.equal(base64(big.subarray(1, 4)), 'AQID');
    assert.equal(base64(new Uint8Array([1])), 'AQ==');
  });
});
