import { Buffer } from 'node:buffer';
import { type HeaderConverter, NULL_SCHEMA_AND_VALUE, Schema, type SchemaAndValue } from '@tributary/api';
import { parseValueString } from '../transforms/util/values-parser.js';
import { firstInvalidUtf8 } from './json/json-text.js';
import { convertToString } from './values.js';

/**
 * Kafka Connect's default header converter (`org.apache.kafka.connect.storage.SimpleHeaderConverter`):
 * header values are written as UTF-8 text (strings as they are, other values in the text form of
 * {@link convertToString}) and read back with the type inferred by {@link parseValueString} (Kafka's
 * `Values.parseString`, shared with InsertHeader): booleans, the smallest integer type that fits, floats,
 * Decimals beyond int64, dates and times, arrays, maps, else strings. Bytes that are not UTF-8 are returned as `bytes`, as Kafka does when parsing fails.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    const text = convertToString(schema, value);
    return text === null ? null : Buffer.from(text, 'utf8');
  }

  toConnectHeader(_topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    if (firstInvalidUtf8(bytes) >= 0) return { schema: Schema.BYTES, value: bytes };
    return parseValueString(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  }
}
