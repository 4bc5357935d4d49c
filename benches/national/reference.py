#!/usr/bin/env python3
"""The coverage and access analysis an analyst would write with GeoPandas, pandas and SciPy, on gapmap's input
files, following gapmap's README "Definitions" — the yardstick for `gapmap report` in benches/national/run.sh.

    python benches/national/reference.py [--data target/national] [--out reference.csv] [--spacing-m 250]

Distances are in British National Grid metres (EPSG:27700): a 250 m BNG grid over each area (cell centres, kept
inside the area with a spatial join), the nearest site of each type by cKDTree. gapmap instead samples a lon/lat
grid with 250 m ground spacing and measures geodesic distances, so access figures differ slightly; coverage
figures should be the same.

Writes one row per area × type, with the column names of `gapmap report --format csv`.
"""

import argparse
import math
import os

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

BNG = "EPSG:27700"
DEFAULT_RATE_PER = 100_000  # per 100,000 of the basis when a type has no benchmark
MEETS_TOLERANCE = 1e-9


def read_inputs(data):
    areas = gpd.read_file(os.path.join(data, "boundaries.geojson"))[["code", "name", "geometry"]].to_crs(BNG)
    population = pd.read_csv(os.path.join(data, "population.csv"))
    types = pd.read_csv(os.path.join(data, "types.csv"))
    sites = pd.read_csv(os.path.join(data, "services.csv"), dtype={"serves": "string"})
    sites["serves"] = sites["serves"].fillna("")
    sites = gpd.GeoDataFrame(sites, geometry=gpd.points_from_xy(sites.lon, sites.lat), crs="EPSG:4326").to_crs(BNG)
    return areas, population, types, sites


def sample_points(areas, spacing):
    """Cell centres of a `spacing` m grid over each area's bounding box, kept where they fall inside the area;
    an area that holds none is represented by its representative point."""
    frames = []
    for code, (minx, miny, maxx, maxy) in zip(areas.code, areas.geometry.bounds.to_numpy()):
        xs = minx + (np.arange(max(1, math.ceil((maxx - minx) / spacing))) + 0.5) * spacing
        ys = miny + (np.arange(max(1, math.ceil((maxy - miny) / spacing))) + 0.5) * spacing
        gx, gy = np.meshgrid(xs, ys)
        frames.append(pd.DataFrame({"grid_code": code, "x": gx.ravel(), "y": gy.ravel()}))
    grid = pd.concat(frames, ignore_index=True)
    grid = gpd.GeoDataFrame(grid, geometry=gpd.points_from_xy(grid.x, grid.y), crs=BNG)
    inside = gpd.sjoin(grid, areas[["code", "geometry"]], predicate="within")
    inside = inside.loc[inside.code == inside.grid_code, ["code", "x", "y"]]
    missing = areas.loc[~areas.code.isin(inside.code)]
    if len(missing):
        rep = missing.geometry.representative_point()
        inside = pd.concat([inside, pd.DataFrame({"code": missing.code, "x": rep.x, "y": rep.y})])
    return inside.reset_index(drop=True)


def access(samples, sites, types):
    """mean_km, p90_km (nearest rank), within_catchment and sample count per area × type."""
    xy = samples[["x", "y"]].to_numpy()
    out = []
    for t in types.itertuples():
        of_type = sites.loc[sites["type"] == t.type]  # `.type` is the geometry type on a GeoDataFrame
        if of_type.empty:
            continue
        tree = cKDTree(np.column_stack([of_type.geometry.x, of_type.geometry.y]))
        distance, _ = tree.query(xy, workers=-1)
        d = pd.DataFrame({"code": samples.code, "km": distance / 1000.0})
        d["within"] = d.km <= t.catchment_km
        stats = d.groupby("code").agg(
            access_mean_km=("km", "mean"), within_catchment=("within", "mean"), access_sample_points=("km", "size")
        )
        # p90 nearest-rank: the ⌈0.9 n⌉-th smallest distance of each area.
        d = d.sort_values(["code", "km"])
        rank = d.groupby("code").cumcount() + 1
        n = d.groupby("code")["km"].transform("size")
        stats["access_p90_km"] = d.loc[rank == np.ceil(0.9 * n)].set_index("code")["km"]
        out.append(stats.reset_index().assign(type=t.type))
    return pd.concat(out, ignore_index=True)


def coverage(areas, population, types, sites):
    """located, serving, capacity_share, rate, required, shortfall and status per area × type."""
    sites = gpd.sjoin(sites, areas[["code", "geometry"]], predicate="within").rename(columns={"code": "home"})
    located = sites.groupby(["home", "type"]).size().rename("located")
    located.index.names = ["code", "type"]

    all_codes = ";".join(areas.code)
    served = sites[["id", "type", "capacity", "home", "serves"]].copy()
    served["code"] = np.where(served.serves == "", served.home, served.serves.replace("*", all_codes))
    served = served.assign(code=served.code.str.split(";")).explode("code")
    served = served.merge(types[["type", "benchmark_basis"]], on="type")
    basis_long = population.melt(id_vars="code", value_vars=["population", "women"],
                                 var_name="benchmark_basis", value_name="basis_population")
    served = served.merge(basis_long, on=["code", "benchmark_basis"])
    served_basis = served.groupby("id")["basis_population"].transform("sum")
    served["share"] = served.capacity * served.basis_population / served_basis
    served["unknown"] = served.capacity.isna()
    serving = served.groupby(["code", "type"]).agg(
        serving=("id", "size"), serving_unknown_capacity=("unknown", "sum"), capacity_share=("share", "sum")
    )

    grid = pd.MultiIndex.from_product([areas.code, types.type], names=["code", "type"]).to_frame(index=False)
    cov = grid.join(located, on=["code", "type"]).join(serving, on=["code", "type"])
    cov[["located", "serving", "serving_unknown_capacity", "capacity_share"]] = (
        cov[["located", "serving", "serving_unknown_capacity", "capacity_share"]].fillna(0)
    )
    cov = cov.merge(types, on="type").rename(columns={"benchmark_basis": "basis"})
    cov = cov.merge(basis_long.rename(columns={"benchmark_basis": "basis"}), on=["code", "basis"])
    cov["rate_per"] = cov.benchmark_per.fillna(DEFAULT_RATE_PER)
    cov["rate"] = cov.capacity_share / cov.basis_population * cov.rate_per
    cov["required"] = cov.benchmark_value * cov.basis_population / cov.benchmark_per
    meets = cov.capacity_share >= cov.required * (1 - MEETS_TOLERANCE)
    cov["shortfall"] = (cov.required - cov.capacity_share).clip(lower=0).where(~meets, 0.0)
    cov["status"] = np.select(
        [cov.serving == 0, cov.benchmark_value.isna(), meets], ["none", "no_benchmark", "meets"], "below"
    )
    return cov


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(here, "..", "..", "target", "national"))
    p.add_argument("--out", default="reference.csv")
    p.add_argument("--spacing-m", type=float, default=250.0)
    args = p.parse_args()

    areas, population, types, sites = read_inputs(args.data)
    cov = coverage(areas, population, types, sites)
    acc = access(sample_points(areas, args.spacing_m), sites, types)
    result = cov.merge(acc, on=["code", "type"], how="left").merge(areas[["code", "name"]], on="code")
    columns = ["code", "name", "type", "located", "serving", "serving_unknown_capacity", "capacity_share", "basis",
               "basis_population", "rate", "rate_per", "required", "shortfall", "status", "access_mean_km",
               "access_p90_km", "within_catchment", "access_sample_points"]
    result = result[columns].astype({"located": int, "serving": int, "serving_unknown_capacity": int})
    result.to_csv(args.out, index=False, float_format="%.6f")


if __name__ == "__main__":
    main()
