"""Whole-store validation: references are looked up as they are met and a field's
path is worked out only for a problem, so these check that nested paths, the
order of problems and references to documents later in the file come out as a
walk that kept everything would give them."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from casefiles import migrations, model
from casefiles.validate import validate, validate_document
from tests.conftest import DATA


@pytest.fixture
def data() -> dict[str, Any]:
    return migrations.migrate(orjson.loads((DATA / "minimal.json").read_bytes()))


def _doc(data: dict[str, Any], table: str, doc_id: str) -> dict[str, Any]:
    return next(d for d in data[table].values() if d["id"] == doc_id)


def test_the_minimal_store_is_valid(data: dict[str, Any]) -> None:
    assert validate(data, "f") == []


def test_a_dangling_reference_deep_in_a_document_names_its_path(data: dict[str, Any]) -> None:
    case = _doc(data, model.CASES, "vey-case")
    case["events"][1]["cites"][0]["source"] = "no-such-source"
    (problem,) = validate(data, "f")
    assert str(problem) == (
        "f: cases[vey-case].events[1].cites[0].source: unknown source id "
        "'no-such-source' (no such id in sources)"
    )


def test_a_problem_deep_in_a_document_names_its_path(data: dict[str, Any]) -> None:
    case = _doc(data, model.CASES, "vey-case")
    case["charges"][0]["cites"][0]["quote"] = "bell \x07"
    case["charges"][0]["cites"][0]["extra"] = 1
    del case["events"][0]["label"]
    shown = [str(p) for p in validate(data, "f")]
    assert "f: cases[vey-case].charges[0].cites[0].quote: contains control character" in shown[0]
    assert shown[1].startswith("f: cases[vey-case].charges[0].cites[0].extra: unknown field")
    assert shown[2] == "f: cases[vey-case].events[0].label: missing (required)"


def test_reference_problems_come_after_field_problems_in_walk_order(
    data: dict[str, Any],
) -> None:
    sentence = next(iter(data[model.SENTENCES].values()))
    sentence["party"] = "nobody-a"
    case = _doc(data, model.CASES, "vey-case")
    case["participants"][0]["party"] = "nobody-b"
    source = next(iter(data[model.SOURCES].values()))
    source["title"] = ""
    shown = [str(p) for p in validate(data, "f")]
    assert shown[0].startswith("f: sources[")
    assert "nobody-b" in shown[1] and "nobody-a" in shown[2], shown


def test_references_may_name_documents_of_any_table_in_any_order(
    data: dict[str, Any],
) -> None:
    """A case (walked first) refers to a source (walked last) added at the end."""
    data[model.SOURCES]["99"] = {"id": "late-source", "title": "Late", "kind": "news"}
    case = _doc(data, model.CASES, "vey-case")
    case["cites"] = [{"source": "late-source"}]
    assert validate(data, "f") == []


def test_an_id_that_is_not_a_slug_cannot_be_referred_to(data: dict[str, Any]) -> None:
    source = next(iter(data[model.SOURCES].values()))
    bad_id = source["id"] + "\n"
    source["id"] = bad_id
    for doc in (d for t in model.TABLES for d in data[t].values()):
        for cite in doc.get("cites", ()):
            if cite["source"] == bad_id[:-1]:
                cite["source"] = bad_id
    shown = [str(p) for p in validate(data, "f")]
    assert any("bad id" in s for s in shown)
    assert any("unknown source id" in s for s in shown)


def test_validate_document_still_checks_references_through_lookup(
    data: dict[str, Any],
) -> None:
    case = copy.deepcopy(_doc(data, model.CASES, "vey-case"))
    case["cites"] = [{"source": "no-such-source"}]

    def lookup(table: str, doc_id: str) -> dict[str, Any] | None:
        return next((d for d in data[table].values() if d["id"] == doc_id), None)

    (problem,) = validate_document(model.CASES, case, lookup, "f")
    assert problem.field == "cites[0].source"
    assert "unknown source id" in problem.message


def test_a_bad_date_seen_after_good_ones_is_still_refused(data: dict[str, Any]) -> None:
    case = _doc(data, model.CASES, "vey-case")
    case["events"][0]["date"] = "2021-02-29"
    case["events"][1]["date"] = "2021-02-28"
    assert validate(data, "f")  # the bad one
    case["events"][0]["date"] = "2021-02-28"
    assert validate(data, "f") == []
    case["events"][1]["date"] = "2021-02-29"
    (problem,) = validate(data, "f")
    assert problem.field == "events[1].date"
