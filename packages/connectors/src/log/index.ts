import { defineSinkConnector } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { LOG_SINK_SPEC } from './config.js';
import { LogSinkConnector, LogSinkTask } from './sink.js';

export * from './config.js';

/** Writes each record (topic, queue, offset, key, value) to the worker's log. */
export const logSink = defineSinkConnector({
  name: 'LogSink',
  aliases: ['LogSinkConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Logs each record (topic, queue, offset, key and value) at a chosen level, optionally sampled.',
  spec: LOG_SINK_SPEC,
  createConnector: () => new LogSinkConnector(),
  createTask: () => new LogSinkTask(),
});
