import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cast } from '../cast.js';
import { extractField } from '../extract-field.js';
import { source } from '../fixtures.test.fixture.js';
import { replaceField } from '../replace-field.js';
import { valueToKey } from '../value-to-key.js';
import { copyMap, getEntry, setEntry } from './maps.js';

describe('schemaless map access', () => {
  it('reads own entries only and writes __proto__ as an entry', () => {
    const map: Record<string, unknown> = { a: 1 };
    assert.equal(getEntry(map, 'constructor'), undefined);
    assert.equal(getEntry(map, 'a'), 1);
    setEntry(map, '__proto__', { evil: true });
    assert.equal(Object.getPrototypeOf(map), Object.prototype);
    assert.deepEqual(Object.keys(map), ['a', '__proto__']);
    const copy = copyMap(map);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.deepEqual(getEntry(copy, '__proto__'), { evil: true });
  });

  it('keeps field names such as constructor and __proto__ as data in transforms', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "id": 7}') as Record<string, unknown>;
    const renamed = replaceField.value.create({ renames: 'id:constructor' }).apply(source({ value }))!;
    assert.deepEqual(Object.keys(renamed.value as object), ['__proto__', 'constructor']);
    assert.equal(getEntry(renamed.value as Record<string, unknown>, 'constructor'), 7);
    assert.equal(extractField.value.create({ field: 'constructor' }).apply(source({ value: { id: 1 } }))!.value, null);
    assert.deepEqual(cast.value.create({ spec: 'constructor:string' }).apply(source({ value: { id: 1 } }))!.value, {
      id: 1,
      constructor: null,
    });
    assert.throws(
      () => valueToKey.create({ fields: 'constructor' }).apply(source({ value: { id: 1 } })),
      /Field does not exist/,
    );
  });
});
