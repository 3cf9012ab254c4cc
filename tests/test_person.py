"""A party across all their cases (``casefiles.person``), on the bundled case
file: every sentence level by level with the case view's arithmetic, every
event that concerns them in date order."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from casefiles import model
from casefiles.caseview import CaseView
from casefiles.person import person_of, sentence_parts
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    target = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(ROOT / "data", target)
    return Store.load(target / "casefiles.json")


def test_every_sentence_of_tep_vanny_in_every_case_level_by_level(store: Store) -> None:
    person = person_of(store, "tep-vanny", today=TODAY)
    assert person.name == "Tep Vanny"
    assert [c.case_id for c in person.cases] == store.cases_of_party("tep-vanny")
    by_case: dict[str, list[str]] = {}
    for ps in person.sentences:
        assert ps.sentence.party_id == "tep-vanny"
        by_case.setdefault(ps.case_id, []).append(ps.sentence.level or "")
    assert set(by_case) == set(store.cases_of_party("tep-vanny"))
    for levels in by_case.values():  # level by level within a case
        ranks = [model.LEVEL_RANK[lv] for lv in levels]
        assert ranks == sorted(ranks)
    # The arithmetic is the case view's, not recomputed.
    view = CaseView.of(store, "tep-vanny-2013-protest", today=TODAY)
    mine = [ps.sentence for ps in person.sentences if ps.case_id == view.id]
    assert [s.summary() for s in mine] == [s.summary() for s in view.sentences_of("tep-vanny")]
    supreme = next(s for s in mine if s.level == "supreme" and s.custodial)
    parts = dict(sentence_parts(supreme))
    assert parts["term"] == "2 years 6 months"
    assert parts["custodial"] == "2 years 6 months"
    assert parts["served"] == "2 years 5 days"
    assert parts["remaining"] == "none (pardoned 20 Aug 2018)"
    assert set(parts) == {
        "term",
        "suspended",
        "custodial",
        "pre-trial credit",
        "served",
        "remaining",
    }


def test_events_across_cases_in_date_order_with_arrest_pardon_and_rulings(store: Store) -> None:
    person = person_of(store, "tep-vanny", today=TODAY)
    kinds = {(e.date, e.what) for e in person.events}
    assert ("2016-08-15", "arrest") in kinds
    assert ("2018-08-20", "pardon") in kinds
    assert ("2018-08-20", "release") in kinds
    assert ("2017-12-08", "ruling") in kinds  # the 2011 case's supreme ruling
    assert len({e.case_id for e in person.events}) == 3
    lone = [model.date_key(e.date) for e in person.events if e.conflict is None]
    assert lone == sorted(lone)
    # Events of other parties stay out; case-wide ones are marked.
    assert all(
        e.case_wide or getattr(e.fact, "party_id", "tep-vanny") in ("tep-vanny", None)
        for e in person.events
    )


def test_a_party_of_several_accused_gets_the_case_wide_events(store: Store) -> None:
    person = person_of(store, "ny-sokha", today=TODAY)
    arrests = [e for e in person.events if e.what == "arrest"]
    assert len(arrests) == 5 and all(e.case_wide for e in arrests)
    assert len({e.conflict for e in arrests}) == 1  # five versions of one fact


def test_progress_and_stop(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    person = person_of(store, "sam-sokong", progress=lambda d, t: seen.append((d, t)), every=2)
    n = len(store.cases_of_party("sam-sokong"))
    assert seen[-1] == (n, n) and person.complete
    stopped = person_of(store, "sam-sokong", stop=lambda: True)
    assert not stopped.complete and stopped.cases == ()


def test_unknown_party(store: Store) -> None:
    with pytest.raises(KeyError):
        person_of(store, "nobody-at-all")


@pytest.mark.parametrize("party_id", ["tep-vanny", "ny-sokha", "sam-sokong", "kem-sokha"])
def test_merging_case_by_case_gives_the_order_of_one_sort(store: Store, party_id: str) -> None:
    """The builder merges each case's events as it comes in; the result is the
    order of sorting all events at once with versions pulled together."""
    from casefiles.caseview import grouped_order
    from casefiles.person import PersonBuilder

    builder = PersonBuilder(store, party_id, today=TODAY)
    steps = 0
    while not builder.step(0.0):  # one case per step
        steps += 1
    assert steps == builder.total - 1
    person = builder.result()
    assert person.complete
    events = [e for part in person.parts for e in part.events]
    events.sort(key=lambda e: model.date_key(e.date))
    expected = [events[i] for i in grouped_order([e.conflict for e in events])]
    assert list(person.events) == expected
