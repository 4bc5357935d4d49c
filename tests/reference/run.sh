#!/usr/bin/env bash
# PySAL `access` against `gapmap access` on the same files (tests/reference/pysal_access.py), from the repo root:
#   bash tests/reference/run.sh
# Creates target/reference-venv from tests/reference/requirements.txt (exact versions from PyPI) when missing or
# out of date, builds the debug binary (into $CARGO_TARGET_DIR when set), and exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reference-venv
requirements=tests/reference/requirements.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
cargo build --quiet --bin gapmap
binary="${CARGO_TARGET_DIR:-target}/debug/gapmap"
"$venv/bin/python" tests/reference/pysal_access.py "$binary" target/reference
