#!/usr/bin/env bash
# PySAL `access` E2SFCA timed on the national benchmark input (tests/reference/pysal_national.py), from the repo
# root:   bash tests/reference/national.sh [ROUNDS]
# Needs the input of benches/national/ in $GAPMAP_NATIONAL_DIR (default target/national; generate it with
# `bash benches/national/run.sh --generate-only`). gapmap's own time is `cargo bench --bench planning -- e2sfca`.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reference-venv
requirements=tests/reference/requirements.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
cargo build --quiet --release --bin gapmap
binary="${CARGO_TARGET_DIR:-target}/release/gapmap"
national="${GAPMAP_NATIONAL_DIR:-target/national}"
"$venv/bin/python" tests/reference/pysal_national.py "$binary" "$national" target/reference/national "${1:-3}"
