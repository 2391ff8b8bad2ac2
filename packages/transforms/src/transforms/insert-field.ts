import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  Logical,
  Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import {
  crossFieldError,
  KAFKA_TRANSFORMS,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import { copyMap, setEntry } from './util/maps.js';
import { fieldValues, requireMap, requireSinkRecord, requireStruct } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

const PURPOSE = 'field insertion';
const OPTIONALITY_DOC = 'Suffix with `!` to make this a required field, or `?` to keep it optional (the default).';
const FIELD_KEYS = ['topic.field', 'partition.field', 'offset.field', 'timestamp.field', 'static.field'] as const;

/** InsertField's config: the five `*.field` keys, `static.value`, `replace.null.with.default`. */
export const INSERT_FIELD_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .string('topic.field', { doc: `Field name for the topic. ${OPTIONALITY_DOC}`, default: null, examples: ['topic!'] })
    .string('partition.field', {
      doc: `Field name for the queue (Kafka partition). ${OPTIONALITY_DOC}`,
      default: null,
      examples: ['queue'],
    })
    .string('offset.field', {
      doc: `Field name for the queue offset - only applicable to sink connectors. ${OPTIONALITY_DOC}`,
      default: null,
      examples: ['offset?'],
    })
    .string('timestamp.field', { doc: `Field name for record timestamp. ${OPTIONALITY_DOC}`, default: null })
    .string('static.field', { doc: `Field name for static data field. ${OPTIONALITY_DOC}`, default: null })
    .string('static.value', { doc: 'Static field value, if field name configured.', default: null }),
);

/** A field to insert: its name and whether it is optional (`?`, the default) or required (`!`). */
export interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

/** Parses `name`, `name?` or `name!`; null stays null. */
export function parseInsertionSpec(text: string | null): InsertionSpec | null {
  if (text === null) return null;
  const t = text.trim();
  if (t.endsWith('?')) return { name: t.slice(0, -1), optional: true };
  if (t.endsWith('!')) return { name: t.slice(0, -1), optional: false };
  return { name: t, optional: true };
}

interface Insertions {
  readonly topic: InsertionSpec | null;
  readonly partition: InsertionSpec | null;
  readonly offset: InsertionSpec | null;
  readonly timestamp: InsertionSpec | null;
  readonly static: InsertionSpec | null;
  readonly staticValue: string | null;
}

class InsertField implements Transformation {
  readonly #side: Side;
  readonly #ins: Insertions;
  readonly #replaceNullWithDefault: boolean;
  readonly #schemas = new SchemaCache<Schema>();

  constructor(side: Side, insertions: Insertions, replaceNullWithDefault: boolean) {
    this.#side = side;
    this.#ins = insertions;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#side.schema(record);
    const ins = this.#ins;
    const offset = ins.offset === null ? null : requireSinkRecord(record, PURPOSE).offset;
    if (schema === null) {
      const updated = copyMap(requireMap(value, PURPOSE, this.#side.kind));
      if (ins.topic !== null) setEntry(updated, ins.topic.name, record.topic);
      if (ins.partition !== null && record.queue !== null) setEntry(updated, ins.partition.name, record.queue);
      if (ins.offset !== null) setEntry(updated, ins.offset.name, offset);
      if (ins.timestamp !== null && record.timestamp !== null) setEntry(updated, ins.timestamp.name, record.timestamp);
      if (ins.static !== null) setEntry(updated, ins.static.name, ins.staticValue);
      return this.#side.update(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE, this.#side.kind);
    const updatedSchema = this.#schemas.get(struct.schema) ?? this.#updatedSchema(struct.schema);
    const values = fieldValues(struct, this.#replaceNullWithDefault);
    if (ins.topic !== null) values.push(record.topic);
    if (ins.partition !== null) values.push(this.#required(ins.partition, record.queue, 'queue'));
    if (ins.offset !== null) values.push(BigInt(offset!));
    if (ins.timestamp !== null) {
      values.push(
        this.#required(ins.timestamp, record.timestamp === null ? null : new Date(record.timestamp), 'timestamp'),
      );
    }
    if (ins.static !== null) values.push(ins.staticValue);
    return this.#side.update(record, updatedSchema, Struct.trusted(updatedSchema, values));
  }

  /** Kafka leaves a required field empty when the record has no such metadata; we refuse to build that struct. */
  #required<T>(spec: InsertionSpec, value: T | null, what: string): T | null {
    if (value === null && !spec.optional) {
      throw new DataError(`field '${spec.name}' is required (suffix '!') but the record has no ${what}`, {
        path: spec.name,
      });
    }
    return value;
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const f of schema.fields) builder.field(f.name, f.schema);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema) => {
      if (spec === null) return;
      try {
        builder.field(spec.name, spec.optional ? optional : required);
      } catch (err) {
        throw new DataError(`cannot insert field '${spec.name}': ${(err as Error).message}`, {
          path: spec.name,
          cause: err,
        });
      }
    };
    const ins = this.#ins;
    add(ins.topic, Schema.OPTIONAL_STRING, Schema.STRING);
    add(ins.partition, Schema.OPTIONAL_INT32, Schema.INT32);
    add(ins.offset, Schema.OPTIONAL_INT64, Schema.INT64);
    add(ins.timestamp, Logical.OPTIONAL_TIMESTAMP, Logical.TIMESTAMP);
    add(ins.static, Schema.OPTIONAL_STRING, Schema.STRING);
    if (schema.optional) builder.optional();
    const updated = builder.build();
    this.#schemas.set(schema, updated);
    return updated;
  }
}

/** `InsertField$Key` and `InsertField$Value`. */
export const insertField = defineKeyValueTransformation({
  name: 'InsertField',
  classNames: [`${KAFKA_TRANSFORMS}.InsertField`],
  summary: 'Insert field(s) using attributes from the record metadata or a configured static value',
  spec: INSERT_FIELD_SPEC,
  create: (config, side, subject) => {
    const ins: Insertions = {
      topic: parseInsertionSpec(config['topic.field']),
      partition: parseInsertionSpec(config['partition.field']),
      offset: parseInsertionSpec(config['offset.field']),
      timestamp: parseInsertionSpec(config['timestamp.field']),
      static: parseInsertionSpec(config['static.field']),
      staticValue: config['static.value'] === null ? null : config['static.value'].trim(),
    };
    const errors: Record<string, string[]> = {};
    if (FIELD_KEYS.every((k) => config[k] === null)) {
      errors['topic.field'] = [`No field insertion configured: set at least one of ${FIELD_KEYS.join(', ')}`];
    }
    for (const k of FIELD_KEYS) {
      if (config[k] !== null && parseInsertionSpec(config[k])!.name === '')
        errors[k] = ['Field name must not be empty'];
    }
    if (ins.static !== null && ins.staticValue === null) {
      errors['static.value'] = [`No value specified for static field: ${ins.static.name}`];
    }
    if (Object.keys(errors).length > 0) throw crossFieldError(subject, errors);
    return new InsertField(side, ins, config[REPLACE_NULL_WITH_DEFAULT]);
  },
});
