"""``t``: the timeline of the case (main screen) or the person (party view),
scrolled with the list keys and closed with ``esc``, ``q`` or ``t``; the key
table's ``timeline`` entry is what the running screen has active.  Snapshots
at 80×24 and 120×40 (Tep Vanny: nothing in them depends on today)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SIZE, make_app, sync

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen
from casefiles.tui.screens.timeline import TimelineScreen

SIZES = [(80, 24), (120, 40)]


def timeline(app: CaseFilesApp) -> TimelineScreen:
    screen = app.screen
    assert isinstance(screen, TimelineScreen), screen
    return screen


@sync
async def test_t_on_a_case_draws_its_timeline_and_esc_closes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_case("tep-vanny-2013-protest")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = timeline(app)
        text = screen.plain
        assert "Tep Vanny" in text and "█" in text and "✕" in text
        assert "custody 15 Aug 2016 – 20 Aug 2018 (pardon)" in text
        assert screen.lay is not None and screen.lay.width == SIZE[0] - 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.case_id == "tep-vanny-2013-protest"


@sync
async def test_t_on_the_party_view_draws_the_person_and_q_closes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_party("tep-vanny")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = timeline(app)
        assert "Timeline of the person" in str(screen.query_one("#timeline-title").lines)
        assert "2011 City Hall protest case" in screen.plain
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("t", "t")  # t opens and closes
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)


@sync
async def test_scrolling_the_timeline(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case("adhoc-5-witness-bribery")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        body = timeline(app).body
        assert body.row_count() > body.size.height  # ADHOC 5 is longer than a screen
        assert body.scroll_y == 0
        await pilot.press("j", "j", "down")
        assert body.scroll_y == 3
        await pilot.press("k")
        assert body.scroll_y == 2
        await pilot.press("pagedown")
        assert body.scroll_y > 10
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0
        axis = timeline(app).query_one("#timeline-axis")
        assert "2016" in "".join(p for p, _ in axis.lines[0])  # the axis stays on top
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@sync
async def test_a_resize_lays_the_timeline_out_again(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_case("tep-vanny-2013-protest")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert timeline(app).lay.width == 119  # type: ignore[union-attr]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert timeline(app).lay.width == 79  # type: ignore[union-attr]


@sync
async def test_the_key_table_matches_the_timeline_screen(bundled_store: Store) -> None:
    from casefiles.tui.keys import SCREENS, TEXTUAL_KEYS

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        app.open_case("tep-vanny-2013-protest")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        chain = app.screen._modal_binding_chain
        ids = {b.id for _n, m in chain for g in m.key_to_bindings.values() for b in g if b.id}
        own = {b.key for _n, m in chain for g in m.key_to_bindings.values() for b in g if not b.id}
        assert ids == SCREENS["timeline"]
        assert own == set(TEXTUAL_KEYS["timeline"])


@sync
async def test_no_timeline_where_there_is_no_case(empty_store: Store) -> None:
    app = make_app(empty_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # a notice, no crash


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_timeline_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    async def open_case(pilot: Any) -> None:
        pilot.app.open_case("tep-vanny-2013-protest")
        await pilot.pause()

    assert snap_compare(
        make_app(bundled_store), terminal_size=size, run_before=open_case, press=["t"]
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_person_timeline_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    async def open_party(pilot: Any) -> None:
        pilot.app.open_party("tep-vanny")
        await pilot.pause()

    assert snap_compare(
        make_app(bundled_store), terminal_size=size, run_before=open_party, press=["t"]
    )


@sync
async def test_every_key_of_the_timeline_screen(bundled_store: Store) -> None:
    from casefiles.tui.keys import SPECS

    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case("adhoc-5-witness-bribery")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        body = timeline(app).body
        top, end = 0, body.max_scroll_y
        moves = {
            "casefiles.down": (top, 1),
            "casefiles.up": (5, 4),
            "casefiles.page_down": (top, None),
            "casefiles.page_up": (end, None),
            "casefiles.top": (end, 0),
            "casefiles.bottom": (top, end),
        }
        for binding_id, (start, want) in moves.items():
            for key in SPECS[binding_id].keys.split(","):
                body.scroll_to(y=start, animate=False, immediate=True)
                await pilot.press(key)
                if want is None:
                    assert body.scroll_y != start, (binding_id, key)
                else:
                    assert body.scroll_y == want, (binding_id, key)
        for binding_id in ("casefiles.back", "casefiles.close", "casefiles.timeline"):
            for key in SPECS[binding_id].keys.split(","):
                if not isinstance(app.screen, TimelineScreen):
                    await pilot.press("t")
                    await pilot.pause()
                assert isinstance(app.screen, TimelineScreen)
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, MainScreen), (binding_id, key)


@sync
async def test_markup_in_the_data_is_drawn_literally(hostile_store: Store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("t")
        await pilot.pause()
        text = timeline(app).plain
        assert "[@click=app.quit]" in text  # shown, not run
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert "[@click=app.quit]" in timeline(app).plain
