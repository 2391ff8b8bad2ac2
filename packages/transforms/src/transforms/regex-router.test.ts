import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertConfigError, source } from './fixtures.test.fixture.js';
import { regexRouter } from './regex-router.js';

function route(regex: string, replacement: string, topic: string): string {
  const record = source({ topic, value: 'v' });
  const out = regexRouter.create({ regex, replacement }).apply(record);
  assert.ok(out !== null);
  assert.equal(out.value, 'v');
  return out.topic;
}

describe('RegexRouter', () => {
  // The cases of Kafka's RegexRouterTest, plus Java replacement details.
  const table: [string, string, string, string][] = [
    ['', 'prefix', 'orig', 'orig'],
    ['(.*)', 'prefix-$1', 'orig', 'prefix-orig'],
    ['(.*)', '$1-suffix', 'orig', 'orig-suffix'],
    ['(.*)', 'prefix-$1-suffix', 'orig', 'prefix-orig-suffix'],
    ['(.*)', '$1$1', 'orig', 'origorig'],
    ['(.*)', '$1', 'orig', 'orig'],
    ['(.*)', '$1', '', ''],
    ['(.*)', 'a', '', 'a'],
    ['someprefix-(.*)', 'prefix-$1', 'someprefix-orig', 'prefix-orig'],
    ['(.*)-somesuffix', '$1-suffix', 'orig-somesuffix', 'orig-suffix'],
    ['someprefix-(.*)-somesuffix', 'prefix-$1-suffix', 'someprefix-orig-somesuffix', 'prefix-orig-suffix'],
    ['(\\w+)\\.(\\w+)\\.(\\w+)', '$3', 'db.inventory.customers', 'customers'],
    ['(?<db>\\w+)\\.(?<table>\\w+)', '${table}_${db}', 'shop.orders', 'orders_shop'],
    ['(.*)', 'cost\\$1', 'orig', 'cost$1'],
    ['(.*)', '$10', 'orig', 'orig0'],
    ['(?i)ORDERS', 'o', 'orders', 'o'],
    ['orders', 'o', 'my-orders', 'my-orders'],
    ['a|ab', 'X', 'ab', 'Xb'],
  ];
  for (const [regex, replacement, topic, expected] of table) {
    it(`'${regex}' / '${replacement}': '${topic}' → '${expected}'`, () => {
      assert.equal(route(regex, replacement, topic), expected);
    });
  }

  it('keeps the record object when the topic does not match', () => {
    const record = source({ topic: 'other' });
    assert.equal(regexRouter.create({ regex: 'orders', replacement: 'x' }).apply(record), record);
  });

  it('rejects invalid regexes and replacements with group references the regex lacks', () => {
    assertConfigError(() => regexRouter.create({ regex: '(', replacement: 'x' }), 'regex', 'Invalid regex');
    assertConfigError(() => regexRouter.create({ regex: 'a*+', replacement: 'x' }), 'regex', 'Invalid regex');
    assertConfigError(() => regexRouter.create({ regex: '(.*)', replacement: '$2' }), 'replacement', 'No group 2');
    assertConfigError(
      () => regexRouter.create({ regex: '(.*)', replacement: '$' }),
      'replacement',
      'group index is missing',
    );
    assertConfigError(
      () => regexRouter.create({ regex: '(.*)', replacement: '${x}' }),
      'replacement',
      'No group with name',
    );
    assertConfigError(() => regexRouter.create({ regex: '.*' }), 'replacement', 'Missing required');
  });
});
