import { ConfigError, type ConfigSpec, custom, type FieldErrors, type Validator } from '@tributary/api';
import { compileJavaRegex } from './java-regex.js';

/** Version reported by every built-in transform and predicate. */
export const TRANSFORMS_VERSION = '0.1.0';

/** Package of Kafka Connect's transforms, for aliases. */
export const KAFKA_TRANSFORMS = 'org.apache.kafka.connect.transforms';
/** Package of Kafka Connect's predicates, for aliases. */
export const KAFKA_PREDICATES = 'org.apache.kafka.connect.transforms.predicates';
/** Package of RocketMQ Connect's transforms, for aliases. */
export const ROCKETMQ_TRANSFORMS = 'org.apache.rocketmq.connect.transforms';

/** Kafka's key deciding whether a null struct field reads as its schema default. */
export const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';

/** Adds Kafka's `replace.null.with.default` key (default true) to a spec. */
export function withReplaceNullWithDefault<T extends object>(spec: ConfigSpec<T>) {
  return spec.boolean(REPLACE_NULL_WITH_DEFAULT, {
    doc:
      'Whether to replace fields that have a default value and that are null to the default value. ' +
      'When set to true, the default value is used, otherwise null is used.',
    default: true,
    importance: 'medium',
  });
}

/** A non-null string that compiles as a regular expression (see {@link compileJavaRegex}). */
export function validRegex(): Validator<string | null> {
  return custom<string | null>('valid regex', (v) => {
    if (v === null) return undefined;
    try {
      compileJavaRegex(v.trim());
      return undefined;
    } catch (err) {
      return `Invalid regex: ${(err as Error).message}`;
    }
  });
}

/** A string that is not empty (null allowed), as Kafka's `ConfigDef.NonEmptyString`. */
export function nonEmptyString(): Validator<string | null> {
  return custom<string | null>('non-empty string', (v) =>
    v !== null && v.trim() === '' ? 'String must be non-empty' : undefined,
  );
}

/** A list with at least one item, as Kafka's `NonEmptyListValidator`. */
export function nonEmptyList(): Validator<readonly string[] | null> {
  return custom<readonly string[] | null>('non-empty list', (v) =>
    v === null || v.length === 0 ? 'Empty list' : undefined,
  );
}

/**
 * A ConfigError for rules that involve several keys (which per-field validators cannot see), raised
 * from a plugin's `create` with the same subject as the spec's own errors.
 */
export function crossFieldError(subject: string, errors: FieldErrors): ConfigError {
  return ConfigError.fromFieldErrors(errors, subject);
}
