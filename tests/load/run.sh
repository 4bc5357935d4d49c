#!/usr/bin/env bash
# Load benchmark of `gapmap serve` (not part of the test suite): does compression pay?
#
# Builds the release binary, serves the bundled data on loopback (fresh data directory), and drives it with wrk,
# each run for DURATION at CONNECTIONS connections, every endpoint plain and compressed:
#   /api/areas                  stored, the largest answer: plain, gzip, br; and nginx serving the very same bytes
#                               as a static file: plain, gzip (gzip_static, the .gz beside it) and br (brotli_static,
#                               when Debian's libnginx-mod-http-brotli-static can be loaded)
#   /api/gaps                   stored: plain, gzip, br
#   /api/areas/E09000028        stored, one area in detail: plain, gzip, br
#   /api/services?area=E09000028  made for each request, over 8 KiB, the same each time: plain, gzip
#   /api/services?bbox=…        made for each request, a random box each time (most answers over 8 KiB): plain, gzip
#   /api/nearest                made for each request, a few KiB, a different random London point each time:
#                               plain, gzip
# Before each run, one request checks the Content-Encoding the run will get. Prints a table of requests/s,
# p50 and p99 latency, each compressed run ÷ its own plain run, and gapmap ÷ nginx; then the machine, and whether
# the targets hold: compressed ≥ 0.9 × plain for every endpoint, /api/areas ≥ 1.0 × nginx in every encoding, and
# p99 < 10 ms in every run. Exits 1 when one does not.
#
# Usage: tests/load/run.sh     (DURATION=10 seconds, CONNECTIONS=64, THREADS=2 wrk threads, WORKERS=2 server
#        workers; GAPMAP_BIN=path uses that binary instead of building this tree)
# Needs wrk, nginx and curl (Debian packages; installed with apt-get when missing). Traffic stays on 127.0.0.1.
set -euo pipefail

DURATION=${DURATION:-10}
DURATION=${DURATION%s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
MAX_P99_MS=${MAX_P99_MS:-10}
[[ "$DURATION" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "DURATION must be whole seconds, 1–999" >&2; exit 2; }

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
chmod 755 "$work" # nginx's workers run as an unprivileged user and must read the static copies
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [[ -f "$work/nginx.pid" ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

available() { # available PACKAGE: whether apt can install it (refreshing the lists once when it cannot)
    local policy
    policy=$(apt-cache policy "$1" 2>/dev/null)
    if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
        apt-get update -qq
        policy=$(apt-cache policy "$1" 2>/dev/null)
    fi
    [[ "$policy" == *"Candidate: "[0-9]* ]]
}
install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; }
need() { # need COMMAND PACKAGE
    if ! command -v "$1" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$1" ]]; then
        available "$2" || { echo "no Debian package $2" >&2; exit 1; }
        install "$2"
    fi
}
need wrk wrk
need nginx nginx
need curl curl
brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
if [[ ! -f "$brotli_module" ]] && available libnginx-mod-http-brotli-static; then
    install libnginx-mod-http-brotli-static || true
fi

cd "$root"
if [[ -n "${GAPMAP_BIN:-}" ]]; then
    binary=$GAPMAP_BIN
else
    cargo build --release --quiet
    target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    binary="$target_dir/release/gapmap"
fi

free_port() { # the first of 20 random ports in 20000–59999 that nothing listens on
    local candidate
    for _ in $(seq 1 20); do
        candidate=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
    done
    echo "no free port found" >&2
    exit 1
}
wait_for() { # wait_for URL
    for _ in $(seq 1 150); do
        if curl -fs -o /dev/null "$1"; then return 0; fi
        sleep 0.2
    done
    echo "nothing answers at $1" >&2
    exit 1
}

gapmap_port=$(free_port)
gapmap="http://127.0.0.1:$gapmap_port"
RUST_LOG=warn "$binary" serve --bind "127.0.0.1:$gapmap_port" --data-dir "$work/data" --workers "$WORKERS" \
    >"$work/gapmap.log" 2>&1 &
pids+=($!)
wait_for "$gapmap/readyz"

mkdir -p "$work/static" "$work/tmp"
curl -fs "$gapmap/api/areas" -o "$work/static/areas.json"
curl -fs -H 'Accept-Encoding: gzip' "$gapmap/api/areas" -o "$work/static/areas.json.gz"
curl -fs -H 'Accept-Encoding: br' "$gapmap/api/areas" -o "$work/static/areas.json.br"
nginx_brotli=
if [[ -f "$brotli_module" ]]; then nginx_brotli=1; fi
nginx_port=$(free_port)
nginx="http://127.0.0.1:$nginx_port"
cat >"$work/nginx.conf" <<EOF
${nginx_brotli:+load_module $brotli_module;}
worker_processes $WORKERS;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    gzip_static on;
    ${nginx_brotli:+brotli_static on;}
    types { application/geo+json json; }
    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/static;
    }
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log"
wait_for "$nginx/areas.json"

# Random points over London's bounding box for /api/nearest.
cat >"$work/nearest.lua" <<'EOF'
math.randomseed(42)
request = function()
    local lat = 51.29 + math.random() * 0.40
    local lon = -0.51 + math.random() * 0.84
    return wrk.format(nil, string.format("/api/nearest?lat=%.5f&lon=%.5f&type=idva&k=3", lat, lon))
end
EOF
# Random boxes of 0.3° × 0.2° inside London for /api/services?bbox=: a different answer each time, most over 8 KiB.
cat >"$work/bbox.lua" <<'EOF'
math.randomseed(42)
request = function()
    local west = -0.51 + math.random() * 0.54
    local south = 51.29 + math.random() * 0.20
    return wrk.format(nil, string.format("/api/services?bbox=%.4f,%.4f,%.4f,%.4f", west, south, west + 0.3,
        south + 0.2))
end
EOF

to_ms() { # wrk's latency (850.00us, 1.20ms, 1.02s) in milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n
    }'
}
declare -A rps p50 p99 bytes encoding label_of
runs=()
# bench KEY LABEL ENCODING URL [wrk args…]: ENCODING is the Accept-Encoding sent; what must come back is the same,
# except for a small answer made per request (KEY nearest-…) and one that differs every time (KEY bbox-…), which
# must come back as they are. A per-request answer is gzipped from a worker's second sending, so the sample is
# fetched a few times (a random box once) and the last answer checked. With a wrk script, `sample` is the path of one request like the
# script's.
bench() {
    local key=$1 label=$2 enc=$3 url=$4 expect=$3
    shift 4
    if [[ "$key" == nearest-* || "$key" == bbox-* ]]; then expect=identity; fi
    local sample_url=$url headers=() got out
    if [[ "$*" == *.lua* ]]; then sample_url="$url$sample"; fi # one request like the script's
    if [[ "$enc" != identity ]]; then headers=(-H "Accept-Encoding: $enc"); fi
    local tries=4
    if [[ "$key" == bbox-* ]]; then tries=1; fi # the same box again would be a repeat, gzipped
    for _ in $(seq "$tries"); do
        got=$(curl -fs -o "$work/sample" -D - "${headers[@]}" "$sample_url" | tr -d '\r' \
            | sed -n 's/^content-encoding: *//ip')
    done
    if [[ "${got:-identity}" != "$expect" ]]; then
        echo "$label: expected Content-Encoding $expect, got ${got:-none}" >&2
        exit 1
    fi
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${headers[@]}" "$@" "$url")
    if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "$label: errors" >&2; echo "$out" >&2; exit 1; fi
    runs+=("$key")
    label_of[$key]=$label
    encoding[$key]=$enc
    bytes[$key]=$(stat -c %s "$work/sample")
    rps[$key]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p50[$key]=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99[$key]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    printf '%-44s %8s req/s   p50 %7s ms   p99 %7s ms\n' "$label" "${rps[$key]}" "${p50[$key]}" "${p99[$key]}" >&2
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for enc in identity gzip br; do
    if [[ "$enc" == br && -z "$nginx_brotli" ]]; then continue; fi
    bench "nginx-areas-$enc" "nginx areas.json (same bytes), $enc" "$enc" "$nginx/areas.json"
    bench "areas-$enc" "gapmap /api/areas, $enc" "$enc" "$gapmap/api/areas"
done
if [[ -z "$nginx_brotli" ]]; then bench "areas-br" "gapmap /api/areas, br" br "$gapmap/api/areas"; fi
for enc in identity gzip br; do bench "gaps-$enc" "gapmap /api/gaps, $enc" "$enc" "$gapmap/api/gaps"; done
for enc in identity gzip br; do
    bench "area-$enc" "gapmap /api/areas/E09000028, $enc" "$enc" "$gapmap/api/areas/E09000028"
done
for enc in identity gzip; do
    bench "near-$enc" "gapmap /api/services?area=E09000028, $enc" "$enc" "$gapmap/api/services?area=E09000028"
done
sample="/api/services?bbox=-0.3,51.4,0.0,51.6"
for enc in identity gzip; do
    bench "bbox-$enc" "gapmap /api/services?bbox= (random boxes), $enc" "$enc" "$gapmap" -s "$work/bbox.lua"
done
sample="/api/nearest?lat=51.5&lon=-0.12&type=idva&k=3"
for enc in identity gzip; do
    bench "nearest-$enc" "gapmap /api/nearest (random points), $enc" "$enc" "$gapmap" -s "$work/nearest.lua"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
    "$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr);" \
    "load average before $load_before, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
nginx_note=", no brotli module: gapmap's br is compared with its own plain only"
if [[ -n "$nginx_brotli" ]]; then nginx_note=", gzip_static and brotli_static"; fi
echo "load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per run on the same machine; gapmap serve --workers $WORKERS;" \
    "nginx worker_processes $WORKERS$nginx_note"
row='| %-44s | %-8s | %9s | %9s | %8s | %8s | %8s | %8s |\n'
printf "$row" run encoding bytes req/s "p50 ms" "p99 ms" "÷ plain" "÷ nginx"
printf "$row" --- --- --- --- --- --- --- ---
fail=()
for key in "${runs[@]}"; do
    enc=${encoding[$key]}
    base=${key%-*}
    own=- vs_nginx=-
    if [[ "$enc" != identity ]]; then
        own=$(ratio "${rps[$key]}" "${rps[$base-identity]}")
        if [[ "$base" != nginx-* ]] && awk -v r="$own" 'BEGIN {exit !(r < 0.9)}'; then
            fail+=("$key: ${own} × its plain throughput (target ≥ 0.9)")
        fi
    fi
    if [[ "$base" == areas && -n "${rps[nginx-areas-$enc]:-}" ]]; then
        vs_nginx=$(ratio "${rps[$key]}" "${rps[nginx-areas-$enc]}")
        if awk -v r="$vs_nginx" 'BEGIN {exit !(r < 1.0)}'; then
            fail+=("$key: ${vs_nginx} × nginx (target ≥ 1.0)")
        fi
    fi
    if awk -v p="${p99[$key]}" -v m="$MAX_P99_MS" 'BEGIN {exit !(p >= m)}'; then
        fail+=("$key: p99 ${p99[$key]} ms (target < $MAX_P99_MS ms)")
    fi
    printf "$row" "${label_of[$key]%, *}" "$enc" "${bytes[$key]}" "${rps[$key]}" "${p50[$key]}" "${p99[$key]}" "$own" \
        "$vs_nginx"
done
if ((${#fail[@]} == 0)); then
    echo "PASS: compressed ≥ 0.9 × plain everywhere, /api/areas ≥ nginx in every encoding, p99 < $MAX_P99_MS ms"
else
    printf 'FAIL: %s\n' "${fail[@]}"
    exit 1
fi
