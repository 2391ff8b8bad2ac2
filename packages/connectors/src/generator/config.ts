import { ConfigSpec, nonEmpty, type ParsedConfig, range } from '@tributary/api';

/** Topic the generated records go to (RocketMQ Connect's `connect.topicname` is accepted too). */
export const TOPIC_CONFIG = 'topic';
/** Records per second over all tasks; 0 = as fast as possible. */
export const RATE_CONFIG = 'rate';
/** Records in total over all tasks; 0 = unlimited. */
export const COUNT_CONFIG = 'count';
/** Approximate size of one record value in bytes. */
export const RECORD_SIZE_CONFIG = 'record.size';
/** What the record key is: `none` or `seq`. */
export const KEY_CONFIG = 'key';
/** Most records one poll returns. */
export const BATCH_SIZE_CONFIG = 'batch.size';

/** Task config keys set by the connector: the task's number and its share of rate and count. */
export const TASK_INDEX_CONFIG = 'generator.task.index';
export const TASK_RATE_CONFIG = 'generator.task.rate';
export const TASK_COUNT_CONFIG = 'generator.task.count';

/** Source partition keys: `{generator: <connector name>, task: <task number>}`. */
export const GENERATOR_FIELD = 'generator';
export const TASK_FIELD = 'task';
/** Source offset key: the sequence number of the record (the next run starts at seq + 1). */
export const SEQ_FIELD = 'seq';

export const KEY_MODES = ['none', 'seq'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

/** Configuration of the Generator source connector. */
export const GENERATOR_SPEC = ConfigSpec.create()
  .string(TOPIC_CONFIG, {
    doc: 'The topic to write generated records to.',
    validate: nonEmpty(),
    importance: 'high',
    aliases: ['connect.topicname'],
    examples: ['generated'],
  })
  .double(RATE_CONFIG, {
    doc:
      'Records per second, over all tasks (each task gets rate / tasks). 0 generates as fast as possible. ' +
      'Paced by a token bucket on a monotonic clock, so the average rate holds even when polls are late.',
    default: 100,
    validate: range(0),
    importance: 'high',
    examples: ['0', '1000', '0.5'],
  })
  .long(COUNT_CONFIG, {
    doc:
      'Records to generate in total, over all tasks; 0 = unlimited. Each task generates its share once: ' +
      'after a restart it continues from its committed sequence number.',
    default: 0,
    validate: range(0),
    importance: 'high',
    examples: ['1000000'],
  })
  .int(RECORD_SIZE_CONFIG, {
    doc:
      'Approximate size of a record value in bytes, as JSON without schema; a padding string field grows to ' +
      'reach it. Values below about 200 bytes give the fixed fields only.',
    default: 256,
    validate: range(0, 16 * 1024 * 1024),
    importance: 'medium',
    examples: ['1024'],
  })
  .enum(KEY_CONFIG, KEY_MODES, {
    doc: "The record key: 'none' (null key) or 'seq' (the record's sequence number, INT64).",
    default: 'none',
    caseInsensitive: true,
    aliases: ['key.mode'],
    importance: 'medium',
  })
  .int(BATCH_SIZE_CONFIG, {
    doc: 'The maximum number of records one poll returns.',
    default: 1000,
    validate: range(1),
    importance: 'low',
  });

export type GeneratorConfig = ParsedConfig<typeof GENERATOR_SPEC>;

/** A task's configuration: the connector's plus what the connector assigns to each task. */
export const GENERATOR_TASK_SPEC = GENERATOR_SPEC.extend(
  ConfigSpec.create()
    .int(TASK_INDEX_CONFIG, { doc: 'Number of this task (set by the connector).', default: 0, validate: range(0) })
    .double(TASK_RATE_CONFIG, {
      doc: "This task's records per second (set by the connector); unset = the whole rate.",
      default: null,
      validate: range(0),
    })
    .long(TASK_COUNT_CONFIG, {
      doc: "This task's record count (set by the connector); unset = the whole count.",
      default: null,
      validate: range(0),
    }),
);

export type GeneratorTaskConfig = ParsedConfig<typeof GENERATOR_TASK_SPEC>;
