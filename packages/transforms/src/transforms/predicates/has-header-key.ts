import { ConfigSpec, type ConnectRecord, definePredicate, type Predicate, type PredicatePlugin } from '@tributary/api';
import { KAFKA_PREDICATES, nonEmptyString, TRANSFORMS_VERSION } from '../util/config.js';

/** HasHeaderKey's config: `name`. */
export const HAS_HEADER_KEY_SPEC = ConfigSpec.create().string('name', {
  doc: 'The header name.',
  importance: 'medium',
  examples: ['trace-id'],
  validate: nonEmptyString(),
});

class HasHeaderKey implements Predicate {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  test(record: ConnectRecord): boolean {
    return record.headers.has(this.#name);
  }
}

/** `HasHeaderKey`: true for records with at least one header named `name`. */
export const hasHeaderKey: PredicatePlugin = definePredicate({
  name: 'HasHeaderKey',
  aliases: [`${KAFKA_PREDICATES}.HasHeaderKey`],
  version: TRANSFORMS_VERSION,
  summary: 'True for records with at least one header with the configured name',
  spec: HAS_HEADER_KEY_SPEC,
  create: (config) => new HasHeaderKey(config.name.trim()),
});
