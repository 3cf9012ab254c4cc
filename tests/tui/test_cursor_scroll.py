"""The cursor marker follows the selection after a list has scrolled (issue 8:
``PgDn PgDn PgDn k`` on a 3,000-case store left ▶ on the bottom row while the
Case pane showed the case above it).  What is drawn is read back from the
screen's rendered lines, not from the widget's state."""

from __future__ import annotations

import pytest
from conftest import SIZE, make_app, sync

from casefiles import model
from casefiles.generate import write_generated
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.widgets import InfoPane, LineList


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A 3,000-case generated store (real file, real load)."""
    path = tmp_path_factory.mktemp("g3k") / "casefiles.json"
    write_generated(path, 3000)
    return Store.load(path)


def screen_rows(app: CaseFilesApp, pane: LineList) -> list[str]:
    """The pane's lines as the screen shows them (after the compositor)."""
    region = pane.content_region
    strips = app.screen._compositor.render_strips()
    return [
        "".join(seg.text for seg in strips[y].crop(region.x, region.right))
        for y in range(region.y, region.bottom)
    ]


@sync
async def test_marker_is_on_the_selected_case_after_paging(big_store: Store) -> None:
    app = make_app(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("pagedown", "pagedown", "pagedown", "k"):
            await pilot.press(key)
            await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        cases = main.pane("cases")
        assert cases.scroll_y > 0
        shown = screen_rows(app, cases)
        marked = [i for i, line in enumerate(shown) if line.startswith("▶")]
        assert len(marked) == 1, shown
        row = marked[0] + round(cases.scroll_y)
        assert row == cases.cursor
        case = big_store.get(model.CASES, main.case_id or "")
        assert case is not None
        title = main.query_one("#case-header", InfoPane).plain.splitlines()[0]
        assert title == case["title"]
        assert main.case_id == cases.source.row(row).id
