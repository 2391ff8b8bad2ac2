# shellcheck shell=bash
# One OpenSearch or Elasticsearch node from Maven Central jars (codelibs' runners bundle the modules as
# classpath plugins: no distribution zip, no Docker). Shared by scripts/services/opensearch.sh and
# elasticsearch.sh, which are sourced by scripts/services.sh (log, die, port_open, $CACHE, $RUN).
#
# Every function takes the node's settings as arguments, set by the caller:
#   NAME      service name (opensearch, elasticsearch): logs, $RUN/NAME, the jar cache
#   VERSION   runner version (maven), e.g. 2.19.1.0
#   COORDS    groupId:artifactId of the runner
#   MAIN      main class of the runner
#   PORT      HTTP port; the runner listens on baseHttpPort + 1 for its single node
#   CLUSTER   cluster name (distinct per product, so two nodes on one machine never try to join)
# Heap 512 MB and two processors: the machine has 2 cores and other services share them.

# shellcheck source=maven.sh
source "$(dirname "${BASH_SOURCE[0]}")/maven.sh"

search_lib() { echo "$CACHE/$1-$2/lib"; }
search_dir() { echo "$RUN/$1"; }

search_fetch() {
  maven_fetch "$1-$2" "$(search_lib "$1" "$2")" "$3:$2"
}

search_pid_alive() {
  local pidfile
  pidfile="$(search_dir "$1")/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# search_request METHOD PORT PATH [JSON]: the body of the answer; fails unless 2xx (curl when present,
# else bash /dev/tcp with HTTP/1.0).
search_request() {
  local method=$1 port=$2 path=$3 body=${4:-}
  if command -v curl >/dev/null; then
    if [ -n "$body" ]; then
      curl -fsS --max-time 70 -X "$method" -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port$path"
    else
      curl -fsS --max-time 70 -X "$method" "http://127.0.0.1:$port$path"
    fi
    return
  fi
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  local reply
  reply=$(timeout 70 cat <&3)
  exec 3<&-
  [[ $reply == 'HTTP/1.'?' 2'* ]] || return 1
  printf '%s' "${reply#*$'\r\n\r\n'}"
}

search_healthy() {
  local health
  health=$(search_request GET "$1" '/_cluster/health?wait_for_status=yellow&timeout=1s' 2>/dev/null) || return 1
  [[ $health == *'"status":"yellow"'* || $health == *'"status":"green"'* ]]
}

search_start() {
  local name=$1 version=$2 coords=$3 main=$4 port=$5 cluster=$6
  local url="http://127.0.0.1:$port" dir
  dir=$(search_dir "$name")
  if search_pid_alive "$name" && port_open 127.0.0.1 "$port" && search_healthy "$port"; then
    log "$name: already running"
    echo "$url"
    return 0
  fi
  if ! search_pid_alive "$name" && port_open 127.0.0.1 "$port"; then
    # Started from another checkout (or by hand): use it when it is a healthy cluster.
    if search_healthy "$port"; then
      log "$name: already running (not started from this checkout); using it"
      echo "$url"
      return 0
    fi
    die "$name: port $port is taken by a process that does not answer as a healthy cluster"
  fi
  search_fetch "$name" "$version" "$coords"
  if ! search_pid_alive "$name"; then
    mkdir -p "$dir/tmp"
    log "$name: starting one node on $url (data in $dir)"
    nohup java -Xms512m -Xmx512m -XX:+UseG1GC -XX:ActiveProcessorCount=2 \
      -Djava.io.tmpdir="$dir/tmp" -Dlog4j2.formatMsgNoLookups=true \
      -cp "$(search_lib "$name" "$version")/*" "$main" \
      -numOfNode 1 -baseHttpPort $((port - 1)) -basePath "$dir/node" -clusterName "$cluster" \
      >"$dir/$name.out" 2>&1 &
    echo $! >"$dir/$name.pid"
  fi
  local deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    search_pid_alive "$name" || die "$name: the node exited (see $dir/$name.out)"
    if port_open 127.0.0.1 "$port" && search_healthy "$port"; then break; fi
    sleep 1
  done
  search_healthy "$port" || die "$name: not yellow after 180 s (see $dir/$name.out)"
  # A nearly full shared disk must not turn indices read-only under the tests (flood-stage watermark).
  search_request PUT "$port" /_cluster/settings \
    '{"persistent":{"cluster.routing.allocation.disk.threshold_enabled":false}}' >/dev/null ||
    log "$name: could not disable the disk watermarks (continuing)"
  log "$name: ready (jars: $(search_lib "$name" "$version"))"
  echo "$url"
}

search_stop() {
  local name=$1 port=$2 dir pid
  dir=$(search_dir "$name")
  if search_pid_alive "$name"; then
    pid=$(cat "$dir/$name.pid")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/$name.pid"
  local deadline=$((SECONDS + 15))
  while port_open 127.0.0.1 "$port" && ((SECONDS < deadline)); do sleep 0.3; done
  log "$name: stopped"
}

search_status() {
  local name=$1 version=$2 port=$3 state=stopped
  if search_pid_alive "$name" && port_open 127.0.0.1 "$port"; then
    state=running
  elif port_open 127.0.0.1 "$port" && search_healthy "$port"; then
    state='running (not started from this checkout)'
  fi
  echo "$name: $state (http://127.0.0.1:$port), lib $(search_lib "$name" "$version"), run $(search_dir "$name")"
  [ "$state" != stopped ]
}
