import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CaseFormat, convertCase } from './case-format.js';

describe('convertCase (Guava CaseFormat)', () => {
  // [from, to, input, expected]: expectations of Guava's CaseFormatTest.
  const table: [CaseFormat, CaseFormat, string, string][] = [
    ['LOWER_HYPHEN', 'LOWER_HYPHEN', 'foo-bar', 'foo-bar'],
    ['LOWER_HYPHEN', 'LOWER_UNDERSCORE', 'foo-bar', 'foo_bar'],
    ['LOWER_HYPHEN', 'LOWER_CAMEL', 'foo-bar', 'fooBar'],
    ['LOWER_HYPHEN', 'UPPER_CAMEL', 'foo-bar', 'FooBar'],
    ['LOWER_HYPHEN', 'UPPER_UNDERSCORE', 'foo-bar', 'FOO_BAR'],
    ['LOWER_UNDERSCORE', 'LOWER_HYPHEN', 'foo_bar', 'foo-bar'],
    ['LOWER_UNDERSCORE', 'LOWER_CAMEL', 'foo_bar', 'fooBar'],
    ['LOWER_UNDERSCORE', 'UPPER_CAMEL', 'foo_bar', 'FooBar'],
    ['LOWER_UNDERSCORE', 'UPPER_UNDERSCORE', 'foo_bar', 'FOO_BAR'],
    ['LOWER_CAMEL', 'LOWER_HYPHEN', 'fooBar', 'foo-bar'],
    ['LOWER_CAMEL', 'LOWER_UNDERSCORE', 'fooBar', 'foo_bar'],
    ['LOWER_CAMEL', 'UPPER_CAMEL', 'fooBar', 'FooBar'],
    ['LOWER_CAMEL', 'UPPER_UNDERSCORE', 'fooBar', 'FOO_BAR'],
    ['UPPER_CAMEL', 'LOWER_HYPHEN', 'FooBar', 'foo-bar'],
    ['UPPER_CAMEL', 'LOWER_UNDERSCORE', 'FooBar', 'foo_bar'],
    ['UPPER_CAMEL', 'LOWER_CAMEL', 'FooBar', 'fooBar'],
    ['UPPER_CAMEL', 'UPPER_UNDERSCORE', 'FooBar', 'FOO_BAR'],
    ['UPPER_CAMEL', 'LOWER_UNDERSCORE', 'HTTP', 'h_t_t_p'],
    ['UPPER_CAMEL', 'UPPER_UNDERSCORE', 'H', 'H'],
    ['UPPER_UNDERSCORE', 'LOWER_HYPHEN', 'FOO_BAR', 'foo-bar'],
    ['UPPER_UNDERSCORE', 'LOWER_UNDERSCORE', 'FOO_BAR', 'foo_bar'],
    ['UPPER_UNDERSCORE', 'LOWER_CAMEL', 'FOO_BAR', 'fooBar'],
    ['UPPER_UNDERSCORE', 'UPPER_CAMEL', 'FOO_BAR', 'FooBar'],
    ['UPPER_UNDERSCORE', 'LOWER_CAMEL', 'FIRST_NAME_X', 'firstNameX'],
    ['LOWER_UNDERSCORE', 'LOWER_CAMEL', 'foo', 'foo'],
    ['LOWER_UNDERSCORE', 'LOWER_CAMEL', '', ''],
  ];
  for (const [from, to, input, expected] of table) {
    it(`${from} → ${to}: '${input}' → '${expected}'`, () => {
      assert.equal(convertCase(from, to, input), expected);
    });
  }
});
