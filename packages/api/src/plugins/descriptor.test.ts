import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSpec } from '../config/config-spec.js';
import { ConfigError, NotFoundError } from '../errors.js';
import type { ConnectRecord } from '../records/record.js';
import { definePredicate, defineTransformation, PluginRegistry } from './descriptor.js';

const upper = defineTransformation({
  name: 'Upper$Value',
  aliases: ['com.example.Upper$Value'],
  version: '1.0.0',
  summary: 'Upper-cases string values.',
  spec: ConfigSpec.create().string('suffix', { doc: 'Appended.', default: '' }),
  create: (config) => ({
    apply: <R extends ConnectRecord>(r: R): R => ({ ...r, value: `${String(r.value).toUpperCase()}${config.suffix}` }),
  }),
});
const always = definePredicate({
  name: 'Always',
  version: '1.0.0',
  summary: 'True.',
  spec: ConfigSpec.create(),
  create: () => ({ test: () => true }),
});

describe('plugin descriptors', () => {
  it('parse their config with the spec before creating', () => {
    const t = upper.create({ suffix: '!' });
    const out = t.apply({
      topic: 't',
      queue: null,
      key: null,
      keySchema: null,
      value: 'a',
      valueSchema: null,
      timestamp: null,
      headers: undefined as never,
    });
    assert.equal(out?.value, 'A!');
    assert.throws(
      () => upper.create({ suffix: ['a'] }),
      /Invalid value a for configuration suffix: Expected a string but it was a list/,
    );
    const strictSpec = defineTransformation({
      name: 'Needs',
      version: '1',
      summary: '',
      spec: ConfigSpec.create().int('n', { doc: '' }),
      create: () => ({ apply: (r) => r }),
    });
    assert.throws(
      () => strictSpec.create({}),
      (e: unknown) => e instanceof ConfigError && /Transformation Needs is invalid/.test(e.message),
    );
  });
});

describe('PluginRegistry', () => {
  it('finds by name or alias, filtered by kind', () => {
    const r = new PluginRegistry([upper, always]);
    assert.equal(r.require('com.example.Upper$Value', 'transformation'), upper);
    assert.equal(r.find(' Upper$Value '), upper);
    assert.deepEqual(
      r.list('predicate').map((p) => p.name),
      ['Always'],
    );
    assert.throws(
      () => r.require('Always', 'transformation'),
      (e: unknown) =>
        e instanceof NotFoundError && /'Always' is a predicate plugin, not a transformation/.test(e.message),
    );
    assert.throws(() => r.require('Nope', 'source', 'sink'), /Failed to find any source or sink plugin named 'Nope'/);
  });

  it('refuses a name taken by another plugin', () => {
    const clash = { ...always, name: 'Upper$Value' };
    assert.throws(() => new PluginRegistry([upper, clash]), /already taken/);
  });
});
