"""A document's history from the change log (casefiles.edit.history) on real
stores (temporary copies of the bundled file): every version newest first
with field-level differences, author, time, reason and entry number; restoring
an earlier version is a new, undoable change, refused with the reason when it
would not validate today; ``changed_since`` sees another program's commit;
``Follower`` reads the entries another program appended."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casefiles import model
from casefiles.edit.history import (
    ABSENT,
    FieldChange,
    Follower,
    changed_since,
    changes,
    compare,
    diff_lines,
    document_history,
    restore,
    restore_check,
    version_hash,
)
from casefiles.edit.ops import EditRefused, History, Operation
from casefiles.store import Store
from casefiles.store.verify import history as log_history

ROOT = Path(__file__).resolve().parents[2]
PARTY = "chin-malin"
CASE = "adhoc-5-witness-bribery"


def _put_in_other_process(path: Path, table: str, doc: dict[str, object], author: str) -> None:
    """``casefiles put`` in a second process (another program committing)."""
    env = {**os.environ, "CASEFILES_AUTHOR": author}
    done = subprocess.run(
        [sys.executable, "-m", "casefiles", "put", table, "-", "--store", str(path)],
        input=json.dumps(doc),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def _edit_party(store: Store, hist: History, **fields: object) -> dict[str, object]:
    party = copy.deepcopy(store.get(model.PARTIES, PARTY))
    assert party is not None
    party.update(fields)
    hist.apply(store, Operation.put(store, model.PARTIES, party), reason="test edit")
    return party


def test_history_lists_every_version_newest_first_with_differences(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_AUTHOR", "Ana Monitor")
    store = Store.load(store_path)
    first = copy.deepcopy(store.get(model.PARTIES, PARTY))
    hist = History()
    _edit_party(store, hist, name="Chin Malin (1)")
    monkeypatch.setenv("CASEFILES_AUTHOR", "Bo Editor")
    _edit_party(store, hist, name="Chin Malin (2)", tags=["official", "spokesman"])

    found = document_history(store, model.PARTIES, PARTY)
    seqs = [v.seq for v in found.versions]
    assert seqs == [2, 1, None], "newest first, then the version before the log"
    newest, older, base = found.versions
    assert newest.current and not older.current and not base.current
    assert newest.author == "Bo Editor" and older.author == "Ana Monitor"
    assert newest.reason == "test edit"
    assert newest.time.endswith("Z") and newest.when.endswith(" UTC")
    assert newest.diff == (
        FieldChange("name", "Chin Malin (1)", "Chin Malin (2)"),
        FieldChange("tags[1]", ABSENT, "spokesman"),
    )
    assert older.diff == (FieldChange("name", "Chin Malin", "Chin Malin (1)"),)
    assert base.doc == first and base.op == "checkpoint"
    text = "\n".join(newest.diff_lines())
    assert '~ name\n  - "Chin Malin (1)"\n  + "Chin Malin (2)"' in text
    assert '+ tags[1]: "spokesman"' in text
    assert "#2" in newest.heading() and "Bo Editor" in newest.heading()
    assert "(current)" in newest.heading() and "(test edit)" in newest.heading()


def test_history_is_the_log_command_s_history(store_path: Path) -> None:
    """The same entries, in the same order, as ``casefiles log ID`` (one source)."""
    store = Store.load(store_path)
    hist = History()
    _edit_party(store, hist, name="X")
    _edit_party(store, hist, name="Y")
    logged = [i["seq"] for i in log_history(store_path, PARTY)]
    ours = [v.seq for v in document_history(store, model.PARTIES, PARTY).versions if v.seq]
    assert ours == logged == [2, 1]
    lines = diff_lines(log_history(store_path, PARTY)[0]["diff"])
    assert lines == ['~ name: "X" -> "Y"']


def test_a_document_with_no_logged_change_has_one_version(store_path: Path) -> None:
    store = Store.load(store_path)
    found = document_history(store, model.PARTIES, PARTY)
    assert len(found.versions) == 1 and found.versions[0].current
    assert found.notes and "no change" in found.notes[0]


def test_nested_changes_name_the_item_that_changed() -> None:
    before = {"events": [{"date": "2018", "kind": "arrest"}, {"date": "2019", "kind": "trial"}]}
    after = {
        "events": [
            {"date": "2017", "kind": "charge"},
            {"date": "2018-09", "kind": "arrest"},
            {"date": "2019", "kind": "trial"},
        ]
    }
    found = changes(before, after)
    assert found == [
        FieldChange("events[0].date", "2018", "2017"),
        FieldChange("events[0].kind", "arrest", "charge"),
        FieldChange("events[1]", ABSENT, {"date": "2018-09", "kind": "arrest"}),
    ], "the unchanged trial event is matched, not shown as changed"
    # hostile text is shown literally: escapes, never interpreted
    line = FieldChange("name", "a", "[b]x\x1b[31m").lines()
    assert "\x1b" not in "".join(line) and "[b]x" in "".join(line)


def test_restore_is_a_new_change_that_undo_takes_back(store_path: Path) -> None:
    store = Store.load(store_path)
    hist = History()
    original = copy.deepcopy(store.get(model.PARTIES, PARTY))
    _edit_party(store, hist, name="Renamed")
    versions = document_history(store, model.PARTIES, PARTY).versions
    base = versions[-1]
    assert base.doc == original
    seq = store.log_seq
    op = restore(store, base, hist)
    assert store.get(model.PARTIES, PARTY) == original
    assert store.log_seq == seq + 1, "a new entry, not a rewrite of the log"
    assert Store.load(store_path).get(model.PARTIES, PARTY) == original, "durable"
    entry = log_history(store_path, PARTY)[0]
    assert entry["reason"] == op.title == f"restore parties[{PARTY}] to the first recorded version"
    hist.undo(store)
    assert store.get(model.PARTIES, PARTY)["name"] == "Renamed"  # type: ignore[index]
    # the history now shows three versions after the base, the undo the newest
    again = document_history(store, model.PARTIES, PARTY)
    assert [v.seq for v in again.versions] == [3, 2, 1, None]


def test_restoring_the_current_version_is_refused(store_path: Path) -> None:
    store = Store.load(store_path)
    _edit_party(store, History(), name="Renamed")
    current = document_history(store, model.PARTIES, PARTY).versions[0]
    check = restore_check(store, current)
    assert not check.ok and "holds now" in check.problems[0]
    with pytest.raises(EditRefused):
        restore(store, current)


def test_a_version_that_would_not_validate_today_is_refused_with_the_reason(
    store_path: Path,
) -> None:
    """A version that cites a source deleted since cannot come back."""
    store = Store.load(store_path)
    hist = History()
    source = {
        "id": "zz-new-source",
        "title": "A source added for this test",
        "url": "https://example.org/zz",
    }
    hist.apply(store, Operation.put(store, model.SOURCES, source))
    party = copy.deepcopy(store.get(model.PARTIES, PARTY))
    assert party is not None
    party["cites"] = [*party["cites"], {"source": "zz-new-source"}]
    hist.apply(store, Operation.put(store, model.PARTIES, party))
    party2 = copy.deepcopy(party)
    party2["cites"] = party2["cites"][:-1]
    hist.apply(store, Operation.put(store, model.PARTIES, party2))
    hist.apply(store, Operation.delete(store, model.SOURCES, "zz-new-source"))
    with_cite = next(
        v
        for v in document_history(store, model.PARTIES, PARTY).versions
        if v.doc and {"source": "zz-new-source"} in v.doc["cites"]
    )
    check = restore_check(store, with_cite)
    assert not check.ok
    assert any("zz-new-source" in p for p in check.problems), check.problems
    seq = store.log_seq
    with pytest.raises(EditRefused):
        restore(store, with_cite, hist)
    assert store.log_seq == seq, "nothing written"


def test_restoring_a_deleted_version_deletes_and_an_older_one_puts_back(
    store_path: Path,
) -> None:
    store = Store.load(store_path)
    hist = History()
    party = {"id": "zz-person", "kind": "person", "name": "Zz Person"}
    hist.apply(store, Operation.put(store, model.PARTIES, party))
    hist.apply(store, Operation.delete(store, model.PARTIES, "zz-person"))
    versions = document_history(store, model.PARTIES, "zz-person").versions
    assert [v.verb for v in versions] == ["deleted", "added"]
    assert versions[0].current
    assert versions[1].diff_lines() == [
        '+ id: "zz-person"',
        '+ kind: "person"',
        '+ name: "Zz Person"',
    ]
    assert '- name: "Zz Person"' in versions[0].diff_lines()
    restore(store, versions[1], hist)
    assert store.get(model.PARTIES, "zz-person") == party


def test_changed_since_sees_another_program_s_commit(store_path: Path) -> None:
    store = Store.load(store_path)
    base = version_hash(store, model.PARTIES, PARTY)
    assert changed_since(store, model.PARTIES, PARTY, base) is None
    theirs = copy.deepcopy(store.get(model.PARTIES, PARTY))
    assert theirs is not None
    theirs["name"] = "Changed elsewhere"
    _put_in_other_process(store_path, model.PARTIES, theirs, "Other Monitor")
    found = changed_since(store, model.PARTIES, PARTY, base)
    assert found is not None and found.doc == theirs
    assert "changed by another program" in found.describe()
    mine = {**theirs, "name": "Mine"}
    lines = compare(found.doc, mine)
    assert '  - "Changed elsewhere"' in lines and '  + "Mine"' in lines
    # an edit that started after their change is not stale
    assert changed_since(store, model.PARTIES, PARTY, version_hash(store, "parties", PARTY)) is None


def test_follower_reads_the_entries_another_program_appended(store_path: Path) -> None:
    store = Store.load(store_path)
    follower = Follower(store)
    assert not follower.changed()
    _edit_party(store, History(), name="Own edit")  # our own commit is not news
    assert not follower.changed()
    theirs = copy.deepcopy(store.get(model.PARTIES, PARTY))
    assert theirs is not None
    theirs["name"] = "Their edit"
    _put_in_other_process(store_path, model.PARTIES, theirs, "Other Monitor")
    assert follower.changed()
    caught = follower.catch_up()
    assert caught.problem is None
    assert [(e.author, e.table, e.id) for e in caught.entries] == [
        ("Other Monitor", model.PARTIES, PARTY)
    ]
    assert caught.summary() == f"Other Monitor edited parties[{PARTY}]"
    assert store.get(model.PARTIES, PARTY) == theirs
    assert not follower.changed()
    assert follower.catch_up().entries == ()


def test_versions_only_a_checkpoint_holds_are_read_from_it_on_request(store_path: Path) -> None:
    """After a checkpoint, the version before the first logged change is only in
    the checkpoint files: read on a small store, left unknown (with a note) when
    parsing them is refused (a big store)."""
    store = Store.load(store_path)
    hist = History()
    _edit_party(store, hist, name="Before the checkpoint")
    store.checkpoint(wait=True)
    _edit_party(store, hist, name="After the checkpoint")
    fresh = Store.load(store_path)
    full = document_history(fresh, model.PARTIES, PARTY)
    assert [v.seq for v in full.versions] == [2, 1, None]
    assert full.versions[1].diff is not None
    quick = document_history(fresh, model.PARTIES, PARTY, checkpoints=False)
    assert [v.seq for v in quick.versions] == [2, 1]
    assert quick.versions[1].diff is None and quick.versions[0].diff is not None
    assert any("earlier checkpoint" in note for note in quick.notes)
