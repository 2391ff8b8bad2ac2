import { defineSinkConnector, type SinkConnectorPlugin } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { ELASTICSEARCH_SINK_SPEC } from './config.js';
import { ElasticsearchSinkConnector, ElasticsearchSinkTask } from './sink.js';

export * from './config.js';

/**
 * Confluent's Elasticsearch sink: writes records as documents to Elasticsearch 7/8 or OpenSearch indices
 * (one index per topic) over the plain REST API, with bulk requests, retries and deletes on tombstones.
 */
export const elasticsearchSink = defineSinkConnector({
  name: 'ElasticsearchSink',
  aliases: [
    'ElasticsearchSinkConnector',
    'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
    'OpenSearchSink',
  ],
  version: CONNECTORS_VERSION,
  summary: 'Writes records as documents to Elasticsearch or OpenSearch indices (bulk API, upserts, deletes).',
  spec: ELASTICSEARCH_SINK_SPEC,
  createConnector: () => new ElasticsearchSinkConnector(),
  createTask: () => new ElasticsearchSinkTask(),
});

/** This folder's plugins, so the folder can also be loaded through a worker's `plugin.path`. */
export const plugins: readonly SinkConnectorPlugin[] = Object.freeze([elasticsearchSink]);
