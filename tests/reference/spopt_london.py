"""spopt 0.7 (CBC through PuLP) against `gapmap plan` on London's hub siting.

The instance: the 33 London areas of the bundled data; demand at each area's representative point weighted by
its `women` basis; candidates every area's representative point (no existing site kept open); costs geodesic km
as gapmap computes them. gapmap writes the instance (`--write-instance`), this script reads the same files and
solves it with spopt, for k = 1..6, MCLP (radius the `idva` catchment, 5 km; coverage c <= R as spopt's) and
p-median (cost capped at M = 60 km: a pair not in costs.csv costs M, as gapmap defines it; London's pairs are
all within it). It compares the objectives — evaluated by this script from each solver's chosen sites on the
same matrix — with `gapmap plan --exact` (equal to 1e-9 relative) and `--heuristic` (within 1%), times both and
exits non-zero on a mismatch.

Run from the repository root (after `cargo build --release`):

    python3 -m venv target/spopt-venv
    target/spopt-venv/bin/pip install -r tests/reference/spopt_requirements.txt
    target/spopt-venv/bin/python tests/reference/spopt_london.py [--gapmap PATH]

PATH defaults to $CARGO_TARGET_DIR/release/gapmap (or target/release/gapmap).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pulp
import spopt
from spopt.locate import MCLP, PMedian


def gapmap_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    return str(target / "release" / "gapmap")


def plan(binary, model, k, solver, write_to=None):
    command = [binary, "plan", "--type", "idva", "--k", str(k), "--model", model, "--demand", "areas",
               "--candidates", "areas", "--no-keep-existing", f"--{solver}"]
    if write_to:
        command += ["--write-instance", str(write_to)]
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout), time.perf_counter() - start


def read_instance(directory):
    with open(directory / "demand.csv") as f:
        demand = list(csv.DictReader(f))
    with open(directory / "candidates.csv") as f:
        candidates = list(csv.DictReader(f))
    meta = json.loads((directory / "instance.json").read_text())
    row = {d["id"]: i for i, d in enumerate(demand)}
    column = {c["id"]: j for j, c in enumerate(candidates)}
    missing = meta.get("max_cost", np.inf)
    cost = np.full((len(demand), len(candidates)), missing, dtype=float)
    with open(directory / "costs.csv") as f:
        for entry in csv.DictReader(f):
            cost[row[entry["origin"]], column[entry["destination"]]] = float(entry["cost"])
    weights = np.array([float(d["weight"]) for d in demand])
    return weights, cost, [c["id"] for c in candidates], meta


def objective(model, weights, cost, chosen, meta):
    nearest = cost[:, chosen].min(axis=1)
    if model == "mclp":
        return float(weights[nearest <= meta["radius"]].sum())
    return float((weights * np.minimum(nearest, meta["max_cost"])).sum())


def solve_spopt(model, weights, cost, k, meta):
    solver = pulp.PULP_CBC_CMD(msg=False)
    start = time.perf_counter()
    if model == "mclp":
        finite = np.where(np.isfinite(cost), cost, meta["radius"] + 1.0)
        problem = MCLP.from_cost_matrix(finite, weights, service_radius=meta["radius"], p_facilities=k)
    else:
        problem = PMedian.from_cost_matrix(cost, weights, p_facilities=k)
    problem = problem.solve(solver)
    seconds = time.perf_counter() - start
    chosen = [j for j, var in enumerate(problem.fac_vars) if var.value() > 0.5]
    return chosen, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gapmap", default=gapmap_binary())
    args = parser.parse_args()
    print(f"spopt {spopt.__version__}, PuLP {pulp.__version__} (CBC), numpy {np.__version__}")
    failures = 0
    totals = {"spopt": 0.0, "exact": 0.0, "heuristic": 0.0}
    print("model    k  spopt+CBC objective        gapmap --exact          --heuristic (gap)    spopt s  exact s")
    with tempfile.TemporaryDirectory() as scratch:
        for model in ("mclp", "pmedian"):
            for k in range(1, 7):
                directory = Path(scratch) / f"{model}-{k}"
                exact, exact_s = plan(args.gapmap, model, k, "exact", directory)
                heuristic, heuristic_s = plan(args.gapmap, model, k, "heuristic")
                weights, cost, ids, meta = read_instance(directory)
                chosen, spopt_s = solve_spopt(model, weights, cost, k, meta)
                reference = objective(model, weights, cost, chosen, meta)
                ours = objective(model, weights, cost, [ids.index(i) for i in exact["chosen"]], meta)
                scale = max(abs(reference), 1.0)
                exact_ok = abs(exact["objective"] - reference) <= 1e-9 * scale and abs(ours - reference) <= 1e-9 * scale
                if model == "mclp":
                    off = (reference - heuristic["objective"]) / scale
                else:
                    off = (heuristic["objective"] - reference) / scale
                heuristic_ok = off <= 0.01
                failures += (not exact_ok) + (not heuristic_ok)
                totals["spopt"] += spopt_s
                totals["exact"] += exact_s
                totals["heuristic"] += heuristic_s
                print(f"{model:8} {k}  {reference:22.6f}  {exact['objective']:22.6f}  {heuristic['objective']:16.4f} "
                      f"({off * 100:.3f}%)  {spopt_s:7.3f}  {exact_s:7.3f}"
                      f"{'' if exact_ok else '  EXACT MISMATCH'}{'' if heuristic_ok else '  HEURISTIC OVER 1%'}")
    print(f"total seconds: spopt+CBC solve {totals['spopt']:.3f}; gapmap plan --exact (whole process: load, "
          f"costs, solve) {totals['exact']:.3f}; --heuristic {totals['heuristic']:.3f}")
    if failures:
        print(f"{failures} mismatches", file=sys.stderr)
        sys.exit(1)
    print("all 12 objectives agree (exact to 1e-9 relative, heuristic within 1%)")


if __name__ == "__main__":
    main()
