#!/usr/bin/env bash
# Start a local AT Protocol network (PLC + PDS + AppView) on 127.0.0.1.
#
# When everything answers, prints exactly one line of JSON on stdout:
#   {"pds": "http://127.0.0.1:N", "appview": "http://127.0.0.1:N", "plc": "http://127.0.0.1:N"}
# All logging goes to stderr. Runs until SIGTERM/SIGINT/SIGHUP or end of
# stdin, then stops the network and PostgreSQL and deletes its temp dirs.
#
# Environment (all optional):
#   SANDBOX_PDS_PORT, SANDBOX_APPVIEW_PORT, SANDBOX_PLC_PORT  fixed ports (default: free ones)
#   SANDBOX_IGNORE_STDIN=1   keep running at end of stdin (e.g. `start.sh </dev/null &`)
#   SANDBOX_PG_BIN           folder with initdb/pg_ctl/postgres (default: found automatically)
#   SANDBOX_PG_USER          OS user that runs PostgreSQL when started as root (default: postgres)
#   SANDBOX_TMP              parent of the temp dir (default: $TMPDIR or /tmp)
#   SANDBOX_LOG=1            turn on the services' own (verbose, JSON) logs on stderr
set -uo pipefail
# If our reader goes away, writing a log line must not kill us before cleanup.
trap '' PIPE

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_DIR="$HERE/.node"
STAMP="$HERE/node_modules/.threadbot-sandbox-stamp"

log() { echo "[sandbox start] $*" >&2; }
die() { echo "[sandbox start] ERROR: $*" >&2; exit 2; }

# ------------------------------------------------------------------ checks
if [ ! -x "$NODE_DIR/bin/node" ] || [ ! -f "$STAMP" ] || [ ! -d "$HERE/node_modules/@atproto/dev-env" ]; then
  die "the sandbox is not installed: run $HERE/install.sh first"
fi

find_pg_bin() {
  if [ -n "${SANDBOX_PG_BIN:-}" ]; then echo "$SANDBOX_PG_BIN"; return; fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  d="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
  [ -x "$d/initdb" ] && { echo "$d"; return; }
}
PG_BIN="$(find_pg_bin)"
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/postgres" ] \
  || die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; apt-get install postgresql, or set SANDBOX_PG_BIN"

# PostgreSQL refuses to run as root: use an unprivileged user then.
if [ "$(id -u)" = "0" ]; then
  PG_USER="${SANDBOX_PG_USER:-postgres}"
  id "$PG_USER" >/dev/null 2>&1 || PG_USER=nobody
  id "$PG_USER" >/dev/null 2>&1 || die "no unprivileged user to run PostgreSQL as; set SANDBOX_PG_USER"
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER="$(id -un)"
  as_pg() { "$@"; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ---------------------------------------------------------------- temp dirs
WORK="$(mktemp -d "${SANDBOX_TMP:-${TMPDIR:-/tmp}}/threadbot-sandbox.XXXXXX")" || die "cannot create a temp dir"
chmod 711 "$WORK"
mkdir -p "$WORK/pg" "$WORK/tmp"
[ "$(id -u)" = "0" ] && chown "$PG_USER" "$WORK/pg"
chmod 700 "$WORK/pg"

NODE_PID=""
PG_STARTED=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null
    for _ in $(seq 1 350); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$NODE_PID" 2>/dev/null && { log "network did not stop, killing it"; kill -KILL "$NODE_PID" 2>/dev/null; }
    wait "$NODE_PID" 2>/dev/null
  fi
  if [ -n "$PG_STARTED" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w -t 10 stop >/dev/null 2>&1 \
      || log "could not stop PostgreSQL (data dir $WORK/pg/data)"
  fi
  rm -rf "$WORK"
  log "stopped"
  exit "$rc"
}
trap cleanup EXIT
on_signal() {
  log "received $1"
  if [ -n "$NODE_PID" ]; then kill -TERM "$NODE_PID" 2>/dev/null; fi
  SIGNALLED=1
}
SIGNALLED=""
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
trap 'on_signal SIGHUP' HUP

# ---------------------------------------------------------------- network
# Node starts first: loading @atproto/dev-env takes seconds, PostgreSQL comes
# up meanwhile; node waits for $SANDBOX_DB_URL_FILE to appear.
export PATH="$NODE_DIR/bin:$PATH"
export SANDBOX_DB_URL_FILE="$WORK/db-url"
export REDIS_HOST="unused"     # required by dev-env, never connected to
export NODE_ENV="development"
export NODE_COMPILE_CACHE="$HERE/node_modules/.cache/threadbot-sandbox-compile"
if [ -n "${SANDBOX_LOG:-}" ]; then export LOG_ENABLED=true; else export LOG_ENABLED=false; fi

# stdin of a background job would be /dev/null: hand the real one over via fd 4.
# fd 3 carries the JSON line to our stdout; node's own stdout goes to stderr.
exec 4<&0
cd "$HERE"
TMPDIR="$WORK/tmp" node --enable-source-maps --no-deprecation "$HERE/sandbox.mjs" <&4 3>&1 1>&2 4<&- &
NODE_PID=$!
exec 4<&-
exec 0</dev/null

# ---------------------------------------------------------------- postgres
log "PostgreSQL: initdb in $WORK/pg/data (as $PG_USER)"
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
  >"$WORK/pg/initdb.log" 2>&1 || { cat "$WORK/pg/initdb.log" >&2; die "initdb failed"; }

PG_PORT=""
for attempt in 1 2 3 4 5; do
  [ -n "$SIGNALLED" ] && exit 130
  port="$(free_port)" || die "cannot find a free port"
  # setsid: a terminal's Ctrl-C must reach us, not the postmaster directly
  if as_pg setsid -w "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w -t 60 \
      -o "-p $port -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1 </dev/null; then
    PG_PORT="$port"; PG_STARTED=1; break
  fi
  # pg_ctl may have failed after a postmaster was launched: make sure none is left
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop >/dev/null 2>&1
  log "PostgreSQL did not start on port $port (attempt $attempt)"
done
[ -n "$PG_PORT" ] || { cat "$WORK/pg/postgres.log" >&2; die "PostgreSQL failed to start"; }
log "PostgreSQL ready on 127.0.0.1:$PG_PORT (socket in $WORK/pg)"
[ -n "$SIGNALLED" ] && exit 130
kill -0 "$NODE_PID" 2>/dev/null || log "the network process exited early"
echo "postgresql://postgres@127.0.0.1:$PG_PORT/postgres" >"$WORK/db-url.tmp"
mv "$WORK/db-url.tmp" "$WORK/db-url"


# `wait` returns early when a trapped signal arrives; keep waiting for node.
rc=0
while :; do
  wait "$NODE_PID"
  rc=$?
  kill -0 "$NODE_PID" 2>/dev/null || break
done
NODE_PID=""
[ -n "$SIGNALLED" ] && exit 0
exit "$rc"
