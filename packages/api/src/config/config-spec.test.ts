import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { ConfigSpec } from './config-spec.js';
import { Password } from './password.js';
import { specToJsonSchema, specToMarkdown } from './render.js';
import { custom, matches, nonEmpty, oneOf, range, uniqueItems } from './validators.js';

const spec = ConfigSpec.create()
  .string('topic', { doc: 'Target topic.', importance: 'high', validate: nonEmpty(), examples: ['orders'] })
  .int('batch.size', {
    doc: 'Lines per poll.',
    default: 2000,
    validate: range(1, 100_000),
    group: 'Perf',
    orderInGroup: 2,
  })
  .long('max.bytes', { doc: 'Max bytes.', default: 9_007_199_254_740_991 })
  .double('ratio', { doc: 'A ratio.', default: 0.5, validate: range(0, 1) })
  .boolean('enabled', { doc: 'On or off.', default: true })
  .list('topics', { doc: 'Topics.', default: [], validate: uniqueItems() })
  .password('secret', { doc: 'A secret.', default: 'shh' })
  .duration('interval', { doc: 'How often.', default: '30s', group: 'Perf', orderInGroup: 1 })
  .enum('mode', ['bulk', 'incrementing'], { doc: 'Mode.', default: 'bulk', caseInsensitive: true })
  .pluginClass('converter', { doc: 'A converter.', default: null })
  .string('prefix', { doc: 'Prefix.', default: null, validate: matches(/[a-z]*/), aliases: ['connect.prefix'] });

describe('ConfigSpec', () => {
  it('parses raw strings into a typed readonly object with defaults', () => {
    const c = spec.parse({ topic: 'orders' });
    assert.equal(c.topic, 'orders');
    assert.equal(c['batch.size'], 2000);
    assert.equal(c['max.bytes'], 9_007_199_254_740_991);
    assert.equal(c.ratio, 0.5);
    assert.equal(c.enabled, true);
    assert.deepEqual(c.topics, []);
    assert.ok(c.secret instanceof Password);
    assert.equal(c.secret.reveal(), 'shh');
    assert.equal(c.interval, 30_000);
    assert.equal(c.mode, 'bulk');
    assert.equal(c.converter, null);
    assert.equal(c.prefix, null);
    assert.ok(Object.isFrozen(c));
  });

  it('converts each type from text', () => {
    const c = spec.parse({
      topic: 't',
      'batch.size': ' 10 ',
      'max.bytes': '-5',
      ratio: '0.25',
      enabled: 'FALSE',
      topics: ' a , b,c ',
      secret: 'pw',
      interval: '1h30m',
      mode: 'INCREMENTING',
      converter: ' JsonConverter ',
      'connect.prefix': 'abc',
    });
    assert.equal(c['batch.size'], 10);
    assert.equal(c['max.bytes'], -5);
    assert.equal(c.ratio, 0.25);
    assert.equal(c.enabled, false);
    assert.deepEqual(c.topics, ['a', 'b', 'c']);
    assert.equal(c.secret.reveal(), 'pw');
    assert.equal(c.interval, 5_400_000);
    assert.equal(c.mode, 'incrementing');
    assert.equal(c.converter, 'JsonConverter');
    assert.equal(c.prefix, 'abc');
  });

  it('accepts native JSON types too', () => {
    const c = spec.parse({ topic: 't', 'batch.size': 3, enabled: false, topics: ['x'], interval: 250 });
    assert.equal(c['batch.size'], 3);
    assert.equal(c.enabled, false);
    assert.deepEqual(c.topics, ['x']);
    assert.equal(c.interval, 250);
  });

  it('reports every problem per key in one ConfigError', () => {
    try {
      spec.parse({
        'batch.size': '0',
        'max.bytes': '99999999999999999999',
        ratio: 'x',
        enabled: 'yes',
        topics: 'a,a',
        interval: '10 parsecs',
        mode: 'nope',
        prefix: 'ABC',
      });
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const fe = e.fieldErrors;
      assert.match(fe.topic?.[0] ?? '', /Missing required configuration "topic" which has no default value/);
      assert.match(
        fe['batch.size']?.[0] ?? '',
        /Invalid value 0 for configuration batch.size: Value must be at least 1/,
      );
      assert.match(fe['max.bytes']?.[0] ?? '', /Out of range for a safe 64-bit integer/);
      assert.match(fe.ratio?.[0] ?? '', /Not a number of type DOUBLE/);
      assert.match(fe.enabled?.[0] ?? '', /Expected value to be either true or false/);
      assert.match(fe.topics?.[0] ?? '', /Duplicate item 'a'/);
      assert.match(fe.interval?.[0] ?? '', /duration such as/);
      assert.match(fe.mode?.[0] ?? '', /String must be one of: bulk, incrementing/);
      assert.match(fe.prefix?.[0] ?? '', /'ABC' does not match/);
      assert.match(e.message, /Configuration is invalid and contains the following 9 error\(s\)/);
      assert.equal(e.code, 'TRIB_CONFIG');
    }
  });

  it('rejects int values beyond 32 bits and fractional ints', () => {
    assert.throws(() => spec.parse({ topic: 't', 'batch.size': '2147483648' }), /Out of range for a 32-bit integer/);
    assert.throws(() => spec.parse({ topic: 't', 'batch.size': '1.5' }), /Not a number of type INT/);
  });

  it('never prints a password value in errors', () => {
    const s = ConfigSpec.create().password('pw', {
      doc: 'x',
      validate: custom<Password | null>('min 8', (p) => ((p?.reveal().length ?? 0) < 8 ? 'too short' : undefined)),
    });
    try {
      s.parse({ pw: 'hunter2' });
      assert.fail('expected error');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.ok(!e.message.includes('hunter2'), e.message);
      assert.match(e.message, /Invalid value \[hidden\] for configuration pw: too short/);
    }
    const p = new Password('hunter2');
    assert.equal(String(p), '[hidden]');
    assert.equal(JSON.stringify({ p }), '{"p":"[hidden]"}');
  });

  it('rejects unknown keys in strict mode with a suggestion', () => {
    assert.throws(
      () => spec.parse({ topic: 't', 'batch.sise': '1' }, { strict: true, subject: 'Worker configuration' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /Worker configuration is invalid/.test(e.message) &&
        /Unknown configuration 'batch.sise'; did you mean 'batch.size'\?/.test(e.message),
    );
    assert.doesNotThrow(() => spec.parse({ topic: 't', 'x.y': '1' }));
    assert.doesNotThrow(() =>
      spec.parse({ topic: 't', 'x.y': '1' }, { strict: true, allowKeys: (k) => k.startsWith('x.') }),
    );
  });

  it('validates without throwing, for REST answers', () => {
    const v = spec.validate({ 'batch.size': 'abc', mode: 'bulk' });
    assert.equal(v.errorCount, 2);
    const byName = new Map(v.fields.map((f) => [f.name, f]));
    assert.equal(byName.get('batch.size')?.value, 'abc');
    assert.equal(byName.get('mode')?.value, 'bulk');
    assert.deepEqual(byName.get('mode')?.recommendedValues, ['bulk', 'incrementing']);
    assert.deepEqual(byName.get('enabled')?.recommendedValues, ['true', 'false']);
    assert.deepEqual(Object.keys(spec.errors({ topic: 'x' })), []);
  });

  it('refuses bad defaults and duplicate keys at definition time', () => {
    assert.throws(() => ConfigSpec.create().int('a', { doc: '', default: 1.5 }), /invalid default/);
    assert.throws(() => ConfigSpec.create().int('a', { doc: '' }).string('a', { doc: '' }), /defined twice/);
    assert.throws(() => ConfigSpec.create().duration('d', { doc: '', default: 'soon' }), /invalid default/);
  });

  it('extends and narrows specs', () => {
    const base = ConfigSpec.create().string('a', { doc: '', default: 'x' });
    const more = base.extend(ConfigSpec.create().int('b', { doc: '', default: 1 }));
    assert.deepEqual(
      more.fields.map((f) => f.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      more.without('a').fields.map((f) => f.name),
      ['b'],
    );
    const parsed = more.parse({});
    assert.equal(parsed.a, 'x');
    assert.equal(parsed.b, 1);
  });

  it('renders markdown grouped by group and ordered, hiding passwords', () => {
    const md = specToMarkdown(spec, { title: 'Example' });
    assert.match(md, /^# Example/);
    assert.match(
      md,
      /\| `topic` \| string \| \*required\* \| non-empty \| high \| Target topic. Examples: `orders`. \|/,
    );
    assert.match(md, /\| `secret` \| password \| `\[hidden\]` \|/);
    assert.ok(!md.includes('shh'));
    assert.match(md, /\| `prefix` .* Also accepted as `connect.prefix`/);
    const perf = md.slice(md.indexOf('## Perf'));
    assert.ok(perf.indexOf('`interval`') < perf.indexOf('`batch.size`'), 'orderInGroup respected');
  });

  it('renders JSON Schema with types, defaults, constraints and required keys', () => {
    const js = specToJsonSchema(spec) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    assert.deepEqual(js.required, ['topic']);
    assert.deepEqual(js.properties['batch.size'], {
      type: 'integer',
      description: 'Lines per poll.',
      default: 2000,
      minimum: 1,
      maximum: 100000,
    });
    assert.deepEqual(js.properties.mode?.enum, ['bulk', 'incrementing']);
    assert.equal(js.properties.secret?.writeOnly, true);
    assert.equal(js.properties.secret?.default, undefined);
    assert.deepEqual(js.properties.topics, {
      type: 'array',
      description: 'Topics.',
      items: { type: 'string' },
      default: [],
      uniqueItems: true,
    });
    assert.deepEqual(js.properties.prefix?.type, ['string', 'null']);
  });

  it('validators describe themselves', () => {
    assert.equal(range(1).describe(), '[1,...]');
    assert.equal(oneOf(['a', 'b']).describe(), '[a, b]');
    assert.equal(oneOf(['a'], { caseInsensitive: true }).check('A'), undefined);
    assert.match(oneOf(['a']).check('b') ?? '', /one of: a/);
    assert.match(nonEmpty().check([]) ?? '', /non-empty/);
  });
});

describe('ConfigSpec cross-field checks', () => {
  const s = ConfigSpec.create()
    .list('topics', { doc: '', default: [] })
    .string('topics.regex', { doc: '', default: '' })
    .check((c) =>
      c.topics.length > 0 === (c['topics.regex'] !== '')
        ? { topics: ['Set exactly one of topics and topics.regex'] }
        : undefined,
    )
    .int('after', { doc: 'defined after the check', default: 1 });

  it('runs after per-field parsing, in parse and validate, reported under a key', () => {
    assert.doesNotThrow(() => s.parse({ topics: 'a' }));
    assert.throws(
      () => s.parse({}),
      (e: unknown) => e instanceof ConfigError && /topics: Set exactly one/.test(e.message),
    );
    const v = s.validate({ topics: 'a', 'topics.regex': 'b' });
    assert.equal(v.errorCount, 1);
    assert.deepEqual(v.fields.find((f) => f.name === 'topics')?.errors, ['Set exactly one of topics and topics.regex']);
    assert.deepEqual(s.errors({}), { topics: ['Set exactly one of topics and topics.regex'] });
  });

  it('are kept by extend and defining more fields, and dropped by without', () => {
    assert.throws(
      () => s.extend(ConfigSpec.create().string('x', { doc: '', default: '' })).parse({}),
      /Set exactly one/,
    );
    assert.doesNotThrow(() => s.without('after').parse({}));
  });

  it('skips checks while fields are invalid on their own', () => {
    assert.throws(
      () => s.parse({ after: 'x' }),
      (e: unknown) => e instanceof ConfigError && Object.keys(e.fieldErrors).join() === 'after',
    );
  });

  it('trims string values as Kafka does', () => {
    assert.equal(s.parse({ topics: 'a', 'topics.regex': '' })['topics.regex'], '');
    assert.equal(ConfigSpec.create().string('s', { doc: '' }).parse({ s: '  x  ' }).s, 'x');
  });
});
