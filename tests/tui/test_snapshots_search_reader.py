"""Snapshots of the search screen and the article reader at 80×24 and 120×40,
on temporary copies of the bundled case file.

Update after a deliberate change with
``.venv/bin/python -m pytest tests/tui/test_snapshots_search_reader.py --snapshot-update``
and look at the SVGs in ``tests/tui/__snapshots__/`` before committing them.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from casefiles.search import SearchIndex
from casefiles.store import Store
from casefiles.tui.screens.reader import ReaderScreen
from casefiles.tui.screens.search import SearchScreen

DATA = Path(__file__).resolve().parents[2] / "data"
SIZES = [(80, 24), (120, 40)]
HOSTILE = (
    b"Hostile article\n"
    b"\x1b[2J\x1b]52;c;aGVsbG8=\x07 [@click=app.quit]click me[/] [bold]not bold[/bold]\n"
    b"bad utf8: \xff\xfe end \xe2\x80\xae reversed\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("snapstore")
    shutil.copytree(DATA, folder, dirs_exist_ok=True)
    seed = (folder / "articles" / "ppp-justice-ministry-dismissive.txt").read_bytes()
    (folder / "articles" / "ppp-justice-ministry-dismissive.txt").write_bytes(seed + HOSTILE)
    return Store.load(folder / "casefiles.json")


class Host(App[None]):
    """A bare app showing one screen (the search and reader screens are pushed by
    the browser; here they are shown alone so the snapshot is just them)."""

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self.shown = screen

    def on_mount(self) -> None:
        self.push_screen(self.shown)


async def reader_loaded(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ReaderScreen)
    deadline = time.monotonic() + 60
    while not screen.loaded:
        assert time.monotonic() < deadline, "the article did not load"
        assert pilot.app.is_running, "the app stopped"
        await pilot.pause(0.05)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_seed_article(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    screen = ReaderScreen(
        store,
        "s01",
        ["by the courts at three levels", "enforcement of the law does not amount to persecution"],
        ["Kem Sokha", "Chin Malin", "ជិន ម៉ាលីន", "ADHOC"],
    )
    assert snap_compare(Host(screen), terminal_size=size, run_before=reader_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_hostile_tail_and_missing_quote(
    snap_compare: Any, store: Store, size: tuple[int, int]
) -> None:
    screen = ReaderScreen(store, "s01", ["[@click=app.quit]click me", "words not there"], [])
    assert snap_compare(Host(screen), terminal_size=size, run_before=reader_loaded)


def search_shown(query: str) -> Any:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        deadline = time.monotonic() + 60
        while screen.shown_query != query:
            assert time.monotonic() < deadline, "no results"
            assert pilot.app.is_running, "the app stopped"
            await pilot.pause(0.05)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_results(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    index = SearchIndex.build(store)
    screen = SearchScreen(index, query="chhin malin")
    assert snap_compare(Host(screen), terminal_size=size, run_before=search_shown("chhin malin"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_query_error(snap_compare: Any, store: Store, size: tuple[int, int]) -> None:
    index = SearchIndex.build(store)
    screen = SearchScreen(index, query='party:"unclosed')
    assert snap_compare(
        Host(screen), terminal_size=size, run_before=search_shown('party:"unclosed')
    )
