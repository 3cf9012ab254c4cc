"""Browser benchmark: start to first paint, cursor moves and typing stalls.

    .venv/bin/python bench/tui.py [--store data/casefiles.json]
        [--big /tmp/g100k/store.json] [--cases 100000] [--runs 5] [--big-runs 2]
        [--skip-big]   (the 100k part includes bench/tui_filter.py: filter and sort)

Prints a table (not a test; timings are for reading).  Methods:

* **first paint (tmux)** — the real console script (or a bare Textual app that
  shows one ``Static``) is started in a detached tmux session of 120×40; the
  clock runs from just before ``tmux new-session`` until ``tmux capture-pane``
  first shows the expected text (``1 Cases (`` for casefiles, ``BARE-READY``
  for the bare app), polling every 5 ms.  Median of ``--runs`` starts, the
  bare app and casefiles alternating (one warm-up start each first); so it
  includes the Python start, imports, load and the first frame.  Bytecode is
  cached under the run's own ``PYTHONPYCACHEPREFIX`` as an installed package's
  would be, even when the caller sets ``PYTHONDONTWRITEBYTECODE``.  Beside the
  wall clock, the started process's CPU time (all threads, ``/proc``) when the
  text is seen: a loaded machine disturbs it much less (it also counts what
  ran between the paint and the poll that saw it, such as the index thread).
* **split at 100k (in process, one child process)** — ``Store.load`` with the
  validation cache off (cold) and on (cached), ``SearchIndex.build``, then the
  UI alone: ``CaseFilesApp(store).run_test()`` until the first screen update.
* **cursor move at 100k** — in the same child, Pilot presses ``j`` 100 times in
  the cases pane while the heartbeat below runs: the longest gap is the
  longest the UI was busy at a stretch (key handled, every linked pane
  re-filled, the frame drawn), and the sum of the gaps above the idle gap,
  divided by the moves, is the UI time per move.  Also shown: Pilot's round
  trip per press (it waits for idle, so it includes its own polling; compare
  the unbound key) and one full compositor render.
* **typing stall at 100k** — a heartbeat task on the UI loop wakes every 1 ms
  and records the longest gap between wake-ups while Pilot types a query into
  the search screen at ~30 keys/s (each key starts a threaded search that the
  next key cancels).  An idle second is measured the same way as the floor.

The 100k store is generated when missing with
``casefiles generate --cases N --out PATH`` (about 40 s and 480 MB at 100k).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = Path(sys.executable)
SCRIPT = PY.with_name("casefiles")

BARE_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("BARE-READY")

Bare().run()
"""

CHILD = r"""
import asyncio, json, os, statistics, sys, time
from pathlib import Path

path = Path(sys.argv[1])
out = {}

os.environ["CASEFILES_NO_CACHE"] = "1"
from casefiles.store import Store
t = time.perf_counter(); Store.load(path); out["load_cold"] = time.perf_counter() - t
del os.environ["CASEFILES_NO_CACHE"]
Store.load(path)  # make sure the validation cache is written
t = time.perf_counter(); store = Store.load(path); out["load_cached"] = time.perf_counter() - t

from casefiles.search import SearchIndex
t = time.perf_counter(); index = SearchIndex.build(store); out["index"] = time.perf_counter() - t
del index
print("loaded and indexed", file=sys.stderr, flush=True)

from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import Config
from casefiles.tui.screens.search import SearchScreen


class Heartbeat:
    def __init__(self) -> None:
        self.gaps = []
        self.running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self.running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now


async def main() -> None:
    t0 = time.perf_counter()
    app = CaseFilesApp(store, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["ui_first_paint"] = time.perf_counter() - t0
        print("painted", file=sys.stderr, flush=True)
        await pilot.press("1")
        # Pilot's own round trip (an unbound key), to subtract from a move.
        idle = []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("f12")
            idle.append(time.perf_counter() - t)
        moves = []
        renders = []
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        for _ in range(100):
            t = time.perf_counter()
            await pilot.press("j")
            moves.append(time.perf_counter() - t)
        beat.running = False
        await task
        out["move_stall"] = max(beat.gaps)
        floor = statistics.median(beat.gaps)
        out["move_busy"] = sum(max(0.0, g - floor) for g in beat.gaps) / 100
        for _ in range(30):
            t = time.perf_counter()
            app.screen._compositor.render_update(full=True)
            renders.append(time.perf_counter() - t)
        out["pilot_overhead"] = statistics.median(idle)
        out["move_median"] = statistics.median(moves)
        out["move_max"] = max(moves)
        out["render_median"] = statistics.median(renders)
        out["render_max"] = max(renders)

        t = time.perf_counter()
        while app.search_index is None:
            if app.index_error is not None:
                raise RuntimeError(f"the search index failed: {app.index_error}")
            if time.perf_counter() - t > 600:
                raise RuntimeError("no search index after 600 s")
            await asyncio.sleep(0.05)
        out["index_in_app"] = time.perf_counter() - t
        print("index ready", file=sys.stderr, flush=True)

        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        await asyncio.sleep(1.0)
        out["idle_stall"] = max(beat.gaps)
        beat.running = False
        await task

        await pilot.press("slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.pause(0.5)  # the screen is open: from here on only typing counts
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        query = "sokhan vyrak"
        for ch in query:
            await pilot.press("space" if ch == " " else ch)
            await asyncio.sleep(0.033)
        t = time.perf_counter()
        while screen.shown_query != query:
            if time.perf_counter() - t > 120:
                raise RuntimeError(f"no results for {query!r}; shown {screen.shown_query!r}")
            await asyncio.sleep(0.001)
        out["results_after_last_key"] = time.perf_counter() - t
        out["last_search_worker"] = screen.last_seconds
        out["typing_stall"] = max(beat.gaps)
        out["typing_stall_p99"] = sorted(beat.gaps)[int(len(beat.gaps) * 0.99)]
        beat.running = False
        await task
        out["hits"] = len(screen.query_one("ResultList").hits)


asyncio.run(main())
print("RESULT " + json.dumps(out))
"""


SOCKET = f"cfbench-{os.getpid()}"
"""A private tmux server for this run (``tmux -L``), kept alive by one idle session:
with the shared default server, a session that ends can take the server down
while the next one starts, and that start then silently fails."""


def tmux(*args: str) -> str:
    """Run tmux on the private server; return its standard output."""
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, timeout=60)
    return done.stdout


def first_paint(command: list[str], expect: str, env: dict[str, str], timeout: float) -> float:
    """Seconds from spawning ``command`` in tmux until ``expect`` is on its screen."""
    return paint(command, expect, env, timeout)[0]


def _cpu_seconds(pane_pid: str) -> float | None:
    """On-CPU seconds so far of the processes the tmux pane's shell started (every
    thread, from ``/proc/PID/task/*/schedstat``); ``None`` without that file."""
    total = 0
    try:
        children = Path(f"/proc/{pane_pid}/task/{pane_pid}/children").read_text().split()
        for pid in children:
            for task in Path(f"/proc/{pid}/task").iterdir():
                total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9 if children else None


def paint(
    command: list[str], expect: str, env: dict[str, str], timeout: float
) -> tuple[float, float | None]:
    """``first_paint`` and the started process's CPU seconds at that moment (a
    figure a loaded machine disturbs much less than the wall clock)."""
    name = f"cfbench-{uuid.uuid4().hex[:8]}"
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # Bytecode is written and read (under the run's PYTHONPYCACHEPREFIX) even when
    # the caller sets PYTHONDONTWRITEBYTECODE: an installed casefiles has its .pyc
    # files, and compiling every module from source at each start is not what a
    # user waits for (it added 60-90 ms to casefiles and nothing to the bare app,
    # whose Textual came with .pyc files).
    shell = f"env -u PYTHONDONTWRITEBYTECODE {assignments} {shlex.join(command)}; sleep 60"
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", shell)
    pane_pid = tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip()
    try:
        while True:
            shown = tmux("capture-pane", "-t", name, "-p")
            if expect in shown:
                return time.perf_counter() - started, _cpu_seconds(pane_pid)
            if time.perf_counter() - started > timeout:
                raise TimeoutError(
                    f"{expect!r} did not appear within {timeout:.0f} s; the screen:\n{shown}"
                )
            time.sleep(0.005)
    finally:
        tmux("kill-session", "-t", name)


def median_paint(
    command: list[str], expect: str, env: dict[str, str], runs: int, timeout: float
) -> tuple[float, list[float]]:
    """Median (and all) first-paint times over ``runs`` starts."""
    times = [first_paint(command, expect, env, timeout) for _ in range(runs)]
    return statistics.median(times), times


def ensure_big(path: Path, cases: int) -> None:
    """Generate the big store when it is missing."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {cases:,} cases at {path} …", file=sys.stderr)
    subprocess.run([str(SCRIPT), "generate", "--cases", str(cases), "--out", str(path)], check=True)


def in_process(path: Path, env: dict[str, str]) -> dict[str, float]:
    """The split, cursor and typing measurements, in a fresh child process."""
    done = subprocess.run(
        [str(PY), "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=1800,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, float] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def ms(seconds: float) -> str:
    """``12.3 ms`` / ``1.23 s``."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=str(ROOT / "data" / "casefiles.json"))
    parser.add_argument("--big", default="/tmp/g100k/store.json")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-runs", type=int, default=2)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("bench/tui.py needs tmux (make system-deps)", file=sys.stderr)
        return 2

    load_before = os.getloadavg()[0]
    home = Path(tempfile.mkdtemp(prefix="cfbench-home-"))
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "CASEFILES_CACHE_DIR": str(home / "cache"),
        "CASEFILES_CONFIG": str(home / "config.toml"),
        "TERM": "xterm-256color",
        "PYTHONPYCACHEPREFIX": str(home / "pycache"),
    }
    tmux("new-session", "-d", "-s", "keepalive", "sleep 86400")
    try:
        return run(args, home, env, load_before)
    finally:
        tmux("kill-server")
        shutil.rmtree(home, ignore_errors=True)


def run(args: argparse.Namespace, home: Path, env: dict[str, str], load_before: float) -> int:
    """All measurements; prints the table."""
    bare = home / "bare.py"
    bare.write_text(BARE_APP, encoding="utf-8")

    rows: list[tuple[str, str, str, str]] = []
    bare_cmd = [str(PY), str(bare)]
    small_cmd = [str(SCRIPT), "--store", args.store]
    first_paint(bare_cmd, "BARE-READY", env, 60)  # warm the bytecode cache
    first_paint(small_cmd, "1 Cases (", env, 60)  # warm the validation and bytecode caches
    # Interleaved (bare, ours, bare, ours, …): on a shared machine the load
    # changes from second to second, and both columns should see the same load.
    bare_all: list[float] = []
    ours_all: list[float] = []
    bare_cpu: list[float] = []
    ours_cpu: list[float] = []
    for _ in range(args.runs):
        for cmd, expect, walls, cpus in (
            (bare_cmd, "BARE-READY", bare_all, bare_cpu),
            (small_cmd, "1 Cases (", ours_all, ours_cpu),
        ):
            wall, cpu = paint(cmd, expect, env, 60)
            walls.append(wall)
            if cpu is not None:
                cpus.append(cpu)
    bare_t = statistics.median(bare_all)
    ours_t = statistics.median(ours_all)
    ratio = ours_t / bare_t
    pair_ratio = statistics.median(o / b for o, b in zip(ours_all, bare_all, strict=True))
    rows.append(("first paint, bare Textual app", ms(bare_t), "—", "tmux, median"))
    rows.append(
        (
            "first paint, bundled case file",
            ms(ours_t),
            "≤ 1.3× bare",
            f"{ratio:.2f}× bare {'OK' if ratio <= 1.3 else 'MISS'} "
            f"(median of paired ratios {pair_ratio:.2f}×)",
        )
    )
    if len(bare_cpu) == len(ours_cpu) == args.runs:
        bare_c = statistics.median(bare_cpu)
        ours_c = statistics.median(ours_cpu)
        rows.append(("  CPU until then, bare", ms(bare_c), "", "process CPU time, median"))
        rows.append(
            (
                "  CPU until then, bundled",
                ms(ours_c),
                "",
                f"{ours_c / bare_c:.2f}× bare (less disturbed by a loaded machine)",
            )
        )

    if not args.skip_big:
        big = Path(args.big)
        ensure_big(big, args.cases)
        big_cmd = [str(SCRIPT), "--store", str(big)]
        first_paint(big_cmd, "1 Cases (", env, 600)  # warm the validation cache
        big_t, _ = median_paint(big_cmd, "1 Cases (", env, args.big_runs, 600)
        split = in_process(big, env)
        ok = "OK" if big_t <= 2 else "MISS"
        rows.append(
            (f"first paint, {args.cases:,} cases", ms(big_t), "≤ 2 s", f"tmux, cached {ok}")
        )
        rows.append(("  load + validate (cold)", ms(split["load_cold"]), "", "Store.load"))
        rows.append(("  load (validation cached)", ms(split["load_cached"]), "", "Store.load"))
        rows.append(("  search index build", ms(split["index"]), "", "thread, after first paint"))
        rows.append(("  UI: mount to first paint", ms(split["ui_first_paint"]), "", "run_test"))
        move_ok = "OK" if split["move_stall"] <= 0.016 else "MISS"
        rows.append(
            (
                "cursor move (j), all linked panes",
                ms(split["move_stall"]),
                "≤ 16 ms",
                f"longest UI stall over 100 moves {move_ok}",
            )
        )
        rows.append(
            (
                "  UI loop busy per move",
                ms(split["move_busy"]),
                "",
                f"heartbeat; Pilot round trip {ms(split['move_median'])} "
                f"(unbound key {ms(split['pilot_overhead'])})",
            )
        )
        rows.append(
            (
                "  full-screen render alone",
                ms(split["render_median"]),
                "",
                f"median; max {ms(split['render_max'])}",
            )
        )
        stall_ok = "OK" if split["typing_stall"] <= 0.016 else "MISS"
        rows.append(
            (
                "longest UI stall typing a search",
                ms(split["typing_stall"]),
                "≤ 16 ms",
                f"p99 gap {ms(split['typing_stall_p99'])} {stall_ok}",
            )
        )
        rows.append(("  idle floor (same heartbeat)", ms(split["idle_stall"]), "", "1 s idle"))
        rows.append(
            (
                "  results after the last key",
                ms(split["results_after_last_key"]),
                "",
                f"worker {ms(split['last_search_worker'])}, {split['hits']:.0f} hits",
            )
        )
        # the cases list filter and sort (f, s): bench/tui_filter.py, its own child
        from tui_filter import filter_rows

        rows += filter_rows(big, env)

    width = max(len(r[0]) for r in rows)
    print(
        f"casefiles TUI benchmark — {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    print(
        f"bare runs: {', '.join(ms(t) for t in bare_all)}; "
        f"bundled runs: {', '.join(ms(t) for t in ours_all)}"
    )
    print(f"{'measure':<{width}}  {'value':>10}  {'aim':<12}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 12}  {'-' * 30}")
    for name, value, aim, note in rows:
        print(f"{name:<{width}}  {value:>10}  {aim:<12}  {note}")
    print()
    print("Methods: see the module docstring (python bench/tui.py --help).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
