#!/usr/bin/env python3
"""Approval latency through HTTP (a benchmark, not part of the test suite).

Starts the release `gapmap serve` on a fresh data directory with the given data, makes a provider account (for the
organisation of the first listing of the chosen type) and a reviewer, then ROUNDS times: the provider proposes a
change to that listing (alternately its capacity, and its position moved by about 220 m), the reviewer
approves it, and `/api/areas` is fetched at once. Reports, per kind of change, the median and range of the time
from sending the approval to its answer, and from sending it to the next `/api/areas` answering with the new
dataset version (its ETag) — checked, not assumed.

Usage: tests/load/approval.py [--boundaries F --population F --types F --services F] [--rounds N] [--type T]
       (defaults: the bundled London data; GAPMAP_BIN=path uses that binary instead of building this tree)
"""

import argparse
import csv
import json
import shutil
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, method="GET", token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {url}: {error.code} {error.read().decode(errors='replace')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", default="boundaries/london-boroughs.geojson")
    parser.add_argument("--population", default="boundaries/london-population.csv")
    parser.add_argument("--types", default="services/types.csv")
    parser.add_argument("--services", default="services/london-services.csv")
    parser.add_argument("--type", default="idva", help="type of the listing changed")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    os.chdir(ROOT)
    binary = os.environ.get("GAPMAP_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
        binary = os.path.join(ROOT, "target", "release", "gapmap")
    with open(args.services, newline="") as f:
        listing = next(r for r in csv.DictReader(f) if r["type"] == args.type)
    data_dir = tempfile.mkdtemp(prefix="gapmap-approval-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    paths = ["--boundaries", args.boundaries, "--population", args.population, "--types", args.types]
    env = dict(os.environ, RUST_LOG="warn")
    server = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--data-dir", data_dir, "--services", args.services,
         "--writes-per-minute", "100000", *paths], env=env)
    try:
        started = time.perf_counter()
        while True:
            try:
                if request(base + "/readyz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if server.poll() is not None or time.perf_counter() - started > 600:
                sys.exit("the server did not become ready")
            time.sleep(0.05)
        account = lambda *extra: subprocess.run(
            [binary, "accounts", "add", "--data-dir", data_dir, *extra], check=True, capture_output=True,
            text=True).stdout.strip()
        provider = account("--role", "provider", "--org", listing["provider"])
        reviewer = account("--role", "reviewer")
        timings = {"capacity": [], "position": []}
        lat, lon = float(listing["lat"]), float(listing["lon"])
        for n in range(args.rounds):
            kind = "capacity" if n % 2 == 0 else "position"
            fields = {"last_verified": time.strftime("%Y-%m-%d")}
            if kind == "capacity":
                fields["capacity"] = str(1 + (int(float(listing["capacity"] or 0)) + n) % 7)
            else:
                fields["lat"] = f"{lat + (0.002 if n % 4 == 1 else 0.0):.5f}"
                fields["lon"] = f"{lon:.5f}"
            _, _, body = request(base + "/api/submissions", "POST", provider,
                                 {"kind": "change", "listing_id": listing["id"], "fields": fields},
                                 {"Idempotency-Key": f"bench-{n}"})
            submission = json.loads(body)["id"]
            before = request(base + "/api/areas")[1].get("ETag")
            t0 = time.perf_counter()
            request(base + f"/api/submissions/{submission}/approve", "POST", reviewer, {"comment": "benchmark"})
            t1 = time.perf_counter()
            after = request(base + "/api/areas")[1].get("ETag")
            t2 = time.perf_counter()
            if after == before:
                sys.exit(f"round {n}: /api/areas did not change after the approval")
            timings[kind].append(((t1 - t0) * 1000, (t2 - t0) * 1000))
        load = open("/proc/loadavg").read().split()[:3]
        model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        print(f"\napproval latency, {args.boundaries} ({args.rounds} rounds, listing {listing['id']})")
        print(f"machine: {os.cpu_count()} cores, {model}, load average {' '.join(load)}")
        print("| change | approve answered (median, range) | next /api/areas shows it (median, range) |")
        print("|---|---|---|")
        for kind, rows in timings.items():
            a = [r[0] for r in rows]
            b = [r[1] for r in rows]
            print(f"| {kind} | {statistics.median(a):.1f} ms ({min(a):.1f}–{max(a):.1f}) | "
                  f"{statistics.median(b):.1f} ms ({min(b):.1f}–{max(b):.1f}) |")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
