import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Converter, type HeaderConverter, Headers, PluginRegistry, Schema, valueEquals } from '@tributary/api';
import { converterPlugins, headerConverterFor } from './index.js';

/** A value each converter can carry, with its schema. */
const SAMPLES: Readonly<Record<string, [Schema | null, unknown]>> = {
  JsonConverter: [Schema.INT64, 9223372036854775807n],
  StringConverter: [Schema.STRING, 'héllo'],
  ByteArrayConverter: [Schema.BYTES, Uint8Array.of(1, 2)],
  ShortConverter: [Schema.INT16, -2],
  IntegerConverter: [Schema.INT32, 7],
  LongConverter: [Schema.INT64, 5n],
  FloatConverter: [Schema.FLOAT32, 1.5],
  DoubleConverter: [Schema.FLOAT64, 0.1],
  BooleanConverter: [Schema.BOOLEAN, true],
  SimpleHeaderConverter: [Schema.INT32, 70000],
};

describe('converter plugins', () => {
  test('all register in one registry: names and aliases are unique', () => {
    const registry = new PluginRegistry(converterPlugins);
    assert.equal(registry.list('converter').length, 9);
    assert.equal(registry.list('header_converter').length, 10);
    assert.equal(registry.require('org.apache.kafka.connect.json.JsonConverter', 'converter').name, 'JsonConverter');
    assert.equal(
      registry.require('org.apache.rocketmq.connect.runtime.converter.record.json.JsonConverter', 'converter').name,
      'JsonConverter',
    );
    assert.equal(
      registry.require('org.apache.rocketmq.connect.runtime.converter.record.StringConverter', 'converter').name,
      'StringConverter',
    );
    assert.equal(
      registry.require('org.apache.kafka.connect.converters.ByteArrayConverter', 'converter').name,
      'ByteArrayConverter',
    );
    assert.equal(
      registry.require('org.apache.kafka.connect.storage.SimpleHeaderConverter', 'header_converter').name,
      'SimpleHeaderConverter',
    );
  });

  test('every converter round-trips its own output, created from raw string configs', () => {
    for (const plugin of converterPlugins) {
      const base = plugin.name.replace('HeaderConverter', 'Converter');
      const sample = SAMPLES[plugin.name] ?? SAMPLES[base];
      assert.ok(sample !== undefined, plugin.name);
      const [schema, value] = sample;
      if (plugin.kind === 'converter') {
        const c: Converter = plugin.create({ 'schemas.enable': 'true' }, { isKey: true });
        const back = c.toConnectData('t', Headers.EMPTY, c.fromConnectData('t', Headers.EMPTY, schema, value));
        assert.ok(valueEquals(back.value, value), `${plugin.name}: ${String(back.value)}`);
      } else {
        const c: HeaderConverter = plugin.create({});
        const back = c.toConnectHeader('t', 'h', c.fromConnectHeader('t', 'h', schema, value));
        assert.ok(valueEquals(back.value, value), `${plugin.name}: ${String(back.value)}`);
      }
    }
  });

  test('headerConverterFor resolves Kafka class names that are converters and header converters', () => {
    assert.equal(headerConverterFor('org.apache.kafka.connect.storage.StringConverter')?.name, 'StringHeaderConverter');
    assert.equal(headerConverterFor('org.apache.kafka.connect.json.JsonConverter')?.name, 'JsonHeaderConverter');
    assert.equal(headerConverterFor('org.apache.kafka.connect.converters.LongConverter')?.name, 'LongHeaderConverter');
    assert.equal(
      headerConverterFor('org.apache.kafka.connect.storage.SimpleHeaderConverter')?.name,
      'SimpleHeaderConverter',
    );
    assert.equal(headerConverterFor(' JsonHeaderConverter ')?.name, 'JsonHeaderConverter');
    assert.equal(headerConverterFor('org.example.Nope'), undefined);
  });
});
