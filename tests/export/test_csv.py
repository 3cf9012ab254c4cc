"""``casefiles export --format csv``: read back with the csv module, every id and
every relation survives, formula-like text is neutralised, numbers are not."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from casefiles import model
from casefiles.export.tables_csv import days, join_list, neutralise
from casefiles.model import Duration
from casefiles.store import Store
from tests.export.conftest import (
    ADHOC5,
    HOSTILE_LABEL,
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_SUMMARY,
    HOSTILE_TITLE,
    export,
)

FILES = {
    "cases.csv",
    "parties.csv",
    "courts.csv",
    "proceedings.csv",
    "sentences.csv",
    "sources.csv",
    "participants.csv",
    "charges.csv",
    "events.csv",
    "affiliations.csv",
    "cites.csv",
    "sentences_flat.csv",
}

Rows = dict[str, list[dict[str, str]]]


def read_all(folder: Path) -> Rows:
    """Every CSV file of an export, read with the csv module (UTF-8, no BOM)."""
    out: Rows = {}
    for path in sorted(folder.iterdir()):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        raw.decode("utf-8")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            assert reader.fieldnames, path.name
            assert len(set(reader.fieldnames)) == len(reader.fieldnames), path.name
        for row in rows:
            assert None not in row and all(v is not None for v in row.values()), path.name
        out[path.name] = rows
    return out


def split(cell: str) -> list[str]:
    """Undo ``join_list``."""
    if not cell:
        return []
    items = re.split(r"(?<!\\) \| ", cell)
    return [re.sub(r"\\(.)", r"\1", i) for i in items]


def raw_cites(table: str, doc: Mapping[str, Any]) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    """(fact path, index, cite) of every cite in a document."""
    for j, c in enumerate(doc.get("cites", ())):
        yield "", j, c
    for field in ("participants", "charges", "events", "affiliations"):
        for i, item in enumerate(doc.get(field, ())):
            for j, c in enumerate(item.get("cites", ())):
                yield f"{field}[{i}]", j, c


@pytest.fixture(scope="module")
def whole(hostile_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Rows:
    out = tmp_path_factory.mktemp("csv") / "tables"
    export(hostile_store, "csv", out)
    assert {p.name for p in out.iterdir()} == FILES
    return read_all(out)


@pytest.fixture(scope="module")
def store(hostile_store: Path) -> Store:
    return Store.load(hostile_store)


def test_every_id_of_every_table(whole: Rows, store: Store) -> None:
    for table in model.TABLES:
        ids = [r["id"] for r in whole[f"{table}.csv"]]
        assert ids == list(store.table(table)), table


def test_every_relation_survives(whole: Rows, store: Store) -> None:
    ids = {t: {r["id"] for r in whole[f"{t}.csv"]} for t in model.TABLES}
    cases = {r["id"]: r for r in whole["cases.csv"]}
    # Lists inside a case: one row per item, in order, naming the case and the party.
    for field in ("participants", "charges", "events"):
        rows = whole[f"{field}.csv"]
        expected = [
            (case_id, i, item.get("party") or "")
            for case_id, case in store.table(model.CASES).items()
            for i, item in enumerate(case.get(field, ()))
        ]
        assert [(r["case"], int(r["index"]), r["party"]) for r in rows] == expected, field
        for r in rows:
            assert r["case"] in ids[model.CASES]
            assert not r["party"] or r["party"] in ids[model.PARTIES]
    for case_id, row in cases.items():
        assert split(row["related"]) == store.table(model.CASES)[case_id].get("related", [])
    for r in whole["affiliations.csv"]:
        assert r["party"] in ids[model.PARTIES] and r["affiliated"] in ids[model.PARTIES]
    assert len(whole["affiliations.csv"]) == sum(
        len(p.get("affiliations", ())) for p in store.table(model.PARTIES).values()
    )
    for r in whole["courts.csv"]:
        assert not r["appeals_to"] or r["appeals_to"] in ids[model.COURTS]
    for r in whole["proceedings.csv"]:
        doc = store.get(model.PROCEEDINGS, r["id"])
        assert doc is not None
        assert r["case"] == doc["case"] and r["case"] in ids[model.CASES]
        assert r["court"] == doc.get("court", "")
        assert not r["court"] or r["court"] in ids[model.COURTS]
        assert split(r["parties"]) == doc.get("parties", [])
        assert split(r["absent"]) == doc.get("absent", [])
        assert r["kind"] == doc["kind"]
    for r in whole["sentences.csv"]:
        doc = store.get(model.SENTENCES, r["id"])
        assert doc is not None
        assert (r["case"], r["party"], r["proceeding"]) == (
            doc["case"],
            doc["party"],
            doc.get("proceeding", ""),
        )
        assert r["party"] in ids[model.PARTIES]
        assert not r["proceeding"] or r["proceeding"] in ids[model.PROCEEDINGS]
        for part in ("term", "suspended", "pretrial"):
            for unit in ("years", "months", "days"):
                value = doc.get(part, {}).get(unit)
                assert r[f"{part}_{unit}"] == ("" if value is None else str(value))


def test_one_row_per_cite_naming_its_fact(whole: Rows, store: Store) -> None:
    expected = [
        (table, doc_id, path, j, c["source"], c.get("quote", ""), c.get("note", ""))
        for table in model.TABLES
        for doc_id, doc in store.table(table).items()
        for path, j, c in raw_cites(table, doc)
    ]
    got = [
        (
            r["table"],
            r["id"],
            r["fact_path"],
            int(r["index"]),
            r["source"],
            r["quote"].removeprefix("'") if r["quote"].startswith("'@") else r["quote"],
            r["note"].removeprefix("'") if r["note"].startswith("'=") else r["note"],
        )
        for r in whole["cites.csv"]
    ]
    assert got == expected
    sources = {r["id"] for r in whole["sources.csv"]}
    assert all(r["source"] in sources for r in whole["cites.csv"])
    # The fact path leads back to a row of the child table.
    charges = {(r["case"], r["index"]) for r in whole["charges.csv"]}
    for r in whole["cites.csv"]:
        m = re.fullmatch(r"charges\[(\d+)\]", r["fact_path"])
        if m:
            assert (r["id"], m.group(1)) in charges


def test_formula_like_text_is_neutralised(whole: Rows) -> None:
    case = next(r for r in whole["cases.csv"] if r["id"] == "hostile-case")
    assert case["title"] == "'" + HOSTILE_TITLE
    assert case["country"] == "'@Cambodia"
    assert case["summary"] == "'" + HOSTILE_SUMMARY  # starts with a tab
    assert case["tags"] == "'-tag | a\\|b"
    party = next(r for r in whole["parties.csv"] if r["id"] == "hostile-party")
    assert party["name"] == "'" + HOSTILE_NAME
    cite = next(r for r in whole["cites.csv"] if r["id"] == "hostile-case" and r["quote"])
    assert cite["quote"] == "'" + HOSTILE_QUOTE
    event = next(r for r in whole["events.csv"] if r["case"] == "hostile-case")
    assert event["label"] == "'" + HOSTILE_LABEL
    flat_names = {r["party_name"] for r in whole["sentences_flat.csv"]}
    assert all(not n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in flat_names)
    # No cell anywhere starts a formula.
    for name, rows in whole.items():
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
                assert not value.startswith("-"), (name, value)


def test_numbers_the_export_writes_are_plain(whole: Rows) -> None:
    for r in whole["sentences_flat.csv"]:
        for col in ("term_days", "suspended_days", "custodial_days", "pretrial_days"):
            assert re.fullmatch(r"\d+", r[col]), (col, r[col])
        assert r["remaining_days"] == "" or re.fullmatch(r"\d+", r["remaining_days"])
    for r in whole["cites.csv"]:
        assert re.fullmatch(r"\d+", r["index"])


def test_sentences_flat_one_row_per_sentence(whole: Rows, store: Store) -> None:
    flat = whole["sentences_flat.csv"]
    assert sorted(r["sentence"] for r in flat) == sorted(store.table(model.SENTENCES))
    row = next(r for r in flat if r["sentence"] == "ny-sokha-adhoc-5-ppmc")
    assert row["case"] == ADHOC5
    assert row["party"] == "ny-sokha" and row["party_name"] == "Ny Sokha"
    assert row["court"] == "ppmc" and row["level"] == "first_instance"
    assert row["ruling_date"] == "2018-09-26" and row["kind"] == "imprisonment"
    # 5 years, 3 years 10 months suspended: 60 and 46 months at 30.4375 days.
    assert row["term_days"] == "1826"
    assert row["suspended_days"] == "1400"
    assert row["custodial_days"] == "426"
    for r in flat:
        sent = store.get(model.SENTENCES, r["sentence"])
        assert sent is not None and r["party"] == sent["party"] and r["case"] == sent["case"]
        term = Duration.from_doc(sent.get("term"))
        assert r["term_days"] == str(days(term))


def test_days_rule() -> None:
    assert days(Duration(12, 0)) == 365  # 365.25
    assert days(Duration(60, 0)) == 1826  # 1826.25
    assert days(Duration(6, 0)) == 183  # 182.625
    assert days(Duration(8, 0)) == 244  # 243.5, halves up
    assert days(Duration(0, 10)) == 10
    assert days(Duration()) == 0


def test_cell_helpers() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-5") == "'-5"
    assert neutralise("a=b") == "a=b"
    assert split(join_list(["a|b", "c\\d", "e"])) == ["a|b", "c\\d", "e"]


def test_one_case_holds_what_it_refers_to(hostile_store: Path, tmp_path: Path) -> None:
    out = export(hostile_store, "csv", tmp_path / "one", "--case", ADHOC5)
    rows = read_all(out)
    store = Store.load(hostile_store)
    assert [r["id"] for r in rows["cases.csv"]] == [ADHOC5]
    assert {r["id"] for r in rows["proceedings.csv"]} == {
        p["id"] for p in store.proceedings_of(ADHOC5)
    }
    assert {r["id"] for r in rows["sentences.csv"]} == {s["id"] for s in store.sentences_of(ADHOC5)}
    parties = {r["id"] for r in rows["parties.csv"]}
    assert {r["party"] for r in rows["participants.csv"]} <= parties
    assert "hostile-party" not in parties
    sources = {r["id"] for r in rows["sources.csv"]}
    assert {r["source"] for r in rows["cites.csv"]} <= sources
    assert {r["case"] for r in rows["sentences_flat.csv"]} == {ADHOC5}
