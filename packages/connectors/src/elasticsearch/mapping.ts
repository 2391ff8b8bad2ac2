/**
 * Index mappings derived from Connect schemas (`schema.ignore=false`). Every type maps to one that
 * accepts exactly what {@link toJson} writes:
 *
 * | Connect | mapping |
 * |---|---|
 * | int8 / int16 / int32 / int64 | `byte` / `short` / `integer` / `long` |
 * | float32 / float64 | `float` / `double` |
 * | boolean | `boolean` |
 * | string | `text` with a `keyword` sub-field (`ignore_above: 256`), as dynamic mapping does |
 * | bytes | `binary` (base64) |
 * | Decimal, scale 0–6 | `scaled_float`, `scaling_factor` 10^scale: sums and ranges exact to the scale |
 * | Decimal, other scales | `double` |
 * | Date, Timestamp | `date`, format `strict_date_optional_time||epoch_millis` |
 * | Time | `date`, format `strict_hour_minute_second_fraction||epoch_millis` |
 * | struct | `object` with its fields as properties |
 * | array | the mapping of its items (every field may hold a list) |
 * | map, string keys, compact | `object` (entries mapped dynamically) |
 * | map, otherwise | `object` with properties `key` and `value` |
 * | Debezium `io.debezium.time.Timestamp` (int64 epoch ms) | `date`, format `epoch_millis` |
 * | Debezium `io.debezium.time.ZonedTimestamp` (ISO text) | `date`, format `strict_date_optional_time` |
 *
 * The `_source` keeps the exact JSON that was sent (a Decimal's every digit) whatever the mapping.
 */
import { decimalScale, LogicalNames, type Schema } from '@tributary/api';
import type { JsonOptions } from './documents.js';

export type FieldMapping = Readonly<Record<string, unknown>>;

/** Decimals of at most this scale map to `scaled_float`; their scaled value stays well inside a long. */
export const MAX_SCALED_FLOAT_SCALE = 6;

const DATE_FORMAT = 'strict_date_optional_time||epoch_millis';
const TIME_FORMAT = 'strict_hour_minute_second_fraction||epoch_millis';

/** The mapping of one field of this schema. */
export function fieldMapping(schema: Schema, options: JsonOptions = { compactMapEntries: true }): FieldMapping {
  switch (schema.name) {
    case LogicalNames.DECIMAL: {
      const scale = decimalScale(schema);
      return scale >= 0 && scale <= MAX_SCALED_FLOAT_SCALE
        ? { type: 'scaled_float', scaling_factor: 10 ** scale }
        : { type: 'double' };
    }
    case LogicalNames.DATE:
    case LogicalNames.TIMESTAMP:
      return { type: 'date', format: DATE_FORMAT };
    case LogicalNames.TIME:
      return { type: 'date', format: TIME_FORMAT };
    // Debezium's semantic types (time.precision.mode=adaptive) whose values a date field can parse as they are.
    case 'io.debezium.time.Timestamp':
      return { type: 'date', format: 'epoch_millis' };
    case 'io.debezium.time.ZonedTimestamp':
      return { type: 'date', format: 'strict_date_optional_time' };
  }
  switch (schema.type) {
    case 'int8':
      return { type: 'byte' };
    case 'int16':
      return { type: 'short' };
    case 'int32':
      return { type: 'integer' };
    case 'int64':
      return { type: 'long' };
    case 'float32':
      return { type: 'float' };
    case 'float64':
      return { type: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    case 'bytes':
      return { type: 'binary' };
    case 'array':
      return fieldMapping(schema.valueSchema!, options);
    case 'map':
      if (options.compactMapEntries && schema.keySchema!.type === 'string') return { type: 'object' };
      return {
        type: 'object',
        properties: {
          key: fieldMapping(schema.keySchema!, options),
          value: fieldMapping(schema.valueSchema!, options),
        },
      };
    case 'struct':
      return { type: 'object', properties: structProperties(schema, options) };
  }
}

function structProperties(schema: Schema, options: JsonOptions): Record<string, FieldMapping> {
  const properties: Record<string, FieldMapping> = {};
  for (const f of schema.fields) properties[f.name] = fieldMapping(f.schema, options);
  return properties;
}

/**
 * The `mappings` body of a new index for documents of this value schema, or null when the schema says
 * nothing to map (schemaless, or a map value: left to dynamic mapping).
 */
export function indexMapping(
  schema: Schema | null,
  options: JsonOptions = { compactMapEntries: true },
): { properties: Record<string, FieldMapping> } | null {
  if (schema === null || schema.type !== 'struct') return null;
  return { properties: structProperties(schema, options) };
}
