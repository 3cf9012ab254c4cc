"""``z`` zooms the focused pane of the main screen to the whole screen and back
(lazygit's screen mode, issue 12 item 4): for every pane, through a resize,
following the focus, and said in the pane's title."""

from __future__ import annotations

from typing import Any

import pytest

from casefiles.store import Store
from casefiles.tui.screens.main import FOCUS_ORDER, NUMBERED, TITLES, ZOOMED
from tests.tui.conftest import SIZE, main_of, make_app, sync

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def title_of(widget: Any) -> str:
    return str(widget.border_title)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@sync
async def test_z_zooms_every_pane_and_back(bundled_store: Store, size: tuple[int, int]) -> None:
    width, height = size
    app = make_app(bundled_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        main = main_of(app)
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            await pilot.pause()
            pane = main.any_pane(name)
            before = pane.region
            await pilot.press("z")
            await pilot.pause()
            assert main.maximized is pane, name
            # the whole screen but the key bar
            assert pane.region.width == width and pane.region.height == height - 1, pane.region
            assert title_of(pane).endswith(ZOOMED), title_of(pane)
            assert pane.has_focus
            await pilot.press("z")
            await pilot.pause()
            assert main.maximized is None, name
            assert pane.region == before, name
            assert ZOOMED not in title_of(pane)


@sync
async def test_the_zoomed_pane_keeps_its_keys(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_of(app)
        await pilot.press("1", "z", "j", "j")
        await pilot.pause()
        cases = main.pane("cases")
        assert cases.cursor == 2
        assert main.case_id == main.case_ids[2]
        await pilot.press("z")
        await pilot.pause()
        assert cases.cursor == 2


@sync
async def test_zoom_survives_a_resize(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = main_of(app)
        await pilot.press("4", "z")
        await pilot.pause()
        sentences = main.pane("sentences")
        for width, height in ((80, 24), (200, 50), (100, 30)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert main.maximized is sentences
            assert sentences.region.width == width
            assert sentences.region.height == height - 1
            assert title_of(sentences).endswith(ZOOMED)
        await pilot.press("z")
        await pilot.pause()
        assert main.maximized is None
        assert main.arrangement == "fold"
        assert sentences.region.height >= 5, "back in the folded layout, open"


@sync
async def test_moving_to_another_pane_zooms_that_one(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_of(app)
        await pilot.press("1", "z", "tab")
        await pilot.pause()
        header = main.any_pane("case-header")
        assert main.maximized is header
        assert title_of(header) == TITLES["case-header"] + ZOOMED
        assert title_of(main.pane("cases")) == f"1 Cases ({len(main.case_ids):,})"
        await pilot.press("6")
        await pilot.pause()
        assert main.maximized is main.any_pane("cites")
        await pilot.press("right_square_bracket")  # a dispute, zoomed too
        await pilot.pause()
        pane = main.focused_pane()
        assert main.maximized is pane
        assert pane.current is not None and pane.current.conflict
        await pilot.press("escape")  # esc leaves the zoom too
        await pilot.pause()
        assert main.maximized is None
        for name in FOCUS_ORDER:
            assert ZOOMED not in title_of(main.any_pane(name))


@sync
async def test_a_title_set_while_zoomed_keeps_the_mark(bundled_store: Store) -> None:
    """Narrowing the sentences to a level re-titles the pane; zoomed, it says so still."""
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_of(app)
        await pilot.press("4", "z")
        await pilot.pause()
        main.narrow("appeal")
        await pilot.pause()
        title = title_of(main.pane("sentences"))
        assert "Appeal only" in title or "appeal only" in title, title
        assert title.endswith(ZOOMED)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_zoomed_sentences_snapshot(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(small_store), terminal_size=size, press=["4", "j", "z"])


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_zoomed_cites_snapshot(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(small_store), terminal_size=size, press=["2", "6", "z", "j"])
