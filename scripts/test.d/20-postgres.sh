# Sourced by scripts/test: starts a private PostgreSQL (Debian's postgresql package) for the sync tests
# and exports EXESERVER_TEST_PG_URL. The cluster lives in a temp dir, listens only on a Unix socket in
# that dir (no TCP port to collide with), and is stopped and removed when scripts/test ends.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    echo "scripts/test.d/20-postgres.sh: PostgreSQL server binaries not found (apt install postgresql); PostgreSQL sync tests will not run" >&2
else
    pg_dir="$(mktemp -d /tmp/exeserver-pg.XXXXXX)"
    pg_run=()
    # PostgreSQL refuses to run as root: run it as the `postgres` user the package creates.
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$pg_dir"
        pg_run=(runuser -u postgres --)
    fi
    pg_port=54329
    if "${pg_run[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust --no-sync >"$pg_dir/initdb.log" 2>&1 &&
        "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
            -o "-k $pg_dir -p $pg_port -c listen_addresses='' -c fsync=off -c synchronous_commit=off" start >/dev/null &&
        "${pg_run[@]}" "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U postgres exeserver_test; then
        export EXESERVER_TEST_PG_URL="postgresql://postgres@/exeserver_test?host=$pg_dir&port=$pg_port"
        cleanups+=("${pg_run[*]} '$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$pg_dir'")
        echo "scripts/test.d/20-postgres.sh: PostgreSQL running on socket $pg_dir port $pg_port"
    else
        echo "scripts/test.d/20-postgres.sh: could not start PostgreSQL:" >&2
        cat "$pg_dir"/*.log >&2 || true
        rm -rf "$pg_dir"
    fi
fi
