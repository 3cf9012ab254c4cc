"""The browser's history (``casefiles.tui.history``): back and forward like a
browser, a visit drops the forward list, duplicates are not stacked, a limit."""

from __future__ import annotations

from conftest import make_app, sync

from casefiles.store import Store
from casefiles.tui.history import History, Location
from casefiles.tui.messages import OpenParty
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen

A = Location("case", "a")
B = Location("case", "b", level="appeal", focus="ladder", cursor=2)
P = Location("party", "p")


def test_back_and_forward_trade_places() -> None:
    history = History()
    history.visit(A)  # left A for B
    history.visit(B)  # left B for P
    assert history.back(P) == B
    assert history.back(B) == A
    assert history.back(A) is None
    assert history.forward(A) == B
    assert history.forward(B) == P
    assert history.forward(P) is None


def test_a_visit_drops_the_forward_list_and_skips_duplicates() -> None:
    history = History()
    history.visit(A)
    history.visit(A)
    assert len(history) == 1
    assert history.back(B) == A
    assert history.can_go_forward
    history.visit(A)
    assert not history.can_go_forward
    assert history.visit(None) is None and len(history) == 1


def test_recent_and_limit() -> None:
    history = History(limit=3)
    for place in (A, P, B, A, Location("case", "c")):
        history.visit(place)
    assert len(history) == 3
    assert list(history.recent("case")) == ["c", "a", "b"]
    assert list(history.recent("party")) == []


@sync
async def test_the_app_goes_back_and_forward(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.post_message(OpenParty("chin-malin"))
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        app.action_history_forward()
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen) and app.screen.party_id == "chin-malin"
