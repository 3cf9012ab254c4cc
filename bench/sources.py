"""Sources benchmark: extraction quality on the fixture pages, time to import one
page, time to archive 100 local pages, and the quote check over the bundled file.

    .venv/bin/python bench/sources.py [--runs 5] [--pages 100] [--jobs 4]

Everything is served from a local HTTP server on 127.0.0.1 (tests/sources/server.py);
nothing leaves the machine.  Quality: of the words of the article (the
``*.expected.txt`` beside each fixture), the share found in the extracted text;
of the other words of the page (navigation, comments, share boxes, footer), the
share left out.  Prints a table; figures are for reading, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casefiles import model  # noqa: E402
from casefiles.search.normalise import normalise  # noqa: E402
from casefiles.sources import archive  # noqa: E402
from casefiles.sources.capture import take  # noqa: E402
from casefiles.sources.fetch import Limits  # noqa: E402
from casefiles.sources.importer import import_source  # noqa: E402
from casefiles.sources.quotes import check_quotes  # noqa: E402
from casefiles.store import Store  # noqa: E402
from tests.sources.server import FIXTURES, FixtureServer  # noqa: E402

LOCAL = Limits(timeout=10, allow_private=True)


def words(text: str) -> Counter[str]:
    return Counter(normalise(text).split())


def page_text(html: bytes, encoding: str) -> str:
    """Every visible word of a page (body text, no markup)."""
    import lxml.html

    tree = lxml.html.fromstring(html.decode(encoding))
    for bad in tree.xpath("//script|//style|//head"):
        bad.getparent().remove(bad)
    return " ".join(tree.itertext())


def quality(server: FixtureServer) -> list[tuple[str, float, float, int]]:
    rows = []
    pages = (("news", "utf-8"), ("statement", "utf-8"), ("cp1252", "cp1252"), ("khmer", "utf-8"))
    for name, encoding in pages:
        cap = take(server.url(f"/{name}.html"), LOCAL)
        got = words(cap.extracted.text)
        article = words((FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8"))
        page = words(page_text((FIXTURES / f"{name}.html").read_bytes(), encoding))
        title = words(cap.extracted.title or "")
        boiler = page - article - title
        kept = sum(min(n, got[w]) for w, n in article.items()) / max(1, sum(article.values()))
        leaked = sum(min(n, max(0, got[w] - article[w] - title[w])) for w, n in boiler.items())
        dropped = 1 - leaked / max(1, sum(boiler.values()))
        rows.append((f"{name}.html", kept, dropped, sum(boiler.values())))
    return rows


def time_import(server: FixtureServer, runs: int) -> tuple[float, float]:
    """Median seconds for one import in process, and for the CLI (with start-up)."""
    inproc, cli = [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "casefiles.json"
            Store.create_empty(path)
            store = Store.load(path)
            t = time.perf_counter()
            import_source(store, server.url(f"/news.html?run={i}"), limits=LOCAL)
            inproc.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "casefiles", "--store", str(path), "import",
                 server.url(f"/khmer.html?run={i}")],
                check=True, capture_output=True, cwd=ROOT,
                env={**os.environ, "CASEFILES_ALLOW_PRIVATE": "1"},
            )  # fmt: skip
            cli.append(time.perf_counter() - t)
    return statistics.median(inproc), statistics.median(cli)


def time_archive(server: FixtureServer, pages: int, jobs: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "casefiles.json"
        Store.create_empty(path)
        store = Store.load(path)
        for i in range(pages):
            store.put(
                model.SOURCES,
                {"id": f"p{i}", "title": f"Page {i}", "url": server.url(f"/page/{i}")},
            )
        t = time.perf_counter()
        rows = archive.archive(store, archive.missing(store), LOCAL, jobs=jobs)
        took = time.perf_counter() - t
    return took, sum(r.ok for r in rows)


def time_quotes(runs: int) -> tuple[float, Counter[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", folder)
        store = Store.load(folder / "casefiles.json")
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            checks = check_quotes(store)
            times.append(time.perf_counter() - t)
    return statistics.median(times), Counter(c.status for c in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    server = FixtureServer().start()
    try:
        q = quality(server)
        one, cli = time_import(server, args.runs)
        arch, ok = time_archive(server, args.pages, args.jobs)
    finally:
        server.stop()
    quotes_t, counts = time_quotes(args.runs)
    print("extraction quality (fixture pages)")
    print(
        f"  {'page':<14} {'article words kept':>19} {'boilerplate dropped':>20} {'(of words)':>11}"
    )
    for name, kept, dropped, n in q:
        print(f"  {name:<14} {kept:>19.1%} {dropped:>20.1%} {n:>11}")
    print(f"timings (median of {args.runs} runs; local server on 127.0.0.1)")
    print(f"  {'import one page (in process)':<44} {one * 1000:>8.0f} ms")
    print(f"  {'import one page (CLI, with start-up)':<44} {cli * 1000:>8.0f} ms")
    label = f"archive {args.pages} local pages ({args.jobs} at a time)"
    print(f"  {label:<44} {arch:>8.2f} s   ({ok} captured, {args.pages / arch:.0f} pages/s)")
    found = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"  {'quote check, bundled file':<44} {quotes_t * 1000:>8.1f} ms  ({found})")


if __name__ == "__main__":
    main()
