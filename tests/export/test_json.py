"""``casefiles export --format json``: the store's own documents and ids; the
export of the bundled file validates as a store and equals the original."""

from __future__ import annotations

from pathlib import Path

import orjson

from casefiles import model
from casefiles.export.select import LOG_FIELDS
from casefiles.store import Store
from casefiles.validate import validate
from tests.conftest import run_cli
from tests.export.conftest import ADHOC5, BUNDLED, copy_bundled, export


def test_whole_bundled_file_round_trips(tmp_path: Path) -> None:
    store = copy_bundled(tmp_path / "store")
    out = export(store, "json", tmp_path / "export.json")
    original = orjson.loads(BUNDLED.read_bytes())
    exported = orjson.loads(out.read_bytes())
    assert validate(exported) == []
    for table in model.TABLES:
        assert exported[table] == original[table], table
    meta = {
        k: {f: v for f, v in d.items() if f not in LOG_FIELDS}
        for k, d in original[model.META].items()
    }
    assert exported[model.META] == meta
    assert set(exported) == set(original)
    # The bundled file has no change-log fields: the export is the same bytes.
    assert out.read_bytes() == BUNDLED.read_bytes()
    check = run_cli("validate", "--no-files", "--store", str(out))
    assert check.returncode == 0, check.stderr


def test_logged_edits_are_exported_without_the_log(hostile_store: Path, tmp_path: Path) -> None:
    out = export(hostile_store, "json", tmp_path / "export.json")
    exported = orjson.loads(out.read_bytes())
    assert validate(exported) == []
    store = Store.load(hostile_store)
    assert store.log_seq > 0
    for table in model.TABLES:
        assert exported[table] == store.data[table], table
    for doc in exported[model.META].values():
        assert not set(doc) & LOG_FIELDS
    assert "hostile-case" in {d["id"] for d in exported[model.CASES].values()}
    loaded = Store.load(out)  # no change log beside it, and none is needed
    assert loaded.notices == []


def test_one_case_with_what_it_refers_to_validates(tmp_path: Path) -> None:
    store_path = copy_bundled(tmp_path / "store")
    out = export(store_path, "json", tmp_path / "adhoc5.json", "--case", ADHOC5)
    exported = orjson.loads(out.read_bytes())
    assert validate(exported) == []
    store = Store.load(store_path)
    cases = list(exported[model.CASES].values())
    assert [c["id"] for c in cases] == [ADHOC5]
    procs = {d["id"] for d in exported[model.PROCEEDINGS].values()}
    assert procs == {p["id"] for p in store.proceedings_of(ADHOC5)}
    sents = {d["id"] for d in exported[model.SENTENCES].values()}
    assert sents == {s["id"] for s in store.sentences_of(ADHOC5)}
    assert {p["party"] for p in cases[0]["participants"]} <= {
        d["id"] for d in exported[model.PARTIES].values()
    }
    # Same documents under the same TinyDB numbers; only ``related`` is trimmed
    # to the cases in the export (none here).
    for table in model.TABLES:
        for key, doc in exported[table].items():
            original = store.data[table][key]
            if table == model.CASES:
                original = {k: v for k, v in original.items() if k != "related"}
            assert doc == original, (table, key)
    assert len(exported[model.PARTIES]) < len(store.table(model.PARTIES))
    assert len(exported[model.SOURCES]) < len(store.table(model.SOURCES))


def test_related_cases_chosen_together_stay_related(tmp_path: Path) -> None:
    store_path = copy_bundled(tmp_path / "store")
    store = Store.load(store_path)
    case = store.get(model.CASES, ADHOC5)
    assert case is not None and case.get("related")
    other = case["related"][0]
    out = export(store_path, "json", tmp_path / "two.json", "--case", ADHOC5, "--case", other)
    exported = orjson.loads(out.read_bytes())
    assert validate(exported) == []
    docs = {d["id"]: d for d in exported[model.CASES].values()}
    assert set(docs) == {ADHOC5, other}
    assert docs[ADHOC5]["related"] == [r for r in case["related"] if r in docs]
