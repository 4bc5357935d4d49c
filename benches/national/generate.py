#!/usr/bin/env python3
"""Generates the national benchmark input: England and Wales local authority districts with synthetic
populations, a 10-type taxonomy and 20,000 synthetic service sites, in gapmap's file formats. With --uk, all 361
UK districts (Scotland's S12 and Northern Ireland's N09 too, about 67 million people), the input for issue 12's
"350 areas" accessibility benchmark.

Deterministic: the same seed and the same boundary file give byte-identical output.

    python benches/national/generate.py --gapmap target/release/gapmap [--out target/national] [--seed 20261201] [--uk]

Writes into --out:
    lad-ew.topojson      the shared LAD TopoJSON with only the E06/E07/E08/E09/W06 geometries (all arcs kept;
                         lad-uk.topojson with --uk)
    codes.csv            code,name of those districts, for `gapmap import-boundaries --codes`
    boundaries.geojson   `gapmap import-boundaries` of lad-ew.topojson (geometry repaired, codes attached)
    population.csv       code,name,population,women,source (synthetic)
    types.csv            10 service types, gapmap's taxonomy format
    services.csv         20,000 sites, gapmap's listings format (synthetic, `illustrative` in every source)

Needs numpy and shapely (benches/national/requirements.txt).
"""

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys

import numpy as np
import shapely
from shapely.geometry import shape

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SOURCE = os.path.join(REPO, "..", "shared", "data", "boundaries", "LAD_UK_2024_05.topojson")
KEEP_PREFIXES = ("E06", "E07", "E08", "E09", "W06")
UK_PREFIXES = KEEP_PREFIXES + ("S12", "N09")
TOTAL_POPULATION = 60_000_000
UK_TOTAL_POPULATION = 67_000_000
TOTAL_SITES = 20_000
TODAY = dt.date(2026, 12, 1)  # last_verified is drawn before this day

# id, label, benchmark (value, per) or None, basis, unit, catchment km, capacity_max, sites,
# capacity draw (low, high, step) before the area's provision factor.
TYPES = [
    ("idva", "Independent Domestic Violence Advisers", (4, 100_000), "women", "FTE advisers", 10, 100, 5200, (0.1, 0.5, 0.1)),
    ("isva", "Independent Sexual Violence Advisers", None, "women", "FTE advisers", 15, 100, 1800, (0.5, 3.0, 0.5)),
    ("haven", "Sexual assault referral centres", (1, 400_000), "women", "centres", 30, 3, 200, (1, 1, 1)),
    ("rape_crisis", "Rape crisis centres", (1, 200_000), "women", "centres", 25, 5, 300, (1, 1, 1)),
    ("refuge", "Refuges", (1, 10_000), "population", "family places", 30, 200, 1400, (1, 8, 1)),
    ("counselling", "Specialist counselling and therapy", None, "women", "FTE counsellors", 10, 100, 3000, (0.5, 4.0, 0.5)),
    ("outreach", "Community outreach and advocacy", None, "women", "FTE workers", 5, 100, 4200, (0.5, 3.0, 0.5)),
    ("perpetrator_programme", "Domestic abuse perpetrator programmes", None, "population", "programme places", 20, 1000, 900, (10, 120, 10)),
    ("harmful_practices", "Harmful practices services (FGM, forced marriage, so-called honour-based abuse)", None, "women", "FTE workers", 20, 100, 600, (0.5, 2.0, 0.5)),
    ("young_people", "Specialist services for children and young people", None, "population", "FTE workers", 8, 100, 2400, (0.5, 3.0, 0.5)),
]
assert sum(t[7] for t in TYPES) == TOTAL_SITES

# Share of sites serving every area (`*`): only national specialist services do; every other type leaves
# some areas with no site at all (status `none`).
NATIONAL_SHARE = {"isva": 0.01, "harmful_practices": 0.05}
SPECIALISMS = ["young_people", "bame", "lgbt", "disability", "complex_needs", "deaf", "older_women", "migrant_women"]
SETTINGS = ["community", "hospital", "court", "housing", "police", "health"]
# Points are written to 5 decimals (about 1 m); each is kept only if it lies this far inside its district
# (degrees, about 10 m) and in no other, so that gapmap and GEOS cannot disagree about where it is.
INSIDE_MARGIN_DEG = 1e-4


def filter_topojson(source, out_dir, prefixes, name):
    """Keeps the districts whose codes start with `prefixes`; the arcs are kept whole (unused ones are harmless)."""
    with open(source, encoding="utf-8") as f:
        topo = json.load(f)
    geog = topo["objects"]["geog"]
    geog["geometries"] = [g for g in geog["geometries"] if g["properties"]["id"].startswith(prefixes)]
    with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
        json.dump(topo, f, separators=(",", ":"))
    with open(os.path.join(out_dir, "codes.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        for g in geog["geometries"]:
            w.writerow([g["properties"]["id"], g["properties"]["name"]])
    return len(geog["geometries"])


def import_boundaries(gapmap, out_dir, name):
    subprocess.run(
        [gapmap, "import-boundaries", os.path.join(out_dir, name),
         "--codes", os.path.join(out_dir, "codes.csv"),
         "--output", os.path.join(out_dir, "boundaries.geojson")],
        check=True,
    )


def read_areas(out_dir):
    with open(os.path.join(out_dir, "boundaries.geojson"), encoding="utf-8") as f:
        features = json.load(f)["features"]
    codes = [ft["properties"]["code"] for ft in features]
    names = [ft["properties"]["name"] for ft in features]
    geoms = np.array([shape(ft["geometry"]) for ft in features])
    return codes, names, geoms


def km2(geom):
    """Approximate area in km² from degrees (equirectangular at the district's latitude): enough to set a density."""
    lat = geom.centroid.y
    return geom.area * 111.32 * 111.32 * np.cos(np.radians(lat))


def populations(rng, codes, geoms, total):
    """Typical district sizes by kind (London boroughs, metropolitan districts, unitaries, shire districts, Welsh
    principal areas), growing slowly with land area (as area^0.25), so urban districts are denser; scaled to about 60 million."""
    typical = {"E09": (270_000, 45), "E08": (300_000, 300), "E06": (220_000, 300), "E07": (110_000, 400),
               "W06": (140_000, 700), "S12": (170_000, 2_400), "N09": (170_000, 1_300)}  # (population, km²)
    area = np.array([km2(g) for g in geoms])
    raw = np.array([typical[c[:3]][0] * (a / typical[c[:3]][1]) ** 0.25 for c, a in zip(codes, area)])
    raw *= rng.lognormal(0.0, 0.3, len(codes))
    raw = raw / raw.sum() * total
    population = np.round(np.clip(raw, 2_000.0, 16_000.0 * area), -2)  # no denser than Islington
    women = np.round(population * rng.normal(0.51, 0.004, len(codes)), -2)
    return population.astype(int), women.astype(int)


def neighbours(geoms):
    """Districts whose boundaries touch (within about 100 m, to absorb simplification gaps), by position."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(shapely.buffer(geoms, 0.001), predicate="intersects")
    out = [[] for _ in geoms]
    for i, j in zip(left, right):
        if i != j:
            out[i].append(int(j))
    return out


def points_in(rng, geom, n, tree, margin_ring):
    """n points uniform over geom, each inside no other district, at least INSIDE_MARGIN_DEG from its boundary."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    kept = np.empty((0, 2))
    while len(kept) < n:
        batch = max(64, 4 * (n - len(kept)))
        xy = np.round(np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)]), 5)
        ok = shapely.contains_xy(geom, xy[:, 0], xy[:, 1])
        xy = xy[ok]
        if len(xy) == 0:
            continue
        pts = shapely.points(xy)
        ok = shapely.distance(pts, margin_ring) > INSIDE_MARGIN_DEG
        hits = tree.query(pts, predicate="intersects")[0]
        ok &= np.bincount(hits, minlength=len(pts)) == 1
        kept = np.vstack([kept, xy[ok]])
    return kept[:n]


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def fmt(x):
    """A capacity without float noise: 0.30000000000000004 is written 0.3."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.path.join(REPO, "target", "national"))
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--gapmap", required=True, help="the gapmap binary whose importer converts the boundaries")
    p.add_argument("--source", default=DEFAULT_SOURCE, help="LAD_UK_2024_05.topojson")
    p.add_argument("--uk", action="store_true", help="all UK districts, not only England and Wales")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    provenance = f"benches/national/generate.py seed {args.seed}" + (" --uk" if args.uk else "")

    topojson = "lad-uk.topojson" if args.uk else "lad-ew.topojson"
    kept = filter_topojson(args.source, args.out, UK_PREFIXES if args.uk else KEEP_PREFIXES, topojson)
    import_boundaries(args.gapmap, args.out, topojson)
    codes, names, geoms = read_areas(args.out)
    assert len(codes) == kept, f"importer kept {len(codes)} of {kept} districts"

    population, women = populations(rng, codes, geoms, UK_TOTAL_POPULATION if args.uk else TOTAL_POPULATION)
    write_csv(os.path.join(args.out, "population.csv"), ["code", "name", "population", "women", "source"],
              [(c, n, int(p_), int(w), f"synthetic (illustrative), {provenance}")
               for c, n, p_, w in zip(codes, names, population, women)])

    write_csv(os.path.join(args.out, "types.csv"),
              ["type", "label", "benchmark_value", "benchmark_per", "benchmark_basis", "capacity_unit",
               "catchment_km", "benchmark_source", "location_policy", "capacity_max"],
              [(tid, label, b[0] if b else "", b[1] if b else "", basis, unit, catch,
                "synthetic benchmark for benchmarking gapmap (illustrative)" if b else "", "exact_allowed", cmax)
               for tid, label, b, basis, unit, catch, cmax, _, _ in TYPES])

    tree = shapely.STRtree(geoms)
    rings = shapely.boundary(geoms)
    near = neighbours(geoms)
    # How well each district is provided for, whatever the type: spreads areas over meets / below / none.
    provision = rng.lognormal(0.0, 0.6, len(codes))
    weight = population / population.sum()
    start = dt.date(2025, 6, 1)
    span = (TODAY - start).days  # last day drawn: the day before TODAY

    rows = []
    for tid, label, _b, _basis, _unit, _catch, cmax, count, (lo, hi, step) in TYPES:
        per_area = rng.multinomial(count, weight)
        serial = 0
        for a in np.flatnonzero(per_area):
            xy = points_in(rng, geoms[a], int(per_area[a]), tree, rings[a])
            for lon, lat in xy:
                serial += 1
                sid = f"{tid.replace('_', '-')}-{serial:05d}"
                u = rng.random()
                if u < NATIONAL_SHARE.get(tid, 0.0):
                    serves = "*"
                elif u < 0.15 and near[a]:
                    k = int(rng.integers(1, min(4, len(near[a])) + 1))
                    others = rng.choice(near[a], size=k, replace=False)
                    serves = ";".join(sorted({codes[a], *(codes[o] for o in others)}))
                else:
                    serves = ""
                if rng.random() < 0.05:
                    capacity = ""
                else:
                    steps = int(round((hi - lo) / step))
                    c = lo + step * int(rng.integers(0, steps + 1))
                    c = min(cmax, max(step, round(c * provision[a] / step) * step))
                    capacity = fmt(round(c, 1))
                specialisms = ";".join(sorted(rng.choice(SPECIALISMS, size=int(rng.integers(0, 3)), replace=False)))
                verified = start + dt.timedelta(days=int(rng.integers(0, span)))
                rows.append((
                    sid, f"{label} (synthetic site {serial})", f"Synthetic provider {int(rng.integers(1, 400))} (illustrative)",
                    tid, f"{lat:.5f}", f"{lon:.5f}", "exact", serves, capacity, specialisms,
                    SETTINGS[int(rng.integers(0, len(SETTINGS)))], f"020 7946 0{int(rng.integers(0, 1000)):03d}",
                    f"https://example.org/national/{sid}", verified.isoformat(),
                    f"illustrative synthetic site, {provenance}",
                ))
    assert len(rows) == TOTAL_SITES
    write_csv(os.path.join(args.out, "services.csv"),
              ["id", "name", "provider", "type", "lat", "lon", "location_precision", "serves", "capacity",
               "specialisms", "setting", "phone", "website", "last_verified", "source"], rows)
    print(f"{len(codes)} areas, population {population.sum():,}, {len(rows):,} sites -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
