import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { detectFormat, flatten, parseProperties, readFlatConfigFile } from './config-files.js';

describe('parseProperties', () => {
  it('reads java.util.Properties syntax', () => {
    const text = [
      '# comment',
      '! also a comment',
      'a=1',
      'b : two words ',
      'c three',
      '  d.e=with\\',
      '      continuation',
      'f=tab\\there\\u0041',
      'g\\=h=escaped key',
      'empty=',
      'path=C\\\\dir',
    ].join('\n');
    assert.deepEqual(parseProperties(text), {
      a: '1',
      b: 'two words ',
      c: 'three',
      'd.e': 'withcontinuation',
      f: 'tab\thereA',
      'g=h': 'escaped key',
      empty: '',
      path: 'C\\dir',
    });
  });

  it('names the line of a malformed unicode escape', () => {
    assert.throws(
      () => parseProperties('a=1\nb=\\u12', 'w.properties'),
      (e: unknown) => e instanceof ConfigError && /w.properties, line 2/.test(e.message),
    );
  });
});

describe('flatten', () => {
  it('joins nested keys with dots and lists with commas', () => {
    assert.deepEqual(flatten({ rest: { port: 8083, host: 'h' }, topics: ['a', 'b'], on: true, skip: null }, 'x'), {
      'rest.port': '8083',
      'rest.host': 'h',
      topics: 'a,b',
      on: 'true',
    });
  });

  it('rejects lists of objects and non-objects', () => {
    assert.throws(() => flatten({ a: [{ b: 1 }] }, 'f.yaml'), /f.yaml: 'a' holds a list of objects/);
    assert.throws(() => flatten(3, 'f.json'), /expected an object/);
  });
});

describe('config files', () => {
  it('detects the format by extension or content', () => {
    assert.equal(detectFormat('a.json', ''), 'json');
    assert.equal(detectFormat('a.yml', ''), 'yaml');
    assert.equal(detectFormat('a.properties', ''), 'properties');
    assert.equal(detectFormat('a', '{"x":1}'), 'json');
    assert.equal(detectFormat('a', 'x: 1\ny: 2'), 'yaml');
    assert.equal(detectFormat('a', 'x=1'), 'properties');
  });

  it('reads JSON, YAML and properties files into the same flat map', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-cfg-'));
    await writeFile(join(dir, 'w.json'), '{"rest": {"port": 1}, "data.dir": "d"}');
    await writeFile(join(dir, 'w.yaml'), 'rest:\n  port: 1\ndata.dir: d\n');
    await writeFile(join(dir, 'w.properties'), 'rest.port=1\ndata.dir=d\n');
    for (const f of ['w.json', 'w.yaml', 'w.properties']) {
      assert.deepEqual(await readFlatConfigFile(join(dir, f)), { 'rest.port': '1', 'data.dir': 'd' }, f);
    }
    await writeFile(join(dir, 'bad.json'), '{"rest": ');
    await assert.rejects(
      readFlatConfigFile(join(dir, 'bad.json')),
      (e: unknown) => e instanceof ConfigError && /bad.json: not valid json/.test(e.message),
    );
    await assert.rejects(
      readFlatConfigFile(join(dir, 'missing.json')),
      /cannot read config file .*missing.json: ENOENT/,
    );
  });
});
