"""Search benchmark: per-keystroke latency of ``SearchIndex`` at generated stores of
10k and 100k cases, beside rapidfuzz ``process.extract`` and ``fzf --filter`` on
the same candidate lines, and labelled-query recall on the bundled case file.

    .venv/bin/python bench/search.py [--quick] [--ours-only] [--sizes 10000,100000] [--seed 0]

``--quick`` runs the 10k store only; ``--ours-only`` skips rapidfuzz and fzf.
With a kept index (``SearchIndex.open``), its save and read times are shown too.
Prints tables; timings are for reading, not pass/fail.  Methods:

* Stores come from ``casefiles.generate.generate(n, seed)`` wrapped by
  ``Store.from_data`` (article files written to a temporary folder), which
  skips parsing a 100k JSON file but validates the same documents.
* Every benchmark query is typed one character at a time; each prefix is one
  ``index.search(prefix, limit=50)`` call, timed.  A 5 ms heartbeat thread
  runs meanwhile; "stall" is its longest gap (how long the caller's UI thread
  could be held).  Each call's CPU time on the calling thread
  (``time.thread_time``) is measured too: on a busy machine (other processes
  on the same cores) wall time grows, CPU time much less, so compare runs by
  the CPU columns.
* A total counted exactly is shown as is; an estimate with ``~``.
* Build memory is the growth of the resident set size (``/proc/self/statm``)
  across ``SearchIndex.build``.
* rapidfuzz ``process.extract(query, lines, scorer=WRatio, limit=50)`` and
  ``fzf --filter`` (one process per query, reading the lines from a file) get
  the *whole* query only, not every keystroke (one call already takes longer
  than a keystroke budget at 100k).  Lines: one per indexed string (name,
  alias, title, summary, …; article text on one line).
* Recall: the labelled queries of ``tests/search/queries.py`` on the bundled
  store.  For fzf and rapidfuzz, filter tokens (``kind:`` …) are dropped
  (they have no field filters) and each line is mapped back to its document.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casefiles import model  # noqa: E402
from casefiles.generate import generate  # noqa: E402
from casefiles.search import SearchIndex, normalise  # noqa: E402
from casefiles.search.query import FILTER_NAMES  # noqa: E402

try:
    from casefiles.search.vocabulary import field_values
except ImportError:  # the code before the index was split (for before/after runs)
    from casefiles.search.index import _field_values as field_values  # type: ignore
from casefiles.store import Store, StoreError  # noqa: E402
from tests.search.queries import QUERIES  # noqa: E402

FIELDS = {
    model.PARTIES: ("name", "alias", "description"),
    model.COURTS: ("name", "alias"),
    model.CASES: ("title", "summary", "tag", "charge"),
    model.SOURCES: ("title", "publisher"),
}
KIND = {model.PARTIES: "party", model.COURTS: "court", model.CASES: "case", model.SOURCES: "source"}


def rss() -> int:
    """Current resident set size in bytes."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def lines_of(store: Store) -> Iterator[tuple[str, str, str]]:
    """(kind, id, text) for every string the index holds, one line each."""
    for table, fields in FIELDS.items():
        for doc_id, doc in store.table(table).items():
            for fld in fields:
                for value in field_values(doc, fld):
                    yield KIND[table], doc_id, " ".join(value.split())
    for doc_id, doc in store.table(model.SOURCES).items():
        if doc.get("file"):
            try:
                text = store.read_article(doc)
            except StoreError:
                continue
            yield "article", doc_id, " ".join(text.split())


def make_store(n: int, seed: int, folder: Path) -> Store:
    data, articles = generate(n, seed)
    for rel, text in articles.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return Store.from_data(folder / "store.json", data)


def bench_queries(store: Store, seed: int) -> list[str]:
    """What a user types against a generated store: names (exact, misspelt, run
    together, reordered, prefix, Khmer), topics, and filters."""
    rng = random.Random(seed)
    people = [p for p in store.table(model.PARTIES).values() if p["kind"] == "person"]
    rng.shuffle(people)
    names = [normalise(p["name"]) for p in people[:4]]
    khmer = next(
        a for p in people for a in p.get("aliases", ()) if any("\u1780" <= c <= "\u17ff" for c in a)
    )

    def typo(word: str) -> str:
        i = len(word) // 2
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    family, given = names[1].split(" ", 1)
    return [
        names[0],
        typo(names[1]),
        names[2].replace(" ", ""),
        " ".join(reversed(names[3].split())),
        khmer,
        given[:4],
        f"role:defendant {family}",
        "kind:case incitement year:2015..2018",
        f"charge:548 {given}",
        "kind:article kestrel court",
        "'sokha !vy",
        "bribery witness",
    ]


class Heartbeat:
    """A thread that wakes every 5 ms and records its longest gap."""

    def __init__(self) -> None:
        self.max_gap = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            self.max_gap = max(self.max_gap, now - last)
            last = now

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def fzf_filter(path: Path, query: str) -> list[str]:
    result = subprocess.run(
        ["fzf", "--filter", query, "--delimiter", "\t", "--nth", "2.."],
        stdin=path.open("rb"),
        capture_output=True,
        check=False,
    )
    return result.stdout.decode("utf-8", "replace").splitlines()


def write_lines(lines: list[tuple[str, str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for n, (_, _, text) in enumerate(lines):
            fh.write(f"{n}\t{text}\n")


def size_run(n: int, seed: int, tmp: Path, have_fzf: bool, others: bool) -> dict[str, Any]:
    folder = tmp / f"g{n}"
    t_gen, store = timed(lambda: make_store(n, seed, folder))
    gc.collect()
    before = rss()
    c_build = time.thread_time()
    t_build, index = timed(lambda: SearchIndex.build(store))
    c_build = time.thread_time() - c_build
    grown = rss() - before
    kept = keep_and_read(index, store, tmp)
    queries = bench_queries(store, seed)
    lat: list[float] = []
    cpu: list[float] = []
    per_query: list[tuple[str, float, float, str]] = []
    with Heartbeat() as beat:
        for q in queries:
            worst = worst_cpu = 0.0
            for i in range(1, len(q) + 1):
                c0 = time.thread_time()
                dt, result = timed(lambda q=q, i=i: index.search(q[:i], limit=50))
                dc = time.thread_time() - c0
                lat.append(dt)
                cpu.append(dc)
                worst = max(worst, dt)
                worst_cpu = max(worst_cpu, dc)
            exact = getattr(result, "total_exact", None)
            total = f"{result.total:,}" if exact else f"~{result.total:,}"
            per_query.append((q, worst, worst_cpu, total))
    lines = list(lines_of(store))
    texts = [t for _, _, t in lines]
    rf_times: list[float] = []
    rf_stall = 0.0
    processed = [utils.default_process(t) for t in texts] if others else []
    for q in queries if others else ():
        with Heartbeat() as beat2:
            dt, _ = timed(
                lambda q=q: process.extract(
                    utils.default_process(q),
                    processed,
                    scorer=fuzz.WRatio,
                    limit=50,
                    processor=None,
                )
            )
        rf_times.append(dt)
        rf_stall = max(rf_stall, beat2.max_gap)
    fzf_times: list[float] = []
    if have_fzf and others:
        path = tmp / f"lines{n}.txt"
        write_lines(lines, path)
        for q in queries:
            dt, _ = timed(lambda q=q: fzf_filter(path, q))
            fzf_times.append(dt)
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "n": n,
        "strings": len(lines),
        "gen": t_gen,
        "build": t_build,
        "build_cpu": c_build,
        "mem": grown,
        "kept": kept,
        "lat": lat,
        "cpu": cpu,
        "stall": beat.max_gap,
        "per_query": per_query,
        "rf": rf_times,
        "rf_stall": rf_stall,
        "fzf": fzf_times,
    }


def keep_and_read(index: SearchIndex, store: Store, tmp: Path) -> dict[str, float] | None:
    """Save the index as ``SearchIndex.open`` keeps it, then read it back (CPU seconds,
    file size); ``None`` for code without a kept index."""
    if not hasattr(SearchIndex, "_read"):
        return None
    from casefiles.search import persist

    os.environ["CASEFILES_CACHE_DIR"] = str(tmp / "cache")
    c0 = time.thread_time()
    persist.write("bench", index._state())
    save = time.thread_time() - c0
    size = sum(p.stat().st_size for p in (tmp / "cache").rglob("*.idx"))
    t0, c0 = time.perf_counter(), time.thread_time()
    read = SearchIndex._read(store, "bench")
    assert read is not None and read.from_cache
    out = {
        "save_cpu": save,
        "read_cpu": time.thread_time() - c0,
        "read_wall": time.perf_counter() - t0,
        "size": size,
    }
    shutil.rmtree(tmp / "cache", ignore_errors=True)
    return out


def strip_filters(query: str) -> str:
    words = [w for w in query.split() if w.split(":", 1)[0].lstrip("!") not in FILTER_NAMES]
    return " ".join(words)


def recall(have_fzf: bool, tmp: Path, others: bool) -> dict[str, tuple[float, float]]:
    store = Store.load(ROOT / "data" / "casefiles.json")
    index = SearchIndex.build(store)
    lines = list(lines_of(store))
    path = tmp / "bundled.txt"
    write_lines(lines, path)
    processed = [utils.default_process(t) for _, _, t in lines]

    def ranks_from(order: list[int]) -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        for n in order:
            key = (lines[n][0], lines[n][1])
            if key not in seen:
                seen.append(key)
            if len(seen) >= 10:
                break
        return seen

    results: dict[str, list[int | None]] = {"ours": [], "fzf": [], "rapidfuzz WRatio": []}
    for q, kind, doc_id in QUERIES:
        want = (kind, doc_id)
        ours = [(h.kind, h.id) for h in index.search(q, limit=10).hits]
        results["ours"].append(ours.index(want) + 1 if want in ours else None)
        if not others:
            continue
        plain = strip_filters(q)
        if have_fzf:
            out = fzf_filter(path, plain) if plain else []
            got = ranks_from([int(line.split("\t", 1)[0]) for line in out])
            results["fzf"].append(got.index(want) + 1 if want in got else None)
        extracted = process.extract(
            utils.default_process(plain),
            processed,
            scorer=fuzz.WRatio,
            limit=200,
            processor=None,
        )
        got = ranks_from([i for _, _, i in extracted])
        results["rapidfuzz WRatio"].append(got.index(want) + 1 if want in got else None)
    out: dict[str, tuple[float, float]] = {}
    for name, ranks in results.items():
        if ranks:
            r1 = sum(r == 1 for r in ranks) / len(ranks)
            r3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
            out[name] = (r1, r3)
    return out


def ms(x: float) -> str:
    return f"{x * 1000:8.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k cases only")
    parser.add_argument("--ours-only", action="store_true", help="skip rapidfuzz and fzf")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    have_fzf = shutil.which("fzf") is not None
    if not have_fzf:
        print("fzf not found (apt-get install fzf); fzf columns skipped")
    with tempfile.TemporaryDirectory(prefix="casefiles-bench-search-") as tmp_name:
        tmp = Path(tmp_name)
        runs = []
        for n in sizes:
            print(f"… {n:,} cases", flush=True)
            runs.append(size_run(n, args.seed, tmp, have_fzf, not args.ours_only))
        print()
        print("Per keystroke, ours (index.search(prefix, limit=50)); whole query for the others")
        head = (
            f"{'cases':>8} {'strings':>9} {'build s':>8} {'mem MB':>7} {'keys':>5} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'stall ms':>8} | "
            f"{'rf p50':>8} {'rf max':>8} {'rf stall':>8} | {'fzf p50':>8} {'fzf max':>8}"
        )
        print(head)
        print("-" * len(head))
        for r in runs:
            fz = r["fzf"] or [float("nan")]
            rf = r["rf"] or [float("nan")]
            print(
                f"{r['n']:>8,} {r['strings']:>9,} {r['build']:>8.1f} {r['mem'] / 2**20:>7.0f} "
                f"{len(r['lat']):>5} {ms(statistics.median(r['lat']))} {ms(pct(r['lat'], 95))} "
                f"{ms(max(r['lat']))} {ms(r['stall'])} | {ms(statistics.median(rf))} "
                f"{ms(max(rf))} {ms(r['rf_stall'])} | {ms(statistics.median(fz))} "
                f"{ms(max(fz))}"
            )
        print("\nCPU time of the calling thread per keystroke (steady on a busy machine)")
        head = (
            f"{'cases':>8} {'build cpu s':>11} {'keys':>5} "
            f"{'cpu p50':>8} {'cpu p95':>8} {'cpu max':>8}"
        )
        print(head)
        print("-" * len(head))
        for r in runs:
            print(
                f"{r['n']:>8,} {r['build_cpu']:>11.1f} {len(r['cpu']):>5} "
                f"{ms(statistics.median(r['cpu']))} {ms(pct(r['cpu'], 95))} {ms(max(r['cpu']))}"
            )
        for r in runs:
            print(f"\nslowest keystroke per query at {r['n']:,} cases (wall ms, cpu ms), total:")
            for q, worst, worst_cpu, total in r["per_query"]:
                print(f"  {ms(worst)} {ms(worst_cpu)}  {total:>9}  {q}")
        kept_runs = [r for r in runs if r["kept"]]
        if kept_runs:
            print("\nIndex kept on disk (SearchIndex.open): save after a build, read at a start")
            head = (
                f"{'cases':>8} {'build cpu s':>11} {'save cpu s':>10} {'MB':>6} "
                f"{'read cpu s':>10} {'read wall s':>11}"
            )
            print(head)
            print("-" * len(head))
            for r in kept_runs:
                k = r["kept"]
                print(
                    f"{r['n']:>8,} {r['build_cpu']:>11.1f} {k['save_cpu']:>10.1f} "
                    f"{k['size'] / 2**20:>6.0f} {k['read_cpu']:>10.2f} {k['read_wall']:>11.2f}"
                )
        print(f"\nLabelled queries ({len(QUERIES)}) on the bundled case file:")
        for name, (r1, r3) in recall(have_fzf, tmp, not args.ours_only).items():
            print(f"  {name:<18} recall@1 {r1:.3f}  recall@3 {r3:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
