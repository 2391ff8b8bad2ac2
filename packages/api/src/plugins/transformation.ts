import type { ConnectRecord } from '../records/record.js';

/**
 * A single message transform (SMT): takes one record and returns a changed copy, the same record, or null
 * to drop it. Must not mutate its input (records are shared). Created once per task from its config.
 * @throws DataError when the record does not have the shape the transform needs; the runtime handles it per
 *   `errors.tolerance`.
 */
export interface Transformation {
  apply<R extends ConnectRecord>(record: R): R | null;
  close?(): void;
}

/** A condition on a record; transforms run only where their predicate holds (or does not, with `negate`). */
export interface Predicate {
  test(record: ConnectRecord): boolean;
  close?(): void;
}
