"""``]`` and ``[`` walk the facts that sources disagree on (⚠) across the
parties, court levels and sentences panes of a case, wrapping round."""

from __future__ import annotations

from casefiles.caseview import CaseView
from casefiles.store import Store
from casefiles.tui.screens.main import FACT_PANES, MainScreen
from tests.tui.conftest import SIZE, make_app, sync

ADHOC = "adhoc-5-witness-bribery"


def _where(main: MainScreen) -> tuple[str, str, str | None]:
    pane = main.focused_pane()
    row = pane.current
    assert row is not None
    return (pane.id or "", row.id, row.conflict)


@sync
async def test_brackets_visit_every_disputed_fact_in_pane_order(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.case_id == ADHOC
        expected = [
            (p, r.id)
            for p in FACT_PANES
            for r in main.pane(p).rows()
            if r.conflict and r.selectable
        ]
        view = CaseView.of(bundled_store, ADHOC)
        assert len(expected) >= len(view.conflicts)  # every group has at least two rows
        seen = []
        for _ in expected:
            await pilot.press("right_square_bracket")
            await pilot.pause()
            pane, key, conflict = _where(main)
            assert conflict is not None
            seen.append((pane, key))
        assert seen == expected
        await pilot.press("right_square_bracket")  # wraps round to the first
        await pilot.pause()
        assert _where(main)[:2] == expected[0]
        await pilot.press("left_square_bracket")  # and back to the last
        await pilot.pause()
        assert _where(main)[:2] == expected[-1]
        # the Cites pane shows every version of the fact under the cursor
        cites = main.query_one("#cites").plain  # type: ignore[attr-defined]
        assert "sources disagree" in cites


@sync
async def test_a_case_without_disputes_says_so(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        quiet = next(c for c in main.case_ids if not CaseView.of(bundled_store, c).conflicts)
        main.show_case(quiet)
        await pilot.pause()
        before = main.focused_pane().id
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert main.focused_pane().id == before
        assert any("disputed" in str(n.message) for n in app._notifications)
