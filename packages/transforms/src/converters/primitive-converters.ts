import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';
import {
  ConfigSpec,
  type Converter,
  custom,
  DataError,
  Decimal,
  describeValue,
  type HeaderConverter,
  Headers,
  type RawConfig,
  Schema,
  type SchemaAndValue,
  type SchemaType,
} from '@tributary/api';
import { bigDecimalString, javaDoubleString, javaFloatString } from './json/number-format.js';

/**
 * Kafka Connect's simple converters (`org.apache.kafka.connect.converters.*`, `...storage.StringConverter`):
 * one value per message, as Kafka's serializers write it — big-endian fixed-width numbers, one byte 0/1
 * for booleans, the raw bytes, or the string in a charset. Null is null both ways; reading gives the
 * optional schema of the type. Each is also a {@link HeaderConverter}, as in Kafka.
 *
 * Unlike Kafka (which casts and fails on a ClassCastException, or calls `toString()` on anything for the
 * StringConverter), a value of another type is a DataError naming what was expected.
 */
abstract class SimpleConverter implements Converter, HeaderConverter {
  abstract fromConnectData(topic: string, headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null;
  abstract toConnectData(topic: string, headers: Headers, bytes: Uint8Array | null): SchemaAndValue;

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, Headers.EMPTY, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, Headers.EMPTY, bytes);
  }
}

/** Which number a fixed-width converter carries. */
interface NumberKind {
  readonly typeName: string;
  readonly deserializer: string;
  readonly size: number;
  readonly schema: Schema;
  encode(value: unknown, out: Buffer): void;
  decode(bytes: Buffer): unknown;
}

function integer(typeName: string, deserializer: string, size: 2 | 4, schema: Schema): NumberKind {
  const min = -(2 ** (size * 8 - 1));
  const max = 2 ** (size * 8 - 1) - 1;
  return {
    typeName,
    deserializer,
    size,
    schema,
    encode(value, out) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new DataError(
          `Failed to serialize to ${typeName}: expected an integer number, got ${describeValue(value)}`,
        );
      }
      if (value < min || value > max) {
        throw new DataError(`Failed to serialize to ${typeName}: ${value} is out of range [${min}, ${max}]`);
      }
      out.writeIntBE(value, 0, size);
    },
    decode: (bytes) => bytes.readIntBE(0, size),
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

const KINDS = {
  short: integer('short', 'ShortDeserializer', 2, Schema.OPTIONAL_INT16),
  integer: integer('integer', 'IntegerDeserializer', 4, Schema.OPTIONAL_INT32),
  long: {
    typeName: 'long',
    deserializer: 'LongDeserializer',
    size: 8,
    schema: Schema.OPTIONAL_INT64,
    encode(value, out) {
      // bigint is the int64 value; a safe integer number is accepted as well (exact either way).
      const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
      if (typeof v !== 'bigint') {
        throw new DataError(`Failed to serialize to long: expected a bigint, got ${describeValue(value)}`);
      }
      if (v < INT64_MIN || v > INT64_MAX)
        throw new DataError(`Failed to serialize to long: ${v} is out of range for int64`);
      out.writeBigInt64BE(v, 0);
    },
    decode: (bytes) => bytes.readBigInt64BE(0),
  },
  float: {
    typeName: 'float',
    deserializer: 'Deserializer',
    size: 4,
    schema: Schema.OPTIONAL_FLOAT32,
    encode(value, out) {
      if (typeof value !== 'number') {
        throw new DataError(`Failed to serialize to float: expected a number, got ${describeValue(value)}`);
      }
      if (Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
        throw new DataError(`Failed to serialize to float: ${value} is out of range for float32`);
      }
      out.writeFloatBE(value, 0);
    },
    decode: (bytes) => bytes.readFloatBE(0),
  },
  double: {
    typeName: 'double',
    deserializer: 'Deserializer',
    size: 8,
    schema: Schema.OPTIONAL_FLOAT64,
    encode(value, out) {
      if (typeof value !== 'number') {
        throw new DataError(`Failed to serialize to double: expected a number, got ${describeValue(value)}`);
      }
      out.writeDoubleBE(value, 0);
    },
    decode: (bytes) => bytes.readDoubleBE(0),
  },
} as const satisfies Record<string, NumberKind>;

/** Big-endian fixed-width numbers, as Kafka's Short/Integer/Long/Float/DoubleSerializer. */
export class NumberConverter extends SimpleConverter {
  readonly #kind: NumberKind;

  constructor(kind: keyof typeof KINDS) {
    super();
    this.#kind = KINDS[kind];
  }

  fromConnectData(_topic: string, _headers: Headers, _schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    const out = Buffer.alloc(this.#kind.size);
    this.#kind.encode(value, out);
    return out;
  }

  toConnectData(_topic: string, _headers: Headers, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: this.#kind.schema, value: null };
    if (bytes.length !== this.#kind.size) {
      throw new DataError(
        `Failed to deserialize ${this.#kind.typeName}: Size of data received by ${this.#kind.deserializer} is not ${this.#kind.size} (got ${bytes.length} bytes)`,
      );
    }
    return {
      schema: this.#kind.schema,
      value: this.#kind.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
    };
  }
}

export class ShortConverter extends NumberConverter {
  constructor() {
    super('short');
  }
}
export class IntegerConverter extends NumberConverter {
  constructor() {
    super('integer');
  }
}
export class LongConverter extends NumberConverter {
  constructor() {
    super('long');
  }
}
export class FloatConverter extends NumberConverter {
  constructor() {
    super('float');
  }
}
export class DoubleConverter extends NumberConverter {
  constructor() {
    super('double');
  }
}

function checkSchemaType(converter: string, schema: Schema | null, type: SchemaType): void {
  if (schema !== null && schema.type !== type) {
    throw new DataError(`Invalid schema type for ${converter}: ${schema.type.toUpperCase()}`);
  }
}

/** One byte, 1 for true and 0 for false (Kafka's BooleanSerializer). */
export class BooleanConverter extends SimpleConverter {
  fromConnectData(_topic: string, _headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null {
    checkSchemaType('BooleanConverter', schema, 'boolean');
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean') {
      throw new DataError(`BooleanConverter is not compatible with objects of type ${describeValue(value)}`);
    }
    return Buffer.of(value ? 1 : 0);
  }

  toConnectData(_topic: string, _headers: Headers, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: Schema.OPTIONAL_BOOLEAN, value: null };
    if (bytes.length !== 1) {
      throw new DataError(
        `Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1 (got ${bytes.length} bytes)`,
      );
    }
    if (bytes[0] !== 0 && bytes[0] !== 1) {
      throw new DataError(
        `Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${bytes[0]}`,
      );
    }
    return { schema: Schema.OPTIONAL_BOOLEAN, value: bytes[0] === 1 };
  }
}

/** The bytes as they are (Kafka's ByteArrayConverter): the schema, when given, must be `bytes`. */
export class ByteArrayConverter extends SimpleConverter {
  fromConnectData(_topic: string, _headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null {
    checkSchemaType('ByteArrayConverter', schema, 'bytes');
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      throw new DataError(`ByteArrayConverter is not compatible with objects of type ${describeValue(value)}`);
    }
    return value;
  }

  toConnectData(_topic: string, _headers: Headers, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schema.OPTIONAL_BYTES, value: bytes ?? null };
  }
}

/** Java charset names the StringConverter supports, upper-cased, with their usual aliases. */
const CHARSETS: Readonly<Record<string, Charset>> = {
  'UTF-8': 'utf-8',
  UTF8: 'utf-8',
  'UTF-16': 'utf-16',
  UTF16: 'utf-16',
  'UTF-16BE': 'utf-16be',
  'UTF-16LE': 'utf-16le',
  'ISO-8859-1': 'latin1',
  'ISO8859-1': 'latin1',
  LATIN1: 'latin1',
  'US-ASCII': 'ascii',
  ASCII: 'ascii',
};
type Charset = 'utf-8' | 'utf-16' | 'utf-16be' | 'utf-16le' | 'latin1' | 'ascii';

export const STRING_CONVERTER_SPEC = ConfigSpec.create().string('converter.encoding', {
  doc: 'The name of the Java character set to use for encoding strings as byte arrays: UTF-8, UTF-16 (big-endian with a byte-order mark, as Java), UTF-16BE, UTF-16LE, ISO-8859-1 or US-ASCII.',
  default: 'UTF-8',
  importance: 'high',
  displayName: 'Encoding',
  validate: custom<string | null>('a supported charset', (v) =>
    v === null || CHARSETS[v.trim().toUpperCase()] !== undefined
      ? undefined
      : `Unsupported charset; use one of ${Object.keys(CHARSETS).join(', ')}`,
  ),
});

/**
 * Strings in a charset (Kafka's StringConverter, `converter.encoding`, default UTF-8). Writes strings, and
 * numbers, bigints, booleans and Decimals as their Java text (`1.0E10`, `42`); other values are a
 * DataError. Reads any bytes as an optional string; bytes that are not valid in the charset are a
 * DataError rather than replacement characters.
 */
export class StringConverter extends SimpleConverter {
  readonly #charset: Charset;
  readonly #decoder: TextDecoder | undefined;

  /** @throws ConfigError for an unsupported charset. */
  constructor(config: RawConfig = {}) {
    super();
    const parsed = STRING_CONVERTER_SPEC.parse(config, { subject: 'StringConverter configuration' });
    this.#charset = CHARSETS[parsed['converter.encoding'].trim().toUpperCase()]!;
    const label = this.#charset === 'latin1' ? undefined : this.#charset === 'ascii' ? undefined : this.#charset;
    this.#decoder =
      label === undefined
        ? undefined
        : new TextDecoder(label === 'utf-16' ? 'utf-16be' : label, { fatal: true, ignoreBOM: label !== 'utf-16' });
  }

  fromConnectData(_topic: string, _headers: Headers, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    return this.#encode(textOf(schema, value));
  }

  toConnectData(_topic: string, _headers: Headers, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: Schema.OPTIONAL_STRING, value: null };
    return { schema: Schema.OPTIONAL_STRING, value: this.#decode(bytes) };
  }

  #encode(text: string): Buffer {
    switch (this.#charset) {
      case 'utf-8':
        return Buffer.from(text, 'utf8');
      case 'utf-16le':
        return Buffer.from(text, 'utf16le');
      case 'utf-16be':
        return Buffer.from(text, 'utf16le').swap16();
      case 'utf-16':
        // Java's "UTF-16" encoder writes big-endian with a byte-order mark.
        return Buffer.concat([Buffer.of(0xfe, 0xff), Buffer.from(text, 'utf16le').swap16()]);
      case 'latin1':
      case 'ascii': {
        const limit = this.#charset === 'latin1' ? 0xff : 0x7f;
        for (let i = 0; i < text.length; i++) {
          if (text.charCodeAt(i) > limit) {
            throw new DataError(
              `Failed to serialize to a string: character U+${text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')} at index ${i} cannot be encoded in ${this.#charset === 'latin1' ? 'ISO-8859-1' : 'US-ASCII'}`,
            );
          }
        }
        return Buffer.from(text, 'latin1');
      }
    }
  }

  #decode(bytes: Uint8Array): string {
    if (this.#charset === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    if (this.#charset === 'ascii') {
      const bad = bytes.findIndex((b) => b > 0x7f);
      if (bad >= 0)
        throw new DataError(`Failed to deserialize string: byte ${bytes[bad]} at offset ${bad} is not US-ASCII`);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    }
    try {
      return this.#decoder!.decode(bytes);
    } catch (e) {
      throw new DataError(`Failed to deserialize string: the bytes are not valid ${this.#charset.toUpperCase()}`, {
        cause: e,
      });
    }
  }
}

/** The Java text of a value, as StringConverter writes it (`Object.toString()` for the types that have one worth writing). */
function textOf(schema: Schema | null, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      if (schema?.type === 'float32') return javaFloatString(value);
      if (schema?.type === 'float64' || !Number.isSafeInteger(value)) return javaDoubleString(value);
      return String(value);
  }
  if (value instanceof Decimal) return bigDecimalString(value.unscaled, value.scale);
  throw new DataError(
    `Failed to serialize to a string: expected a string, number or boolean, got ${describeValue(value)}`,
  );
}
