"""Domain model: partial dates, durations, sentence arithmetic, ladders, outcomes."""

from __future__ import annotations

import pytest

from casefiles import model
from casefiles.model import Duration, PartialDate


@pytest.mark.parametrize(
    ("text", "precision", "human"),
    [
        ("2022", "year", "2022"),
        ("2022-11", "month", "Nov 2022"),
        ("2022-11-23", "day", "23 Nov 2022"),
        ("2024-02-29", "day", "29 Feb 2024"),
    ],
)
def test_partial_dates(text: str, precision: str, human: str) -> None:
    date = PartialDate.parse(text)
    assert date.precision == precision
    assert date.human() == human
    assert date.iso() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-29", "day 29 does not exist"),
        ("2022-00", "month 00"),
        ("22-11-23", "expected"),
        ("2022-11-23T10:00", "expected"),
        ("", "expected"),
        ("2022-1-5", "expected"),
    ],
)
def test_bad_partial_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text)


def test_partial_dates_order_less_precise_first() -> None:
    dates = [PartialDate.parse(t) for t in ("2022-11-23", "2022", "2022-11", "2021-12-31")]
    assert [d.iso() for d in sorted(dates)] == ["2021-12-31", "2022", "2022-11", "2022-11-23"]


def test_duration_arithmetic() -> None:
    five = Duration.from_doc({"years": 5})
    assert (five - Duration.from_doc({"years": 4, "months": 6})).human() == "6 months"
    assert (Duration.from_doc({"months": 6}) - Duration.from_doc({"days": 10})).human() == (
        "5 months 20 days"
    )
    assert not (Duration.from_doc({"months": 2}) - five)
    assert Duration.from_doc({"years": 1, "months": 14}).to_doc() == {"years": 2, "months": 2}


def test_sentence_arithmetic_custodial_and_remaining() -> None:
    sentence = {
        "penalty": "imprisonment",
        "term": {"years": 5},
        "suspended": {"years": 4, "months": 6},
        "pretrial": {"months": 14},
    }
    a = model.sentence_arithmetic(sentence)
    assert a.custodial == Duration(6)
    assert a.remaining == Duration(), "pre-trial credit longer than the custodial part"
    assert a.custodial.human() == "6 months"


def test_ladder_orders_by_level_then_date() -> None:
    procs = [
        {"id": "c", "level": "supreme", "date": "2022-11-18"},
        {"id": "b2", "level": "appeal", "date": "2022-05-23"},
        {"id": "a", "level": "first_instance", "date": "2018-09-26"},
        {"id": "b1", "level": "appeal", "date": "2016"},
        {"id": "x", "level": "appeal"},
    ]
    assert [p["id"] for p in model.court_ladder(procs)] == ["a", "b1", "b2", "x", "c"]


def test_latest_outcome_per_party() -> None:
    case = {
        "participants": [
            {"party": "a", "role": "defendant"},
            {"party": "b", "role": "accomplice"},
            {"party": "j", "role": "judge"},
        ]
    }
    procs = [
        {"id": "p1", "level": "first_instance", "date": "2018", "outcome": "convicted"},
        {"id": "p2", "level": "appeal", "date": "2019", "outcome": "reduced", "parties": ["b"]},
        {"id": "p3", "level": "supreme", "date": "2020"},
    ]
    out = model.latest_outcomes(case, procs)
    assert out["a"].outcome == "convicted"
    assert out["b"].outcome == "reduced"
    assert "j" not in out


def test_party_names_and_conflict_groups() -> None:
    assert model.party_names({"name": "Lim Mony", "aliases": ["Lem Mony", "Lim Mony"]}) == [
        "Lim Mony",
        "Lem Mony",
    ]
    groups = model.conflict_groups(
        [
            {"date": "2016-04-27", "conflict": "arrest"},
            {"date": "2016-04-28", "conflict": "arrest"},
            {"date": "2016-05-02"},
        ]
    )
    assert list(groups) == ["arrest"]
    assert len(groups["arrest"]) == 2


# ---------------------------------------------------------------- schema v2 vocabularies


def test_schema_v2_proceeding_kinds_and_their_outcomes() -> None:
    assert model.SCHEMA_VERSION == 2
    assert model.PROCEEDING_KINDS == ("ruling", "detention", "bail", "adjournment", "hearing")
    assert tuple(k for k in model.PROCEEDING_KINDS if k != "ruling") == model.HEARING_KINDS
    assert model.OUTCOMES is model.RULING_OUTCOMES  # the v1 name stays
    assert model.OUTCOMES_BY_KIND["ruling"] == model.RULING_OUTCOMES
    for kind in model.HEARING_KINDS:
        assert model.OUTCOMES_BY_KIND[kind] == model.HEARING_OUTCOMES
    assert "bail_denied" not in model.RULING_OUTCOMES
    assert "convicted" not in model.HEARING_OUTCOMES
    every = model.VOCABULARIES[(model.PROCEEDINGS, "outcome")]
    assert set(every) == set(model.RULING_OUTCOMES) | set(model.HEARING_OUTCOMES)
    assert len(every) == len(set(every))
    assert model.VOCABULARIES[(model.PROCEEDINGS, "kind")] == model.PROCEEDING_KINDS


def test_event_kinds_and_custody() -> None:
    assert model.EVENT_KINDS == (
        "arrest",
        "detention",
        "release",
        "bail",
        "pardon",
        "hearing",
        "statement",
        "other",
    )
    assert model.VOCABULARIES[(model.CASES, "events.kind")] == model.EVENT_KINDS
    assert {"arrest", "detention"} == model.CUSTODY_STARTS
    assert {"release", "bail", "pardon"} == model.CUSTODY_ENDS
    assert set(model.EVENT_KINDS) > model.CUSTODY_STARTS | model.CUSTODY_ENDS
    assert set(model.STAGES) - {"investigation"} == model.MERITS_STAGES
