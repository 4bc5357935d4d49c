#!/usr/bin/env bash
# The national benchmark: `gapmap report` against the GeoPandas/SciPy reference on England and Wales districts.
#
#   bash benches/national/run.sh                  build, set up, generate if missing, 3 interleaved rounds, table
#   bash benches/national/run.sh --generate-only  build, set up and generate the input, nothing else
#   bash benches/national/run.sh --regenerate     generate the input again even if it exists, then the rounds
#
# Environment: GAPMAP_NATIONAL_DIR (input, default target/national), CARGO_TARGET_DIR (where cargo builds),
# ROUNDS (default 3), SEED (default 20261201). Each run's outputs, `/usr/bin/time -v` logs and the table are kept in
# $GAPMAP_NATIONAL_DIR/runs/<UTC time>/; `python benches/national/compare.py <that dir>` prints the table again.
set -euo pipefail

cd "$(dirname "$0")/../.."
here=benches/national
data=${GAPMAP_NATIONAL_DIR:-target/national}
venv=target/national-venv
rounds=${ROUNDS:-3}
seed=${SEED:-20261201}
generate_only=false
regenerate=false
for arg in "$@"; do
  case $arg in
    --generate-only) generate_only=true ;;
    --regenerate) regenerate=true ;;
    *) echo "usage: $0 [--generate-only] [--regenerate]" >&2; exit 2 ;;
  esac
done

echo "== building gapmap (release)" >&2
cargo build --release --quiet
# Run a copy: a target directory shared with other checkouts (CARGO_TARGET_DIR) may get their gapmap mid-run.
mkdir -p target
cp "${CARGO_TARGET_DIR:-target}/release/gapmap" target/national-gapmap
gapmap=target/national-gapmap

if [ ! -x /usr/bin/time ]; then
  echo "== installing Debian's time (for /usr/bin/time -v)" >&2
  apt-get install -y time >&2 || { apt-get update >&2 && apt-get install -y time >&2; }
fi

if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  echo "== setting up $venv from $here/requirements.txt" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --requirement "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi

files=(--boundaries "$data/boundaries.geojson" --population "$data/population.csv" --types "$data/types.csv")
if $regenerate || [ ! -s "$data/services.csv" ]; then
  echo "== generating $data (seed $seed)" >&2
  "$venv/bin/python" "$here/generate.py" --gapmap "$gapmap" --out "$data" --seed "$seed"
  "$gapmap" validate "$data/services.csv" "${files[@]}"
fi
$generate_only && exit 0

runs="$data/runs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$runs"
cp /proc/loadavg "$runs/loadavg-before"
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds: gapmap report" >&2
  /usr/bin/time -v -o "$runs/gapmap-$round.time" \
    "$gapmap" report "${files[@]}" --services "$data/services.csv" --format csv >"$runs/gapmap-$round.csv"
  echo "== round $round of $rounds: reference.py" >&2
  /usr/bin/time -v -o "$runs/reference-$round.time" \
    "$venv/bin/python" "$here/reference.py" --data "$data" --out "$runs/reference-$round.csv"
done

status=0
"$venv/bin/python" "$here/compare.py" "$runs" | tee "$runs/table.md" || status=$?
echo "(kept in $runs)" >&2
exit "$status"
