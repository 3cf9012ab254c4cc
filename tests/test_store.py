"""The store on real files: loading, indexes, edits, atomic writes, conflicts."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import orjson
import pytest

from casefiles import model
from casefiles.migrations import migrate
from casefiles.store import ConflictError, Store, StoreError, dumps


def test_load_builds_indexes(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    assert store.get(model.PARTIES, "ana-vey")["name"] == "Ana Vey"  # type: ignore[index]
    assert store.cases_of_party("ana-vey") == ["vey-case"]
    assert store.cases_of_party("rights-group") == []
    assert [p["id"] for p in store.proceedings_of("vey-case")] == ["vey-trial", "vey-appeal"]
    assert [s["id"] for s in store.sentences_of("vey-case")] == ["vey-trial-sentence"]
    assert [s["id"] for s in store.sources_of("vey-case")] == ["src-a", "src-b"]
    assert store.latest_outcomes("vey-case")["ana-vey"].outcome == "upheld"
    counts = store.counts()
    assert counts.tables[model.CASES] == 1
    assert counts.levels["appeal"] == 1


def test_file_is_tinydb_layout_readable_by_stock_tinydb(minimal_store: Path) -> None:
    from tinydb import TinyDB

    db = TinyDB(minimal_store)
    assert db.table("parties").get(doc_id=1)["name"] == "Ana Vey"  # type: ignore[index]
    db.close()


def test_put_writes_canonical_sorted_indented_utf8(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    party = copy.deepcopy(store.get(model.PARTIES, "bo-lin"))
    assert party is not None
    party["aliases"] = ["ប៊ូ លីន", "Bo Linn"]
    store.put(model.PARTIES, party)
    assert store.checkpoint()
    raw = minimal_store.read_bytes()
    assert "ប៊ូ លីន".encode() in raw, "UTF-8, not \\u escapes"
    assert raw == dumps(orjson.loads(raw)), "indented with sorted keys"
    again = Store.load(minimal_store)
    assert again.get(model.PARTIES, "bo-lin")["aliases"] == ["ប៊ូ លីន", "Bo Linn"]  # type: ignore[index]


def test_put_keeps_backup_and_leaves_no_temp_files(minimal_store: Path) -> None:
    original = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["title"] = "Edited"
    store.put(model.CASES, case)
    assert minimal_store.read_bytes() == original, "a commit only appends to the log"
    store.checkpoint()
    bak = minimal_store.with_name("minimal.json.bak")
    assert bak.read_bytes() == original
    leftovers = [p.name for p in minimal_store.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_stale_temp_files_are_cleaned_on_write(minimal_store: Path) -> None:
    stale = minimal_store.parent / ".minimal.json.abc123.tmp"
    stale.write_bytes(b"half a file")
    store = Store.load(minimal_store)
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["title"] = "Edited"
    store.put(model.CASES, case)
    store.checkpoint()
    assert not stale.exists()


def test_insert_new_documents_and_indexes_follow(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    store.put(model.PARTIES, {"id": "chan-dara", "kind": "person", "name": "Chan Dara"})
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["participants"].append({"party": "chan-dara", "role": "defendant"})
    store.put(model.CASES, case)
    store.put(
        model.PROCEEDINGS,
        {
            "id": "vey-cassation",
            "case": "vey-case",
            "level": "supreme",
            "kind": "ruling",
            "date": "2023",
            "outcome": "upheld",
            "parties": ["chan-dara"],
        },
    )
    assert store.cases_of_party("chan-dara") == ["vey-case"]
    assert [p["id"] for p in store.proceedings_of("vey-case")][-1] == "vey-cassation"
    assert store.latest_outcomes("vey-case")["chan-dara"].level == "supreme"
    reloaded = Store.load(minimal_store)
    assert reloaded.get(model.PROCEEDINGS, "vey-cassation") is not None
    assert reloaded.doc_ids[model.PARTIES]["chan-dara"] == 4


def test_invalid_edit_is_refused_and_nothing_changes(minimal_store: Path) -> None:
    before = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    bad = copy.deepcopy(store.get(model.SENTENCES, "vey-trial-sentence"))
    assert bad is not None
    bad["party"] = "nobody"
    with pytest.raises(StoreError) as info:
        store.put(model.SENTENCES, bad)
    assert "unknown party id 'nobody'" in str(info.value.problems[0])
    assert store.get(model.SENTENCES, "vey-trial-sentence")["party"] == "ana-vey"  # type: ignore[index]
    assert minimal_store.read_bytes() == before


def test_case_edit_that_orphans_a_sentence_is_refused(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["participants"] = [p for p in case["participants"] if p["party"] != "ana-vey"]
    case["charges"] = []
    with pytest.raises(StoreError) as info:
        store.put(model.CASES, case)
    assert any("not a participant" in str(p) for p in info.value.problems)


def test_delete_refuses_when_referenced_and_works_otherwise(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    with pytest.raises(StoreError):
        store.delete(model.PARTIES, "ana-vey")
    store.delete(model.SENTENCES, "vey-trial-sentence")
    assert store.sentences_of("vey-case") == []
    assert Store.load(minimal_store).get(model.SENTENCES, "vey-trial-sentence") is None


def test_edit_of_a_document_another_program_changed_is_refused(minimal_store: Path) -> None:
    first = Store.load(minimal_store)
    second = Store.load(minimal_store)
    case = copy.deepcopy(first.get(model.CASES, "vey-case"))
    assert case is not None
    case["title"] = "First edit"
    first.put(model.CASES, case)
    case2 = copy.deepcopy(second.get(model.CASES, "vey-case"))
    assert case2 is not None
    case2["title"] = "Second edit"
    with pytest.raises(ConflictError, match=r"was changed by .* since this program read it"):
        second.put(model.CASES, case2)
    # The refusal brought the other program's version in: editing again works.
    assert second.get(model.CASES, "vey-case")["title"] == "First edit"  # type: ignore[index]
    assert Store.load(minimal_store).get(model.CASES, "vey-case")["title"] == "First edit"  # type: ignore[index]
    case2 = copy.deepcopy(second.get(model.CASES, "vey-case"))
    case2["title"] = "Second edit"  # type: ignore[index]
    second.put(model.CASES, case2)  # type: ignore[arg-type]
    assert Store.load(minimal_store).get(model.CASES, "vey-case")["title"] == "Second edit"  # type: ignore[index]


def test_edits_of_different_documents_merge(minimal_store: Path) -> None:
    first = Store.load(minimal_store)
    second = Store.load(minimal_store)
    first.put(model.PARTIES, {"id": "one-a", "kind": "person", "name": "One"})
    second.put(model.PARTIES, {"id": "two-b", "kind": "person", "name": "Two"})
    assert second.get(model.PARTIES, "one-a") is not None, "the second writer replayed the first"
    first.checkpoint()
    second.put(model.PARTIES, {"id": "three-c", "kind": "person", "name": "Three"})
    fresh = Store.load(minimal_store)
    for pid in ("one-a", "two-b", "three-c"):
        assert fresh.get(model.PARTIES, pid) is not None, pid
    assert fresh.data == second.data | {"meta": fresh.data["meta"]}


def test_external_in_place_edit_is_detected(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    raw = dumps(migrate(orjson.loads(minimal_store.read_bytes()))).replace(b"Bo Lin", b"Bo Lim")
    minimal_store.write_bytes(raw)
    os.utime(minimal_store, ns=(1, 1))
    assert store.changed_on_disk()
    with pytest.raises(ConflictError):
        store.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X Y"})
    assert minimal_store.read_bytes() == raw


def test_store_without_meta_is_migrated(tmp_path: Path) -> None:
    target = tmp_path / "old.json"
    data = orjson.loads((Path(__file__).parent / "data" / "minimal.json").read_bytes())
    del data["meta"]
    del data["sources"]["1"]["file"]
    target.write_bytes(orjson.dumps(data))
    store = Store.load(target)
    assert store.data["meta"]["1"]["schema_version"] == model.SCHEMA_VERSION


def test_empty_store_is_valid(tmp_path: Path) -> None:
    store = Store.create_empty(tmp_path / "new.json")
    assert store.counts().tables[model.CASES] == 0
    assert Store.load(tmp_path / "new.json").table(model.CASES) == {}
    with pytest.raises(StoreError, match="already exists"):
        Store.create_empty(tmp_path / "new.json")


def test_validation_cache_only_trusts_identical_bytes(minimal_store: Path) -> None:
    Store.load(minimal_store)  # validates and remembers these bytes
    data = orjson.loads(minimal_store.read_bytes())
    data["parties"]["2"]["kind"] = "robot"
    minimal_store.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError):
        Store.load(minimal_store)


def test_article_paths_stay_inside_the_folder(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    src = store.get(model.SOURCES, "src-a")
    assert src is not None
    assert "sentenced her to five years" in store.read_article(src)
    outside = minimal_store.parent.parent / "secret.txt"
    outside.write_text("secret")
    (minimal_store.parent / "articles" / "link.txt").symlink_to(outside)
    assert store.article_path({"id": "s", "file": "articles/link.txt"}) is None
    with pytest.raises(StoreError, match="no article file inside"):
        store.read_article({"id": "s", "file": "articles/link.txt"})


def test_failed_write_leaves_store_and_file_unchanged(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (simulated at the OS call) refuses the edit cleanly."""
    import errno

    before = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["title"] = "Never written"
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError, match="write failed: disk full; nothing was written"):
        store.put(model.CASES, case)
    with pytest.raises(StoreError, match="disk full"):
        store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert minimal_store.read_bytes() == before
    assert store.get(model.CASES, "vey-case")["title"] == "Prosecution of Ana Vey"  # type: ignore[index]
    assert store.get(model.PARTIES, "new-one") is None
    assert "new-one" not in str(store.data[model.PARTIES])
    assert minimal_store.with_name("minimal.json.log").read_bytes() == b""
    store.put(model.CASES, case)  # and the store still works afterwards
    assert Store.load(minimal_store).get(model.CASES, "vey-case")["title"] == "Never written"  # type: ignore[index]
