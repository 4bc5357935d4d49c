"""PySAL `access` on the same demand, supply and cost files as `gapmap access --cost`, compared to 1e-9 relative.

Usage (from the repo root; `bash tests/reference/run.sh` sets up the venv and the binary first):

    python tests/reference/pysal_access.py GAPMAP_BINARY [WORK_DIR]

Cases: the hand-built fixture in tests/reference/fixtures/ (costs at band edges, c = 0, a site whose catchment
holds one demand point, a site with none, a point that reaches no site), and a seeded random one written to
WORK_DIR (default target/reference). Each is run as E2SFCA with step bands, E2SFCA with a Gaussian and plain 2SFCA.
Exits non-zero on any mismatch.

Where PySAL and gapmap are defined differently (README, "Accessibility (E2SFCA)"): a demand point that reaches no
site is NaN in PySAL and 0 in gapmap; a site whose weighted demand is 0 although some demand point is within M
(all of them of weight 0) gives PySAL inf and gapmap R_j = 0. Both are checked as such, not skipped.
"""

import math
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
from access import Access, weights

FIXTURES = Path(__file__).parent / "fixtures"
RELATIVE = 1e-9


def gapmap_access(binary, demand, supply, cost, decay, max_cost, model):
    command = [
        binary, "access", "--type", "idva", "--demand", str(demand), "--supply", str(supply),
        "--cost", str(cost), "--decay", decay, "--max-cost", str(max_cost), "--model", model,
        "--format", "csv",
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    rows = [line.split(",") for line in done.stdout.strip().splitlines()[1:]]
    return {row[0]: float(row[1]) for row in rows}


def pysal_access(demand, supply, cost, decay, max_cost, model):
    demand_df = pd.read_csv(demand, dtype={"id": str})[["id", "weight"]]
    supply_df = pd.read_csv(supply, dtype={"id": str})[["id", "capacity"]]
    cost_df = pd.read_csv(cost, dtype={"origin": str, "destination": str})
    model_access = Access(
        demand_df=demand_df, demand_index="id", demand_value="weight",
        supply_df=supply_df, supply_index="id", supply_value="capacity",
        cost_df=cost_df, cost_origin="origin", cost_dest="destination", cost_name="cost",
    )
    if model == "2sfca":
        result = model_access.two_stage_fca(name="a", max_cost=max_cost)
    else:
        result = model_access.enhanced_two_stage_fca(
            name="a", max_cost=max_cost, weight_fn=weight_fn(decay))
    return result["a_capacity"].to_dict()


def weight_fn(decay):
    kind, spec = decay.split(":", 1)
    if kind == "gaussian":
        return weights.gaussian(float(spec))
    bands = dict(tuple(float(x) for x in band.split("=")) for band in spec.split(","))
    return weights.step_fn(bands)


def compare(name, ours, theirs):
    problems = []
    if set(ours) != set(theirs):
        problems.append(f"ids differ: {sorted(set(ours) ^ set(theirs))[:5]}")
    worst = 0.0
    for key, a in ours.items():
        b = theirs.get(key, float("nan"))
        if math.isnan(b):
            if a != 0.0:
                problems.append(f"{key}: PySAL NaN (reaches no site), gapmap {a} (expected 0)")
            continue
        if math.isinf(b):
            if not math.isfinite(a):
                problems.append(f"{key}: PySAL inf, gapmap {a} (expected finite)")
            continue
        scale = max(abs(a), abs(b))
        error = abs(a - b) / scale if scale > 0 else 0.0
        worst = max(worst, error)
        if error > RELATIVE:
            problems.append(f"{key}: gapmap {a!r}, PySAL {b!r} (relative {error:.2e})")
    status = "ok" if not problems else "MISMATCH"
    print(f"{name}: {len(ours)} points, worst relative difference {worst:.2e}: {status}")
    for problem in problems[:10]:
        print(f"  {problem}")
    return not problems


def random_case(directory, seed=20261201, points=3000, sites=400):
    """Demand, supply and costs with many ties at band edges (integer costs) and some weight-0 points."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "demand.csv", "w") as f:
        f.write("id,weight\n")
        for i in range(points):
            weight = 0 if rng.random() < 0.05 else round(rng.uniform(1, 500), 3)
            f.write(f"p{i},{weight}\n")
    with open(directory / "supply.csv", "w") as f:
        f.write("id,capacity\n")
        for j in range(sites):
            f.write(f"s{j},{round(rng.uniform(0, 20), 2)}\n")
    with open(directory / "cost.csv", "w") as f:
        f.write("origin,destination,cost\n")
        for i in range(points):
            for j in rng.sample(range(sites), rng.randint(0, 12)):
                edge = rng.random() < 0.3
                cost = rng.choice([0, 10, 20, 30]) if edge else round(rng.uniform(0, 35), 4)
                f.write(f"p{i},s{j},{cost}\n")
    return directory


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("target/reference")
    cases = [("hand", FIXTURES), ("random", random_case(work / "random"))]
    models = [
        ("e2sfca", "step:10=1,20=0.68,30=0.22", 30),
        ("e2sfca", "gaussian:8", 30),
        ("2sfca", "step:30=1", 30),
    ]
    ok = True
    for case, directory in cases:
        files = [directory / name for name in ("demand.csv", "supply.csv", "cost.csv")]
        for model, decay, max_cost in models:
            ours = gapmap_access(binary, *files, decay, max_cost, model)
            theirs = pysal_access(*files, decay, max_cost, model)
            ok &= compare(f"{case} {model} {decay} M={max_cost}", ours, theirs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
