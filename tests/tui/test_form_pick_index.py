"""A form with a party, court or source field starts its picker's choice index
in a thread as it opens (issue 10, pickers): on a big store the first ``enter``
on such a field then opens the picker at once instead of waiting for the index.

Real parts: a temporary copy of the bundled store, real rapidfuzz, Pilot.
"""

from __future__ import annotations

import time

from casefiles.edit.pick import Choices
from casefiles.store import Store
from casefiles.tui.screens.form import FormScreen
from casefiles.tui.screens.picker import PickerScreen
from tests.tui.conftest import make_app, sync


@sync
async def test_the_party_index_is_ready_after_the_form_opened(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not Choices(store, "parties").ready  # nothing built it yet
        await pilot.press("2")
        await pilot.pause()
        row = app.main.pane("parties").current
        assert row is not None and row.kind == "party"
        await pilot.press("e")
        deadline = time.monotonic() + 20
        while not isinstance(app.screen, FormScreen):
            assert time.monotonic() < deadline, "no form"
            await pilot.pause(0.05)
        while not Choices(store, "parties").ready:
            assert time.monotonic() < deadline, "the party index was never built"
            await pilot.pause(0.05)
        assert isinstance(app.screen, FormScreen)  # the picker was never opened
        assert not any(isinstance(s, PickerScreen) for s in app.screen_stack)
        assert Choices(store, "sources").ready  # the form's cite field picks a source
