# shellcheck shell=bash
# The preinstalled PostgreSQL cluster (Debian package, `main` cluster), made ready for Tributary's tests.
# Sourced by scripts/services.sh, which provides log, die, wait_port, port_open, $ROOT, $CACHE, $RUN.
#
#   scripts/services.sh start postgres    start the cluster if it is down; make sure wal_level=logical and
#                                          enough replication slots / WAL senders (ALTER SYSTEM, restart
#                                          only when a setting changed); create the `test` database when
#                                          missing; wait until it accepts queries; print 127.0.0.1:5432
#   scripts/services.sh stop postgres     stop the cluster only if `start` started it (it is the machine's
#                                          server: other users and tests may rely on it)
#   scripts/services.sh status postgres   running or not, the address and the logical-replication settings
#
# Access stays as installed (pg_hba.conf is never touched: trust on 127.0.0.1 on the CI image). Needs root
# (or the postgres user) to start the cluster and to change settings.

PG_HOST=127.0.0.1
PG_PORT=${TRIBUTARY_PG_PORT:-5432}
PG_CLUSTER=main
PG_STARTED_MARK="$RUN/postgres/started-by-services"
# Enough for the PostgreSQL CDC tests running next to other engineers' slots.
PG_MIN_SLOTS=16
PG_MIN_SENDERS=16

# The newest installed server version (directory names under /etc/postgresql).
postgres_version() {
  [ -d /etc/postgresql ] || return 1
  local v
  v=$(ls /etc/postgresql | sort -V | tail -n 1)
  [ -n "$v" ] || return 1
  echo "$v"
}

# postgres_sql SQL: runs one statement as the postgres superuser; prints unaligned, tuples-only output.
postgres_sql() {
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    # The local socket as the postgres OS user works whatever pg_hba says about TCP.
    runuser -u postgres -- psql -X -q -At -p "$PG_PORT" -d postgres -c "$1"
  else
    psql -X -q -At -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c "$1"
  fi
}

postgres_ctl() {
  local version
  version=$(postgres_version) || die "postgres: no cluster under /etc/postgresql (apt-get install postgresql)"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" "$@"
}

postgres_ready() {
  port_open "$PG_HOST" "$PG_PORT" && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null
}

postgres_wait_ready() {
  local deadline=$((SECONDS + ${1:-60}))
  while ((SECONDS < deadline)); do
    if postgres_ready && postgres_sql 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

postgres_start() {
  command -v pg_ctlcluster >/dev/null || die "postgres: pg_ctlcluster not found (apt-get install postgresql)"
  mkdir -p "$RUN/postgres"
  if ! postgres_ready; then
    log "postgres: starting cluster $(postgres_version) $PG_CLUSTER"
    postgres_ctl start || die "postgres: pg_ctlcluster start failed (see /var/log/postgresql/)"
    touch "$PG_STARTED_MARK"
  fi
  postgres_wait_ready 60 || die "postgres: not accepting connections on $PG_HOST:$PG_PORT after 60 s"

  # Logical decoding for the PostgreSQL CDC connector; each change needs a restart to take effect.
  local wal slots senders restart=0
  wal=$(postgres_sql 'SHOW wal_level')
  slots=$(postgres_sql 'SHOW max_replication_slots')
  senders=$(postgres_sql 'SHOW max_wal_senders')
  if [ "$wal" != logical ]; then
    log "postgres: wal_level=$wal -> logical"
    postgres_sql "ALTER SYSTEM SET wal_level = 'logical'" >/dev/null
    restart=1
  fi
  if ((slots < PG_MIN_SLOTS)); then
    log "postgres: max_replication_slots=$slots -> $PG_MIN_SLOTS"
    postgres_sql "ALTER SYSTEM SET max_replication_slots = $PG_MIN_SLOTS" >/dev/null
    restart=1
  fi
  if ((senders < PG_MIN_SENDERS)); then
    log "postgres: max_wal_senders=$senders -> $PG_MIN_SENDERS"
    postgres_sql "ALTER SYSTEM SET max_wal_senders = $PG_MIN_SENDERS" >/dev/null
    restart=1
  fi
  if ((restart)); then
    log "postgres: restarting for the new settings"
    postgres_ctl restart || die "postgres: pg_ctlcluster restart failed (see /var/log/postgresql/)"
    postgres_wait_ready 60 || die "postgres: not back on $PG_HOST:$PG_PORT after the restart"
    [ "$(postgres_sql 'SHOW wal_level')" = logical ] || die "postgres: wal_level is still not logical after the restart"
  fi

  if [ "$(postgres_sql "SELECT count(*) FROM pg_database WHERE datname = 'test'")" = 0 ]; then
    log "postgres: creating database test"
    postgres_sql 'CREATE DATABASE test' >/dev/null
  fi
  log "postgres: ready (wal_level=logical, max_replication_slots=$(postgres_sql 'SHOW max_replication_slots'))"
  echo "$PG_HOST:$PG_PORT"
}

postgres_stop() {
  if [ -f "$PG_STARTED_MARK" ] && postgres_ready; then
    log "postgres: stopping cluster $(postgres_version) $PG_CLUSTER (started by services.sh)"
    postgres_ctl stop || die "postgres: pg_ctlcluster stop failed"
    rm -f "$PG_STARTED_MARK"
    log "postgres: stopped"
  else
    rm -f "$PG_STARTED_MARK"
    log "postgres: left running (the machine's own server; stop it with: pg_ctlcluster --skip-systemctl-redirect $(postgres_version 2>/dev/null || echo VERSION) $PG_CLUSTER stop)"
  fi
}

postgres_status() {
  if postgres_ready; then
    local wal
    wal=$(postgres_sql 'SHOW wal_level' 2>/dev/null || echo unknown)
    echo "postgres: running ($PG_HOST:$PG_PORT, version $(postgres_version 2>/dev/null || echo '?'), wal_level=$wal)"
    return 0
  fi
  echo "postgres: stopped ($PG_HOST:$PG_PORT)"
  return 1
}
