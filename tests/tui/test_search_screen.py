"""The search screen (``/``) and the command palette, driven with Pilot on the
real browser (``CaseFilesApp``) and the real ``SearchIndex`` over a temporary
copy of the bundled case file."""

from __future__ import annotations

import asyncio
import functools
import shutil
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot

from casefiles.search import SearchIndex, SearchResult
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.commands import prefix_matches
from casefiles.tui.config import Config
from casefiles.tui.messages import IndexReady
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.screens.search import ResultList, SearchInput, SearchScreen, highlight

DATA = Path(__file__).resolve().parents[2] / "data"
TIMEOUT = 60.0


def sync(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test with ``asyncio.run`` (no async pytest plugin needed)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return run


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    shutil.copytree(DATA, tmp_path / "data")
    return Store.load(tmp_path / "data" / "casefiles.json")


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        assert pilot.app.is_running, "the app stopped"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


async def open_search(pilot: Pilot[Any]) -> SearchScreen:
    app = pilot.app
    await until(pilot, lambda: getattr(app, "search_index", None) is not None, "the index")
    await pilot.press("slash")
    await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def type_query(pilot: Pilot[Any], screen: SearchScreen, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
    query = screen.query_one(SearchInput).value
    await until(pilot, lambda: screen.shown_query == query, f"results for {query!r}")
    await pilot.pause()


def rows(screen: SearchScreen) -> list[tuple[str, str]]:
    return [(h.kind, h.id) for h in screen.query_one(ResultList).hits]


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status").render())


def app_for(store: Store) -> CaseFilesApp:
    return CaseFilesApp(store, Config())


@sync
async def test_typing_updates_results_and_highlights(store: Store) -> None:
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "chin")
        first = rows(screen)
        assert ("party", "chin-malin") in first
        await type_query(pilot, screen, " malin")
        assert rows(screen)[0] == ("party", "chin-malin")
        assert rows(screen) != first
        assert "hit" in status(screen)
        # the matched characters of the top row are drawn bold and underlined
        strip = screen.query_one(ResultList).render_line(0)
        styled = "".join(s.text for s in strip if s.style and s.style.underline)
        assert styled == "ChinMalin"
        assert "party" in strip.text and "name" in strip.text
        # cursor keys, including ctrl+n / ctrl+p (not the command palette)
        results = screen.query_one(ResultList)
        await pilot.press("down", "ctrl+n")
        assert results.cursor == min(2, len(results.hits) - 1)
        await pilot.press("ctrl+p")
        assert results.cursor == min(1, len(results.hits) - 1)
        assert isinstance(app.screen, SearchScreen)


@sync
async def test_enter_opens_the_chosen_case(store: Store) -> None:
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        await type_query(pilot, screen, "conspiracy foreign power")
        hits = screen.query_one(ResultList).hits
        index = next(i for i, h in enumerate(hits) if h.kind == "case")
        assert hits[index].id == "kem-sokha-treason"
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        main = app.screen
        assert isinstance(main, MainScreen)
        await until(pilot, lambda: main.case_id == "kem-sokha-treason", "the case")


@sync
async def test_esc_closes_without_moving(store: Store) -> None:
    app = app_for(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        before = app.screen.case_id  # type: ignore[attr-defined]
        screen = await open_search(pilot)
        await type_query(pilot, screen, "rong chhun")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        assert app.screen.case_id == before  # type: ignore[attr-defined]


@sync
async def test_malformed_queries_show_the_error_inline(store: Store) -> None:
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_search(pilot)
        for bad in ['"unclosed', "party:", "year:abc", "!", "[@click=app.quit]x[/]"]:
            screen.query_one(SearchInput).value = ""
            await type_query(pilot, screen, bad)
            assert app.is_running and isinstance(app.screen, SearchScreen)
            if bad in ('"unclosed', "party:", "year:abc"):
                assert status(screen).startswith("query error: "), bad
                assert screen.query_one("#search-status").has_class("error")
                assert rows(screen) == []
        await type_query(pilot, screen, " ")  # recovers when the query is edited
        assert app.is_running


class SlowFirst:
    """The real index, except that the search for ``stale`` waits until the screen
    cancels it (recording that it did) — standing in for a slow query."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.cancelled_runs: list[str] = []
        self.started = threading.Event()

    def search(
        self, query: str, limit: int = 50, cancelled: Callable[[], bool] | None = None
    ) -> SearchResult:
        if query == "stale":
            self.started.set()
            deadline = time.monotonic() + TIMEOUT
            while cancelled is not None and not cancelled():
                if time.monotonic() > deadline:
                    return self.index.search(query, limit, cancelled)
                time.sleep(0.005)
            self.cancelled_runs.append(query)
        return self.index.search(query, limit, cancelled)


class Host(App[None]):
    """A bare app with a ``search_index`` attribute, like the browser's."""

    def __init__(self, screen: SearchScreen, index: Any = None) -> None:
        super().__init__()
        self.search_index = index
        self.shown = screen
        self.chosen: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.shown, self.chosen.append)


@sync
async def test_a_stale_run_is_cancelled(store: Store) -> None:
    spy = SlowFirst(SearchIndex.build(store))
    screen = SearchScreen(spy)  # type: ignore[arg-type]
    app = Host(screen, spy)
    async with app.run_test(size=(120, 40)) as pilot:
        box = screen.query_one(SearchInput)
        box.value = "stale"
        await until(pilot, spy.started.is_set, "the slow search to start")
        box.value = "kem sokha"
        await until(pilot, lambda: screen.shown_query == "kem sokha", "the newer results")
        await until(pilot, lambda: spy.cancelled_runs == ["stale"], "the stale run to stop")
        assert ("party", "kem-sokha") in rows(screen)
        await pilot.pause(0.1)
        assert screen.shown_query == "kem sokha"  # the stale result never replaced it


@sync
async def test_indexing_message_until_the_index_is_ready(store: Store) -> None:
    screen = SearchScreen(None, query="malin")
    app = Host(screen, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert status(screen).startswith("indexing")
        screen.post_message(IndexReady(SearchIndex.build(store)))
        await until(pilot, lambda: screen.shown_query == "malin", "results")
        shown = rows(screen)
        assert ("party", "chin-malin") in shown
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.chosen), "the dismissal")
        assert app.chosen[0].id == shown[0][1]


@sync
async def test_command_palette_finds_a_party_by_name(store: Store) -> None:
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.search_index is not None, "the index")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"chhin malin".replace(" ", "_"))
        palette = app.screen

        def listed() -> str:
            return "\n".join(str(o.prompt) for o in palette.query_one("CommandList").options)  # type: ignore[attr-defined]

        await until(pilot, lambda: "Open party: Chin Malin" in listed(), "the party entry")
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, PartyScreen), "the party screen")


def test_palette_prefix_scan_without_index(store: Store) -> None:
    found = prefix_matches(store, "chin mal")
    assert ("party", "chin-malin") in [(k, i) for k, i, _, _ in found]
    assert prefix_matches(store, "zzzz") == []
    assert len(prefix_matches(store, "a", limit=5)) == 5


def test_highlight_is_literal_and_keeps_spans_on_the_match() -> None:
    text = highlight("a\x1b[31m [@click=app.quit] Sokha", [(25, 30)], "bold")
    assert text.plain == "a\\x1b[31m [@click=app.quit] Sokha"
    assert [text.plain[s.start : s.end] for s in text.spans] == ["Sokha"]
