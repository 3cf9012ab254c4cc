"""Store benchmark: load time, peak memory and one committed edit, ours beside stock
TinyDB ``JSONStorage``, at generated stores of 1k, 10k and 100k cases.

    .venv/bin/python bench/store.py [--sizes 1000,10000,100000] [--out DIR]

Each measurement runs in a fresh process (peak RSS is per process); memory is
the peak RSS above a baseline process that imported the same modules.  Prints
a table; timings are for reading, not for pass/fail.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, os, resource, sys, time, shutil
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
import orjson, tinydb
from tinydb import TinyDB
from tinydb.storages import JSONStorage
from casefiles.store import Store
out = {}
def rss():
    # Peak resident set size (VmHWM) of this process, in bytes.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if mode == "baseline":
    pass
elif mode in ("ours-cold", "ours-cached"):
    if mode == "ours-cold":
        os.environ["CASEFILES_NO_CACHE"] = "1"
    t = time.perf_counter(); store = Store.load(path); out["load"] = time.perf_counter() - t
    out["rss_load"] = rss()
    t = time.perf_counter(); store.get("cases", "case-000007")
    out["query"] = time.perf_counter() - t
    case = dict(store.get("cases", "case-000007")); case["title"] = "Edited title"
    t = time.perf_counter(); store.put("cases", case); out["commit"] = time.perf_counter() - t
elif mode == "stock":
    t = time.perf_counter(); db = TinyDB(path, storage=JSONStorage)
    doc = db.table("cases").get(doc_id=8); out["load"] = time.perf_counter() - t
    out["rss_load"] = rss()
    t = time.perf_counter(); db.table("cases").get(doc_id=8); out["query"] = time.perf_counter() - t
    t = time.perf_counter(); db.table("cases").update({"title": "Edited title"}, doc_ids=[8])
    out["commit"] = time.perf_counter() - t
out["rss"] = rss()
print(json.dumps(out))
"""


def child(mode: str, path: Path, env_cache: Path) -> dict[str, float]:
    env = {**__import__("os").environ, "CASEFILES_CACHE_DIR": str(env_cache)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} on {path} failed:\n{result.stderr}")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--out", default=None, help="folder for generated stores (kept)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="casefiles-bench-"))
    cache = work / "cache"
    from casefiles.generate import write_generated

    rows = []
    for n in sizes:
        src = work / f"g{n}" / "store.json"
        if not src.exists():
            write_generated(src, n, seed=1)
        size = src.stat().st_size
        base = child("baseline", src, cache)["rss"]
        results = {}
        for mode in ("ours-cold", "ours-cached", "stock"):
            copy = work / f"g{n}" / f"{mode}.json"
            copy.write_bytes(src.read_bytes())
            if mode == "ours-cached":  # a first load remembers the verdict
                child("ours-cold", copy, cache)
                copy.write_bytes(src.read_bytes())
                child("ours-cached", copy, cache)  # warm: records the same bytes
                copy.write_bytes(src.read_bytes())
            results[mode] = child(mode, copy, cache)
        stock = results["stock"]
        for mode in ("ours-cold", "ours-cached", "stock"):
            r = results[mode]
            mem = r["rss"] - base
            rows.append(
                (
                    f"{n:,}",
                    f"{size / 2**20:,.0f}",
                    mode,
                    f"{r['load'] * 1000:,.0f}",
                    f"{r['query'] * 1000:,.3f}",
                    f"{r['commit'] * 1000:,.0f}",
                    f"{mem / 2**20:,.0f}",
                    f"{mem / size:.1f}x",
                    f"{stock['commit'] / r['commit']:.1f}x",
                    f"{stock['query'] / max(r['query'], 1e-9):,.0f}x",
                )
            )
    head = (
        "cases",
        "file MiB",
        "store",
        "load ms",
        "query ms",
        "commit ms",
        "peak MiB",
        "mem/file",
        "commit vs stock",
        "query vs stock",
    )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print(
        f"\nstores in {work}; ours-cold validates in full, ours-cached trusts bytes it validated "
        "before; stock = tinydb.JSONStorage (re-reads the file per query)"
    )


if __name__ == "__main__":
    main()
