#!/usr/bin/env bash
# Start-up times of `gapmap serve` (not part of the test suite). For each run, on a fresh data directory:
#   cold: process start → /healthz 200, and → /readyz 200 (the analysis computed, then cached);
#   warm: the same data directory again: → /healthz 200, and → /readyz 200 (the analysis read from the cache).
# Prints one row per run, in milliseconds, with the server's own account of its last start (analysis and
# rendering times, from its `ready` log line), and the machine.
#
# Usage: tests/load/ready.sh [--boundaries FILE] [--population FILE] [--types FILE] [--services FILE]
#   Every file defaults to the bundled London data. RUNS=3 and GAPMAP_PORT=18092 by default; GAPMAP_BIN=path
#   uses that binary instead of building the release one. Traffic stays on 127.0.0.1.
set -euo pipefail

RUNS=${RUNS:-3}
PORT=${GAPMAP_PORT:-18092}

root=$(cd "$(dirname "$0")/../.." && pwd)
reference=()
services=()
while (($#)); do
    case $1 in
        --boundaries | --population | --types) reference+=("$1" "$(realpath "$2")") ;;
        --services) services=(--services "$(realpath "$2")") ;;
        *) sed -n '2,10p' "$0" >&2; exit 2 ;;
    esac
    shift 2
done

cd "$root"
if [[ -n ${GAPMAP_BIN:-} ]]; then
    binary=$GAPMAP_BIN
else
    cargo build --release --quiet
    target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    binary="$target_dir/release/gapmap"
fi

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

start() { # start LOG [ARGS...]: starts the server, remembering when in $t0
    local log=$1
    shift
    t0=$(now_ms)
    RUST_LOG=info "$binary" serve --bind "127.0.0.1:$PORT" --data-dir "$work/data" "${reference[@]}" "$@" \
        >"$log" 2>&1 &
    pid=$!
}

until_ok() { # until_ok PATH LOG: prints the milliseconds from $t0 until PATH answers 200
    while true; do
        if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true) == 200 ]]; then
            echo $(($(now_ms) - t0))
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "gapmap serve exited; its log:" >&2
            cat "$2" >&2
            exit 1
        fi
        sleep 0.005
    done
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
}

ready_line() { # ready_line LOG: the figures of the server's `ready` line
    grep ': ready ' "$1" | grep -o 'analysis=[^ ]*\|analysed_ms=[0-9]*\|rendered_ms=[0-9]*' | tr '\n' ' '
}

printf '%-4s %-12s %-12s %-12s %-12s  %s\n' run cold_health cold_ready warm_health warm_ready "server's account (cold | warm)"
for run in $(seq 1 "$RUNS"); do
    rm -rf "$work/data"
    start "$work/cold.log" "${services[@]}"
    cold_health=$(until_ok /healthz "$work/cold.log")
    cold_ready=$(until_ok /readyz "$work/cold.log")
    stop
    start "$work/warm.log"
    warm_health=$(until_ok /healthz "$work/warm.log")
    warm_ready=$(until_ok /readyz "$work/warm.log")
    stop
    printf '%-4s %-12s %-12s %-12s %-12s  %s| %s\n' "$run" "$cold_health" "$cold_ready" "$warm_health" "$warm_ready" \
        "$(ready_line "$work/cold.log")" "$(ready_line "$work/warm.log")"
done
grep -E 'dataset loaded and checked' "$work/warm.log" | grep -o 'areas=[0-9]* services=[0-9]*\|elapsed_ms=[0-9]*' |
    tr '\n' ' ' | sed 's/elapsed_ms/load_and_check_ms/; s/$/\n/'
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
