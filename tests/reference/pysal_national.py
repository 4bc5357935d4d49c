"""PySAL `access` E2SFCA timed on the national benchmark input, against the same figures from gapmap.

Usage (from the repo root; `bash tests/reference/national.sh` sets up the venv, the binary and the input):

    python tests/reference/pysal_national.py GAPMAP_BINARY NATIONAL_DIR WORK_DIR [ROUNDS]

The input is what `cargo bench --bench planning -- e2sfca` times: the England and Wales districts of
`benches/national/` (NATIONAL_DIR), demand = each district's women spread over a 2 km grid, supply = all 20,000
synthetic sites (capacity 0 when unknown), geodesic km, decay step:10=1,20=0.68,30=0.22, M = 30. gapmap writes the
demand, supply and every pair's cost within M (`--write-inputs`); PySAL is given those costs (so it is timed
without computing any distance: the comparison favours it), read into DataFrames before the clock starts. The
figures must agree to 1e-9 relative; exits non-zero otherwise.
"""

import csv
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from access import Access, weights

DECAY = "step:10=1,20=0.68,30=0.22"
BANDS = {10: 1, 20: 0.68, 30: 0.22}
MAX_COST = 30
GRID_KM = "2"


def all_sites(national, path):
    with open(national / "services.csv", newline="") as f, open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "lat", "lon", "capacity"])
        for row in csv.DictReader(f):
            writer.writerow([row["id"], row["lat"], row["lon"], row["capacity"] or "0"])


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binary, national, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    work.mkdir(parents=True, exist_ok=True)
    supply = work / "all-sites.csv"
    all_sites(national, supply)
    command = [
        binary, "access", "--type", "idva", "--boundaries", str(national / "boundaries.geojson"),
        "--population", str(national / "population.csv"), "--types", str(national / "types.csv"),
        "--services", str(national / "services.csv"), "--supply", str(supply), "--grid-km", GRID_KM,
        "--decay", DECAY, "--max-cost", str(MAX_COST), "--write-inputs", str(work), "--format", "csv",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    print(f"gapmap access (this binary, load + grid + costs + E2SFCA + write): "
          f"{time.perf_counter() - started:.2f} s")
    ours = {}
    for line in done.stdout.strip().splitlines()[1:]:
        key, value = line.rsplit(",", 1)
        ours[key] = float(value)

    demand = pd.read_csv(work / "demand.csv", dtype={"id": str})[["id", "weight"]]
    sites = pd.read_csv(work / "supply.csv", dtype={"id": str})[["id", "capacity"]]
    cost = pd.read_csv(work / "cost.csv", dtype={"origin": str, "destination": str})
    print(f"input: {len(demand)} demand points, {len(sites)} sites, {len(cost)} pairs within {MAX_COST} km")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        model = Access(
            demand_df=demand, demand_index="id", demand_value="weight",
            supply_df=sites, supply_index="id", supply_value="capacity",
            cost_df=cost, cost_origin="origin", cost_dest="destination", cost_name="cost",
        )
        result = model.enhanced_two_stage_fca(
            name="a", max_cost=MAX_COST, weight_fn=weights.step_fn(BANDS))
        times.append(time.perf_counter() - started)
    print("PySAL access enhanced_two_stage_fca: " + ", ".join(f"{t:.2f}" for t in times)
          + f" s (median {sorted(times)[len(times) // 2]:.2f} s)")
    theirs = result["a_capacity"].to_dict()
    worst, bad = 0.0, 0
    for key, a in ours.items():
        b = theirs.get(key, float("nan"))
        if b != b:  # NaN: the point reaches no site; gapmap says 0
            bad += a != 0.0
            continue
        scale = max(abs(a), abs(b))
        error = abs(a - b) / scale if scale > 0 else 0.0
        worst = max(worst, error)
        bad += error > 1e-9
    print(f"agreement: {len(ours)} points, worst relative difference {worst:.2e}, {bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
