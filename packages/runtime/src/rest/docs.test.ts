import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as api from '@tributary/api';
import { parseProperties } from '../config/config-files.js';
import {
  CONNECTOR_SPEC,
  SINK_CONNECTOR_SPEC,
  SOURCE_CONNECTOR_SPEC,
  validateConnectorConfig,
} from '../config/connector-config.js';
import { WORKER_SPEC } from '../config/worker-config.js';
import * as runtime from '../index.js';
import { builtinPlugins } from '../plugins/registry.js';
import { RestServer } from './server.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface GenDocs {
  renderDocs(a: unknown, r: unknown): Map<string, string>;
  staleFiles(files: Map<string, string>, root?: string): string[];
}

async function genDocs(): Promise<GenDocs> {
  return (await import(new URL('../../../../scripts/gen-docs.mjs', import.meta.url).href)) as GenDocs;
}

describe('docs', () => {
  it('the committed plugin docs are what `npm run docs` generates (regenerate when this fails)', async () => {
    const { renderDocs, staleFiles } = await genDocs();
    const files = renderDocs(api, runtime);
    const connectors = builtinPlugins().filter((p) => p.kind === 'source' || p.kind === 'sink');
    for (const p of connectors) assert.ok(files.has(`docs/connectors/${p.name}.md`), p.name);
    assert.ok(files.has('docs/transforms.md') && files.has('docs/converters.md'));
    assert.deepEqual(staleFiles(files, ROOT), [], 'stale generated docs: run `npm run docs`');
  });

  it('every example config in the connector docs validates', async () => {
    const { renderDocs } = await genDocs();
    const registry = new api.PluginRegistry(builtinPlugins());
    for (const [path, content] of renderDocs(api, runtime)) {
      if (!path.startsWith('docs/connectors/') || path.endsWith('README.md')) continue;
      const block = /```properties\n([\s\S]*?)```/.exec(content);
      assert.ok(block !== null, `${path} has an example`);
      const infos = validateConnectorConfig(registry, parseProperties(block[1]!));
      const errors = infos.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`));
      assert.deepEqual(errors, [], path);
    }
  });

  it('every `examples` value of every spec parses and validates', () => {
    const specs: [string, api.ConfigSpec<object>][] = [
      ['connector', CONNECTOR_SPEC],
      ['source connector', SOURCE_CONNECTOR_SPEC],
      ['sink connector', SINK_CONNECTOR_SPEC],
      ['worker', WORKER_SPEC],
      ...builtinPlugins().map((p): [string, api.ConfigSpec<object>] => [`${p.kind} ${p.name}`, p.spec]),
    ];
    let checked = 0;
    for (const [what, spec] of specs) {
      for (const field of spec.fields) {
        for (const example of field.examples) {
          const result = spec.validate({ [field.name]: example }).fields.find((f) => f.name === field.name);
          assert.deepEqual(result?.errors, [], `${what}: ${field.name}=${example}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 0, 'some spec has examples');
  });

  it('docs/rest.md documents every route', () => {
    const doc = readFileSync(`${ROOT}docs/rest.md`, 'utf8');
    const server = new RestServer({
      herder: {} as never,
      metrics: {} as never,
      loggers: new runtime.LoggerRegistry({ level: 'silent' }),
    });
    for (const { method, url } of server.routes()) {
      if (method === 'HEAD') continue;
      const path = url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.includes(`${method} ${path}`), `docs/rest.md does not mention ${method} ${path}`);
    }
  });
});
