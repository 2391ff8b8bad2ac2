/**
 * @tributary/connectors — the built-in connectors, one folder per external system. Each exports plugin
 * descriptors; {@link connectorPlugins} lists them all for a worker's registry. Importing has no side
 * effects: nothing registers itself.
 */
import type { SinkConnectorPlugin, SourceConnectorPlugin } from '@tributary/api';
import { discardSink } from './discard/index.js';
import { elasticsearchSink } from './elasticsearch/index.js';
import { fileStreamSink, fileStreamSource } from './file/index.js';
import { generatorSource } from './generator/index.js';
import { jdbcSink, jdbcSource } from './jdbc/index.js';
import { logSink } from './log/index.js';
import { mysqlCdcSource } from './mysql-cdc/index.js';

export * as discard from './discard/index.js';
export * as elasticsearch from './elasticsearch/index.js';
export * as file from './file/index.js';
export * as generator from './generator/index.js';
export * as jdbc from './jdbc/index.js';
export * as log from './log/index.js';
export * as mysqlCdc from './mysql-cdc/index.js';
export {
  discardSink,
  elasticsearchSink,
  fileStreamSink,
  fileStreamSource,
  generatorSource,
  jdbcSink,
  jdbcSource,
  logSink,
};

/** Every built-in connector plugin. */
export const connectorPlugins: readonly (SourceConnectorPlugin | SinkConnectorPlugin)[] = Object.freeze([
  fileStreamSource,
  fileStreamSink,
  generatorSource,
  logSink,
  discardSink,
  elasticsearchSink,
  jdbcSource,
  jdbcSink,
  mysqlCdcSource,
]);
