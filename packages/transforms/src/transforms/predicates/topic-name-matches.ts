import { ConfigSpec, type ConnectRecord, definePredicate, type Predicate, type PredicatePlugin } from '@tributary/api';
import { KAFKA_PREDICATES, nonEmptyString, TRANSFORMS_VERSION, validRegex } from '../util/config.js';
import { JavaRegex } from '../util/java-regex.js';

/** TopicNameMatches' config: `pattern`. */
export const TOPIC_NAME_MATCHES_SPEC = ConfigSpec.create().string('pattern', {
  doc: "A Java regular expression for matching against the name of a record's topic (the whole name must match).",
  importance: 'medium',
  examples: ['orders\\..*'],
  validate: [nonEmptyString(), validRegex()],
});

class TopicNameMatches implements Predicate {
  readonly #regex: JavaRegex;

  constructor(regex: JavaRegex) {
    this.#regex = regex;
  }

  test(record: ConnectRecord): boolean {
    return typeof record.topic === 'string' && this.#regex.matches(record.topic);
  }
}

/** `TopicNameMatches`: true for records whose whole topic name matches `pattern`. */
export const topicNameMatches: PredicatePlugin = definePredicate({
  name: 'TopicNameMatches',
  aliases: [`${KAFKA_PREDICATES}.TopicNameMatches`],
  version: TRANSFORMS_VERSION,
  summary: 'True for records with a topic name that matches the configured regular expression',
  spec: TOPIC_NAME_MATCHES_SPEC,
  create: (config) => new TopicNameMatches(new JavaRegex(config.pattern.trim())),
});
