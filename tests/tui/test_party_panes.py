"""Every pane of the party view is reachable from the keyboard and usable at
80×24 (issue 12 items 3 and 4, as on the main screen): ``tab``/``shift+tab`` and
the pane keys reach the Cites pane, its cursor walks the cites (``enter`` reads
the cite at its quote, ``y`` copies it), ``z`` zooms the focused pane and back,
and on a short or narrow terminal the panes not in use fold to their title."""

from __future__ import annotations

from typing import Any

import pytest

from casefiles.citation import quote_citation
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.party import FOCUS_ORDER, NUMBERED, PartyScreen
from casefiles.tui.widgets import CitesPane
from casefiles.tui.widgets.paneset import ZOOMED
from tests.tui.conftest import SIZE, make_app, sync

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
PARTY = "tep-vanny"
#: In the bundled file: a party whose first event is cited with three quotes of one source.
QUOTED = "chin-malin"


def party(app: CaseFilesApp) -> PartyScreen:
    screen = app.screen
    assert isinstance(screen, PartyScreen), screen
    return screen


def focused_id(app: CaseFilesApp) -> str | None:
    return app.focused.id if app.focused is not None else None


def content_rows(widget: Any) -> int:
    """Lines of text a pane shows now (its region less its border)."""
    return int(widget.scrollable_content_region.height)


def cites_of(app: CaseFilesApp) -> CitesPane:
    return party(app).query_one("#party-cites", CitesPane)


async def open_party(app: CaseFilesApp, pilot: Any, party_id: str = PARTY) -> PartyScreen:
    await pilot.pause()
    app.open_party(party_id)
    await pilot.pause()
    return party(app)


def _quoted(cites: CitesPane) -> list[int]:
    """Indexes (in ``targets``) of the cites that quote their source."""
    return [i for i, (_, cite) in enumerate(cites.targets) if cite.quote]


async def to_a_row_with_two_quotes(app: CaseFilesApp, pilot: Any) -> None:
    """Put the events cursor on the first event cited with two quotes or more."""
    screen = party(app)
    await pilot.press("2")
    for _ in range(len(screen.events)):
        await pilot.pause()
        if len(_quoted(cites_of(app))) >= 2:
            return
        await pilot.press("j")
    raise AssertionError("no event of the party is cited with two quotes")


# -- focus


@sync
async def test_tab_and_shift_tab_reach_every_pane_and_the_cites(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_party(app, pilot)
        assert focused_id(app) == "party-cases"
        start = FOCUS_ORDER.index("party-cases")
        order = FOCUS_ORDER[start + 1 :] + FOCUS_ORDER[: start + 1]
        for name in order:
            await pilot.press("tab")
            assert focused_id(app) == name
        for name in reversed(order[:-1]):
            await pilot.press("shift+tab")
            assert focused_id(app) == name, name
        await pilot.press("shift+tab")
        assert focused_id(app) == "party-cases"
        await pilot.press("h")
        assert focused_id(app) == "party-header"
        await pilot.press("l")
        assert focused_id(app) == "party-cases"


@sync
async def test_the_pane_keys_reach_every_pane(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_party(app, pilot)
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            assert focused_id(app) == name, number
        assert NUMBERED[6] == "party-cites"


@sync
async def test_help_words_the_pane_keys_of_the_party_view(bundled_store: Store) -> None:
    """The pane keys mean other panes in the party view; help says which, from
    the party view's own titles (``0 Party`` → "0 the party")."""
    from casefiles.tui.screens.help import HelpScreen
    from casefiles.tui.screens.party import TITLES

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_party(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        line = next(ln for ln in app.screen.plain.splitlines() if "party view:" in ln)
        for number, name in NUMBERED.items():
            title = TITLES[name].partition(" ")[2].lower()
            assert (
                f"{number} the {title}" in line
                or f"{number} their {title}" in line
                or (f"{number} {title}" in line)
            ), (number, title, line)


@sync
async def test_the_cites_keep_the_row_of_the_list_used_last(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_party(app, pilot)
        await pilot.press("4", "j")
        await pilot.pause()
        row = screen.sentences.current
        before = cites_of(app).plain
        await pilot.press("6")
        await pilot.pause()
        assert cites_of(app).plain == before
        assert screen.current_row() is row  # the app's keys still act on that sentence


# -- the cites cursor


@sync
async def test_enter_on_the_second_cite_reads_the_second_quote(bundled_store: Store) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_party(app, pilot, QUOTED)
        await to_a_row_with_two_quotes(app, pilot)
        cites = cites_of(app)
        first, second = _quoted(cites)[:2]
        await pilot.press("6")
        assert cites.cursor == 0
        for _ in range(second):
            await pilot.press("j")
        assert cites.cursor == second
        cite = cites.current
        assert cite is not None and cite.quote
        assert cite.quote != cites.targets[first][1].quote
        await pilot.press("enter")
        await pilot.pause(0.3)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.source_id == cite.source_id
        for _ in range(30):  # the article is prepared in a thread
            if reader.current_quote() is not None:
                break
            await pilot.pause(0.1)
        assert reader.current_quote() == cite.quote
        assert reader.quotes.index(cite.quote) > 0, "not the reader's first quote"
        await pilot.press("escape")
        await pilot.pause()
        assert focused_id(app) == "party-cites", "back to the pane used last"
        assert cites.cursor == second


@sync
async def test_o_reads_and_y_copies_the_cite_under_the_cursor(bundled_store: Store) -> None:
    from casefiles.tui.screens.reader import ReaderScreen

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_party(app, pilot, QUOTED)
        await to_a_row_with_two_quotes(app, pilot)
        cites = cites_of(app)
        second = _quoted(cites)[1]
        await pilot.press("6", *["down"] * second)
        cite = cites.current
        assert cite is not None and cite.quote
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == quote_citation(bundled_store, cite.source_id, cite.quote)
        await pilot.press("o")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.source_id == cite.source_id


# -- zoom


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@sync
async def test_z_zooms_every_pane_and_back(bundled_store: Store, size: tuple[int, int]) -> None:
    width, height = size
    app = make_app(bundled_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_party(app, pilot)
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            await pilot.pause()
            pane = screen.query_one(f"#{name}")
            before = pane.region
            await pilot.press("z")
            await pilot.pause()
            assert screen.maximized is pane, name
            assert pane.region.width == width and pane.region.height == height - 1, pane.region
            assert str(pane.border_title).endswith(ZOOMED)
            assert pane.has_focus
            await pilot.press("z")
            await pilot.pause()
            assert screen.maximized is None, name
            assert pane.region == before, name
            assert ZOOMED not in str(pane.border_title)


@sync
async def test_the_zoom_follows_the_focus_and_keeps_the_keys(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_party(app, pilot)
        await pilot.press("4", "z", "j", "j")
        await pilot.pause()
        assert screen.maximized is screen.sentences
        assert screen.sentences.cursor >= 2
        await pilot.press("tab")
        await pilot.pause()
        assert screen.maximized is screen.events
        assert ZOOMED not in str(screen.sentences.border_title)
        await pilot.press("6")
        await pilot.pause()
        cites = cites_of(app)
        assert screen.maximized is cites
        assert content_rows(cites) >= 20
        await pilot.press("escape")  # esc leaves the zoom first
        await pilot.pause()
        assert screen.maximized is None
        assert app.screen is screen


# -- 80×24


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@sync
async def test_every_pane_is_usable_at(bundled_store: Store, size: tuple[int, int]) -> None:
    """Focused, each pane shows three rows or more; the others their title at least."""
    width, height = size
    app = make_app(bundled_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_party(app, pilot)
        for number, name in NUMBERED.items():
            await pilot.press(str(number))
            await pilot.pause()
            pane = screen.query_one(f"#{name}")
            assert content_rows(pane) >= 3, (size, name, pane.region)
            for other in FOCUS_ORDER:
                region = screen.query_one(f"#{other}").region
                assert region.height >= 1, (size, name, other)
                assert region.right <= width and region.bottom <= height - 1, (other, region)
        # beside a list, its row's cites stay open
        await pilot.press("2")
        await pilot.pause()
        assert content_rows(cites_of(app)) >= 3


@sync
async def test_a_resize_folds_and_unfolds_the_panes(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_party(app, pilot)
        await pilot.press("4")
        assert not screen.has_class("-folded")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("-folded")
        assert content_rows(screen.sentences) >= 5
        assert screen.events.region.height == 1
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.has_class("-folded")
        assert content_rows(screen.events) >= 3


def party_first(party_id: str) -> Any:
    """A snapshot's ``run_before``: the party view of ``party_id`` opened."""

    async def before(pilot: Any) -> None:
        await open_party(pilot.app, pilot, party_id)

    return before


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_party_cites_cursor_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    """The Cites pane focused, its cursor on the second cite of the first event."""
    assert snap_compare(
        make_app(bundled_store),
        terminal_size=size,
        run_before=party_first(QUOTED),
        press=["2", "6", "j"],
    )


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_party_zoomed_events_snapshot(
    snap_compare: Any, bundled_store: Store, size: tuple[int, int]
) -> None:
    assert snap_compare(
        make_app(bundled_store), terminal_size=size, run_before=party_first(PARTY), press=["2", "z"]
    )
