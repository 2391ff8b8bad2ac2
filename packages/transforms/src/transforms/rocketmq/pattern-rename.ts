import { ConfigSpec } from '@tributary/api';
import { crossFieldError, ROCKETMQ_TRANSFORMS, validRegex } from '../util/config.js';
import { JAVA_PATTERN_FLAGS, type JavaPatternFlag, JavaRegex, type JavaReplacement } from '../util/java-regex.js';
import { defineKeyValueTransformation } from '../util/side.js';
import { FieldRenamer } from './field-renamer.js';

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
    // Consts for the closure: TypeScript does not carry the narrowing of `let`s into it.
    const pattern = regex;
    const replaceWith = replacement;
    return new FieldRenamer('PatternRename', side, (name) =>
      pattern.find(name) ? pattern.replaceAll(name, replaceWith) : name,
    );
  },
});
