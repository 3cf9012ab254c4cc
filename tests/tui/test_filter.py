"""The cases list filtered and sorted in place (``f``, ``s``, ``S``): Pilot runs on
real store copies — type a filter, the title says it, ``esc`` clears it, ``s``
cycles the sorts, the cursor stays on its case — and snapshots of a filtered,
sorted list at 80×24 and 120×40."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import make_app, sync
from textual.pilot import Pilot

from casefiles.store import Store
from casefiles.tui.screens.main import MainScreen

SIZES = [(80, 24), (120, 40)]


async def until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until ``done()`` (the index is built in a thread)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def type_filter(pilot: Pilot[Any], text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def main_of(pilot: Pilot[Any]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def title(screen: MainScreen) -> str:
    return str(screen.pane("cases").border_title)


@sync
async def test_typing_narrows_the_list_and_the_title_says_it(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("f")
        line = screen.filter_line()
        assert line.is_open and line.input.has_focus
        await type_filter(pilot, "status:pending")
        await until(pilot, lambda: screen.filter_text == "status:pending")
        assert screen.case_ids == ["kem-sokha-treason", "mother-nature-plotting"]
        assert title(screen) == "1 Cases · 2 of 16 · status:pending"
        assert len(screen.pane("cases")) == 2
        await pilot.press("enter")
        assert not line.is_open
        assert screen.focused is screen.pane("cases")
        assert title(screen) == "1 Cases · 2 of 16 · status:pending"  # kept
        # the list is the list: j moves within it, the panes follow
        await pilot.press("j")
        assert screen.case_id == "mother-nature-plotting"


@sync
async def test_escape_clears_the_filter(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("f")
        await type_filter(pilot, "sokha")
        await until(pilot, lambda: screen.filter_text == "sokha")
        assert len(screen.case_ids) == 3
        await pilot.press("escape")
        await until(pilot, lambda: screen.filter_text == "")
        assert not screen.filter_line().is_open
        assert len(screen.case_ids) == 16
        assert title(screen) == "1 Cases (16)"
        assert pilot.app.screen_stack == [screen]  # esc did not go "back" as well


@sync
async def test_a_bad_filter_is_named_and_the_list_stays(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("f")
        await type_filter(pilot, "status:closed")
        await until(pilot, lambda: screen.filter_text == "status:closed")
        before = list(screen.case_ids)
        await type_filter(pilot, ' "')
        await until(pilot, lambda: "quote" in screen.filter_line().note)
        assert screen.filter_line().note == 'unclosed quote at character 15: add the closing "'
        assert screen.case_ids == before
        assert title(screen) == f"1 Cases · {len(before)} of 16 · status:closed"
        await pilot.press("backspace", "backspace")
        await type_filter(pilot, " year:20x")
        await until(pilot, lambda: "year:20x" in screen.filter_line().note)
        assert screen.filter_line().note.startswith("year:20x is not a year")
        await pilot.press("enter")  # refused: the line stays open on the bad text
        assert screen.filter_line().is_open


@sync
async def test_sort_cycles_and_shows_in_the_title(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("s")
        await until(pilot, lambda: "latest ruling" in title(screen))
        assert title(screen) == "1 Cases (16) · latest ruling ↓"
        assert screen.case_ids[0] == "mother-nature-plotting"
        labels = []
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause()
            labels.append(screen.sort_label)
        assert labels == ["first event ↑", "title ↑", "status ↑", "store order"]
        assert title(screen) == "1 Cases (16)"
        await pilot.press("s", "s", "s", "S")  # title, reversed
        await pilot.pause()
        assert screen.sort_label == "title ↓"
        titles = [str(screen.store.table("cases")[c]["title"]).casefold() for c in screen.case_ids]
        assert titles[0] >= titles[-1]


@sync
async def test_cursor_stays_on_its_case(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await until(pilot, lambda: pilot.app.search_index is not None)  # type: ignore[attr-defined]
        target = "tep-vanny-2013-protest"
        screen.select_case(target, focus="cases")
        await pilot.pause()
        await pilot.press("f")
        await type_filter(pilot, "tep")
        await until(pilot, lambda: screen.filter_text == "tep")
        assert target in screen.case_ids
        cases = screen.pane("cases")
        assert screen.case_ids[cases.cursor] == target
        assert screen.case_id == target
        await pilot.press("escape")
        await until(pilot, lambda: screen.filter_text == "")
        assert screen.case_ids[cases.cursor] == target
        await pilot.press("s")  # sorting keeps it too
        await until(pilot, lambda: screen.sort_label != "store order")
        assert screen.case_ids[cases.cursor] == target
        # a filter that drops it: the first case of the list is shown
        await pilot.press("f")
        await type_filter(pilot, "status:pending")
        await until(pilot, lambda: screen.filter_text == "status:pending")
        assert screen.case_id == screen.case_ids[0] == screen.case_ids[cases.cursor]


@sync
async def test_markup_in_a_filter_is_shown_literally(bundled_store: Store) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("f")
        await type_filter(pilot, "[b]x")
        await until(pilot, lambda: screen.filter_text == "[b]x")
        assert title(screen).endswith("0 of 16 · [b]x") or "\\[b]x" in title(screen)
        assert "No case passes" in screen.pane("cases").empty


@sync
async def test_the_palette_can_call_filter_and_sort(small_store: Store) -> None:
    async with make_app(small_store).run_test(size=(80, 24)) as pilot:
        screen = main_of(pilot)
        screen.action_sort()
        await until(pilot, lambda: screen.sort_label == "latest ruling ↓")
        screen.action_filter()
        await pilot.pause()
        assert screen.filter_line().is_open


def _filtered(text: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = main_of(pilot)
        await pilot.press("s", "s", "s")  # title ↑
        await pilot.press("f")
        await type_filter(pilot, text)
        await until(pilot, lambda: screen.filter_text == text.strip())
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filtered_list_snapshot(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(small_store), terminal_size=size, run_before=_filtered("mónyrak !insult")
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filtered_list_kept_snapshot(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _filtered("status:closed")(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(small_store), terminal_size=size, run_before=run_before)


@sync
async def test_the_filter_holds_after_a_change_to_the_store(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        await pilot.press("f")
        await type_filter(pilot, "status:pending")
        await pilot.press("enter")
        await until(pilot, lambda: screen.filter_text == "status:pending")
        assert len(screen.case_ids) == 2
        case = dict(bundled_store.table("cases")["tep-vanny-2013-protest"])
        case["status"] = "pending"
        bundled_store.put("cases", case)
        app.redraw_after_change()  # what an edit, undo or import does
        await until(pilot, lambda: len(screen.case_ids) == 3)
        assert "tep-vanny-2013-protest" in screen.case_ids
        assert title(screen) == "1 Cases · 3 of 16 · status:pending"


@sync
async def test_a_big_store_filters_in_a_thread_and_the_last_key_wins(
    bundled_store: Store,
) -> None:
    async with make_app(bundled_store).run_test(size=(120, 40)) as pilot:
        screen = main_of(pilot)
        screen.FILTER_INLINE_CASES = 0  # every filter in the worker thread, as at 100k
        await until(pilot, lambda: pilot.app.search_index is not None)  # type: ignore[attr-defined]
        await pilot.press("f")
        await type_filter(pilot, "status:closed !sokha")  # no pause between keys
        await until(pilot, lambda: screen.filter_text == "status:closed !sokha")
        await pilot.pause(0.1)
        assert screen.filter_text == "status:closed !sokha"  # no older result came after
        assert "kem-sokha-treason" not in screen.case_ids
        assert len(screen.case_ids) == 5
        assert title(screen) == "1 Cases · 5 of 16 · status:closed !sokha"
        # the panes follow the list's first case once typing pauses
        await until(pilot, lambda: screen.case_id == screen.case_ids[0])
        await pilot.press("enter", "s")
        await until(pilot, lambda: screen.sort_label == "latest ruling ↓")
        await until(pilot, lambda: title(screen).endswith("latest ruling ↓ · status:closed !sokha"))
