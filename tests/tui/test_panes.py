"""Every pane of the main screen is reachable from the keyboard (issue 12 item 3)
and usable on a narrow terminal (item 4): the Case and Cites panes take focus
and scroll, a cursor walks the cites (``enter`` reads the cite at its quote,
``y`` copies it), and the layout folds the panes below 100 columns or 36 rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casefiles.citation import quote_citation
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.main import FOCUS_ORDER, NUMBERED, layout_for
from casefiles.tui.widgets import CitesPane, InfoPane
from tests.tui.conftest import SIZE, main_of, make_app, sync

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def focused_id(app: CaseFilesApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def border(widget: Any) -> str:
    """The line style of a pane's top border (``heavy`` when focused)."""
    return str(widget.styles.border_top[0])


def content_rows(widget: Any) -> int:
    """Lines of text a pane shows now (its region less its border)."""
    return int(widget.scrollable_content_region.height)


# -- focus


@sync
async def test_tab_and_shift_tab_go_round_all_seven_panes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert focused_id(app) == "cases"
        for name in (*FOCUS_ORDER[1:], FOCUS_ORDER[0]):
            await pilot.press("tab")
            assert focused_id(app) == name
        for name in reversed(FOCUS_ORDER):
            await pilot.press("shift+tab")
            assert focused_id(app) == name
        await pilot.press("1", "l")
        assert focused_id(app) == "case-header"
        await pilot.press("h")
        assert focused_id(app) == "cases"


@sync
async def test_pane_keys_reach_the_case_and_cites_panes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            assert focused_id(app) == name, number
        # the focused info pane draws the focus border like the lists do
        await pilot.press("0")
        header = main_of(app).query_one("#case-header", InfoPane)
        assert header.has_focus
        assert border(header) == "heavy"
        await pilot.press("6")
        assert border(header) == "round"
        assert border(main_of(app).query_one("#cites", CitesPane)) == "heavy"


@sync
async def test_focusing_the_case_or_cites_pane_keeps_the_row_they_show(
    bundled_store: Store,
) -> None:
    """The Cites pane keeps the cites of the fact that was under the cursor when
    the focus moves to it (it does not fall back to the case's cites)."""
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_of(app)
        await pilot.press("4", "j")
        await pilot.pause()
        row = main.pane("sentences").current
        assert row is not None
        cites = main.query_one("#cites", CitesPane)
        before = cites.plain
        await pilot.press("6")
        await pilot.pause()
        assert cites.plain == before
        assert main.current_row() is row  # y, o, O still act on that sentence
        await pilot.press("0")
        await pilot.pause()
        assert cites.plain == before


# -- scrolling


@sync
async def test_the_case_pane_scrolls_with_the_list_keys(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        header = main_of(app).query_one("#case-header", InfoPane)
        assert header.max_scroll_y > 0, "the bundled first case's header overflows"
        assert header.scroll_y == 0
        await pilot.press("down")
        assert header.scroll_y == 1
        await pilot.press("j", "k", "k")
        assert header.scroll_y == 0
        await pilot.press("end")
        assert header.scroll_y == header.max_scroll_y
        await pilot.press("home")
        assert header.scroll_y == 0
        await pilot.press("pagedown")
        assert header.scroll_y == min(header.max_scroll_y, content_rows(header) - 1)
        await pilot.press("pageup")
        assert header.scroll_y == 0


@sync
async def test_the_cites_cursor_moves_from_cite_to_cite_and_scrolls(
    bundled_store: Store,
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        cites = main_of(app).query_one("#cites", CitesPane)
        n = len(cites.targets)
        assert n >= 3, cites.plain
        assert cites.cursor == 0
        for i in range(1, n):
            await pilot.press("down")
            assert cites.cursor == i
            first, _ = cites.line_span(cites.targets[i][0])
            top = round(cites.scroll_y)
            assert top <= first < top + content_rows(cites), "the cursor's cite is in view"
        await pilot.press("up")
        assert cites.cursor == n - 2
        await pilot.press("home")
        assert (cites.cursor, cites.scroll_y) == (0, 0)
        await pilot.press("end")
        assert cites.cursor == n - 1
        await pilot.press("pageup")
        assert cites.cursor < n - 1
        # the cursor mark is drawn beside the cite while the pane has focus
        line = cites.targets[cites.cursor][0]
        first, _ = cites.line_span(line)
        strip = cites.render_line(first - round(cites.scroll_y))
        assert strip.text.startswith("▶ ")


def _second_quote(cites: CitesPane) -> int:
    """The index (in ``targets``) of the second quoted cite of a source that has
    an earlier quoted cite too."""
    seen: dict[str, int] = {}
    for i, (_, cite) in enumerate(cites.targets):
        if cite.quote:
            seen[cite.source_id] = seen.get(cite.source_id, 0) + 1
            if seen[cite.source_id] == 2:
                return i
    raise AssertionError("no source quoted twice here")


@sync
async def test_enter_on_a_cite_opens_the_reader_at_that_quote(bundled_store: Store) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        cites = main_of(app).query_one("#cites", CitesPane)
        target = _second_quote(cites)
        for _ in range(target):
            await pilot.press("down")
        cite = cites.current
        assert cite is not None and cite.quote
        await pilot.press("enter")
        await pilot.pause(0.3)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.source_id == cite.source_id
        for _ in range(20):  # the article is prepared in a thread
            if reader.current_quote() is not None:
                break
            await pilot.pause(0.1)
        assert reader.current_quote() == cite.quote
        assert reader.quotes.index(cite.quote) > 0, "not the reader's first quote"


@sync
async def test_y_on_a_cite_copies_the_quote_and_its_source(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("6")
        cites = main_of(app).query_one("#cites", CitesPane)
        target = _second_quote(cites)
        for _ in range(target):
            await pilot.press("down")
        cite = cites.current
        assert cite is not None and cite.quote
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == quote_citation(bundled_store, cite.source_id, cite.quote)
        await pilot.press("home", "y")  # a cite without a quote: its source
        await pilot.pause()
        first = cites.targets[0][1]
        assert first.source_id in bundled_store.table("sources")
        source = bundled_store.get("sources", first.source_id)
        assert source is not None
        assert str(source["title"]) in app.clipboard


@sync
async def test_shift_o_on_a_cite_opens_that_cite_s_source(
    bundled_store: Store, tmp_path: Path
) -> None:
    from casefiles.tui.config import load_config
    from casefiles.tui.opener import plan_open

    marker = tmp_path / "opened.txt"
    script = tmp_path / "opener.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {marker}\n', encoding="utf-8")
    script.chmod(0o755)
    config = load_config(tmp_path / "none.toml")
    config.opener = [str(script)]
    app = make_app(bundled_store, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("6", "j")
        cites = main_of(app).query_one("#cites", CitesPane)
        cite = cites.current
        assert cite is not None and cite.source_id != cites.targets[0][1].source_id
        source = bundled_store.get("sources", cite.source_id)
        assert source is not None
        expected = plan_open(source, bundled_store.path.parent, config.opener).target
        await pilot.press("O")
        for _ in range(50):
            if marker.exists():
                break
            await pilot.pause(0.05)
        assert marker.read_text(encoding="utf-8") == expected


@sync
async def test_the_cites_of_a_disputed_fact_are_every_version_s(bundled_store: Store) -> None:
    """On a fact under conflict the cursor walks the cites of every version."""
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        cites = main_of(app).query_one("#cites", CitesPane)
        assert "sources disagree" in cites.plain
        lines = cites.plain.splitlines()
        assert cites.targets, cites.plain
        for line, cite in cites.targets:
            assert lines[line].strip().startswith(cite.source_id)


# -- layouts


def test_the_layout_follows_the_terminal_size() -> None:
    assert layout_for(80, 24) == "stack"
    assert layout_for(99, 60) == "stack"
    assert layout_for(100, 30) == "fold"
    assert layout_for(120, 40) == "wide"
    assert layout_for(200, 50) == "wide"


@sync
async def test_at_80x24_every_pane_opens_to_three_rows_or_more(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = main_of(app)
        assert main.arrangement == "wide"
        for name in FOCUS_ORDER:
            assert content_rows(main.any_pane(name)) >= 1, name
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert main.arrangement == "stack"
        assert main.has_class("layout-stack")
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            await pilot.pause()
            pane = main.any_pane(name)
            assert content_rows(pane) >= 3, (name, pane.region)
            assert pane.region.right <= 80 and pane.region.bottom <= 23, (name, pane.region)
            # every other pane still shows its title line
            for other in FOCUS_ORDER:
                assert main.any_pane(other).region.height >= 1, (name, other)
        # beside a fact pane, the cites of its row stay open
        await pilot.press("4")
        await pilot.pause()
        assert content_rows(main.any_pane("cites")) >= 3
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert main.arrangement == "wide"
        for name in FOCUS_ORDER:
            assert content_rows(main.any_pane(name)) >= 1, name


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 50)])
@sync
async def test_every_pane_is_usable_at(bundled_store: Store, size: tuple[int, int]) -> None:
    width, height = size
    app = make_app(bundled_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        main = main_of(app)
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            await pilot.pause()
            pane = main.any_pane(name)
            assert content_rows(pane) >= 3, (size, name, pane.region)
            for other in FOCUS_ORDER:
                region = main.any_pane(other).region
                assert region.right <= width and region.bottom <= height - 1, (other, region)


@sync
async def test_brackets_walk_the_disputes_in_the_stacked_layout(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = main_of(app)
        seen = []
        for _ in range(3):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            pane = main.focused_pane()
            assert pane.current is not None and pane.current.conflict
            assert content_rows(pane) >= 3, "the pane with the dispute opens"
            top = round(pane.scroll_y)
            assert top <= pane.cursor < top + content_rows(pane), "its row is in view"
            seen.append((pane.id, pane.cursor))
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (main.focused_pane().id, main.focused_pane().cursor) == seen[1]


@sync
async def test_the_filter_line_opens_the_cases_pane_it_filters(bundled_store: Store) -> None:
    """``f`` from a fact pane at 80×24 (cases folded) or zoomed: the cases list
    opens (or is zoomed) under the filter line."""
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = main_of(app)
        cases = main.pane("cases")
        await pilot.press("4")
        await pilot.pause()
        assert content_rows(cases) == 0
        await pilot.press("f")
        await pilot.pause()
        assert content_rows(cases) >= 3
        line = main.filter_line()
        assert line.is_open
        assert cases.region.y <= line.region.y <= cases.region.bottom
        await pilot.press("escape", "4", "z", "f")
        await pilot.pause()
        assert main.maximized is cases


@sync
async def test_an_empty_store_still_explains_itself_when_narrow(empty_store: Store) -> None:
    app = make_app(empty_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = main_of(app).query_one("#case-header", InfoPane)
        assert content_rows(header) >= 6
        for key in ("0", "6", "tab", "z", "z", "shift+tab", "down"):
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running


def test_stack_zoom_and_resize_in_a_real_terminal(tmp_path: Path) -> None:
    """The console script in tmux at 80×24: the panes stacked with their titles,
    ``6`` opens the cites, ``z`` zooms them, the zoom outlives a resize to
    120×40, and ``z`` again shows the wide layout."""
    import shutil as _shutil

    from tests.tui import test_tmux as real

    if _shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (make system-deps installs it)")
    folder = tmp_path / "data"
    _shutil.copytree(real.DATA, folder)
    home = tmp_path / "home"
    env = (
        f"HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data "
        f"XDG_CACHE_HOME={home}/cache CASEFILES_CONFIG={home}/config.toml "
        "TERM=xterm-256color"
    )
    name = f"cfpanes-{tmp_path.name[-12:]}".replace(".", "-")
    command = (
        f"env -u COLUMNS -u LINES {env} {real.SCRIPT} --store {folder / 'casefiles.json'}; sleep 30"
    )
    try:
        real.tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
        real.wait_for(name, "1 Cases (")
        # the first frames may still be drawing the folded panes: wait for each title
        for title in ("0 Case", "2 Parties", "3 Court levels", "4 Sentences", "5 Sources"):
            real.wait_for(name, title)
        real.tmux("send-keys", "-t", name, "6")
        shown = real.wait_for(name, "━ 6 Cites ━")
        assert "─4 Sentences─" in shown, "the others folded to their title line"
        real.tmux("send-keys", "-t", name, "z")
        shown = real.wait_for(name, "6 Cites · zoomed (z)")
        assert "4 Sentences" not in shown
        real.tmux("resize-window", "-t", name, "-x", "120", "-y", "40")
        shown = real.wait_for(name, "━" * 100)  # the zoomed box is 120 wide now
        assert "6 Cites · zoomed (z)" in shown
        real.tmux("send-keys", "-t", name, "z")
        shown = real.wait_for(name, "╭─ 4 Sentences ─")
        assert "zoomed" not in shown
        assert "╭─ 1 Cases (" in shown, "the wide layout: every pane open"
    finally:
        real.tmux("kill-session", "-t", name)


# -- snapshots


async def _to_a_dispute_s_second_cite(pilot: Any) -> None:
    """``]``, ``6``, ``j``; then let the Cites pane's quote checks (a thread)
    finish and draw."""
    await pilot.press("right_square_bracket", "6", "j")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_cites_cursor_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    """The Cites pane focused on the versions of a disputed fact, its cursor on
    the second cite (at 80×24: the stacked layout)."""
    assert snap_compare(
        make_app(bundled_store), terminal_size=size, run_before=_to_a_dispute_s_second_cite
    )


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_sentences_open_snapshot(
    snap_compare: Any, small_store: Store, size: tuple[int, int]
) -> None:
    """A fact pane in use: at 80×24 it opens in the stack with its cites beside."""
    assert snap_compare(make_app(small_store), terminal_size=size, press=["4", "j"])


def test_folded_layout_snapshot(snap_compare: Any, small_store: Store) -> None:
    """100×30: cases on the left, the right-hand panes folded."""
    assert snap_compare(make_app(small_store), terminal_size=(100, 30), press=["2", "j"])
