#!/usr/bin/env bash
# The webhook pair of issue 24: `exeserver-cli serve` (every event stored in SQLite) against a minimal
# Probot app (events kept in a list), alternately, with the same load generator (bench_webhook_load:
# keep-alive, unique delivery ids, signed real `push` payloads), at 4 and 32 connections. Prints one line
# per run and, at the end, medians and exeserver/probot ratios. A benchmark: never run by CI or ctest.
#
#   bench/probot-pair/run.sh [BUILD_DIR] [ROUNDS] [SECONDS]
#     BUILD_DIR  a build with EXESERVER_BUILD_BENCH=ON (default build/bench, an optimised one: see
#                bench/CMakeLists.txt); needs exeserver-cli and bench_webhook_load
#     ROUNDS     alternations per connection count (default 3); SECONDS measured per run (default 10)
# Installs probot (and @octokit/webhooks-examples when EXESERVER_WEBHOOK_EXAMPLES is not set) from the
# npm registry into $PROBOT_PAIR_DIR (default BUILD_DIR/probot-pair); nothing else is downloaded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build/bench}" && pwd)
rounds=${2:-3}
seconds=${3:-10}
work=${PROBOT_PAIR_DIR:-$build/probot-pair}
cli=$build/app/exeserver-cli
load=$build/bench/bench_webhook_load
secret=pair-bench-secret
for tool in "$cli" "$load"; do
    [[ -x $tool ]] || { echo "missing $tool: build exeserver-cli and bench_webhook_load in $build" >&2; exit 1; }
done

mkdir -p "$work"
if [[ ! -d $work/node_modules/probot ]]; then
    echo '{"name":"exeserver-probot-pair","private":true}' > "$work/package.json"
    (cd "$work" && npm install --no-audit --no-fund --loglevel=error probot@14 @octokit/webhooks-examples)
fi
cp "$here/app.mjs" "$work/app.mjs"
examples=${EXESERVER_WEBHOOK_EXAMPLES:-$work/node_modules/@octokit/webhooks-examples/api.github.com/index.json}
[[ -f $examples ]] || { echo "no webhook examples at $examples" >&2; exit 1; }

results=$work/results.txt
: > "$results"
server_pid=
stop_server() {
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
trap stop_server EXIT

wait_ready() { # port
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

# One run: a fresh server, 3 s of idle (for its idle RSS), then the load. Args: name connections.
run_one() {
    local name=$1 connections=$2 port=$((20000 + RANDOM % 20000)) data
    if [[ $name == exeserver ]]; then
        data=$(mktemp -d "$work/serve-data.XXXXXX")
        GITHUB_WEBHOOK_SECRET=$secret QT_LOGGING_RULES='exeserver.*.info=false' \
            "$cli" --data-dir "$data" serve --no-poll --webhook-port "$port" > "$data/serve.log" 2>&1 &
    else
        (cd "$work" && WEBHOOK_SECRET=$secret exec node app.mjs "$port" > "$work/probot.log" 2>&1) &
    fi
    server_pid=$!
    wait_ready "$port"
    sleep 3
    "$load" --url "http://127.0.0.1:$port/webhook" --secret "$secret" --examples "$examples" \
        --connections "$connections" --seconds "$seconds" --warmup 2 --server-pid "$server_pid" \
        --label "$name" | tee -a "$results"
    stop_server
    [[ $name == exeserver ]] && rm -rf "$data"
    return 0
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "node $(node --version), probot $(node -p "require('$work/node_modules/probot/package.json').version")"
for connections in 4 32; do
    for round in $(seq "$rounds"); do
        # Alternate who goes first, so a drift in the machine's load does not favour one side.
        if (( round % 2 )); then order="exeserver probot"; else order="probot exeserver"; fi
        for name in $order; do run_one "$name" "$connections"; done
    done
done
node "$here/summary.mjs" "$results"
