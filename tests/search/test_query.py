"""Query parser: every operator and filter, and clear messages for malformed queries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casefiles.search import QueryError, SearchIndex, parse
from casefiles.search.query import KINDS, Term


def test_plain_words_are_fuzzy_and_normalised() -> None:
    q = parse("Lim  MONÍ")
    assert q.groups == ((Term("lim", "fuzzy", raw="Lim"),), (Term("moni", "fuzzy", raw="MONÍ"),))


def test_operators() -> None:
    q = parse('\'exact ^pre suf$ ^whole$ !neg "kem sokha" a | b | c')
    modes = [(g[0].mode, g[0].text, g[0].negate, len(g)) for g in q.groups]
    assert modes == [
        ("exact", "exact", False, 1),
        ("prefix", "pre", False, 1),
        ("suffix", "suf", False, 1),
        ("whole", "whole", False, 1),
        ("exact", "neg", True, 1),
        ("exact", "kem sokha", False, 1),
        ("fuzzy", "a", False, 3),
    ]
    assert [t.text for t in q.groups[-1]] == ["a", "b", "c"]
    assert [t.mode for t in parse("y !^x !x$").negative] == ["prefix", "suffix"]


def test_hyphenated_word_becomes_two_terms() -> None:
    q = parse("gonzalez-davidson")
    assert [g[0].text for g in q.groups] == ["gonzalez", "davidson"]
    q = parse("x | kem-sokha")
    assert [t.text for t in q.groups[0]] == ["x", "kemsokha"]


def test_filters() -> None:
    f = parse(
        'kind:party kind:case party:"Kem Sokha" role:def court:supreme level:app '
        "charge:548 status:clo outcome:up year:2016..2018 year:2020 country:Cambodia"
    ).filters
    assert f.kinds == {"party", "case"}
    assert f.parties == ("kem sokha",)
    assert f.roles == (frozenset({"defendant", "defence_counsel"}),)
    assert f.courts == ("supreme",)
    assert f.levels == (frozenset({"appeal"}),)
    assert f.charges == ("548",)
    assert f.statuses == (frozenset({"closed"}),)
    assert f.outcomes == (frozenset({"upheld"}),)
    assert f.years == ((2016, 2018), (2020, 2020))
    assert f.countries == ("cambodia",)
    assert parse("year:2016..").filters.years == ((2016, 9999),)
    assert parse("year:..2016").filters.years == ((0, 2016),)
    assert parse("!kind:article").filters.kinds == set(KINDS) - {"article"}
    assert parse("kind:parties").filters.kinds == {"party"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo:bar", "unknown filter 'foo:'"),
        ("kind:", "kind: needs a value"),
        ("kind:thing", "kind:thing is not a kind"),
        ("role:astronaut", "role:astronaut matches nothing"),
        ("level:x", "level:x matches nothing"),
        ("status:x", "status:x matches nothing"),
        ("outcome:x", "outcome:x matches nothing"),
        ("year:abc", "year:abc is not a year"),
        ("year:2018..2016", "the range is reversed"),
        ("year:201", "is not a year"),
        ('"kem sokha', "unclosed quote"),
        ("| sokha", "'|' must stand between two terms"),
        ("sokha |", "'|' must be followed by a term"),
        ("a | | b", "two '|' in a row"),
        ("a | kind:case", "'|' cannot join a filter"),
        ("!a | b", "negated term"),
        ("!", "needs a word after the operator"),
        ("^", "needs a word after the operator"),
        ("'", "needs a word after the operator"),
        ("!sokha", "only negated terms"),
        ("!role:judge x", "filters cannot be negated"),
        ("kind:case !kind:case", "exclude every kind"),
        ("party:!!!", "has no letters or digits"),
        ("x" * 501, "the query is too long"),
        ("a" * 101, "at most 100 characters"),
    ],
)
def test_malformed_queries(query: str, message: str, bundled_index: SearchIndex) -> None:
    with pytest.raises(QueryError) as exc:
        parse(query)
    assert message in str(exc.value)
    result = bundled_index.search(query)
    assert result.error is not None and message in result.error
    assert result.hits == []


def test_punctuation_only_is_ignored() -> None:
    assert parse(" - ( ) ").empty
    assert parse("").empty


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from(list("!'^$|\":  kindpartyrole.0123សុខា")),
        ),
        max_size=30,
    )
)
def test_search_never_raises(bundled_index: SearchIndex, query: str) -> None:
    result = bundled_index.search(query, limit=5)
    assert result.query == query
    assert (result.error is None) or (result.hits == [])
    for hit in result.hits:
        assert 0.0 <= hit.score <= 100.0
        for a, b in hit.spans:
            assert 0 <= a < b <= len(hit.text)
