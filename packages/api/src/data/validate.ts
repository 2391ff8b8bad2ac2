import { DataError } from '../errors.js';
import { Decimal } from './decimal.js';
import { DECIMAL_SCALE_PARAMETER, LogicalNames, MILLIS_PER_DAY } from './logical-values.js';
import type { Schema, SchemaType } from './schema.js';
import { Struct } from './struct.js';

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks that `value` is valid for `schema`, recursively for arrays and maps (structs are checked by
 * schema identity/equality and their own required fields).
 *
 * @param path what the value is, for messages: `field 'price'`, `value`, `items[3]`.
 * @throws DataError naming the path, the expected type and what was found.
 */
export function validateValue(schema: Schema, value: unknown, path = 'value'): void {
  if (value === null || value === undefined) {
    if (schema.optional || schema.defaultValue !== undefined) return;
    throw new DataError(`${path}: a value is required (schema ${schema.describe()}), got null`, { path });
  }
  switch (schema.name) {
    case LogicalNames.DECIMAL:
      if (schema.type === 'bytes') {
        validateDecimal(schema, value, path);
        return;
      }
      break;
    case LogicalNames.DATE:
      if (schema.type === 'int32') {
        if (!(value instanceof Date) || value.getTime() % MILLIS_PER_DAY !== 0) {
          throw mismatch(path, 'Date (a Date at UTC midnight)', value);
        }
        return;
      }
      break;
    case LogicalNames.TIME:
      if (schema.type === 'int32') {
        const ms = value instanceof Date ? value.getTime() : Number.NaN;
        if (!(ms >= 0 && ms < MILLIS_PER_DAY)) throw mismatch(path, 'Time (a Date on 1970-01-01 UTC)', value);
        return;
      }
      break;
    case LogicalNames.TIMESTAMP:
      if (schema.type === 'int64') {
        if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
          throw mismatch(path, 'Timestamp (a Date)', value);
        return;
      }
      break;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const [min, max] = INT_RANGES[schema.type]!;
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw mismatch(path, `${schema.type} (integer number)`, value);
      if (value < min || value > max) {
        throw new DataError(`${path}: ${value} is out of range for ${schema.type} [${min}, ${max}]`, { path });
      }
      return;
    }
    case 'int64':
      if (typeof value !== 'bigint') throw mismatch(path, 'int64 (bigint)', value);
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new DataError(`${path}: ${value} is out of range for int64`, { path });
      }
      return;
    case 'float32':
      if (typeof value !== 'number') throw mismatch(path, 'float32 (number)', value);
      if (Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
        throw new DataError(`${path}: ${value} is out of range for float32`, { path });
      }
      return;
    case 'float64':
      if (typeof value !== 'number') throw mismatch(path, 'float64 (number)', value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(path, 'boolean', value);
      return;
    case 'string':
      if (typeof value !== 'string') throw mismatch(path, 'string', value);
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw mismatch(path, 'bytes (Uint8Array)', value);
      return;
    case 'array': {
      if (!Array.isArray(value)) throw mismatch(path, 'array', value);
      const items = schema.valueSchema!;
      for (let i = 0; i < value.length; i++) validateValue(items, value[i], `${path}[${i}]`);
      return;
    }
    case 'map': {
      if (!(value instanceof Map)) throw mismatch(path, 'map (Map)', value);
      for (const [k, v] of value) {
        validateValue(schema.keySchema!, k, `${path} key ${preview(k)}`);
        validateValue(schema.valueSchema!, v, `${path}[${preview(k)}]`);
      }
      return;
    }
    case 'struct': {
      if (!(value instanceof Struct)) throw mismatch(path, `struct ${schema.name ?? ''}`.trimEnd(), value);
      if (value.schema !== schema && !value.schema.equals(schema)) {
        throw new DataError(
          `${path}: struct schema ${value.schema.describe()} does not match the expected ${schema.describe()}`,
          { path },
        );
      }
      return;
    }
  }
}

function validateDecimal(schema: Schema, value: unknown, path: string): void {
  if (!(value instanceof Decimal))
    throw mismatch(path, `Decimal (scale ${schema.parameters?.[DECIMAL_SCALE_PARAMETER]})`, value);
  const scale = Number(schema.parameters?.[DECIMAL_SCALE_PARAMETER]);
  if (value.scale !== scale) {
    throw new DataError(
      `${path}: Decimal ${value.toString()} has scale ${value.scale}, the schema requires scale ${scale}`,
      {
        path,
      },
    );
  }
}

function mismatch(path: string, expected: string, value: unknown): DataError {
  return new DataError(`${path}: expected ${expected}, got ${describeValue(value)}`, { path });
}

/** A short description of a value's kind and content, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `bigint ${value}`;
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string ${preview(value)}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (value instanceof Struct) return `struct ${value.schema.name ?? ''}`.trimEnd();
  if (value instanceof Decimal) return `Decimal ${value.toString()}`;
  if (value instanceof Date) return `Date ${Number.isFinite(value.getTime()) ? value.toISOString() : 'invalid'}`;
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (Array.isArray(value)) return `array[${value.length}]`;
  if (value instanceof Map) return `Map(${value.size})`;
  return typeof value === 'object' ? 'object' : typeof value;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
