"""Field filters on the bundled store: the parts of ``Facets`` one by one, the court
filters that used to let every court through, notes, and schema v2 outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefiles import model
from casefiles.search import SearchIndex, parse
from casefiles.search.filters import Facets, Resolved, narrow, union_of
from casefiles.store import Store

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "casefiles.json"


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.load(BUNDLED)


@pytest.fixture(scope="module")
def facets(store: Store) -> Facets:
    f = Facets(store)
    f.build()
    return f


def _no_parties(value: str) -> set[str]:
    return set()


def _ids(index: SearchIndex, query: str, limit: int = 200) -> set[tuple[str, str]]:
    result = index.search(query, limit=limit)
    assert result.error is None, result.error
    return {(h.kind, h.id) for h in result.hits}


# -- the defects: unknown court, level of courts


def test_unknown_court_matches_nothing(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("court:zzzz")
    assert result.hits == [] and result.total == 0
    assert result.notes == ("court:zzzz names no court",)
    assert bundled_index.search("court:zzzz sokha").hits == []
    assert bundled_index.search("kind:court court:zzzz").hits == []


def test_level_filter_applies_to_courts(bundled_index: SearchIndex) -> None:
    assert _ids(bundled_index, "kind:court level:constitutional") == set()
    assert _ids(bundled_index, "kind:court level:supreme") == {("court", "sc")}
    assert _ids(bundled_index, "kind:court level:appeal") == {("court", "coa")}
    # with words too
    assert ("court", "sc") not in _ids(bundled_index, "level:constitutional supreme")


def test_court_filter_by_name_applies_to_courts(bundled_index: SearchIndex) -> None:
    assert _ids(bundled_index, "kind:court court:supreme") == {("court", "sc")}
    assert _ids(bundled_index, "kind:court court:appeal level:supreme") == set()


def test_other_filters_exclude_courts(bundled_index: SearchIndex) -> None:
    assert not any(k == "court" for k, _ in _ids(bundled_index, "status:closed"))
    assert not any(k == "court" for k, _ in _ids(bundled_index, "year:2020 court"))


def test_notes_name_each_value_that_names_nothing(bundled_index: SearchIndex) -> None:
    result = bundled_index.search("party:qqqxx country:atlantis charge:9999 sokha")
    assert result.hits == []
    assert set(result.notes) == {
        "party:qqqxx names no party",
        "country:atlantis names no country",
        "charge:9999 names no charge",
    }
    assert bundled_index.search("court:supreme").notes == ()


# -- schema v2: hearing outcomes


def test_outcome_filter_knows_hearing_outcomes(store: Store, bundled_index: SearchIndex) -> None:
    q = parse("outcome:detained")
    assert q.filters.outcomes == (frozenset({"detained"}),)
    want = {
        p["case"] for p in store.table(model.PROCEEDINGS).values() if p.get("outcome") == "detained"
    }
    got = {i for k, i in _ids(bundled_index, "kind:case outcome:detained")}
    assert got == want
    assert {i for k, i in _ids(bundled_index, "kind:case outcome:convicted")}


# -- the parts of Facets


def test_narrow_and_union_of() -> None:
    a, b = {"x", "y"}, {"y", "z"}
    assert narrow(None, None) is None
    assert narrow(None, a) is a
    assert narrow(a, None) is a
    assert narrow(a, b) == {"y"}
    index = {1: a, 2: b}
    assert union_of(index, [1]) is a  # one key: that very set, never a copy
    assert union_of(index, [1, 2, 3]) == {"x", "y", "z"}
    assert union_of(index, [3]) == set()


def test_resolve(facets: Facets) -> None:
    filters = parse("court:supreme court:zzzz charge:548 country:cambodia").filters
    resolved = facets.resolve(filters, _no_parties)
    assert resolved.courts == (frozenset({"sc"}), frozenset())
    _labels, arts = resolved.charges[0]
    assert arts == frozenset({"548"})
    assert resolved.countries == (frozenset({"cambodia"}),)


def test_case_base(store: Store, facets: Facets) -> None:
    cases = store.table(model.CASES)
    never = lambda: False  # noqa: E731
    plain = parse("kind:case").filters
    assert facets.case_base(plain, Resolved(), never) is None
    filters = parse("status:closed").filters
    base = facets.case_base(filters, facets.resolve(filters, _no_parties), never)
    assert base == {cid for cid, c in cases.items() if c["status"] == "closed"}
    filters = parse("court:zzzz").filters
    assert facets.case_base(filters, facets.resolve(filters, _no_parties), never) == set()
    filters = parse("level:supreme").filters
    base = facets.case_base(filters, facets.resolve(filters, _no_parties), never)
    assert base == {
        p["case"] for p in store.table(model.PROCEEDINGS).values() if p["level"] == "supreme"
    }


def test_cases_passing_and_party_candidates(store: Store, facets: Facets) -> None:
    filters = parse("role:judge").filters
    resolved = facets.resolve(filters, _no_parties)
    judged = facets.cases_passing(None, filters, resolved)
    cases = store.table(model.CASES)
    assert judged == {
        cid for cid, c in cases.items() if any(p["role"] == "judge" for p in c["participants"])
    }
    judges = facets.party_candidates(filters, resolved)
    assert judges == {
        p["party"] for c in cases.values() for p in c["participants"] if p["role"] == "judge"
    }
    assert facets.party_candidates(parse("status:open").filters, Resolved()) is None


def test_party_test_uses_the_partys_own_role(store: Store, facets: Facets) -> None:
    filters = parse("role:defendant").filters
    resolved = facets.resolve(filters, _no_parties)
    maybe = facets.party_candidates(filters, resolved)
    test = facets.party_test(None, filters, resolved, maybe)
    assert test("kem-sokha")
    assert not test("chin-malin")  # an official, never a defendant
    # with a case condition the party's cases are walked
    filters = parse("role:defendant status:closed").filters
    resolved = facets.resolve(filters, _no_parties)
    base = facets.case_base(filters, resolved, lambda: False)
    test = facets.party_test(base, filters, resolved, facets.party_candidates(filters, resolved))
    cases = store.table(model.CASES)
    for pid in ("kem-sokha", "tep-vanny", "chin-malin"):
        expected = any(
            cases[cid]["status"] == "closed"
            and any(
                p["party"] == pid and p["role"] == "defendant" for p in cases[cid]["participants"]
            )
            for cid in store.cases_of_party(pid)
        )
        assert test(pid) == expected, pid


def test_source_test(store: Store, facets: Facets) -> None:
    sources = store.table(model.SOURCES)
    sid, src = next((k, v) for k, v in sources.items() if model.parse_date(v.get("published")))
    year = model.parse_date(src["published"]).year  # type: ignore[union-attr]
    test = facets.source_test(parse(f"year:{year}").filters, None)
    assert test(sid)
    assert not facets.source_test(parse(f"year:{year + 50}").filters, None)(sid)
    # a non-year filter: cited by a passing case
    assert not facets.source_test(parse("status:closed").filters, set())(sid)


def test_courts_passing(facets: Facets) -> None:
    def courts(query: str) -> set[str]:
        filters = parse(query).filters
        return facets.courts_passing(filters, facets.resolve(filters, _no_parties))

    assert courts("kind:court") == {"ppmc", "coa", "sc"}
    assert courts("level:supreme") == {"sc"}
    assert courts("level:constitutional") == set()
    assert courts("court:zzzz") == set()
    assert courts('court:"phnom penh" level:appeal') == {"coa"}
    assert courts("country:cambodia") == {"ppmc", "coa", "sc"}
