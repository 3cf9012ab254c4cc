"""The history screen (``H``) on real stores (temporary copies): the selected
document's versions newest first with their differences, ``r`` restoring one
after a confirmation (a new change on disk, undone by ``u``), a restore that
would not validate today refused with the reason, the key table, and
snapshots at 80×24 and 120×40 (a fixed clock and author, so they are stable)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from conftest import SIZE, make_app, sync
from textual.pilot import Pilot

from casefiles import model
from casefiles.edit.ops import History, Operation
from casefiles.store import Store, changelog
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.screens.confirm import ConfirmScreen
from casefiles.tui.screens.history import HistoryScreen
from casefiles.tui.screens.main import MainScreen

PARTY = "person-0000002"  # the first row of the first case's parties pane (small store)
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def edited(small_store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The small store with the party renamed twice, by two authors, at fixed times."""
    times = iter(["2026-11-30T18:02:11.532Z", "2026-11-30T19:15:40.001Z"])
    monkeypatch.setattr(changelog, "utc_now", lambda: next(times, "2026-11-30T20:00:00.000Z"))
    store = small_store
    hist = History()
    for author, name, reason in [
        ("Ana Monitor", "Mónyrak Linkhavy (Ana)", "name as the court wrote it"),
        ("Bo Editor", "Mónyrak Linkhavy [b]x[/b]", None),
    ]:
        monkeypatch.setenv("CASEFILES_AUTHOR", author)
        party = copy.deepcopy(store.get(model.PARTIES, PARTY))
        assert party is not None
        party["name"] = name
        hist.apply(store, Operation.put(store, model.PARTIES, party), reason=reason)
    monkeypatch.setenv("CASEFILES_AUTHOR", "Tester")
    return store


async def open_history(pilot: Pilot[Any]) -> HistoryScreen:
    """``2`` (parties pane, the party under the cursor), ``H``; wait for the log read."""
    await pilot.press("2", "H")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def notes(app: CaseFilesApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


@sync
async def test_H_shows_every_version_with_its_differences(edited: Store) -> None:
    app = make_app(edited)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        text = screen.plain
        listed = text.split("\n---\n")[0].splitlines()
        assert [line.split()[0] for line in listed] == ["#2", "#1", "#-"]
        assert "Bo Editor" in listed[0] and "(now)" in listed[0]
        assert "Ana Monitor" in listed[1] and "2026-11-30 18:02" in listed[1]
        diff = screen.diff.plain
        # markup in the data is shown literally, removed and added marked in the text
        assert '~ name\n  - "Mónyrak Linkhavy (Ana)"\n  + "Mónyrak Linkhavy [b]x[/b]"' in diff
        assert "This is the version the store holds now." in diff
        await pilot.press("j")
        await pilot.pause()
        diff = screen.diff.plain
        assert "#1  2026-11-30 18:02:11 UTC  Ana Monitor  edited" in diff
        assert "reason: name as the court wrote it" in diff
        assert "Restoring it (r) would change" in diff
        assert '  - "Mónyrak Linkhavy [b]x[/b]"\n  + "Mónyrak Linkhavy (Ana)"' in diff
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@sync
async def test_r_restores_after_asking_and_u_undoes_the_restore(edited: Store) -> None:
    store = edited
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("j", "j")  # the version before the log: the original name
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and not confirm.refused
        assert '  + "Mónyrak Linkhavy"' in confirm.plain
        seq = store.log_seq
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.get(model.PARTIES, PARTY)["name"] == "Mónyrak Linkhavy"  # type: ignore[index]
        assert store.log_seq == seq + 1
        on_disk = Store.load(store.path).get(model.PARTIES, PARTY)
        assert on_disk is not None and on_disk["name"] == "Mónyrak Linkhavy", "durable"
        assert "restore parties[person-0000002] to the first recorded version" in notes(app)
        # the history shows the restore as the newest version; the cursor stays on
        # the version it was on
        assert app.screen is screen
        listed = screen.plain.split("\n---\n")[0].splitlines()
        assert [line.split()[0] for line in listed] == ["#3", "#2", "#1", "#-"]
        assert screen.selected() is not None and screen.selected().seq is None  # type: ignore[union-attr]
        main = app.main
        assert "Mónyrak Linkhavy" in main.pane("parties").rows()[0].line[1][0]
        await pilot.press("escape", "u")
        await pilot.pause()
        assert store.get(model.PARTIES, PARTY)["name"] == "Mónyrak Linkhavy [b]x[/b]"  # type: ignore[index]
        assert Store.load(store.path).get(model.PARTIES, PARTY)["name"] == (  # type: ignore[index]
            "Mónyrak Linkhavy [b]x[/b]"
        )
        assert main.pane("parties").cursor == 0 and main.focused_pane().id == "parties"


@sync
async def test_restoring_the_current_version_is_refused(edited: Store) -> None:
    app = make_app(edited)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        seq = edited.log_seq
        await pilot.press("r")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and confirm.refused
        assert "holds now" in confirm.plain
        await pilot.press("y")  # y on a refusal only closes it
        await pilot.pause()
        assert edited.log_seq == seq
        assert isinstance(app.screen, HistoryScreen)


@sync
async def test_a_version_that_would_not_validate_today_is_refused_with_the_reason(
    small_store: Store,
) -> None:
    store = small_store
    hist = History()
    source = {"id": "zz-source", "title": "A source for this test", "url": "https://example.org/z"}
    hist.apply(store, Operation.put(store, model.SOURCES, source))
    party = copy.deepcopy(store.get(model.PARTIES, PARTY))
    assert party is not None
    hist.apply(
        store, Operation.put(store, model.PARTIES, {**party, "cites": [{"source": "zz-source"}]})
    )
    hist.apply(store, Operation.put(store, model.PARTIES, party))
    hist.apply(store, Operation.delete(store, model.SOURCES, "zz-source"))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("j")  # the version that cites the source deleted since
        await pilot.pause()
        seq = store.log_seq
        await pilot.press("r")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and confirm.refused
        assert "zz-source" in confirm.plain
        await pilot.press("y")
        await pilot.pause()
        assert store.log_seq == seq, "nothing written"
        assert store.get(model.PARTIES, PARTY) == party


@sync
async def test_H_on_an_event_shows_its_case_and_nothing_selected_says_so(
    small_store: Store,
) -> None:
    app = make_app(small_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        main = app.main
        parties = main.pane("parties")
        index = next(i for i, r in enumerate(parties.rows()) if r.kind == "event")
        parties.move_to(index)
        await pilot.press("H")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert (screen.table, screen.doc_id) == (model.CASES, "case-000000")
        assert "#-" in screen.plain and "as first recorded" in screen.plain
        await pilot.press("H")  # H closes it again
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@sync
async def test_the_key_table_matches_the_history_screen(edited: Store) -> None:
    from casefiles.tui.keys import SCREENS, TEXTUAL_KEYS

    app = make_app(edited)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        chain = app.screen._modal_binding_chain
        ids = {b.id for _n, m in chain for g in m.key_to_bindings.values() for b in g if b.id}
        own = {b.key for _n, m in chain for g in m.key_to_bindings.values() for b in g if not b.id}
        assert ids <= SCREENS["history"]
        assert own <= set(TEXTUAL_KEYS["history"])
        await pilot.press("tab")  # the diff pane: its scroll keys
        await pilot.pause()
        chain = app.screen._modal_binding_chain
        ids |= {b.id for _n, m in chain for g in m.key_to_bindings.values() for b in g if b.id}
        own |= {b.key for _n, m in chain for g in m.key_to_bindings.values() for b in g if not b.id}
        assert ids == SCREENS["history"]
        assert own == set(TEXTUAL_KEYS["history"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history_screen_snapshot(snap_compare: Any, edited: Store, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_history(pilot)
        await pilot.press("j")

    assert snap_compare(make_app(edited), terminal_size=size, run_before=run_before)


def test_history_screen_file_is_not_the_store(edited: Store, tmp_path: Path) -> None:
    """The fixture's store is a temporary copy (snapshots never write the repo's data)."""
    assert tmp_path in edited.path.parents
