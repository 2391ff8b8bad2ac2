import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import { KAFKA_TRANSFORMS } from './util/config.js';
import { setEntry } from './util/maps.js';
import { isSchemalessMap, requireStruct, type SchemalessMap } from './util/requirements.js';
import { builderLike, copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

const PURPOSE = 'flattening';

/** Flatten's config: `delimiter`. */
export const FLATTEN_SPEC = ConfigSpec.create().string('delimiter', {
  doc: 'Delimiter to insert between field names from the input record when generating field names for the output record',
  default: '.',
  importance: 'medium',
  examples: ['_'],
});

/**
 * How to read one output field from an input struct: a chain of field indexes (all but the last are
 * nested structs).
 */
type Route = readonly number[];

interface FlattenPlan {
  readonly schema: Schema;
  readonly routes: readonly Route[];
}

class Flatten implements Transformation {
  readonly #side: Side;
  readonly #delimiter: string;
  readonly #plans = new SchemaCache<FlattenPlan>();

  constructor(side: Side, delimiter: string) {
    this.#side = side;
    this.#delimiter = delimiter;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    if (schema === null) {
      if (!isSchemalessMap(value)) {
        throw new DataError(
          `Only Map objects supported in absence of schema for [${PURPOSE}] in the record ${this.#side.kind}, found: ${typeof value}`,
          { path: this.#side.kind },
        );
      }
      const out: SchemalessMap = {};
      this.#flattenMap(value, '', out);
      return this.#side.update(record, null, out);
    }
    const struct = requireStruct(value, PURPOSE, this.#side.kind);
    const plan = this.#plans.get(schema) ?? this.#plan(schema);
    return this.#side.update(record, plan.schema, flattenStruct(struct, plan));
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.#delimiter + name;
  }

  #flattenMap(map: SchemalessMap, prefix: string, out: SchemalessMap): void {
    for (const key of Object.keys(map)) {
      const name = this.#name(prefix, key);
      const v = map[key];
      if (v === null || v === undefined) setEntry(out, name, null);
      else if (isSchemalessMap(v)) this.#flattenMap(v, name, out);
      else if (v instanceof Map) this.#flattenMap(Object.fromEntries(v), name, out);
      else if (v instanceof Struct) {
        throw new DataError(
          `Flatten transformation does not support Struct for record without schemas (for field ${name}).`,
          { path: name },
        );
      } else setEntry(out, name, v);
    }
  }

  #plan(schema: Schema): FlattenPlan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    if (schema.optional) builder.optional();
    const routes: Route[] = [];
    const defaultStruct = schema.defaultValue instanceof Struct ? schema.defaultValue : null;
    this.#flattenSchema(schema, '', builder, schema.optional, defaultStruct, [], routes);
    const plan = { schema: builder.build(), routes };
    this.#plans.set(schema, plan);
    return plan;
  }

  /** Kafka's buildUpdatedSchema: optional ancestors make descendants optional; ancestor defaults flow down. */
  #flattenSchema(
    schema: Schema,
    prefix: string,
    out: SchemaBuilder,
    optional: boolean,
    parentDefault: Struct | null,
    route: number[],
    routes: Route[],
  ): void {
    for (const field of schema.fields) {
      const name = this.#name(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      const own = field.schema.defaultValue;
      const inherited = parentDefault === null ? null : parentDefault.get(field.name);
      const fieldDefault = own !== undefined && own !== null ? own : inherited;
      switch (field.schema.type) {
        case 'struct':
          this.#flattenSchema(
            field.schema,
            name,
            out,
            fieldOptional,
            fieldDefault instanceof Struct ? fieldDefault : null,
            [...route, field.index],
            routes,
          );
          break;
        case 'map':
          throw new DataError(
            `Flatten transformation does not support map for record with schemas (for field ${name}).`,
            { path: name },
          );
        default: {
          const b = builderLike(field.schema);
          if (fieldOptional) b.optional();
          if (fieldDefault !== null && fieldDefault !== undefined) b.defaultValue(fieldDefault);
          try {
            out.field(name, b.build());
          } catch (err) {
            throw new DataError(`Flatten: cannot add field '${name}': ${(err as Error).message}`, {
              path: name,
              cause: err,
            });
          }
          routes.push([...route, field.index]);
        }
      }
    }
  }
}

function flattenStruct(struct: Struct, plan: FlattenPlan): Struct {
  const values = new Array<unknown>(plan.routes.length);
  for (let i = 0; i < plan.routes.length; i++) {
    const route = plan.routes[i]!;
    let current: Struct | null = struct;
    const last = route.length - 1;
    for (let j = 0; j < last && current !== null; j++) {
      const f = current.schema.fields[route[j]!]!;
      const sub: unknown = current.get(f);
      current = sub instanceof Struct ? sub : null;
    }
    values[i] = current === null ? null : current.get(current.schema.fields[route[last]!]!);
  }
  return Struct.trusted(plan.schema, values);
}

/** `Flatten$Key` and `Flatten$Value`. */
export const flatten = defineKeyValueTransformation({
  name: 'Flatten',
  classNames: [`${KAFKA_TRANSFORMS}.Flatten`],
  summary:
    'Flatten a nested Struct (or schemaless map), naming each field by joining the names at each level with a delimiter; arrays are not modified',
  spec: FLATTEN_SPEC,
  create: (config, side) => new Flatten(side, config.delimiter),
});
