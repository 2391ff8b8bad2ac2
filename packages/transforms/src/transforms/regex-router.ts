import {
  ConfigSpec,
  type ConnectRecord,
  defineTransformation,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { crossFieldError, KAFKA_TRANSFORMS, TRANSFORMS_VERSION, validRegex } from './util/config.js';
import { JavaRegex, type JavaReplacement } from './util/java-regex.js';
import { subjectOf } from './util/side.js';

/** RegexRouter's config: `regex`, `replacement`. */
export const REGEX_ROUTER_SPEC = ConfigSpec.create()
  .string('regex', {
    doc: 'Regular expression to use for matching (Java syntax; see the module docs for what JavaScript lacks).',
    importance: 'high',
    examples: ['(.*)', 'db\\.inventory\\.(.*)'],
    validate: validRegex(),
  })
  .string('replacement', {
    doc: 'Replacement string; `$1` or `${name}` refer to groups of the regex, `\\` quotes the next character.',
    importance: 'high',
    examples: ['copy-$1'],
  });

class RegexRouter implements Transformation {
  readonly #regex: JavaRegex;
  readonly #replacement: JavaReplacement;

  constructor(regex: JavaRegex, replacement: JavaReplacement) {
    this.#regex = regex;
    this.#replacement = replacement;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    // As Kafka: only a topic the regex matches entirely is rerouted, with Matcher.replaceFirst.
    if (!this.#regex.matches(record.topic)) return record;
    const topic = this.#regex.replaceFirst(record.topic, this.#replacement);
    return topic === record.topic ? record : { ...record, topic };
  }
}

/** `RegexRouter`: renames the topic of records whose topic matches a regex, with Java replacement syntax. */
export const regexRouter: TransformationPlugin = defineTransformation({
  name: 'RegexRouter',
  aliases: [`${KAFKA_TRANSFORMS}.RegexRouter`],
  version: TRANSFORMS_VERSION,
  summary: 'Update the record topic using the configured regular expression and replacement string',
  spec: REGEX_ROUTER_SPEC,
  create: (config) => {
    const regex = new JavaRegex(config.regex.trim());
    let replacement: JavaReplacement;
    try {
      replacement = regex.replacement(config.replacement.trim());
    } catch (err) {
      throw crossFieldError(subjectOf('RegexRouter'), {
        replacement: [`Invalid replacement for regex ${config.regex}: ${(err as Error).message}`],
      });
    }
    return new RegexRouter(regex, replacement);
  },
});
