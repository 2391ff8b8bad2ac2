import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConfigSpec,
  type ConnectorConfig,
  defineSourceConnector,
  nonEmpty,
  PluginRegistry,
  type SourceTaskContext,
  type TaskConfig,
} from '@tributary/api';
import { builtinPlugins } from '../plugins/registry.js';
import { eventually, startTestWorker, type TestWorker } from './worker.test.fixture.js';

// A connector with password fields never shows a secret through REST, logs or metrics; config provider
// placeholders stay in the stored config and in every answer while the task receives the secret.

const LITERAL = 'literal-S3CRET-value';
const FROM_ENV = 'env-S3CRET-value';
const FROM_FILE = 'file-S3CRET-value';
const SECRETS = [LITERAL, FROM_ENV, FROM_FILE];
const ENV_VAR = 'TRIBUTARY_REST_TEST_SECRET';

/** Task configs the test plugin's tasks started with, per connector. */
const received = new Map<string, TaskConfig[]>();

const secretSource = defineSourceConnector({
  name: 'SecretSource',
  version: '0.0.0-test',
  summary: 'Test plugin: records the config its tasks start with.',
  spec: ConfigSpec.create()
    .string('topic', { doc: 'Topic.', validate: nonEmpty() })
    .password('secret.password', { doc: 'A secret.', importance: 'high' })
    .password('file.password', { doc: 'Another secret.', default: null }),
  createConnector: () => {
    let config: ConnectorConfig = {};
    return {
      start: (_context, c) => {
        config = c;
      },
      taskConfigs: () => [{ ...config }],
      stop: () => undefined,
    };
  },
  createTask: () => ({
    start: (context: SourceTaskContext) => {
      received.set(context.connectorName, [...(received.get(context.connectorName) ?? []), context.config]);
    },
    poll: async (signal: AbortSignal) => {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 100);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      return null;
    },
    stop: () => undefined,
  }),
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function assertNoSecret(text: string, where: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} shows a secret: ${text.slice(0, 2000)}`);
}

describe('secrets through REST, logs, metrics and stored configs', () => {
  let w: TestWorker;
  let secretsDir: string;
  let fileRef: string;

  before(async () => {
    process.env[ENV_VAR] = FROM_ENV;
    secretsDir = mkdtempSync(join(tmpdir(), 'tributary-secrets-'));
    writeFileSync(join(secretsDir, 'db.properties'), `db.password=${FROM_FILE}\n`);
    fileRef = `\${file:${join(secretsDir, 'db.properties')}:db.password}`;
    w = await startTestWorker({
      registry: new PluginRegistry([...builtinPlugins(), secretSource]),
      overrides: { 'log.level': 'debug' },
    });
  });
  after(async () => {
    await w?.stop();
    rmSync(secretsDir, { recursive: true, force: true });
    delete process.env[ENV_VAR];
  });

  it('creates connectors with a literal secret and with provider placeholders', async () => {
    const lit = await w.call('POST', '/connectors', {
      body: { name: 'lit', config: { 'connector.class': 'SecretSource', topic: 't', 'secret.password': LITERAL } },
    });
    assert.equal(lit.status, 201, lit.text);
    assert.equal(lit.body.config['secret.password'], '[hidden]');
    const ref = await w.call('POST', '/connectors', {
      body: {
        name: 'ref',
        config: {
          'connector.class': 'SecretSource',
          topic: 't',
          'secret.password': `\${env:${ENV_VAR}}`,
          'file.password': fileRef,
        },
      },
    });
    assert.equal(ref.status, 201, ref.text);
    assert.equal(ref.body.config['secret.password'], `\${env:${ENV_VAR}}`);
    assert.equal(ref.body.config['file.password'], fileRef);
    for (const name of ['lit', 'ref']) {
      await eventually(`${name} task running`, async () => {
        const s = (await w.call('GET', `/connectors/${name}/status`)).body;
        return s.tasks.length === 1 && s.tasks[0].state === 'RUNNING';
      });
    }
  });

  it('the tasks received the secrets', () => {
    assert.equal(received.get('lit')?.at(-1)?.['secret.password'], LITERAL);
    assert.equal(received.get('ref')?.at(-1)?.['secret.password'], FROM_ENV);
    assert.equal(received.get('ref')?.at(-1)?.['file.password'], FROM_FILE);
  });

  it('no REST answer shows a secret; placeholders are shown as stored', async () => {
    const paths = [
      '/connectors?expand=info&expand=status',
      '/connectors/list',
      '/connectors/lit',
      '/connectors/lit/config',
      '/connectors/lit/tasks',
      '/connectors/lit/tasks-config',
      '/connectors/lit/status',
      '/connectors/lit/offsets',
      '/connectors/ref',
      '/connectors/ref/config',
      '/connectors/ref/tasks',
      '/connectors/ref/tasks-config',
      '/connectors/lit/metrics',
      '/metrics',
      '/connector-plugins/SecretSource/config',
    ];
    for (const path of paths) {
      const a = await w.call('GET', path);
      assert.equal(a.status, 200, `${path}: ${a.text}`);
      assertNoSecret(a.text, path);
    }
    const tasks = (await w.call('GET', '/connectors/lit/tasks')).body;
    assert.equal(tasks[0].config['secret.password'], '[hidden]');
    const refTasks = (await w.call('GET', '/connectors/ref/tasks')).body;
    assert.equal(refTasks[0].config['secret.password'], `\${env:${ENV_VAR}}`);
    assert.equal(refTasks[0].config['file.password'], fileRef);
  });

  it('validate answers mask secrets, with and without errors', async () => {
    for (const config of [
      { 'connector.class': 'SecretSource', name: 'v', topic: 't', 'secret.password': LITERAL },
      { 'connector.class': 'SecretSource', name: 'v', 'secret.password': LITERAL, 'tasks.max': '0' },
    ]) {
      const a = await w.call('PUT', '/connector-plugins/SecretSource/config/validate', { body: config });
      assert.equal(a.status, 200, a.text);
      assertNoSecret(a.text, 'validate');
      const value = a.body.configs.find((c: { value: { name: string } }) => c.value.name === 'secret.password');
      assert.equal(value.value.value, '[hidden]');
    }
  });

  it('error answers do not echo secrets', async () => {
    const invalid = await w.call('PUT', '/connectors/lit/config', {
      body: { 'connector.class': 'SecretSource', 'secret.password': LITERAL, 'tasks.max': 'many' },
    });
    assert.equal(invalid.status, 400);
    assertNoSecret(invalid.text, 'a 400 answer');
    const malformed = await w.call('POST', '/connectors', { body: `{"config": {"secret.password": "${LITERAL}" ` });
    assert.equal(malformed.status, 400);
    assertNoSecret(malformed.text, 'a malformed-JSON answer');
  });

  it('a GET-modify-PUT round trip with [hidden] keeps the stored secret', async () => {
    const config = (await w.call('GET', '/connectors/lit/config')).body;
    assert.equal(config['secret.password'], '[hidden]');
    const put = await w.call('PUT', '/connectors/lit/config', { body: { ...config, topic: 't2' } });
    assert.equal(put.status, 200, put.text);
    const started = await eventually('lit restarted with the new topic', async () => {
      const last = received.get('lit')?.at(-1);
      return last?.topic === 't2' && last;
    });
    assert.equal(started['secret.password'], LITERAL);
  });

  it('stored configs hold the placeholders, never the resolved secrets', () => {
    const stored = filesUnder(join(w.dataDir, 'standalone'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    assert.ok(stored.includes(`\${env:${ENV_VAR}}`), 'the env placeholder is stored');
    assert.ok(stored.includes(fileRef.replaceAll('\\', '\\\\')), 'the file placeholder is stored');
    assert.ok(!stored.includes(FROM_ENV), 'the env secret is not stored');
    assert.ok(!stored.includes(FROM_FILE), 'the file secret is not stored');
  });

  it('no log line shows a secret', () => {
    assert.ok(w.logs.length > 0);
    assert.ok(
      w.logs.some((l) => l.includes('POST /connectors 201')),
      'requests are logged',
    );
    assertNoSecret(w.logs.join(''), 'the log');
  });
});
