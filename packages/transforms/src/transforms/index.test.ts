import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigSpec,
  PluginRegistry,
  type PredicatePlugin,
  type RawConfig,
  type TransformationPlugin,
} from '@tributary/api';
import { predicatePlugins, transformationPlugins } from './index.js';

const KAFKA = 'org.apache.kafka.connect.transforms';
const KAFKA_KEY_VALUE = [
  'Cast',
  'ExtractField',
  'Flatten',
  'HeaderFrom',
  'HoistField',
  'InsertField',
  'MaskField',
  'ReplaceField',
  'SetSchemaMetadata',
  'TimestampConverter',
];
const KAFKA_SINGLE = ['DropHeaders', 'Filter', 'InsertHeader', 'RegexRouter', 'TimestampRouter', 'ValueToKey'];
const ROCKETMQ_KEY_VALUE = ['ChangeCase', 'PatternFilter', 'PatternRename', 'SetNull'];
/** Debezium's transforms, aliased by their class names (and their old names). */
const DEBEZIUM: Readonly<Record<string, readonly string[]>> = {
  ExtractNewRecordState: [
    'io.debezium.transforms.ExtractNewRecordState',
    'UnwrapFromEnvelope',
    'io.debezium.transforms.UnwrapFromEnvelope',
  ],
};

/** The least config each plugin needs, to check that every plugin can be created from its spec. */
const MINIMAL: Readonly<Record<string, RawConfig>> = {
  Cast: { spec: 'int32' },
  DropHeaders: { headers: 'h' },
  ExtractField: { field: 'f' },
  Filter: {},
  Flatten: {},
  HeaderFrom: { fields: 'f', headers: 'h', operation: 'copy' },
  HoistField: { field: 'f' },
  InsertField: { 'topic.field': 't' },
  InsertHeader: { header: 'h', 'value.literal': 'v' },
  MaskField: { fields: 'f' },
  RegexRouter: { regex: '(.*)', replacement: '$1' },
  ReplaceField: {},
  SetSchemaMetadata: { 'schema.name': 'n' },
  TimestampConverter: { 'target.type': 'unix' },
  TimestampRouter: {},
  ValueToKey: { fields: 'f' },
  ChangeCase: { from: 'LOWER_CAMEL', to: 'LOWER_UNDERSCORE' },
  PatternFilter: { pattern: 'x', fields: 'f' },
  PatternRename: { 'field.pattern': 'x', 'field.replacement': 'y' },
  SetNull: {},
  TopicNameMatches: { pattern: '.*' },
  HasHeaderKey: { name: 'h' },
  RecordIsTombstone: {},
  ExtractNewRecordState: {},
};

const all: readonly (TransformationPlugin | PredicatePlugin)[] = [...transformationPlugins, ...predicatePlugins];

describe('transform and predicate plugins', () => {
  it("has Kafka's 16 SMTs with their $Key/$Value variants, RocketMQ's four, Debezium's unwrap, and Kafka's three predicates", () => {
    const expected = [
      ...KAFKA_KEY_VALUE.flatMap((n) => [`${n}$Key`, `${n}$Value`]),
      ...KAFKA_SINGLE,
      ...ROCKETMQ_KEY_VALUE.flatMap((n) => [`${n}$Key`, `${n}$Value`]),
      ...Object.keys(DEBEZIUM),
    ].sort();
    assert.deepEqual(transformationPlugins.map((p) => p.name).sort(), expected);
    assert.equal(KAFKA_KEY_VALUE.length + KAFKA_SINGLE.length, 16);
    assert.deepEqual(predicatePlugins.map((p) => p.name).sort(), [
      'HasHeaderKey',
      'RecordIsTombstone',
      'TopicNameMatches',
    ]);
    for (const p of transformationPlugins) assert.equal(p.kind, 'transformation');
    for (const p of predicatePlugins) assert.equal(p.kind, 'predicate');
  });

  it('aliases every plugin by its Kafka, RocketMQ or Debezium class name', () => {
    for (const p of all) {
      if (DEBEZIUM[p.name] !== undefined) {
        assert.deepEqual(p.aliases, DEBEZIUM[p.name], p.name);
        continue;
      }
      const base = p.name.replace(/\$(Key|Value)$/, '');
      const expected =
        p.kind === 'predicate'
          ? `${KAFKA}.predicates.${p.name}`
          : ROCKETMQ_KEY_VALUE.includes(base)
            ? `org.apache.rocketmq.connect.transforms.${p.name}`
            : `${KAFKA}.${p.name}`;
      assert.deepEqual(p.aliases, [expected], p.name);
    }
  });

  it('gives each name and alias to exactly one plugin, so a registry takes them all', () => {
    const seen = new Map<string, string>();
    for (const p of all) {
      for (const key of [p.name, ...p.aliases]) {
        assert.equal(seen.get(key), undefined, `'${key}' is used by ${seen.get(key)} and ${p.name}`);
        seen.set(key, p.name);
      }
    }
    const registry = new PluginRegistry(all);
    assert.equal(
      registry.require('org.apache.kafka.connect.transforms.InsertField$Value', 'transformation').name,
      'InsertField$Value',
    );
    assert.equal(registry.require('Cast$Key', 'transformation').name, 'Cast$Key');
    assert.equal(
      registry.require('org.apache.kafka.connect.transforms.predicates.RecordIsTombstone', 'predicate').name,
      'RecordIsTombstone',
    );
  });

  it('has a version, a summary and documented fields', () => {
    for (const p of all) {
      assert.match(p.version, /^\d+\.\d+\.\d+$/, p.name);
      assert.ok(p.summary.length > 10, p.name);
      for (const f of p.spec.fields) assert.ok(f.doc.length > 5, `${p.name} ${f.name}`);
    }
  });

  for (const p of all) {
    it(`${p.name}: its spec parses its documented defaults and examples, and it creates from a minimal config`, () => {
      const minimal = MINIMAL[p.name.replace(/\$(Key|Value)$/, '')];
      assert.ok(minimal !== undefined, `no minimal config for ${p.name}`);
      const parsed = p.spec.parse(minimal) as Record<string, unknown>;
      for (const f of p.spec.fields) {
        if (!f.hasDefault || Object.hasOwn(minimal, f.name)) continue;
        assert.deepEqual(parsed[f.name], f.defaultValue, `${p.name} ${f.name} default`);
        const text = ConfigSpec.defaultText(f);
        if (text !== null) {
          const again = p.spec.parse({ ...minimal, [f.name]: text }) as Record<string, unknown>;
          assert.deepEqual(again[f.name], f.defaultValue, `${p.name} ${f.name} default as text '${text}'`);
        }
      }
      for (const f of p.spec.fields) {
        for (const example of f.examples) {
          const errors = p.spec.errors({ ...minimal, [f.name]: example });
          assert.deepEqual(errors, {}, `${p.name} ${f.name} example '${example}'`);
          assert.ok(p.create({ ...minimal, [f.name]: example }), `${p.name} ${f.name} example '${example}' creates`);
        }
      }
      const created = p.create(minimal);
      assert.ok(created !== null && typeof created === 'object');
    });
  }

  it("keeps Kafka's defaults", () => {
    const defaults = (name: string) =>
      Object.fromEntries(
        all
          .find((p) => p.name === name)!
          .spec.fields.filter((f) => f.hasDefault)
          .map((f) => [f.name, ConfigSpec.defaultText(f)]),
      );
    assert.deepEqual(defaults('Flatten$Value'), { delimiter: '.' });
    assert.deepEqual(defaults('TimestampRouter'), {
      'topic.format': '${topic}-${timestamp}',
      'timestamp.format': 'yyyyMMdd',
    });
    assert.deepEqual(defaults('TimestampConverter$Value'), {
      field: '',
      format: '',
      'unix.precision': 'milliseconds',
      'replace.null.with.default': 'true',
    });
    assert.deepEqual(defaults('ExtractField$Key'), {
      'field.syntax.version': 'V1',
      'replace.null.with.default': 'true',
    });
    assert.deepEqual(defaults('ReplaceField$Value'), {
      exclude: '',
      include: '',
      renames: '',
      'replace.null.with.default': 'true',
    });
    assert.deepEqual(defaults('InsertField$Value'), {
      'topic.field': null,
      'partition.field': null,
      'offset.field': null,
      'timestamp.field': null,
      'static.field': null,
      'static.value': null,
      'replace.null.with.default': 'true',
    });
    assert.deepEqual(defaults('MaskField$Value'), { replacement: null, 'replace.null.with.default': 'true' });
    assert.deepEqual(defaults('Cast$Value'), { 'replace.null.with.default': 'true' });
  });
});
