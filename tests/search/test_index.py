"""The index on real stores: hits, spans, filters, cancellation, refinement, updates."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from casefiles import model
from casefiles.search import Hit, SearchIndex, normalise
from casefiles.search import candidates as index_module
from casefiles.store import Store


def _keys(hits: list[Hit]) -> list[tuple[str, str, float, str, tuple[tuple[int, int], ...]]]:
    return [(h.kind, h.id, h.score, h.field, h.spans) for h in hits]


def test_alias_match_is_one_hit_showing_the_alias(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("lem mony").hits
    assert (hits[0].kind, hits[0].id) == ("party", "lim-mony")
    assert hits[0].field == "alias" and hits[0].text == "Lem Mony"
    assert hits[0].title == "Lim Mony"
    assert [h.id for h in hits].count("lim-mony") == 1


def test_khmer_query_and_spans(bundled_index: SearchIndex) -> None:
    hit = bundled_index.search("កឹម សុខា").hits[0]
    assert (hit.kind, hit.id, hit.field) == ("party", "kem-sokha", "alias")
    assert [hit.text[a:b] for a, b in hit.spans] == ["កឹម", "សុខា"]


def test_spans_point_at_the_match_in_the_original(bundled_index: SearchIndex) -> None:
    for query in ("chin malin", "sok", "gonzalez", "kemsokha", "bribery 548", "adhoc"):
        for hit in bundled_index.search(query, limit=20).hits:
            assert hit.spans, (query, hit)
            for a, b in hit.spans:
                assert 0 <= a < b <= len(hit.text)
                assert normalise(hit.text[a:b])


def test_prefix_while_typing_ranks_names_first(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("sok").hits[:5]
    assert all(h.kind == "party" for h in hits)
    assert all("sok" in normalise(h.text) for h in hits)


def test_article_text_ranks_below_direct_hits(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("persecution", limit=50).hits
    kinds = [h.kind for h in hits]
    assert "article" in kinds
    first_article = kinds.index("article")
    assert all(k != "article" for k in kinds[:first_article])
    assert all(h.score < 50 for h in hits if h.kind == "article")
    assert all(h.score >= 50 for h in hits if h.kind != "article")
    article = hits[first_article]
    assert article.case_id is not None
    assert "\n" not in article.text


def test_ties_are_deterministic(generated_index: SearchIndex) -> None:
    a = generated_index.search("sokha", limit=50).hits
    b = generated_index.search("sokha", limit=50).hits
    assert _keys(a) == _keys(b)
    for x, y in itertools.pairwise(a):
        if x.score == y.score and x.kind == y.kind:
            assert x.id < y.id


def test_role_filter_through_parties_and_cases(bundled_index: SearchIndex) -> None:
    store = Store.load(Path(__file__).resolve().parents[2] / "data" / "casefiles.json")
    hits = bundled_index.search("role:defendant sokha", limit=50).hits
    assert hits
    for hit in hits:
        if hit.kind == "party":
            roles = {
                p["role"]
                for cid in store.cases_of_party(hit.id)
                for p in store.table(model.CASES)[cid]["participants"]
                if p["party"] == hit.id
            }
            assert "defendant" in roles
        elif hit.kind == "case":
            case = store.table(model.CASES)[hit.id]
            assert any(p["role"] == "defendant" for p in case["participants"])
    assert ("party", "kem-sokha") in {(h.kind, h.id) for h in hits}
    assert ("case", "kem-sokha-treason") in {(h.kind, h.id) for h in hits}
    # Chin Malin is an official, never a defendant
    assert "chin-malin" not in {h.id for h in bundled_index.search("role:defendant malin").hits}


def test_kind_and_year_filters(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("kind:case sokha").hits
    assert hits and all(h.kind == "case" for h in hits)
    ids = {h.id for h in bundled_index.search("kind:case year:2025").hits}
    assert "rong-chhun-incitement-2025" in ids  # dated events or rulings in 2025
    assert "adhoc-5-witness-bribery" not in ids and "seang-chet-witness-bribery" not in ids
    listing = bundled_index.search("kind:court")
    assert {h.id for h in listing.hits} == {"ppmc", "coa", "sc"}
    assert listing.total == 3


def test_charge_filter_by_article_number(bundled_index: SearchIndex) -> None:
    ids = {h.id for h in bundled_index.search("charge:548 kind:case").hits}
    assert ids == {"adhoc-5-witness-bribery", "seang-chet-witness-bribery"}


def test_cancellation_returns_early() -> None:
    store = Store.load(Path(__file__).resolve().parents[2] / "data" / "casefiles.json")
    index = SearchIndex.build(store)
    result = index.search("sokha", cancelled=lambda: True)
    assert result.hits == [] and result.error is None
    calls = 0

    def after_two() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    result = index.search("kem sokha treason", cancelled=after_two)
    assert result.error is None  # partial or empty, never an exception
    assert index.search("kem sokha treason").hits  # and the index still works


def test_incremental_typing_gives_the_same_results_as_a_fresh_search(
    generated_path: Path,
) -> None:
    typed = SearchIndex.build(Store.load(generated_path))
    typed.refine_ratio = 0  # always refine from the previous keystroke's set
    store = Store.load(generated_path)
    for query in ("vyrak sokhan", "sokhanma", "daroth monyrak", "kind:party keo", "chan so"):
        for i in range(1, len(query) + 1):
            prefix = query[:i]
            incremental = typed.search(prefix, limit=30)
            fresh = SearchIndex.build(store).search(prefix, limit=30)
            assert _keys(incremental.hits) == _keys(fresh.hits), prefix


def test_search_from_a_worker_thread(generated_index: SearchIndex) -> None:
    results: list[list[Hit]] = []

    def work() -> None:
        results.append(generated_index.search("sokhan", limit=10).hits)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 4
    assert all(_keys(r) == _keys(results[0]) for r in results)


def test_update_after_put_and_delete(generated_copy: Path) -> None:
    store = Store.load(generated_copy)
    index = SearchIndex.build(store)
    party = dict(store.table(model.PARTIES)["person-0000001"])
    old_name = party["name"]
    party["name"] = "Zyxwerty Quaffle"
    party["aliases"] = ["ហ្សីក ក្វាហ្វល", "Zyx Quaffel"]
    store.put(model.PARTIES, party)
    index.update(store, model.PARTIES, party["id"])
    hits = index.search("zyxwerty quaffle").hits
    assert (hits[0].kind, hits[0].id, hits[0].field) == ("party", "person-0000001", "name")
    assert index.search("quaffel").hits[0].field == "alias"
    assert index.search("ហ្សីក").hits[0].id == "person-0000001"
    # the old name no longer finds this party through its name
    for hit in index.search(f"^{normalise(old_name)}$").hits:
        assert hit.id != "person-0000001"
    # a new document, then its removal
    store.put(model.PARTIES, {"id": "new-person", "kind": "person", "name": "Plumbob Vexley"})
    index.update(store, model.PARTIES, "new-person")
    assert index.search("plumbob").hits[0].id == "new-person"
    store.delete(model.PARTIES, "new-person")
    index.update(store, model.PARTIES, "new-person")
    assert index.search("plumbob").hits == []
    # an edited case title
    case = dict(store.table(model.CASES)["case-000003"])
    case["title"] = "Quizzical Marmoset trial"
    store.put(model.CASES, case)
    index.update(store, model.CASES, case["id"])
    hit = index.search("marmoset").hits[0]
    assert (hit.kind, hit.id, hit.field) == ("case", "case-000003", "title")
    # and the reloaded store gives the same answers as the updated index
    fresh = SearchIndex.build(Store.load(generated_copy))
    for q in ("zyxwerty", "marmoset", "quaffel", "sokhan"):
        assert _keys(fresh.search(q).hits) == _keys(index.search(q).hits), q


def test_kind_filter_reaches_low_priority_texts(
    generated_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Article text is numbered last; a capped term set must still reach it.
    monkeypatch.setattr(index_module, "TERM_CAP_FULL", 50)
    monkeypatch.setattr(index_module, "TERM_CAP_TRUNC", 20)
    monkeypatch.setattr(index_module, "PREDICATE_CAP", 20)
    index = SearchIndex.build(Store.load(generated_path))
    assert index.search("court", limit=10).hits
    hits = index.search("kind:article court", limit=10).hits
    assert hits and all(h.kind == "article" for h in hits)
    hits = index.search("kind:article provincial court", limit=10).hits
    assert hits and all(h.kind == "article" for h in hits)
    hits = index.search("kind:article court case", limit=10).hits  # two capped words
    assert hits and all(h.kind == "article" for h in hits)
