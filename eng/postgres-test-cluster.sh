#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (see /work/shared/SERVICES.md and docs/operations.md).
#   eng/postgres-test-cluster.sh start DIR   creates a cluster in the empty folder DIR on a free 127.0.0.1 port,
#                                            starts it and prints its Npgsql connection string (user postgres,
#                                            a random password) as the last line of stdout
#   eng/postgres-test-cluster.sh stop DIR    stops the cluster started in DIR (fast shutdown) and removes DIR
#   eng/postgres-test-cluster.sh pause DIR   stops the cluster started in DIR (fast shutdown) and keeps it (an outage)
#   eng/postgres-test-cluster.sh resume DIR  starts a paused cluster again on its port (the outage ends)
# Run as root, the server runs as the `postgres` OS user (PostgreSQL refuses root); otherwise as the caller.
# Set MAILGATE_INSTALL_POSTGRES=1 to install Debian's `postgresql` package with apt-get when initdb is missing.
set -euo pipefail

usage() { echo "usage: $0 start|stop|pause|resume DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command=$1 dir=$2

find_bin() {
  local name=$1
  for candidate in "$(command -v "$name" 2>/dev/null || true)" /usr/lib/postgresql/*/bin/"$name"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    if ! initdb=$(find_bin initdb); then
      if [ "${MAILGATE_INSTALL_POSTGRES:-0}" = 1 ] && [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        initdb=$(find_bin initdb)
      else
        echo "error: PostgreSQL's initdb was not found. The PostgreSQL tests need a local PostgreSQL server installed (not running):" >&2
        echo "  Debian/Ubuntu: sudo apt-get install -y postgresql   (or run with MAILGATE_INSTALL_POSTGRES=1 as root)" >&2
        echo "  or point MAILGATE_TEST_POSTGRES at a server: Host=127.0.0.1;Port=5432;Username=postgres;Password=..." >&2
        exit 1
      fi
    fi
    bin=$(dirname "$initdb")
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { echo "error: $dir is not empty" >&2; exit 1; }
    password=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 32)
    printf '%s\n' "$password" > "$dir/pwfile"
    mkdir -p "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; chmod 700 "$dir"; fi
    as_server_user "$bin/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 \
      --username=postgres --pwfile="$dir/pwfile" --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || echo $((20000 + RANDOM % 30000)))
      if as_server_user "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
          -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket" >/dev/null; then
        echo "$port" > "$dir/port"
        echo "Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
        exit 0
      fi
      echo "warning: PostgreSQL did not start on port $port (attempt $attempt); trying another port" >&2
    done
    cat "$dir/server.log" >&2 || true
    exit 1
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    if [ -f "$dir/data/postmaster.pid" ] && pg_ctl=$(find_bin pg_ctl); then
      as_server_user "$pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  pause)
    pg_ctl=$(find_bin pg_ctl)
    as_server_user "$pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null
    ;;
  resume)
    pg_ctl=$(find_bin pg_ctl)
    port=$(cat "$dir/port")
    as_server_user "$pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket" >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; exit 1; }
    ;;
  *) usage ;;
esac
