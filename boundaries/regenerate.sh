#!/usr/bin/env bash
# Regenerates boundaries/london-boroughs.geojson from the London boroughs TopoJSON in the vega-datasets npm
# package (BSD-3-Clause), through `gapmap import-boundaries`, which reports every repair it makes.
# The version is pinned so the committed file can be reproduced exactly. Run from anywhere.
set -euo pipefail

VERSION=3.2.1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "vega-datasets@$VERSION" >/dev/null)
tar -xzf "$work/vega-datasets-$VERSION.tgz" -C "$work" package/data/londonBoroughs.json

cd "$repo"
cargo run --release --quiet -- import-boundaries "$work/package/data/londonBoroughs.json" \
    -o boundaries/london-boroughs.geojson --codes boundaries/london-population.csv
