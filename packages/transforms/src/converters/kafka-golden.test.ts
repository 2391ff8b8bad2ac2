import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type Converter, DataError, Headers, valueEquals } from '@tributary/api';
import { BINARY_CASES, HEADER_CASES, JDK17_DOUBLE_TEXT, writeCase } from './fixtures/golden-cases.js';
import { ENVELOPE_MESSAGE, JsonConverter } from './json/json-converter.js';
import {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from './primitive-converters.js';
import { SimpleHeaderConverter } from './simple-header-converter.js';

/**
 * Kafka byte-compatibility: the expected bytes were produced by Kafka's own JsonConverter (see
 * kafka-golden/GenerateGolden.java and generate.sh), never by this implementation.
 */

interface WriteFixture {
  name: string;
  config: Record<string, string>;
  output?: string | null;
  error?: string;
}
interface ReadFixture {
  name: string;
  config: Record<string, string>;
  input: string;
  schema?: string | null;
  value?: string | null;
  error?: string;
}
export interface Golden {
  kafka: string;
  java: string;
  writes: WriteFixture[];
  reads: ReadFixture[];
  headers: { name: string; output: string | null }[];
  headerReads: { input: string; schema: string | null; value: string | null }[];
  binary: { name: string; converter: string; config: Record<string, string>; hex: string | null }[];
}

export const GOLDEN: Golden = JSON.parse(
  readFileSync(new URL('../../src/converters/fixtures/kafka-golden.json', import.meta.url), 'utf8'),
);

/** Kafka's bytes, with Java 17's over-long double texts replaced by what Java 19+ prints. */
function expectedOutput(f: WriteFixture): string | null | undefined {
  let out = f.output;
  if (typeof out !== 'string') return out;
  for (const [jdk17, jdk19] of Object.entries(JDK17_DOUBLE_TEXT)) out = out.split(jdk17).join(jdk19);
  return out;
}

const toText = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

/** Kafka's describer: a NUMERIC, schemaless JsonConverter writing the schema and the value read. */
const describer = new JsonConverter({ 'schemas.enable': false, 'decimal.format': 'NUMERIC' });

/** Read cases where Kafka coerces silently and Tributary raises a DataError instead (documented divergences). */
const STRICTER_THAN_KAFKA: Readonly<Record<string, RegExp>> = {
  'int8 out of range': /payload: 300 is out of range for int8/,
  'string for int32': /payload: expected int32, got string "12"/,
  'decimal with more digits than its scale': /payload: Decimal 1\.234 does not fit scale 2/,
};
/** Read cases where Tributary returns a different value than Kafka, with the value it returns. */
const DIFFERENT_FROM_KAFKA: Readonly<Record<string, string>> = {
  // Kafka writes NaN as the string "NaN" but reads it back as 0.0 (JsonNode.doubleValue of a text node).
  'NaN string for double': '"NaN"',
};

describe('JsonConverter matches Kafka 3.9 JsonConverter bytes', () => {
  test('the fixtures come from Kafka', () => {
    assert.match(GOLDEN.kafka, /^\d+\.\d+\.\d+$/);
    assert.ok(GOLDEN.writes.length > 80, 'a documented set of records');
  });

  for (const f of GOLDEN.writes) {
    test(`write: ${f.name}`, () => {
      const data = writeCase(f.name);
      assert.ok(data !== undefined, `no TypeScript twin for Kafka case '${f.name}' in fixtures/golden-cases.ts`);
      const converter = new JsonConverter(f.config);
      if (f.error !== undefined) {
        assert.throws(() => converter.fromConnectData('topic', Headers.EMPTY, data.schema, data.value), DataError);
        return;
      }
      const bytes = converter.fromConnectData('topic', Headers.EMPTY, data.schema, data.value);
      const expected = expectedOutput(f);
      assert.equal(toText(bytes), expected);
      // ... and reading Kafka's bytes gives data that writes back to the same bytes.
      const kafkaBytes = expected === null || expected === undefined ? null : Buffer.from(expected, 'utf8');
      const read = converter.toConnectData('topic', Headers.EMPTY, kafkaBytes);
      // (Plain `null` reads as no schema and no value, which writes as a tombstone, in Kafka too.)
      if (read.schema !== null || read.value !== null) {
        assert.equal(toText(converter.fromConnectData('topic', Headers.EMPTY, read.schema, read.value)), expected);
      }
      if (data.schema !== null && read.schema !== null) assert.ok(read.schema.equals(data.schema), 'schema read back');
      if (!f.name.startsWith('order') && f.name !== 'schemaless int keys') {
        assert.ok(valueEquals(read.value, data.value), `value read back: ${String(read.value)}`);
      }
    });
  }

  for (const f of GOLDEN.reads) {
    test(`read: ${f.name}`, () => {
      const converter = new JsonConverter(f.config);
      const read = () => converter.toConnectData('topic', Headers.EMPTY, Buffer.from(f.input, 'utf8'));
      const stricter = STRICTER_THAN_KAFKA[f.name];
      if (stricter !== undefined) {
        assert.ok(f.error === undefined, 'Kafka accepts this input');
        assert.throws(read, (e) => e instanceof DataError && stricter.test(e.message));
        return;
      }
      if (f.error !== undefined) {
        assert.throws(read, (e: unknown) => {
          assert.ok(e instanceof DataError, String(e));
          if (f.error!.startsWith('JsonConverter with schemas.enable')) assert.equal(e.message, ENVELOPE_MESSAGE);
          if (f.error!.startsWith('Unknown schema type')) assert.ok(e.message.endsWith(f.error!), e.message);
          return true;
        });
        return;
      }
      const sv = read();
      assert.equal(sv.schema === null ? null : describer.asJsonSchemaText(sv.schema), f.schema);
      const value = sv.value === null ? null : describer.toJsonText(sv.schema, sv.value);
      assert.equal(value, DIFFERENT_FROM_KAFKA[f.name] ?? f.value);
    });
  }
});

/** Header inputs whose Kafka schema is an array without an element schema; Tributary gives schema null. */
const NO_ELEMENT_SCHEMA = new Set(['[1,"a"]', '[]']);
/**
 * Deliberate differences, with Tributary's value: Kafka keeps the backslashes of escapes inside quoted
 * strings, so its own written headers do not read back; Tributary removes them.
 */
const HEADER_READ_DIFFERENCES: Record<string, string> = { '["a\\"b", "c\\\\d"]': '["a\\"b","c\\\\d"]' };

describe('SimpleHeaderConverter matches Kafka 3.9 SimpleHeaderConverter', () => {
  const converter = new SimpleHeaderConverter();
  for (const f of GOLDEN.headers) {
    test(`write: ${f.name}`, () => {
      const data = HEADER_CASES[f.name]?.();
      assert.ok(data !== undefined, `no TypeScript twin for header case '${f.name}'`);
      assert.equal(toText(converter.fromConnectHeader('topic', 'h', data.schema, data.value)), f.output);
    });
  }
  for (const f of GOLDEN.headerReads) {
    test(`read: ${JSON.stringify(f.input)}`, () => {
      const sv = converter.toConnectHeader('topic', 'h', Buffer.from(f.input, 'utf8'));
      const expectedSchema = NO_ELEMENT_SCHEMA.has(f.input) ? null : f.schema;
      assert.equal(sv.schema === null ? null : describer.asJsonSchemaText(sv.schema), expectedSchema);
      const expectedValue = HEADER_READ_DIFFERENCES[f.input] ?? f.value;
      assert.equal(sv.value === null ? null : describer.toJsonText(sv.schema, sv.value), expectedValue);
    });
  }
});

describe('simple converters match Kafka 3.9 bytes', () => {
  const make: Readonly<Record<string, (config: Record<string, string>) => Converter>> = {
    ShortConverter: () => new ShortConverter(),
    IntegerConverter: () => new IntegerConverter(),
    LongConverter: () => new LongConverter(),
    FloatConverter: () => new FloatConverter(),
    DoubleConverter: () => new DoubleConverter(),
    BooleanConverter: () => new BooleanConverter(),
    ByteArrayConverter: () => new ByteArrayConverter(),
    StringConverter: (config) => new StringConverter(config),
  };
  for (const f of GOLDEN.binary) {
    test(`${f.converter}: ${f.name}`, () => {
      const data = BINARY_CASES[f.name]?.();
      const converter = make[f.converter]?.(f.config);
      assert.ok(data !== undefined && converter !== undefined, `no TypeScript twin for '${f.name}'`);
      const bytes = converter.fromConnectData('topic', Headers.EMPTY, data.schema, data.value);
      assert.equal(bytes === null ? null : Buffer.from(bytes).toString('hex'), f.hex);
      // Reading Kafka's bytes gives the value back (as text for the StringConverter).
      const read = converter.toConnectData('topic', Headers.EMPTY, Buffer.from(f.hex ?? '', 'hex'));
      const expected = f.converter === 'StringConverter' && typeof data.value !== 'string' ? read.value : data.value;
      assert.ok(valueEquals(read.value, expected), `read back ${String(read.value)}`);
    });
  }
});
