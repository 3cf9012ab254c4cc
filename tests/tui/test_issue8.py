"""Defects a new user hit in the browser (issue 8), each through the real app
on a temporary copy of the bundled store: a failed index build is reported,
counts promise no more than the list holds, the palette's keys panel closes
with esc, ``O`` says how opening went, footers offer only keys that work and
fit at 80 columns, and the reader's ``y`` copies the current quote."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import make_app, sync
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from casefiles import model
from casefiles.search import SearchIndex
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.config import Config
from casefiles.tui.keys import SPECS
from casefiles.tui.screens.reader import ReaderScreen
from casefiles.tui.screens.search import SearchScreen
from casefiles.tui.widgets.keybar import KeyBar

TIMEOUT = 30.0


async def until(pilot: Pilot[Any], ok: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not ok():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def status(screen: Any) -> str:
    return str(screen.query_one("#search-status").render())


def notices(app: CaseFilesApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def footer_keys(app: CaseFilesApp) -> list[str]:
    """The keys the screen's footer shows: Textual's Footer, or our KeyBar (the
    keys of the binding ids it fits in the screen's width)."""
    bars = list(app.screen.query(KeyBar))
    if not bars:
        return [key.key for key in app.screen.query(FooterKey)]
    bar = bars[0]
    return [key for entry in bar.fitted(bar.size.width) for key in SPECS[entry[0]].keys.split(",")]


@sync
async def test_a_failed_index_build_is_shown_in_search(
    bundled_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(cls: type[SearchIndex], store: Store) -> SearchIndex:
        raise RuntimeError("the index broke")

    monkeypatch.setattr(SearchIndex, "build", classmethod(broken))
    if hasattr(SearchIndex, "open"):  # the index kept on disk is read first
        monkeypatch.setattr(SearchIndex, "open", classmethod(broken))
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        screen = app.screen
        await until(pilot, lambda: "unavailable" in status(screen), "the failure")
        assert "the index broke" in status(screen)


@sync
async def test_counts_promise_no_more_than_the_list_holds(bundled_store: Store) -> None:
    from casefiles.search import SearchResult

    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.search_index is not None, "the index")
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"sokha")
        await until(pilot, lambda: screen.shown_query == "sokha", "results")
        index = app.search_index
        assert index is not None
        hits = index.search("sokha").hits
        assert len(hits) >= 2
        # The index counted more documents than it returned, under the limit:
        # the list holds every hit there is to reach, so no "of 26".
        screen.post_message(SearchScreen.Results(SearchResult("sokha", hits[:2], total=5), 0.0))
        await until(pilot, lambda: status(screen).startswith("2 hits"), "an honest count")
        # At the limit an estimated total keeps the CLI's "about".
        many = [hits[0]] * 200
        result = SearchResult("sokha", many, total=1234, total_exact=False)
        screen.post_message(SearchScreen.Results(result, 0.0))
        await until(pilot, lambda: "about" in status(screen), "an estimate")
        assert status(screen).startswith("200 of about 1,200 hits")


@sync
async def test_the_palette_keys_panel_closes_with_escape(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.action_show_help_panel()
        await until(pilot, lambda: bool(app.screen.query("HelpPanel")), "the keys panel")
        await pilot.press("escape")
        await until(pilot, lambda: not app.screen.query("HelpPanel"), "the panel to close")


def _url_source_row(app: CaseFilesApp) -> int:
    pane = app.screen.query_one("#sources")
    for i, row in enumerate(pane.rows()):  # type: ignore[attr-defined]
        source = app.store.get(model.SOURCES, row.id)
        if source and source.get("url"):
            return i
    raise AssertionError("no source with a URL in the first case")


@pytest.mark.parametrize(
    ("program", "expected"), [("false", "exited with status 1"), ("true", "opened")]
)
@sync
async def test_O_says_how_opening_went(bundled_store: Store, program: str, expected: str) -> None:
    app = make_app(bundled_store, Config(opener=[program]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        row = _url_source_row(app)
        app.screen.query_one("#sources").move_to(row)  # type: ignore[attr-defined]
        await pilot.press("O")
        await until(pilot, lambda: any(expected in n for n in notices(app)), expected)


@sync
async def test_search_footer_does_not_offer_slash(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        await pilot.pause(0.2)
        keys = footer_keys(app)
        assert "escape" in keys
        assert "slash" not in keys  # typing / in the box types a slash


def _no_text_source(store: Store) -> str:
    for source in store.table(model.SOURCES).values():
        if not source.get("file"):
            return str(source["id"])
    raise AssertionError("every source has a text")


async def _read(pilot: Pilot[Any], app: CaseFilesApp, source_id: str) -> ReaderScreen:
    case_id = next(iter(app.store.table(model.CASES)))
    quotes = facts.quotes_for(app.store, case_id, source_id)
    screen = ReaderScreen(app.store, source_id, quotes, facts.names_of_case(app.store, case_id))
    app.push_screen(screen)
    await until(pilot, lambda: screen.loaded, "the article")
    await pilot.pause(0.2)
    return screen


@sync
async def test_reader_footer_hides_quote_keys_without_text(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _read(pilot, app, _no_text_source(bundled_store))
        keys = footer_keys(app)
        assert "escape" in keys
        assert "n" not in keys and "N" not in keys


@sync
async def test_reader_footer_fits_80_columns(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _read(pilot, app, "s01")
        assert {"n", "N", "escape"} <= set(footer_keys(app))
        bar = app.screen.query_one(KeyBar)
        assert bar.region.right <= 80
        assert cell_len(bar.render().plain) <= 80


@sync
async def test_reader_y_copies_the_current_quote_with_its_citation(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _read(pilot, app, "s01")
        await pilot.press("y")
        await until(pilot, lambda: bool(app.clipboard), "the copy")
        quote = screen.current_quote()
        assert quote
        assert " ".join(quote.split())[:20] in app.clipboard
        assert "—" in app.clipboard  # then the source's citation
        assert not any("Nothing selected" in n for n in notices(app))


@sync
async def test_the_input_cursor_follows_khmer_as_the_terminal_draws_it(
    bundled_store: Store,
) -> None:
    from casefiles.article import cells
    from casefiles.tui.screens.search import SearchInput

    app = make_app(bundled_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
        box = app.screen.query_one(SearchInput)
        await pilot.pause()
        start = box.cursor_screen_offset.x  # the empty box
        box.insert_text_at_cursor("ម៉ាលីន ok")
        await pilot.pause()
        assert box.cursor_screen_offset.x - start == cells("ម៉ាលីន ok")  # 7 cells, not 6


@sync
async def test_the_main_key_bar_keeps_help_and_quit_at_80_columns(bundled_store: Store) -> None:
    from rich.cells import cell_len

    from casefiles.tui.widgets import KeyBar

    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one(KeyBar).render())
        assert shown.rstrip().endswith("? help  q quit"), shown
        assert cell_len(shown.rstrip()) <= 80 and "…" not in shown
