"""Picker choices (``casefiles.edit.pick``): parties, courts and sources of a real
store (a temporary copy of the bundled case file) matched as forgivingly as
search, vocabularies, the empty query, and the index kept current across commits."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from casefiles import model
from casefiles.edit import pick
from casefiles.edit.pick import Choice, Choices
from casefiles.search import SearchIndex
from casefiles.store import Store


@pytest.fixture
def store(store_path: Path) -> Store:
    return Store.load(store_path)


def ids(choices: list[Choice]) -> list[str]:
    return [c.id for c in choices]


def test_lem_moni_finds_lim_mony_first(store: Store) -> None:
    found = Choices(store, model.PARTIES).match("lem moni")
    assert found[0] == Choice("lim-mony", "Lim Mony", found[0].detail)
    assert "Lem Mony" in found[0].detail  # the alias that matched is named


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tep vany", "tep-vanny"),  # one typo / romanisation
        ("kemsokha", "kem-sokha"),  # name written together
        ("KEM  Sokha!", "kem-sokha"),  # case and punctuation
        ("ឃុន", "khun-leang-meng"),  # Khmer script alias
        ("hrw", "hrw"),  # an alias
        ("chin mal", "chin-malin"),  # prefix while typing
    ],
)
def test_party_queries_find_the_party_first(store: Store, query: str, expected: str) -> None:
    assert ids(Choices(store, model.PARTIES).match(query))[0] == expected


def test_same_parties_as_search_restricted_to_parties(store: Store) -> None:
    """The picker reuses the search machinery: for a name query it finds the
    parties ``kind:party`` search finds by name or alias, in the same order
    (search also reads descriptions; a picker does not)."""
    index = SearchIndex.build(store)
    choices = Choices(store, model.PARTIES)
    for query in ("sokha", "lem moni", "vanny", "ny", "chan"):
        hits = index.search(f"kind:party {query}", limit=200).hits
        by_name = [h.id for h in hits if h.field in ("name", "alias")]
        assert by_name, query
        assert ids(choices.match(query, limit=200)) == by_name, query


def test_empty_query_lists_by_name_and_limit_applies(store: Store) -> None:
    choices = Choices(store, model.PARTIES)
    listed = choices.match("", limit=400)
    assert len(listed) == len(store.table(model.PARTIES)) == len(choices)
    names = [c.label.casefold() for c in listed]
    assert names[:20] == sorted(names[:20])
    assert len(choices.match("", limit=3)) == 3
    assert len(choices.match("s", limit=3)) == 3
    assert choices.match("zzzzqqq") == []
    assert choices.match("   ") == choices.match("", limit=50)


def test_courts_by_name_and_alias(store: Store) -> None:
    courts = Choices(store, model.COURTS)
    assert ids(courts.match("ppmc"))[0] == "ppmc"
    assert ids(courts.match("apeal court"))[0] == "coa"  # a typo
    assert ids(courts.match("supreme"))[0] == "sc"
    assert "Appeal" in courts.match("coa")[0].detail


def test_sources_by_title_url_publisher_and_id(store: Store) -> None:
    sources = Choices(store, model.SOURCES)
    assert ids(sources.match("dismissive persecution"))[0] == "s01"
    assert ids(sources.match("phnompenhpost justice ministry"))[0] == "s01"  # URL words
    assert ids(sources.match("s07"))[0] == "s07"
    daily = sources.match("cambodia daily", limit=5)
    assert daily and all("Cambodia Daily" in c.detail for c in daily)
    first = sources.match("s01")[0]
    assert first.label.startswith("Justice ministry") and "Phnom Penh Post" in first.detail


def test_vocabulary_choices_forgive_typos_and_keep_their_order() -> None:
    levels = Choices.of_values(
        [("first_instance", "first instance"), ("appeal", "appeal"), ("supreme", "supreme court")]
    )
    assert ids(levels.match("")) == ["first_instance", "appeal", "supreme"]
    assert ids(levels.match("apeal")) == ["appeal"]
    assert ids(levels.match("SUP")) == ["supreme"]
    assert levels.match("inst")[0] == Choice("first_instance", "first instance", "")
    assert levels.ready and len(levels) == 3


def test_unknown_table_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="no picker"):
        Choices(store, model.CASES)


def test_cancelled_match_returns_nothing(store: Store) -> None:
    assert Choices(store, model.PARTIES).match("sokha", cancelled=lambda: True) == []


def test_index_is_built_once_per_store_and_follows_commits(store: Store) -> None:
    first = Choices(store, model.PARTIES)
    assert not first.ready
    first.prepare()
    assert first.ready
    second = Choices(store, model.PARTIES)
    assert second.ready  # the same index, not built again
    assert pick._index_of(store, model.PARTIES) is second._index
    vocab = second._index.vocab

    party = {
        "id": "lem-sovannary",
        "name": "Lem Sovannary",
        "kind": "person",
        "aliases": ["ឡឹម សុវណ្ណារី"],
        "cites": [{"source": "s01"}],
    }
    store.put(model.PARTIES, party, reason="test")
    assert not second.ready
    assert ids(second.match("lem sovanari"))[0] == "lem-sovannary"
    assert ids(second.match("ឡឹម"))[0] == "lem-sovannary"
    assert second._index.vocab is vocab  # updated in place, not rebuilt

    renamed = dict(store.get(model.PARTIES, "lem-sovannary") or {})
    renamed["name"] = "Lem Sopheap"
    store.put(model.PARTIES, renamed, reason="test")
    assert ids(second.match("sopheap"))[0] == "lem-sovannary"
    assert "lem-sovannary" not in ids(second.match("sovannary"))  # the old name is gone

    store.delete(model.PARTIES, "lem-sovannary", reason="test")
    assert "lem-sovannary" not in ids(second.match("sopheap"))
    assert "lem-sovannary" not in ids(second.match("", limit=1000))


def test_labels_and_details_are_raw_data(store: Store) -> None:
    party = {"id": "markup", "name": "[bold]Not bold[/bold]", "kind": "person"}
    store.put(model.PARTIES, party, reason="test")
    found = Choices(store, model.PARTIES).match("not bold")
    assert found[0] == Choice("markup", "[bold]Not bold[/bold]", "person")


def test_a_commit_by_another_program_is_picked_up(store: Store, store_path: Path) -> None:
    choices = Choices(store, model.PARTIES)
    assert choices.match("zanvorak") == []
    other = Store.load(store_path)  # another program on the same file
    other.put(
        model.PARTIES,
        {"id": "zan-vorak", "name": "Zan Vorak", "kind": "person", "cites": [{"source": "s01"}]},
        reason="test",
    )
    store.refresh()  # the browser's watch does this
    vocab = choices._index.vocab
    assert ids(choices.match("zan vorak"))[0] == "zan-vorak"
    assert choices._index.vocab is vocab  # followed the log, not rebuilt


def test_progress_goes_from_nothing_to_whole(tmp_path: Path) -> None:
    from casefiles.generate import write_generated

    write_generated(tmp_path / "g.json", 1000, 0)  # a build long enough to watch
    store = Store.load(tmp_path / "g.json")
    choices = Choices(store, model.PARTIES)
    assert choices.progress == 1.0 and not choices.ready  # no build under way
    seen: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(choices.progress)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        choices.prepare()
    finally:
        done.set()
        watcher.join()
    assert choices.progress == 1.0 and choices.ready
    assert min(seen) < 1.0  # the watcher saw the build under way
    assert Choices.of_values([("a", "a")]).progress == 1.0
