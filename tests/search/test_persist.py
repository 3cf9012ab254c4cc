"""The search index kept in the cache folder: read back when the store file is the same,
rebuilt when it changed, when the file is damaged, or when the cache cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casefiles import model
from casefiles.search import SearchIndex, persist
from casefiles.store import Store
from tests.search.queries import QUERIES

PROBES = (
    "sokha",
    "kemsok",
    "vyrak phaarykha",
    "kind:case year:2016",
    "role:defendant sok",
    "'okha !vy",
    "court:supreme",
    "s",
    "kind:court",
)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CASEFILES_CACHE_DIR", str(folder))
    monkeypatch.delenv("CASEFILES_NO_CACHE", raising=False)
    return folder


def _same(a: SearchIndex, b: SearchIndex, queries: tuple[str, ...]) -> None:
    for q in queries:
        ra, rb = a.search(q, limit=50), b.search(q, limit=50)
        assert [(h.kind, h.id, h.score, h.field, h.spans) for h in ra.hits] == [
            (h.kind, h.id, h.score, h.field, h.spans) for h in rb.hits
        ], q
        assert (ra.total, ra.total_exact, ra.notes) == (rb.total, rb.total_exact, rb.notes), q


def _files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.idx"))


def test_second_open_reads_the_kept_index(generated_path: Path, cache_dir: Path) -> None:
    store = Store.load(generated_path)
    built = SearchIndex.open(store)
    assert not built.from_cache
    assert len(_files(cache_dir)) == 1
    read = SearchIndex.open(Store.load(generated_path))
    assert read.from_cache
    _same(built, read, PROBES)


def test_labelled_queries_answer_the_same_from_the_cache(bundled_index: SearchIndex) -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "casefiles.json"
    SearchIndex.open(Store.load(path))
    read = SearchIndex.open(Store.load(path))
    assert read.from_cache
    _same(bundled_index, read, tuple(q for q, _, _ in QUERIES))


def test_an_edit_is_replayed_from_the_log_at_the_next_open(generated_copy: Path) -> None:
    store = Store.load(generated_copy)
    first = SearchIndex.open(store)
    assert not first.from_cache
    party = dict(store.table(model.PARTIES)["person-0000001"])
    party["name"] = "Zyxwerty Quaffle"
    store.put(model.PARTIES, party)
    first.update(store, model.PARTIES, party["id"])  # the open index follows in memory
    assert first.search("zyxwerty").hits[0].id == "person-0000001"
    store.put(model.PARTIES, {"id": "new-person", "kind": "person", "name": "Plumbob Vexley"})
    store.delete(model.PARTIES, "new-person")
    reloaded = Store.load(generated_copy)
    again = SearchIndex.open(reloaded)
    assert again.from_cache and again.replayed == 2  # the edited party, the new one
    assert again.search("zyxwerty").hits[0].id == "person-0000001"
    assert again.search("plumbob").hits == []
    # Replayed documents are numbered after the others, as with in-memory updates, so
    # only queries that are not cut by the caps answer exactly as a fresh build does.
    _same(SearchIndex.build(reloaded), again, ("zyxwerty", "quaffle", "sokhan", "kemsok"))


def test_a_log_that_does_not_continue_the_kept_entry_rebuilds(generated_copy: Path) -> None:
    store = Store.load(generated_copy)
    party = dict(store.table(model.PARTIES)["person-0000001"])
    party["name"] = "Zyxwerty Quaffle"
    store.put(model.PARTIES, party)
    SearchIndex.open(Store.load(generated_copy))  # kept at log entry 1
    log = generated_copy.with_name(generated_copy.name + ".log")
    first_line = log.read_bytes()
    log.write_bytes(first_line.replace(b"Zyxwerty", b"Zyxwertz"))  # entry 1 rewritten
    store = Store.load(generated_copy)
    index = SearchIndex.open(store)
    assert not index.from_cache
    assert index.search("zyxwertz").hits[0].id == "person-0000001"


def test_a_checkpoint_is_a_new_key(generated_copy: Path) -> None:
    store = Store.load(generated_copy)
    party = dict(store.table(model.PARTIES)["person-0000001"])
    party["name"] = "Zyxwerty Quaffle"
    store.put(model.PARTIES, party)
    SearchIndex.open(Store.load(generated_copy))
    store = Store.load(generated_copy)
    assert store.checkpoint(wait=True)
    index = SearchIndex.open(Store.load(generated_copy))
    assert not index.from_cache
    assert index.search("zyxwerty").hits[0].id == "person-0000001"


def test_a_store_changed_by_another_program_is_rebuilt(generated_copy: Path) -> None:
    SearchIndex.open(Store.load(generated_copy))
    text = generated_copy.read_text(encoding="utf-8")
    generated_copy.write_text(text.replace("Provincial", "Quixotic", 1), encoding="utf-8")
    index = SearchIndex.open(Store.load(generated_copy))
    assert not index.from_cache


def test_an_index_read_from_the_cache_takes_updates(generated_copy: Path) -> None:
    SearchIndex.open(Store.load(generated_copy))
    store = Store.load(generated_copy)
    index = SearchIndex.open(store)
    assert index.from_cache
    store.put(model.PARTIES, {"id": "new-person", "kind": "person", "name": "Plumbob Vexley"})
    index.update(store, model.PARTIES, "new-person")
    assert index.search("plumbob").hits[0].id == "new-person"
    assert index.search("plumbob vexly").hits[0].id == "new-person"  # typo tables too


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_file_is_ignored(generated_path: Path, cache_dir: Path, damage: str) -> None:
    built = SearchIndex.open(Store.load(generated_path))
    (path,) = _files(cache_dir)
    blob = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        middle = len(blob) // 2
        path.write_bytes(blob[:middle] + bytes([blob[middle] ^ 0xFF]) + blob[middle + 1 :])
    elif damage == "garbage":
        path.write_bytes(persist.MAGIC + os.urandom(200))
    else:
        path.write_bytes(b"")
    index = SearchIndex.open(Store.load(generated_path))
    assert not index.from_cache
    _same(built, index, PROBES)
    assert SearchIndex.open(Store.load(generated_path)).from_cache  # rewritten


def test_a_well_formed_file_of_the_wrong_shape_is_ignored(
    generated_path: Path, cache_dir: Path
) -> None:
    store = Store.load(generated_path)
    key = persist.store_key(store.path)
    assert key is not None
    assert persist.write(key, {"vocabulary": {"texts": "not a list"}, "facets": {}})
    index = SearchIndex.open(store)
    assert not index.from_cache
    assert index.search("sokha").hits


def test_no_cache_when_turned_off(
    generated_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_NO_CACHE", "1")
    index = SearchIndex.open(Store.load(generated_path))
    assert not index.from_cache and index.search("sokha").hits
    assert _files(cache_dir) == []
    monkeypatch.delenv("CASEFILES_NO_CACHE")
    SearchIndex.open(Store.load(generated_path), cache=False)
    assert _files(cache_dir) == []


def test_an_unwritable_cache_folder_still_searches(
    generated_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CASEFILES_CACHE_DIR", str(blocker / "cache"))
    index = SearchIndex.open(Store.load(generated_path))
    assert not index.from_cache and index.search("sokha").hits


def test_only_the_most_recent_indexes_are_kept(
    generated_path: Path, cache_dir: Path, tmp_path: Path
) -> None:
    store = Store.load(generated_path)
    index = SearchIndex.open(store)
    state = index._state()
    for n in range(persist.KEEP + 3):
        assert persist.write(f"{n:040x}", state)
    assert len(_files(cache_dir)) == persist.KEEP


def test_a_file_changed_since_it_was_loaded_is_not_kept(
    generated_copy: Path, cache_dir: Path
) -> None:
    store = Store.load(generated_copy)
    generated_copy.write_text(generated_copy.read_text(encoding="utf-8"), encoding="utf-8")
    index = SearchIndex.open(store)
    assert not index.from_cache and index.search("sokha").hits
    assert _files(cache_dir) == []  # the old contents must not be kept under the new key


def test_key_follows_the_real_file(generated_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(generated_path)
    assert persist.store_key(link) == persist.store_key(generated_path)
    assert persist.store_key(tmp_path / "missing.json") is None
