import {
  type ConnectRecord,
  DataError,
  describeValue,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import { setEntry } from '../util/maps.js';
import { fieldValues, isSchemalessMap } from '../util/requirements.js';
import { copySchemaBasics, SchemaCache } from '../util/schema-util.js';
import type { Side } from '../util/side.js';

/** Field names repeat across records: each is renamed once, up to this many (maps may have unbounded keys). */
const MAX_CACHED_NAMES = 10_000;

/**
 * Renames the top-level fields of a Struct (the schema is derived once per input schema) or the keys of a
 * schemaless map on one side of a record; ChangeCase and PatternRename differ only in `rename`.
 */
export class FieldRenamer implements Transformation {
  readonly #name: string;
  readonly #side: Side;
  readonly #renameUncached: (name: string) => string;
  readonly #schemas = new SchemaCache<Schema>();
  readonly #names = new Map<string, string>();

  /** @param name the transformation's name, for error messages. */
  constructor(name: string, side: Side, rename: (name: string) => string) {
    this.#name = name;
    this.#side = side;
    this.#renameUncached = rename;
  }

  #rename(name: string): string {
    let renamed = this.#names.get(name);
    if (renamed === undefined) {
      renamed = this.#renameUncached(name);
      if (this.#names.size < MAX_CACHED_NAMES) this.#names.set(name, renamed);
    }
    return renamed;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    if (this.#side.schema(record) === null && isSchemalessMap(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) setEntry(out, this.#rename(key), value[key]);
      return this.#side.update(record, null, out);
    }
    if (!(value instanceof Struct)) {
      throw new DataError(
        `${this.#name} supports a Struct or a schemaless map in the record ${this.#side.kind}, found ${describeValue(value)}`,
        { path: this.#side.kind },
      );
    }
    let schema = this.#schemas.get(value.schema);
    if (schema === undefined) {
      const builder = copySchemaBasics(value.schema, SchemaBuilder.struct());
      for (const f of value.schema.fields) {
        const renamed = this.#rename(f.name);
        try {
          builder.field(renamed, f.schema);
        } catch (err) {
          throw new DataError(`${this.#name}: field '${f.name}' → '${renamed}': ${(err as Error).message}`, {
            path: f.name,
            cause: err,
          });
        }
      }
      if (value.schema.optional) builder.optional();
      schema = builder.build();
      this.#schemas.set(value.schema, schema);
    }
    return this.#side.update(record, schema, Struct.trusted(schema, fieldValues(value, true)));
  }
}
