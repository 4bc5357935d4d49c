#!/usr/bin/env bash
# Schemathesis against /api/openapi.json: every check, every phase (examples, coverage, fuzzing, stateful), as
# three identities in turn — anonymous, a provider of "Midford Trust", a reviewer — against the release binary
# serving the API test fixture from a fresh data directory. Fails on any finding, and on any 5xx in the server's log.
#
#   bash tests/schemathesis.sh                 # the CI budget
#   ST_MAX_EXAMPLES=200 bash tests/schemathesis.sh
#
# Schemathesis comes from the PyPI registry, pinned with all its dependencies by tests/schemathesis/requirements.txt,
# into a virtual environment under target/. Settings that are not flags are in tests/schemathesis/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

max_examples=${ST_MAX_EXAMPLES:-100} # test cases per operation and phase: about 100 s on 2 cores
seed=${ST_SEED:-20261124}
venv=target/schemathesis-venv
requirements=tests/schemathesis/requirements.txt
fixture=tests/fixtures/api
started=$SECONDS

python=$(command -v python3.11 || command -v python3)
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  echo "schemathesis.sh: installing $(grep -i '^schemathesis==' "$requirements") into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$requirements"
  cp "$requirements" "$stamp"
fi

# A no-op when the binary is up to date; builds it when missing or stale.
cargo build --release --quiet --bin gapmap
gapmap=target/release/gapmap

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

data="$work/data"
mkdir -p "$data"
# The listings are imported once: a server given --services for a database that holds listings refuses to start.
"$gapmap" import-services "$fixture/services.csv" --data-dir "$data" --boundaries "$fixture/areas.geojson" \
  --population "$fixture/population.csv" --types "$fixture/types.csv" >/dev/null
provider_token=$("$gapmap" accounts add --role provider --org "Midford Trust" --name st-provider --data-dir "$data")
reviewer_token=$("$gapmap" accounts add --role reviewer --name st-reviewer --data-dir "$data")
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
log="$work/server.log"

# Each identity gets a freshly started server on the same database, so the submissions a provider makes are there
# for the reviewer, but the failed sign-ins the anonymous run is refused for (the limiter lives in memory) do not
# spend the others' budget. The write limits are lifted: a fuzzer is one very busy account.
start_server() {
  GAPMAP_WRITES_PER_MINUTE=1000000 GAPMAP_MAX_PENDING=1000000 RUST_LOG=info \
    "$gapmap" serve --bind "127.0.0.1:$port" --data-dir "$data" --workers 2 \
    --boundaries "$fixture/areas.geojson" --population "$fixture/population.csv" \
    --types "$fixture/types.csv" 2>>"$log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "schemathesis.sh: the server did not become ready; its log:" >&2
  tail -n 30 "$log" >&2
  exit 1
}

failed=0
summary=()
run_as() {
  local identity=$1 token=${2:-}
  local config="$work/$identity.toml"
  cp tests/schemathesis/schemathesis.toml "$config"
  if [ -n "$token" ]; then
    # Sent only to the operations that declare the `bearer` scheme, so ignored_auth can probe them without it.
    printf '\n[auth.openapi.bearer]\nbearer = "${GAPMAP_TOKEN}"\n' >>"$config"
  fi
  start_server
  echo "== schemathesis as $identity"
  local status=0
  GAPMAP_TOKEN=$token "$venv/bin/schemathesis" --config-file "$config" run "$base/api/openapi.json" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --generation-database none \
    --workers 1 \
    --no-color \
    --report json --report-json-path "$work/$identity.json" || status=$?
  stop_server
  [ "$status" -eq 0 ] || failed=1
  summary+=("$("$python" - "$identity" "$work/$identity.json" "$status" <<'EOF'
import json, sys
identity, path, status = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    report = json.load(open(path))
except (OSError, ValueError):
    print(f"{identity}: no report (schemathesis exited {status})")
    sys.exit()
ops, cases = report["operations"], report["test_cases"]
print(f"{identity}: {ops['tested']}/{ops['total']} operations, {cases['generated']} test cases, "
      f"{cases['unique_failures']} failures, {len(report['errors'])} errors (exit {status})")
EOF
)")
}

: >"$log"
run_as anonymous
run_as provider "$provider_token"
run_as reviewer "$reviewer_token"

# The server answers a client's mistake with 4xx; a 5xx, a panic or a logged internal error is a bug.
server_errors=$(grep -cE 'http\.status_code=5[0-9]{2}|panicked|internal error' "$log" || true)
if [ "$server_errors" -ne 0 ]; then
  echo "schemathesis.sh: $server_errors server errors in the log:" >&2
  grep -E 'http\.status_code=5[0-9]{2}|panicked|internal error' "$log" | head -n 20 >&2
  failed=1
fi

echo "== schemathesis $(grep -i '^schemathesis==' "$requirements" | cut -d= -f3), --max-examples $max_examples, --seed $seed"
printf '%s\n' "${summary[@]}"
echo "server log: $(grep -c 'http.status_code=' "$log") requests, $server_errors server errors; $((SECONDS - started)) s"
exit "$failed"
