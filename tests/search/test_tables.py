"""The compact tables of the search index (``casefiles.search.tables``) and the
vocabulary built on them: frozen tables with overflow after updates, a document
removed and added again, a kept state written after updates, and kept files
whose arrays do not fit."""

from __future__ import annotations

import hashlib
import marshal
from array import array
from pathlib import Path

import pytest

from casefiles import model
from casefiles.search import SearchIndex, persist
from casefiles.search.tables import (
    Column,
    Groups,
    HashedLists,
    PackedSets,
    Postings,
    coalesced,
)
from casefiles.search.vocabulary import Vocabulary, deletions
from casefiles.store import Store


def _no_article(doc: model.Doc) -> str:
    return ""


def _hits(index: SearchIndex, query: str) -> list[tuple[str, str, float, str]]:
    return [(h.kind, h.id, h.score, h.field) for h in index.search(query, limit=50).hits]


def test_groups_group_ascending_and_take_changes_in_overflow() -> None:
    groups = Groups.grouped(array("i", [2, 0, -1, 2, 1, 0]), 4)
    assert [list(groups[k]) for k in range(4)] == [[1, 5], [4], [0, 3], []]
    assert len(groups) == 4 and list(groups[7]) == []
    groups.remove(2, 0)
    groups.add(2, 6)
    groups.add(5, 7)  # a key past the built ones
    groups.clear(0)
    assert [list(groups[k]) for k in range(6)] == [[], [4], [3, 6], [], [], [7]]
    assert list(groups.nonempty(range(6))) == [1, 2, 5]
    again = Groups.from_state(groups.state(), 6, 8, "test")
    assert [list(again[k]) for k in range(6)] == [list(groups[k]) for k in range(6)]
    with pytest.raises(ValueError):
        Groups.from_state(groups.state(), 6, 7, "test")  # a number out of range
    with pytest.raises(ValueError):
        Groups.from_state(groups.state(), 5, 8, "test")  # offsets of another length
    with pytest.raises(ValueError):
        groups.remove(1, 99)


def test_column_and_hashed_lists() -> None:
    col = Column(("name", "alias"))
    col.append("alias")
    col.append("name")
    assert [col[0], col[1]] == ["alias", "name"]
    with pytest.raises(ValueError):
        col.from_codes(b"\x05")
    words = ["sokha", "sokhan", "vanny"]
    table = HashedLists.of(words, enumerate(map(deletions, words)))
    assert sorted(table.get("sokha")) == ["sokha", "sokhan"]  # sokhan minus its n
    assert list(table.get("vany")) == ["vanny"]  # one key per word, though 2 deletions give it
    assert list(table.get("nothing")) == []
    again = HashedLists.from_state(table.state(), "test")
    assert sorted(again.get("okha")) == ["sokha"]
    bad = table.state() | {"numbers": array("I", [9] * len(table.numbers))}
    with pytest.raises(ValueError):
        HashedLists.from_state(bad, "test")


def test_postings_read_the_overflow_first() -> None:
    post = {"a": array("I", [1]), "b": array("I", [0, 2]), "c": array("I", [3])}
    post["a\0b"] = array("I", [1])
    frozen = Postings.freeze(["a", "b", "c"], ["a\0b"], post.__getitem__)
    assert list(frozen.get("b") or ()) == [0, 2]
    assert list(frozen.get("a\0b") or ()) == [1]
    assert frozen.get("d") is None and "a\0c" not in frozen
    frozen.extra["b"] = array("I", [0, 2, 5])
    frozen.extra["bb"] = array("I", [5])
    got = frozen.spans_of_sorted_words(["a", "b", "bb", "c"])
    assert [list(buf[a:b]) for buf, a, b in got] == [[1], [0, 2, 5], [5], [3]]
    frozen.extra.clear()  # a run of base words: spans into the one block
    got = frozen.spans_of_sorted_words(["b", "c"])
    assert all(buf is frozen.data for buf, _, _ in got)
    assert [list(buf[a:b]) for buf, a, b in coalesced(got)] == [[0, 2, 3]]
    assert [list(buf[a:b]) for buf, a, b in frozen.spans_of_sorted_words(["a", "c"])] == [
        [1],
        [3],
    ]
    frozen.extra["zz"] = array("I", [6])  # outside the run: still one block
    assert all(buf is frozen.data for buf, _, _ in frozen.spans_of_sorted_words(["b", "c"]))
    del frozen.extra["zz"]
    frozen.extra["b"] = array("I", [0, 2, 5])
    frozen.extra["bb"] = array("I", [5])
    got = frozen.spans_of_sorted_words(["b", "bb", "c"])  # extended and new words
    assert [list(buf[a:b]) for buf, a, b in got] == [[0, 2, 5], [5], [3]]
    state = frozen.state(["a", "b", "bb", "c"], ["a\0b"])
    again = Postings.from_state(state, ["a", "b", "bb", "c"], ["a\0b"])
    assert [list(again.get(w) or ()) for w in ("a", "b", "bb", "c", "a\0b")] == [
        [1],
        [0, 2, 5],
        [5],
        [3],
        [1],
    ]


def test_packed_sets_become_sets_when_looked_up() -> None:
    packed = PackedSets.of({"x": {"a", "b"}, "y": {"c"}})
    assert isinstance(dict.__getitem__(packed, "x"), tuple)
    assert packed["x"] == {"a", "b"} and isinstance(dict.__getitem__(packed, "x"), set)
    assert packed.get("y") == {"c"} and packed.get("z") is None
    assert sorted(sorted(v) for v in packed.values()) == [["a", "b"], ["c"]]
    plain = packed.plain()
    assert type(plain) is dict and all(isinstance(v, tuple) for v in plain.values())
    marshal.dumps(plain)


def _vocab(names: dict[str, str]) -> Vocabulary:
    vocab = Vocabulary()
    for doc_id, name in names.items():
        vocab.add_field("party", doc_id, {"name": name}, "name", _no_article)
    vocab.finish_build()
    return vocab


def _texts_of(vocab: Vocabulary, doc_id: str) -> list[str]:
    d = vocab.doc_number("party", doc_id)
    assert d is not None
    return [vocab.texts[vocab.ent_text[e]] for e in vocab.doc_entries[d]]


def test_a_document_removed_and_added_again_keeps_its_number() -> None:
    vocab = _vocab({"p1": "Kem Sokha", "p2": "Sam Rainsy", "p3": "Kem Ley"})
    d = vocab.doc_number("party", "p1")
    vocab.remove_document("party", "p1")
    vocab.finish_update()
    assert list(vocab.kind_docs("party")) == [1, 2]
    assert list(vocab.owners[0]) == []  # "kem sokha" has no owner left
    vocab.add_field("party", "p1", {"name": "Kem Sokha"}, "name", _no_article)
    vocab.add_field("party", "p0", {"name": "Kem Sokhan"}, "name", _no_article)  # new
    vocab.finish_update()
    assert vocab.doc_number("party", "p1") == d
    assert _texts_of(vocab, "p1") == ["kem sokha"]
    assert vocab.text_number("kem sokha") == 0  # the old text, found by its words
    assert vocab.text_number("kem sokhan") == 3  # a text added since the freeze
    assert list(vocab.kind_docs("party")) == [3, 0, 1, 2]  # p0, p1, p2, p3 by id
    assert list(vocab.postings("kem") or ()) == [0, 2, 3]
    assert "sokhan" in vocab.words and "kem\0sokhan" in vocab.pairs
    assert vocab.fuzzy_words("sokhen") == {"sokhan": 1}  # typo tables of new words


def test_a_state_written_after_updates_reads_back_the_same(generated_copy: Path) -> None:
    store = Store.load(generated_copy)
    index = SearchIndex.build(store)
    party = dict(store.table(model.PARTIES)["person-0000001"])
    party["name"] = "Zyxwerty Quaffle"
    store.put(model.PARTIES, party)
    index.update(store, model.PARTIES, party["id"])
    store.put(model.PARTIES, {"id": "new-person", "kind": "person", "name": "Plumbob Vexley"})
    index.update(store, model.PARTIES, "new-person")
    store.delete(model.PARTIES, "new-person")
    index.update(store, model.PARTIES, "new-person")
    store.put(model.PARTIES, {"id": "new-person", "kind": "person", "name": "Plumbob Vexler"})
    index.update(store, model.PARTIES, "new-person")
    assert persist.write("after-updates", index._state())
    state = persist.read("after-updates")
    assert state is not None
    again = SearchIndex(store)
    again._vocab = Vocabulary.from_state(state["vocabulary"])
    again._facets.load_state(state["facets"])
    again._cands.vocab = again._vocab
    for q in ("zyxwerty", "quaffle", "plumbob", "plumbob vexlr", "sokha", "kemsok", "role:j"):
        assert _hits(again, q) == _hits(index, q), q
    assert _hits(index, "plumbob")[0][1] == "new-person"


@pytest.mark.parametrize("damage", ["array outside", "array in no place", "block too long"])
def test_a_digest_checked_file_whose_arrays_do_not_fit_is_ignored(
    generated_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv("CASEFILES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CASEFILES_NO_CACHE", raising=False)
    store = Store.load(generated_path)
    built = SearchIndex.open(store)
    (kept,) = list(persist.folder().glob("*.idx"))
    assert persist.read(kept.stem) is not None
    chunks = persist._pack(built._state())
    arrays = b"".join(bytes(c) for c in chunks[2:])
    persist._release(chunks)
    plain, places = marshal.loads(chunks[1])
    path, code, start, length = places[0]
    if damage == "array outside":
        places[0] = (path, code, start, length + 10**9)
    elif damage == "array in no place":
        places[0] = (("vocabulary", "no such"), code, start, length)
    block = marshal.dumps((plain, places))
    size = len(block) + (10**6 if damage == "block too long" else 0)
    payload = size.to_bytes(8, "little") + block + arrays
    digest = hashlib.blake2b(payload, digest_size=32).digest()
    kept.write_bytes(persist.MAGIC + digest + payload)
    assert persist.read(kept.stem) is None
    index = SearchIndex.open(Store.load(generated_path))
    assert not index.from_cache
    assert _hits(index, "sokha") == _hits(built, "sokha")
