import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectRecord, Predicate, Transformation } from '@tributary/api';
import { TransformationChain } from './chain.js';
import { filter } from './filter.js';
import { assertDataError, source } from './fixtures.test.fixture.js';
import { topicNameMatches } from './predicates/topic-name-matches.js';
import { regexRouter } from './regex-router.js';
import { valueToKey } from './value-to-key.js';

/** A transform that appends its tag to the topic and records what it saw. */
function tagger(tag: string, seen: string[]): Transformation & { closed: number } {
  return {
    closed: 0,
    apply<R extends ConnectRecord>(record: R): R | null {
      seen.push(`${tag}:${record.topic}`);
      return { ...record, topic: `${record.topic}+${tag}` };
    },
    close() {
      this.closed++;
    },
  };
}

describe('TransformationChain', () => {
  it('applies stages in order, each seeing the previous output', () => {
    const seen: string[] = [];
    const chain = new TransformationChain([{ transform: tagger('a', seen) }, { transform: tagger('b', seen) }]);
    const out = chain.apply(source({ topic: 't', value: 'v' }));
    assert.equal(out?.topic, 't+a+b');
    assert.equal(out?.value, 'v');
    assert.deepEqual(seen, ['a:t', 'b:t+a']);
  });

  it('runs a stage only where its predicate holds, or does not with negate, tested on the current record', () => {
    const seen: string[] = [];
    const isT = topicNameMatches.create({ pattern: 't' });
    const chain = new TransformationChain([
      { transform: tagger('a', seen), predicate: isT },
      { transform: tagger('b', seen), predicate: isT },
      { transform: tagger('c', seen), predicate: isT, negate: true },
    ]);
    assert.equal(chain.apply(source({ topic: 't' }))?.topic, 't+a+c');
    assert.equal(chain.apply(source({ topic: 'u' }))?.topic, 'u+c');
    assert.deepEqual(seen, ['a:t', 'c:t+a', 'c:u']);
  });

  it('stops at the first stage that drops the record', () => {
    const seen: string[] = [];
    const chain = new TransformationChain([
      { transform: filter.create({}), predicate: topicNameMatches.create({ pattern: 'drop.*' }) },
      { transform: tagger('after', seen) },
    ]);
    assert.equal(chain.apply(source({ topic: 'drop-me' })), null);
    assert.equal(chain.apply(source({ topic: 'keep' }))?.topic, 'keep+after');
    assert.deepEqual(seen, ['after:keep']);
  });

  it('an empty chain returns the record itself', () => {
    const r = source({});
    assert.equal(new TransformationChain([]).apply(r), r);
  });

  it('composes real SMTs (the documented route + filter example)', () => {
    const chain = new TransformationChain([
      { transform: regexRouter.create({ regex: '(.*)', replacement: 'copy-$1' }) },
      { transform: valueToKey.create({ fields: 'id' }) },
    ]);
    const out = chain.apply(source({ topic: 'orders', value: { id: 7, name: 'pen' } }));
    assert.equal(out?.topic, 'copy-orders');
    assert.deepEqual(out?.key, { id: 7 });
  });

  it('lets a stage error propagate unchanged', () => {
    const chain = new TransformationChain([{ transform: valueToKey.create({ fields: 'id' }) }]);
    assertDataError(() => chain.apply(source({ value: 'not a map' })), 'Map');
  });

  it('closes each transform and predicate once, even when one close fails', () => {
    const seen: string[] = [];
    const a = tagger('a', seen);
    let predicateClosed = 0;
    const shared: Predicate = { test: () => true, close: () => void predicateClosed++ };
    const failing: Transformation = {
      apply: (r) => r,
      close: () => {
        throw new Error('boom');
      },
    };
    const chain = new TransformationChain([
      { transform: failing, predicate: shared },
      { transform: a, predicate: shared },
      { transform: a },
    ]);
    assert.throws(() => chain.close(), /boom/);
    assert.equal(a.closed, 1);
    assert.equal(predicateClosed, 1);
    assert.equal(chain.stages.length, 3);
  });
});
