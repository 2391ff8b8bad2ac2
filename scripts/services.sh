#!/usr/bin/env bash
# Starts, stops and reports the real services Tributary's tests and demos use. No Docker.
#   scripts/services.sh start|stop|status [SERVICE ...|all]
# Every start is idempotent, waits until the service answers, and prints its address.
# Downloads (Maven Central jars) are cached under ~/.cache/tributary; runtime state lives in .run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}"
RUN="${TRIBUTARY_RUN_DIR:-$ROOT/.run}"
SERVICES_DIR="$ROOT/scripts/services"
mkdir -p "$CACHE" "$RUN"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

# wait_port HOST PORT SECONDS: true once a TCP connect succeeds
wait_port() {
  local host=$1 port=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Each service is a file scripts/services/<name>.sh defining <name>_start, <name>_stop, <name>_status.
available() { for f in "$SERVICES_DIR"/*.sh; do [ -e "$f" ] && basename "$f" .sh; done; }

main() {
  local action=${1:-status}; shift || true
  local names=("$@")
  if [ ${#names[@]} -eq 0 ] || [ "${names[0]}" = all ]; then mapfile -t names < <(available); fi
  case $action in start|stop|status) ;; *) die "usage: $0 start|stop|status [SERVICE ...|all]" ;; esac
  local name rc=0
  for name in "${names[@]}"; do
    [ -f "$SERVICES_DIR/$name.sh" ] || die "unknown service '$name' (known: $(available | tr '\n' ' '))"
    # shellcheck source=/dev/null
    source "$SERVICES_DIR/$name.sh"
    # status reports every service and fails at the end when one is not running.
    if [ "$action" = status ]; then "${name}_status" || rc=1; else "${name}_${action}"; fi
  done
  return $rc
}

main "$@"
