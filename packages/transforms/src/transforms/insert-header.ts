import {
  ConfigSpec,
  type ConnectRecord,
  defineTransformation,
  type Schema,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, TRANSFORMS_VERSION } from './util/config.js';
import { parseValueString } from './util/values-parser.js';

/** InsertHeader's config: `header`, `value.literal`. */
export const INSERT_HEADER_SPEC = ConfigSpec.create()
  .string('header', { doc: 'The name of the header.', importance: 'high', examples: ['source'] })
  .string('value.literal', {
    doc:
      'The literal value that is to be set as the header value on all records. It is parsed as Kafka ' +
      'Connect\'s Values.parseString does: `true`, `42`, `3.5`, `[1,2]`, `{"a":1}`, ISO dates and times are typed, ' +
      'anything else is a string.',
    importance: 'high',
    examples: ['orders-service', '42'],
  });

class InsertHeader implements Transformation {
  readonly #name: string;
  readonly #schema: Schema | null;
  readonly #value: unknown;

  constructor(name: string, schema: Schema | null, value: unknown) {
    this.#name = name;
    this.#schema = schema;
    this.#value = value;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    return { ...record, headers: record.headers.add(this.#name, this.#value, this.#schema) };
  }
}

/** `InsertHeader`: adds a header with a literal value (typed as Kafka's Values.parseString infers it). */
export const insertHeader: TransformationPlugin = defineTransformation({
  name: 'InsertHeader',
  aliases: [`${KAFKA_TRANSFORMS}.InsertHeader`],
  version: TRANSFORMS_VERSION,
  summary: 'Add a header with a literal value to each record',
  spec: INSERT_HEADER_SPEC,
  create: (config) => {
    // Kafka's config parser trims string values before Values.parseString sees them.
    const literal = parseValueString(config['value.literal'].trim());
    return new InsertHeader(config.header.trim(), literal.schema, literal.value);
  },
});
