import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../errors.js';
import { bigintToTwosComplement, Decimal, twosComplementToBigint } from './decimal.js';

describe('Decimal', () => {
  it('parses text exactly, keeping the scale as BigDecimal does', () => {
    const cases: [string, bigint, number, string][] = [
      ['123.45', 12345n, 2, '123.45'],
      ['-0.010', -10n, 3, '-0.010'],
      ['.5', 5n, 1, '0.5'],
      ['7', 7n, 0, '7'],
      ['1e3', 1n, -3, '1000'],
      ['1.5E-3', 15n, 4, '0.0015'],
      ['+42.000', 42000n, 3, '42.000'],
      ['12345678901234567890.123456789', 12345678901234567890123456789n, 9, '12345678901234567890.123456789'],
    ];
    for (const [text, unscaled, scale, back] of cases) {
      const d = Decimal.parse(text);
      assert.equal(d.unscaled, unscaled, text);
      assert.equal(d.scale, scale, text);
      assert.equal(d.toString(), back, text);
    }
  });

  it('rejects text that is not a number with a DataError quoting it', () => {
    for (const bad of ['', 'abc', '1.2.3', '--1', '.', 'e5', '1e']) {
      assert.throws(
        () => Decimal.parse(bad),
        (e: unknown) => e instanceof DataError && e.message.includes(`'${bad}'`),
      );
    }
  });

  it('changes scale exactly and refuses to round', () => {
    assert.equal(Decimal.parse('1.5').withScale(3).toString(), '1.500');
    assert.equal(Decimal.parse('1.500').withScale(1).toString(), '1.5');
    assert.throws(() => Decimal.parse('1.55').withScale(1), DataError);
  });

  it('compares numerically', () => {
    assert.ok(Decimal.parse('1.0').equals(Decimal.parse('1.00')));
    assert.ok(!Decimal.parse('1.01').equals(Decimal.parse('1.00')));
    assert.ok(!Decimal.parse('1').equals(1));
  });

  it('converts numbers through their shortest text, not binary expansion', () => {
    assert.equal(Decimal.fromNumber(0.1).toString(), '0.1');
    assert.throws(() => Decimal.fromNumber(Number.NaN), DataError);
  });

  it("encodes unscaled values like Java's BigInteger.toByteArray", () => {
    const cases: [bigint, number[]][] = [
      [0n, [0]],
      [1n, [1]],
      [-1n, [0xff]],
      [127n, [0x7f]],
      [128n, [0x00, 0x80]],
      [-128n, [0x80]],
      [-129n, [0xff, 0x7f]],
      [12345n, [0x30, 0x39]],
      [255n, [0x00, 0xff]],
      [65536n, [0x01, 0x00, 0x00]],
    ];
    for (const [value, bytes] of cases) {
      assert.deepEqual([...bigintToTwosComplement(value)], bytes, String(value));
      assert.equal(twosComplementToBigint(Uint8Array.from(bytes)), value);
    }
    // "MDk=" is Kafka's documented base64 for 123.45 at scale 2.
    assert.equal(Buffer.from(Decimal.parse('123.45').unscaledBytes()).toString('base64'), 'MDk=');
    assert.throws(() => twosComplementToBigint(new Uint8Array()), DataError);
  });

  it('round-trips large values through bytes', () => {
    for (const text of ['-98765432109876543210.5', '0.000000000000000000001', '3']) {
      const d = Decimal.parse(text);
      assert.ok(Decimal.fromUnscaledBytes(d.unscaledBytes(), d.scale).equals(d));
    }
  });
});
