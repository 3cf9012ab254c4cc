"""The key bar while the filter line has the keyboard (issue 12 item 7): it
shows what works there (``esc`` clears the filter, ``enter`` keeps it) and no
key the text field takes as text (``/`` types a slash there, ``esc`` does not
go back).

Real parts: a temporary copy of the bundled store, Pilot.
"""

from __future__ import annotations

from typing import Any

from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.keys import SPECS, short_key
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.widgets import KeyBar
from tests.tui.conftest import make_app, sync

WIDE = (240, 40)


def shown(app: CaseFilesApp) -> list[str]:
    return app.screen.query_one(KeyBar).shown_ids


def bar_text(app: CaseFilesApp) -> str:
    return str(app.screen.query_one(KeyBar).render())


def typed_keys(ids: list[str]) -> list[str]:
    """The shown ids whose first key types a character."""
    from casefiles.tui.keys import CHARACTER_NAMES

    out = []
    for binding_id in ids:
        key = SPECS[binding_id].keys.split(",")[0]
        if "+" not in key and (len(key) == 1 or key in CHARACTER_NAMES or key == "space"):
            out.append(binding_id)
    return out


@sync
async def test_the_bar_over_the_filter_line_shows_its_keys(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "casefiles.back" in shown(app)  # the cases pane: esc goes back
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.filter_line().is_open
        ids = shown(app)
        text = bar_text(app)
        assert "casefiles.back" not in ids, text
        assert "casefiles.search" not in ids, text
        assert not typed_keys(ids), text
        assert {"casefiles.filter_clear", "casefiles.filter_keep"} <= set(ids), text
        assert "esc clear" in text and f"{short_key('enter')} keep" in text
        assert ids[-1] == "casefiles.quit" or "casefiles.quit" not in ids
        # what the bar says is what the keys do: / types, esc clears and closes
        await pilot.press("slash")
        assert app.screen.filter_line().text.endswith("/")
        await pilot.press("backspace", "escape")
        await pilot.pause()
        assert not app.screen.filter_line().is_open
        assert "casefiles.back" in shown(app)
        assert "casefiles.filter_clear" not in shown(app)


@sync
async def test_enter_keeps_the_filter_and_the_bar_returns(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen: Any = app.screen
        await pilot.press("f")
        await pilot.pause()
        for ch in "status:":
            await pilot.press(ch)
        await pilot.press("p", "e", "n", "d", "i", "n", "g", "enter")
        await pilot.pause(0.3)
        assert not screen.filter_line().is_open
        assert screen.filter_text == "status:pending"
        assert "casefiles.filter_keep" not in shown(app)
        assert "casefiles.search" in shown(app)
