#!/usr/bin/env python3
"""Summarises a run of benches/national/run.sh: the timing table from `/usr/bin/time -v` logs, and the cross-check
of `gapmap report --format csv` against reference.py's CSV.

    python benches/national/compare.py RUN_DIR

RUN_DIR holds gapmap-N.csv / gapmap-N.time and reference-N.csv / reference-N.time for rounds N = 1, 2, …
Prints markdown.
"""

import glob
import os
import platform
import re
import statistics
import subprocess
import sys

import pandas as pd

# gapmap writes figures to 4 decimals; a figure matches when it agrees to that rounding.
TOLERANCE = 0.5e-4 + 1e-9
EXACT = ["located", "serving", "serving_unknown_capacity", "status"]
ROUNDED = ["capacity_share", "rate", "required", "shortfall"]
ACCESS = ["access_mean_km", "access_p90_km", "within_catchment"]


def parse_time(path):
    """(wall seconds, peak RSS in MiB, exit status) from a `/usr/bin/time -v` log."""
    text = open(path, encoding="utf-8").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    status = int(re.search(r"Exit status: (\d+)", text).group(1))
    return seconds, rss_kib / 1024, status


def machine(run_dir):
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                  if line.startswith("model name")), platform.processor() or "unknown")
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    mem_kib = next(int(line.split()[1]) for line in open("/proc/meminfo", encoding="utf-8")
                   if line.startswith("MemTotal"))
    load = open("/proc/loadavg", encoding="utf-8").read().split()[:3]
    before = os.path.join(run_dir, "loadavg-before")
    if os.path.exists(before):
        load_before = open(before, encoding="utf-8").read().split()[:3]
        load = f"{' '.join(load_before)} before the runs, {' '.join(load)} after"
    else:
        load = f"{' '.join(load)} after the runs"
    return f"{nproc} cores ({model}), {mem_kib / 2**20:.0f} GiB, Linux {platform.release()}; load average {load}"


def timing(run_dir):
    rows = {}
    for tool in ("gapmap", "reference"):
        runs = [parse_time(p) for p in sorted(glob.glob(os.path.join(run_dir, f"{tool}-*.time")))]
        if not runs or any(status != 0 for _, _, status in runs):
            sys.exit(f"{tool}: a run failed or is missing in {run_dir}")
        rows[tool] = (statistics.median(r[0] for r in runs), [r[0] for r in runs],
                      statistics.median(r[1] for r in runs))
    print(f"| analysis | median wall time (runs) | peak memory (median) |")
    print("|---|---|---|")
    labels = {"gapmap": "`gapmap report --format csv`", "reference": "`reference.py` (GeoPandas + SciPy)"}
    for tool, (median, runs, rss) in rows.items():
        each = ", ".join(f"{r:.1f}" for r in runs)
        print(f"| {labels[tool]} | {median:.1f} s ({each}) | {rss:,.0f} MiB |")
    g, r = rows["gapmap"], rows["reference"]
    print(f"| reference ÷ gapmap | {r[0] / g[0]:.2f}× | {r[2] / g[2]:.1f}× |")
    print()
    print(f"Machine: {machine(run_dir)}.")


def cross_check(run_dir):
    gapmap = pd.read_csv(os.path.join(run_dir, "gapmap-1.csv"))
    reference = pd.read_csv(os.path.join(run_dir, "reference-1.csv"))
    both = gapmap.merge(reference, on=["code", "type"], how="outer", suffixes=("_gapmap", "_reference"),
                        indicator=True)
    unmatched = int((both["_merge"] != "both").sum())
    both = both[both["_merge"] == "both"]
    print()
    print(f"Cross-check on {len(both):,} area × type rows ({unmatched} rows in only one output).")
    print()
    print("| coverage figure | mismatches |")
    print("|---|---|")
    total = unmatched
    for column in EXACT + ROUNDED:
        a, b = both[f"{column}_gapmap"], both[f"{column}_reference"]
        if column in EXACT:
            differ = a != b
        else:
            differ = ~(((a - b).abs() <= TOLERANCE) | (a.isna() & b.isna()))
        total += int(differ.sum())
        print(f"| {column} | {int(differ.sum())} |")
    print(f"| **all** | **{total}** |")
    print()
    print("Access (different grids: gapmap samples a lon/lat grid at 250 m ground spacing and measures geodesic "
          "distance; the reference a 250 m BNG grid with BNG distances):")
    print()
    print("| figure | median abs. difference | max abs. difference | median relative |")
    print("|---|---|---|---|")
    for column in ACCESS:
        a, b = both[f"{column}_gapmap"], both[f"{column}_reference"]
        diff = (a - b).abs()
        rel = (diff / b.abs()).replace([float("inf")], float("nan"))
        unit = "" if column == "within_catchment" else " km"
        print(f"| {column} | {diff.median():.4f}{unit} | {diff.max():.4f}{unit} | {rel.median():.2%} |")
    pts_g, pts_r = both["access_sample_points_gapmap"].sum(), both["access_sample_points_reference"].sum()
    print(f"| sample points (all rows) | gapmap {pts_g:,.0f} | reference {pts_r:,.0f} | "
          f"{pts_g / pts_r - 1:+.2%} |")
    return total


def main():
    run_dir = sys.argv[1]
    timing(run_dir)
    mismatches = cross_check(run_dir)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
