"""What a result says about its size: ``total`` (documents matching), ``returned``
(hits in the result) and ``total_exact`` (counted, or estimated: say "about")."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefiles.search import SearchIndex, SearchResult
from casefiles.search import candidates as candidates_module
from casefiles.store import Store

#: Queries that match a few dozen documents of the bundled store (plus filters).
SMALL = (
    "tep vanny",
    "sok",
    "kem sokha",
    "bribery",
    "human rights",
    "adhoc",
    "land",
    "kind:case",
    "kind:court",
    "role:defendant",
    "role:def sok",
    "year:2020",
    "charge:548",
    "'sokha !kem",
)


@pytest.mark.parametrize("query", SMALL)
def test_small_results_are_counted_exactly(bundled_index: SearchIndex, query: str) -> None:
    everything = bundled_index.search(query, limit=10_000)
    assert everything.error is None
    assert everything.total_exact, query
    # "24 of 26 hits" with 24 reachable: the total is what a large page holds
    assert everything.total == everything.returned == len(everything.hits)
    assert not everything.more
    page = bundled_index.search(query, limit=3)
    assert page.returned == min(3, everything.total)
    assert page.total == everything.total and page.total_exact
    if everything.total > 3:
        assert page.more
        assert page.count_text() == f"3 of {everything.total} hits"


def test_a_page_of_a_broad_query_estimates(bundled_index: SearchIndex) -> None:
    # "s" matches hundreds of texts: a page of 3 scores the best 120 and estimates
    everything = bundled_index.search("s", limit=10_000)
    assert everything.total_exact and everything.total == everything.returned > 120
    page = bundled_index.search("s", limit=3)
    assert not page.total_exact
    assert page.count_text().startswith("3 of about ")


def test_capped_search_says_the_total_is_an_estimate(
    generated_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidates_module, "TERM_CAP_FULL", 50)
    monkeypatch.setattr(candidates_module, "TERM_CAP_TRUNC", 20)
    index = SearchIndex.build(Store.load(generated_path))
    result = index.search("court", limit=10)
    assert result.returned == 10
    assert not result.total_exact
    assert result.total >= result.returned
    assert "about" in result.count_text()


def test_count_text() -> None:
    assert SearchResult("q", []).count_text() == "0 hits"
    r = SearchResult("q", [], total=1234, total_exact=True)
    assert r.count_text() == "0 of 1,234 hits"
    r = SearchResult("q", [], total=1234, total_exact=False)
    assert r.count_text() == "0 of about 1,200 hits"
    r = SearchResult("q", [], total=57, total_exact=False)
    assert r.count_text() == "0 of about 57 hits"


def test_total_is_never_below_the_hits_returned(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("sokha", limit=5).hits
    assert SearchResult("sokha", hits, total=1).total == len(hits)
