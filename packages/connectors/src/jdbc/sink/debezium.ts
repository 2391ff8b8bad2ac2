import { DataError, type Schema, Struct } from '@tributary/api';

/** What a record asks of the table once a possible change envelope is unwrapped. */
export type RecordChange =
  | { readonly kind: 'write'; readonly value: Struct }
  | { readonly kind: 'delete' }
  /** Nothing to write (a truncate or message event, or a tombstone the config ignores). */
  | { readonly kind: 'skip'; readonly reason: string };

/**
 * True for Debezium's change-event envelope: a struct with `op` (string) and the `before`/`after` row
 * structs, named `<prefix>.Envelope` by Debezium (the name is not required: a schema with those fields is
 * an envelope whatever its name).
 */
export function isEnvelope(schema: Schema | null): schema is Schema {
  if (schema === null || schema.type !== 'struct') return false;
  const op = schema.field('op');
  const after = schema.field('after');
  const before = schema.field('before');
  return (
    op !== undefined &&
    op.schema.type === 'string' &&
    after !== undefined &&
    after.schema.type === 'struct' &&
    (before === undefined || before.schema.type === 'struct')
  );
}

/**
 * Unwraps one Debezium change event, as Debezium's ExtractNewRecordState transform with
 * `delete.handling.mode=none` and tombstones kept: `c` (create), `r` (snapshot read) and `u` (update)
 * write the `after` row; `d` deletes the row of the record key; `t` (truncate) and `m` (message) are skipped.
 * @throws DataError for an envelope whose op is unknown or whose `after` is missing on a write.
 */
export function unwrapEnvelope(value: unknown): RecordChange {
  if (!(value instanceof Struct)) throw new DataError(`a change envelope must be a struct, got ${typeof value}`);
  const op = value.get('op');
  switch (op) {
    case 'c':
    case 'r':
    case 'u': {
      const after = value.get('after');
      if (!(after instanceof Struct)) throw new DataError(`change event with op '${op}' has no 'after' row`);
      return { kind: 'write', value: after };
    }
    case 'd':
      return { kind: 'delete' };
    case 't':
      return { kind: 'skip', reason: 'truncate event' };
    case 'm':
      return { kind: 'skip', reason: 'message event' };
    default:
      throw new DataError(`change event has an unknown op ${JSON.stringify(op)}`);
  }
}
