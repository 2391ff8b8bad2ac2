/**
 * Built-in single message transforms (SMTs) and predicates: Kafka Connect's 16 SMTs with their `$Key`
 * and `$Value` variants and 3 predicates (aliased by their Kafka class names), RocketMQ Connect's
 * ChangeCase, PatternRename, PatternFilter and SetNull (aliased by their RocketMQ class names), Debezium's
 * ExtractNewRecordState, and the
 * {@link TransformationChain} that applies configured stages with their predicates.
 */
import type { PredicatePlugin, TransformationPlugin } from '@tributary/api';
import { cast } from './cast.js';
import { extractNewRecordState } from './debezium/extract-new-record-state.js';
import { dropHeaders } from './drop-headers.js';
import { extractField } from './extract-field.js';
import { filter } from './filter.js';
import { flatten } from './flatten.js';
import { headerFrom } from './header-from.js';
import { hoistField } from './hoist-field.js';
import { insertField } from './insert-field.js';
import { insertHeader } from './insert-header.js';
import { maskField } from './mask-field.js';
import { hasHeaderKey } from './predicates/has-header-key.js';
import { recordIsTombstone } from './predicates/record-is-tombstone.js';
import { topicNameMatches } from './predicates/topic-name-matches.js';
import { regexRouter } from './regex-router.js';
import { replaceField } from './replace-field.js';
import { changeCase } from './rocketmq/change-case.js';
import { patternFilter } from './rocketmq/pattern-filter.js';
import { patternRename } from './rocketmq/pattern-rename.js';
import { setNull } from './rocketmq/set-null.js';
import { setSchemaMetadata } from './set-schema-metadata.js';
import { timestampConverter } from './timestamp-converter.js';
import { timestampRouter } from './timestamp-router.js';
import { valueToKey } from './value-to-key.js';

export { type CastSpec, type CastType, cast, castValue, parseCastSpec } from './cast.js';
export { TransformationChain, type TransformationStage } from './chain.js';
export { EXTRACT_NEW_RECORD_STATE_SPEC, extractNewRecordState } from './debezium/extract-new-record-state.js';
export { dropHeaders } from './drop-headers.js';
export { extractField } from './extract-field.js';
export { filter } from './filter.js';
export { flatten } from './flatten.js';
export { headerFrom } from './header-from.js';
export { hoistField } from './hoist-field.js';
export { type InsertionSpec, insertField, parseInsertionSpec } from './insert-field.js';
export { insertHeader } from './insert-header.js';
export { maskField } from './mask-field.js';
export { hasHeaderKey } from './predicates/has-header-key.js';
export { recordIsTombstone } from './predicates/record-is-tombstone.js';
export { topicNameMatches } from './predicates/topic-name-matches.js';
export { regexRouter } from './regex-router.js';
export { parseRenames, replaceField } from './replace-field.js';
export { CASE_FORMATS, type CaseFormat, convertCase } from './rocketmq/case-format.js';
export { changeCase } from './rocketmq/change-case.js';
export { patternFilter } from './rocketmq/pattern-filter.js';
export { patternRename } from './rocketmq/pattern-rename.js';
export { setNull } from './rocketmq/set-null.js';
export { setSchemaMetadata } from './set-schema-metadata.js';
export { type TimestampType, timestampConverter, type UnixPrecision } from './timestamp-converter.js';
export { timestampRouter } from './timestamp-router.js';
export { JavaRegex, type JavaReplacement } from './util/java-regex.js';
export { KEY, type KeyValuePlugins, type Side, VALUE } from './util/side.js';
export { SimpleDateFormat } from './util/simple-date-format.js';
export { parseValueString } from './util/values-parser.js';
export { valueToKey } from './value-to-key.js';

/** Every built-in transformation plugin: Kafka Connect's SMTs, then RocketMQ Connect's. */
export const transformationPlugins: readonly TransformationPlugin[] = Object.freeze([
  cast.key,
  cast.value,
  dropHeaders,
  extractField.key,
  extractField.value,
  filter,
  flatten.key,
  flatten.value,
  headerFrom.key,
  headerFrom.value,
  hoistField.key,
  hoistField.value,
  insertField.key,
  insertField.value,
  insertHeader,
  maskField.key,
  maskField.value,
  regexRouter,
  replaceField.key,
  replaceField.value,
  setSchemaMetadata.key,
  setSchemaMetadata.value,
  timestampConverter.key,
  timestampConverter.value,
  timestampRouter,
  valueToKey,
  changeCase.key,
  changeCase.value,
  patternFilter.key,
  patternFilter.value,
  patternRename.key,
  patternRename.value,
  setNull.key,
  setNull.value,
  extractNewRecordState,
]);

/** Every built-in predicate plugin (Kafka Connect's three). */
export const predicatePlugins: readonly PredicatePlugin[] = Object.freeze([
  hasHeaderKey,
  recordIsTombstone,
  topicNameMatches,
]);
