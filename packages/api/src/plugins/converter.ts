import type { Schema } from '../data/schema.js';
import type { Headers } from '../records/headers.js';

/** Connect data with its schema (null when schemaless). */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

export const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });

/**
 * Turns record keys or values into bytes for the broker and back. One instance serves either keys or
 * values (`isKey` at creation) and is called from one task at a time.
 */
export interface Converter {
  /**
   * Connect data → bytes. A null value (tombstone) gives null.
   * @throws DataError naming the field and the expected type when the value does not fit the schema.
   */
  fromConnectData(topic: string, headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null;
  /**
   * Bytes → Connect data. Null bytes give `{schema: null, value: null}`.
   * @throws DataError naming the position or field when the bytes cannot be read.
   */
  toConnectData(topic: string, headers: Headers, bytes: Uint8Array | null): SchemaAndValue;
}

/** Turns one header value into bytes and back. */
export interface HeaderConverter {
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
}
