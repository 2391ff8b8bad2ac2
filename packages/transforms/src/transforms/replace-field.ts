import {
  ConfigSpec,
  type ConnectRecord,
  custom,
  DataError,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, REPLACE_NULL_WITH_DEFAULT, withReplaceNullWithDefault } from './util/config.js';
import { javaSplit } from './util/java-text.js';
import { setEntry } from './util/maps.js';
import { fieldValue, requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

const PURPOSE = 'field replacement';

/**
 * Parses `old:new` rename pairs.
 * @throws Error naming the first invalid mapping.
 */
export function parseRenames(mappings: readonly string[]): ReadonlyMap<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length !== 2) throw new Error(`Invalid rename mapping: ${mapping}`);
    renames.set(parts[0]!, parts[1]!);
  }
  return renames;
}

/** ReplaceField's config: `exclude` (alias `blacklist`), `include` (alias `whitelist`), `renames`, `replace.null.with.default`. */
export const REPLACE_FIELD_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .list('exclude', {
      doc: 'Fields to exclude. This takes precedence over the fields to include.',
      default: [],
      importance: 'medium',
      aliases: ['blacklist'],
      examples: ['password,ssn'],
    })
    .list('include', {
      doc: 'Fields to include. If specified, only these fields will be used.',
      default: [],
      importance: 'medium',
      aliases: ['whitelist'],
    })
    .list('renames', {
      doc: 'Field rename mappings.',
      default: [],
      importance: 'medium',
      examples: ['foo:bar,abc:xyz'],
      validate: custom<readonly string[] | null>('list of colon-delimited pairs, e.g. foo:bar,abc:xyz', (v) => {
        try {
          parseRenames(v ?? []);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      }),
    }),
);

interface ReplacePlan {
  readonly schema: Schema;
  /** Input field index per output field. */
  readonly sources: readonly number[];
}

class ReplaceField implements Transformation {
  readonly #side: Side;
  readonly #exclude: ReadonlySet<string>;
  readonly #include: ReadonlySet<string>;
  readonly #renames: ReadonlyMap<string, string>;
  readonly #replaceNullWithDefault: boolean;
  readonly #plans = new SchemaCache<ReplacePlan>();

  constructor(
    side: Side,
    exclude: readonly string[],
    include: readonly string[],
    renames: ReadonlyMap<string, string>,
    replaceNullWithDefault: boolean,
  ) {
    this.#side = side;
    this.#exclude = new Set(exclude);
    this.#include = new Set(include);
    this.#renames = renames;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  #keep(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name));
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE, this.#side.kind);
      const updated: Record<string, unknown> = {};
      for (const key of Object.keys(map)) {
        if (this.#keep(key)) setEntry(updated, this.#renames.get(key) ?? key, map[key]);
      }
      return this.#side.update(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE, this.#side.kind);
    const plan = this.#plans.get(struct.schema) ?? this.#plan(struct.schema);
    const fields = struct.schema.fields;
    const values = new Array<unknown>(plan.sources.length);
    for (let i = 0; i < values.length; i++) {
      values[i] = fieldValue(struct, fields[plan.sources[i]!]!, this.#replaceNullWithDefault);
    }
    return this.#side.update(record, plan.schema, Struct.trusted(plan.schema, values));
  }

  #plan(schema: Schema): ReplacePlan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const sources: number[] = [];
    const origins = new Map<string, string>();
    for (const f of schema.fields) {
      if (!this.#keep(f.name)) continue;
      const name = this.#renames.get(f.name) ?? f.name;
      const clash = origins.get(name);
      if (clash !== undefined) {
        throw new DataError(`fields '${clash}' and '${f.name}' would both be named '${name}' after replacement`, {
          path: f.name,
        });
      }
      origins.set(name, f.name);
      builder.field(name, f.schema);
      sources.push(f.index);
    }
    if (schema.optional) builder.optional();
    const plan = { schema: builder.build(), sources };
    this.#plans.set(schema, plan);
    return plan;
  }
}

/** `ReplaceField$Key` and `ReplaceField$Value`. */
export const replaceField = defineKeyValueTransformation({
  name: 'ReplaceField',
  classNames: [`${KAFKA_TRANSFORMS}.ReplaceField`],
  summary: 'Filter (exclude/include) or rename fields',
  spec: REPLACE_FIELD_SPEC,
  create: (config, side) =>
    new ReplaceField(
      side,
      config.exclude,
      config.include,
      parseRenames(config.renames),
      config[REPLACE_NULL_WITH_DEFAULT],
    ),
});
