import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import {
  crossFieldError,
  KAFKA_TRANSFORMS,
  nonEmptyList,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import { copyMap, getEntry } from './util/maps.js';
import { fieldValue, requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

/** HeaderFrom's config: `fields`, `headers`, `operation`, `replace.null.with.default`. */
export const HEADER_FROM_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .list('fields', {
      doc: 'Field names in the record whose values are to be copied or moved to headers.',
      importance: 'high',
      examples: ['id'],
      validate: nonEmptyList(),
    })
    .list('headers', {
      doc: 'Header names, in the same order as the field names listed in the fields configuration property.',
      importance: 'high',
      examples: ['record-id'],
      validate: nonEmptyList(),
    })
    .enum('operation', ['move', 'copy'] as const, {
      doc:
        'Either `move` if the fields are to be moved to the headers (removed from the key/value), or `copy` if ' +
        'the fields are to be copied to the headers (retained in the key/value).',
      importance: 'high',
    }),
);

interface MovePlan {
  readonly schema: Schema;
  /** Input field index per output field. */
  readonly kept: readonly number[];
}

class HeaderFrom implements Transformation {
  readonly #side: Side;
  readonly #fields: readonly string[];
  readonly #headers: readonly string[];
  readonly #move: boolean;
  readonly #moved: ReadonlySet<string>;
  readonly #replaceNullWithDefault: boolean;
  readonly #plans = new SchemaCache<MovePlan>();

  constructor(side: Side, fields: readonly string[], headers: readonly string[], move: boolean, replace: boolean) {
    this.#side = side;
    this.#fields = fields;
    this.#headers = headers;
    this.#move = move;
    this.#moved = new Set(fields);
    this.#replaceNullWithDefault = replace;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    const schema = this.#side.schema(record);
    const purpose = `header ${this.#move ? 'move' : 'copy'}`;
    let headers = record.headers;
    if (schema === null) {
      const map = requireMap(value, purpose, this.#side.kind);
      const updated = this.#move ? copyMap(map) : undefined;
      for (let i = 0; i < this.#fields.length; i++) {
        const field = this.#fields[i]!;
        headers = headers.add(this.#headers[i]!, getEntry(map, field) ?? null, null);
        if (updated !== undefined) delete updated[field];
      }
      return updated === undefined ? { ...record, headers } : this.#side.update(record, null, updated, headers);
    }
    const struct = requireStruct(value, purpose, this.#side.kind);
    for (let i = 0; i < this.#fields.length; i++) {
      const name = this.#fields[i]!;
      const field = struct.schema.field(name);
      if (field === undefined) {
        throw new DataError(
          `field '${name}' does not exist in the record ${this.#side.kind} (schema ${struct.schema.describe()}), cannot ${purpose} it`,
          { path: name },
        );
      }
      headers = headers.add(this.#headers[i]!, fieldValue(struct, field, this.#replaceNullWithDefault), field.schema);
    }
    if (!this.#move) return { ...record, headers };
    const plan = this.#plans.get(struct.schema) ?? this.#plan(struct.schema);
    const values = new Array<unknown>(plan.kept.length);
    const fields = struct.schema.fields;
    for (let i = 0; i < values.length; i++) {
      values[i] = fieldValue(struct, fields[plan.kept[i]!]!, this.#replaceNullWithDefault);
    }
    return this.#side.update(record, plan.schema, Struct.trusted(plan.schema, values), headers);
  }

  #plan(schema: Schema): MovePlan {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const kept: number[] = [];
    for (const f of schema.fields) {
      if (this.#moved.has(f.name)) continue;
      builder.field(f.name, f.schema);
      kept.push(f.index);
    }
    if (schema.optional) builder.optional();
    const plan = { schema: builder.build(), kept };
    this.#plans.set(schema, plan);
    return plan;
  }
}

/** `HeaderFrom$Key` and `HeaderFrom$Value`. */
export const headerFrom = defineKeyValueTransformation({
  name: 'HeaderFrom',
  classNames: [`${KAFKA_TRANSFORMS}.HeaderFrom`],
  summary: "Move or copy fields of the key or value into the record's headers (fields and headers paired by position)",
  spec: HEADER_FROM_SPEC,
  create: (config, side, subject) => {
    if (config.fields.length !== config.headers.length) {
      throw crossFieldError(subject, {
        headers: [
          `'headers' config must have the same number of elements as 'fields' config (${config.headers.length} vs ${config.fields.length}).`,
        ],
      });
    }
    return new HeaderFrom(
      side,
      config.fields,
      config.headers,
      config.operation === 'move',
      config[REPLACE_NULL_WITH_DEFAULT],
    );
  },
});
