#!/usr/bin/env bash
# cluster.sh - a throwaway PostgreSQL cluster for the tests: initdb into a
# temporary folder, listening on a Unix socket in that folder only (no TCP),
# trust authentication for the role "almanac".
#
#   tests/pg/cluster.sh start [DIR]   starts one (DIR: default a new mktemp -d), prints its DIR
#                                     (as root, DIR's parents must let the owner in: /tmp does)
#   tests/pg/cluster.sh url DIR [DB]  creates DB (default almanac_test) if missing, prints its DSN
#   tests/pg/cluster.sh stop DIR      stops it and removes DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# "postgres" user (Debian's package makes it) or else "nobody", and the
# socket is open to every local user (mode 0777 on the socket; trust is
# only ever on that socket, in a folder nobody else knows).
# Exits 3 with "skip: no PostgreSQL" on stderr when the server programs are
# missing, so callers can tell "cannot run here" from a failure.
set -u

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && bindir=$d
    done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "skip: no PostgreSQL (initdb not found; scripts/install-deps test installs it)" >&2
    exit 3
fi

# as_owner CMD...: runs CMD as the cluster's owner.
owner=""
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
fi
as_owner() {
    if [ -n "$owner" ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

cmd=${1:-}
case $cmd in
start)
    dir=${2:-$(mktemp -d /tmp/almanac-pg.XXXXXX)}
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ -n "$owner" ] && chown "$owner" "$dir"
    if ! as_owner "$bindir/initdb" -D "$dir/data" -U almanac --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 &&
       ! as_owner "$bindir/initdb" -D "$dir/data" -U almanac --auth=trust -E UTF8 \
            --locale=C >"$dir/initdb.log" 2>&1; then
        echo "cluster: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        exit 1
    fi
    # small and quick: a test cluster, no durability needed
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 64MB
CONF
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            >/dev/null 2>&1; then
        echo "cluster: the server did not start:" >&2
        cat "$dir/server.log" >&2
        exit 1
    fi
    echo "$dir"
    ;;
url)
    dir=${2:?usage: cluster.sh url DIR [DB]}
    db=${3:-almanac_test}
    if ! "$bindir/psql" -h "$dir" -U almanac -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        "$bindir/createdb" -h "$dir" -U almanac "$db" || exit 1
    fi
    echo "postgresql:///$db?host=$dir&user=almanac"
    ;;
stop)
    dir=${2:?usage: cluster.sh stop DIR}
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
        >/dev/null 2>&1
    rm -rf "$dir"
    ;;
*)
    echo "usage: cluster.sh start [DIR] | url DIR [DB] | stop DIR" >&2
    exit 2
    ;;
esac
