import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  describeValue,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import { ROCKETMQ_TRANSFORMS } from '../util/config.js';
import { setEntry } from '../util/maps.js';
import { fieldValues, isSchemalessMap } from '../util/requirements.js';
import { copySchemaBasics, SchemaCache } from '../util/schema-util.js';
import { defineKeyValueTransformation, type Side } from '../util/side.js';
import { CASE_FORMATS, type CaseFormat, convertCase } from './case-format.js';

/** ChangeCase's config (RocketMQ Connect): `from`, `to`. */
export const CHANGE_CASE_SPEC = ConfigSpec.create()
  .enum('from', CASE_FORMATS, {
    doc: 'The case format of the field names: LOWER_HYPHEN, LOWER_UNDERSCORE, LOWER_CAMEL, UPPER_CAMEL or UPPER_UNDERSCORE.',
    importance: 'high',
    caseInsensitive: true,
  })
  .enum('to', CASE_FORMATS, {
    doc: 'The case format to change the field names to.',
    importance: 'high',
    caseInsensitive: true,
  });

class ChangeCase implements Transformation {
  readonly #side: Side;
  readonly #from: CaseFormat;
  readonly #to: CaseFormat;
  readonly #schemas = new SchemaCache<Schema>();
  /** Field names repeat across records; converting each once is enough. */
  readonly #names = new Map<string, string>();

  constructor(side: Side, from: CaseFormat, to: CaseFormat) {
    this.#side = side;
    this.#from = from;
    this.#to = to;
  }

  #rename(name: string): string {
    let renamed = this.#names.get(name);
    if (renamed === undefined) {
      renamed = convertCase(this.#from, this.#to, name);
      if (this.#names.size < 10_000) this.#names.set(name, renamed);
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
        `ChangeCase supports a Struct or a schemaless map in the record ${this.#side.kind}, found ${describeValue(value)}`,
        { path: this.#side.kind },
      );
    }
    let schema = this.#schemas.get(value.schema);
    if (schema === undefined) {
      const builder = copySchemaBasics(value.schema, SchemaBuilder.struct());
      for (const f of value.schema.fields) {
        try {
          builder.field(this.#rename(f.name), f.schema);
        } catch (err) {
          throw new DataError(`ChangeCase: field '${f.name}' → '${this.#rename(f.name)}': ${(err as Error).message}`, {
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

/** `ChangeCase$Key` and `ChangeCase$Value` (RocketMQ Connect): change the case format of field names. */
export const changeCase = defineKeyValueTransformation({
  name: 'ChangeCase',
  classNames: [`${ROCKETMQ_TRANSFORMS}.ChangeCase`],
  summary: 'Change the case format of field names (e.g. UPPER_UNDERSCORE to LOWER_CAMEL)',
  spec: CHANGE_CASE_SPEC,
  create: (config, side) => new ChangeCase(side, config.from, config.to),
});
