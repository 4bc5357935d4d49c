"""Capacitated hub siting on London: `gapmap plan --exact --capacitated` against the same MILP solved by CBC and
by HiGHS (both through PuLP), with the uncapacitated MILPs timed beside them.

The instance is `spopt_london.py`'s: the 33 London areas of the bundled data, demand at each representative point
weighted by its `women`, every representative point a candidate, no existing site kept, geodesic km as gapmap
computes them (read back from `gapmap plan --write-instance`), MCLP at the `idva` catchment (5 km) and p-median
with M = 60 km, k = 1..6. Capacitated: every hub serves at most HUB_CAPACITY women (default 500,000: less than
a sixth of London's women, so the capacity binds at every k).

spopt 0.7's capacitated `PMedian` is not this model: its assignment variables are binary (each area wholly at one
site) and every area must be assigned (infeasible when k hubs cannot hold all demand). So the MILPs are written
here, the same for both solvers. With x_ij the share of demand point i served at candidate j (pairs within the
model's limit only), y_j whether j opens:

    p-median:  min Σ w_i c_ij x_ij + Σ w_i M (1 − Σ_j x_ij)      MCLP:  max Σ w_i x_ij   (c_ij ≤ R)
    subject to Σ_j y_j = k,  Σ_j x_ij ≤ 1,  x_ij ≤ y_j,  and, capacitated,  Σ_i w_i x_ij ≤ C y_j.

The script checks that gapmap's objective equals each solver's to 1e-9 relative (uncapacitated too), times the
solves (the `solve` call alone, model building excluded) and gapmap (whole `gapmap plan --exact` processes:
load, costs, solve), and exits non-zero on a mismatch. Run from the repository root (after `cargo build
--release`):

    target/spopt-venv/bin/pip install -r tests/reference/spopt_requirements.txt
    target/spopt-venv/bin/python tests/reference/capacitated_london.py [--gapmap PATH] [--hub-capacity C]
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

from importlib.metadata import version

import numpy as np
import pulp


def gapmap_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    return str(target / "release" / "gapmap")


def plan(binary, model, k, capacity, write_to):
    command = [binary, "plan", "--type", "idva", "--k", str(k), "--model", model, "--demand", "areas",
               "--candidates", "areas", "--no-keep-existing", "--exact", "--write-instance", str(write_to)]
    if capacity is not None:
        command += ["--hub-capacity", repr(capacity)]
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
    pairs = []
    with open(directory / "costs.csv") as f:
        for entry in csv.DictReader(f):
            pairs.append((row[entry["origin"]], column[entry["destination"]], float(entry["cost"])))
    weights = [float(d["weight"]) for d in demand]
    capacity = [float(c["capacity"]) for c in candidates] if "capacity" in candidates[0] else None
    return weights, len(candidates), pairs, capacity, meta


def milp(model, weights, m, pairs, capacity, k, meta):
    """The MILP above, as a PuLP problem."""
    sense = pulp.LpMaximize if model == "mclp" else pulp.LpMinimize
    problem = pulp.LpProblem(f"{model}_{k}", sense)
    y = [pulp.LpVariable(f"y{j}", cat=pulp.LpBinary) for j in range(m)]
    x = {(i, j): pulp.LpVariable(f"x{i}_{j}", lowBound=0, upBound=1) for i, j, _ in pairs}
    cost = {(i, j): c for i, j, c in pairs}
    if model == "mclp":
        problem += pulp.lpSum(weights[i] * x[i, j] for (i, j) in x)
    else:
        big_m = meta["max_cost"]
        problem += (pulp.lpSum(weights[i] * (cost[i, j] - big_m) * x[i, j] for (i, j) in x)
                    + sum(weights) * big_m)
    problem += pulp.lpSum(y) == k
    by_point, by_site = {}, {}
    for (i, j) in x:
        by_point.setdefault(i, []).append(x[i, j])
        by_site.setdefault(j, []).append((i, x[i, j]))
        problem += x[i, j] <= y[j]
    for shares in by_point.values():
        problem += pulp.lpSum(shares) <= 1
    if capacity is not None:
        for j, served in by_site.items():
            if np.isfinite(capacity[j]):
                problem += pulp.lpSum(weights[i] * v for i, v in served) <= capacity[j] * y[j]
    return problem


def solve(problem, solver):
    start = time.perf_counter()
    status = problem.solve(solver)
    seconds = time.perf_counter() - start
    if pulp.LpStatus[status] != "Optimal":
        raise RuntimeError(f"{problem.name}: {pulp.LpStatus[status]}")
    return pulp.value(problem.objective), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gapmap", default=gapmap_binary())
    # In the type's unit, FTE advisers: idva's benchmark (4 per 100,000 women) makes 20 of them 500,000 women.
    parser.add_argument("--hub-capacity", type=float, default=20.0)
    args = parser.parse_args()
    print(f"PuLP {pulp.__version__} (CBC; HiGHS through highspy {version('highspy')}), "
          f"hub capacity {args.hub_capacity:g} FTE advisers ({args.hub_capacity * 25_000:,.0f} women)")
    solvers = {
        "CBC": pulp.PULP_CBC_CMD(msg=False, gapRel=0.0),
        "HiGHS": pulp.HiGHS(msg=False, gapRel=0.0),
    }
    totals = {}
    failures = 0
    print("capacity  model    k       gapmap --exact             CBC                HiGHS    gapmap s  CBC s  HiGHS s")
    with tempfile.TemporaryDirectory() as scratch:
        for capacity in (None, args.hub_capacity):
            label = "none" if capacity is None else "binding"
            for model in ("mclp", "pmedian"):
                for k in range(1, 7):
                    directory = Path(scratch) / f"{label}-{model}-{k}"
                    ours, ours_s = plan(args.gapmap, model, k, capacity, directory)
                    weights, m, pairs, caps, meta = read_instance(directory)
                    line = f"{label:9} {model:8} {k}  {ours['objective']:18.6f}"
                    times = [ours_s]
                    for name, solver in solvers.items():
                        value, seconds = solve(milp(model, weights, m, pairs, caps, k, meta), solver)
                        ok = abs(value - ours["objective"]) <= 1e-9 * max(abs(value), 1.0)
                        failures += not ok
                        line += f"  {value:18.6f}{'' if ok else ' MISMATCH'}"
                        times.append(seconds)
                        totals[(label, name)] = totals.get((label, name), 0.0) + seconds
                    totals[(label, "gapmap")] = totals.get((label, "gapmap"), 0.0) + ours_s
                    print(line + "".join(f"  {t:7.3f}" for t in times))
    for label in ("none", "binding"):
        print(f"total seconds, capacity {label}: gapmap plan --exact (whole processes) "
              f"{totals[(label, 'gapmap')]:.3f}; CBC solves {totals[(label, 'CBC')]:.3f}; "
              f"HiGHS solves {totals[(label, 'HiGHS')]:.3f}")
    if failures:
        print(f"{failures} mismatches", file=sys.stderr)
        sys.exit(1)
    print("all 48 objectives agree to 1e-9 relative")


if __name__ == "__main__":
    main()
