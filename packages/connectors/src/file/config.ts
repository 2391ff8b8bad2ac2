import { ConfigSpec, nonEmpty, type ParsedConfig, range } from '@tributary/api';

/** Source file to read; empty reads standard input (Kafka's `file`). */
export const FILE_CONFIG = 'file';
/** Topic the source writes to (Kafka's `topic`; RocketMQ Connect's `connect.topicname` is accepted too). */
export const TOPIC_CONFIG = 'topic';
/** Most lines one poll returns (Kafka's `batch.size`). */
export const BATCH_SIZE_CONFIG = 'batch.size';
export const DEFAULT_BATCH_SIZE = 2000;

/** Key of the source partition: the file name as configured. */
export const FILENAME_FIELD = 'filename';
/** Key of the source offset: the byte position just after the last line read. */
export const POSITION_FIELD = 'position';

/** Configuration of FileStreamSource (and of its task). */
export const FILE_SOURCE_SPEC = ConfigSpec.create()
  .string(FILE_CONFIG, {
    doc:
      'Source filename. If not specified, the standard input will be used (offsets are then not tracked). ' +
      'The file is tailed: lines appended later are read too; a truncated or replaced file is read again from ' +
      'its start.',
    default: '',
    importance: 'high',
    examples: ['/var/log/app.log', 'test.txt'],
  })
  .string(TOPIC_CONFIG, {
    doc: 'The topic to publish data to.',
    validate: nonEmpty(),
    importance: 'high',
    aliases: ['connect.topicname'],
    examples: ['connect-test'],
  })
  .int(BATCH_SIZE_CONFIG, {
    doc: 'The maximum number of records the source task returns from one poll.',
    default: DEFAULT_BATCH_SIZE,
    validate: range(1),
    importance: 'low',
  });

export type FileSourceConfig = ParsedConfig<typeof FILE_SOURCE_SPEC>;

/** Configuration of FileStreamSink (and of its tasks). */
export const FILE_SINK_SPEC = ConfigSpec.create().string(FILE_CONFIG, {
  doc:
    'Destination filename, opened for appending (created when missing). If not specified, the standard output ' +
    'will be used. One line is written per record value.',
  default: '',
  importance: 'high',
  examples: ['/tmp/sink.txt', 'test.sink.txt'],
});

export type FileSinkConfig = ParsedConfig<typeof FILE_SINK_SPEC>;
