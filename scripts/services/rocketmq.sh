# shellcheck shell=bash
# RocketMQ 5.3.3 name server + broker from Maven Central jars (no distribution zip, no Docker).
# Sourced by scripts/services.sh, which provides log, die, wait_port, port_open, $ROOT, $CACHE, $RUN.
#
#   scripts/services.sh start rocketmq    fetch jars once, start namesrv (9876) and broker (10911) on an
#                                         EMPTY store, wait for the broker's registration, print the address
#   scripts/services.sh stop rocketmq     stop both
#   scripts/services.sh status rocketmq   running or not; prints the name-server address and the jar dir
#
# The jars (namesrv, broker, tools and the Java client they bring) live in $CACHE/rocketmq-5.3.3/lib, a
# fixed path that interop tests use as a Java classpath (`java -cp "$CACHE/rocketmq-5.3.3/lib/*"`).
# Only `start` from nothing wipes the store; restarting the broker alone keeps it.

# Tests may also run this file directly for the broker alone (keeping the store):
#   bash scripts/services/rocketmq.sh restart-broker|stop-broker|start-broker|lib|fetch

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run directly: define what scripts/services.sh would otherwise provide.
  set -euo pipefail
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  CACHE="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}"
  RUN="${TRIBUTARY_RUN_DIR:-$ROOT/.run}"
  log() { printf '[services] %s\n' "$*" >&2; }
  die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }
  wait_port() {
    local host=$1 port=$2 deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
      if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
      sleep 0.5
    done
    return 1
  }
  port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
  RMQ_RUN_DIRECTLY=1
fi

# shellcheck source=lib/maven.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/maven.sh"

RMQ_VERSION=5.3.3
RMQ_LIB="$CACHE/rocketmq-$RMQ_VERSION/lib"
RMQ_DIR="$RUN/rocketmq"
RMQ_NAMESRV_PORT=9876
RMQ_BROKER_PORT=10911
RMQ_NAMESRV_ADDR="127.0.0.1:$RMQ_NAMESRV_PORT"

rocketmq_fetch() {
  maven_fetch "rocketmq-$RMQ_VERSION" "$RMQ_LIB" "org.apache.rocketmq:rocketmq-namesrv:$RMQ_VERSION" \
    "org.apache.rocketmq:rocketmq-broker:$RMQ_VERSION" "org.apache.rocketmq:rocketmq-tools:$RMQ_VERSION"
}

# Small-memory JVM settings (reference rocketmq.md 1.4); the home dir only needs to exist.
rocketmq_jopts() {
  printf '%s\n' -server -Xms128m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    "-Duser.home=$RMQ_DIR" "-Drocketmq.home.dir=$RMQ_DIR"
}

rocketmq_write_config() {
  mkdir -p "$RMQ_DIR"
  cat >"$RMQ_DIR/namesrv.conf" <<CONF
listenPort=$RMQ_NAMESRV_PORT
bindAddress=127.0.0.1
kvConfigPath=$RMQ_DIR/namesrv/kvConfig.json
CONF
  # timerWheelEnable stays on (default): with it off, DELETE_TOPIC_IN_BROKER fails with an NPE in 5.3.3.
  cat >"$RMQ_DIR/broker.conf" <<CONF
brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=0
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
namesrvAddr=$RMQ_NAMESRV_ADDR
brokerIP1=127.0.0.1
listenPort=$RMQ_BROKER_PORT
bindAddress=127.0.0.1
storePathRootDir=$RMQ_DIR/store
storePathCommitLog=$RMQ_DIR/store/commitlog
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
defaultTopicQueueNums=8
mappedFileSizeCommitLog=67108864
mappedFileSizeConsumeQueue=600000
maxHashSlotNum=50000
maxIndexNum=200000
diskSpaceWarningLevelRatio=90
# keep commit-log files 4 h and check every hour, so benchmark runs do not fill the disk
fileReservedTime=4
deleteWhen=00;01;02;03;04;05;06;07;08;09;10;11;12;13;14;15;16;17;18;19;20;21;22;23
CONF
}

rocketmq_pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

rocketmq_start_namesrv() {
  local -a jopts
  mapfile -t jopts < <(rocketmq_jopts)
  nohup java "${jopts[@]}" -Xmx256m -Drmq.logback.configurationFile=rmq.namesrv.logback.xml -cp "$RMQ_LIB/*" \
    org.apache.rocketmq.namesrv.NamesrvStartup -c "$RMQ_DIR/namesrv.conf" >"$RMQ_DIR/namesrv.out" 2>&1 &
  echo $! >"$RMQ_DIR/namesrv.pid"
  wait_port 127.0.0.1 "$RMQ_NAMESRV_PORT" 60 || die "rocketmq: name server did not open $RMQ_NAMESRV_PORT (see $RMQ_DIR/namesrv.out)"
}

rocketmq_start_broker() {
  local -a jopts
  mapfile -t jopts < <(rocketmq_jopts)
  : >"$RMQ_DIR/broker.out"
  nohup java "${jopts[@]}" -Xmx768m -Drmq.logback.configurationFile=rmq.broker.logback.xml -cp "$RMQ_LIB/*" \
    org.apache.rocketmq.broker.BrokerStartup -c "$RMQ_DIR/broker.conf" >"$RMQ_DIR/broker.out" 2>&1 &
  echo $! >"$RMQ_DIR/broker.pid"
  # Ready = the boot-success line, then the name server routes TBW102 to this broker. After a restart
  # the broker registers with the name server some seconds after its boot-success line.
  local deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    if grep -q 'boot success' "$RMQ_DIR/broker.out" 2>/dev/null && port_open 127.0.0.1 "$RMQ_BROKER_PORT" &&
      rocketmq_route_ready TBW102; then
      return 0
    fi
    rocketmq_pid_alive "$RMQ_DIR/broker.pid" || die "rocketmq: broker exited (see $RMQ_DIR/broker.out)"
    sleep 0.5
  done
  die "rocketmq: broker not ready after 120 s (see $RMQ_DIR/broker.out)"
}

# rocketmq_route_ready TOPIC: true when the name server returns a route of TOPIC that names our broker.
# Sends one GET_ROUTEINFO_BY_TOPIC (code 105) remoting frame with a JSON header over /dev/tcp.
rocketmq_route_ready() {
  local header="{\"code\":105,\"language\":\"OTHER\",\"version\":479,\"opaque\":1,\"flag\":0,\"extFields\":{\"topic\":\"$1\",\"acceptStandardJsonOnly\":\"true\"}}"
  local n=${#header} total=$((${#header} + 4)) prefix reply
  prefix=$(printf '\\x%02x' $((total >> 24 & 255)) $((total >> 16 & 255)) $((total >> 8 & 255)) $((total & 255)) \
    0 $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))
  { exec 3<>"/dev/tcp/127.0.0.1/$RMQ_NAMESRV_PORT"; } 2>/dev/null || return 1
  # shellcheck disable=SC2059
  printf "$prefix%s" "$header" >&3
  reply=$(timeout 2 dd bs=65536 count=1 <&3 2>/dev/null | tr -d '\000-\010')
  exec 3<&-
  [[ $reply == *'"code":0'* && $reply == *"127.0.0.1:$RMQ_BROKER_PORT"* ]]
}

rocketmq_kill() {
  local pidfile=$1 port=$2 pid
  if rocketmq_pid_alive "$pidfile"; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  local deadline=$((SECONDS + 15))
  while port_open 127.0.0.1 "$port" && ((SECONDS < deadline)); do sleep 0.3; done
}

rocketmq_start() {
  if rocketmq_pid_alive "$RMQ_DIR/namesrv.pid" && rocketmq_pid_alive "$RMQ_DIR/broker.pid" &&
    port_open 127.0.0.1 "$RMQ_NAMESRV_PORT" && port_open 127.0.0.1 "$RMQ_BROKER_PORT"; then
    log "rocketmq: already running"
    echo "$RMQ_NAMESRV_ADDR"
    return 0
  fi
  if port_open 127.0.0.1 "$RMQ_NAMESRV_PORT" || port_open 127.0.0.1 "$RMQ_BROKER_PORT"; then
    # Started from another checkout (or by hand): use it when it serves routes; refuse anything else.
    if rocketmq_route_ready TBW102; then
      log "rocketmq: already running (not started from this checkout); using it"
      echo "$RMQ_NAMESRV_ADDR"
      return 0
    fi
    die "rocketmq: port $RMQ_NAMESRV_PORT or $RMQ_BROKER_PORT is taken by a process that does not answer as RocketMQ"
  fi
  rocketmq_fetch
  rocketmq_kill "$RMQ_DIR/broker.pid" "$RMQ_BROKER_PORT"
  rocketmq_kill "$RMQ_DIR/namesrv.pid" "$RMQ_NAMESRV_PORT"
  # A fresh start uses an empty store: a store written with other mapped-file sizes breaks recovery.
  rm -rf "$RMQ_DIR"
  rocketmq_write_config
  log "rocketmq: starting name server on $RMQ_NAMESRV_ADDR"
  rocketmq_start_namesrv
  log "rocketmq: starting broker on 127.0.0.1:$RMQ_BROKER_PORT"
  rocketmq_start_broker
  log "rocketmq: ready (jars: $RMQ_LIB)"
  echo "$RMQ_NAMESRV_ADDR"
}

rocketmq_stop() {
  rocketmq_kill "$RMQ_DIR/broker.pid" "$RMQ_BROKER_PORT"
  rocketmq_kill "$RMQ_DIR/namesrv.pid" "$RMQ_NAMESRV_PORT"
  log "rocketmq: stopped"
}

rocketmq_status() {
  local ns=stopped br=stopped
  rocketmq_pid_alive "$RMQ_DIR/namesrv.pid" && port_open 127.0.0.1 "$RMQ_NAMESRV_PORT" && ns=running
  rocketmq_pid_alive "$RMQ_DIR/broker.pid" && port_open 127.0.0.1 "$RMQ_BROKER_PORT" && br=running
  echo "rocketmq: namesrv $ns ($RMQ_NAMESRV_ADDR), broker $br (127.0.0.1:$RMQ_BROKER_PORT), lib $RMQ_LIB, run $RMQ_DIR"
  [ "$ns" = running ] && [ "$br" = running ]
}

# Restart the broker alone, keeping its store (used by the broker-restart integration test).
rocketmq_restart_broker() {
  [ -f "$RMQ_DIR/broker.conf" ] || die "rocketmq: not started (no $RMQ_DIR/broker.conf)"
  rocketmq_kill "$RMQ_DIR/broker.pid" "$RMQ_BROKER_PORT"
  log "rocketmq: restarting broker on its existing store"
  rocketmq_start_broker
  log "rocketmq: broker back"
}

# Stop the broker alone (tests that want to observe an outage before starting it again).
rocketmq_stop_broker() { rocketmq_kill "$RMQ_DIR/broker.pid" "$RMQ_BROKER_PORT"; }

if [ "${RMQ_RUN_DIRECTLY:-}" = 1 ]; then
  case ${1:-} in
  restart-broker) rocketmq_restart_broker ;;
  stop-broker) rocketmq_stop_broker ;;
  start-broker) rocketmq_start_broker ;;
  lib) echo "$RMQ_LIB" ;;
  fetch) rocketmq_fetch && echo "$RMQ_LIB" ;;
  *) die "usage: $0 restart-broker|stop-broker|start-broker|lib|fetch" ;;
  esac
fi
