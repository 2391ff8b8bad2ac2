/**
 * Shared fixtures of the transform tests (not a test file itself: the runner picks `*.test.js`, and the
 * `.test.` infix keeps it out of the published package).
 */
import assert from 'node:assert/strict';
import {
  ConfigError,
  type ConnectRecord,
  DataError,
  Headers,
  type RawConfig,
  type Schema,
  type SinkRecord,
  type SourceRecord,
  sinkRecord,
  sourceRecord,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import type { KeyValuePlugins } from './util/side.js';

/** A source record; every part can be overridden. */
export function source(parts: Partial<Omit<SourceRecord, 'headers'>> & { headers?: Headers } = {}): SourceRecord {
  return sourceRecord({
    sourcePartition: { table: 'orders' },
    sourceOffset: { position: 7 },
    topic: 'orders',
    value: null,
    ...parts,
  });
}

/** A sink record at queue 3, offset 42, timestamp 2024-01-15T12:00:00Z. */
export function sink(parts: Partial<Omit<SinkRecord, 'headers'>> & { headers?: Headers } = {}): SinkRecord {
  return sinkRecord({ topic: 'orders', queue: 3, offset: 42, value: null, timestamp: 1_705_320_000_000, ...parts });
}

/** 2024-01-15T12:00:00Z. */
export const TS = 1_705_320_000_000;

/** One side of the `$Key`/`$Value` pair under test, with helpers that put data on that side. */
export interface SideCase {
  readonly name: 'Key' | 'Value';
  readonly plugin: TransformationPlugin;
  /** Creates the transform from a raw config. */
  create(config: RawConfig): Transformation;
  /** A source record with `schema`/`value` on this side and a marker on the other side. */
  record(schema: Schema | null, value: unknown, parts?: Partial<SourceRecord>): SourceRecord;
  /** A sink record with `schema`/`value` on this side. */
  sinkRecord(schema: Schema | null, value: unknown, parts?: Partial<SinkRecord>): SinkRecord;
  /** This side's schema and value of a record. */
  of(record: ConnectRecord | null): { schema: Schema | null; value: unknown };
}

const OTHER = 'other-side';

/** The two sides of a transform, for tests that run once per variant. */
export function sides(plugins: KeyValuePlugins): readonly SideCase[] {
  return [
    {
      name: 'Key',
      plugin: plugins.key,
      create: (config) => plugins.key.create(config),
      record: (schema, key, parts = {}) => source({ keySchema: schema, key, value: OTHER, ...parts }),
      sinkRecord: (schema, key, parts = {}) => sink({ keySchema: schema, key, value: OTHER, ...parts }),
      of: (r) => {
        assert.ok(r !== null, 'record was dropped');
        assert.equal(r.value, OTHER, 'the other side (value) must be untouched');
        return { schema: r.keySchema, value: r.key };
      },
    },
    {
      name: 'Value',
      plugin: plugins.value,
      create: (config) => plugins.value.create(config),
      record: (schema, value, parts = {}) => source({ key: OTHER, valueSchema: schema, value, ...parts }),
      sinkRecord: (schema, value, parts = {}) => sink({ key: OTHER, valueSchema: schema, value, ...parts }),
      of: (r) => {
        assert.ok(r !== null, 'record was dropped');
        assert.equal(r.key, OTHER, 'the other side (key) must be untouched');
        return { schema: r.valueSchema, value: r.value };
      },
    },
  ];
}

/** Asserts a ConfigError whose field errors name `key` with a message containing `text`. */
export function assertConfigError(fn: () => unknown, key: string, text: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    const messages = err.fieldErrors[key];
    assert.ok(messages !== undefined, `no error for '${key}' in ${JSON.stringify(err.fieldErrors)}`);
    const joined = messages.join('\n');
    assert.ok(
      typeof text === 'string' ? joined.includes(text) : text.test(joined),
      `'${key}' errors ${JSON.stringify(messages)} do not mention ${text}`,
    );
    return true;
  });
}

/** Asserts a DataError (never a TypeError) whose message contains every given text. */
export function assertDataError(fn: () => unknown, ...texts: (string | RegExp)[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected a DataError, got ${err instanceof Error ? err.stack : String(err)}`);
    for (const t of texts) {
      assert.ok(typeof t === 'string' ? err.message.includes(t) : t.test(err.message), `'${err.message}' lacks ${t}`);
    }
    return true;
  });
}

export { Headers };
