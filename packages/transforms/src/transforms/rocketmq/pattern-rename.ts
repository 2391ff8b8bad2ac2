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
import { crossFieldError, ROCKETMQ_TRANSFORMS, validRegex } from '../util/config.js';
import { JAVA_PATTERN_FLAGS, type JavaPatternFlag, JavaRegex, type JavaReplacement } from '../util/java-regex.js';
import { setEntry } from '../util/maps.js';
import { fieldValues, isSchemalessMap } from '../util/requirements.js';
import { copySchemaBasics, SchemaCache } from '../util/schema-util.js';
import { defineKeyValueTransformation, type Side } from '../util/side.js';

/** PatternRename's config (RocketMQ Connect): `field.pattern`, `field.pattern.flags`, `field.replacement`. */
export const PATTERN_RENAME_SPEC = ConfigSpec.create()
  .string('field.pattern', {
    doc: 'Regular expression (Java syntax) searched in each field name; field names where it is found are renamed.',
    importance: 'high',
    examples: ['\\.', '^prefixed'],
    validate: validRegex(),
  })
  .list('field.pattern.flags', {
    doc: `Flags of the pattern, by their java.util.regex.Pattern names: ${JAVA_PATTERN_FLAGS.join(', ')} (CANON_EQ is not supported).`,
    default: [],
    importance: 'low',
    examples: ['CASE_INSENSITIVE'],
  })
  .string('field.replacement', {
    doc: 'Replacement of every match in the field name (Matcher.replaceAll; `$1` refers to a group).',
    importance: 'high',
    examples: ['_'],
  });

class PatternRename implements Transformation {
  readonly #side: Side;
  readonly #regex: JavaRegex;
  readonly #replacement: JavaReplacement;
  readonly #schemas = new SchemaCache<Schema>();

  constructor(side: Side, regex: JavaRegex, replacement: JavaReplacement) {
    this.#side = side;
    this.#regex = regex;
    this.#replacement = replacement;
  }

  /** Field names repeat across records; each is matched once (bounded, for maps with unbounded keys). */
  readonly #names = new Map<string, string>();

  #rename(name: string): string {
    let renamed = this.#names.get(name);
    if (renamed === undefined) {
      renamed = this.#regex.find(name) ? this.#regex.replaceAll(name, this.#replacement) : name;
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
        `PatternRename supports a Struct or a schemaless map in the record ${this.#side.kind}, found ${describeValue(value)}`,
        { path: this.#side.kind },
      );
    }
    let schema = this.#schemas.get(value.schema);
    if (schema === undefined) {
      const builder = copySchemaBasics(value.schema, SchemaBuilder.struct());
      for (const f of value.schema.fields) {
        const name = this.#rename(f.name);
        try {
          builder.field(name, f.schema);
        } catch (err) {
          throw new DataError(`PatternRename: field '${f.name}' → '${name}': ${(err as Error).message}`, {
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

/** `PatternRename$Key` and `PatternRename$Value` (RocketMQ Connect): rename fields by regex replacement. */
export const patternRename = defineKeyValueTransformation({
  name: 'PatternRename',
  classNames: [`${ROCKETMQ_TRANSFORMS}.PatternRename`],
  summary: 'Rename fields whose name matches a regular expression, replacing every match',
  spec: PATTERN_RENAME_SPEC,
  create: (config, side, subject) => {
    const errors: Record<string, string[]> = {};
    const flags: JavaPatternFlag[] = [];
    const badFlags: string[] = [];
    for (const f of config['field.pattern.flags']) {
      const flag = f.toUpperCase();
      if ((JAVA_PATTERN_FLAGS as readonly string[]).includes(flag) && flag !== 'CANON_EQ') {
        flags.push(flag as JavaPatternFlag);
      } else {
        badFlags.push(`Unknown or unsupported pattern flag '${f}'`);
      }
    }
    if (badFlags.length > 0) errors['field.pattern.flags'] = badFlags;
    let regex: JavaRegex | undefined;
    let replacement: JavaReplacement | undefined;
    if (errors['field.pattern.flags'] === undefined) {
      try {
        regex = new JavaRegex(config['field.pattern'].trim(), flags);
        replacement = regex.replacement(config['field.replacement'].trim());
      } catch (err) {
        errors[regex === undefined ? 'field.pattern' : 'field.replacement'] = [(err as Error).message];
      }
    }
    if (regex === undefined || replacement === undefined) throw crossFieldError(subject, errors);
    return new PatternRename(side, regex, replacement);
  },
});
