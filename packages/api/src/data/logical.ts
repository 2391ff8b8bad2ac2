import { DataError } from '../errors.js';
import { DECIMAL_SCALE_PARAMETER, LogicalNames } from './logical-values.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

/**
 * Builders and constants for the logical types:
 * - Decimal: `bytes` holding the big-endian two's-complement unscaled value; value {@link Decimal};
 * - Date: `int32` days since the epoch; value a `Date` at UTC midnight;
 * - Time: `int32` milliseconds since midnight; value a `Date` on 1970-01-01 UTC;
 * - Timestamp: `int64` milliseconds since the epoch; value a `Date`.
 */
export const Logical = {
  decimalBuilder(scale: number): SchemaBuilder {
    if (!Number.isInteger(scale)) throw new DataError(`decimal scale must be an integer, got ${scale}`);
    return SchemaBuilder.bytes()
      .name(LogicalNames.DECIMAL)
      .version(1)
      .parameter(DECIMAL_SCALE_PARAMETER, String(scale));
  },
  decimal(scale: number, optional = false): Schema {
    const b = Logical.decimalBuilder(scale);
    return (optional ? b.optional() : b).build();
  },
  dateBuilder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalNames.DATE).version(1);
  },
  timeBuilder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalNames.TIME).version(1);
  },
  timestampBuilder(): SchemaBuilder {
    return SchemaBuilder.int64().name(LogicalNames.TIMESTAMP).version(1);
  },
  DATE: SchemaBuilder.int32().name(LogicalNames.DATE).version(1).build(),
  OPTIONAL_DATE: SchemaBuilder.int32().name(LogicalNames.DATE).version(1).optional().build(),
  TIME: SchemaBuilder.int32().name(LogicalNames.TIME).version(1).build(),
  OPTIONAL_TIME: SchemaBuilder.int32().name(LogicalNames.TIME).version(1).optional().build(),
  TIMESTAMP: SchemaBuilder.int64().name(LogicalNames.TIMESTAMP).version(1).build(),
  OPTIONAL_TIMESTAMP: SchemaBuilder.int64().name(LogicalNames.TIMESTAMP).version(1).optional().build(),
} as const;

/** True when the schema is one of the four logical types (by name and base type). */
export function isLogical(schema: Schema): boolean {
  switch (schema.name) {
    case LogicalNames.DECIMAL:
      return schema.type === 'bytes';
    case LogicalNames.DATE:
    case LogicalNames.TIME:
      return schema.type === 'int32';
    case LogicalNames.TIMESTAMP:
      return schema.type === 'int64';
    default:
      return false;
  }
}
