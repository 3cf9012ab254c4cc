"""Operations on real stores (temporary copies of the bundled file): checked as
``Store.put`` checks, applied as commits, undone and redone as ordinary
commits; provenance rules; versions of a disputed fact; deletes refused while
referred to; another program's change never overwritten silently."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from casefiles import model
from casefiles.edit.ops import DocChange, EditRefused, History, Operation, dry_run
from casefiles.store import Store, StoreError
from casefiles.store.verify import history

CASE = "adhoc-5-witness-bribery"
SENTENCE = "ny-sokha-adhoc-5-ppmc"


def _log_lines(store: Store) -> list[str]:
    path = store.log_path
    return path.read_text().splitlines() if path.exists() else []


def test_edit_undo_redo_are_commits_in_the_log(store_path: Path) -> None:
    store = Store.load(store_path)
    before = copy.deepcopy(store.get(model.PARTIES, "chin-malin"))
    assert before is not None
    changed = {**before, "description": "Ministry of Justice spokesman."}
    hist = History()
    hist.apply(store, Operation.put(store, model.PARTIES, changed), reason="shorter")
    assert store.get(model.PARTIES, "chin-malin") == changed
    hist.undo(store)
    assert store.get(model.PARTIES, "chin-malin") == before
    hist.redo(store)
    assert store.get(model.PARTIES, "chin-malin") == changed
    assert not hist.can_redo and hist.can_undo
    # Three ordinary entries, durable: a fresh load sees the last state.
    assert len(_log_lines(store)) == 3
    assert Store.load(store_path).get(model.PARTIES, "chin-malin") == changed
    reasons = [json.loads(line).get("reason") for line in _log_lines(store)]
    assert reasons[0] == "shorter"
    assert reasons[1] == "undo: edit parties[chin-malin]"
    assert reasons[2] == "redo: edit parties[chin-malin]"
    assert [e["id"] for e in history(store_path)] == ["chin-malin"] * 3


def test_undo_of_an_add_deletes_and_undo_of_a_delete_puts_back(store_path: Path) -> None:
    store = Store.load(store_path)
    hist = History()
    party = {"id": "new-person", "kind": "person", "name": "New Person"}
    hist.apply(store, Operation.put(store, model.PARTIES, party))
    assert store.get(model.PARTIES, "new-person") == party
    hist.undo(store)
    assert store.get(model.PARTIES, "new-person") is None
    source = copy.deepcopy(store.get(model.SOURCES, "s01"))
    # s01 is cited: refused, listing the references (check, for a confirmation)
    delete = Operation.delete(store, model.SOURCES, "s01")
    (problem,) = delete.check(store).problems
    assert problem.startswith("sources[s01]: cannot be deleted while ")
    assert f"cases[{CASE}].cites[" in problem
    # and applied anyway: the store refuses it, naming each reference (one scan only)
    with pytest.raises(EditRefused) as exc:
        hist.apply(store, delete)
    refusals = exc.value.check.problems
    assert all(p.endswith(": refers to sources[s01]") for p in refusals)
    assert any(p.table == model.CASES and p.doc_id == CASE for p in refusals)
    assert store.get(model.SOURCES, "s01") is not None
    hist.apply(store, Operation.put(store, model.PARTIES, party))
    hist.apply(store, Operation.delete(store, model.PARTIES, "new-person"))
    assert store.get(model.PARTIES, "new-person") is None
    hist.undo(store)
    assert store.get(model.PARTIES, "new-person") == party
    assert store.get(model.SOURCES, "s01") == source


def test_a_refused_edit_changes_nothing(store_path: Path) -> None:
    store = Store.load(store_path)
    size = store_path.stat().st_size
    doc = {**store.get(model.PARTIES, "chin-malin"), "name": "Chin \x1b[31mMalin"}  # type: ignore[dict-item]
    op = Operation.put(store, model.PARTIES, doc)
    with pytest.raises(EditRefused) as exc:
        op.apply(store)
    assert exc.value.check.problems == [
        "parties[chin-malin].name: contains control character U+001B at position 5 (escape "
        "sequences and control codes are not allowed; newlines only in summaries and notes)"
    ]
    assert store.get(model.PARTIES, "chin-malin")["name"] == "Chin Malin"  # type: ignore[index]
    assert _log_lines(store) == [] and store_path.stat().st_size == size


@pytest.mark.parametrize(
    ("table", "doc_id", "field", "value"),
    [
        (model.PARTIES, "chin-malin", "name", "x" * 100_000),  # a 100,000-character paste
        (model.PARTIES, "chin-malin", "name", "Chin \u202eMalin"),  # bidi override
        (model.PARTIES, "chin-malin", "kind", "robot"),
        (model.SENTENCES, SENTENCE, "term", {"years": -1}),
        (model.SENTENCES, SENTENCE, "party", "chin-malin"),  # not an accused of the case? a member?
        (model.PROCEEDINGS, "adhoc-5-ppmc-verdict", "court", "no-such-court"),
        (model.PROCEEDINGS, "adhoc-5-ppmc-verdict", "outcome", "detained"),  # a hearing's outcome
        (model.PARTIES, "chin-malin", "name", 12),
        (model.PARTIES, "chin-malin", "name", float("nan")),
        (model.PARTIES, "chin-malin", "name", "\ud800"),
    ],
)
def test_check_agrees_with_the_store(
    store_path: Path, table: str, doc_id: str, field: str, value: object
) -> None:
    """What ``check`` refuses, ``Store.put`` refuses (and the other way round)."""
    store = Store.load(store_path)
    doc = {**store.get(table, doc_id), field: value}  # type: ignore[dict-item]
    op = Operation.put(store, table, doc)
    problems = dry_run(store, op.changes)
    try:
        store.put(table, doc)
    except StoreError:
        refused = True
    else:
        refused = False
    assert bool(problems) == refused, problems


def test_check_writes_nothing_and_names_dependents(store_path: Path) -> None:
    store = Store.load(store_path)
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    # Dropping a participant whose sentence names them: the sentence's link check fails.
    case["participants"] = [p for p in case["participants"] if p["party"] != "ny-sokha"]
    case["charges"] = [c for c in case["charges"] if c["party"] != "ny-sokha"]
    op = Operation.put(store, model.CASES, case)
    check = op.check(store)
    assert any(f"sentences[{SENTENCE}].party" in p for p in check.problems), check.problems
    with pytest.raises(StoreError):
        store.put(model.CASES, case)
    assert _log_lines(store) == []


def test_a_new_fact_needs_a_cite(store_path: Path) -> None:
    store = Store.load(store_path)
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    case["events"].append({"date": "2023-01-05", "label": "Visited in prison", "kind": "other"})
    op = Operation.put(store, model.CASES, case)
    with pytest.raises(EditRefused) as exc:
        op.apply(store)
    n = len(case["events"]) - 1
    assert exc.value.check.problems == [
        f"cases[{CASE}].events[{n}].cites: a new or changed event needs at least one cite "
        "(a source, and optionally a quote and a note)"
    ]
    case["events"][-1]["cites"] = [{"source": "s01"}]
    Operation.put(store, model.CASES, case).apply(store)
    assert store.get(model.CASES, CASE)["events"][-1]["label"] == "Visited in prison"  # type: ignore[index]


def test_a_changed_sentence_without_cites_is_refused_but_untouched_facts_are_not_checked(
    store_path: Path,
) -> None:
    store = Store.load(store_path)
    sent = {k: v for k, v in store.get(model.SENTENCES, SENTENCE).items() if k != "cites"}  # type: ignore[union-attr]
    with pytest.raises(EditRefused, match="refused") as exc:
        Operation.put(store, model.SENTENCES, {**sent, "term": {"years": 6}}).apply(store)
    assert "needs at least one cite" in exc.value.check.problems[0]
    # An edit of the case's title does not ask old facts for cites again.
    case = {**store.get(model.CASES, CASE), "title": "ADHOC 5"}  # type: ignore[dict-item]
    Operation.put(store, model.CASES, case).apply(store)


def test_a_quote_not_in_the_article_is_a_warning_before_saving(store_path: Path) -> None:
    store = Store.load(store_path)
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    case["events"].append(
        {
            "date": "2022-11-18",
            "label": "Supreme Court ruling",
            "kind": "hearing",
            "cites": [{"source": "s01", "quote": "the court acquitted everyone"}],
        }
    )
    op = Operation.put(store, model.CASES, case)
    with pytest.raises(EditRefused) as exc:
        op.apply(store)
    assert exc.value.warnings_only
    (warning,) = exc.value.check.warnings
    assert "'the court acquitted everyone' is not in the article of source s01" in warning
    assert _log_lines(store) == []
    # A quote that is in the article (spacing, case and quote marks aside) passes.
    case["events"][-1]["cites"] = [{"source": "s01", "quote": "BY THE COURTS  at three levels"}]
    assert Operation.put(store, model.CASES, case).check(store).warnings == []
    # Confirmed: saved with the warning.
    op.apply(store, accept_warnings=True)
    assert store.get(model.CASES, CASE)["events"][-1]["label"] == "Supreme Court ruling"  # type: ignore[index]


def test_a_second_version_of_an_event_keeps_the_first(store_path: Path) -> None:
    store = Store.load(store_path)
    case = store.get(model.CASES, CASE)
    assert case is not None
    i = next(
        i for i, e in enumerate(case["events"]) if not e.get("conflict") and e["kind"] == "hearing"
    )
    first = copy.deepcopy(case["events"][i])
    op = Operation.add_version(
        store,
        model.CASES,
        CASE,
        {"date": "2019-01-01"},
        [{"source": "s05", "note": "another date"}],
        fact=("events", i),
    )
    op.apply(store)
    events = store.get(model.CASES, CASE)["events"]  # type: ignore[index]
    key = events[i]["conflict"]
    assert {k: v for k, v in events[i].items() if k != "conflict"} == first  # kept, with its cites
    assert events[i + 1] == {
        **first,
        "date": "2019-01-01",
        "conflict": key,
        "cites": [{"source": "s05", "note": "another date"}],
    }
    # A third version joins the same group, after the second.
    Operation.add_version(
        store, model.CASES, CASE, {"date": "2019-02"}, [{"source": "s06"}], fact=("events", i)
    ).apply(store)
    events = store.get(model.CASES, CASE)["events"]  # type: ignore[index]
    assert [e.get("conflict") for e in events[i : i + 3]] == [key] * 3
    assert [e["date"] for e in events[i : i + 3]] == [first["date"], "2019-01-01", "2019-02"]


def test_a_second_version_of_a_sentence_is_a_new_document(store_path: Path) -> None:
    store = Store.load(store_path)
    first = copy.deepcopy(store.get(model.SENTENCES, SENTENCE))
    assert first is not None
    op = Operation.add_version(
        store, model.SENTENCES, SENTENCE, {"term": {"years": 6}}, [{"source": "s05"}]
    )
    op.apply(store)
    kept = store.get(model.SENTENCES, SENTENCE)
    second = store.get(model.SENTENCES, f"{SENTENCE}-v2")
    assert kept is not None and second is not None
    assert {k: v for k, v in kept.items() if k != "conflict"} == first
    assert second["conflict"] == kept["conflict"]
    assert second["term"] == {"years": 6} and second["cites"] == [{"source": "s05"}]
    # Undo removes the second and takes the key off the first: as before.
    hist = History()
    hist.record(op)
    hist.undo(store)
    assert store.get(model.SENTENCES, SENTENCE) == first
    assert store.get(model.SENTENCES, f"{SENTENCE}-v2") is None


def test_a_version_that_says_the_same_is_refused(store_path: Path) -> None:
    store = Store.load(store_path)
    with pytest.raises(EditRefused, match="same"):
        Operation.add_version(store, model.SENTENCES, SENTENCE, {}, [{"source": "s05"}])


def test_another_programs_change_is_not_overwritten(store_path: Path) -> None:
    mine = Store.load(store_path)
    theirs = Store.load(store_path)
    base = copy.deepcopy(mine.get(model.PARTIES, "chin-malin"))
    assert base is not None
    op = Operation.put(mine, model.PARTIES, {**base, "name": "Chin Malin (mine)"})
    theirs.put(model.PARTIES, {**base, "name": "Chin Malin (theirs)"})
    with pytest.raises(EditRefused) as exc:
        op.apply(mine)
    (stale,) = exc.value.check.stale
    assert stale.theirs is not None and stale.theirs["name"] == "Chin Malin (theirs)"
    assert stale.mine is not None and stale.mine["name"] == "Chin Malin (mine)"
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "Chin Malin (theirs)"  # type: ignore[index]


def test_undo_is_refused_when_someone_changed_the_document_since(store_path: Path) -> None:
    store = Store.load(store_path)
    hist = History()
    base = copy.deepcopy(store.get(model.PARTIES, "chin-malin"))
    assert base is not None
    hist.apply(store, Operation.put(store, model.PARTIES, {**base, "name": "A"}))
    other = Store.load(store_path)
    other.put(model.PARTIES, {**base, "name": "B"})
    with pytest.raises(EditRefused):
        hist.undo(store)
    assert hist.can_undo  # nothing was lost from the history
    assert Store.load(store_path).get(model.PARTIES, "chin-malin")["name"] == "B"  # type: ignore[index]


def test_a_case_edit_moving_a_participant_orders_its_commits(store_path: Path) -> None:
    """Adding a participant and a sentence naming them (case first), and
    dropping a participant with their sentence (sentence first), in one edit."""
    store = Store.load(store_path)
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    newcomer = next(p for p in store.table(model.PARTIES) if CASE not in store.cases_of_party(p))
    case["participants"].append(
        {"party": newcomer, "role": "defendant", "cites": [{"source": "s01"}]}
    )
    sentence = {
        "id": "newcomer-test",
        "case": CASE,
        "party": newcomer,
        "penalty": "fine",
        "fine": {"amount": 100, "currency": "USD"},
        "cites": [{"source": "s01"}],
    }
    before = [(model.CASES, store.get(model.CASES, CASE))]
    op = Operation.between(before, [(model.CASES, case), (model.SENTENCES, sentence)], "t")
    op.apply(store)
    assert store.get(model.SENTENCES, "newcomer-test") == sentence
    # Now the other way: drop them and their sentence in one go.
    case2 = copy.deepcopy(store.get(model.CASES, CASE))
    assert case2 is not None
    case2["participants"] = [p for p in case2["participants"] if p["party"] != newcomer]
    before2 = [(model.CASES, store.get(model.CASES, CASE)), (model.SENTENCES, sentence)]
    op2 = Operation.between(before2, [(model.CASES, case2)], "t2")
    assert [c.verb for c in op2.changes] == ["delete", "edit"]
    op2.apply(store)
    assert store.get(model.SENTENCES, "newcomer-test") is None


def test_restore_puts_an_earlier_version_back_as_a_new_change(store_path: Path) -> None:
    store = Store.load(store_path)
    base = copy.deepcopy(store.get(model.PARTIES, "chin-malin"))
    Operation.put(store, model.PARTIES, {**base, "name": "X"}).apply(store)  # type: ignore[dict-item]
    Operation.restore(store, model.PARTIES, "chin-malin", base).apply(store)
    assert store.get(model.PARTIES, "chin-malin") == base
    assert len(_log_lines(store)) == 2


def test_doc_change_words() -> None:
    assert str(DocChange("parties", "a", None, {"id": "a"})) == "add parties[a]"
    assert str(DocChange("parties", "a", {"id": "a"}, None)) == "delete parties[a]"
    assert str(DocChange("parties", "a\x1b", {"id": "a"}, {"id": "a"})) == "edit parties[a\\x1b]"


def test_findings_say_where_for_a_form(store_path: Path) -> None:
    """What a form needs: each problem with its field, beside that field."""
    store = Store.load(store_path)
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    case["events"].append({"date": "26/09/2018", "label": "x", "kind": "other"})
    case["status"] = "asleep"
    check = Operation.put(store, model.CASES, case).check(store)
    n = len(case["events"]) - 1
    fields = check.by_field(model.CASES, CASE)
    assert fields[f"events[{n}].cites"] == [
        "a new or changed event needs at least one cite (a source, and optionally a quote "
        "and a note)"
    ]
    assert fields["status"][0].startswith("unknown value 'asleep'")
    assert fields[f"events[{n}].date"][0].startswith("bad date '26/09/2018'")
    finding = next(p for p in check.problems if p.field == "status")
    assert finding.startswith(f"cases[{CASE}].status: unknown value")


def test_a_case_dropping_a_party_with_its_proceeding_changed_in_one_edit(
    store_path: Path,
) -> None:
    """The proceeding must stop naming the party before the case drops them:
    the commit is reordered (the case's change last) and goes through."""
    store = Store.load(store_path)
    proc = next(p for p in store.proceedings_of(CASE) if "ny-chakrya" in p.get("parties", ()))
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    before = [(model.CASES, copy.deepcopy(case)), (model.PROCEEDINGS, copy.deepcopy(proc))]
    # Ny Chakrya leaves the case entirely (participant, charges, events, proceedings, sentences).
    case["participants"] = [p for p in case["participants"] if p["party"] != "ny-chakrya"]
    case["charges"] = [c for c in case["charges"] if c["party"] != "ny-chakrya"]
    case["events"] = [e for e in case["events"] if e.get("party") != "ny-chakrya"]
    after: list[tuple[str, dict[str, object]]] = [(model.CASES, case)]
    for p in store.proceedings_of(CASE):
        if "ny-chakrya" in p.get("parties", ()) or "ny-chakrya" in p.get("absent", ()):
            q = copy.deepcopy(p)
            q["parties"] = [x for x in q.get("parties", ()) if x != "ny-chakrya"]
            q["absent"] = [x for x in q.get("absent", ()) if x != "ny-chakrya"]
            for key in ("parties", "absent"):
                if not q[key]:
                    del q[key]
            after.append((model.PROCEEDINGS, q))
            if (model.PROCEEDINGS, p) not in before:
                before.append((model.PROCEEDINGS, copy.deepcopy(p)))
    for s in store.sentences_of(CASE):
        before.append((model.SENTENCES, copy.deepcopy(s)))
        if s["party"] != "ny-chakrya":
            after.append((model.SENTENCES, copy.deepcopy(s)))
    op = Operation.between(before, after, "drop ny-chakrya")
    check = op.check(store)
    assert check.ok, check.problems
    assert check.order[-1].table == model.CASES  # reordered
    op.apply(store)
    assert "ny-chakrya" not in store.latest_outcomes(CASE)
    assert Store.load(store_path).get(model.CASES, CASE) == case


def test_a_version_never_takes_the_id_of_another_document(store_path: Path) -> None:
    store = Store.load(store_path)
    other = next(s for s in store.table(model.SENTENCES) if s != SENTENCE)
    with pytest.raises(EditRefused, match="already exists"):
        Operation.add_version(
            store,
            model.SENTENCES,
            SENTENCE,
            {"term": {"years": 6}},
            [{"source": "s05"}],
            new_id=other,
        )


def test_a_version_may_leave_a_field_out(store_path: Path) -> None:
    store = Store.load(store_path)
    op = Operation.add_version(
        store, model.SENTENCES, SENTENCE, {"suspended": None}, [{"source": "s05"}]
    )
    op.apply(store)
    second = store.get(model.SENTENCES, f"{SENTENCE}-v2")
    assert second is not None and "suspended" not in second
    assert "suspended" in store.get(model.SENTENCES, SENTENCE)  # type: ignore[operator]


def test_typing_another_sources_version_over_the_first_asks_first(store_path: Path) -> None:
    store = Store.load(store_path)
    sent = copy.deepcopy(store.get(model.SENTENCES, SENTENCE))
    assert sent is not None
    replaced = {**sent, "term": {"years": 6}, "cites": [{"source": "s05"}]}
    with pytest.raises(EditRefused) as exc:
        Operation.put(store, model.SENTENCES, replaced).apply(store)
    assert exc.value.warnings_only
    (warning,) = exc.value.check.warnings
    assert warning.startswith(f"sentences[{SENTENCE}]: this sentence was changed, and none")
    # Keeping a cite (a correction with one more source) is an ordinary edit.
    corrected = {**sent, "term": {"years": 6}, "cites": [*sent["cites"], {"source": "s05"}]}
    assert Operation.put(store, model.SENTENCES, corrected).check(store).warnings == []
    # Same for an event of a case, item by item.
    case = copy.deepcopy(store.get(model.CASES, CASE))
    assert case is not None
    case["events"][0] = {**case["events"][0], "date": "2001", "cites": [{"source": "s05"}]}
    warnings = Operation.put(store, model.CASES, case).check(store).warnings
    assert [w.field for w in warnings] == ["events[0]"]


def test_restore_a_version_from_the_log(store_path: Path) -> None:
    """What the history view does: pick an entry of the log, put its version back."""
    store = Store.load(store_path)
    base = copy.deepcopy(store.get(model.PARTIES, "chin-malin"))
    assert base is not None
    Operation.put(store, model.PARTIES, {**base, "name": "First"}).apply(store)
    Operation.put(store, model.PARTIES, {**base, "name": "Second"}).apply(store)
    entries = history(store_path, "chin-malin")  # newest first
    oldest = entries[-1]
    assert oldest["doc"]["name"] == "First"
    op = Operation.restore(store, model.PARTIES, "chin-malin", oldest["doc"])
    op.apply(store)
    assert store.get(model.PARTIES, "chin-malin")["name"] == "First"  # type: ignore[index]
    newest = history(store_path, "chin-malin")[0]
    assert newest["reason"] == "restore parties[chin-malin]"
    assert len(_log_lines(store)) == 3
