import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SingleFieldPath } from './field-path.js';

describe('SingleFieldPath', () => {
  it('V1 takes the whole text as one field name, dots included', () => {
    assert.deepEqual(new SingleFieldPath('foo.bar', 'V1').steps, ['foo.bar']);
  });

  // [path, steps], including the cases of Kafka's FieldPathNotationTest
  const v2: [string, string[]][] = [
    ['..', ['', '', '']],
    ['foo..', ['foo', '', '']],
    ['.bar.', ['', 'bar', '']],
    ['..baz', ['', '', 'baz']],
    ['foo`bar`baz', ['foo`bar`baz']],
    ['`foo.bar.baz`', ['foo.bar.baz']],
    ['foo.`bar`.baz', ['foo', 'bar', 'baz']],
    ['foo.``bar.baz`', ['foo', '`bar.baz']],
    ['foo.`bar.baz``', ['foo', 'bar.baz`']],
    ['foo.`ba`r.baz`', ['foo', 'ba`r.baz']],
    ['foo.ba`r.baz', ['foo', 'ba`r', 'baz']],
    ['foo.``bar``.baz', ['foo', '`bar`', 'baz']],
    ['``foo.bar.baz``', ['`foo.bar.baz`']],
    ['foo.`bar\\`.baz`', ['foo', 'bar`.baz']],
    ['foo.`bar.`baz`', ['foo', 'bar.`baz']],
    ['foo.`bar\\`.`baz`', ['foo', 'bar`.`baz']],
    ['foo.`bar\\\\`.\\`baz`', ['foo', 'bar\\`.\\`baz']],
    ['foo', ['foo']],
    ['foo.bar', ['foo', 'bar']],
    ['foo.bar.baz', ['foo', 'bar', 'baz']],
    ['`foo.bar`.baz', ['foo.bar', 'baz']],
    ['foo.`bar.baz`', ['foo', 'bar.baz']],
    ['`foo`', ['foo']],
    ['`foo`bar`', ['foo`bar']],
    ['`fo\\`.o`.bar', ['fo`.o', 'bar']],
    ['foo.', ['foo', '']],
    ['.foo', ['', 'foo']],
    ['', []],
  ];
  for (const [path, steps] of v2) {
    it(`V2 '${path}' → ${JSON.stringify(steps)}`, () => {
      assert.deepEqual(new SingleFieldPath(path, 'V2').steps, steps);
    });
  }

  const incomplete: [string, number][] = [
    ['`foo.bar.baz', 0],
    ['foo.`bar.baz', 4],
    ['foo.bar.`baz', 8],
    ['foo.bar.`baz\\`', 8],
  ];
  for (const [bad, position] of incomplete) {
    it(`V2 rejects the incomplete backtick pair in '${bad}'`, () => {
      assert.throws(
        () => new SingleFieldPath(bad, 'V2'),
        new RegExp(
          `Incomplete backtick pair in path: \\[.*\\], consider adding a backslash before backtick at position ${position} `,
        ),
      );
    });
  }
});
