"""The panes' tag and cursor colours come from the app, once per theme
(``casefiles.tui.widgets.tags``): the panes carry no component classes of
their own, a theme switch recolours every pane, and what a switched app draws
is what an app started in that theme draws."""

from __future__ import annotations

from rich.style import Style

from casefiles.store import Store
from casefiles.tui.config import Config
from casefiles.tui.widgets import CitesPane, LineList
from casefiles.tui.widgets.tags import TAG_CLASSES, tag_styles
from tests.tui.conftest import SIZE, make_app, sync


def drawn(app: object) -> list[list[tuple[str, Style | None]]]:
    """Every line of the cases pane, character by character with its style."""
    pane = app.screen.query_one("#cases", LineList)  # type: ignore[attr-defined]
    lines = [pane.render_line(y) for y in range(4)]
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in lines]


@sync
async def test_panes_have_no_component_classes_of_their_own(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert set(TAG_CLASSES) <= app._get_component_classes()
        panes = list(app.screen.query("LineList, InfoPane"))
        assert len(panes) == 7
        assert any(isinstance(pane, CitesPane) for pane in panes)
        for pane in panes:
            assert not pane._get_component_classes(), pane


@sync
async def test_a_theme_switch_recolours_the_panes_as_a_start_in_that_theme(
    bundled_store: Store,
) -> None:
    dark = make_app(bundled_store)
    async with dark.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = drawn(dark)
        cursor_dark = tag_styles(dark)["cursor"]
        dark.theme = "gruvbox"
        await pilot.pause()
        switched = drawn(dark)
        assert tag_styles(dark)["cursor"] != cursor_dark
    assert switched != before
    light = make_app(bundled_store, Config(theme="gruvbox"))
    async with light.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert drawn(light) == switched


def brightness(style: Style) -> int:
    """The sum of a style's foreground red, green and blue."""
    assert style.color is not None
    triplet = style.color.get_truecolor()
    return triplet.red + triplet.green + triplet.blue


@sync
async def test_muted_text_is_dimmer_than_the_text_beside_it(bundled_store: Store) -> None:
    """``$text-muted`` (``auto 60%``) is blended into the background: the muted
    pieces and the empty-list note are greyer than a pane's own text, not white."""
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        styles = tag_styles(app)
        text = app.screen.query_one("#cases", LineList).rich_style
        for name in ("dim", "empty"):
            assert brightness(styles[name]) < brightness(text), name
        assert styles["empty"].italic
        assert styles["dim"].bgcolor is None  # laid over text, never hiding a cursor
