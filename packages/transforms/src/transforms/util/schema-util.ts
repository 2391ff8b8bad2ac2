import { type Schema, SchemaBuilder } from '@tributary/api';

/** Copies name, version, doc and parameters of `source` onto `builder`, as Kafka's `SchemaUtil.copySchemaBasics`. */
export function copySchemaBasics(source: Schema, builder: SchemaBuilder): SchemaBuilder {
  if (source.name !== undefined) builder.name(source.name);
  if (source.version !== undefined) builder.version(source.version);
  if (source.doc !== undefined) builder.doc(source.doc);
  if (source.parameters !== undefined) builder.parameters(source.parameters);
  return builder;
}

/** A builder of the same type as `source` (arrays and maps with their element schemas) with its basics copied. */
export function builderLike(source: Schema): SchemaBuilder {
  let builder: SchemaBuilder;
  if (source.type === 'array') builder = SchemaBuilder.array(source.valueSchema!);
  else if (source.type === 'map') builder = SchemaBuilder.map(source.keySchema!, source.valueSchema!);
  else builder = SchemaBuilder.type(source.type);
  return copySchemaBasics(source, builder);
}

const RECENT = 16;

/**
 * Derived schemas per input schema, as Kafka's per-transform schema-update caches. Lookups are by
 * identity first (a WeakMap, so schemas that are no longer used can be collected); on a miss the last
 * few inputs are compared structurally, so converters that rebuild equal schemas per record still hit.
 */
export class SchemaCache<V> {
  readonly #byIdentity = new WeakMap<Schema, V>();
  readonly #recent: { readonly key: Schema; readonly value: V }[] = [];

  get(schema: Schema): V | undefined {
    const hit = this.#byIdentity.get(schema);
    if (hit !== undefined) return hit;
    for (const entry of this.#recent) {
      if (entry.key.equals(schema)) {
        this.#byIdentity.set(schema, entry.value);
        return entry.value;
      }
    }
    return undefined;
  }

  set(schema: Schema, value: V): void {
    this.#byIdentity.set(schema, value);
    this.#recent.push({ key: schema, value });
    if (this.#recent.length > RECENT) this.#recent.shift();
  }

  /** The cached value for `schema`, computing and caching it on a miss. */
  getOrCompute(schema: Schema, compute: (schema: Schema) => V): V {
    let value = this.get(schema);
    if (value === undefined) {
      value = compute(schema);
      this.set(schema, value);
    }
    return value;
  }
}
