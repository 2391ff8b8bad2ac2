import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  defineTransformation,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import {
  KAFKA_TRANSFORMS,
  nonEmptyList,
  REPLACE_NULL_WITH_DEFAULT,
  TRANSFORMS_VERSION,
  withReplaceNullWithDefault,
} from './util/config.js';
import { setEntry } from './util/maps.js';
import { fieldValue, requireMap, requireStruct } from './util/requirements.js';
import { SchemaCache } from './util/schema-util.js';

const PURPOSE = 'copying fields from value to key';

/** ValueToKey's config: `fields`, `replace.null.with.default`. */
export const VALUE_TO_KEY_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create().list('fields', {
    doc: 'Field names on the record value to extract as the record key.',
    importance: 'high',
    examples: ['id', 'tenant,id'],
    validate: nonEmptyList(),
  }),
);

interface KeyPlan {
  readonly schema: Schema;
  /** Value field index per key field. */
  readonly sources: readonly number[];
}

class ValueToKey implements Transformation {
  readonly #fields: readonly string[];
  readonly #replaceNullWithDefault: boolean;
  readonly #plans = new SchemaCache<KeyPlan>();

  constructor(fields: readonly string[], replaceNullWithDefault: boolean) {
    this.#fields = fields;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (record.valueSchema === null) {
      const map = requireMap(record.value, PURPOSE, 'value');
      const key: Record<string, unknown> = {};
      for (const f of this.#fields) {
        // Kafka keys a missing field as null, which makes unrelated records share a key (and compact away).
        if (!Object.hasOwn(map, f)) {
          throw new DataError(`Field does not exist: '${f}' is not a field of the record value`, { path: f });
        }
        setEntry(key, f, map[f] ?? null);
      }
      return { ...record, keySchema: null, key };
    }
    const value = requireStruct(record.value, PURPOSE, 'value');
    const plan = this.#plans.get(value.schema) ?? this.#plan(value.schema);
    const fields = value.schema.fields;
    const values = new Array<unknown>(plan.sources.length);
    for (let i = 0; i < values.length; i++) {
      values[i] = fieldValue(value, fields[plan.sources[i]!]!, this.#replaceNullWithDefault);
    }
    return { ...record, keySchema: plan.schema, key: Struct.trusted(plan.schema, values) };
  }

  #plan(schema: Schema): KeyPlan {
    const builder = SchemaBuilder.struct();
    const sources: number[] = [];
    for (const name of this.#fields) {
      const f = schema.field(name);
      if (f === undefined) {
        throw new DataError(
          `Field does not exist: '${name}' is not a field of the record value (schema ${schema.describe()}; fields: ${schema.fields.map((x) => x.name).join(', ')})`,
          { path: name },
        );
      }
      builder.field(name, f.schema);
      sources.push(f.index);
    }
    const plan = { schema: builder.build(), sources };
    this.#plans.set(schema, plan);
    return plan;
  }
}

/** `ValueToKey`: replace the record key with a Struct (or map) of fields of the value. */
export const valueToKey: TransformationPlugin = defineTransformation({
  name: 'ValueToKey',
  aliases: [`${KAFKA_TRANSFORMS}.ValueToKey`],
  version: TRANSFORMS_VERSION,
  summary: 'Replace the record key with a new key formed from a subset of fields in the record value',
  spec: VALUE_TO_KEY_SPEC,
  create: (config) => new ValueToKey(config.fields, config[REPLACE_NULL_WITH_DEFAULT]),
});
