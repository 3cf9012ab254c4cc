"""The browser's forms with Pilot, on temporary copies of the bundled case file
(its articles included, so quotes are checked): ``e`` edits the selected fact,
``a`` adds one of the focused pane's kind prefilled from the cursor, ``c``
cites it; each field says how it was read or why it is refused as it is
typed; ``ctrl+s`` saves only a valid form (one undoable change in the log,
on disk at once); a refused save writes nothing; hostile text is refused or
shown literally.  Snapshots of every form at 80×24 and 120×40 use the small
generated store.

Regenerate the snapshots with ``pytest tests/tui/test_forms.py
--snapshot-update`` only after looking at the forms (``tui-shot``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import BUNDLED, SIZE, make_app, sync
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from casefiles import model
from casefiles.store import Store
from casefiles.tui.app import CaseFilesApp
from casefiles.tui.messages import CitePassage
from casefiles.tui.screens.confirm import ConfirmScreen
from casefiles.tui.screens.form import FormScreen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.screens.party import PartyScreen

CASE = "adhoc-5-witness-bribery"
QUOTE = "bribing witnesses"  # in s01's article
PANE_KEYS = {"cases": "1", "parties": "2", "ladder": "3", "sentences": "4", "sources": "5"}


# -- helpers


async def settle(pilot: Pilot[Any]) -> None:
    """Let the form's delayed check run and its result be drawn."""
    await pilot.pause(0.25)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def to_row(pilot: Pilot[Any], pane: str, kind: str, nth: int = 0, key: str = "") -> None:
    """Focus ``pane`` and put its cursor on the ``nth`` row of ``kind`` (or the row ``key``)."""
    app = pilot.app
    assert isinstance(app, CaseFilesApp)
    await pilot.press(PANE_KEYS[pane])
    await pilot.pause()
    lines = app.main.pane(pane)
    rows = [i for i, row in enumerate(lines.rows()) if row.kind == kind and key in (row.id, "")]
    lines.move_to(rows[nth])
    await pilot.pause()


async def open_case(pilot: Pilot[Any], case_id: str = CASE) -> None:
    app = pilot.app
    assert isinstance(app, CaseFilesApp)
    app.open_case(case_id)
    await pilot.pause()


def form_of(app: CaseFilesApp) -> FormScreen:
    assert isinstance(app.screen, FormScreen), type(app.screen).__name__
    return app.screen


def widget(app: CaseFilesApp, name: str) -> Any:
    screen = form_of(app)
    return screen.query_one(f"#{screen._ids[name]}")


def cleared(app: CaseFilesApp, name: str) -> Any:
    """Field ``name``, focused and emptied for typing."""
    field = widget(app, name)
    field.focus()
    field.value = ""
    return field


async def edit_case_header(pilot: Pilot[Any]) -> None:
    """Open the case and its header's form (``1``, ``e``), checked and drawn."""
    await open_case(pilot)
    await pilot.press("1", "e")
    await settle(pilot)


def how(app: CaseFilesApp, name: str) -> str:
    """What the form shows beside field ``name``."""
    screen = form_of(app)
    number = screen._ids[name].removeprefix("field-")
    return str(screen.query_one(f"#how-{number}", Static).render())


async def fill(pilot: Pilot[Any], **values: str) -> None:
    """Set fields (``cite_source`` for ``cite.source``) as a user would leave them."""
    app = pilot.app
    assert isinstance(app, CaseFilesApp)
    for key, value in values.items():
        name = key.replace("cite_", "cite.").replace("fine_", "fine.")
        w = widget(app, name)
        if isinstance(w, Input):
            w.value = value
        elif isinstance(w, TextArea):
            w.text = value
        elif isinstance(w, Select):
            w.value = value
        await pilot.pause()
    await settle(pilot)


def notes(app: CaseFilesApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def disk(store: Store) -> tuple[bytes, bytes]:
    """The store file and its change log, byte for byte."""
    log = store.log_path.read_bytes() if store.log_path.exists() else b""
    return store.path.read_bytes(), log


def on_disk(store: Store, table: str, doc_id: str) -> dict[str, Any] | None:
    return Store.load(store.path).get(table, doc_id)


# -- edit


@sync
async def test_e_edits_the_case_header_and_u_undoes_and_ctrl_r_redoes(
    bundled_store: Store,
) -> None:
    store = bundled_store
    old = store.get(model.CASES, CASE)
    assert old is not None
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        form = form_of(app)
        assert form.form.spec.kind == "case"
        await fill(pilot, title="ADHOC 5, retitled")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.case_id == CASE  # the cursor stayed on the case
        assert on_disk(store, model.CASES, CASE)["title"] == "ADHOC 5, retitled"  # type: ignore[index]
        assert "saved" in notes(app)
        await pilot.press("u")
        await pilot.pause()
        assert on_disk(store, model.CASES, CASE)["title"] == old["title"]  # type: ignore[index]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert on_disk(store, model.CASES, CASE)["title"] == "ADHOC 5, retitled"  # type: ignore[index]


@sync
async def test_ctrl_s_right_after_typing_saves_once_the_check_is_back(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        cleared(app, "country")
        await pilot.press(*"Kampuchea", "ctrl+s")  # no pause: the check is still to run
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert on_disk(store, model.CASES, CASE)["country"] == "Kampuchea"  # type: ignore[index]


@sync
async def test_e_on_a_party_edits_the_participant_and_its_role(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party", key="ny-chakrya")
        await pilot.press("e")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "participant"
        assert how(app, "party") == "→ Ny Chakrya"
        await fill(pilot, role="defendant", cite_source="s05")
        problems = str(form_of(app).query_one("#form-problems", Static).render())
        assert "save as another version" in problems  # s05 is not among its sources
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # a warning: asked first
        await pilot.press("ctrl+s")  # a correction all the same
        await pilot.pause()
        case = on_disk(store, model.CASES, CASE)
        assert case is not None
        entry = next(p for p in case["participants"] if p["party"] == "ny-chakrya")
        assert entry["role"] == "defendant" and entry["cites"][-1] == {"source": "s05"}
        pane = app.main.focused_pane()
        assert pane.id == "parties" and pane.current is not None
        assert pane.current.id == "ny-chakrya"  # cursor kept on the fact


@sync
async def test_e_on_the_second_version_of_a_participant_edits_that_version(
    bundled_store: Store,
) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, "seang-chet-witness-bribery")
        await to_row(pilot, "parties", "party", nth=1, key="keo-vandy")
        assert app.main.current_row().cites[0].source_id == "s31"  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot)
        assert form_of(app).form.index == 3
        assert form_of(app).form.text("role_raw") == 'judge, as "Keo Vandy"'


@sync
async def test_a_date_is_read_as_typed_and_shown_beside_the_field(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "event")
        await pilot.press("e")
        await settle(pilot)
        date = cleared(app, "date")
        await pilot.press(*"26 Sept 2018")
        await settle(pilot)
        assert how(app, "date").startswith("26 Sept 2018 → 2018-09-26")
        date.value = "26/09/2018"
        await settle(pilot)
        assert "ambiguous" in how(app, "date")
        assert "error" in form_of(app).query_one("#how-0").classes


@sync
async def test_e_edits_and_saves_a_charge_an_event_a_sentence_and_a_source(
    bundled_store: Store,
) -> None:
    store = bundled_store
    case_before = on_disk(store, model.CASES, CASE)
    sentence_before = on_disk(store, model.SENTENCES, "ny-sokha-adhoc-5-ppmc")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "charge", key=f"{CASE}#6")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, status="acquitted", cite_source="s18")
        await pilot.press("ctrl+s")
        await pilot.pause()
        charge = on_disk(store, model.CASES, CASE)["charges"][6]  # type: ignore[index]
        assert charge["status"] == "acquitted" and charge["cites"][-1] == {"source": "s18"}
        await to_row(pilot, "parties", "event", key=f"{CASE}#12")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, date="May 2016", party="soen-sally")
        await pilot.press("ctrl+s")
        await pilot.pause()
        event = on_disk(store, model.CASES, CASE)["events"][12]  # type: ignore[index]
        assert (event["date"], event["party"]) == ("2016-05", "soen-sally")
        await to_row(pilot, "sentences", "sentence", key="ny-sokha-adhoc-5-ppmc")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, pretrial="14 months and 1 day", status="served")
        await pilot.press("ctrl+s")
        await pilot.pause()
        sentence = on_disk(store, model.SENTENCES, "ny-sokha-adhoc-5-ppmc")
        assert sentence is not None and sentence["status"] == "served"
        assert sentence["pretrial"] == {"months": 14, "days": 1}
        await to_row(pilot, "sources", "source", key="s01")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, published="Dec 2022")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(store, model.SOURCES, "s01")["published"] == "2022-12"  # type: ignore[index]
        assert app.main.focused_pane().id == "sources"
        for _ in range(4):  # every save is one undoable change
            await pilot.press("u")
            await pilot.pause()
        assert on_disk(store, model.CASES, CASE) == case_before
        assert on_disk(store, model.SENTENCES, "ny-sokha-adhoc-5-ppmc") == sentence_before
        assert "published" not in on_disk(store, model.SOURCES, "s01")  # type: ignore[operator]


@sync
async def test_the_party_view_edits_the_party_itself(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party", key="lim-mony")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        await pilot.press("e")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "party"
        await fill(pilot, aliases="Lim Mony; លឹម មុន្នី")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PartyScreen)
        party = on_disk(store, model.PARTIES, "lim-mony")
        assert party is not None and party["aliases"] == ["Lim Mony", "លឹម មុន្នី"]


@sync
async def test_a_ruling_edit_as_another_version_keeps_both(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "ladder", "proceeding", key="adhoc-5-coa-ruling")
        await pilot.press("e")
        await settle(pilot)
        form = form_of(app)
        form.query_one("#save-as", Select).value = "version"
        await pilot.pause()
        heading = str(form.query_one("#cite-section", Static).render())
        assert "the new version's own" in heading
        await fill(pilot, date="24 May 2022", cite_source="s02")
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = on_disk(store, model.PROCEEDINGS, "adhoc-5-coa-ruling")
        second = on_disk(store, model.PROCEEDINGS, "adhoc-5-coa-ruling-v2")
        assert first is not None and second is not None
        assert first["date"] == "2022-05-23" and second["date"] == "2022-05-24"
        assert first["conflict"] == second["conflict"]
        assert second["cites"] == [{"source": "s02"}]


# -- add


@sync
async def test_a_new_ruling_is_refused_without_a_cite_and_nothing_is_written(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        rulings = len(app.main.pane("ladder").rows())
        await to_row(pilot, "ladder", "proceeding", key="adhoc-5-ppmc-verdict")
        await pilot.press("a")
        await settle(pilot)
        form = form_of(app)
        assert (form.form.text("court"), form.form.text("level")) == ("coa", "appeal")
        await fill(pilot, date="2023-03-03", outcome="upheld")
        before = disk(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)  # refused: still open
        assert "needs at least one cite" in how(app, "cite.source")
        assert "Not saved" in notes(app)
        assert disk(store) == before
        await fill(pilot, cite_source="s01", cite_quote=QUOTE)
        assert how(app, "cite.source").startswith("→ Justice ministry")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert on_disk(store, model.PROCEEDINGS, f"{CASE}-appeal-2023-03-03") is not None
        assert len(app.main.pane("ladder").rows()) == rulings + 1
        assert app.main.focused_pane().id == "ladder"
        await pilot.press("u")
        await pilot.pause()
        assert on_disk(store, model.PROCEEDINGS, f"{CASE}-appeal-2023-03-03") is None


@sync
async def test_a_adds_a_sentence_for_the_selected_party_at_its_level(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "sentences", "sentence", key="lim-mony-adhoc-5-coa")
        await pilot.press("a")
        await settle(pilot)
        form = form_of(app)
        assert form.form.text("party") == "lim-mony"
        assert form.form.text("proceeding") == "adhoc-5-coa-ruling"
        await fill(pilot, penalty="fine", fine_amount="5,000,000", fine_currency="KHR")
        await fill(pilot, cite_source="s02")
        assert "5,000,000" in how(app, "fine.amount")
        await pilot.press("ctrl+s")
        await pilot.pause()
        doc = on_disk(store, model.SENTENCES, f"lim-mony-{CASE}-appeal")
        assert doc is not None and doc["fine"] == {"amount": 5_000_000, "currency": "KHR"}


@sync
async def test_a_adds_an_event_a_charge_and_a_participant_from_the_parties_pane(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        events_before = len(store.get(model.CASES, CASE)["events"])  # type: ignore[index]
        await to_row(pilot, "parties", "event")
        await pilot.press("a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "event"
        await fill(pilot, date="Sept 2018", label="Verdict read out", kind="hearing")
        await fill(pilot, cite_source="s01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        case = on_disk(store, model.CASES, CASE)
        assert case is not None and len(case["events"]) == events_before + 1
        assert case["events"][-1]["date"] == "2018-09"
        await to_row(pilot, "parties", "charge")
        await pilot.press("a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "charge"
        await fill(pilot, label="Incitement", cite_source="s01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(store, model.CASES, CASE)["charges"][-1]["label"] == "Incitement"  # type: ignore[index]
        await to_row(pilot, "parties", "party")
        await pilot.press("a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "participant"
        await fill(pilot, party="kem-sokha", role="witness", cite_source="s01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        last = on_disk(store, model.CASES, CASE)["participants"][-1]  # type: ignore[index]
        assert (last["party"], last["role"]) == ("kem-sokha", "witness")


@sync
async def test_a_adds_a_case_from_the_cases_pane_and_a_source_from_the_sources_pane(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "case"
        await fill(pilot, title="Prosecutor v. Someone", country="Cambodia")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(store, model.CASES, "prosecutor-v-someone") is not None
        assert "prosecutor-v-someone" in app.main.case_ids
        await open_case(pilot)
        await pilot.press("5", "a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "source"
        await fill(pilot, title="A new report", published="3 March 2023")
        await pilot.press("ctrl+s")
        await pilot.pause()
        source = on_disk(store, model.SOURCES, "a-new-report")
        assert source is not None and source["published"] == "2023-03-03"
        assert "a-new-report" in [row.id for row in app.main.pane("sources").rows()]


# -- pickers


async def picker_shows(pilot: Pilot[Any], query: str) -> Any:
    """The open picker, once it shows the choices for ``query``."""
    from casefiles.tui.screens.picker import PickerScreen

    screen = pilot.app.screen
    assert isinstance(screen, PickerScreen), type(screen).__name__
    deadline = time.monotonic() + 30
    while screen.shown_query != query:
        assert time.monotonic() < deadline, f"no choices for {query!r}"
        await pilot.pause(0.02)
    await pilot.pause()
    return screen


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


@sync
async def test_enter_on_a_party_field_picks_by_name_or_makes_a_new_party(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party")
        await pilot.press("a")
        await settle(pilot)
        widget(app, "party").focus()
        await pilot.press("enter")
        await picker_shows(pilot, "")
        await type_text(pilot, "lem moni")
        await picker_shows(pilot, "lem moni")
        await pilot.press("enter")
        await settle(pilot)
        assert form_of(app).form.text("party") == "lim-mony"
        assert how(app, "party") == "→ Lim Mony"
        # again, for someone the store does not know: "new party…" (the last row)
        widget(app, "party").focus()
        await pilot.press("enter")
        picker = await picker_shows(pilot, "Lim Mony")
        picker.query_one("#picker-input", Input).value = ""
        await picker_shows(pilot, "")
        await type_text(pilot, "Sok Dara")
        picker = await picker_shows(pilot, "Sok Dara")
        for _ in range(len(picker.rows.choices) + 1):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        nested = form_of(app)
        assert nested.nested and nested.form.spec.kind == "party"
        assert nested.form.text("name") == "Sok Dara"
        await pilot.press("ctrl+s")
        await settle(pilot)
        outer = form_of(app)
        assert not outer.nested and outer.form.text("party") == "sok-dara"
        assert how(app, "party") == "→ Sok Dara"
        assert store.get(model.PARTIES, "sok-dara") is None  # saved with the form
        widget(app, "role").focus()  # a vocabulary: enter lists it, typing narrows it
        await pilot.press("enter")
        await picker_shows(pilot, "")
        await type_text(pilot, "witnes")
        await picker_shows(pilot, "witnes")
        await pilot.press("enter")
        await settle(pilot)
        assert form_of(app).form.text("role") == "witness"
        await fill(pilot, cite_source="s01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(store, model.PARTIES, "sok-dara") is not None
        assert on_disk(store, model.CASES, CASE)["participants"][-1]["party"] == "sok-dara"  # type: ignore[index]
        await pilot.press("u")  # one change: both undone
        await pilot.pause()
        assert on_disk(store, model.PARTIES, "sok-dara") is None


@sync
async def test_the_first_case_of_an_empty_store(empty_store: Store) -> None:
    store = empty_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and "Nothing selected" in notes(app)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, title="The first case")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert on_disk(store, model.CASES, "the-first-case") is not None
        assert app.main.case_ids == ["the-first-case"]
        assert not app.main.has_class("empty-store")  # the panes of a case show


# -- cite


@sync
async def test_c_cites_a_fact_and_a_quote_not_in_the_article_needs_a_second_save(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party", key="ny-sokha")
        await pilot.press("c")
        await settle(pilot)
        await fill(pilot, cite_source="s01", cite_quote="words nobody wrote")
        assert "not in the article" in how(app, "cite.quote")
        before = disk(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and disk(store) == before
        await pilot.press("ctrl+s")  # confirmed
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        entry = on_disk(store, model.CASES, CASE)["participants"][0]  # type: ignore[index]
        assert entry["cites"][-1] == {"source": "s01", "quote": "words nobody wrote"}


@sync
async def test_in_the_cites_pane_e_edits_the_cite_under_the_cursor_and_a_adds_one(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party", key="chin-malin")
        await pilot.press("6")  # the Cites pane: the cursor on the fact's first cite
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        form = form_of(app)
        assert form.form.cite_index == 0 and form.form.text("cite.source") == "s01"
        await fill(pilot, cite_note="the ministry's spokesman")
        await pilot.press("ctrl+s")
        await pilot.pause()
        entry = next(
            p
            for p in on_disk(store, model.CASES, CASE)["participants"]  # type: ignore[index]
            if p["party"] == "chin-malin"
        )
        assert len(entry["cites"]) == 1 and entry["cites"][0]["note"] == "the ministry's spokesman"
        await pilot.press("6", "a")
        await settle(pilot)
        assert form_of(app).form.spec.kind == "cite" and form_of(app).form.cite_index is None
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("0", "e")  # the Case pane: the case header
        await settle(pilot)
        assert form_of(app).form.spec.kind == "case"


@sync
async def test_the_readers_cite_passage_opens_the_cite_form_filled_in(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "ladder", "proceeding", key="adhoc-5-sc-ruling")
        app.post_message(CitePassage("s01", QUOTE))
        await settle(pilot)
        form = form_of(app)
        assert form.form.spec.kind == "cite"
        assert (form.form.text("cite.source"), form.form.text("cite.quote")) == ("s01", QUOTE)
        assert not form.result or not form.result.warnings  # the quote is in the article
        await pilot.press("ctrl+s")
        await pilot.pause()
        ruling = on_disk(store, model.PROCEEDINGS, "adhoc-5-sc-ruling")
        assert ruling is not None and ruling["cites"][-1] == {"source": "s01", "quote": QUOTE}


@sync
async def test_a_change_by_another_program_meanwhile_shows_both_and_writes_nothing(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "sources", "source", key="s01")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, language="km")
        other = Store.load(store.path)  # another process commits to the same source
        other.put(model.SOURCES, {**other.get(model.SOURCES, "s01"), "language": "fr"})  # type: ignore[dict-item]
        store.refresh()
        form_of(app).redraw_from_store()
        await settle(pilot)
        problems = str(form_of(app).query_one("#form-problems", Static).render())
        assert "sources[s01].language: en → fr" in problems
        before = disk(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert form_of(app).form.text("language") == "km"  # the user's version stays
        assert disk(store) == before
        assert on_disk(store, model.SOURCES, "s01")["language"] == "fr"  # type: ignore[index]


@sync
async def test_a_save_the_store_refuses_at_the_last_moment_reopens_the_form(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "sources", "source", key="s01")
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, language="km")  # checked: nothing refuses it
        other = Store.load(store.path)  # then another process commits first
        other.put(model.SOURCES, {**other.get(model.SOURCES, "s01"), "language": "fr"})  # type: ignore[dict-item]
        store.refresh()
        before = disk(store)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not saved" in "\n".join(str(n.title) for n in app._notifications)
        assert form_of(app).form.text("language") == "km"  # open again, as typed
        assert disk(store) == before


@sync
async def test_c_in_the_reader_cites_the_current_quote_on_the_fact(bundled_store: Store) -> None:
    """The reader, opened from a fact, cites the quote under its cursor: the cite
    form opens over the reader with the source and quote filled in."""
    from casefiles.tui.screens.reader import ReaderScreen

    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await to_row(pilot, "parties", "party", key="chin-malin")  # cites s01 with a quote
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("c")
        await settle(pilot)
        form = form_of(app)
        assert form.form.spec.kind == "cite" and form.form.text("cite.source") == "s01"
        quote = form.form.text("cite.quote")
        assert quote and not (form.result and form.result.warnings)
        await fill(pilot, cite_note="cited from the reader")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)  # back where the passage was chosen
        entry = next(
            p
            for p in on_disk(store, model.CASES, CASE)["participants"]  # type: ignore[index]
            if p["party"] == "chin-malin"
        )
        assert entry["cites"][-1] == {
            "source": "s01",
            "quote": quote,
            "note": "cited from the reader",
        }


# -- cancel, hostile input


@sync
async def test_escape_asks_before_dropping_typed_changes(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, country="Kampuchea")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        before = disk(store)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and disk(store) == before


@pytest.mark.parametrize(
    "text",
    [
        "\x1b[2J\x1b[31mred",
        "right\u202eto left",
        "y" * 100_000,
    ],
    ids=["escape-sequence", "bidi-override", "100k-paste"],
)
@sync
async def test_a_hostile_paste_is_refused_and_nothing_is_written(
    bundled_store: Store, text: str
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        title = cleared(app, "title")
        await pilot.pause()
        app.post_message(events.Paste(text))  # as the terminal sends it: to the focused field
        await settle(pilot)
        assert form_of(app).form.text("title") == text  # kept as pasted: validate judges it
        shown = how(app, "title")
        assert "control character" in shown or "characters; at most 2,000" in shown
        assert "\x1b" not in shown and "\u202e" not in shown
        drawn = "".join(segment.text for segment in title.render_line(0))
        assert "\x1b" not in drawn and "\u202e" not in drawn  # never sent to the terminal
        if "\x1b" in text:
            assert "␛" in drawn  # shown, as a visible symbol
        before = disk(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # again: a refusal is not a warning to confirm
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert disk(store) == before


@sync
async def test_a_100k_paste_into_a_text_field_is_refused_past_validates_limit(
    bundled_store: Store,
) -> None:
    store = bundled_store
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        summary = widget(app, "summary")
        summary.focus()
        await pilot.pause()
        app.post_message(events.Paste("word " * 20_000))  # 100,000 more characters
        await settle(pilot)
        assert len(form_of(app).form.text("summary")) > 100_000
        assert "at most 100,000" in how(app, "summary")
        before = disk(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and disk(store) == before


@sync
async def test_markup_is_stored_and_shown_literally(bundled_store: Store) -> None:
    store = bundled_store
    app = make_app(store)
    markup = "[bold red]Kem[/] [@click=app.quit]Sokha[/]"
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        await fill(pilot, country=markup)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running
        assert on_disk(store, model.CASES, CASE)["country"] == markup  # type: ignore[index]
        await pilot.press("e")
        await settle(pilot)
        assert widget(app, "country").value == markup


@sync
async def test_e_with_nothing_editable_says_so(bundled_store: Store) -> None:
    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot)
        await pilot.press("5", "c")  # a source takes no cites
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "does not take cites" in notes(app)


@sync
async def test_the_key_table_says_which_keys_a_form_has(bundled_store: Store) -> None:
    """``keys.SCREENS["form"]`` and ``TEXTUAL_KEYS["form"]`` (what config
    clashes are judged by) are what a form has active with a line field focused."""
    from casefiles.tui.keys import SCREENS, TEXTUAL_KEYS

    app = make_app(bundled_store)
    async with app.run_test(size=SIZE) as pilot:
        await edit_case_header(pilot)
        widget(app, "title").focus()
        await pilot.pause()
        chain = [
            binding
            for _node, bindings in app.screen._modal_binding_chain
            for group in bindings.key_to_bindings.values()
            for binding in group
        ]
        assert {b.id for b in chain if b.id is not None} == SCREENS["form"]
        assert {b.key for b in chain if b.id is None} == set(TEXTUAL_KEYS["form"])


# -- snapshots of every form (small generated store)

SIZES = [(80, 24), (120, 40)]
FORMS = {
    "case": ("1", "e", None),
    "participant": ("2", "e", ("parties", "party")),
    "charge": ("2", "e", ("parties", "charge")),
    "event": ("2", "e", ("parties", "event")),
    "ruling": ("3", "e", ("ladder", "proceeding")),
    "sentence": ("4", "e", ("sentences", "sentence")),
    "source": ("5", "e", ("sources", "source")),
    "new-ruling": ("3", "a", ("ladder", "proceeding")),
    "cite": ("2", "c", ("parties", "party")),
    "new-sentence": ("4", "a", ("sentences", "sentence")),
    "party": ("2", "e", ("parties", "party")),  # in the party view (enter first)
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", list(FORMS))
def test_form_snapshot(
    snap_compare: Any, small_store: Store, kind: str, size: tuple[int, int]
) -> None:
    pane_key, key, row = FORMS[kind]

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        if row is not None:
            await to_row(pilot, *row)
        else:
            await pilot.press(pane_key)
        if kind == "party":
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(make_app(small_store), terminal_size=size, run_before=run_before)


# -- a real terminal (tmux): ctrl+s arrives, a pasted escape sequence stays text

TMUX_SOCKET = f"cfforms-{uuid.uuid4().hex[:8]}"
SCRIPT = Path(sys.executable).with_name("casefiles")


def tmux(*args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, *args], capture_output=True, text=True, timeout=30
    )
    return done.stdout


def wait_for(name: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = tmux("capture-pane", "-t", name, "-p")
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")


@pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (make system-deps installs it)",
)
def test_a_form_in_a_real_terminal(tmp_path: Path) -> None:
    shutil.copytree(BUNDLED, tmp_path / "data")
    store = tmp_path / "data" / "casefiles.json"
    home = tmp_path / "home"
    name = f"cfforms-{uuid.uuid4().hex[:8]}"
    env = (
        f"HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data "
        f"XDG_CACHE_HOME={home}/cache CASEFILES_CONFIG={home}/config.toml TERM=xterm-256color"
    )
    command = f"env -u COLUMNS -u LINES {env} {SCRIPT} --store {store}; sleep 30"
    try:
        tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", command)
        wait_for(name, "Cases")
        tmux("send-keys", "-t", name, "1", "e")
        wait_for(name, "edit case:")
        time.sleep(0.5)  # the form takes the keyboard once drawn
        tmux("send-keys", "-t", name, "Tab", "Tab")  # title, status, then country
        time.sleep(0.3)
        # a pasted bidi override (keys never type one; tmux escapes C0 controls
        # in a paste itself, Pilot's test sends those): a visible symbol, refused
        tmux("send-keys", "-t", name, "C-u")
        tmux("set-buffer", "-b", "hostile", "right\u202eleft")
        tmux("paste-buffer", "-p", "-b", "hostile", "-t", name)
        shown = wait_for(name, "right\ufffdleft")
        assert "\u202e" not in shown
        assert "control character U+202E" in wait_for(name, "control character")
        before = store.read_bytes()
        tmux("send-keys", "-t", name, "C-s")
        wait_for(name, "Not saved")
        assert store.read_bytes() == before
        tmux("send-keys", "-t", name, "C-u")
        tmux("send-keys", "-t", name, "-l", "Kampuchea")
        wait_for(name, "Kampuchea")
        time.sleep(0.5)  # the check runs a moment after the last key
        tmux("send-keys", "-t", name, "C-s")
        wait_for(name, "saved: edit cases[")
        saved = Store.load(store).get(model.CASES, CASE)
        assert saved is not None and saved["country"] == "Kampuchea"
    finally:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True, timeout=30)
