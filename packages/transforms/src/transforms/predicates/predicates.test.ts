import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Headers, type Predicate, Schema } from '@tributary/api';
import { TransformationChain } from '../chain.js';
import { filter } from '../filter.js';
import { assertConfigError, source } from '../fixtures.test.fixture.js';
import { hasHeaderKey } from './has-header-key.js';
import { recordIsTombstone } from './record-is-tombstone.js';
import { topicNameMatches } from './topic-name-matches.js';

const WITH_HEADER = source({
  topic: 'orders',
  value: 'v',
  headers: Headers.of([{ key: 'trace', schema: null, value: 1 }]),
});
const TOMBSTONE = source({ topic: 'customers', key: 'k', keySchema: Schema.STRING, value: null });
const PLAIN = source({ topic: 'orders-archive', value: 'v' });

/** Which of the records survive `Filter` under the predicate, plain and negated. */
function survivors(predicate: Predicate, negate: boolean): string[] {
  const chain = new TransformationChain([{ transform: filter.create({}), predicate, negate }]);
  return [
    ['withHeader', WITH_HEADER],
    ['tombstone', TOMBSTONE],
    ['plain', PLAIN],
  ]
    .filter(([, r]) => chain.apply(r as typeof PLAIN) !== null)
    .map(([name]) => name as string);
}

describe('TopicNameMatches', () => {
  it('matches the whole topic name', () => {
    const p = topicNameMatches.create({ pattern: 'orders' });
    assert.equal(p.test(WITH_HEADER), true);
    assert.equal(p.test(PLAIN), false, 'a partial match is no match');
    assert.equal(topicNameMatches.create({ pattern: 'orders.*' }).test(PLAIN), true);
  });

  it('drives Filter with and without negate', () => {
    const p = topicNameMatches.create({ pattern: 'orders' });
    assert.deepEqual(survivors(p, false), ['tombstone', 'plain']);
    assert.deepEqual(survivors(p, true), ['withHeader']);
  });

  it('requires a non-empty valid regex', () => {
    assertConfigError(() => topicNameMatches.create({}), 'pattern', 'Missing required');
    assertConfigError(() => topicNameMatches.create({ pattern: '' }), 'pattern', 'non-empty');
    assertConfigError(() => topicNameMatches.create({ pattern: '[' }), 'pattern', 'Invalid regex');
  });
});

describe('HasHeaderKey', () => {
  it('is true when at least one header has the name', () => {
    const p = hasHeaderKey.create({ name: 'trace' });
    assert.equal(p.test(WITH_HEADER), true);
    assert.equal(p.test(PLAIN), false);
    assert.equal(hasHeaderKey.create({ name: 'other' }).test(WITH_HEADER), false);
  });

  it('drives Filter with and without negate', () => {
    const p = hasHeaderKey.create({ name: 'trace' });
    assert.deepEqual(survivors(p, false), ['tombstone', 'plain']);
    assert.deepEqual(survivors(p, true), ['withHeader']);
  });

  it('requires a non-empty name', () => {
    assertConfigError(() => hasHeaderKey.create({ name: '' }), 'name', 'non-empty');
    assertConfigError(() => hasHeaderKey.create({}), 'name', 'Missing required');
  });
});

describe('RecordIsTombstone', () => {
  it('is true for null values only, whatever the key', () => {
    const p = recordIsTombstone.create({});
    assert.equal(p.test(TOMBSTONE), true);
    assert.equal(p.test(PLAIN), false);
    assert.equal(p.test(source({ value: 0 })), false);
    assert.equal(p.test(source({ value: '' })), false);
  });

  it('drives Filter with and without negate', () => {
    const p = recordIsTombstone.create({});
    assert.deepEqual(survivors(p, false), ['withHeader', 'plain']);
    assert.deepEqual(survivors(p, true), ['tombstone']);
  });
});
