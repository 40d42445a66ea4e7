# Sourced by scripts/test (and usable by hand: `source scripts/postgres.sh; start_throwaway_postgres`).
# start_throwaway_postgres: installs Debian's PostgreSQL when it is missing, creates a cluster in a
# temporary folder, starts it on a free 127.0.0.1 port with its unix socket in that folder, and exports
# MEMOSYNC_TEST_POSTGRES (an Npgsql connection string). stop_throwaway_postgres stops and removes it.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.

source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_throwaway_postgres() {
  local bin
  bin=$(postgres_bin)
  if [ -z "$bin" ]; then
    install_debian_package postgresql || return 1
    bin=$(postgres_bin)
  fi
  PG_THROWAWAY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/memosync-postgres.XXXXXX")
  PG_THROWAWAY_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_THROWAWAY_DIR"
    PG_THROWAWAY_AS=(runuser -u postgres --)
  fi
  PG_THROWAWAY_CTL="$bin/pg_ctl"
  if ! "${PG_THROWAWAY_AS[@]}" "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -U memosync --auth=trust -E UTF8 --no-locale \
      >"$PG_THROWAWAY_DIR/initdb.log" 2>&1; then
    cat "$PG_THROWAWAY_DIR/initdb.log" >&2
    echo "initdb failed" >&2
    return 1
  fi
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + RANDOM % 40000 ))
    # A port something already answers on is taken; otherwise the server may still lose a race for it, so retry.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if "${PG_THROWAWAY_AS[@]}" "$PG_THROWAWAY_CTL" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_THROWAWAY_DIR -c max_connections=400 -c shared_buffers=64MB" start >/dev/null; then
      export MEMOSYNC_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=memosync;Database=postgres"
      echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway cluster in $PG_THROWAWAY_DIR)"
      return 0
    fi
  done
  cat "$PG_THROWAWAY_DIR/server.log" >&2
  echo "PostgreSQL did not start on a loopback port" >&2
  return 1
}

stop_throwaway_postgres() {
  [ -n "${PG_THROWAWAY_DIR:-}" ] || return 0
  "${PG_THROWAWAY_AS[@]}" "$PG_THROWAWAY_CTL" -D "$PG_THROWAWAY_DIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$PG_THROWAWAY_DIR"
  PG_THROWAWAY_DIR=
}
