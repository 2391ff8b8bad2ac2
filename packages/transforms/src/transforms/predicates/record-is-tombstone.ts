import { ConfigSpec, type ConnectRecord, definePredicate, type Predicate, type PredicatePlugin } from '@tributary/api';
import { KAFKA_PREDICATES, TRANSFORMS_VERSION } from '../util/config.js';

const IS_TOMBSTONE: Predicate = Object.freeze({
  test: (record: ConnectRecord) => record.value === null || record.value === undefined,
});

/** `RecordIsTombstone`: true for records whose value is null. */
export const recordIsTombstone: PredicatePlugin = definePredicate({
  name: 'RecordIsTombstone',
  aliases: [`${KAFKA_PREDICATES}.RecordIsTombstone`],
  version: TRANSFORMS_VERSION,
  summary: 'True for records which are tombstones (i.e. have null value)',
  spec: ConfigSpec.create(),
  create: () => IS_TOMBSTONE,
});
