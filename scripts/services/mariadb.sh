# shellcheck shell=bash
# The preinstalled MariaDB 10.11 (127.0.0.1:3306, root without password), made ready for binlog CDC.
# Sourced by scripts/services.sh, which provides log, die, wait_port, port_open, $ROOT, $CACHE, $RUN.
#
#   scripts/services.sh start mariadb    start the server if it is down; if the running server lacks
#                                        log_bin=ON, binlog_format=ROW, binlog_row_image=FULL or a server_id,
#                                        write them to /etc/mysql/mariadb.conf.d/60-tributary-binlog.cnf and
#                                        restart it (only then); create the `cdc` user (password `cdc`) with
#                                        REPLICATION SLAVE, BINLOG MONITOR, SELECT; print the address
#   scripts/services.sh stop mariadb     reports only: the server is the machine's own, other tests use it
#   scripts/services.sh status mariadb   running or not, and whether binlog CDC is ready (exit 0 when ready)
#
# Root's accounts and authentication are never touched. Idempotent: a second start changes nothing.

MARIADB_HOST=127.0.0.1
MARIADB_PORT="${TRIBUTARY_MARIADB_PORT:-3306}"
MARIADB_BIN=/usr/sbin/mariadbd
MARIADB_CNF_DIR=/etc/mysql/mariadb.conf.d
MARIADB_CNF="$MARIADB_CNF_DIR/60-tributary-binlog.cnf"
MARIADB_MAIN_CNF=/etc/mysql/my.cnf

# One statement as root over TCP; tab-separated rows without headers.
mariadb_sql() {
  mariadb --protocol=tcp -h "$MARIADB_HOST" -P "$MARIADB_PORT" -uroot --connect-timeout=5 -N -B -e "$1"
}

mariadb_answers() { mariadb_sql 'SELECT 1' >/dev/null 2>&1; }

# mariadb_var NAME: the global value of one server variable (empty when unknown).
mariadb_var() { mariadb_sql "SELECT @@GLOBAL.$1" 2>/dev/null || true; }

# True when the running server writes a row-based, full-image binary log with a server id.
mariadb_binlog_ready() {
  [ "$(mariadb_var log_bin)" = 1 ] && [ "$(mariadb_var binlog_format)" = ROW ] &&
    [ "$(mariadb_var binlog_row_image)" = FULL ] && [ "$(mariadb_var server_id)" != 0 ]
}

mariadb_binlog_summary() {
  echo "log_bin=$(mariadb_var log_bin) binlog_format=$(mariadb_var binlog_format)" \
    "binlog_row_image=$(mariadb_var binlog_row_image) server_id=$(mariadb_var server_id)"
}

mariadb_wait_ready() {
  local deadline=$((SECONDS + $1))
  wait_port "$MARIADB_HOST" "$MARIADB_PORT" "$1" || return 1
  while ((SECONDS < deadline)); do
    mariadb_answers && return 0
    sleep 0.5
  done
  return 1
}

mariadb_pidfile() {
  local p
  p=$(mariadb_var pid_file)
  echo "${p:-/run/mysqld/mysqld.pid}"
}

mariadb_start_server() {
  command -v "$MARIADB_BIN" >/dev/null || die "mariadb: $MARIADB_BIN not found (apt-get install mariadb-server)"
  [ "$(id -u)" = 0 ] || die "mariadb: the server is down and only root can start it: sudo start-stop-daemon --start --oknodo --background --exec $MARIADB_BIN"
  # A fresh machine may lack the socket directory (normally made by the init script).
  install -d -o mysql -g mysql /run/mysqld 2>/dev/null || mkdir -p /run/mysqld
  start-stop-daemon --start --oknodo --background --exec "$MARIADB_BIN"
  mariadb_wait_ready 90 ||
    die "mariadb: the server did not answer on $MARIADB_HOST:$MARIADB_PORT within 90 s (see /var/log/mysql/error.log)"
}

# Writes the binlog settings and makes sure the server reads them (the trimmed my.cnf of this machine does
# not include mariadb.conf.d, Debian's default one does).
mariadb_write_config() {
  local server_id
  server_id=$(mariadb_var server_id)
  [ -n "$server_id" ] && [ "$server_id" != 0 ] || server_id=1
  mkdir -p "$MARIADB_CNF_DIR"
  cat >"$MARIADB_CNF" <<CNF
# Written by Tributary's scripts/services/mariadb.sh: binary log for change data capture (MySqlCdcSource).
[mysqld]
server_id                  = $server_id
# a relative name is written to the data directory
log_bin                    = mariadb-bin
binlog_format              = ROW
binlog_row_image           = FULL
# keep three days of binlog so benchmark runs cannot fill the disk
binlog_expire_logs_seconds = 259200
CNF
  log "mariadb: wrote $MARIADB_CNF"
  if ! "$MARIADB_BIN" --print-defaults 2>/dev/null | grep -q -- '--log[-_]bin'; then
    if [ -f "$MARIADB_MAIN_CNF" ] && ! grep -q "^!includedir $MARIADB_CNF_DIR" "$MARIADB_MAIN_CNF"; then
      printf '\n!includedir %s/\n' "$MARIADB_CNF_DIR" >>"$MARIADB_MAIN_CNF"
      log "mariadb: added '!includedir $MARIADB_CNF_DIR/' to $MARIADB_MAIN_CNF"
    fi
    "$MARIADB_BIN" --print-defaults 2>/dev/null | grep -q -- '--log[-_]bin' ||
      die "mariadb: $MARIADB_BIN does not read $MARIADB_CNF (check the !includedir lines of $MARIADB_MAIN_CNF)"
  fi
}

mariadb_restart_server() {
  local pidfile
  pidfile=$(mariadb_pidfile)
  log "mariadb: restarting the server to enable the binary log"
  # --pidfile keeps other mariadbd processes (e.g. a test's private instance) alive.
  start-stop-daemon --stop --oknodo --retry 30 --pidfile "$pidfile" --exec "$MARIADB_BIN" >/dev/null
  local deadline=$((SECONDS + 30))
  while port_open "$MARIADB_HOST" "$MARIADB_PORT" && ((SECONDS < deadline)); do sleep 0.3; done
  mariadb_start_server
}

mariadb_create_cdc_user() {
  mariadb_sql "CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY 'cdc'; ALTER USER 'cdc'@'%' IDENTIFIED BY 'cdc'" ||
    die "mariadb: could not create the cdc user"
  # BINLOG MONITOR is the 10.5+ name of REPLICATION CLIENT.
  mariadb_sql "GRANT REPLICATION SLAVE, BINLOG MONITOR, SELECT ON *.* TO 'cdc'@'%'" 2>/dev/null ||
    mariadb_sql "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'cdc'@'%'" ||
    die "mariadb: could not grant the cdc user its privileges"
}

mariadb_start() {
  if ! mariadb_answers; then
    log "mariadb: not answering on $MARIADB_HOST:$MARIADB_PORT; starting $MARIADB_BIN"
    mariadb_start_server
  fi
  if mariadb_binlog_ready; then
    log "mariadb: binlog already enabled ($(mariadb_binlog_summary))"
  else
    [ "$(id -u)" = 0 ] ||
      die "mariadb: binlog is off ($(mariadb_binlog_summary)); run this as root to write $MARIADB_CNF and restart the server"
    log "mariadb: binlog not ready ($(mariadb_binlog_summary))"
    mariadb_write_config
    mariadb_restart_server
    mariadb_binlog_ready ||
      die "mariadb: still not ready after the restart ($(mariadb_binlog_summary)); see /var/log/mysql/error.log"
    log "mariadb: binlog enabled ($(mariadb_binlog_summary))"
  fi
  mariadb_create_cdc_user
  log "mariadb: ready; CDC user cdc/cdc (REPLICATION SLAVE, BINLOG MONITOR, SELECT)"
  echo "$MARIADB_HOST:$MARIADB_PORT"
}

mariadb_stop() {
  # The server belongs to the machine (and to other engineers' tests): leave it running.
  log "mariadb: the preinstalled server is left running; stop it yourself with:" \
    "start-stop-daemon --stop --retry 30 --pidfile $(mariadb_pidfile) --exec $MARIADB_BIN"
}

mariadb_status() {
  if ! mariadb_answers; then
    echo "mariadb: not answering on $MARIADB_HOST:$MARIADB_PORT"
    return 1
  fi
  local user=absent
  [ -n "$(mariadb_sql "SELECT 1 FROM mysql.user WHERE user='cdc' AND host='%'" 2>/dev/null)" ] && user=present
  if mariadb_binlog_ready; then
    echo "mariadb: running ($MARIADB_HOST:$MARIADB_PORT), binlog ready ($(mariadb_binlog_summary)), cdc user $user"
    return 0
  fi
  echo "mariadb: running ($MARIADB_HOST:$MARIADB_PORT), binlog NOT ready ($(mariadb_binlog_summary)), cdc user $user;" \
    "run: scripts/services.sh start mariadb"
  return 1
}
