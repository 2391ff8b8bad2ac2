import { defineSinkConnector, defineSourceConnector } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { FILE_SINK_SPEC, FILE_SOURCE_SPEC } from './config.js';
import { FileStreamSinkConnector, FileStreamSinkTask } from './sink.js';
import { FileStreamSourceConnector, FileStreamSourceTask } from './source.js';

export * from './config.js';

/** Kafka's FileStreamSource: reads the lines of a file (tailing it) or of standard input into a topic. */
export const fileStreamSource = defineSourceConnector({
  name: 'FileStreamSource',
  aliases: ['FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Reads lines from a file (tailing it as it grows) or from standard input.',
  spec: FILE_SOURCE_SPEC,
  createConnector: () => new FileStreamSourceConnector(),
  createTask: () => new FileStreamSourceTask(),
});

/** Kafka's FileStreamSink: appends each record value as a line to a file or standard output. */
export const fileStreamSink = defineSinkConnector({
  name: 'FileStreamSink',
  aliases: ['FileStreamSinkConnector', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Appends each record value as a line to a file or to standard output.',
  spec: FILE_SINK_SPEC,
  createConnector: () => new FileStreamSinkConnector(),
  createTask: () => new FileStreamSinkTask(),
});
