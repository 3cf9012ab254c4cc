"""Documents parsed on demand: a start from the saved offsets table parses no
document and shows the same store as a full parse; the table is rebuilt when the
file changed outside casefiles and ignored when it is corrupt or belongs to other
bytes; a checkpoint copies untouched documents byte for byte."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefiles import model, validcache
from casefiles.generate import write_generated
from casefiles.store import StaleFileError, Store, StoreError, dumps, offsets
from casefiles.store import core as store_core
from casefiles.validate import validate
from tests.test_store_log import OPS, _apply, _copy_of_minimal, _indexes


def _eager(path: Path) -> dict[str, Any]:
    """The file parsed whole, as TinyDB reads it."""
    data = orjson.loads(path.read_bytes())
    assert isinstance(data, dict)
    return data


def _by_id(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        t: {doc["id"]: doc for _, doc in sorted(tree.get(t, {}).items(), key=lambda kv: int(kv[0]))}
        for t in model.TABLES
    }


def _kept(store: Store) -> int:
    """How many documents the store holds parsed."""
    return sum(1 for t in model.TABLES for i in store.by_id[t] if store.by_id[t].is_kept(i))


def _no_whole_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a whole-file parse fail: the load must come from the offsets table."""

    def refuse(raw: bytes, name: str) -> object:
        raise AssertionError("the whole file was parsed")

    monkeypatch.setattr(store_core, "parse_bytes", refuse)


def _edit_title(path: Path, case_id: str, title: str) -> None:
    """Change a case's title in the file as a text editor would (in place)."""
    tree = _eager(path)
    for doc in tree[model.CASES].values():
        if doc["id"] == case_id:
            doc["title"] = title
    with path.open("r+b") as fh:  # same inode: only the contents change
        fh.truncate(0)
        fh.write(dumps(tree))


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    write_generated(path, 30, seed=3)
    return path


def test_a_second_start_parses_no_document_and_equals_a_full_parse(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Store.load(generated)  # validates, checks the layout, saves the offsets
    assert _kept(first) == 0
    with monkeypatch.context() as m:
        _no_whole_parse(m)
        second = Store.load(generated)
        assert _kept(second) == 0, "a start parsed documents"
        case_id = next(iter(second.table(model.CASES)))
        assert second.get(model.CASES, case_id) is not None
        assert _kept(second) == 1  # only what was asked for
        assert second.data == _eager(generated)
        assert {t: dict(second.table(t).items()) for t in model.TABLES} == _by_id(_eager(generated))
        assert _indexes(second) == _indexes(Store.from_data(generated, _eager(generated)))
        assert second.counts() == first.counts()


def test_untouched_documents_are_byte_identical_after_a_checkpoint(generated: Path) -> None:
    store = Store.load(generated)
    before = generated.read_bytes()
    spans = {t: {i: store.by_id[t].raw(i) for i in store.by_id[t]} for t in model.TABLES}
    case_id = list(store.table(model.CASES))[3]
    case = dict(store.get(model.CASES, case_id) or {})
    case["title"] = "Edited once"
    store.put(model.CASES, case)
    new_party = {"id": "zz-new-party", "kind": "person", "name": "New Person"}
    store.put(model.PARTIES, new_party)
    assert store.checkpoint(wait=True)
    after = generated.read_bytes()
    assert after != before
    # The file is exactly the canonical bytes of the store ...
    assert after == dumps(_eager(generated))
    assert _by_id(_eager(generated))[model.CASES][case_id]["title"] == "Edited once"
    # ... and every untouched document is the very same bytes as before.
    fresh = Store.load(generated)
    assert _kept(fresh) == 0
    for t in model.TABLES:
        for doc_id, raw in spans[t].items():
            now = fresh.by_id[t].raw(doc_id)
            if (t, doc_id) == (model.CASES, case_id):
                assert now != raw
            else:
                assert now == raw, (t, doc_id)
            assert now is not None and now in after
    assert fresh.by_id[model.PARTIES].raw("zz-new-party") == orjson.dumps(
        new_party, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    ).replace(b"\n", b"\n    ")


def test_a_hand_edit_rebuilds_the_offsets_table(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store.load(generated)
    case_id = list(_by_id(_eager(generated))[model.CASES])[5]
    _edit_title(generated, case_id, "Changed by hand, and longer than before")
    store = Store.load(generated)  # new bytes: validated and parsed in full, table rebuilt
    assert store.get(model.CASES, case_id)["title"] == "Changed by hand, and longer than before"  # type: ignore[index]
    assert store.data == _eager(generated)
    digest = validcache.digest(generated.read_bytes())
    assert offsets.load(digest, generated.stat().st_size) is not None
    with monkeypatch.context() as m:
        _no_whole_parse(m)
        again = Store.load(generated)
        assert again.data == _eager(generated)


def test_a_hand_edit_that_breaks_validation_is_still_refused(generated: Path) -> None:
    Store.load(generated)
    tree = _eager(generated)
    first = next(iter(tree[model.PROCEEDINGS].values()))
    first["case"] = "no-such-case"
    generated.write_bytes(dumps(tree))
    with pytest.raises(StoreError):
        Store.load(generated)


def test_a_corrupt_offsets_table_is_ignored(generated: Path) -> None:
    Store.load(generated)
    digest = validcache.digest(generated.read_bytes())
    (saved,) = offsets.folder().glob(f"doc-{digest}")
    raw = bytearray(saved.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    saved.write_bytes(bytes(raw))
    assert offsets.load(digest, generated.stat().st_size) is None
    store = Store.load(generated)
    assert store.data == _eager(generated)
    assert offsets.load(digest, generated.stat().st_size) is not None  # written again


@pytest.mark.parametrize("one_read", [True, False], ids=["samples-in-one-read", "read-each"])
def test_an_offsets_table_of_other_bytes_is_ignored(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_read: bool
) -> None:
    if not one_read:  # as for a big store, whose samples lie far apart
        monkeypatch.setattr(offsets, "ONE_READ", 0)
    other = tmp_path / "other.json"
    write_generated(other, 20, seed=4)  # smaller: its ranges all fit in this file
    Store.load(generated)
    Store.load(other)
    mine = validcache.digest(generated.read_bytes())
    theirs = validcache.digest(other.read_bytes())
    folder = offsets.folder()
    # The table of the other file, filed under this file's digest (and size).
    payload = offsets._unpack((folder / f"doc-{theirs}").read_bytes())
    assert isinstance(payload, dict)
    payload["digest"], payload["size"] = mine, generated.stat().st_size
    (folder / f"doc-{mine}").write_bytes(offsets._pack(payload))
    assert offsets.load(mine, generated.stat().st_size) is not None
    store = Store.load(generated)
    assert store.data == _eager(generated)
    assert _indexes(store) == _indexes(Store.from_data(generated, _eager(generated)))


def test_a_fingerprint_pointing_at_other_bytes_is_caught(generated: Path, tmp_path: Path) -> None:
    """The fingerprint → digest note is trusted only as far as the documents agree."""
    other = tmp_path / "other.json"
    write_generated(other, 30, seed=4)
    Store.load(other)
    theirs = validcache.digest(other.read_bytes())
    real = generated.resolve()
    offsets.remember_digest(real, offsets.stamp(real.stat()), theirs)
    store = Store.load(generated)
    assert store.data == _eager(generated)


def test_a_file_that_is_not_canonical_loads_parsed_and_a_checkpoint_makes_it_canonical(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _eager(generated)
    generated.write_bytes(orjson.dumps(tree))  # compact, as stock TinyDB writes it
    store = Store.load(generated)
    assert _kept(store) == sum(len(store.table(t)) for t in model.TABLES)
    party = dict(next(iter(store.table(model.PARTIES).values())))
    party["name"] = "Renamed"
    store.put(model.PARTIES, party)
    assert store.checkpoint(wait=True)
    assert generated.read_bytes() == dumps(_eager(generated))
    with monkeypatch.context() as m:
        _no_whole_parse(m)
        again = Store.load(generated)
        assert again.data == _eager(generated)


def _files_of(folder: Path) -> dict[str, bytes]:
    """The store's files and their bytes (the empty lock file aside)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix != ".lock"
    }


def test_a_file_rewritten_in_place_is_named_on_the_next_read_and_nothing_is_written(
    generated: Path,
) -> None:
    """The documents are read from the loaded version as they are looked up:
    once another program rewrote that file in place, a document not read yet
    cannot be (its bytes are gone), and the read says so clearly instead of
    returning other bytes; what was read before stays; the next write is refused."""
    Store.load(generated)  # the offsets table: the next load parses nothing
    store = Store.load(generated)
    case_ids = list(store.table(model.CASES))
    shown = store.get(model.CASES, case_ids[1])
    assert store.stale is None
    _edit_title(generated, case_ids[0], "x")
    disk = _files_of(generated.parent)
    with pytest.raises(StaleFileError) as info:
        store.get(model.CASES, case_ids[-1])
    message = str(info.value)
    assert str(generated.resolve()) in message
    assert "rewritten in place" in message and "load the store again" in message
    assert "\n" not in message
    assert store.stale == message
    with pytest.raises(StaleFileError):  # and every later read of the file
        list(store.table(model.PROCEEDINGS).values())
    assert store.get(model.CASES, case_ids[1]) == shown  # read before: still there
    case = dict(shown or {})
    case["title"] = "mine"
    with pytest.raises(StoreError, match="changed on disk"):
        store.put(model.CASES, case)
    with pytest.raises(StoreError):
        store.checkpoint()
    assert _files_of(generated.parent) == disk  # nothing written


def test_a_rewrite_of_the_same_size_and_times_set_back_is_caught(generated: Path) -> None:
    """Only the status-change time tells: the contents are compared, not trusted."""
    Store.load(generated)
    store = Store.load(generated)
    st = generated.stat()
    raw = generated.read_bytes()
    case_ids = list(store.table(model.CASES))
    last = store.by_id[model.CASES].raw(case_ids[-1])
    assert last is not None and raw.count(last) == 1
    changed = last.replace(b'"title": "', b'"title": "X', 1)[: len(last) - 1] + b"}"
    with generated.open("r+b") as fh:
        fh.write(raw.replace(last, changed))
    os.utime(generated, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert generated.stat().st_size == st.st_size
    with pytest.raises(StaleFileError, match="rewritten in place"):
        store.get(model.CASES, case_ids[-1])


def test_a_touch_is_not_a_rewrite(generated: Path) -> None:
    Store.load(generated)
    store = Store.load(generated)
    expected = _by_id(_eager(generated))
    os.utime(generated)  # new times, the same bytes
    assert store.stale is None
    case_id = list(store.table(model.CASES))[-1]
    assert store.get(model.CASES, case_id) == expected[model.CASES][case_id]


def test_a_file_cut_short_under_an_open_store_is_named_not_read(generated: Path) -> None:
    """No SIGBUS, no garbage: the read says the file was cut short."""
    Store.load(generated)
    store = Store.load(generated)
    case_ids = list(store.table(model.CASES))
    size = generated.stat().st_size
    os.truncate(generated, size // 2)
    assert store.stale is not None and "cut short" in store.stale  # known before any read
    with pytest.raises(StaleFileError, match="cut short") as info:
        for case_id in case_ids:
            store.get(model.CASES, case_id)
    assert f"was {size:,}" in str(info.value)
    with pytest.raises(StaleFileError):
        store.referrers(model.PARTIES, next(iter(store.table(model.PARTIES))))


def test_reads_continue_after_our_own_checkpoints(generated: Path) -> None:
    """Our checkpoints replace the file (a new inode) and link the version we read
    from as ``.bak``: its documents read on, unchanged, through several."""
    Store.load(generated)
    store = Store.load(generated)
    expected = _by_id(_eager(generated))
    case_ids = list(store.table(model.CASES))
    for n in range(3):
        case = dict(store.get(model.CASES, case_ids[n]) or {})
        case["title"] = f"Checkpointed {n}"
        store.put(model.CASES, case)
        expected[model.CASES][case_ids[n]] = case
        assert store.checkpoint(wait=True)
        assert store.stale is None
        assert store.get(model.CASES, case_ids[-1 - n]) == expected[model.CASES][case_ids[-1 - n]]
    assert {t: dict(store.table(t).items()) for t in model.TABLES} == expected
    assert store.referrers(model.CASES, case_ids[-1]) == Store.from_data(
        generated, _eager(generated), read_log=False
    ).referrers(model.CASES, case_ids[-1])
    again = Store.load(generated)
    assert {t: dict(again.table(t).items()) for t in model.TABLES} == expected


def test_reads_continue_after_another_casefiles_writer_s_checkpoints(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their checkpoints move the version we read from aside as ``.bak``, then
    unlink it: reads go on from it at once (no hash of the file: at 100k cases
    that would stall a key press for a second), before and after the refresh."""
    from casefiles.store import lazy

    Store.load(generated)
    store = Store.load(generated)
    expected = _by_id(_eager(generated))
    case_ids = list(store.table(model.CASES))

    def refuse(self: object, fd: int) -> str:
        raise AssertionError("the file was hashed")

    monkeypatch.setattr(lazy.FileVersion, "_hash", refuse)
    other = Store.load(generated)
    for n in range(2):
        case = dict(other.get(model.CASES, case_ids[n]) or {})
        case["title"] = f"Theirs {n}"
        other.put(model.CASES, case)
        assert other.checkpoint(wait=True)
        expected[model.CASES][case_ids[n]] = case
        last = case_ids[-1 - n]
        assert store.get(model.CASES, last) == expected[model.CASES][last]  # before refresh
        store.refresh()  # accepts their checkpoint
        assert store.get(model.CASES, case_ids[n]) == case
        assert store.stale is None
    assert {t: dict(store.table(t).items()) for t in model.TABLES} == expected


def test_a_start_holds_no_copy_of_the_file(generated: Path) -> None:
    """The documents are read from the file as they are looked up: no object the
    store holds is (or holds) the file's bytes, and a scan reads in chunks."""
    Store.load(generated)
    store = Store.load(generated)
    size = generated.stat().st_size
    big: list[int] = []
    seen: set[int] = set()
    todo: list[object] = [store]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        if isinstance(obj, bytes | bytearray | memoryview):
            if len(obj) >= size // 2:
                big.append(len(obj))
            continue
        if isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            todo.extend(obj)
        for name in getattr(type(obj), "__slots__", ()):
            todo.append(getattr(obj, name, None))
        todo.extend(getattr(obj, "__dict__", {}).values())
    assert big == [], "the store holds the file's bytes"
    assert len(seen) > 100  # the walk did reach the tables


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=12), lookups=st.lists(st.integers(0, 40)))
def test_random_edits_lazy_documents_equal_eagerly_parsed_ones(
    ops: list[tuple[Any, ...]], lookups: list[int]
) -> None:
    with _copy_of_minimal() as path:
        path.write_bytes(dumps(Store.load(path).data))  # schema 2, canonical
        Store.load(path)  # saves the offsets table: the next loads parse nothing
        store = Store.load(path)
        assert _kept(store) == 0
        for op in ops:
            # Some documents looked up (kept parsed), the others still bytes.
            for n in lookups:
                table = model.TABLES[n % len(model.TABLES)]
                ids = list(store.table(table))
                if ids:
                    store.get(table, ids[n % len(ids)])
            before = copy.deepcopy(store.data)
            try:
                _apply(store, op)
            except StoreError:
                assert store.data == before
            assert validate(store.data, "memory") == [], op
        eager = Store.from_data(path, copy.deepcopy(store.data), read_log=False)
        assert {t: dict(store.table(t).items()) for t in model.TABLES} == {
            t: dict(eager.table(t).items()) for t in model.TABLES
        }
        assert _indexes(store) == _indexes(eager)
        fresh = Store.load(path)
        assert fresh.data == store.data
        assert _indexes(fresh) == _indexes(store)
        store.checkpoint(wait=True)
        assert path.read_bytes() == dumps(_eager(path))
        assert _eager(path) == store.data | {model.META: _eager(path)[model.META]}
        again = Store.load(path)
        assert again.data == store.data
        assert _indexes(again) == _indexes(store)


def test_what_refers_to_a_document_is_found_in_the_file_bytes_as_in_parsed_ones(
    generated: Path,
) -> None:
    Store.load(generated)
    lazy = Store.load(generated)
    case_id = list(lazy.table(model.CASES))[2]
    case = dict(lazy.get(model.CASES, case_id) or {})
    case["title"] = "Edited: searched as a parsed document"
    lazy.put(model.CASES, case)
    eager = Store.from_data(generated, copy.deepcopy(lazy.data), read_log=False)
    for table in (model.PARTIES, model.COURTS, model.SOURCES, model.CASES):
        for doc_id in list(eager.table(table))[:15]:
            assert lazy.referrers(table, doc_id) == eager.referrers(table, doc_id)


def test_scans_read_in_chunks_and_find_what_a_full_parse_finds(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk sizes far below a document's: reads that end inside documents, ids
    that straddle two chunks, documents larger than a chunk."""
    from casefiles.store import lazy

    monkeypatch.setattr(lazy, "CHUNK", 701)
    monkeypatch.setattr(lazy, "GAP", 97)
    monkeypatch.setattr(lazy, "WINDOW", 7)
    Store.load(generated)
    store = Store.load(generated)
    eager = Store.from_data(generated, _eager(generated), read_log=False)
    assert {t: list(store.table(t).items()) for t in model.TABLES} == {
        t: list(eager.table(t).items()) for t in model.TABLES
    }
    for table in (model.PARTIES, model.COURTS, model.SOURCES, model.CASES, model.PROCEEDINGS):
        for doc_id in list(eager.table(table))[:12]:
            assert store.referrers(table, doc_id) == eager.referrers(table, doc_id)
    party = dict(store.get(model.PARTIES, next(iter(store.table(model.PARTIES)))) or {})
    party["name"] = "Renamed in chunks"
    store.put(model.PARTIES, party)
    expected = copy.deepcopy(store.data)
    assert store.checkpoint(wait=True)
    assert generated.read_bytes() == dumps(expected | {model.META: _eager(generated)["meta"]})


def test_an_edit_that_keeps_size_and_modification_time_is_still_validated(
    generated: Path,
) -> None:
    Store.load(generated)
    st = generated.stat()
    raw = generated.read_bytes()
    proc = next(iter(_eager(generated)[model.PROCEEDINGS].values()))
    old = b'"case": "' + proc["case"].encode() + b'"'
    new = b'"case": "' + b"z" * len(proc["case"]) + b'"'  # same length, no such case
    assert old in raw
    with generated.open("r+b") as fh:  # in place, the same size
        fh.write(raw.replace(old, new, 1))
    os.utime(generated, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert generated.stat().st_size == st.st_size
    assert generated.stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(StoreError):
        Store.load(generated)


def test_a_checkpoint_after_deletes_inserts_and_edits_writes_the_canonical_file(
    generated: Path,
) -> None:
    """Cuts at the start, middle and end of a table, new documents whose numbers
    sort among the old ones as text ("61" between "60" and "7"), and edits."""
    Store.load(generated)
    store = Store.load(generated)
    sentences = store.by_id[model.SENTENCES]
    by_text = sorted(sentences, key=lambda i: str(sentences.keys_map[i]))
    free = [s for s in by_text if not store.referrers(model.SENTENCES, s)]
    assert free[0] == by_text[0] and free[-1] == by_text[-1]
    for doc_id in (free[0], free[1], free[len(free) // 2], free[-1]):
        store.delete(model.SENTENCES, doc_id)
    parties = store.by_id[model.PARTIES]
    by_text = sorted(parties, key=lambda i: str(parties.keys_map[i]))
    for n in range(12):
        store.put(model.PARTIES, {"id": f"zz-new-{n}", "kind": "person", "name": f"New {n}"})
    store.delete(model.PARTIES, "zz-new-3")
    renamed = dict(store.get(model.PARTIES, by_text[1]) or {})
    renamed["name"] = "Renamed party"
    store.put(model.PARTIES, renamed)
    expected = copy.deepcopy(store.data)
    assert store.checkpoint(wait=True)
    assert generated.read_bytes() == dumps(expected | {model.META: _eager(generated)["meta"]})
    again = Store.load(generated)
    assert _kept(again) == 0
    assert again.data == _eager(generated)
    assert _indexes(again) == _indexes(store)


def test_a_case_view_reads_its_documents_in_a_few_reads(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Store.prefetch_case``: the documents a case view shows are read together
    (a handful of reads, not one per document), and the view is the one a full
    parse gives."""
    from datetime import date

    from casefiles.caseview.build import build_view
    from casefiles.store.lazy import FileVersion

    Store.load(generated)
    store = Store.load(generated)  # from the offsets table: nothing parsed yet
    eager = Store.from_data(generated, _eager(generated), read_log=False)
    reads: list[tuple[int, int]] = []
    read = FileVersion.read

    def counted(self: FileVersion, start: int, end: int) -> bytes:
        reads.append((start, end))
        return read(self, start, end)

    monkeypatch.setattr(FileVersion, "read", counted)
    case_id = max(store.table(model.CASES), key=lambda c: len(store.sources_of(c)))
    reads.clear()
    kept_before = _kept(store)
    view = build_view(store, case_id, date(2026, 12, 1))
    parsed = _kept(store) - kept_before
    assert parsed >= 8, parsed  # a case with parties, proceedings and sources
    assert len(reads) <= 6, (len(reads), parsed)
    assert view == build_view(eager, case_id, date(2026, 12, 1))
