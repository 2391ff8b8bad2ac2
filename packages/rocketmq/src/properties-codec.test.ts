import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from './errors.js';
import { decodeProperties, encodeProperties } from './properties-codec.js';

test('properties round trip, unicode included', () => {
  const props = { TAGS: 'a', KEYS: 'k1 k2', 'user.key': 'välue ✓', empty: '' };
  const s = encodeProperties(props);
  assert.equal(s, 'TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002user.key\u0001välue ✓\u0002empty\u0001\u0002');
  assert.deepEqual(decodeProperties(s), props);
});

test('decoding tolerates a missing final separator and skips entries without a name/value separator', () => {
  assert.deepEqual(decodeProperties('a\u0001b\u0002c\u0001d'), { a: 'b', c: 'd' });
  assert.deepEqual(decodeProperties('junk\u0002a\u0001b\u0002'), { a: 'b' });
  assert.deepEqual(decodeProperties(''), {});
});

test('separator characters inside keys or values are refused', () => {
  assert.throws(() => encodeProperties({ 'a\u0001': 'b' }), InvalidArgumentError);
  assert.throws(() => encodeProperties({ a: 'b\u0002' }), InvalidArgumentError);
});
