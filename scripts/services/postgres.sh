#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
#
# A throwaway PostgreSQL cluster for tests and local development.
#
#   scripts/services/postgres.sh start    install (Debian) if missing, initdb, start, wait
#   scripts/services/postgres.sh stop     fast shutdown
#   scripts/services/postgres.sh status   exit 0 when the server accepts connections
#   scripts/services/postgres.sh url      print the SQLAlchemy URL of the vroegsignaal database
#
# The cluster lives under var/postgres/ and listens on 127.0.0.1:55432 only,
# trust authentication, run as the OS user `postgres` (the server refuses root).
# A superuser role vroegsignaal (password vroegsignaal) owns database vroegsignaal.
# Durability is switched off (fsync, full_page_writes): never keep data here.
#
# Environment: VROEGSIGNAAL_POSTGRES_PORT (default 55432), VROEGSIGNAAL_POSTGRES_DIR
# (default var/postgres): a test that stops its database sets both to get a cluster of
# its own and leaves the shared one alone. VROEGSIGNAAL_POSTGRES_SHARED_BUFFERS (default
# 1GB, applied at every start): PostgreSQL's own default of 128MB is sized for the smallest
# machines; at 1,000,000 signals the intake's indexes (~700 MB) no longer fit and every
# batch reads and writes back evicted pages: 0.63 -> 0.50 s of PostgreSQL CPU a
# 5,000-signal batch with 1GB (measured 1 Dec 2026; docs/operations.md).
set -euo pipefail

HOST="127.0.0.1"
PORT="${VROEGSIGNAAL_POSTGRES_PORT:-55432}"
SHARED_BUFFERS="${VROEGSIGNAAL_POSTGRES_SHARED_BUFFERS:-1GB}"
ROLE="vroegsignaal"
PASSWORD="vroegsignaal"
DATABASE="vroegsignaal"
OS_USER="postgres"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE_DIR="${VROEGSIGNAAL_POSTGRES_DIR:-$REPO_ROOT/var/postgres}"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

find_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && echo "$dir"
}

ensure_installed() {
    if BIN="$(find_bindir)"; then return 0; fi
    log "PostgreSQL not found under /usr/lib/postgresql; installing Debian's postgresql"
    [[ "$(id -u)" -eq 0 ]] || die "installing PostgreSQL needs root (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postgresql >&2
    BIN="$(find_bindir)" || die "postgresql installed but initdb/pg_ctl not found"
}

ensure_os_user() {
    id -u "$OS_USER" >/dev/null 2>&1 && return 0
    log "creating OS user $OS_USER"
    useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
        --shell /usr/sbin/nologin "$OS_USER"
}

as_postgres() {
    if [[ "$(id -un)" == "$OS_USER" ]]; then
        "$@"
    else
        (cd / && runuser -u "$OS_USER" -- "$@")
    fi
}

pick_data_dir() {
    # The server process needs to reach its data dir. When the checkout sits in a
    # directory the postgres user cannot traverse (e.g. under /root), keep the data
    # in a private /tmp directory and leave a symlink at var/postgres/data.
    mkdir -p "$BASE_DIR"
    if [[ -L "$BASE_DIR/data" ]]; then
        DATA_DIR="$(readlink -f "$BASE_DIR/data")"
    else
        DATA_DIR="$BASE_DIR/data"
        if [[ ! -d "$DATA_DIR" ]] && ! as_postgres test -x "$BASE_DIR"; then
            chown "$OS_USER:" "$BASE_DIR" 2>/dev/null || true
            if ! as_postgres test -x "$BASE_DIR"; then
                DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vroegsignaal-postgres.XXXXXX")"
                ln -sfn "$DATA_DIR" "$BASE_DIR/data"
                log "$BASE_DIR is not reachable for $OS_USER; data in $DATA_DIR"
            fi
        fi
    fi
    if [[ "$DATA_DIR" == "$BASE_DIR/data" ]]; then
        LOG_FILE="$BASE_DIR/server.log"
    else
        LOG_FILE="$DATA_DIR.log"
    fi
}

is_running() {
    local isready
    isready="$(find_bindir)/pg_isready" 2>/dev/null || return 1
    [[ -x "$isready" ]] || return 1
    "$isready" -q -h "$HOST" -p "$PORT" -t 2
}

psql_admin() {
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d postgres "$@"
}

init_cluster() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
    log "initdb in $DATA_DIR"
    mkdir -p "$DATA_DIR"
    chown "$OS_USER:" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    as_postgres "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust \
        --encoding=UTF8 --no-locale >/dev/null
    cat >>"$DATA_DIR/postgresql.conf" <<CONF

# --- scripts/services/postgres.sh: throwaway test cluster ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    cat >"$DATA_DIR/pg_hba.conf" <<HBA
# scripts/services/postgres.sh: trust on loopback only.
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
HBA
}

ensure_role_and_database() {
    psql_admin <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SQL
    if [[ -z "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]]; then
        psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
    fi
}

start() {
    ensure_installed
    if is_running; then
        log "already running on $HOST:$PORT"
        ensure_role_and_database
        return 0
    fi
    ensure_os_user
    pick_data_dir
    init_cluster
    touch "$LOG_FILE"
    chown "$OS_USER:" "$LOG_FILE"
    as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 -s \
        -o "-c shared_buffers=$SHARED_BUFFERS" start \
        || { tail -n 30 "$LOG_FILE" >&2; die "pg_ctl start failed"; }
    ensure_role_and_database
    log "started on $HOST:$PORT (log: $LOG_FILE)"
}

stop() {
    if ! BIN="$(find_bindir)"; then log "not installed"; return 0; fi
    pick_data_dir
    if [[ ! -f "$DATA_DIR/postmaster.pid" ]]; then
        is_running && die "something answers on $HOST:$PORT but it is not the cluster in $DATA_DIR"
        log "not running"
        return 0
    fi
    as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 -s stop
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if is_running; then echo "running on $HOST:$PORT"; else echo "not running"; exit 1; fi
        ;;
    url) echo "postgresql+psycopg://$ROLE:$PASSWORD@$HOST:$PORT/$DATABASE" ;;
    *) echo "usage: $0 {start|stop|status|url}" >&2; exit 2 ;;
esac
