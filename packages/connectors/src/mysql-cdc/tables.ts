import type { JsonMap } from '@tributary/api';
import { decodeSchemas, encodeSchemas } from './offsets.js';
import {
  buildTableSchema,
  type MappingOptions,
  structureKey,
  type TableInfo,
  type TableSchema,
} from './schema-mapper.js';

/**
 * The structures of the captured tables as of the binlog position being read (the schema history), and the
 * record schemas built from them. Changes replace the encoded form with a new object, so an offset that
 * captured the encoded form earlier keeps describing its own position.
 */
export class TableRegistry {
  readonly #prefix: string;
  readonly #options: MappingOptions;
  #tables = new Map<string, TableInfo>();
  #encoded: JsonMap | null = null;
  // Record schemas by table and structure: identical structures share Schema objects across ALTERs and restarts.
  readonly #schemas = new Map<string, TableSchema>();

  constructor(prefix: string, options: MappingOptions) {
    this.#prefix = prefix;
    this.#options = options;
  }

  /** Replaces every structure with those of an offset's `schemas`. */
  restore(encoded: JsonMap | null): void {
    this.#tables = decodeSchemas(encoded);
    this.#encoded = encoded;
  }

  get(id: string): TableInfo | undefined {
    return this.#tables.get(id);
  }

  has(id: string): boolean {
    return this.#tables.has(id);
  }

  /** Records a table's structure (no change when identical). */
  set(info: TableInfo): void {
    const id = `${info.db}.${info.table}`;
    const old = this.#tables.get(id);
    if (old !== undefined && structureKey(old) === structureKey(info)) return;
    this.#tables = new Map(this.#tables).set(id, info);
    this.#encoded = null;
  }

  /** Forgets a table's structure (a DDL changed it): it is read afresh when next needed. */
  forget(id: string): void {
    if (!this.#tables.has(id)) return;
    const next = new Map(this.#tables);
    next.delete(id);
    this.#tables = next;
    this.#encoded = null;
  }

  /** Forgets every table of a database. */
  forgetDatabase(db: string): void {
    const prefix = `${db}.`;
    const next = new Map([...this.#tables].filter(([id]) => !id.startsWith(prefix)));
    if (next.size === this.#tables.size) return;
    this.#tables = next;
    this.#encoded = null;
  }

  /** Every known structure, encoded for the offsets; the same object until something changes. */
  encoded(): JsonMap {
    this.#encoded ??= encodeSchemas(this.#tables.values());
    return this.#encoded;
  }

  /** The record schemas of a table structure. */
  schemaFor(info: TableInfo): TableSchema {
    const key = `${info.db}.${info.table}\u0000${structureKey(info)}`;
    let schema = this.#schemas.get(key);
    if (schema === undefined) {
      schema = buildTableSchema(this.#prefix, info, this.#options);
      if (this.#schemas.size > 10_000) this.#schemas.clear();
      this.#schemas.set(key, schema);
    }
    return schema;
  }
}
