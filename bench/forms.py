"""What a form costs on a big store: the UI thread's work per key (reading the
field typed in, and the id a new document would get) and the core check of
the whole form (``Form.check``: validate, provenance, quotes), which the form
screen runs in a thread a moment after the last key.

    .venv/bin/python bench/forms.py /root/scratch/g100k/casefiles.json

Prints a table: form, what, median and worst of N runs, in milliseconds;
then the browser (headless, Pilot): ``e`` to the form drawn, and a key typed
in a field to the screen updated, beside a key typed in the search box as a
baseline (Pilot's own overhead is in both).  Reads the store only (nothing is
saved).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from casefiles import model
from casefiles.edit.formopen import add_form, edit_form
from casefiles.edit.forms import Form
from casefiles.store import Store

RUNS = 20


@dataclass(frozen=True)
class Sel:
    kind: str
    id: str
    case_id: str | None = None

    def fact_index(self) -> int | None:
        _, _, index = self.id.rpartition("#")
        return int(index) if index.isdigit() else None


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(path: str) -> None:
    start = time.perf_counter()
    store = Store.load(path)
    counts = {t: len(store.table(t)) for t in model.TABLES}
    print(f"store: {path}  loaded in {time.perf_counter() - start:.1f} s  {counts}")
    case_id = next(
        c for c in store.table(model.CASES) if store.proceedings_of(c) and store.sentences_of(c)
    )
    case = store.get(model.CASES, case_id) or {}
    proc = store.proceedings_of(case_id)[0]
    sent = store.sentences_of(case_id)[0]
    source = next(iter(store.table(model.SOURCES)))
    court = str(proc.get("court") or next(iter(store.table(model.COURTS))))
    forms: list[tuple[str, Form, str, str]] = [
        ("edit case", edit_form(store, Sel("case", case_id, case_id), "cases"), "title", "x"),
        (
            "edit event",
            edit_form(store, Sel("event", f"{case_id}#0", case_id), "parties"),
            "date",
            "26 Sept 2018",
        )
        if case.get("events")
        else ("edit case", edit_form(store, Sel("case", case_id, case_id)), "title", "y"),
        (
            "add ruling",
            add_form(store, "ladder", Sel("proceeding", str(proc["id"]), case_id), case_id),
            "date",
            "3 March 2023",
        ),
        (
            "add sentence",
            add_form(store, "sentences", Sel("sentence", str(sent["id"]), case_id), case_id),
            "term",
            "2y6m",
        ),
        ("edit source", edit_form(store, Sel("source", source, case_id), "sources"), "title", "t"),
        ("edit court", edit_form(store, Sel("court", court, case_id), "ladder"), "name", "c"),
    ]
    print(f"{'form':<14} {'what':<34} {'median ms':>10} {'worst ms':>9}")
    for name, form, field, text in forms:
        form.set_text(field, text)
        if form.spec.cites != "none":
            form.set_text("cite.source", source)
        med, worst = timed(lambda f=form, fld=field: f.read(store, fld))
        print(f"{name:<14} {'per key: read ' + field:<34} {med:>10.3f} {worst:>9.3f}")
        if form.mode == "add":
            med, worst = timed(lambda f=form: f.suggest_id(store))
            print(f"{name:<14} {'per key: the new id':<34} {med:>10.3f} {worst:>9.3f}")
        med, worst = timed(lambda f=form: f.check(store), runs=5)
        print(f"{name:<14} {'check (a thread, after the keys)':<34} {med:>10.3f} {worst:>9.3f}")


async def tui(path: str) -> None:
    """The form in the running browser (headless): time from ``e`` to the form
    drawn and from a key typed in a field to the screen updated, against a key
    typed in the search box (the same Pilot overhead, no form)."""
    from textual.widgets import Input

    from casefiles.tui.app import CaseFilesApp
    from casefiles.tui.config import Config
    from casefiles.tui.screens.form import FormScreen

    app = CaseFilesApp(Store.load(path), Config())

    async def keys(pilot: object, text: str) -> list[float]:
        out = []
        for ch in text:
            start = time.perf_counter()
            await pilot.press(ch)  # type: ignore[attr-defined]
            out.append((time.perf_counter() - start) * 1000)
        return out

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1)
        # The search index is built (or read) in a thread once the keyboard rests;
        # while it runs it competes with the UI thread for the interpreter: wait.
        start = time.perf_counter()
        app.ensure_index()
        while app.search_index is None and app.index_error is None:
            await pilot.pause(0.2)
        print(
            f"{'browser':<14} {'search index ready after':<34} "
            f"{(time.perf_counter() - start) * 1000:>10.1f}"
        )
        for pane, label in (("1", "case header"), ("3", "ruling"), ("4", "sentence")):
            await pilot.press(pane)
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("e")
            while not isinstance(app.screen, FormScreen):
                await pilot.pause(0)
            await pilot.pause()
            opened = (time.perf_counter() - start) * 1000
            print(f"{label:<14} {'e: the form drawn':<34} {opened:>10.1f} {'':>9}")
            screen = app.screen
            field = next(w for w in screen.query(Input) if not w.disabled)
            field.focus()
            await pilot.pause()
            typed = await keys(pilot, "abcdefgh")
            print(
                f"{label:<14} {'a key in a field, drawn':<34} "
                f"{statistics.median(typed):>10.1f} {max(typed):>9.1f}"
            )
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("escape")
            await pilot.pause()
            if isinstance(app.screen, FormScreen) or app.screen is not app.main:
                await pilot.press("y")
                await pilot.pause()
        # last: opening search starts building its index, a thread that competes
        # with the UI thread for the interpreter
        await pilot.press("slash")
        await pilot.pause(0.5)
        base = await keys(pilot, "abcdefgh")
        await pilot.press("escape")
        await pilot.pause()
        print(
            f"{'browser':<14} {'a key in the search box (baseline)':<34} "
            f"{statistics.median(base):>10.1f} {max(base):>9.1f}"
        )


if __name__ == "__main__":
    import asyncio

    store_path = sys.argv[1] if len(sys.argv) > 1 else "data/casefiles.json"
    main(store_path)
    asyncio.run(tui(store_path))
