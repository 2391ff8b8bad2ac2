import { ConfigSpec, type ConnectRecord, Struct, type Transformation } from '@tributary/api';
import { nonEmptyList, ROCKETMQ_TRANSFORMS, validRegex } from '../util/config.js';
import { JavaRegex } from '../util/java-regex.js';
import { getEntry } from '../util/maps.js';
import { isSchemalessMap } from '../util/requirements.js';
import { defineKeyValueTransformation, type Side } from '../util/side.js';

/** PatternFilter's config (RocketMQ Connect): `pattern`, `fields`. */
export const PATTERN_FILTER_SPEC = ConfigSpec.create()
  .string('pattern', {
    doc: 'The regex (Java syntax) to test the listed fields with; a record where one matches entirely is dropped.',
    importance: 'high',
    examples: ['^test-.*'],
    validate: validRegex(),
  })
  .list('fields', {
    doc: 'The string fields to test.',
    importance: 'high',
    examples: ['email,name'],
    validate: nonEmptyList(),
  });

class PatternFilter implements Transformation {
  readonly #side: Side;
  readonly #regex: JavaRegex;
  readonly #fields: ReadonlySet<string>;

  constructor(side: Side, regex: JavaRegex, fields: readonly string[]) {
    this.#side = side;
    this.#regex = regex;
    this.#fields = new Set(fields);
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = this.#side.value(record);
    if (value instanceof Struct) {
      for (const f of value.schema.fields) {
        if (f.schema.type !== 'string' || !this.#fields.has(f.name)) continue;
        const v = value.get(f);
        if (typeof v === 'string' && this.#regex.matches(v)) return null;
      }
    } else if (value instanceof Map) {
      for (const [k, v] of value) {
        if (typeof k === 'string' && this.#fields.has(k) && typeof v === 'string' && this.#regex.matches(v))
          return null;
      }
    } else if (isSchemalessMap(value)) {
      for (const f of this.#fields) {
        const v = getEntry(value, f);
        if (typeof v === 'string' && this.#regex.matches(v)) return null;
      }
    }
    return record;
  }
}

/** `PatternFilter$Key` and `PatternFilter$Value` (RocketMQ Connect): drop records whose listed string fields match a regex. */
export const patternFilter = defineKeyValueTransformation({
  name: 'PatternFilter',
  classNames: [`${ROCKETMQ_TRANSFORMS}.PatternFilter`],
  summary: 'Drop records where one of the listed string fields matches the regex entirely',
  spec: PATTERN_FILTER_SPEC,
  create: (config, side) => new PatternFilter(side, new JavaRegex(config.pattern.trim()), config.fields),
});
