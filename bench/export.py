"""Export benchmark: time to export generated stores of 1k, 10k and 100k cases
to CSV (``casefiles export --format csv``), with the store's load time apart and
the share of ``sentences_flat.csv`` (one case view per case with sentences).

    .venv/bin/python bench/export.py [--sizes 1000,10000,100000] [--dir DIR]
                                     [--formats csv,json,md]

Stores are generated once with ``casefiles generate --cases N --out
DIR/gN/casefiles.json`` (seed 0) and reused when they exist; each export runs
in a fresh process into a temporary folder that is removed afterwards.  Peak
memory is the process's peak RSS.  Prints a table; timings are for reading,
not for pass/fail (the machine may be shared: note the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
fmt, path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from casefiles.store import Store
from casefiles.export import export
from casefiles.export import tables_csv
spent = [0.0]
original = tables_csv._flat_rows
def timed(*args):
    rows = original(*args)
    while True:
        t = time.perf_counter()
        try:
            row = next(rows)
        except StopIteration:
            spent[0] += time.perf_counter() - t
            return
        spent[0] += time.perf_counter() - t
        yield row
tables_csv._flat_rows = timed
t = time.perf_counter(); store = Store.load(path); load = time.perf_counter() - t
t = time.perf_counter(); result = export(store, fmt, out); took = time.perf_counter() - t
size = sum(p.stat().st_size for p in out.rglob("*")) if out.is_dir() else out.stat().st_size
rows = sum(result.files.values()) if fmt == "csv" else None
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"load": load, "export": took, "flat": spent[0] if fmt == "csv" else None,
                  "bytes": size, "rows": rows, "peak": peak}))
"""


def store_for(n: int, folder: Path) -> Path:
    """The generated store of ``n`` cases, generated when missing."""
    path = folder / f"g{n}" / "casefiles.json"
    if not path.exists():
        print(f"generating {n:,} cases into {path} …", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "-m", "casefiles", "generate", "--cases", str(n), "--out", str(path)],
            check=True,
            cwd=ROOT,
        )
    return path


def measure(fmt: str, store: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-export-", dir=store.parent) as tmp:
        out = Path(tmp) / ("export.json" if fmt == "json" else "export")
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, fmt, str(store), str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"export failed: {proc.stderr[-2000:]}")
    data: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    data["wall"] = wall
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dir", default="/tmp/export-bench", type=Path)
    parser.add_argument("--formats", default="csv")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    formats = [f for f in args.formats.split(",") if f]
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    head = (
        f"{'cases':>8} {'format':>6} {'load s':>8} {'export s':>9} {'flat s':>7} "
        f"{'rows':>11} {'MB':>8} {'peak MB':>8} {'process s':>10}"
    )
    print(head)
    print("-" * len(head))
    for n in sizes:
        store = store_for(n, args.dir)
        for fmt in formats:
            r = measure(fmt, store)
            flat = f"{r['flat']:7.2f}" if r.get("flat") is not None else f"{'-':>7}"
            rows = f"{int(r['rows']):>11,}" if r.get("rows") is not None else f"{'-':>11}"
            print(
                f"{n:>8,} {fmt:>6} {r['load']:8.2f} {r['export']:9.2f} {flat} {rows} "
                f"{r['bytes'] / 2**20:8.1f} {r['peak'] / 2**20:8.0f} {r['wall']:10.2f}",
                flush=True,
            )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
