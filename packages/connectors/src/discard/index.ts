import { defineSinkConnector } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { DISCARD_SINK_SPEC } from './config.js';
import { DiscardSinkConnector, DiscardSinkTask } from './sink.js';

export * from './config.js';

/** Drops every record, counting them: for benchmarks of everything before the sink. */
export const discardSink = defineSinkConnector({
  name: 'DiscardSink',
  aliases: ['DiscardSinkConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Drops every record, counting them; for benchmarks.',
  spec: DISCARD_SINK_SPEC,
  createConnector: () => new DiscardSinkConnector(),
  createTask: () => new DiscardSinkTask(),
});
