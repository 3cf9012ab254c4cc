"""Exports of a generated store (Khmer-script names, hearings, compensation,
custody events): the flat sentence table agrees with the case view, text
survives the round trip through the csv module, and the JSON validates."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from casefiles import model
from casefiles.caseview import CaseView
from casefiles.export.tables_csv import days
from casefiles.store import Store
from casefiles.validate import validate
from tests.conftest import run_cli
from tests.export.conftest import export
from tests.export.test_csv import read_all, split


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "casefiles.json"
    result = run_cli("generate", "--cases", "60", "--out", str(path), "--seed", "3")
    assert result.returncode == 0, result.stderr
    return path


def test_flat_sentences_follow_the_case_view(generated: Path, tmp_path: Path) -> None:
    rows = read_all(export(generated, "csv", tmp_path / "csv"))
    store = Store.load(generated)
    flat = {r["sentence"]: r for r in rows["sentences_flat.csv"]}
    assert set(flat) == set(store.table(model.SENTENCES))
    kinds = set()
    for case_id in store.table(model.CASES):
        view = CaseView.of(store, case_id)
        for s in view.sentences:
            r = flat[s.id]
            kinds.add(s.penalty)
            assert r["case"] == case_id and r["party_name"] == s.party_name
            assert r["custodial_days"] == str(days(s.custodial))
            assert r["remaining_days"] == str(days(s.remaining))
            assert r["served_days"] == ("" if s.served is None else str(days(s.served)))
            assert int(r["remaining_days"]) <= int(r["custodial_days"])
            assert r["ended"] == (s.ended[0] if s.ended else "")
            if s.amount is not None:
                assert r["amount_kind"] == (
                    "compensation" if s.penalty == "compensation" else "fine"
                )
    assert "imprisonment" in kinds
    # Non-Latin names survive the round trip.
    parties = {r["id"]: r for r in rows["parties.csv"]}
    for party_id, doc in store.table(model.PARTIES).items():
        assert parties[party_id]["name"] == doc["name"]
        assert split(parties[party_id]["aliases"]) == doc.get("aliases", [])
    text = "".join(r["name"] + r["aliases"] for r in parties.values())
    assert any("\u1780" <= ch <= "\u17ff" for ch in text)


def test_generated_json_round_trips(generated: Path, tmp_path: Path) -> None:
    out = export(generated, "json", tmp_path / "g.json")
    exported = orjson.loads(out.read_bytes())
    assert validate(exported) == []
    original = orjson.loads(generated.read_bytes())
    for table in model.TABLES:
        assert exported[table] == original[table]
