# System services the tests need: Debian's chromium, a PostgreSQL server and a Redis server
# (the scale-out tests run redis-server next to the embedded one).
PG_USER=qms
PG_PASSWORD=qms-test-only

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi
}

ensure_system_packages() {
    local missing=()
    command -v chromium >/dev/null || missing+=(chromium fonts-noto-cjk)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing ${missing[*]} ..." >&2
        as_root apt-get update -qq && \
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || echo "Could not install ${missing[*]}; the tests that need them will fail." >&2
    fi
}

# Prints the URL of a fresh test database on a running local PostgreSQL.
start_postgres() {
    local cluster
    cluster=$(pg_lsclusters --no-header 2>/dev/null | head -1) || return 1
    [ -n "$cluster" ] || return 1
    set -- $cluster
    if [ "$4" != "online" ]; then as_root pg_ctlcluster "$1" "$2" start >&2 || return 1; fi
    local port=$3 database="qms_test_$$"
    # The role may exist from an earlier run, with another password: always set it.
    as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\" | grep -q 1 || \
        psql -qc \"CREATE ROLE $PG_USER\"; \
        psql -qc \"ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\"" >&2 || return 1
    as_root su postgres -c "dropdb -p $port --if-exists $database && createdb -p $port -O $PG_USER $database" >&2 || return 1
    echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$database"
}

# Drops the databases of one run: the one start_postgres made and the workers' copies.
drop_postgres_databases() {
    local base=$1 name
    for name in $(as_root su postgres -c "psql -qtAc \"SELECT datname FROM pg_database WHERE datname LIKE '${base}%'\""); do
        as_root su postgres -c "dropdb --if-exists $name" >&2 || true
    done
}
