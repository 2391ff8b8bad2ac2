import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { hasPlaceholder, resolveConfig, unresolve } from './config-providers.js';

describe('config providers', () => {
  it('resolves env and file placeholders, leaving other values alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-prov-'));
    const props = join(dir, 'secrets.properties');
    await writeFile(props, 'db.password=s3cret\n');
    const whole = join(dir, 'token.txt');
    await writeFile(whole, 'tok\n');
    const out = resolveConfig(
      {
        a: 'plain',
        b: '${env:DB_USER}',
        c: `\${file:${props}:db.password}`,
        d: 'x-${env:DB_USER}-y',
        e: `\${file:${whole}}`,
      },
      { DB_USER: 'alice' },
    );
    assert.deepEqual(out, { a: 'plain', b: 'alice', c: 's3cret', d: 'x-alice-y', e: 'tok' });
  });

  it('names the key and the missing variable, file or key', () => {
    try {
      resolveConfig({ 'database.password': '${env:NOPE}', x: '${file:/no/such:k}', y: '${vault:a:b}' }, {});
      assert.fail('expected ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.fieldErrors['database.password']?.[0] ?? '', /environment variable 'NOPE' is not set/);
      assert.match(e.fieldErrors.x?.[0] ?? '', /cannot read '\/no\/such': ENOENT/);
      assert.match(e.fieldErrors.y?.[0] ?? '', /unknown config provider 'vault'/);
    }
  });

  it('puts placeholders back into generated configs', () => {
    const raw = { password: '${env:PW}', file: 'a.txt' };
    const resolved = { password: 'pw', file: 'a.txt' };
    assert.deepEqual(unresolve({ password: 'pw', file: 'a.txt', task: '0' }, raw, resolved), {
      password: '${env:PW}',
      file: 'a.txt',
      task: '0',
    });
    assert.ok(hasPlaceholder('${env:X}') && !hasPlaceholder('$env:X'));
  });
});
