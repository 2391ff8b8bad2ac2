/** ElasticsearchSink against OpenSearch 2.19 (scripts/services.sh start opensearch; OPENSEARCH_URL overrides). */
import { describeSearchSink } from './search-sink.suite.js';

await describeSearchSink({
  name: 'OpenSearch',
  url: process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200',
  service: 'opensearch',
});
