"""Browser benchmark, the cases list filter (``f``) and sort (``s``) at 100k cases.

    .venv/bin/python bench/tui_filter.py [--big /root/scratch/g100k/casefiles.json]

Also run by ``bench/tui.py`` (its 100k part calls ``filter_rows``).  Prints a
table (not a test; timings are for reading).  Everything runs in one child
process; the store is only read.  Methods:

* **core** — ``ListFilter.apply(text, sort)`` over the store's ``SearchIndex``
  (``SearchIndex.open``: built, or read from ``--cache`` when kept there),
  timed with ``perf_counter``, in the order listed: the first use of a sort
  includes computing that sort's order of every case (kept); a
  later filter in a known sort reuses it; "again" is the same filter asked a
  second time (the per-filter cache).
* **drawn** — the browser (``run_test`` at 120×40) given the same index.
  A heartbeat task on the UI loop wakes every 1 ms and records the gaps
  between its wake-ups: the longest gap is the longest the UI could not
  answer.  Pilot opens the filter line and types the filter key by key at
  ~30 keys/s (each key starts a threaded filter that the next one
  supersedes); "shown after the last key" runs until the cases list shows
  the typed filter and one frame is drawn (the heartbeat runs 0.5 s more: the
  other panes follow the list's first case once typing pauses; reported
  apart).  The time the UI thread spends showing each list and filling the
  other panes is recorded too (the screen's methods wrapped with a timer).
  A stall includes the time the process waits for a CPU: on a shared machine
  (see the load average in the header) the idle floor and the UI thread's
  own time per list are the figures to compare.  Then ``s`` is pressed for each
  sort: the time from the key until the list in that order is drawn.
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
PY = Path(sys.executable)
BIG = "/root/scratch/g100k/casefiles.json"
TYPED = "status:pending year:2016 prosecution"

CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path

from casefiles.store import Store
from casefiles.search import SearchIndex
from casefiles.search.listfilter import ListFilter, Sort

path = Path(sys.argv[1])
typed = sys.argv[2]
out = {"core": []}
t = time.perf_counter(); store = Store.load(path); out["load"] = time.perf_counter() - t
t = time.perf_counter(); index = SearchIndex.open(store); out["index"] = time.perf_counter() - t
print("loaded and indexed", file=sys.stderr, flush=True)

lister = ListFilter.from_index(store, index)
CORE = [
    ("status:pending year:2016", Sort()),
    ("status:pending year:2016", Sort("ruling", True)),
    ("court:appeal level:supreme", Sort("ruling", True)),
    ("party:phorin status:closed", Sort("event")),
    ("charge:305 role:judge outcome:upheld", Sort("title")),
    ("prosecution defamation", Sort("status")),
    ("p", Sort("title", True)),
    ("", Sort("ruling", True)),
]
for text, sort in CORE:
    t = time.perf_counter(); got = lister.apply(text, sort); first = time.perf_counter() - t
    t = time.perf_counter(); lister.apply(text, sort); again = time.perf_counter() - t
    out["core"].append([text, sort.label(), got.count, first, again])

from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import Config


class Heartbeat:
    def __init__(self):
        self.gaps = []
        self.running = True

    async def run(self):
        last = time.perf_counter()
        while self.running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now


async def until(pilot, done, limit=120.0):
    t = time.perf_counter()
    while not done():
        if time.perf_counter() - t > limit:
            raise RuntimeError("timed out")
        await asyncio.sleep(0.001)


async def main():
    app = CaseFilesApp(store, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        app.search_index = index  # the one built above (no second build in the app)
        await pilot.pause()
        screen = app.screen
        # how long the UI thread spends in the two costly steps (bench only)
        spent = {"show_case": [], "filter_done": []}

        def timed(name, fn):
            def run(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    spent[name].append(time.perf_counter() - t)
            return run

        screen.show_case = timed("show_case", screen.show_case)
        screen._filter_done = timed("filter_done", screen._filter_done)
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        await asyncio.sleep(1.0)
        out["idle_stall"] = max(beat.gaps)
        beat.running = False
        await task

        await pilot.press("f")
        await pilot.pause(0.3)
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        for ch in typed:
            await pilot.press("space" if ch == " " else ch)
            await asyncio.sleep(0.033)
        t = time.perf_counter()
        await until(pilot, lambda: screen.filter_text == typed)
        await pilot.pause()
        out["shown_after_last_key"] = time.perf_counter() - t
        typing = len(beat.gaps)
        await asyncio.sleep(0.5)  # the other panes follow the list once typing pauses
        beat.running = False
        await task
        out["typing_stall"] = max(beat.gaps[:typing])
        out["typing_p99"] = sorted(beat.gaps[:typing])[int(typing * 0.99)]
        out["follow_stall"] = max(beat.gaps[typing:])
        out["typing_done_max"] = max(spent["filter_done"], default=0.0)
        out["typing_done_n"] = len(spent["filter_done"])
        out["follow_max"] = max(spent["show_case"], default=0.0)
        out["follow_n"] = len(spent["show_case"])
        spent["filter_done"].clear()
        out["typed_count"] = len(screen.case_ids)
        await pilot.press("enter")
        await pilot.pause(0.2)

        sorts = []
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        for _ in range(5):
            before = screen.sort_label
            t = time.perf_counter()
            await pilot.press("s")
            await until(pilot, lambda: screen.sort_label != before)
            await pilot.pause()
            sorts.append([screen.sort_label, time.perf_counter() - t])
        beat.running = False
        await task
        out["sorts"] = sorts
        out["sort_stall"] = max(beat.gaps)
        out["sort_done_max"] = max(spent["filter_done"], default=0.0)


asyncio.run(main())
print("RESULT " + json.dumps(out))
"""


def ms(seconds: float) -> str:
    """``12.3 ms`` / ``1.23 s``."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def measure(big: Path, env: dict[str, str]) -> dict[str, object]:
    """Run the child on ``big``; its measurements."""
    done = subprocess.run(
        [str(PY), "-c", CHILD, str(big), TYPED],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=1800,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, object] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def filter_rows(big: Path, env: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """The filter section's rows (measure, value, aim, note) for ``big``."""
    got = measure(big, env)
    rows: list[tuple[str, str, str, str]] = []
    core = got["core"]
    assert isinstance(core, list)
    for text, label, count, first, again in core:
        rows.append(
            (
                f"filter {text or '(none)'!r}, {label} (core)",
                ms(first),
                "",
                f"{count:,} cases; again {ms(again)}",
            )
        )
    stall = float(got["typing_stall"])  # type: ignore[arg-type]
    rows.append(
        (
            f"longest UI stall typing {TYPED!r}",
            ms(stall),
            "≤ 16 ms",
            f"p99 gap {ms(float(got['typing_p99']))} "  # type: ignore[arg-type]
            f"{'OK' if stall <= 0.016 else 'MISS'}",
        )
    )
    rows.append(
        (
            "  UI thread per list shown (longest)",
            ms(float(got["typing_done_max"])),  # type: ignore[arg-type]
            "",
            f"{got['typing_done_n']} lists shown while typing",
        )
    )
    rows.append(
        (
            "  the other panes following the list",
            ms(float(got["follow_max"])),  # type: ignore[arg-type]
            "",
            f"{got['follow_n']} times (after a pause in typing); "
            f"longest stall then {ms(float(got['follow_stall']))}",  # type: ignore[arg-type]
        )
    )
    rows.append(
        (
            "  filtered list drawn after the last key",
            ms(float(got["shown_after_last_key"])),  # type: ignore[arg-type]
            "",
            f"{got['typed_count']:,} cases",
        )
    )
    sorts = got["sorts"]
    assert isinstance(sorts, list)
    for label, seconds in sorts:
        rows.append((f"  s → {label}, drawn", ms(seconds), "", "key to the list drawn"))
    sort_stall = float(got["sort_stall"])  # type: ignore[arg-type]
    rows.append(
        (
            "longest UI stall over the five s presses",
            ms(sort_stall),
            "≤ 16 ms",
            f"{'OK' if sort_stall <= 0.016 else 'MISS'}; UI thread per list shown "
            f"{ms(float(got['sort_done_max']))}",  # type: ignore[arg-type]
        )
    )
    rows.append(("  idle floor (same heartbeat)", ms(float(got["idle_stall"])), "", "1 s idle"))  # type: ignore[arg-type]
    return rows


def main() -> int:
    """Run the filter benchmark alone and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", default=BIG)
    parser.add_argument(
        "--cache",
        help="cache folder kept between runs (validation, search index); default: a new one",
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="cfbench-filter-"))
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "CASEFILES_CACHE_DIR": args.cache or str(home / "cache"),
        "CASEFILES_CONFIG": str(home / "config.toml"),
    }
    load_before = os.getloadavg()[0]
    rows = filter_rows(Path(args.big), env)
    width = max(len(r[0]) for r in rows)
    print(
        f"casefiles cases-list filter benchmark — {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.big}; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"{'measure':<{width}}  {'value':>10}  {'aim':<8}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 8}  {'-' * 30}")
    for name, value, aim, note in rows:
        print(f"{name:<{width}}  {value:>10}  {aim:<8}  {note}")
    print()
    print("Methods: see the module docstring (python bench/tui_filter.py --help).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
