"""Pilot tests of the party view and of the navigation history around it."""

from __future__ import annotations

from conftest import SIZE, make_app, sync

from casefiles import model
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.text import plain
from casefiles.tui.widgets import InfoPane


def party_screen(app: CaseFilesApp) -> PartyScreen:
    screen = app.screen
    assert isinstance(screen, PartyScreen), screen
    return screen


@sync
async def test_enter_on_a_party_opens_the_party_view(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        screen = party_screen(app)
        assert screen.party_id == "p1"
        header = screen.query_one("#party-header", InfoPane).plain
        assert header.splitlines()[0].startswith("[@click=app.quit]Quit Me")
        assert "aliases: [/]; [bold]Bold[/bold]; ញឹម សុខា" in header
        assert "affiliation: [i]member[/i] សមាគមអាដហុក [bold]ADHOC[/bold] (2010)" in header
        assert "[red]not red[/red] [@click=app.bell]bell[/]" in header
        rows = screen.cases.rows()
        assert [r.id for r in rows] == hostile_store.cases_of_party("p1") == ["k1", "k2"]
        first = plain(rows[0].line)
        assert first.startswith("defendant       upheld     [@click=app.quit] Case")
        assert "· appeal, 2023 · open" in first
        assert plain(rows[1].line).startswith("witness")


@sync
async def test_enter_on_a_case_in_the_party_view_opens_it_and_esc_comes_back(
    hostile_store: Store,
) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.case_id == "k2"
        assert app.screen.pane("cases").cursor == 1
        await pilot.press("escape")
        await pilot.pause()
        screen = party_screen(app)
        assert screen.party_id == "p1"
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.case_id == "k1"
        assert app.focused is app.screen.pane("parties")
        await pilot.press("escape")  # nothing further back: a notice, no crash
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)


@sync
async def test_every_party_of_a_bundled_case_opens(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    case_id = next(iter(bundled_store.table(model.CASES)))
    parties = [p["party"] for p in bundled_store.table(model.CASES)[case_id]["participants"]]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        seen = []
        for _ in parties:
            await pilot.press("enter")
            await pilot.pause()
            screen = party_screen(app)
            seen.append(screen.party_id)
            assert case_id in [r.id for r in screen.cases.rows()]
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("j")
        assert set(seen) == set(parties)


@sync
async def test_sentence_enter_opens_its_party(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter")
        await pilot.pause()
        assert party_screen(app).party_id == "p1"


@sync
async def test_navigation_from_the_reader_keeps_the_history(hostile_store: Store) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "o")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        app.open_party("p1")  # as the reader or the palette would
        await pilot.pause()
        assert party_screen(app).party_id == "p1"
        # The reader was closed: main, then party.
        assert [type(s) for s in app.screen_stack[-2:]] == [MainScreen, PartyScreen]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.focused is app.screen.pane("sources")
