"""Keys in context (issue 12 item 7): the key bar shows the keys that work in
the focused pane or screen, and only those, updated as focus moves; ``q``
closes every view and quits only from the main screen.

Real parts: temporary copies of the bundled and hostile stores, Pilot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.keys import SPECS
from casefiles.tui.screens.help import HelpScreen, TextScreen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.widgets import KeyBar
from tests.tui.conftest import make_app, sync

WIDE = (240, 40)


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():
        assert pilot.app.is_running, f"the app stopped waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


def bar(app: CaseFilesApp) -> KeyBar:
    return app.screen.query_one(KeyBar)


def shown(app: CaseFilesApp) -> list[str]:
    return bar(app).shown_ids


def bar_text(app: CaseFilesApp) -> str:
    return str(bar(app).render())


def working_ids(screen: Screen[Any]) -> set[str]:
    """The ids a footer may show on ``screen``: a key-table binding marked to be
    shown, reachable from the focused widget (the nearest binding of a key wins)
    and allowed by its node's ``check_action`` (Textual's own rules, read here
    from the binding chain rather than from ``active_bindings``)."""
    app = screen.app
    seen_keys: set[str] = set()
    out: set[str] = set()
    for node, bindings in screen._modal_binding_chain:
        for key, group in bindings.key_to_bindings.items():
            if key in seen_keys:
                continue
            seen_keys.add(key)
            binding = group[0]
            allowed = app._check_action_state(binding.action, node)
            if binding.id is not None and binding.id in SPECS and binding.show and allowed:
                out.add(binding.id)
    return out


@sync
async def test_main_screen_bar_follows_the_focused_pane(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        ids = shown(app)
        assert ids[-2:] == ["casefiles.help", "casefiles.quit"]
        assert "casefiles.close" not in ids
        assert {"casefiles.choose", "casefiles.search", "casefiles.read"} <= set(ids)
        text = bar_text(app)
        assert "q quit" in text and "? help" in text and "/ search" in text
        # every focusable part of the main screen: the bar is what works there
        focusables = [w for w in app.screen.query(Widget) if w.focusable]
        assert len(focusables) >= 5
        for widget in focusables:
            widget.focus()
            await pilot.pause()
            assert set(shown(app)) == working_ids(app.screen), widget.id
            if "casefiles.choose" in shown(app):
                # enter is offered only where a widget that chooses has the keyboard
                chooses = [b for b in type(widget).BINDINGS if b.id == "casefiles.choose"]  # type: ignore[union-attr]
                assert chooses, widget.id


@sync
async def test_the_bar_leaves_out_what_needs_a_case_on_an_empty_store(empty_store: Store) -> None:
    app = make_app(empty_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        ids = set(shown(app))
        assert {"casefiles.search", "casefiles.help", "casefiles.quit"} <= ids
        assert not ids & {
            "casefiles.read",
            "casefiles.open",
            "casefiles.copy",
            "casefiles.dossier",
            "casefiles.timeline",
        }
        await pilot.press("d", "y", "o")  # and they do nothing (no traceback, no screen)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running


@sync
async def test_party_view_bar_says_q_closes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, PartyScreen), "the party view")
        await pilot.pause()
        ids = shown(app)
        assert "casefiles.close" in ids and "casefiles.quit" not in ids
        assert ids[-2:] == ["casefiles.help", "casefiles.close"]
        assert "q close" in bar_text(app) and "quit" not in bar_text(app)
        assert set(ids) == working_ids(app.screen)
        await pilot.press("tab")
        await pilot.pause()
        assert set(shown(app)) == working_ids(app.screen)


@sync
async def test_a_binding_added_to_the_key_table_shows_without_touching_the_bar(
    bundled_store: Store,
) -> None:
    """A screen that binds a shown key-table binding gets it on its bar."""
    from textual.app import ComposeResult
    from textual.binding import BindingType

    from casefiles.tui.bindings import bind
    from casefiles.tui.config import Config

    class Probe(Screen[None]):
        BINDINGS: ClassVar[list[BindingType]] = [bind("casefiles.next_quote", "noop")]

        def compose(self) -> ComposeResult:
            yield KeyBar(Config())

        def action_noop(self) -> None:
            pass

    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await app.push_screen(Probe())
        await pilot.pause()
        assert "casefiles.next_quote" in shown(app)
        assert "n next quote" in bar_text(app)


@sync
async def test_q_on_every_view_closes_it_and_quits_only_from_the_main_screen(
    bundled_store: Store,
) -> None:
    from casefiles.tui.screens.confirm import ConfirmScreen
    from casefiles.tui.screens.reader import ReaderScreen
    from casefiles.tui.screens.search import SearchInput, SearchScreen
    from casefiles.tui.screens.timeline import TimelineScreen

    app = make_app(bundled_store)

    async def q_closes(keys: tuple[str, ...], kind: type[Screen[Any]], below: type) -> None:
        await pilot.press(*keys)
        await until(pilot, lambda: isinstance(app.screen, kind), kind.__name__)
        await pilot.pause(0.1)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, below), f"q to close {kind.__name__}")
        assert app.is_running

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await q_closes(("question_mark",), HelpScreen, MainScreen)
        await q_closes(("1", "d"), TextScreen, MainScreen)
        await q_closes(("t",), TimelineScreen, MainScreen)
        await q_closes(("5", "o"), ReaderScreen, MainScreen)
        await q_closes(("1", "x"), ConfirmScreen, MainScreen)
        await q_closes(("2", "enter"), PartyScreen, MainScreen)
        # views over the party view close back to it
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, PartyScreen), "party view")
        await q_closes(("question_mark",), HelpScreen, PartyScreen)
        await q_closes(("t",), TimelineScreen, PartyScreen)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "party view closed")
        if "casefiles.history" in SPECS:  # the history view, where it exists
            from casefiles.tui.screens.history import HistoryScreen

            await q_closes(("1", "H"), HistoryScreen, MainScreen)
        # in the search box q is a letter
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "search")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(SearchInput).value.endswith("q")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "search closed")
        # only here does q quit
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, "quit")


@sync
async def test_o_and_shift_o_show_only_on_a_row_with_a_source_to_read(hostile_store: Store) -> None:
    """The bar follows the highlighted row, not only focus and screen: the
    hostile store's second case has no source, so ``o``/``O`` leave the bar
    there (and do nothing), and come back on the first case."""
    from casefiles.tui.screens.reader import ReaderScreen

    read = {"casefiles.read", "casefiles.open"}
    app = make_app(hostile_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.source_to_read()[0] is not None
        assert read <= set(shown(app))
        await pilot.press("j")
        await until(pilot, lambda: app.source_to_read()[0] is None, "the case without sources")
        await pilot.pause()
        assert not read & set(shown(app)), bar_text(app)
        assert set(shown(app)) == working_ids(app.screen)
        await pilot.press("o")
        await pilot.pause()
        assert not isinstance(app.screen, ReaderScreen)
        await pilot.press("k")
        await until(pilot, lambda: app.source_to_read()[0] is not None, "the first case")
        await pilot.pause()
        assert read <= set(shown(app)), bar_text(app)


@sync
async def test_moving_the_cursor_redraws_the_bindings_only_when_o_changes(
    bundled_store: Store,
) -> None:
    """Every row of the bundled store's first case has a source to read:
    moving over its parties never asks Textual to work out the bindings again."""
    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        refreshes: list[object] = []
        app.screen.bindings_updated_signal.subscribe(app.screen, refreshes.append)
        for _ in range(8):
            await pilot.press("j")
        await pilot.pause()
        assert app.source_to_read()[0] is not None
        assert refreshes == []
