"""Store benchmark: load time, peak memory and one committed edit, ours beside stock
TinyDB ``JSONStorage``, at generated stores of 1k, 10k and 100k cases; then the
change log: commit p50/p95 over 100 edits (an append + fsync each), a checkpoint
folding them, and ``casefiles log --verify``; then a start: ``Store.load`` and
the browser's first frame (``CaseFilesApp.run_test``, 120×40, timed from the
child's first line, so without the interpreter's own start), resident memory
then and after the search index kept on disk is open (÷ the file's size), and
what ``Store.load`` alone added to it.

    .venv/bin/python bench/store.py [--sizes 1000,10000,100000] [--out DIR]
        [--log-only] [--start-only] [--no-stock]

A size's store is ``DIR/g<N>/store.json`` (generated when missing; a symlink to
an existing store works: only copies are written).

Each measurement runs in a fresh process (peak RSS is per process); memory is
the peak RSS above a baseline process that imported the same modules.  Prints
a table; timings are for reading, not for pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
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
elif mode == "log":
    store = Store.load(path)
    ids = list(store.table("cases"))[:101]
    t = time.perf_counter()
    case = dict(store.get("cases", ids[100])); case["title"] = "Warm-up edit"
    store.put("cases", case, reason="bench")
    out["first_commit"] = time.perf_counter() - t
    times = []
    for i in range(100):
        case = dict(store.get("cases", ids[i])); case["title"] = f"Edited title {i}"
        t = time.perf_counter(); store.put("cases", case, reason="bench")
        times.append(time.perf_counter() - t)
    times.sort()
    out["p50"] = times[49]; out["p95"] = times[94]; out["max"] = times[-1]
    t = time.perf_counter(); store.checkpoint(); out["checkpoint"] = time.perf_counter() - t
    # A second round, so that the previous checkpoint is one this version wrote.
    for i in range(10):
        case = dict(store.get("cases", ids[i])); case["title"] = f"Second title {i}"
        store.put("cases", case, reason="bench")
    store.checkpoint()
    from casefiles.store.verify import verify
    t = time.perf_counter(); verdict = verify(path); out["verify"] = time.perf_counter() - t
    assert verdict.ok, verdict.problem
    out["log_bytes"] = path.with_name(path.name + ".log").stat().st_size
out["rss"] = rss()
print(json.dumps(out))
"""


START = r"""
import time
t0 = time.perf_counter()
import asyncio, json, sys
from pathlib import Path
path = Path(sys.argv[2])
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
out = {}
from casefiles.store import Store
before = rss()
t = time.perf_counter(); store = Store.load(path); out["load"] = time.perf_counter() - t
out["rss_store"] = rss() - before
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import Config
async def main():
    app = CaseFilesApp(store, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["paint"] = time.perf_counter() - t0
        out["rss_paint"] = rss()
        from casefiles.search import SearchIndex
        t = time.perf_counter(); index = SearchIndex.open(store)
        out["search"] = time.perf_counter() - t
        out["rss_search"] = rss()
        del index
asyncio.run(main())
print(json.dumps(out))
"""


def child(mode: str, path: Path, env_cache: Path) -> dict[str, float]:
    env = {**os.environ, "CASEFILES_CACHE_DIR": str(env_cache)}
    result = subprocess.run(
        [sys.executable, "-c", START if mode == "start" else CHILD, mode, str(path)],
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
    parser.add_argument(
        "--log-only", action="store_true", help="only the change-log table (commit, checkpoint)"
    )
    parser.add_argument("--start-only", action="store_true", help="only the start table")
    parser.add_argument("--no-stock", action="store_true", help="skip stock TinyDB")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="casefiles-bench-"))
    cache = work / "cache"
    if not args.log_only and not args.start_only:
        load_table(sizes, work, cache, stock=not args.no_stock)
    if not args.start_only:
        log_table(sizes, work, cache)
    if not args.log_only:
        start_table(sizes, work, cache)
    print(f"\nstores in {work}")


def start_table(sizes: list[int], work: Path, cache: Path) -> None:
    """A start with the validation verdict (and offsets) already kept: load, first
    frame, memory; the search index kept on disk opened after the frame."""
    rows = []
    for n in sizes:
        src = _generated(work, n)
        size = src.stat().st_size
        copy = work / f"g{n}" / "start.json"
        for stale in copy.parent.glob("start.json*"):
            stale.unlink()
        copy.write_bytes(src.read_bytes())
        child("start", copy, cache)  # first start: validates, keeps offsets and index
        r = child("start", copy, cache)
        rows.append(
            (
                f"{n:,}",
                f"{size / 2**20:,.0f}",
                f"{r['load'] * 1000:,.0f}",
                f"{r['rss_store'] / 2**20:,.0f}",
                f"{r['rss_store'] / size:.2f}x",
                f"{r['paint'] * 1000:,.0f}",
                f"{r['rss_paint'] / 2**20:,.0f}",
                f"{r['rss_paint'] / size:.2f}x",
                f"{r['search'] * 1000:,.0f}",
                f"{r['rss_search'] / 2**20:,.0f}",
                f"{r['rss_search'] / size:.2f}x",
            )
        )
    print(
        "\nstart (second start of a copy: verdict, offsets and search index kept; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
    _print_table(
        (
            "cases",
            "file MiB",
            "load ms",
            "store MiB",
            "store/file",
            "first frame ms",
            "RSS MiB",
            "RSS/file",
            "search open ms",
            "RSS+search MiB",
            "RSS/file",
        ),
        rows,
    )
    print(
        "first frame: from the child's first line to the browser's first frame "
        "(imports, Store.load, the main screen); RSS is resident memory (VmRSS); "
        "store: what Store.load added to it"
    )


def _generated(work: Path, n: int) -> Path:
    from casefiles.generate import write_generated

    src = work / f"g{n}" / "store.json"
    if not src.exists():
        write_generated(src, n, seed=1)
    return src


def _print_table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def log_table(sizes: list[int], work: Path, cache: Path) -> None:
    """Commit p50/p95 over 100 edits, checkpoint and verify, per size."""
    rows = []
    for n in sizes:
        src = _generated(work, n)
        copy = work / f"g{n}" / "log.json"
        for stale in copy.parent.glob("log.json*"):
            stale.unlink()
        copy.write_bytes(src.read_bytes())
        child("ours-cold", copy, cache)  # remember the verdict: the edits start from a warm load
        r = child("log", copy, cache)
        rows.append(
            (
                f"{n:,}",
                f"{src.stat().st_size / 2**20:,.0f}",
                f"{r['first_commit'] * 1000:,.1f}",
                f"{r['p50'] * 1000:,.2f}",
                f"{r['p95'] * 1000:,.2f}",
                f"{r['max'] * 1000:,.1f}",
                f"{r['checkpoint'] * 1000:,.0f}",
                f"{r['verify'] * 1000:,.0f}",
                f"{r['log_bytes'] / 1024:,.0f}",
            )
        )
    print("\nchange log: 100 edits of different cases, then one checkpoint; log --verify")
    _print_table(
        (
            "cases",
            "file MiB",
            "1st commit ms",
            "commit p50 ms",
            "p95 ms",
            "max ms",
            "checkpoint ms",
            "verify ms",
            "log KiB",
        ),
        rows,
    )
    print(
        "1st commit builds the id -> document-number table; verify (after a second round "
        "of 10 edits and a checkpoint) replays the entries between the previous checkpoint "
        "(.bak) and the current one, parsing only documents whose bytes differ"
    )


def load_table(sizes: list[int], work: Path, cache: Path, *, stock: bool = True) -> None:
    """Load, query and one commit, ours beside stock TinyDB."""
    rows = []
    for n in sizes:
        src = _generated(work, n)
        size = src.stat().st_size
        base = child("baseline", src, cache)["rss"]
        results = {}
        modes = ("ours-cold", "ours-cached", "stock") if stock else ("ours-cold", "ours-cached")
        for mode in modes:
            copy = work / f"g{n}" / f"{mode}.json"
            for stale in copy.parent.glob(f"{mode}.json.*"):
                stale.unlink()
            copy.write_bytes(src.read_bytes())
            if mode == "ours-cached":  # a first load remembers the verdict
                child("ours-cold", copy, cache)
                copy.write_bytes(src.read_bytes())
                child("ours-cached", copy, cache)  # warm: records the same bytes
                copy.write_bytes(src.read_bytes())
            results[mode] = child(mode, copy, cache)
        base_r = results.get("stock")
        for mode in modes:
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
                    f"{base_r['commit'] / r['commit']:.1f}x" if base_r else "-",
                    f"{base_r['query'] / max(r['query'], 1e-9):,.0f}x" if base_r else "-",
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
    _print_table(head, rows)
    print(
        "ours-cold validates in full, ours-cached trusts bytes it validated "
        "before; stock = tinydb.JSONStorage (re-reads the file per query)"
    )


if __name__ == "__main__":
    main()
