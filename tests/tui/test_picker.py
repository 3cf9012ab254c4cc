"""The picker (``PickerScreen``): typing filters parties, courts, sources or a
vocabulary as forgivingly as search; ``enter`` picks, the last row asks for a
new one, ``esc`` cancels; a big set is matched in a worker.  Real stores
(temporary copies), real rapidfuzz, Pilot; snapshots at 80×24 and 120×40."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from casefiles import model
from casefiles.edit.pick import Choices
from casefiles.store import Store
from casefiles.tui.screens.picker import ChoiceList, Picked, PickerScreen, StatusLine
from tests.tui.conftest import BUNDLED, TUI_DATA, copy_store, sync

SIZES = [(80, 24), (120, 40)]


class Host(App[None]):
    """A bare app that opens one picker and keeps what it dismissed with."""

    def __init__(self, screen: PickerScreen) -> None:
        super().__init__()
        self.picker = screen
        self.results: list[Picked | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.results.append)


async def shown(pilot: Pilot[None], screen: PickerScreen, query: str) -> None:
    """Wait until the picker shows the choices for ``query``."""
    deadline = time.monotonic() + 30
    while screen.shown_query != query:
        assert time.monotonic() < deadline, f"no choices for {query!r}"
        await pilot.pause(0.02)
    await pilot.pause()


async def typed(pilot: Pilot[None], screen: PickerScreen, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await shown(pilot, screen, screen.typed)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return copy_store(BUNDLED, tmp_path)


def labels(screen: PickerScreen) -> list[str]:
    return [c.label for c in screen.query_one(ChoiceList).choices]


@sync
async def test_typing_filters_and_enter_picks_the_party(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.PARTIES), "Party", allow_new=True)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        assert len(labels(screen)) == len(store.table(model.PARTIES))
        await typed(pilot, screen, "lem moni")
        assert labels(screen)[0] == "Lim Mony"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [Picked("lim-mony", False, "Lim Mony")]


@sync
async def test_down_moves_the_cursor_and_the_new_row_is_last(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.PARTIES), "Party", allow_new=True)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        await typed(pilot, screen, "sokha")
        rows = screen.query_one(ChoiceList)
        second = rows.choices[1]
        await pilot.press("down")
        assert rows.current == second
        await pilot.press("up", "up")  # stays on the first row
        assert rows.cursor == 0
        await pilot.press("ctrl+n")
        assert rows.current == second
        for _ in range(len(rows.choices)):
            await pilot.press("down")
        assert rows.on_new and rows.current is None
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [Picked(None, True, "sokha")]


@sync
async def test_nothing_matches_so_enter_offers_a_new_source(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.SOURCES), "Source", allow_new=True)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        await typed(pilot, screen, "Qqzzx Times")
        assert labels(screen) == []
        assert "nothing matches" in str(screen.query_one("#picker-status").render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [Picked(None, True, "Qqzzx Times")]


@sync
async def test_escape_cancels_and_without_allow_new_there_is_no_new_row(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.COURTS), "Court", allow_new=False)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        await typed(pilot, screen, "zzzqqq")
        assert screen.query_one(ChoiceList).row_count() == 0
        await pilot.press("enter")  # nothing to pick: stays open
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@sync
async def test_initial_text_and_a_vocabulary_picker(store: Store) -> None:
    levels = Choices.of_values(
        [("first_instance", "first instance"), ("appeal", "appeal"), ("supreme", "supreme")]
    )
    screen = PickerScreen(levels, "Court level", allow_new=False, initial="apeal")
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "apeal")
        assert labels(screen) == ["appeal"]
        await pilot.press(*["backspace"] * 5)
        await shown(pilot, screen, "")
        assert labels(screen) == ["first instance", "appeal", "supreme"]
        await pilot.press("pagedown", "enter")
        await pilot.pause()
    assert app.results == [Picked("supreme", False, "supreme")]


@sync
async def test_click_on_a_row_picks_it(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.COURTS), "Court", allow_new=True)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        rows = screen.query_one(ChoiceList)
        second = rows.choices[1]
        await pilot.click(ChoiceList, offset=(5, 1))
        await pilot.pause()
    assert app.results == [Picked(second.id, False, second.label)]


@sync
async def test_many_choices_are_matched_in_a_worker_and_stale_results_dropped(
    tmp_path: Path,
) -> None:
    """More than ``SYNC_MAX`` choices: every key starts a worker; what is shown
    is always for what is typed."""
    from casefiles.tui.screens import picker

    store = copy_store(TUI_DATA / "small", tmp_path)
    threads: list[str] = []

    class Watched(Choices):
        """The real choices, noting which thread matched."""

        def match(self, query: str, limit: int = 50, cancelled: Any = None) -> list[Any]:
            threads.append(threading.current_thread().name)
            return super().match(query, limit, cancelled)

    screen = PickerScreen(Watched(store, model.PARTIES), "Party", allow_new=True)
    old = picker.SYNC_MAX
    picker.SYNC_MAX = 0  # as if the store were big
    try:
        app = Host(screen)
        async with app.run_test(size=(100, 30)) as pilot:
            await shown(pilot, screen, "")
            name = store.table(model.PARTIES)[next(iter(store.table(model.PARTIES)))]["name"]
            await typed(pilot, screen, name[:6])
            assert screen.shown_query == name[:6]
            assert name in labels(screen)[:5]
    finally:
        picker.SYNC_MAX = old
    main = threading.main_thread().name
    assert len(threads) >= 7 and main not in threads  # every key, off the UI thread


@sync
async def test_hostile_names_are_drawn_literally(tmp_path: Path) -> None:
    store = copy_store(TUI_DATA / "hostile", tmp_path)
    screen = PickerScreen(Choices(store, model.PARTIES), "Party [b]x[/b]", allow_new=True)
    app = Host(screen)
    async with app.run_test(size=(120, 30)) as pilot:
        await shown(pilot, screen, "")
        assert app.is_running
        lines = "\n".join(
            "".join(seg.text for seg in screen.query_one(ChoiceList).render_line(y))
            for y in range(10)
        )
        assert "\x1b" not in lines


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_picker_snapshot(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    store = copy_store(BUNDLED, tmp_path)
    screen = PickerScreen(Choices(store, model.PARTIES), "Party of the sentence", allow_new=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await shown(pilot, screen, "")
        await typed(pilot, screen, "sokha")
        await pilot.press("down")

    assert snap_compare(Host(screen), terminal_size=size, run_before=run_before)


class Broken(Choices):
    """Choices whose matching fails (a bug, a store that cannot be read)."""

    def match(self, query: str, limit: int = 50, cancelled: Any = None) -> list[Any]:
        raise RuntimeError("[b]boom[/b]")


@sync
async def test_a_failing_match_is_said_and_new_still_works(store: Store) -> None:
    from casefiles.tui.screens import picker

    screen = PickerScreen(Broken(store, model.PARTIES), "Party", allow_new=True)
    old = picker.SYNC_MAX
    picker.SYNC_MAX = 0  # in the worker
    try:
        app = Host(screen)
        async with app.run_test(size=(100, 30)) as pilot:
            await shown(pilot, screen, "")
            status = str(screen.query_one("#picker-status").render())
            assert "cannot list parties: RuntimeError: [b]boom[/b]" in status
            await typed(pilot, screen, "Kao")
            await pilot.press("enter")
            await pilot.pause()
    finally:
        picker.SYNC_MAX = old
    assert app.results == [Picked(None, True, "Kao")]


@sync
async def test_remapped_search_keys_work_and_the_hint_says_them(store: Store) -> None:
    screen = PickerScreen(Choices(store, model.COURTS), "Court", allow_new=False)
    app = Host(screen)
    app.set_keymap({"casefiles.search_open": "ctrl+o", "casefiles.search_next": "ctrl+j"})
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "")
        await pilot.pause()
        hint = screen.query_one("#picker-keys", StatusLine).text
        assert "^o choose" in hint and "^j move" in hint and "esc cancel" in hint
        second = screen.query_one(ChoiceList).choices[1]
        await pilot.press("ctrl+j", "ctrl+o")
        await pilot.pause()
    assert app.results == [Picked(second.id, False, second.label)]


def test_matched_spans_mark_what_search_would_match() -> None:
    from casefiles.tui.screens.picker import matched_spans

    assert matched_spans("Lim Mony", ["lim"]) == ((0, 3),)
    assert matched_spans("Kem Sokha", ["kemsok"]) == ((0, 3), (4, 7))  # written together
    assert matched_spans("Đaroth Novãma", ["daroth", "nov"]) == ((0, 6), (7, 10))
    assert matched_spans("also ឃុន លាងម៉េង", ["ឃុន"]) == ((5, 8),)
    assert matched_spans("Lim Mony", ["moni"]) == ()  # a typo is not marked
    assert matched_spans("Lim Mony", []) == ()


@sync
async def test_typing_replaces_the_text_the_picker_opened_with(store: Store) -> None:
    """A form opens the picker on the current value's name: what is typed then
    replaces it (it is selected), and an arrow key keeps it to edit."""
    screen = PickerScreen(
        Choices(store, model.PARTIES), "Party", allow_new=True, initial="Ny Sokha"
    )
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await shown(pilot, screen, "Ny Sokha")
        assert labels(screen)[0] == "Ny Sokha"
        await typed(pilot, screen, "lem moni")
        assert screen.typed == "lem moni"
        assert labels(screen)[0] == "Lim Mony"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [Picked("lim-mony", False, "Lim Mony")]
