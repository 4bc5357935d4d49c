#!/usr/bin/env bash
# Can one anonymous client exhaust the server with bad tokens? (A load test, not part of the test suite.)
#
# Builds the release binary and serves the bundled data on a free 127.0.0.1 port with a fresh data directory and
# `--workers 2`. Makes a few real provider accounts, so that the bad tokens name EXISTING account ids with wrong
# secrets (`gm_<id>_<64 hex>`): the case that used to cost an argon2id check (~35 ms CPU, ~19 MiB) per request.
# Then, each phase lasting DURATION:
#   1. baseline: the public client alone — wrk, PUBLIC_CONNECTIONS connections alternating
#      /api/areas?type=idva and /api/nearest?lat=51.5&lon=-0.12&type=isva;
#   2. attack:   ATTACKERS concurrent bad-token connections (wrk, alternating GET /api/submissions and
#      POST /api/submissions with a JSON body), and the same public client measured at the same time.
# The server's RSS (/proc/<pid>/status VmRSS) is sampled every 200 ms in both phases; VmHWM is read at the end.
# Prints a summary and exits non-zero if the attack phase's peak RSS (sampled or VmHWM) reaches MAX_RSS_MB, the
# public p99 under attack reaches MAX_P99_MS, or no 429 was returned.
#
# Usage: tests/load/bad_tokens.sh     (DURATION=20 ATTACKERS=300 PUBLIC_CONNECTIONS=8 MAX_RSS_MB=200 MAX_P99_MS=50;
#        SERVER_LOG=warn is the server's RUST_LOG; GAPMAP_BIN=path uses that binary instead of building this tree;
#        ATTACK_NICE=0 is the attacking wrk's niceness)
# Needs wrk (Debian package; installed with apt-get when missing), curl and ss. Traffic stays on 127.0.0.1.
set -euo pipefail

DURATION=${DURATION:-20}                     # seconds per phase (integer)
ATTACKERS=${ATTACKERS:-300}                  # concurrent bad-token connections
ATTACK_THREADS=${ATTACK_THREADS:-2}          # wrk threads driving them
PUBLIC_CONNECTIONS=${PUBLIC_CONNECTIONS:-8}  # the measured public client
ACCOUNTS=${ACCOUNTS:-3}                      # real accounts whose ids the bad tokens name
MAX_RSS_MB=${MAX_RSS_MB:-200}                # 10^6 bytes
MAX_P99_MS=${MAX_P99_MS:-50}
SERVER_LOG=${SERVER_LOG:-warn}               # RUST_LOG of the server (info logs one line per request)
ATTACK_NICE=${ATTACK_NICE:-0}                # niceness of the attacking wrk (a control: on loopback it competes
                                             # with the server for the same CPUs, which a remote attacker would not)

[[ "$DURATION" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "DURATION must be whole seconds, 1–999" >&2; exit 2; }
[[ "$ATTACKERS" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "ATTACKERS must be 1–9999" >&2; exit 2; }
[[ "$ATTACK_NICE" =~ ^[0-9]{1,2}$ ]] || { echo "ATTACK_NICE must be 0–19" >&2; exit 2; }

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

need() { # need COMMAND PACKAGE
    if ! command -v "$1" >/dev/null 2>&1; then
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
need curl curl
need ss iproute2

cd "$root"
if [[ -n "${GAPMAP_BIN:-}" ]]; then # a binary built elsewhere (e.g. to compare two builds); otherwise build this tree
    binary=$GAPMAP_BIN
else
    cargo build --release --quiet
    target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    binary="$target_dir/release/gapmap"
fi

# A free loopback port: the first of 20 random ones in 20000–59999 that nothing listens on.
port=
for _ in $(seq 1 20); do
    candidate=$((20000 + RANDOM % 40000))
    if [[ -z "$(ss -Hltn "sport = :$candidate")" ]]; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "no free port found" >&2; exit 1; }
base="http://127.0.0.1:$port"

# Real accounts; each bad token keeps an account's id and replaces its secret by random hex.
data="$work/data"
mkdir -p "$data"
ids=()
for n in $(seq 1 "$ACCOUNTS"); do
    token=$("$binary" accounts add --role provider --org "Midford Trust" --name "load-$n" --data-dir "$data" 2>/dev/null)
    [[ "$token" =~ ^gm_([0-9]+)_[0-9a-f]{64}$ ]] || { echo "unexpected token shape from accounts add" >&2; exit 1; }
    ids+=("${BASH_REMATCH[1]}")
    if [[ $n -eq 1 ]]; then good_token=$token; fi
done
bad_tokens=()
for id in "${ids[@]}"; do
    for _ in 1 2 3 4; do bad_tokens+=("gm_${id}_$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"); done
done

RUST_LOG=$SERVER_LOG "$binary" serve --bind "127.0.0.1:$port" --data-dir "$data" --workers 2 \
    >"$work/gapmap.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 150); do
    if curl -fs -o /dev/null "$base/readyz"; then break; fi
    kill -0 "$server" 2>/dev/null || { cat "$work/gapmap.log" >&2; exit 1; }
    sleep 0.2
done
curl -fs -o /dev/null "$base/readyz" || { echo "nothing answers at $base/readyz" >&2; exit 1; }

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# Sanity: the real token works, a bad one naming the same id is refused, the public paths answer 200.
[[ $(code -H "Authorization: Bearer $good_token" "$base/api/submissions") == 200 ]] \
    || { echo "a real token is not accepted" >&2; exit 1; }
[[ $(code -H "Authorization: Bearer ${bad_tokens[0]}" "$base/api/submissions") == 401 ]] \
    || { echo "a bad token naming an existing account is not answered 401" >&2; exit 1; }
for path in '/api/areas?type=idva' '/api/nearest?lat=51.5&lon=-0.12&type=isva'; do
    [[ $(code "$base$path") == 200 ]] || { echo "$path does not answer 200" >&2; exit 1; }
done
idle_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status")

cat >"$work/public.lua" <<'EOF'
local paths = { "/api/areas?type=idva", "/api/nearest?lat=51.5&lon=-0.12&type=isva" }
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
EOF

{
    printf 'local tokens = {'
    printf '"%s",' "${bad_tokens[@]}"
    printf '}\n'
    cat <<'EOF'
local body = '{"kind":"change","listing_id":"haven-camberwell","fields":{"capacity":"6"}}'
local threads = {}
setup = function(thread) table.insert(threads, thread) end
local n = 0
init = function(args) counts = {} end
request = function()
    n = n + 1
    local auth = { ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1] }
    if n % 2 == 0 then
        return wrk.format("GET", "/api/submissions", auth)
    end
    auth["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/submissions", auth, body)
end
response = function(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + count end
    end
    local e = summary.errors
    io.write(string.format("RESULT rps=%.1f requests=%d errors=%d", summary.requests / (summary.duration / 1e6),
        summary.requests, e.connect + e.read + e.write + e.timeout))
    for status, count in pairs(total) do io.write(string.format(" s%d=%d", status, count)) end
    io.write("\n")
end
EOF
} >"$work/attack.lua"

sample_rss() { # sample_rss FILE: VmRSS in kB every 200 ms until killed
    while [[ -r "/proc/$server/status" ]]; do
        awk '/^VmRSS:/ {print $2}' "/proc/$server/status" >>"$1" 2>/dev/null || true
        sleep 0.2
    done
}
result() { grep -m1 '^RESULT ' "$1" | sed 's/^RESULT//'; } # " key=value key=value …"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }         # field KEY RESULT
public() { # public OUT DURATION
    wrk -t1 -c"$PUBLIC_CONNECTIONS" -d"$2s" --timeout 10s -s "$work/public.lua" "$base" >"$1"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; } # the server's user + system CPU, in clock ticks
# Per thread of the server: its id and the nanoseconds it has spent runnable but waiting for a CPU (schedstat's
# run_delay). Threads come and go (the blocking pool), so waits are summed over the threads present at both ends.
run_delays() { # run_delays FILE
    local task
    for task in "/proc/$server"/task/*; do
        echo "${task##*/} $(cut -d' ' -f2 "$task/schedstat" 2>/dev/null)"
    done >"$1"
}
waited() { # waited BEFORE AFTER SECONDS: seconds of waiting per second, over the threads in both
    awk -v t="$3" 'NR == FNR {before[$1] = $2; next} ($1 in before) && $2 != "" {d += $2 - before[$1]}
        END {printf "%.2f", d / 1e9 / t}' "$1" "$2"
}
cpu_cores() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v d="$2" 'BEGIN {printf "%.2f", t / hz / d}'; }
mb() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb * 1024 / 1e6}'; }
peak() { sort -n "$1" | tail -1; }

echo "gapmap on $base (pid $server), ${#ids[@]} accounts (ids ${ids[*]}), idle RSS $(mb "$idle_kb") MB" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# 1. Baseline.
sample_rss "$work/rss-baseline" &
sampler=$!
pids+=("$sampler")
cpu0=$(cpu_ticks)
run_delays "$work/wait0"
public "$work/public-baseline" "$DURATION"
cpu_base=$(cpu_cores "$(($(cpu_ticks) - cpu0))" "$DURATION")
run_delays "$work/wait1"
wait_base=$(waited "$work/wait0" "$work/wait1" "$DURATION")
kill "$sampler" 2>/dev/null || true

# 2. Attack, with the public client measured for DURATION seconds inside it.
sample_rss "$work/rss-attack" &
sampler=$!
pids+=("$sampler")
nice -n "$ATTACK_NICE" wrk -t"$ATTACK_THREADS" -c"$ATTACKERS" -d"$((DURATION + 2))s" --timeout 10s -s "$work/attack.lua" "$base" \
    >"$work/attack" &
attacker=$!
pids+=("$attacker")
sleep 1
cpu0=$(cpu_ticks)
run_delays "$work/wait0"
public "$work/public-attack" "$DURATION"
cpu_attack=$(cpu_cores "$(($(cpu_ticks) - cpu0))" "$DURATION")
run_delays "$work/wait1"
wait_attack=$(waited "$work/wait0" "$work/wait1" "$DURATION")
wait "$attacker"
kill "$sampler" 2>/dev/null || true
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$server/status")
after=$(code -H "Authorization: Bearer $good_token" "$base/api/submissions")

b=$(result "$work/public-baseline")
p=$(result "$work/public-attack")
a=$(result "$work/attack")
[[ -n "$b" && -n "$p" && -n "$a" ]] || { cat "$work"/public-* "$work/attack" >&2; exit 1; }
peak_base=$(peak "$work/rss-baseline")
peak_attack=$(peak "$work/rss-attack")
s401=$(field s401 "$a"); s401=${s401:-0}
s429=$(field s429 "$a"); s429=${s429:-0}
others=$(sed 's/ /\n/g' <<<"$a" | grep '^s[0-9]' | grep -v '^s401=\|^s429=' | tr '\n' ' ' || true)

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
    "$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr);" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: gapmap serve --workers 2, RUST_LOG=$SERVER_LOG, bundled data, ${#ids[@]} provider accounts;" \
    "public client: wrk -t1 -c$PUBLIC_CONNECTIONS, ${DURATION}s per phase; attack: wrk -t$ATTACK_THREADS -c$ATTACKERS" \
    "(nice $ATTACK_NICE)"
row='%-30s %10s %8s %8s %8s %12s %11s %11s\n'
printf "$row" "phase" "public r/s" "p50 ms" "p99 ms" "max ms" "peak RSS MB" "server CPU" "CPU wait"
printf "$row" "baseline (public only)" "$(field rps "$b")" "$(field p50_ms "$b")" "$(field p99_ms "$b")" \
    "$(field max_ms "$b")" "$(mb "$peak_base")" "$cpu_base" "$wait_base"
printf "$row" "under attack ($ATTACKERS bad tokens)" "$(field rps "$p")" "$(field p50_ms "$p")" "$(field p99_ms "$p")" \
    "$(field max_ms "$p")" "$(mb "$peak_attack")" "$cpu_attack" "$wait_attack"
echo "(server CPU: cores' worth of CPU the server used; CPU wait: its threads' time runnable but waiting for a CPU," \
    "per second — the machine's contention, not the server's work)"
echo "public non-2xx: baseline $(field non2xx "$b"), under attack $(field non2xx "$p");" \
    "socket errors: $(field errors "$b"), $(field errors "$p")"
echo "bad-token traffic: $(field requests "$a") requests ($(field rps "$a")/s): 401 × $s401, 429 × $s429${others:+, other: $others}," \
    "socket errors $(field errors "$a")"
echo "server log (RUST_LOG=$SERVER_LOG): $(stat -c %s "$work/gapmap.log") bytes for the whole run"
echo "RSS: idle $(mb "$idle_kb") MB, peak sampled every 200 ms $(mb "$peak_attack") MB, VmHWM at the end $(mb "$hwm_kb") MB"
echo "the real token from 127.0.0.1 right after the attack: $after (429 while the address is over its budget)"
awk -v p="$(field p99_ms "$p")" -v b="$(field p99_ms "$b")" -v pr="$(field rps "$p")" -v br="$(field rps "$b")" \
    'BEGIN {printf "under attack ÷ baseline: p99 %.2f, public throughput %.2f\n", p / b, pr / br}'

fail=0
limit_kb=$(awk -v mb="$MAX_RSS_MB" 'BEGIN {printf "%d", mb * 1e6 / 1024}')
if ((peak_attack >= limit_kb || hwm_kb >= limit_kb)); then echo "FAIL: peak RSS reached $MAX_RSS_MB MB" >&2; fail=1; fi
if awk -v p="$(field p99_ms "$p")" -v m="$MAX_P99_MS" 'BEGIN {exit !(p >= m)}'; then
    echo "FAIL: public p99 under attack reached $MAX_P99_MS ms" >&2
    fail=1
fi
if ((s429 == 0)); then echo "FAIL: no 429 was returned" >&2; fail=1; fi
if [[ "$(field non2xx "$p")" != 0 ]]; then echo "FAIL: public requests failed under attack" >&2; fail=1; fi
((fail == 0)) && echo "PASS: RSS < $MAX_RSS_MB MB, public p99 < $MAX_P99_MS ms, 429s returned"
exit "$fail"
