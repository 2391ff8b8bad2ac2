import { ConfigSpec, type ConnectRecord, DataError, type Transformation } from '@tributary/api';
import {
  crossFieldError,
  KAFKA_TRANSFORMS,
  REPLACE_NULL_WITH_DEFAULT,
  withReplaceNullWithDefault,
} from './util/config.js';
import {
  FIELD_SYNTAX_VERSION,
  FIELD_SYNTAX_VERSION_DOC,
  FIELD_SYNTAX_VERSIONS,
  SingleFieldPath,
} from './util/field-path.js';
import { requireMap, requireStruct } from './util/requirements.js';
import { defineKeyValueTransformation, type Side } from './util/side.js';

const PURPOSE = 'field extraction';

/** ExtractField's config: `field`, `field.syntax.version`, `replace.null.with.default`. */
export const EXTRACT_FIELD_SPEC = withReplaceNullWithDefault(
  ConfigSpec.create()
    .string('field', { doc: 'Field name to extract.', importance: 'medium', examples: ['id', 'after.id'] })
    .enum(FIELD_SYNTAX_VERSION, FIELD_SYNTAX_VERSIONS, {
      doc: FIELD_SYNTAX_VERSION_DOC,
      default: 'V1',
      importance: 'high',
      caseInsensitive: true,
    }),
);

class ExtractField implements Transformation {
  readonly #side: Side;
  readonly #path: SingleFieldPath;
  readonly #replaceNullWithDefault: boolean;

  constructor(side: Side, path: SingleFieldPath, replaceNullWithDefault: boolean) {
    this.#side = side;
    this.#path = path;
    this.#replaceNullWithDefault = replaceNullWithDefault;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const schema = this.#side.schema(record);
    const value = this.#side.value(record);
    const where = this.#side.kind;
    if (schema === null) {
      if (value === null || value === undefined) return this.#side.update(record, null, null);
      return this.#side.update(record, null, this.#path.valueFromMap(requireMap(value, PURPOSE, where)));
    }
    const struct = value === null || value === undefined ? null : requireStruct(value, PURPOSE, where);
    const field = this.#path.fieldFrom(schema);
    if (field === undefined) {
      throw new DataError(`Unknown field: ${this.#path} in the record ${where} schema ${schema.describe()}`, {
        path: this.#path.toString(),
      });
    }
    return this.#side.update(
      record,
      field.schema,
      struct === null ? null : this.#path.valueFromStruct(struct, this.#replaceNullWithDefault),
    );
  }
}

/** `ExtractField$Key` and `ExtractField$Value`. */
export const extractField = defineKeyValueTransformation({
  name: 'ExtractField',
  classNames: [`${KAFKA_TRANSFORMS}.ExtractField`],
  summary:
    'Extract the specified field from a Struct when schema present, or a Map in the case of schemaless data; nulls pass through',
  spec: EXTRACT_FIELD_SPEC,
  create: (config, side, subject) => {
    let path: SingleFieldPath;
    try {
      path = new SingleFieldPath(config.field.trim(), config[FIELD_SYNTAX_VERSION]);
    } catch (err) {
      throw crossFieldError(subject, { field: [(err as Error).message] });
    }
    return new ExtractField(side, path, config[REPLACE_NULL_WITH_DEFAULT]);
  },
});
