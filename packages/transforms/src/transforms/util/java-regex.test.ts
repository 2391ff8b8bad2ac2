import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJavaRegex, JavaRegex } from './java-regex.js';

describe('JavaRegex', () => {
  it('matches() needs the whole input, find() any part, also with multiline flags', () => {
    const r = new JavaRegex('ab');
    assert.equal(r.matches('ab'), true);
    assert.equal(r.matches('xab'), false);
    assert.equal(r.find('xab'), true);
    const m = new JavaRegex('(?m)ab');
    assert.equal(m.matches('ab\nab'), false);
  });

  it('translates leading inline flags and the \\A \\z \\Z anchors', () => {
    assert.equal(new JavaRegex('(?i)ORDERS').matches('orders'), true);
    assert.equal(new JavaRegex('(?s)a.b').matches('a\nb'), true);
    assert.equal(new JavaRegex('(?is)A.B').matches('a\nb'), true);
    assert.equal(new JavaRegex('\\Aab\\z').matches('ab'), true);
    assert.equal(new JavaRegex('ab\\Z').find('ab\n'), true);
    assert.equal(new JavaRegex('(?x) a b # comment\n c').matches('abc'), true);
    assert.equal(new JavaRegex('\\p{L}+').matches('héllo'), true);
  });

  it('applies Pattern flags by name, LITERAL quoting the pattern', () => {
    assert.equal(new JavaRegex('a.b', ['LITERAL']).matches('a.b'), true);
    assert.equal(new JavaRegex('a.b', ['LITERAL']).matches('axb'), false);
    assert.equal(new JavaRegex('abc', ['CASE_INSENSITIVE']).matches('ABC'), true);
    assert.throws(() => new JavaRegex('a', ['CANON_EQ']), /CANON_EQ/);
  });

  it('rejects what JavaScript would silently read differently or cannot compile', () => {
    assert.throws(() => compileJavaRegex('[a-z&&[^aeiou]]'), /intersections/);
    assert.throws(() => compileJavaRegex('[[a]b]'), /nested character classes/);
    assert.throws(() => compileJavaRegex('a*+'));
    assert.throws(() => compileJavaRegex('(?<x>a'));
    assert.throws(() => compileJavaRegex('(?q)a'), /Unknown inline modifier/);
  });

  it('counts groups and names', () => {
    const r = new JavaRegex('(a)(?<n>b)(?:c)');
    assert.equal(r.groupCount, 2);
    assert.deepEqual([...r.groupNames], ['n']);
  });

  it('expands replacements as Matcher.appendReplacement', () => {
    const r = new JavaRegex('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)');
    assert.equal(r.replaceFirst('abcdefghijk', r.replacement('$11-$1-\\$1-\\\\')), 'k-a-$1-\\');
    const few = new JavaRegex('(a)');
    assert.equal(few.replaceFirst('a', few.replacement('$10')), 'a0', 'digits join only while a group exists');
    const opt = new JavaRegex('(a)|(b)');
    assert.equal(opt.replaceFirst('b', opt.replacement('[$1]')), '[]', 'an unmatched group is empty');
  });

  it('replaceFirst keeps the rest of the input; replaceAll replaces every match, empty ones too', () => {
    const r = new JavaRegex('o');
    assert.equal(r.replaceFirst('foo', r.replacement('0')), 'f0o');
    assert.equal(r.replaceAll('foo', r.replacement('0')), 'f00');
    const empty = new JavaRegex('x*');
    assert.equal(empty.replaceAll('abc', empty.replacement('-')), '-a-b-c-');
    const g = new JavaRegex('(\\w)(\\d)');
    assert.equal(g.replaceAll('a1b2', g.replacement('$2$1')), '1a2b');
    assert.equal(r.replaceFirst('bar', r.replacement('0')), 'bar');
  });

  for (const [text, message] of [
    ['$', 'group index is missing'],
    ['$x', 'Illegal group reference'],
    ['$2', 'No group 2'],
    ['${nope}', 'No group with name {nope}'],
    ['${1x}', 'not a valid group name'],
    ['${n', "missing trailing '}'"],
    ['\\', 'character to be escaped is missing'],
  ]) {
    it(`rejects the replacement '${text}'`, () => {
      assert.throws(() => new JavaRegex('(?<n>a)').replacement(text!), new RegExp(message!.replace(/[{}$]/g, '\\$&')));
    });
  }
});
