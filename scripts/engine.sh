#!/usr/bin/env bash
# Starts, stops and reports clawfence's own Docker engine: a dockerd with its own socket, data-root,
# exec-root, pidfile and log, for machines where no engine runs (no bridge, no iptables: containers
# use --network none or --network host). Usage: engine.sh start|stop|status|host
set -euo pipefail

SOCK=/run/clawfence/docker.sock
HOST="unix://$SOCK"
RUN_DIR=/run/clawfence
EXEC_ROOT=$RUN_DIR/docker-exec
PIDFILE=$RUN_DIR/dockerd.pid
DATA_ROOT=/var/lib/clawfence/docker
CONFIG=/etc/clawfence/daemon.json
LOG=/var/log/clawfence/dockerd.log
TIMEOUT=${CLAWFENCE_ENGINE_TIMEOUT:-60}

say() { echo "engine: $*"; }
die() { echo "engine: $*" >&2; exit 1; }
answers() { DOCKER_HOST=$HOST timeout 10 docker info --format '{{.ServerVersion}}' 2>/dev/null; }
daemon_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}
MARK="--- engine.sh start"
# The last lines this start-up wrote to the log (after its marker line).
log_tail() {
  local from
  [ -f "$LOG" ] || return 0
  from=$(grep -n -F -- "$MARK" "$LOG" | tail -n 1 | cut -d: -f1)
  echo "--- last lines of $LOG:" >&2
  tail -n "+${from:-1}" "$LOG" | tail -n 20 >&2
}

start() {
  local version pid waited=0
  if version=$(answers); then say "already running (Docker $version) at $HOST"; return 0; fi
  [ "$(id -u)" -eq 0 ] || die "starting dockerd needs root (run: sudo bash $0 start)"
  command -v dockerd >/dev/null || die "dockerd is not installed (run: sudo bash scripts/setup-host.sh)"
  command -v docker >/dev/null || die "the docker client is not installed (run: sudo bash scripts/setup-host.sh)"
  if pid=$(daemon_pid); then die "dockerd (pid $pid) runs but does not answer at $HOST; stop it with: bash $0 stop"; fi
  mkdir -p "$RUN_DIR" "$EXEC_ROOT" "$DATA_ROOT" "$(dirname "$CONFIG")" "$(dirname "$LOG")"
  # An own, empty config file: settings in /etc/docker/daemon.json must not clash with these flags.
  [ -f "$CONFIG" ] || echo '{}' >"$CONFIG"
  rm -f "$SOCK" "$PIDFILE"
  say "starting dockerd at $HOST (log: $LOG)"
  echo "$MARK $(date -Is)" >>"$LOG"
  setsid nohup dockerd --config-file "$CONFIG" \
    --iptables=false --ip6tables=false --bridge=none \
    --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
    -H "$HOST" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  while ! version=$(answers); do
    if ! kill -0 "$pid" 2>/dev/null; then log_tail; die "dockerd exited during start-up"; fi
    if [ "$waited" -ge "$((TIMEOUT * 4))" ]; then
      log_tail; die "dockerd did not answer within ${TIMEOUT}s (it is still running as pid $pid; stop it with: bash $0 stop)"
    fi
    sleep 0.25; waited=$((waited + 1))
  done
  say "running (Docker $version, pid $pid) at $HOST"
}

stop() {
  local pid i
  if ! pid=$(daemon_pid); then say "not running"; rm -f "$PIDFILE"; return 0; fi
  say "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { say "stopped"; return 0; }
    sleep 0.25
  done
  say "dockerd did not stop within 30s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
  ! kill -0 "$pid" 2>/dev/null || die "could not stop dockerd (pid $pid)"
  say "stopped"
}

status() {
  local version pid
  if version=$(answers); then
    pid=$(daemon_pid || echo "?")
    say "running (Docker $version, pid $pid) at $HOST"
    return 0
  fi
  if pid=$(daemon_pid); then say "dockerd (pid $pid) runs but does not answer at $HOST"; return 1; fi
  say "not running (start it with: sudo bash $0 start)"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  host) echo "$HOST" ;;
  *) echo "usage: $0 start|stop|status|host" >&2; exit 2 ;;
esac
