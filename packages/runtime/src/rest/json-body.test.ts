import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestError } from './errors.js';
import { locateJsonError, parseJsonBody } from './json-body.js';

describe('JSON request bodies', () => {
  it('parses JSON; an empty body is undefined', () => {
    assert.deepEqual(parseJsonBody('{"a": [1, true, null, "x"]}'), { a: [1, true, null, 'x'] });
    assert.equal(parseJsonBody('  \n'), undefined);
  });

  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{}', '[]', '"s"', '-0.5e+3', ' {"a": {"b": [1, 2, {"c": "\\u00e9\\n"}]}} ', 'null']) {
      assert.equal(locateJsonError(text), null, text);
      JSON.parse(text);
    }
  });

  it('locates the first error with line, column and what was expected', () => {
    const cases: [string, number, number, number, RegExp][] = [
      ['{"a": }', 6, 1, 7, /expected a value/],
      ['{"a": 1,}', 8, 1, 9, /property name/],
      ['{"a" 1}', 5, 1, 6, /':'/],
      ['{"a": 1 "b": 2}', 8, 1, 9, /',' or '}'/],
      ['[1, 2', 5, 1, 6, /end of input/],
      ['{\n  "a": "x\ny"}', 11, 2, 10, /control character/],
      ['{"a": "\\q"}', 8, 1, 9, /invalid escape/],
      ['{"a": 01}', 7, 1, 8, /',' or '}'/],
      ['{"a": tru}', 6, 1, 7, /expected a value/],
      ['{} {}', 3, 1, 4, /after the JSON value/],
      ['{"a": "open', 11, 1, 12, /unterminated string/],
      ["{'a': 1}", 1, 1, 2, /double quotes/],
    ];
    for (const [text, position, line, column, problem] of cases) {
      const p = locateJsonError(text);
      assert.ok(p !== null, text);
      assert.deepEqual([p.position, p.line, p.column], [position, line, column], text);
      assert.match(p.problem, problem, text);
      assert.throws(() => JSON.parse(text));
    }
  });

  it('answers 400 naming the position without quoting the body', () => {
    const secret = 'sup3r-secret';
    try {
      parseJsonBody(`{"password": "${secret}" "x": 1}`);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof RestError);
      assert.equal(e.status, 400);
      assert.match(e.message, /line 1, column 29 \(position 28\)/);
      assert.ok(!e.message.includes(secret));
    }
  });

  it('refuses __proto__ keys', () => {
    assert.throws(() => parseJsonBody('{"a": {"__proto__": {"polluted": true}}}'), /__proto__/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reports nesting that is too deep instead of overflowing the stack', () => {
    const p = locateJsonError(`${'['.repeat(100_000)}`);
    assert.ok(p !== null);
    assert.match(p.problem, /nesting deeper than 512/);
  });
});
