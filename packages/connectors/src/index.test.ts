import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PluginRegistry } from '@tributary/api';
import { connectorPlugins } from './index.js';

describe('connectorPlugins', () => {
  it('lists every built-in connector under unique names and aliases', () => {
    const registry = new PluginRegistry(connectorPlugins);
    assert.deepEqual(
      registry.list('source', 'sink').map((p) => `${p.kind}:${p.name}`),
      [
        'sink:DiscardSink',
        'sink:ElasticsearchSink',
        'sink:FileStreamSink',
        'source:FileStreamSource',
        'source:Generator',
        'sink:JdbcSink',
        'source:JdbcSource',
        'sink:LogSink',
        'source:MySqlCdcSource',
      ],
    );
  });

  it('has specs whose examples and defaults validate', () => {
    for (const plugin of connectorPlugins) {
      for (const field of plugin.spec.fields) {
        for (const example of field.examples) {
          const errors = plugin.spec
            .validate({ [field.name]: example })
            .fields.find((f) => f.name === field.name)?.errors;
          assert.deepEqual(errors, [], `${plugin.name}.${field.name} example '${example}'`);
        }
        assert.ok(field.doc.length > 0, `${plugin.name}.${field.name} has no doc`);
      }
    }
  });

  it('creates a fresh connector and task per call', () => {
    for (const plugin of connectorPlugins) {
      assert.notEqual(plugin.createConnector(), plugin.createConnector());
      assert.notEqual(plugin.createTask(), plugin.createTask());
    }
  });
});
