/**
 * ElasticsearchSink against Elasticsearch 7.10 (scripts/services.sh start elasticsearch; ELASTICSEARCH_URL
 * overrides).
 */
import { describeSearchSink } from './search-sink.suite.js';

await describeSearchSink({
  name: 'Elasticsearch',
  url: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9201',
  service: 'elasticsearch',
});
