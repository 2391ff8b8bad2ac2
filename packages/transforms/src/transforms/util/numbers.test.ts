import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, Decimal } from '@tributary/api';
import { parseJavaFloat, parseJavaInteger, toFloat32, toIntegerType } from './numbers.js';

describe('integer narrowing', () => {
  it('truncates toward zero and returns bigints for int64', () => {
    assert.equal(toIntegerType(-42.9, 'int32', 'v'), -42);
    assert.equal(toIntegerType(-0.5, 'int32', 'v'), 0);
    assert.ok(Object.is(toIntegerType(-0.5, 'int32', 'v'), 0), 'no negative zero');
    assert.equal(toIntegerType(42.9, 'int64', 'v'), 42n);
    assert.equal(toIntegerType(127n, 'int8', 'v'), 127);
    assert.equal(toIntegerType(new Decimal(-12345n, 2), 'int16', 'v'), -123);
    assert.equal(toIntegerType(new Decimal(5n, -2), 'int64', 'v'), 500n);
  });

  it('refuses values out of range instead of wrapping them as Java does', () => {
    for (const [v, type] of [
      [128, 'int8'],
      [-32769, 'int16'],
      [2 ** 31, 'int32'],
      [2n ** 63n, 'int64'],
      [Number.POSITIVE_INFINITY, 'int64'],
      [new Decimal(5n, -20), 'int64'],
    ] as const) {
      assert.throws(
        () => toIntegerType(v, type, "field 'f'"),
        (e: unknown) => e instanceof DataError && /field 'f'.*out of range/.test(e.message),
      );
    }
  });

  it('parses Java integer literals strictly', () => {
    assert.equal(parseJavaInteger('+42', 'int32', 'v'), 42);
    assert.equal(parseJavaInteger('-9223372036854775808', 'int64', 'v'), -(2n ** 63n));
    for (const bad of ['', ' 1', '1.0', '0x10', '1e3'])
      assert.throws(() => parseJavaInteger(bad, 'int32', 'v'), DataError);
  });

  it('parses Java floating literals', () => {
    assert.equal(parseJavaFloat(' 1.5f ', 'float32', 'v'), 1.5);
    assert.equal(parseJavaFloat('1e3d', 'float64', 'v'), 1000);
    assert.ok(Number.isNaN(parseJavaFloat('NaN', 'float64', 'v')));
    assert.equal(parseJavaFloat('-Infinity', 'float64', 'v'), Number.NEGATIVE_INFINITY);
    assert.equal(parseJavaFloat('.5', 'float64', 'v'), 0.5);
    for (const bad of ['', 'abc', '1,5', '0x1p3']) assert.throws(() => parseJavaFloat(bad, 'float64', 'v'), DataError);
    assert.throws(() => parseJavaFloat('1e39', 'float32', 'v'), /out of range for float32/);
    assert.equal(toFloat32(Number.POSITIVE_INFINITY, 'v'), Number.POSITIVE_INFINITY);
  });
});
