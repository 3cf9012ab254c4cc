"""The core case view on the bundled file and on small stores made here: the
ladder holds rulings only, arithmetic follows the recorded custody events,
conflicts carry every version, cites are resolved once and never repeated,
and ``casefiles show``/``stats`` print what the README promises."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from casefiles.caseview import CaseView, RulingView, SentenceView, source_ids
from casefiles.custody import between, custody_of
from casefiles.model import Duration
from casefiles.store import Store
from casefiles.tui import facts
from casefiles.tui.text import plain
from tests.conftest import run_cli

DATA = Path(__file__).resolve().parent.parent / "data"
ADHOC = "adhoc-5-witness-bribery"
TEP = "tep-vanny-2013-protest"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("bundled")
    shutil.copytree(DATA, folder, dirs_exist_ok=True)
    return Store.load(folder / "casefiles.json")


# ------------------------------------------------------------------ ladder


def test_ladder_holds_rulings_numbered_by_level_and_hearings_are_events(store: Store) -> None:
    """Defect: ADHOC 5's ladder had nine rows numbered 1-9, hearings among verdicts."""
    view = CaseView.of(store, ADHOC)
    assert all(isinstance(r, RulingView) for r in view.ladder)
    assert [r.step for r in view.ladder] == [1, 1, 2, 3, 3]
    assert {r.level for r in view.ladder} == {"first_instance", "appeal", "supreme"}
    hearings = [e for e in view.events if e.kind == "proceeding"]
    assert len(hearings) == 4
    assert any(e.outcome == "detained" and "detention" in e.label for e in hearings)
    ladder_ids = {r.id for r in view.ladder}
    assert not ladder_ids & {e.key for e in hearings}
    # the pane numbers rows by level, not 1..n
    rows = facts.ladder_rows(store, ADHOC)
    assert [plain(r.line).lstrip("⚠ ").split(" ", 1)[0] for r in rows] == ["1", "1", "2", "3", "3"]


def test_hearings_are_not_outcomes(store: Store) -> None:
    view = CaseView.of(store, "kem-sokha-treason")
    sokha = view.party("kem-sokha")
    assert sokha is not None and sokha.latest is not None
    assert sokha.latest.outcome in ("convicted", "pending")  # never a hearing's "rejected"


def test_in_absentia_belongs_to_the_parties_tried_so(store: Store) -> None:
    view = CaseView.of(store, "sam-rainsy-kem-ley-defamation")
    assert [r.absent_names for r in view.ladder] == [("Sam Rainsy",), ("Sam Rainsy",)]
    rows = facts.ladder_rows(store, "sam-rainsy-kem-ley-defamation")
    assert "in absentia" in plain(rows[0].line)
    assert "in absentia: Sam Rainsy" in "\n".join(
        plain(line) for line in facts.cite_lines(store, rows[0])
    )


# -------------------------------------------------------------- arithmetic


def test_tep_vanny_pardon_and_release_end_the_sentence(store: Store) -> None:
    """Defect: Tep Vanny showed "remaining 2 years 6 months" despite her recorded
    pardon and release."""
    view = CaseView.of(store, TEP)
    prison = [s for s in view.sentences if s.penalty == "imprisonment"]
    assert prison
    for s in prison:
        assert s.term == Duration(30)
        assert s.remaining == Duration()
        assert s.remaining_text() == "none (pardoned 20 Aug 2018)"
        assert s.served is not None and s.served.months == 24  # 15 Aug 2016 - 20 Aug 2018
        assert "remaining 2 years 6 months" not in s.summary()
    # pre-trial detention derived from the arrest, with the cites of those events
    first = next(s for s in prison if s.level == "first_instance")
    assert first.pretrial_derived and first.pretrial
    assert first.custody is not None and source_ids(first.custody.cites)
    detail = "\n".join(plain(line) for line in facts.sentence_detail(first))
    assert "(from recorded custody)" in detail and "custody from recorded events, cited:" in detail


def test_compensation_rows_say_compensation(store: Store) -> None:
    """Defect: compensation rows read "fine"."""
    view = CaseView.of(store, TEP)
    comp = [s for s in view.sentences if s.penalty == "compensation"]
    assert comp
    for s in comp:
        assert s.amount_text is not None and s.amount_text.startswith("compensation ")
        assert "fine" not in s.summary()
    rows = [r for r in facts.sentence_rows(store, TEP) if r.id in {s.id for s in comp}]
    assert rows and all("fine" not in plain(r.line) for r in rows)


def _store_with(tmp_path: Path, events: list[dict[str, Any]]) -> Store:
    """A temporary copy of tests/data/minimal.json whose first case has ``events``."""
    folder = tmp_path / "s"
    shutil.copytree(Path(__file__).parent / "data", folder)
    store = Store.load(folder / "minimal.json")
    case_id = next(iter(store.table("cases")))
    case = dict(store.table("cases")[case_id])
    party = case["participants"][0]["party"]
    for e in events:
        e.setdefault("party", party)
        e.setdefault("cites", [{"source": next(iter(store.table("sources")))}])
    case["events"] = events
    store.put("cases", case)
    return store


def test_custody_spans_served_and_before() -> None:
    assert between(date(2016, 8, 15), date(2018, 8, 20)) == Duration(24, 5)
    # a month from 31 Jan ends on the last day of February
    assert between(date(2020, 1, 31), date(2020, 2, 29)) == Duration(1, 0)
    assert between(date(2020, 1, 31), date(2020, 2, 28)) == Duration(0, 28)
    assert between(date(2020, 3, 1), date(2020, 1, 1)) == Duration()


def test_custody_from_events(store: Store) -> None:
    view = CaseView.of(store, TEP)
    events = [e for e in view.events if e.kind == "event"]
    held = custody_of("tep-vanny", events, date(2026, 11, 30))
    assert [(s.start, s.end, s.ended_by) for s in held.spans] == [
        ("2016-08-15", "2018-08-20", "pardon")
    ]
    assert not held.ongoing
    assert held.ended_after("2017-02-23") == ("pardoned", "2018-08-20")
    assert held.ended_after("2019-01-01") is None
    assert held.before("2017-02-23") == Duration(6, 8)
    nobody = custody_of("no-such-party", events, date(2026, 11, 30))
    assert nobody.spans == () and nobody.served == Duration()


# ------------------------------------------------------------- conflicts


def test_conflict_groups_span_panes(store: Store) -> None:
    """A conflict between a bail decision and a ruling lists both versions, though
    one sits among the events and the other on the ladder."""
    view = CaseView.of(store, "cnrp-mass-trial-theary-seng")
    group = view.conflicts["theary-seng-sc-decision"]
    kinds = sorted(type(f).__name__ for f in group.facts)
    assert kinds == ["EventView", "RulingView"]
    row = next(r for r in facts.ladder_rows(store, view.id) if r.conflict)
    text = "\n".join(plain(line) for line in facts.cite_lines(store, row))
    assert text.startswith("⚠ sources disagree: 2 versions of this fact")
    assert "bail hearing" in text and "upheld" in text


def test_every_fact_lists_its_sources_once(store: Store) -> None:
    """Defect: duplicate cites ("[t03, t04, t05, t09, t05]")."""
    for case_id in store.table("cases"):
        view = CaseView.of(store, case_id)
        for fact in view.facts():
            ids = source_ids(fact.cites)
            assert len(ids) == len(set(ids))
    out = run_cli("show", ADHOC, "--store", str(store.path))
    assert out.returncode == 0
    for line in out.stdout.splitlines():
        if line.rstrip().endswith("]") and "[" in line:
            refs = line.rsplit("[", 1)[1].rstrip("]").split(", ")
            assert len(refs) == len(set(refs)), line


def test_case_cites_come_from_summary_references(store: Store) -> None:
    """Defect: the case row showed "uncited" while its summary cites [T05]-style ids."""
    assert store.get("cases", TEP) is not None
    assert not store.get("cases", TEP).get("cites")  # type: ignore[union-attr]
    row = facts.case_row(store, TEP)
    assert row.source_ids[:2] == ["t05", "t14"]
    text = "\n".join(plain(line) for line in facts.cite_lines(store, row))
    assert "uncited" not in text and text.startswith("t05")


# ------------------------------------------------------------------- CLI


def test_show_lists_conflicts(store: Store) -> None:
    """Defect: ``show`` text did not list conflicts as the README says."""
    out = run_cli("show", ADHOC, "--store", str(store.path))
    assert out.returncode == 0
    text = out.stdout
    assert "\nSources disagree\n" in text
    assert "  adhoc5-sc-ruling-date: 2 versions" in text
    assert "2022-11-18" in text and "2022-11-23" in text
    assert "\nCourt ladder (rulings on the merits)\n" in text


def test_show_json_carries_the_derived_values(store: Store) -> None:
    out = run_cli("show", TEP, "--json", "--store", str(store.path))
    assert out.returncode == 0
    data = json.loads(out.stdout)
    prison = [s for s in data["sentences"] if s["penalty"] == "imprisonment"]
    assert prison[0]["derived"]["ended"] == {"how": "pardoned", "date": "2018-08-20"}
    assert prison[0]["derived"]["remaining"]["text"] == "none"
    assert all(e["kind"] for e in data["events"])
    assert data["conflicts"]


def test_stats_columns_line_up(store: Store) -> None:
    """Defect: ``stats`` columns were misaligned (level names are longer than
    table names)."""
    out = run_cli("stats", "--store", str(store.path))
    assert out.returncode == 0
    rows = [line for line in out.stdout.splitlines() if line.startswith("  ")]
    ends = {len(line) for line in rows}
    assert len(ends) == 1, rows


def test_views_are_immutable_and_cached(store: Store) -> None:
    view = CaseView.of(store, ADHOC)
    with pytest.raises(AttributeError):
        view.title = "changed"  # type: ignore[misc]
    assert facts.view(store, ADHOC) is facts.view(store, ADHOC)
    assert isinstance(view.sentences[0], SentenceView)


def test_an_edit_is_seen_by_the_next_view(tmp_path: Path) -> None:
    store = _store_with(
        tmp_path,
        [
            {"date": "2020-01-01", "label": "Arrested", "kind": "arrest"},
            {"date": "2020-07-01", "label": "Released on bail", "kind": "bail"},
        ],
    )
    case_id = next(iter(store.table("cases")))
    view = facts.view(store, case_id)
    assert view is not None
    assert [e.event_kind for e in view.events if e.kind == "event"] == ["arrest", "bail"]
    case = dict(store.table("cases")[case_id])
    case["events"] = case["events"][:1]
    store.put("cases", case)
    again = facts.view(store, case_id)
    assert again is not view
    assert again is not None and [e.event_kind for e in again.events if e.kind == "event"] == [
        "arrest"
    ]


def test_cites_pane_marks_quotes_found_or_not_in_the_source_text(tmp_path: Path) -> None:
    """Issue 11: the Cites pane marks each quote as found, near or not found."""
    folder = tmp_path / "b"
    shutil.copytree(DATA, folder)
    store = Store.load(folder / "casefiles.json")
    row = next(r for r in facts.party_rows(store, ADHOC) if r.kind == "charge")
    text = "\n".join(plain(line) for line in facts.cite_lines(store, row))
    assert "s01 · Phnom Penh Post “bribing witnesses” ✓" in text
    case = json.loads(json.dumps(store.get("cases", ADHOC)))
    case["charges"][0]["cites"] = [
        {"source": "s01", "quote": "bribing witneses"},
        {"source": "s01", "quote": "the moon is made of cheese"},
        {"source": "s04", "quote": "no text is stored for this source"},
    ]
    store.put("cases", case)
    row = next(r for r in facts.party_rows(store, ADHOC) if r.kind == "charge")
    lines = [plain(line) for line in facts.cite_lines(store, row)]
    assert any(line.endswith("“bribing witneses” ≈ near") for line in lines), lines
    assert any(line.endswith("“the moon is made of cheese” ✗ not in the text") for line in lines)
    assert any(line.endswith("“no text is stored for this source”") for line in lines)


def test_a_pardon_ends_a_sentence_even_without_a_recorded_arrest(store: Store) -> None:
    """Tep Vanny's 2011 City Hall sentence: no arrest recorded in that case, but her
    pardon of 20 Aug 2018 is; nothing remains to serve."""
    view = CaseView.of(store, "boeung-kak-2011-city-hall-protest")
    mine = [s for s in view.sentences if s.party_id == "tep-vanny" and s.custodial]
    assert mine
    for s in mine:
        assert s.served is None  # no custody recorded in this case
        assert s.remaining_text() == "none (pardoned 20 Aug 2018)"
    rows = facts.sentence_rows(store, view.id, party="tep-vanny")
    row = next(r for r in rows if r.id == mine[0].id)
    detail = "\n".join(plain(line) for line in facts.sentence_detail(mine[0]))
    assert "in custody" not in detail and "remaining none (pardoned 20 Aug 2018)" in detail
    assert "remaining none (pardoned 20 Aug 2018)" in plain(row.line)


def test_the_cites_pane_can_leave_quote_checks_to_a_thread(tmp_path: Path) -> None:
    """With ``pending``, an unchecked quote is drawn as "…" and handed back
    instead of being checked on the cursor's path; once checked, it is marked."""
    folder = tmp_path / "b"
    shutil.copytree(DATA, folder)
    store = Store.load(folder / "casefiles.json")
    row = next(r for r in facts.party_rows(store, ADHOC) if r.kind == "charge")
    pending: facts.Pending = []
    text = "\n".join(plain(line) for line in facts.cite_lines(store, row, (), pending))
    assert ("s01", "bribing witnesses") in pending
    assert "“bribing witnesses” …" in text
    marks = facts.quote_marks(store)
    assert marks.known("s01", "bribing witnesses") is None  # nothing was checked
    for source_id, quote in pending:
        marks.check(source_id, quote)
    again: facts.Pending = []
    text = "\n".join(plain(line) for line in facts.cite_lines(store, row, (), again))
    assert again == [] and "“bribing witnesses” ✓" in text


def test_a_fine_or_compensation_is_said_once(store: Store) -> None:
    view = CaseView.of(store, TEP)
    fine = next(s for s in view.sentences if s.penalty == "fine")
    assert fine.summary() == "fine 5,000,000 KHR"
    comp = next(s for s in view.sentences if s.penalty == "compensation")
    assert comp.summary() == "compensation 4,000,000 KHR"
