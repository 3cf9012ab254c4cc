"""The party view, whole: cases, every sentence across cases and every event
by date; ``enter`` on any row opens its case; a party in many cases is
collected in a worker while the view stays usable.  Snapshots at 80×24 and
120×40 (Tep Vanny in the bundled file: nothing there depends on today)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, make_app, sync

from casefiles.generate import generate
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import SYNC_CASES, PartyScreen
from casefiles.tui.text import plain
from casefiles.tui.widgets import InfoPane

SIZES = [(80, 24), (120, 40)]


def party(app: CaseFilesApp) -> PartyScreen:
    screen = app.screen
    assert isinstance(screen, PartyScreen), screen
    return screen


@sync
async def test_sentences_and_events_of_every_case(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party("tep-vanny")
        await pilot.pause()
        screen = party(app)
        assert [r.id for r in screen.cases.rows()] == bundled_store.cases_of_party("tep-vanny")
        rows = screen.sentences.rows()
        headings = [plain(r.line) for r in rows if not r.selectable]
        assert len(headings) == 3  # one per case
        texts = [plain(r.line) for r in rows if r.selectable]
        assert any("remaining none (pardoned 20 Aug 2018)" in t for t in texts)
        assert any(t.strip().startswith("supreme") for t in texts)
        events = [plain(r.line) for r in screen.events.rows()]
        assert any("15 Aug 2016" in e and "arrest" in e for e in events)
        assert any("20 Aug 2018" in e and "pardon" in e for e in events)
        assert "(10)" in (screen.sentences.border_title or "")


@sync
async def test_tab_to_sentences_shows_the_arithmetic_and_enter_opens_the_case(
    bundled_store: Store,
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party("tep-vanny")
        await pilot.pause()
        await pilot.press("tab")
        screen = party(app)
        assert app.focused is screen.sentences
        row = screen.sentences.current
        assert row is not None and row.kind == "sentence"
        cites = screen.query_one("#party-cites", InfoPane).plain
        assert "term 2 years 6 months" in cites and "pre-trial credit" in cites
        sel = app.selection()
        assert sel is not None and sel.kind == "sentence" and sel.case_id == row.case_id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == row.case_id
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is party(app).sentences  # back where we were


@sync
async def test_enter_on_an_event_opens_its_case(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party("tep-vanny")
        await pilot.pause()
        await pilot.press("tab", "tab", "G")
        screen = party(app)
        assert app.focused is screen.events
        row = screen.events.current
        assert row is not None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.case_id == row.case_id


def _big_store(tmp_path: Path, n: int) -> tuple[Store, str]:
    data, _ = generate(n, seed=7)
    party_id = next(iter(data["parties"]))
    party_id = data["parties"][party_id]["id"]
    for case in data["cases"].values():
        if not any(p["party"] == party_id for p in case.get("participants", ())):
            case.setdefault("participants", []).append({"party": party_id, "role": "defendant"})
    store = Store.from_data(tmp_path / "big.json", data, trusted=True, read_log=False)
    return store, party_id


@sync
async def test_a_party_in_many_cases_is_collected_without_freezing(tmp_path: Path) -> None:
    n = max(1000, SYNC_CASES + 1)
    store, party_id = _big_store(tmp_path, n)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party(party_id)
        await pilot.pause()
        screen = party(app)
        assert len(screen.cases) == n  # the cases list is there at once
        await pilot.press("j", "j")
        assert screen.cases.cursor == 2  # keys work while collecting
        for _ in range(600):
            if screen.person is not None:
                break
            await pilot.pause(0.05)
        assert screen.person is not None and len(screen.person.cases) == n
        assert f"({len(screen.person.events):,})" in (screen.events.border_title or "")
        for _ in range(600):
            if screen.timeline()[0] is not None:
                break
            await pilot.pause(0.05)
        await pilot.press("t")
        await pilot.pause()
        assert type(app.screen).__name__ == "TimelineScreen"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_party_view_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    async def open_party(pilot: Any) -> None:
        pilot.app.open_party("tep-vanny")
        await pilot.pause()

    assert snap_compare(
        make_app(bundled_store), terminal_size=size, run_before=open_party, press=["tab"]
    )


@sync
async def test_y_and_o_act_on_the_sentence_or_event_under_the_cursor(
    bundled_store: Store,
) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(bundled_store)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        app.open_party("tep-vanny")
        await pilot.pause()
        await pilot.press("tab", "y")
        await pilot.pause()
        assert copied and "2 years 6 months" in copied[-1] and "source:" in copied[-1]
        await pilot.press("tab", "j", "y")
        await pilot.pause()
        assert copied[-1].startswith("City Hall protest, 2011-11-28")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
