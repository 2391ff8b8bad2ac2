import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, nonEmptyString } from './util/config.js';
import { SchemaCache } from './util/schema-util.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

/** HoistField's config: `field`. */
export const HOIST_FIELD_SPEC = ConfigSpec.create().string('field', {
  doc: 'Field name for the single field that will be created in the resulting Struct or Map.',
  importance: 'medium',
  examples: ['payload'],
  validate: nonEmptyString(),
});

class HoistField implements Transformation {
  readonly #side: Side;
  readonly #field: string;
  readonly #schemas = new SchemaCache<Schema>();

  constructor(side: Side, field: string) {
    this.#side = side;
    this.#field = field;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record) ?? null;
    if (schema === null) return this.#side.update(record, null, { [this.#field]: value });
    if (value === null && !schema.optional && schema.defaultValue === undefined) {
      throw new DataError(
        `field '${this.#field}': cannot hoist a null record ${this.#side.kind} into a required field (schema ${schema.describe()})`,
        { path: this.#field },
      );
    }
    let updated = this.#schemas.get(schema);
    if (updated === undefined) {
      updated = SchemaBuilder.struct().field(this.#field, schema).build();
      this.#schemas.set(schema, updated);
    }
    return this.#side.update(record, updated, Struct.trusted(updated, [value]));
  }
}

/** `HoistField$Key` and `HoistField$Value`. */
export const hoistField = defineKeyValueTransformation({
  name: 'HoistField',
  classNames: [`${KAFKA_TRANSFORMS}.HoistField`],
  summary:
    'Wrap data using the specified field name in a Struct when schema present, or a Map in the case of schemaless data',
  spec: HOIST_FIELD_SPEC,
  create: (config, side) => new HoistField(side, config.field.trim()),
});
