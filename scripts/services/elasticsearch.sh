# shellcheck shell=bash
# Elasticsearch 7.10.2 (the last Apache-2.0 release), one node, from Maven Central jars
# (org.codelibs:elasticsearch-cluster-runner; no distribution zip, no Docker), beside OpenSearch so that
# ElasticsearchSink is tested against both. Sourced by scripts/services.sh; the work is in
# lib/search-node.sh.
#
#   scripts/services.sh start elasticsearch    fetch jars once, start one node on 127.0.0.1:9201, wait
#                                              for yellow health, print the URL
#   scripts/services.sh stop elasticsearch     stop it (data under $RUN/elasticsearch is kept)
#   scripts/services.sh status elasticsearch   running or not; prints the URL

# shellcheck source=lib/search-node.sh
source "$SERVICES_DIR/lib/search-node.sh"

ES_VERSION=7.10.2.0
ES_PORT=9201

elasticsearch_start() {
  search_start elasticsearch "$ES_VERSION" org.codelibs:elasticsearch-cluster-runner \
    org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner "$ES_PORT" tributary-elasticsearch
}
elasticsearch_stop() { search_stop elasticsearch "$ES_PORT"; }
elasticsearch_status() { search_status elasticsearch "$ES_VERSION" "$ES_PORT"; }
