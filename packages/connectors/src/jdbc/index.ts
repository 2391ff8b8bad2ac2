import {
  defineSinkConnector,
  defineSourceConnector,
  type SinkConnectorPlugin,
  type SourceConnectorPlugin,
} from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { JDBC_SINK_SPEC, JDBC_SOURCE_SPEC } from './config.js';
import { JdbcSinkConnector, JdbcSinkTask } from './sink.js';
import { JdbcSourceConnector, JdbcSourceTask } from './source.js';

export * from './config.js';
export { type JdbcUrl, parseJdbcUrl } from './jdbc-url.js';

/** Kafka Connect's JDBC source (Confluent keys): reads MySQL/MariaDB/OceanBase and PostgreSQL tables or a query. */
export const jdbcSource = defineSourceConnector({
  name: 'JdbcSource',
  aliases: ['JdbcSourceConnector', 'io.confluent.connect.jdbc.JdbcSourceConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Reads MySQL, MariaDB and PostgreSQL tables (bulk, incrementing, timestamp modes) or a custom query.',
  spec: JDBC_SOURCE_SPEC,
  createConnector: () => new JdbcSourceConnector(),
  createTask: () => new JdbcSourceTask(),
});

/** Kafka Connect's JDBC sink (Confluent keys): writes records to MySQL/MariaDB/OceanBase and PostgreSQL tables. */
export const jdbcSink = defineSinkConnector({
  name: 'JdbcSink',
  aliases: ['JdbcSinkConnector', 'io.confluent.connect.jdbc.JdbcSinkConnector'],
  version: CONNECTORS_VERSION,
  summary: 'Writes records to MySQL, MariaDB and PostgreSQL tables: insert, upsert, update, deletes, auto-create.',
  spec: JDBC_SINK_SPEC,
  createConnector: () => new JdbcSinkConnector(),
  createTask: () => new JdbcSinkTask(),
});

/** This folder's plugins, so the folder can also be loaded through a worker's `plugin.path`. */
export const plugins: readonly (SourceConnectorPlugin | SinkConnectorPlugin)[] = Object.freeze([jdbcSource, jdbcSink]);
