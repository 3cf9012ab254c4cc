"""The panes draw their scroll bar in their own last column
(``casefiles.tui.widgets.drawnbar``) instead of mounting Textual's bar widget,
and it behaves as that bar did: the thumb shows where the view is, a click on
the track scrolls a page, the thumb drags, the wheel scrolls an info pane.
What is drawn is read back from the screen's rendered lines."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual import events
from textual.scrollbar import ScrollBar

from casefiles.generate import write_generated
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.widgets import CitesPane, InfoPane, LineList
from tests.tui.conftest import SIZE, main_of, make_app, sync


@pytest.fixture(scope="module")
def many_cases(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A 300-case generated store: the cases list overflows its pane."""
    path = tmp_path_factory.mktemp("g300") / "casefiles.json"
    write_generated(path, 300)
    return Store.load(path)


def bar_cells(app: CaseFilesApp, pane: LineList | InfoPane) -> list[Segment]:
    """The pane's last column as the screen shows it, top to bottom."""
    region = pane.content_region
    strips = app.screen._compositor.render_strips()
    x = region.right - 1
    cells = []
    for y in range(region.y, region.bottom):
        for segment in strips[y].crop(x, x + 1):
            cells.append(segment)
    return cells


def thumb_rows(cells: list[Segment]) -> list[int]:
    """Rows of the bar that show the thumb (drawn reversed, or an eighth glyph)."""
    return [
        y
        for y, cell in enumerate(cells)
        if (cell.style is not None and cell.style.reverse) or cell.text.strip()
    ]


@sync
async def test_the_thumb_shows_where_the_list_is(many_cases: Store) -> None:
    app = make_app(many_cases)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not list(app.screen.query(ScrollBar))  # no bar widget is mounted
        cases = main_of(app).pane("cases")
        height = cases.content_region.height
        top = thumb_rows(bar_cells(app, cases))
        assert top and top[0] == 0 and len(top) < height // 2, top
        await pilot.press("G")
        await pilot.pause()
        assert cases.cursor == 299
        bottom = thumb_rows(bar_cells(app, cases))
        assert bottom and bottom[-1] == height - 1, bottom
        # the rows are drawn left of the bar, which is not cut into
        first = app.screen._compositor.render_strips()[cases.content_region.y]
        row = "".join(
            s.text for s in first.crop(cases.content_region.x, cases.content_region.right)
        )
        assert len(row) == cases.content_region.width


@sync
async def test_a_click_on_the_track_pages_and_the_thumb_drags(many_cases: Store) -> None:
    app = make_app(many_cases)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        cases = main_of(app).pane("cases")
        height = cases.content_region.height
        # offsets from the pane's corner: inside its border
        left, top = cases.content_region.x - cases.region.x, cases.content_region.y - cases.region.y
        column = left + cases.content_region.width - 1
        assert await pilot.click("#cases", offset=(column, top + height - 2))
        await pilot.pause()
        paged = cases.scroll_y
        assert paged >= height - 2, paged
        assert cases.cursor == 0  # a click on the bar chooses no row
        thumb = thumb_rows(bar_cells(app, cases))
        assert thumb and thumb[0] > 0
        grab = top + thumb[len(thumb) // 2]
        await pilot.mouse_down("#cases", offset=(column, grab))
        await pilot.hover("#cases", offset=(column, grab + 3))
        await pilot.mouse_up("#cases", offset=(column, grab + 3))
        await pilot.pause()
        assert cases.scroll_y > paged + 3 * 300 / height - 2, (paged, cases.scroll_y)
        assert thumb_rows(bar_cells(app, cases))[0] >= thumb[0] + 2
        assert cases.cursor == 0


@sync
async def test_the_wheel_scrolls_an_info_pane(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = app.screen.query_one("#case-header", InfoPane)
        assert header.max_scroll_y > 0  # the first case's summary overflows at 80×24
        before = thumb_rows(bar_cells(app, header))
        wheel = events.MouseScrollDown(header, 3, 1, 0, 1, 0, False, False, False)
        header.post_message(wheel)
        await pilot.pause()
        assert header.scroll_y > 0
        after = thumb_rows(bar_cells(app, header))
        assert after != before


@sync
async def test_a_click_on_the_cites_bar_moves_no_cite_cursor(bundled_store: Store) -> None:
    """The bar's column belongs to the bar: a click there scrolls, it does not
    put the Cites pane's cursor on the cite drawn beside it (nor read it)."""
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        cites = app.screen.query_one("#cites", CitesPane)
        assert len(cites.targets) >= 2
        line, _ = cites.targets[1]
        row = cites.line_span(line)[0] - round(cites.scroll_y)
        left, top = cites.content_region.x - cites.region.x, cites.content_region.y - cites.region.y
        bar = left + cites.content_region.width - 1
        assert await pilot.click("#cites", offset=(bar, top + row))
        await pilot.pause()
        assert cites.cursor == 0
        assert await pilot.click("#cites", offset=(left + 3, top + row))  # beside it: moves
        await pilot.pause()
        assert cites.cursor == 1
