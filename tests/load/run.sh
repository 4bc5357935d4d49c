#!/usr/bin/env bash
# Load benchmark of `gapmap serve` (not part of the test suite).
#
# Builds the release binary, serves the bundled data on loopback, and drives it with wrk at 64 connections:
#   1. /api/areas                     (the choropleth layer, the largest answer)
#   2. /api/nearest?lat=..&lon=..     (computed per request; a different random London point each time)
# and compares /api/areas with nginx serving the very same bytes as a static file on the same machine, plain and
# gzipped (gapmap gzips stored answers once per dataset version; nginx uses gzip_static with a .gz beside the file).
# Prints requests/s and p50/p99 latency for each run, the ratio static ÷ gapmap, and the machine.
#
# Usage: tests/load/run.sh            (DURATION=15s CONNECTIONS=64 THREADS=2 by default)
# Needs wrk and nginx (Debian packages); installs them with apt-get when missing. Traffic stays on 127.0.0.1.
set -euo pipefail

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
GAPMAP_PORT=${GAPMAP_PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
chmod 755 "$work" # nginx's workers run as an unprivileged user and must read the static copy
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [[ -f "$work/nginx.pid" ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

need() { # need COMMAND PACKAGE
    if ! command -v "$1" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$1" ]]; then
        local policy
        policy=$(apt-cache policy "$2")
        if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
            apt-get update -qq
            policy=$(apt-cache policy "$2")
        fi
        [[ "$policy" == *"Candidate: "[0-9]* ]] || { echo "no Debian package $2" >&2; exit 1; }
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    fi
}
need wrk wrk
need nginx nginx

cd "$root"
cargo build --release --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/gapmap"

wait_for() { # wait_for URL
    for _ in $(seq 1 100); do
        if curl -fs -o /dev/null "$1"; then return 0; fi
        sleep 0.2
    done
    echo "nothing answers at $1" >&2
    exit 1
}

RUST_LOG=warn "$binary" serve --bind "127.0.0.1:$GAPMAP_PORT" >"$work/gapmap.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$GAPMAP_PORT/readyz"

mkdir -p "$work/static"
curl -fs "http://127.0.0.1:$GAPMAP_PORT/api/areas" -o "$work/static/areas.json"
curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$GAPMAP_PORT/api/areas" -o "$work/static/areas.json.gz"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    gzip_static on;
    types { application/geo+json json; }
    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/static;
    }
}
EOF
mkdir -p "$work/tmp"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log"
wait_for "http://127.0.0.1:$NGINX_PORT/areas.json"

# Random points over London's bounding box for /api/nearest.
cat >"$work/nearest.lua" <<'EOF'
math.randomseed(42)
request = function()
    local lat = 51.29 + math.random() * 0.40
    local lon = -0.51 + math.random() * 0.84
    return wrk.format("GET", string.format("/api/nearest?lat=%.5f&lon=%.5f&type=idva&k=3", lat, lon))
end
EOF

bench() { # bench LABEL URL [wrk args…]
    local label=$1 url=$2
    shift 2
    local out rps p50 p99
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    if grep -q "Non-2xx" <<<"$out"; then echo "$label: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
    printf '%-34s %10s req/s   p50 %9s   p99 %9s\n' "$label" "$rps" "$p50" "$p99" | tee -a "$work/results" >&2
    echo "$rps"
}

size=$(stat -c %s "$work/static/areas.json")
gzsize=$(stat -c %s "$work/static/areas.json.gz")
g_plain=$(bench "gapmap /api/areas" "http://127.0.0.1:$GAPMAP_PORT/api/areas")
n_plain=$(bench "nginx static areas.json" "http://127.0.0.1:$NGINX_PORT/areas.json")
g_gzip=$(bench "gapmap /api/areas (gzip)" "http://127.0.0.1:$GAPMAP_PORT/api/areas" -H 'Accept-Encoding: gzip')
n_gzip=$(bench "nginx static areas.json (gzip)" "http://127.0.0.1:$NGINX_PORT/areas.json" -H 'Accept-Encoding: gzip')
bench "gapmap /api/nearest (random)" "http://127.0.0.1:$GAPMAP_PORT" -s "$work/nearest.lua" >/dev/null
bench "gapmap /api/nearest (gzip)" "http://127.0.0.1:$GAPMAP_PORT" -s "$work/nearest.lua" \
    -H 'Accept-Encoding: gzip' >/dev/null

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr);" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine; /api/areas is $size bytes ($gzsize gzipped)"
cat "$work/results"
awk -v g="$g_plain" -v n="$n_plain" -v gz="$g_gzip" -v nz="$n_gzip" 'BEGIN {
    printf "static ÷ gapmap, /api/areas: %.2f plain, %.2f gzip (target: at most 2)\n", n / g, nz / gz
}'
