"""The core of the browser's forms (``casefiles.edit.forms``) on a temporary
copy of the bundled case file: each fact kind's form prefilled from a
selection, fields read as typed, the core check by field, the operation a
save applies (through ``History``, so it undoes), versions kept side by
side, hostile text judged exactly as ``validate`` judges it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from casefiles import model
from casefiles.edit import formopen, forms
from casefiles.edit.formopen import FormError, add_form, cite_form, edit_form
from casefiles.edit.formspec import VERSION
from casefiles.edit.ops import History
from casefiles.store import Store
from casefiles.validate import validate_document

CASE = "adhoc-5-witness-bribery"
QUOTE = "bribing witnesses"  # in s01's article


@dataclass(frozen=True)
class Sel:
    """A selection as the browser makes one (``casefiles.tui.selection.Selection``)."""

    kind: str
    id: str
    case_id: str | None = None

    def fact_index(self) -> int | None:
        _, _, index = self.id.rpartition("#")
        return int(index) if index.isdigit() else None


@pytest.fixture
def store(store_path: Path) -> Store:
    return Store.load(store_path)


def saved(store: Store, form: forms.Form, history: History | None = None) -> History:
    """Check the form (nothing may refuse it) and apply its operation."""
    result = form.check(store)
    assert result.ok, result.lines()
    assert result.operation is not None
    history = history or History()
    history.apply(store, result.operation, accept_warnings=bool(result.warnings))
    return history


# -- reading fields


def test_dates_and_terms_are_read_as_articles_write_them_and_say_how(store: Store) -> None:
    form = edit_form(store, Sel("event", f"{CASE}#2", CASE), "parties")
    form.set_text("date", "26 Sept 2018")
    reading = form.read(store, "date")
    assert reading.value == "2018-09-26"
    assert reading.how.startswith("26 Sept 2018 → 2018-09-26")
    form.set_text("date", "26/09/2018")
    assert form.read(store, "date").error is not None
    assert "ambiguous" in str(form.check(store).errors["date"])
    sentence = add_form(store, "sentences", Sel("sentence", "lim-mony-adhoc-5-coa", CASE), CASE)
    sentence.set_text("term", "2y6m")
    assert sentence.read(store, "term").value == {"years": 2, "months": 6}
    assert "2 years 6 months" in sentence.read(store, "term").how
    sentence.set_text("suspended", "18 months")
    assert sentence.read(store, "suspended").value == {"months": 18}
    sentence.set_text("fine.amount", "5,000,000")
    sentence.set_text("fine.currency", "khr")
    sentence.set_text("cite.source", "s01")
    op = sentence.check(store).operation
    assert op is not None
    doc = op.changes[-1].after
    assert doc is not None and doc["fine"] == {"amount": 5_000_000, "currency": "KHR"}


def test_a_party_field_shows_the_name_and_an_unknown_id_is_refused(store: Store) -> None:
    form = add_form(store, "parties", Sel("party", "lim-mony", CASE), CASE)
    form.set_text("party", "lim-mony")
    assert form.read(store, "party").how == "→ Lim Mony"
    form.set_text("party", "nobody-at-all")
    assert "no party" in str(form.read(store, "party").error)


# -- prefill from the selection


def test_e_opens_the_form_of_each_kind_of_selected_fact(store: Store) -> None:
    case = store.get(model.CASES, CASE)
    assert case is not None
    header = edit_form(store, Sel("case", CASE, CASE), "cases")
    assert header.spec.kind == "case" and header.text("title") == case["title"]
    participant = edit_form(store, Sel("party", "ny-chakrya", CASE), "parties")
    assert participant.spec.kind == "participant"
    assert (participant.text("party"), participant.text("role")) == ("ny-chakrya", "accomplice")
    party = edit_form(store, Sel("party", "ny-chakrya", CASE), "party")
    assert party.spec.kind == "party" and party.text("name") == "Ny Chakrya"
    charge = edit_form(store, Sel("charge", f"{CASE}#0", CASE), "parties")
    assert charge.text("label") == case["charges"][0]["label"]
    event = edit_form(store, Sel("event", f"{CASE}#2", CASE), "parties")
    assert event.text("date") == "2016-04"
    ruling = edit_form(store, Sel("proceeding", "adhoc-5-coa-ruling", CASE), "ladder")
    assert (ruling.text("court"), ruling.text("level")) == ("coa", "appeal")
    sentence = edit_form(store, Sel("sentence", "ny-sokha-adhoc-5-ppmc", CASE), "sentences")
    assert sentence.text("term") == "5 years" and sentence.text("pretrial") == "14 months 1 day"
    source = edit_form(store, Sel("source", "s01", CASE), "sources")
    assert source.text("publisher") == "Phnom Penh Post"
    assert not source.editable("id") and header.mode == "edit"
    with pytest.raises(FormError):
        edit_form(store, None, "cases")


def test_versions_of_a_participant_are_told_apart_by_their_cites(store: Store) -> None:
    """Two sources spell a judge's name differently: two participant entries of
    one party, one conflict; the row's cites say which one is selected."""
    case_id = "seang-chet-witness-bribery"
    sel = Sel("party", "keo-vandy", case_id)
    second = edit_form(store, sel, "parties", cites=[("s31", None, 'spelled "Keo Vandy"')])
    assert second.index == 3 and second.text("role_raw") == 'judge, as "Keo Vandy"'
    assert edit_form(store, sel, "parties").index == 2  # no cites known: the first
    cite = formopen.cite_form(store, sel, "parties", cites=[("s31", None, 'spelled "Keo Vandy"')])
    assert cite.cite_path == "participants[3]"


def test_a_prefills_from_the_cursor(store: Store) -> None:
    ruling = add_form(store, "ladder", Sel("proceeding", "adhoc-5-ppmc-verdict", CASE), CASE)
    # the court the selected first-instance ruling appeals to, at its level
    assert (ruling.text("court"), ruling.text("level"), ruling.text("kind")) == (
        "coa",
        "appeal",
        "ruling",
    )
    sentence = add_form(store, "sentences", Sel("sentence", "lim-mony-adhoc-5-coa", CASE), CASE)
    assert sentence.text("party") == "lim-mony"
    assert sentence.text("proceeding") == "adhoc-5-coa-ruling"
    charge = add_form(store, "parties", Sel("charge", f"{CASE}#1", CASE), CASE)
    assert charge.spec.kind == "charge" and charge.text("party") == "nay-vanda"
    event = add_form(store, "parties", Sel("event", f"{CASE}#0", CASE), CASE)
    assert event.spec.kind == "event" and event.text("party") == "khom-chandaraty"
    participant = add_form(store, "parties", Sel("party", "lim-mony", CASE), CASE)
    assert participant.spec.kind == "participant" and participant.index is None
    assert add_form(store, "sources", None, CASE).spec.kind == "source"
    assert add_form(store, "cases", Sel("case", CASE, CASE), CASE).spec.kind == "case"
    with pytest.raises(FormError):
        add_form(store, "ladder", None, None)


# -- saving


def test_a_new_ruling_needs_a_cite_then_saves_and_undoes(store: Store) -> None:
    form = add_form(store, "ladder", Sel("proceeding", "adhoc-5-ppmc-verdict", CASE), CASE)
    form.set_text("date", "3 March 2023")
    form.set_text("outcome", "upheld")
    refused = form.check(store)
    assert not refused.ok
    assert "needs at least one cite" in " ".join(refused.errors["cite.source"])
    form.set_text("cite.source", "s01")
    form.set_text("cite.note", "the appeal ruling")
    history = saved(store, form)
    new_id = f"{CASE}-appeal-2023-03-03"
    doc = store.get(model.PROCEEDINGS, new_id)
    assert doc is not None and doc["case"] == CASE and doc["date"] == "2023-03-03"
    assert doc["cites"] == [{"source": "s01", "note": "the appeal ruling"}]
    assert Store.load(store.path).get(model.PROCEEDINGS, new_id) == doc  # durable
    history.undo(store)
    assert store.get(model.PROCEEDINGS, new_id) is None
    history.redo(store)
    assert store.get(model.PROCEEDINGS, new_id) == doc


def test_an_edit_keeps_the_facts_cites_and_adds_the_new_one(store: Store) -> None:
    before = store.get(model.CASES, CASE)
    assert before is not None
    form = edit_form(store, Sel("charge", f"{CASE}#0", CASE), "parties")
    form.set_text("law", "Criminal Code of Cambodia")
    form.set_text("cite.source", "s01")
    form.set_text("cite.quote", QUOTE)
    result = form.check(store)
    assert result.ok and not result.warnings, result.lines()
    saved(store, form)
    charge = store.get(model.CASES, CASE)["charges"][0]  # type: ignore[index]
    assert charge["law"] == "Criminal Code of Cambodia"
    assert charge["cites"] == [*before["charges"][0]["cites"], {"source": "s01", "quote": QUOTE}]


def test_a_quote_not_in_the_article_is_a_warning_before_saving(store: Store) -> None:
    form = cite_form(
        store, Sel("party", "ny-sokha", CASE), "parties", source_id="s01", quote="never said"
    )
    result = form.check(store)
    assert result.ok
    assert "is not in the article" in " ".join(result.warnings["cite.quote"])
    form.set_text("cite.quote", QUOTE)
    assert not form.check(store).warnings
    saved(store, form)
    entry = store.get(model.CASES, CASE)["participants"][0]  # type: ignore[index]
    assert entry["party"] == "ny-sokha" and entry["cites"][-1] == {"source": "s01", "quote": QUOTE}


def test_a_cite_of_a_fact_is_edited_or_removed_in_place(store: Store) -> None:
    sel = Sel("party", "chin-malin", CASE)
    entry = next(
        p for p in store.get(model.CASES, CASE)["participants"] if p["party"] == "chin-malin"
    )  # type: ignore[index]
    first = entry["cites"][0]
    form = formopen.edit_cite_form(store, sel, "parties", first)
    assert form.text("cite.quote") == first["quote"] and form.text("cite.source") == "s01"
    form.set_text("cite.note", "the ministry's spokesman")
    saved(store, form)
    entry = next(
        p for p in store.get(model.CASES, CASE)["participants"] if p["party"] == "chin-malin"
    )  # type: ignore[index]
    assert entry["cites"] == [{**first, "note": "the ministry's spokesman"}]
    # emptied: the cite goes, and the fact without a cite is refused
    form = formopen.edit_cite_form(store, sel, "parties", entry["cites"][0])
    for name in ("cite.source", "cite.quote", "cite.note"):
        form.set_text(name, "")
    result = form.check(store)
    assert not result.ok and "needs at least one cite" in " ".join(result.errors["cite.source"])
    with pytest.raises(FormError):
        formopen.edit_cite_form(store, sel, "parties", {"source": "s99"})


def test_another_version_keeps_both_as_one_conflict(store: Store) -> None:
    before = store.get(model.CASES, CASE)
    assert before is not None
    first = dict(before["charges"][0])
    form = edit_form(store, Sel("charge", f"{CASE}#0", CASE), "parties")
    assert form.can_version
    form.save_as = VERSION
    form.set_text("article", "549")
    refused = form.check(store)  # a version needs its own cite
    assert "cite.source" in refused.errors
    form.set_text("cite.source", "s02")
    saved(store, form)
    charges = store.get(model.CASES, CASE)["charges"]  # type: ignore[index]
    assert len(charges) == len(before["charges"]) + 1
    one, two = charges[0], charges[1]
    assert one["conflict"] == two["conflict"]
    assert {k: v for k, v in one.items() if k != "conflict"} == first  # never overwritten
    assert two["article"] == "549" and two["cites"] == [{"source": "s02"}]


def test_a_correction_on_a_new_sources_word_suggests_a_version(store: Store) -> None:
    form = edit_form(store, Sel("sentence", "ny-sokha-adhoc-5-ppmc", CASE), "sentences")
    form.set_text("term", "6 years")
    form.set_text("cite.source", "s05")  # not among the sentence's sources
    result = form.check(store)
    assert result.ok and "save as another version" in " ".join(result.warnings[""])
    form.set_text("cite.source", "s21")  # one of its sources: a plain correction
    assert not form.check(store).warnings
    form.set_text("cite.source", "s05")
    form.save_as = VERSION
    assert not form.check(store).warnings


def test_a_version_of_a_sentence_is_a_second_document(store: Store) -> None:
    form = edit_form(store, Sel("sentence", "ny-sokha-adhoc-5-ppmc", CASE), "sentences")
    form.save_as = VERSION
    form.set_text("term", "6 years")
    form.set_text("cite.source", "s05")
    saved(store, form)
    first = store.get(model.SENTENCES, "ny-sokha-adhoc-5-ppmc")
    second = store.get(model.SENTENCES, "ny-sokha-adhoc-5-ppmc-v2")
    assert first is not None and second is not None
    assert first["term"] == {"years": 5} and second["term"] == {"years": 6}
    assert first["conflict"] == second["conflict"]


def test_a_version_with_the_same_values_is_refused(store: Store) -> None:
    form = edit_form(store, Sel("event", f"{CASE}#2", CASE), "parties")
    form.save_as = VERSION
    form.set_text("cite.source", "s01")
    result = form.check(store)
    assert not result.ok and "same values" in " ".join(result.errors[""])


def test_a_new_party_from_a_picker_is_saved_with_the_form(store: Store) -> None:
    nested = formopen.new_doc_form("party", "Sok Dara")
    table, party = forms.pending_doc(store, nested)
    assert nested.check(store).ok and party["id"] == "sok-dara"
    form = add_form(store, "parties", None, CASE)
    form.pending.append((table, party))
    form.set_text("party", "sok-dara")
    assert form.read(store, "party").how == "→ Sok Dara"
    form.set_text("role", "witness")
    form.set_text("cite.source", "s01")
    history = saved(store, form)
    assert store.get(model.PARTIES, "sok-dara") is not None
    assert store.get(model.CASES, CASE)["participants"][-1]["party"] == "sok-dara"  # type: ignore[index]
    history.undo(store)  # one operation: both go
    assert store.get(model.PARTIES, "sok-dara") is None


def test_a_cite_of_a_new_source_from_a_picker_saves_both(store: Store) -> None:
    nested = formopen.new_doc_form("source", "Radio Free Asia, 3 March 2023")
    nested.set_text("url", "https://www.rfa.org/english/news/cambodia/x.html")
    table, source = forms.pending_doc(store, nested)
    assert nested.check(store).ok and source["id"] == "radio-free-asia-3-march-2023"
    form = cite_form(store, Sel("proceeding", "adhoc-5-sc-ruling", CASE), "ladder")
    form.pending.append((table, source))
    form.set_text("cite.source", source["id"])
    form.set_text("cite.note", "reports the ruling")
    assert form.read(store, "cite.source").how == "→ Radio Free Asia, 3 March 2023"
    history = saved(store, form)
    ruling = store.get(model.PROCEEDINGS, "adhoc-5-sc-ruling")
    assert ruling is not None and ruling["cites"][-1]["source"] == source["id"]
    history.undo(store)
    assert store.get(model.SOURCES, source["id"]) is None


def test_a_new_document_never_takes_the_id_of_one_that_exists(store: Store) -> None:
    before = store.get(model.SOURCES, "s01")
    form = add_form(store, "sources", None, CASE)
    form.set_text("id", "s01")
    form.set_text("title", "Another source")
    result = form.check(store)
    assert not result.ok and "already holds 's01'" in " ".join(result.errors["id"])
    assert store.get(model.SOURCES, "s01") == before


def test_a_new_case_and_a_new_source(store: Store) -> None:
    case = add_form(store, "cases", None, None)
    case.set_text("title", "Prosecutor v. Someone")
    case.set_text("tags", "land; protest")
    saved(store, case)
    doc = store.get(model.CASES, "prosecutor-v-someone")
    assert doc is not None and doc["tags"] == ["land", "protest"] and doc["status"] == "open"
    source = add_form(store, "sources", None, CASE)
    source.set_text("title", "A new report")
    source.set_text("published", "Sept 2024")
    source.set_text("url", "https://example.org/report")
    saved(store, source)
    assert store.get(model.SOURCES, "a-new-report")["published"] == "2024-09"  # type: ignore[index]
    # added from a case's sources pane: cited on that case, so it is listed there
    assert store.get(model.CASES, CASE)["cites"][-1] == {"source": "a-new-report"}  # type: ignore[index]
    assert "a-new-report" in [s["id"] for s in store.sources_of(CASE)]


def test_another_programs_change_meanwhile_refuses_the_save(store: Store) -> None:
    form = edit_form(store, Sel("source", "s01", CASE), "sources")
    form.set_text("language", "km")
    other = Store.load(store.path)
    other.put(model.SOURCES, {**other.get(model.SOURCES, "s01"), "language": "fr"})  # type: ignore[dict-item]
    store.refresh()
    result = form.check(store)
    assert not result.ok and "another program" in " ".join(result.errors[""])
    # both versions: theirs named field by field, the user's text kept in the form
    assert "sources[s01].language: en → fr" in " ".join(result.errors[""])
    assert form.text("language") == "km"


# -- hostile input


HOSTILE = [
    "[bold red]markup[/]",
    "[@click=app.quit]Quit[/]",
    "\x1b[31mred",
    "\x1b]52;c;aGk=\x07",
    "right\u202eto left",
    "isolate\u2066x\u2069",
    "tab\tinside",
    "line\nbreak",
    "x" * 100_000,
    "x" * 2_000,
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]) + f"/{len(v)}")
def test_hostile_text_is_refused_exactly_when_validate_refuses_it(store: Store, value: str) -> None:
    form = edit_form(store, Sel("source", "s01", CASE), "sources")
    form.set_text("title", value)
    form.set_text("note", value)
    result = form.check(store)
    doc = {**store.get(model.SOURCES, "s01"), "title": value, "note": value}  # type: ignore[dict-item]
    problems = validate_document(model.SOURCES, doc, lambda t, i: store.get(t, i))
    refused = {p.field for p in problems}
    assert ("title" in result.errors) == ("title" in refused), (result.lines(), problems)
    assert ("note" in result.errors) == ("note" in refused), (result.lines(), problems)
    if "title" not in refused:  # accepted: stored exactly as typed, never interpreted
        assert result.operation is not None
        after = result.operation.changes[-1].after
        assert after is not None and after["title"] == value.strip()


def test_a_refused_save_writes_nothing(store: Store) -> None:
    before = store.path.read_bytes()
    log = store.log_path.read_bytes() if store.log_path.exists() else b""
    form = edit_form(store, Sel("case", CASE, CASE), "cases")
    form.set_text("title", "\x1b[2J" + "y" * 100_000)
    result = form.check(store)
    assert not result.ok and "title" in result.errors
    assert store.path.read_bytes() == before
    assert (store.log_path.read_bytes() if store.log_path.exists() else b"") == log
