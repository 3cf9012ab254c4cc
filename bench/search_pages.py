"""Search pages and keys in context: what paging past the first 200 hits costs
and what the key bar and the palette cost per redraw.

    .venv/bin/python bench/search_pages.py [--sizes 10000,100000] [--runs 3]

* Pages: the search screen asks ``SearchIndex.search(query, limit=200·k)`` for
  page k (the query runs again for one more page; the cursor stays).  For a
  listing (``kind:case``, ``status:open``) and word queries, the table shows
  the time of each page request (best of ``--runs``, CPU time of the calling
  thread and wall time), the hits returned and the total the status line
  counts.  Stores come from ``casefiles.generate.generate`` through
  ``Store.from_data`` (no 100k JSON parsing).
* Key bar and palette: on the bundled store in a headless app
  (``App.run_test``), the time of ``KeyBar.update_keys`` from scratch (what a
  focus change costs) and of ``action_commands`` (what the palette lists),
  per call, averaged over 300 calls.

Timings are for reading, not pass/fail; on a shared machine compare the CPU
columns.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from casefiles.generate import generate
from casefiles.search import SearchIndex
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("kind:case", "status:open", "sokha", "court")
PAGE = 200
PAGES = (1, 2, 5, 10)


def generated(n: int, folder: Path) -> Store:
    data, articles = generate(n, seed=0)
    for name, text in articles.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return Store.from_data(folder / "casefiles.json", data)


def timed(index: SearchIndex, query: str, limit: int, runs: int) -> tuple[float, float, int, str]:
    best_cpu = best_wall = float("inf")
    hits = 0
    count = ""
    for _ in range(runs):
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        result = index.search(query, limit=limit)
        best_cpu = min(best_cpu, time.thread_time() - cpu0)
        best_wall = min(best_wall, time.perf_counter() - wall0)
        hits = len(result.hits)
        count = result.count_text()
    return best_cpu * 1e3, best_wall * 1e3, hits, count


def pages(sizes: list[int], runs: int) -> None:
    print("| cases | query | page | limit | CPU ms | wall ms | hits | status line |")
    print("|---|---|---|---|---|---|---|---|")
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        try:
            store = generated(n, folder)
            index = SearchIndex.build(store)
            for query in QUERIES:
                for page in PAGES:
                    limit = PAGE * page
                    cpu, wall, hits, count = timed(index, query, limit, runs)
                    print(
                        f"| {n:,} | `{query}` | {page} | {limit:,} | {cpu:.1f} | {wall:.1f} "
                        f"| {hits:,} | {count} |"
                    )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


async def bar_and_palette() -> None:
    from casefiles.tui.app import CaseFilesApp
    from casefiles.tui.commands import action_commands
    from casefiles.tui.config import Config
    from casefiles.tui.widgets import KeyBar

    folder = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    try:
        shutil.copytree(ROOT / "data", folder / "data")
        app = CaseFilesApp(Store.load(folder / "data" / "casefiles.json"), Config())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            bar = app.screen.query_one(KeyBar)
            n = 300
            start = time.perf_counter()
            for _ in range(n):
                bar._entries = []  # force a redraw, as a focus change to other keys does
                bar.update_keys()
            per_bar = (time.perf_counter() - start) / n * 1e3
            start = time.perf_counter()
            for _ in range(n):
                listed = action_commands(app.screen)
            per_palette = (time.perf_counter() - start) / n * 1e3
        print()
        print("| what | ms per call |")
        print("|---|---|")
        print(f"| key bar redraw (focus change), main screen | {per_bar:.2f} |")
        print(f"| palette action list ({len(listed)} actions), main screen | {per_palette:.2f} |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pages([int(s) for s in args.sizes.split(",")], args.runs)
    asyncio.run(bar_and_palette())


if __name__ == "__main__":
    main()
