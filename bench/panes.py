"""Main-screen panes benchmark: what moving between panes, zooming, folding and
the cites cursor cost the UI (issue 12 items 3 and 4).

    .venv/bin/python bench/panes.py [--store data/casefiles.json] [--presses 70]

Prints a table (not a test; timings are for reading).  The store is copied to a
temporary folder first.  Method: the browser runs under Pilot at each size; a
heartbeat task on the UI loop wakes every 1 ms and records the gaps between
wake-ups while Pilot presses one key ``--presses`` times.  The longest gap is
the longest the UI was busy at a stretch (key handled, panes re-filled or
re-laid out, frame drawn); the sum of the gaps above the idle gap (the median),
divided by the presses, is the UI time per press.  Pilot's own round trip is
left out by construction (it waits on the same loop, idle).

Rows: ``f12`` (a key nothing is bound to: Pilot's round trip and the
machine's noise, the floor to compare with), ``tab`` (focus round the seven
panes: in the folded layouts each press folds one pane and opens another),
``z`` (zoom and back: Textual's maximize), ``j`` in the cases pane (every
linked pane re-filled), ``j``/``k`` in the Cites pane (cursor from cite to cite
on the first case's cites), and a terminal resize between 120×40 and 80×24
(the layout switches between wide and stacked).  On a shared, loaded machine
compare rows with the floor of the same run, not with another run.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casefiles.store import Store  # noqa: E402
from casefiles.tui.app import CaseFilesApp  # noqa: E402
from casefiles.tui.config import Config  # noqa: E402


class Heartbeat:
    """Gaps between wake-ups of a task that sleeps 1 ms on the UI loop."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self.running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now


async def measure(step: Callable[[], Awaitable[None]], times: int) -> tuple[float, float]:
    """(longest stall, UI time per step) in seconds while ``step`` runs ``times`` times."""
    beat = Heartbeat()
    task = asyncio.create_task(beat.run())
    for _ in range(times):
        await step()
    beat.running = False
    await task
    floor = statistics.median(beat.gaps)
    busy = sum(max(0.0, gap - floor) for gap in beat.gaps) / times
    return max(beat.gaps), busy


async def run(store: Store, presses: int) -> list[tuple[str, str, float, float]]:
    """Every row of the table: (what, size, longest stall, per press)."""
    rows: list[tuple[str, str, float, float]] = []
    app = CaseFilesApp(store, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for size in ((120, 40), (100, 30), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            label = f"{size[0]}×{size[1]}"

            async def press(key: str) -> None:
                await pilot.press(key)

            await pilot.press("1")
            rows.append(
                ("f12 (unbound: floor)", label, *await measure(lambda: press("f12"), presses))
            )
            rows.append(("tab", label, *await measure(lambda: press("tab"), presses)))
            await pilot.press("4")
            rows.append(("z (zoom, back)", label, *await measure(lambda: press("z"), presses)))
            await pilot.press("1", "g")
            rows.append(("j in cases", label, *await measure(lambda: press("j"), presses)))
            await pilot.press("g", "6")

            async def cite_step() -> None:
                await pilot.press("j")
                await pilot.press("k")

            rows.append(("j/k in cites", label, *await measure(cite_step, presses // 2)))
            await pilot.press("1")
        sizes = iter([(120, 40), (80, 24)] * presses)

        async def resize() -> None:
            await pilot.resize_terminal(*next(sizes))
            await pilot.pause()

        rows.append(("resize 120×40 ↔ 80×24", "", *await measure(resize, 10)))
    return rows


def main() -> int:
    """Copy the store, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "casefiles.json")
    parser.add_argument("--presses", type=int, default=70)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        shutil.copytree(args.store.parent, folder)
        store = Store.load(folder / args.store.name)
        cases = len(store.table("cases"))
        rows = asyncio.run(run(store, args.presses))
    print(f"panes benchmark: {cases:,} cases, {args.presses} presses per row")
    print(f"{'what':<24} {'size':<8} {'longest stall':>14} {'UI per press':>13}")
    for what, size, stall, busy in rows:
        print(f"{what:<24} {size:<8} {stall * 1000:>11.1f} ms {busy * 1000:>10.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
