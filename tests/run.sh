#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the browser tests need (Debian's chromium, and
# playwright-core from the npm registry, pinned by tests/browser/package-lock.json), then runs every test.
# A missing browser makes the browser tests fail; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "tests/run.sh: installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/run.sh: installing Node.js and npm (the map page's libraries and the browser driver come from the npm registry)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

cargo test "$@"

# PySAL access on the same files as `gapmap access --cost` (a few seconds once its venv exists).
bash tests/reference/run.sh
