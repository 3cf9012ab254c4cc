"""Person benchmark: a party in thousands of cases, in the core and in the browser.

    .venv/bin/python bench/person.py [--cases 5000] [--seed 3]

Prints a table (not a test; timings are for reading).  The store is made in
memory by ``casefiles.generate`` with one party added (as a defendant) to every
case, so the party is in ``--cases`` cases.  Methods:

* **core** — ``person_of`` (every case view of the party, their sentences and
  events merged by date), ``timeline_of_person``, ``layout`` at 80 columns and
  drawing the first screenful of its lines; CPU time of one run each.
* **party view** — in ``CaseFilesApp.run_test()`` (120×40): the clock runs from
  ``open_party`` until the party screen has had its first refresh (the cases
  list is usable then); a heartbeat task on the UI loop wakes every 1 ms and
  records the longest gap between wake-ups while the screen collects the
  sentences and events (a few ms at a time) and Pilot presses ``j`` in the
  cases list every 20 ms: the longest gap is the longest the UI did not
  answer.  An idle
  second with the same heartbeat is the floor.  Then ``t`` until the timeline
  screen is shown and ``G`` (scroll to its end).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casefiles.generate import generate  # noqa: E402
from casefiles.person import person_of  # noqa: E402
from casefiles.store import Store  # noqa: E402
from casefiles.timeline import layout, timeline_of_person  # noqa: E402


def big_store(cases: int, seed: int) -> tuple[Store, str]:
    """A generated store with one party in every case."""
    data, _ = generate(cases, seed=seed)
    party_id = str(next(iter(data["parties"].values()))["id"])
    for case in data["cases"].values():
        if not any(p["party"] == party_id for p in case.get("participants", ())):
            case.setdefault("participants", []).append({"party": party_id, "role": "defendant"})
    store = Store.from_data(Path("/tmp/bench-person.json"), data, trusted=True, read_log=False)
    return store, party_id


class Heartbeat:
    """Longest gap between wake-ups of a 1 ms sleeper on the UI loop."""

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


async def ui(store: Store, party_id: str, freeze: bool) -> dict[str, Any]:
    from casefiles.tui.app import CaseFilesApp
    from casefiles.tui.config import Config
    from casefiles.tui.screens.party import PartyScreen
    from casefiles.tui.screens.timeline import TimelineScreen

    out: dict[str, Any] = {}
    app = CaseFilesApp(store, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t0 = time.perf_counter()
        while app.search_index is None and app.index_error is None:
            await asyncio.sleep(0.05)  # the search index is built after the first paint
        out["index"] = time.perf_counter() - t0
        if freeze:
            gc.collect()
            gc.freeze()  # what is loaded stays out of the collector's walks
        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        await asyncio.sleep(1.0)
        beat.running = False
        await task
        out["idle"] = max(beat.gaps)

        beat = Heartbeat()
        task = asyncio.create_task(beat.run())
        pauses: list[float] = []
        started: list[float] = []

        def gc_watch(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                pauses.append(time.perf_counter() - started.pop())

        gc.callbacks.append(gc_watch)
        stamp: list[float] = []
        t0 = time.perf_counter()
        app.open_party(party_id)
        app.screen.call_after_refresh(lambda: stamp.append(time.perf_counter()))
        await pilot.pause()
        while not stamp:
            await asyncio.sleep(0.001)
        out["shown"] = stamp[0] - t0
        screen = app.screen
        assert isinstance(screen, PartyScreen)
        presses = 0
        while screen.person is None and time.perf_counter() - t0 < 120:
            await pilot.press("j")
            presses += 1
            await asyncio.sleep(0.02)
        out["collected"] = time.perf_counter() - t0
        beat.running = False
        await task
        gc.callbacks.remove(gc_watch)
        out["gc"] = max(pauses, default=0.0)
        out["stall"] = max(beat.gaps)
        out["stall_p99"] = sorted(beat.gaps)[int(len(beat.gaps) * 0.99)]
        out["presses"] = presses
        out["cursor"] = screen.cases.cursor
        person = screen.person
        assert person is not None
        out["sentences"] = len(person.sentences)
        out["events"] = len(person.events)

        while screen.timeline()[0] is None:
            await asyncio.sleep(0.02)
        out["drawn"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        out["timeline"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await pilot.press("G")
        await pilot.pause()
        out["timeline_end"] = time.perf_counter() - t0
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() once the store and index are loaded (compare the stalls)",
    )
    args = parser.parse_args()

    t = time.perf_counter()
    store, party_id = big_store(args.cases, args.seed)
    made = time.perf_counter() - t

    rows: list[tuple[str, str, str]] = [("store made in memory", ms(made), f"{args.cases:,} cases")]
    t = time.process_time()
    person = person_of(store, party_id)
    rows.append(
        (
            "person_of (core)",
            ms(time.process_time() - t),
            f"{len(person.sentences):,} sentences, {len(person.events):,} events",
        )
    )
    t = time.process_time()
    timeline = timeline_of_person(person)
    rows.append(("timeline_of_person", ms(time.process_time() - t), f"{len(timeline.bars)} bars"))
    t = time.process_time()
    lay = layout(timeline, 79)
    rows.append(("layout at 80 columns", ms(time.process_time() - t), f"{len(lay):,} lines"))
    t = time.process_time()
    for i in range(min(40, len(lay))):
        lay.line(i)
    rows.append(("draw a screenful (40 lines)", ms(time.process_time() - t), ""))

    out = asyncio.run(ui(store, party_id, args.gc_freeze))
    rows += [
        ("(search index built first)", ms(out["index"]), "not measured below"),
        (
            "party view shown (cases list usable)",
            ms(out["shown"]),
            "open_party to its first refresh",
        ),
        (
            "sentences and events collected",
            ms(out["collected"]),
            f"in steps; {out['presses']} j presses meanwhile, cursor at {out['cursor']}",
        ),
        ("  person timeline ready", ms(out["drawn"]), "in steps, after collecting"),
        (
            "longest UI stall while collecting",
            ms(out["stall"]),
            f"1 ms heartbeat, keys pressed; p99 gap {ms(out['stall_p99'])}",
        ),
        ("  longest garbage-collector pause", ms(out["gc"]), "gc.callbacks, same stretch"),
        ("  idle floor (same heartbeat)", ms(out["idle"]), "1 s idle"),
        ("t: person timeline shown", ms(out["timeline"]), "Pilot round trip included"),
        ("G: timeline scrolled to its end", ms(out["timeline_end"]), "Pilot round trip included"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>12}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
