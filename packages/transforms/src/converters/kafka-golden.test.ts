import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DataError, Headers, valueEquals } from '@tributary/api';
import { JDK17_DOUBLE_TEXT, writeCase } from './fixtures/golden-cases.js';
import { ENVELOPE_MESSAGE, JsonConverter } from './json/json-converter.js';

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
