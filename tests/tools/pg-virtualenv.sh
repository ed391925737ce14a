#!/bin/bash
# pg-virtualenv.sh CMD [ARGS…]: runs CMD beside a throw-away PostgreSQL server of its own and
# removes the server afterwards; CMD's exit status is the script's.
#
# Like Debian's pg_virtualenv (it sets the same PGHOST, PGPORT, PGUSER, PGPASSWORD and
# PGDATABASE for CMD), but every run has its own data directory, socket directory and port,
# so several test runs on one machine never meet: pg_virtualenv run as root names its
# cluster 15/regress under /var/lib/postgresql, and two runs at once collide there.
#
# The server listens on localhost (TCP, password authentication with SCRAM, as a centre
# would) and on a Unix socket in its own directory (PGSOCKET, trust for the superuser only).
# As root the server runs as the postgres system user (initdb refuses root).
set -u
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg-virtualenv: no PostgreSQL server (Debian package postgresql)" >&2; exit 2; }

dir=$(mktemp -d /tmp/pgvenv.XXXXXX)
as_server() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    as_server() { runuser -u postgres -- "$@"; }
fi
stop() {
    as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

export PGUSER=postgres PGPASSWORD
PGPASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
printf '%s\n' "$PGPASSWORD" >"$dir/pw"
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"
as_server "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 2; }

# A free port: try random ones until the server starts (another run may take one between
# the probe and the start; the server then fails to bind and the next port is tried).
started=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if as_server "$bindir/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=localhost -c fsync=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
        started=1
        break
    fi
done
[ $started = 1 ] || { echo "pg-virtualenv: the server did not start:" >&2; tail -n 20 "$dir/server.log" >&2; exit 2; }

export PGHOST=localhost PGPORT=$port PGDATABASE=postgres PGSOCKET=$dir
unset PGHOSTADDR PGSERVICE
"$@"
