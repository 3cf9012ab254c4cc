"""The change log: random edits where memory, a fresh load and a checkpoint agree;
``log``/``--verify``/``checkpoint``/``put``/``rm`` through the real CLI; old stores;
``open_db`` for scripts."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB, where

import casefiles
from casefiles import model
from casefiles.migrations import migrate
from casefiles.store import Store, StoreError, dumps
from casefiles.store.verify import history, verify
from casefiles.validate import validate
from tests.conftest import DATA, run_cli

BAD = Path(__file__).resolve().parent / "bad_stores"


@contextmanager
def _copy_of_minimal() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(DATA, Path(folder) / "store")
        yield Path(folder) / "store" / "minimal.json"


def _indexes(store: Store) -> dict[str, Any]:
    cases = list(store.table(model.CASES))
    parties = list(store.table(model.PARTIES))
    return {
        "by_id": {t: list(store.table(t).items()) for t in model.TABLES},
        "cases_of_party": {p: store.cases_of_party(p) for p in parties},
        "proceedings_of": {c: [p["id"] for p in store.proceedings_of(c)] for c in cases},
        "sentences_of": {c: [s["id"] for s in store.sentences_of(c)] for c in cases},
        "sources_of": {c: [s["id"] for s in store.sources_of(c)] for c in cases},
    }


# ------------------------------------------------------------- random edit sequences

IDS = st.sampled_from(["ana-vey", "bo-lin", "rights-group", "new-a", "new-b"])
CASE_IDS = st.sampled_from(["vey-case", "case-two", "case-three"])
PROC_IDS = st.sampled_from(["vey-trial", "vey-appeal", "proc-new"])
LEVELS = st.sampled_from(model.COURT_LEVELS[:3])

OPS = st.one_of(
    st.tuples(st.just("party"), IDS, st.text("ab ", min_size=1, max_size=4)),
    st.tuples(st.just("court"), st.sampled_from(["city-court", "appeal-court", "top"]), LEVELS),
    st.tuples(st.just("case"), CASE_IDS, st.lists(IDS, max_size=3, unique=True), st.booleans()),
    st.tuples(
        st.just("proceeding"),
        PROC_IDS,
        CASE_IDS,
        LEVELS,
        st.sampled_from(["city-court", "appeal-court", "top", None]),
        st.lists(IDS, max_size=2, unique=True),
        st.booleans(),
    ),
    st.tuples(st.just("sentence"), st.sampled_from(["s1", "s2"]), CASE_IDS, IDS, PROC_IDS),
    st.tuples(
        st.just("delete"),
        st.sampled_from(model.TABLES),
        st.sampled_from(
            ["ana-vey", "new-a", "top", "case-two", "proc-new", "s1", "vey-trial-sentence"]
        ),
    ),
    st.tuples(st.just("checkpoint")),
)


def _apply(store: Store, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "party":
        store.put(model.PARTIES, {"id": op[1], "kind": "person", "name": op[2]})
    elif kind == "court":
        store.put(model.COURTS, {"id": op[1], "name": op[1].title(), "level": op[2]})
    elif kind == "case":
        case: dict[str, Any] = {
            "id": op[1],
            "title": op[1],
            "status": "open",
            "participants": [{"party": p, "role": "defendant"} for p in op[2]],
        }
        if op[3] and op[2]:
            case["charges"] = [{"party": op[2][0], "label": "incitement"}]
        store.put(model.CASES, case)
    elif kind == "proceeding":
        proc: dict[str, Any] = {"id": op[1], "case": op[2], "level": op[3], "kind": "ruling"}
        if op[4]:
            proc["court"] = op[4]
        if op[5]:
            proc["parties"] = op[5]
            if op[6]:
                proc["absent"] = op[5][:1]
        store.put(model.PROCEEDINGS, proc)
    elif kind == "sentence":
        store.put(
            model.SENTENCES,
            {
                "id": op[1],
                "case": op[2],
                "party": op[3],
                "penalty": "imprisonment",
                "proceeding": op[4],
                "term": {"years": 1},
            },
        )
    elif kind == "delete":
        store.delete(op[1], op[2])
    else:
        store.checkpoint()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=12))
def test_random_edits_memory_fresh_load_and_checkpoint_agree(
    ops: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_NO_CACHE", "1")
    with _copy_of_minimal() as path:
        store = Store.load(path)
        accepted = 0
        for op in ops:
            before = copy.deepcopy(store.data)
            try:
                _apply(store, op)
                accepted += 1
            except StoreError:
                assert store.data == before, "a refused edit changed memory"
            # Every accepted edit leaves a store that passes a full validation.
            assert validate(store.data, "memory") == [], op
        fresh = Store.load(path)
        assert fresh.data == store.data
        assert _indexes(fresh) == _indexes(store)
        store.checkpoint()
        again = Store.load(path)
        assert again.data == store.data
        assert _indexes(again) == _indexes(store)
        if store.log_seq:  # something was committed, so folded: the file is memory's bytes
            assert path.read_bytes() == dumps(store.data)
        verdict = verify(path)
        assert verdict.ok, verdict.problem
        assert _verify_parsing_everything(path) == verdict


# ------------------------------------------------------------------ verify


def _verify_parsing_everything(path: Path) -> Any:
    """``verify`` without its shortcut (documents with equal bytes are equal)."""
    from casefiles.store import verify as module

    real = module._sparse_pair
    module._sparse_pair = lambda *args: None  # type: ignore[assignment]
    try:
        return verify(path)
    finally:
        module._sparse_pair = real


def _generated_with_two_checkpoints(tmp_path: Path) -> tuple[Path, Store]:
    from casefiles.generate import write_generated

    path = tmp_path / "g.json"
    write_generated(path, 30, seed=4)
    store = Store.load(path)
    for i in range(3):
        case = copy.deepcopy(store.get(model.CASES, f"case-00000{i}"))
        assert case is not None
        case["title"] = f"First round {i}"
        store.put(model.CASES, case)
    store.checkpoint()
    store.put(model.PARTIES, {"id": "new-a", "kind": "person", "name": "A"})
    store.put(model.PARTIES, {"id": "new-b", "kind": "person", "name": "B"})
    store.delete(model.PARTIES, "new-a")
    case = copy.deepcopy(store.get(model.CASES, "case-000001"))
    case["title"] = "Second round"  # type: ignore[index]
    store.put(model.CASES, case)  # type: ignore[arg-type]
    store.checkpoint()
    store.put(model.PARTIES, {"id": "new-c", "kind": "person", "name": "C"})
    return path, store


def test_verify_shortcut_agrees_with_a_full_parse(tmp_path: Path) -> None:
    path, _store = _generated_with_two_checkpoints(tmp_path)
    verdict = verify(path)
    assert verdict.ok, verdict.problem
    assert verdict == _verify_parsing_everything(path)
    # A document changed by hand in the checkpoint, untouched by the log.
    raw = path.read_bytes()
    data = orjson.loads(raw)
    key = next(k for k, d in data["parties"].items() if d["id"] == "person-0000003")
    data["parties"][key]["name"] = "Changed by hand"
    path.write_bytes(dumps(data))
    verdict = verify(path)
    assert not verdict.ok and "parties[person-0000003]" in str(verdict.problem)
    assert verdict == _verify_parsing_everything(path)
    # A document the log changed, but not as the log says.
    data = orjson.loads(raw)
    key = next(k for k, d in data["cases"].items() if d["id"] == "case-000001")
    data["cases"][key]["title"] = "Not what the log says"
    path.write_bytes(dumps(data))
    verdict = verify(path)
    assert not verdict.ok and "cases[case-000001]" in str(verdict.problem), verdict.problem
    assert verdict == _verify_parsing_everything(path)
    # A deleted document back in the checkpoint.
    data = orjson.loads(raw)
    data["parties"]["99999"] = {"id": "new-a", "kind": "person", "name": "A"}
    path.write_bytes(dumps(data))
    verdict = verify(path)
    assert not verdict.ok and "parties[new-a]" in str(verdict.problem), verdict.problem
    assert verdict == _verify_parsing_everything(path)


def _edited(path: Path, n: int = 4) -> Store:
    store = Store.load(path)
    for i in range(n):
        store.put(model.PARTIES, {"id": f"p-{i}", "kind": "person", "name": f"P {i}"})
    return store


_TAMPER = st.tuples(
    st.sampled_from(["edit", "drop", "renumber", "add"]),
    st.sampled_from([model.CASES, model.PARTIES, model.PROCEEDINGS, model.SOURCES]),
    st.integers(0, 10_000),
    st.sampled_from(["", ".bak"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(_TAMPER, min_size=1, max_size=3))
def test_verify_shortcut_agrees_with_a_full_parse_on_files_changed_by_hand(
    changes: list[tuple[str, str, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Documents changed, removed, renumbered or added by hand in either checkpoint,
    anywhere in a table: the byte comparison finds what a full parse finds."""
    folder = tmp_path_factory.mktemp("tamper")
    path, _store = _generated_with_two_checkpoints(folder)
    for op, table, index, suffix in changes:
        target = path.with_name(path.name + suffix)
        data = orjson.loads(target.read_bytes())
        docs = data[table]
        keys = sorted(docs, key=int)
        key = keys[index % len(keys)]
        if op == "edit":
            field = "title" if "title" in docs[key] else "name"
            docs[key][field] = f"Changed by hand {index}"
        elif op == "drop":
            del docs[key]
        elif op == "renumber":
            docs[str(int(keys[-1]) + 1 + index % 3)] = docs.pop(key)
        else:
            doc = dict(docs[key], id=f"hand-made-{index}")
            docs[str(int(keys[-1]) + 1 + index % 3)] = doc
        target.write_bytes(dumps(data))
    assert verify(path) == _verify_parsing_everything(path)


def test_verify_accepts_a_clean_log_and_checkpoints(minimal_store: Path) -> None:
    store = _edited(minimal_store)
    assert verify(minimal_store).ok
    store.checkpoint()
    store.put(model.PARTIES, {"id": "p-9", "kind": "person", "name": "Late"})
    verdict = verify(minimal_store)
    assert verdict.ok, verdict.problem
    assert any("replaying entries 1-4" in line for line in verdict.checked)


def test_verify_names_a_tampered_entry(minimal_store: Path) -> None:
    _edited(minimal_store)
    log = minimal_store.with_name("minimal.json.log")
    lines = log.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"P 1"', b'"P X"')
    log.write_bytes(b"\n".join(lines))
    verdict = verify(minimal_store)
    assert not verdict.ok
    assert "entry 2 " in str(verdict.problem), verdict.problem
    result = run_cli("log", "--verify", "--store", str(minimal_store))
    assert result.returncode == 1
    assert "entry 2 " in result.stderr


def test_verify_names_reordered_entries(minimal_store: Path) -> None:
    _edited(minimal_store)
    log = minimal_store.with_name("minimal.json.log")
    lines = log.read_bytes().split(b"\n")
    lines[1], lines[2] = lines[2], lines[1]
    log.write_bytes(b"\n".join(lines))
    verdict = verify(minimal_store)
    assert not verdict.ok
    assert "seq 3, expected 2" in str(verdict.problem), verdict.problem


def test_verify_names_a_tampered_folded_entry(minimal_store: Path) -> None:
    store = _edited(minimal_store)
    store.checkpoint()
    log = minimal_store.with_name("minimal.json.log")
    lines = log.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"P 3"', b'"P Z"')  # the last entry: no later entry chains it
    log.write_bytes(b"\n".join(lines))
    verdict = verify(minimal_store)
    assert not verdict.ok
    assert "entry 4" in str(verdict.problem), verdict.problem
    with pytest.raises(StoreError, match="does not hold entry 4"):
        Store.load(minimal_store)


def test_verify_names_a_checkpoint_edited_outside_casefiles(minimal_store: Path) -> None:
    store = _edited(minimal_store)
    store.checkpoint()
    data = orjson.loads(minimal_store.read_bytes())
    data["parties"]["2"]["name"] = "Changed by hand"
    minimal_store.write_bytes(dumps(data))
    verdict = verify(minimal_store)
    assert not verdict.ok
    assert "parties[bo-lin]" in str(verdict.problem)
    assert "outside casefiles" in str(verdict.problem)


def test_replayed_entry_that_does_not_apply_is_named(minimal_store: Path) -> None:
    _edited(minimal_store, 2)
    log = minimal_store.with_name("minimal.json.log")
    first = orjson.loads(log.read_bytes().split(b"\n")[0])
    first["before"] = "0" * 64
    raw = log.read_bytes().split(b"\n")
    raw[0] = orjson.dumps(first, option=orjson.OPT_SORT_KEYS)
    log.write_bytes(b"\n".join(raw))
    with pytest.raises(StoreError, match="entry 1"):
        Store.load(minimal_store)


# ------------------------------------------------------------------ history


def test_log_lists_changes_newest_first_with_field_diffs(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    case = copy.deepcopy(store.get(model.CASES, "vey-case"))
    assert case is not None
    case["title"] = "Renamed"
    store.put(model.CASES, case, reason="typo in the title")
    store.checkpoint()
    store.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    case["status"] = "open"
    store.put(model.CASES, case)
    items = history(minimal_store)
    assert [i["seq"] for i in items] == [3, 2, 1]
    assert items[2]["reason"] == "typo in the title"
    assert items[2]["diff"] == [
        {"field": "title", "before": "Prosecution of Ana Vey", "after": "Renamed"}
    ]
    assert items[0]["diff"] == [{"field": "status", "before": "closed", "after": "open"}]
    assert [i["seq"] for i in history(minimal_store, "vey-case", limit=1)] == [3]
    loaded = Store.load(minimal_store)
    assert sorted(loaded.replayed_before) == [2, 3], "entries after the checkpoint"
    assert history(minimal_store, replayed=loaded.replayed_before) == items
    result = run_cli("log", "vey-case", "--store", str(minimal_store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.index("#3") < result.stdout.index("#1")
    assert '~ title: "Prosecution of Ana Vey" -> "Renamed"' in result.stdout
    assert "(typo in the title)" in result.stdout
    as_json = run_cli("log", "--json", "--limit", "2", "--store", str(minimal_store))
    assert [i["seq"] for i in orjson.loads(as_json.stdout)] == [3, 2]


def test_author_comes_from_the_environment(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_AUTHOR", "Ana Monitor")
    Store.load(minimal_store).put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    assert history(minimal_store)[0]["author"] == "Ana Monitor"


# ------------------------------------------------------------ checkpoints and old stores


def test_automatic_checkpoint_past_a_log_size(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkpoint runs in a child process (tests/test_auto_checkpoint.py has more)."""
    from casefiles.store import autocheckpoint

    monkeypatch.setenv("CASEFILES_CHECKPOINT_BYTES", "600")
    store = _edited(minimal_store, 6)
    autocheckpoint.wait(60)
    store.refresh()  # accepts the child's checkpoint
    assert store.checkpoint_seq > 0
    assert orjson.loads(minimal_store.read_bytes())["meta"]["1"]["log_seq"] == store.checkpoint_seq
    assert minimal_store.with_name("minimal.json.log").read_bytes().count(b"\n") == 6
    fresh = Store.load(minimal_store)
    assert all(fresh.data[t] == store.data[t] for t in model.TABLES)


def test_store_without_a_log_opens_unchanged(minimal_store: Path) -> None:
    before = sorted(p.name for p in minimal_store.parent.iterdir())
    raw = minimal_store.read_bytes()
    Store.load(minimal_store)
    run_cli("stats", "--store", str(minimal_store))
    assert sorted(p.name for p in minimal_store.parent.iterdir()) == before
    assert minimal_store.read_bytes() == raw


def test_store_written_by_stock_tinydb_opens(tmp_path: Path) -> None:
    path = tmp_path / "stock.json"
    data = migrate(orjson.loads((DATA / "minimal.json").read_bytes()))
    db = TinyDB(path)
    for table in (*model.TABLES, model.META):
        t = db.table(table)
        for key, doc in sorted(data[table].items(), key=lambda kv: int(kv[0])):
            t.insert(doc)
            assert key
    db.close()
    del data["sources"]["1"]["file"]
    store = Store.load(path, check_files=False)
    assert store.get(model.CASES, "vey-case") is not None
    store.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    store.checkpoint()
    assert TinyDB(path).table("parties").get(where("id") == "x-y") is not None


def test_store_written_by_the_previous_version_opens_and_checkpoints(tmp_path: Path) -> None:
    """tests/data/minimal.json is a schema-1 file as the previous version wrote it
    (with its .bak from a whole-file write)."""
    shutil.copytree(DATA, tmp_path / "s")
    path = tmp_path / "s" / "minimal.json"
    shutil.copyfile(path, path.with_name("minimal.json.bak"))
    store = Store.load(path)
    store.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    store.checkpoint()
    data = orjson.loads(path.read_bytes())
    assert data["meta"]["1"]["schema_version"] == model.SCHEMA_VERSION
    assert data["meta"]["1"]["log_seq"] == 1
    assert verify(path).ok


# ------------------------------------------------------------------ the real CLI


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(p.stem for p in BAD.glob("*.json")))
def test_put_and_rm_refuse_every_malformed_store(name: str, tmp_path: Path) -> None:
    shutil.copytree(DATA / "articles", tmp_path / "articles")
    store = tmp_path / f"{name}.json"
    shutil.copyfile(BAD / f"{name}.json", store)
    doc = tmp_path / "doc.json"
    doc.write_bytes(b'{"id": "x-y", "kind": "person", "name": "X"}')
    listing = sorted(p.name for p in tmp_path.iterdir())
    before = _digest(store)
    for args in (["put", "parties", str(doc)], ["rm", "parties", "bo-lin"]):
        result = run_cli(*args, "--store", str(store))
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert "\x1b" not in result.stdout + result.stderr
        assert _digest(store) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing, "nothing written"


def test_put_and_rm_through_the_cli(minimal_store: Path) -> None:
    s = str(minimal_store)
    doc = minimal_store.parent / "new.json"
    doc.write_bytes(b'{"id": "chan-dara", "kind": "person", "name": "Chan Dara"}')
    result = run_cli("put", "parties", str(doc), "--reason", "new witness", "--store", s)
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    bad = minimal_store.parent / "bad.json"
    bad.write_bytes(b'{"id": "city-court", "name": "City Court", "level": "supreme"}')
    result = run_cli("put", "courts", str(bad), "--store", s)
    assert result.returncode == 1
    assert "proceedings[vey-trial].level" in result.stderr
    result = run_cli("rm", "parties", "ana-vey", "--store", s)
    assert result.returncode == 1
    assert "references to it" in result.stderr
    assert "sentences[vey-trial-sentence].party" in result.stderr
    result = run_cli("rm", "parties", "chan-dara", "--reason", "duplicate", "--store", s)
    assert result.returncode == 0, result.stderr
    result = run_cli("checkpoint", "--store", s)
    assert result.returncode == 0 and "up to entry 2" in result.stdout
    result = run_cli("log", "--verify", "--store", s)
    assert result.returncode == 0, result.stderr
    items = history(minimal_store)
    assert [(i["op"], i.get("reason")) for i in items] == [
        ("delete", "duplicate"),
        ("put", "new witness"),
    ]


def test_put_reads_standard_input(minimal_store: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "casefiles", "put", "parties", "--store", str(minimal_store)],
        input=b'{"id": "x-y", "kind": "person", "name": "X"}',
        capture_output=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert Store.load(minimal_store).get(model.PARTIES, "x-y") is not None


# ------------------------------------------------------------------ open_db


def test_open_db_reads_with_tinydb_queries_and_logs_writes(minimal_store: Path) -> None:
    db = casefiles.open_db(minimal_store)
    cases = db.table("cases")
    assert [c["id"] for c in cases.search(where("status") == "closed")] == ["vey-case"]
    cases.update({"status": "open"}, where("id") == "vey-case")
    assert Store.load(minimal_store).get(model.CASES, "vey-case")["status"] == "open"  # type: ignore[index]
    new_key = db.table("parties").insert({"id": "x-y", "kind": "person", "name": "X"})
    assert db.table("parties").get(doc_id=new_key)["id"] == "x-y"  # type: ignore[index]
    with pytest.raises(StoreError):
        db.table("courts").update({"level": "supreme"}, where("id") == "city-court")
    with pytest.raises(StoreError):
        db.table("parties").remove(where("id") == "ana-vey")
    db.table("parties").remove(where("id") == "x-y")
    fresh = Store.load(minimal_store)
    assert fresh.get(model.COURTS, "city-court")["level"] == "first_instance"  # type: ignore[index]
    assert fresh.get(model.PARTIES, "x-y") is None
    assert [i["op"] for i in history(minimal_store)] == ["delete", "put", "put"]
    with pytest.raises(StoreError):
        db.drop_tables()
    assert os.path.exists(minimal_store)


def test_log_keeps_the_store_files_permissions(minimal_store: Path) -> None:
    os.chmod(minimal_store, 0o600)
    Store.load(minimal_store).put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    mode = minimal_store.with_name("minimal.json.log").stat().st_mode & 0o777
    assert mode & 0o077 == 0, oct(mode)


def test_checkpoint_in_background_folds_the_log(minimal_store: Path) -> None:
    import time

    store = Store.load(minimal_store)
    assert store.checkpoint_in_background() is None, "nothing to fold"
    store.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    pid = store.checkpoint_in_background()
    assert pid is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        meta = orjson.loads(minimal_store.read_bytes())["meta"]["1"]
        if meta.get("log_seq") == 1:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the background checkpoint did not fold the log")
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def test_a_lost_log_is_started_again_after_the_checkpoint(minimal_store: Path) -> None:
    store = _edited(minimal_store, 2)
    store.checkpoint()
    log = minimal_store.with_name("minimal.json.log")
    log.unlink()
    again = Store.load(minimal_store)
    assert any("change log is missing" in n for n in again.notices)
    again.put(model.PARTIES, {"id": "p-7", "kind": "person", "name": "Seven"})
    third = Store.load(minimal_store)
    assert any("starts after entry 2" in n for n in third.notices)
    assert third.data == again.data
    third.put(model.PARTIES, {"id": "p-8", "kind": "person", "name": "Eight"})
    third.checkpoint()
    assert Store.load(minimal_store).get(model.PARTIES, "p-8") is not None


def test_checkpoint_command_remembers_the_new_file_as_valid(minimal_store: Path) -> None:
    from casefiles import validcache

    _edited(minimal_store, 1)
    result = run_cli("checkpoint", "--store", str(minimal_store))
    assert result.returncode == 0, result.stderr
    assert validcache.known_valid(validcache.digest(minimal_store.read_bytes()))


def test_verify_shortcut_is_taken_on_canonical_files(tmp_path: Path) -> None:
    from casefiles.store import verify as module

    path, _store = _generated_with_two_checkpoints(tmp_path)
    calls: list[object] = []
    real = module._sparse_pair

    def spy(*args: Any) -> Any:
        result = real(*args)
        calls.append(result)
        return result

    module._sparse_pair = spy  # type: ignore[assignment]
    try:
        assert verify(path).ok
    finally:
        module._sparse_pair = real
    assert calls and calls[0] is not None
    previous = calls[0][0]  # type: ignore[index]
    assert sum(len(docs) for docs in previous.values()) < 20, "only what differs was parsed"


def test_version_names_what_memory_holds(minimal_store: Path) -> None:
    first = Store.load(minimal_store)
    second = Store.load(minimal_store)
    assert first.version == second.version
    first.put(model.PARTIES, {"id": "x-y", "kind": "person", "name": "X"})
    assert first.version != second.version
    second.refresh()
    assert first.version == second.version
    first.checkpoint()
    assert Store.load(minimal_store).version == first.version


def test_log_entries_carry_the_schema_version(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    party = dict(store.get(model.PARTIES, "ana-vey") or {})
    party["name"] = "Ana Vey (renamed)"
    store.put(model.PARTIES, party)
    log = minimal_store.with_name(minimal_store.name + ".log")
    (line,) = log.read_bytes().splitlines()
    assert orjson.loads(line)["schema"] == model.SCHEMA_VERSION
    assert Store.load(minimal_store).get(model.PARTIES, "ana-vey") == party


def test_log_entries_without_a_schema_version_still_replay(minimal_store: Path) -> None:
    """Entries written before they carried ``schema`` (the previous version's log)."""
    store = Store.load(minimal_store)
    party = dict(store.get(model.PARTIES, "ana-vey") or {})
    party["name"] = "Ana Vey (renamed)"
    store.put(model.PARTIES, party)
    log = minimal_store.with_name(minimal_store.name + ".log")
    entry = orjson.loads(log.read_bytes())
    del entry["schema"]
    log.write_bytes(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS) + b"\n")
    assert Store.load(minimal_store).get(model.PARTIES, "ana-vey") == party
    assert verify(minimal_store).ok


def test_a_log_entry_of_a_newer_schema_is_refused_with_a_message(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    party = dict(store.get(model.PARTIES, "ana-vey") or {})
    party["name"] = "Ana Vey (renamed)"
    store.put(model.PARTIES, party)
    log = minimal_store.with_name(minimal_store.name + ".log")
    entry = orjson.loads(log.read_bytes())
    entry["schema"] = model.SCHEMA_VERSION + 1
    log.write_bytes(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS) + b"\n")
    with pytest.raises(StoreError, match="newer casefiles"):
        Store.load(minimal_store)


def test_log_end_is_where_the_last_applied_entry_ends(minimal_store: Path) -> None:
    """Readers of the log (the kept search index) start there instead of at byte 0."""
    store = _edited(minimal_store, 3)
    log = minimal_store.with_name("minimal.json.log")
    assert store.log_end == log.stat().st_size
    assert Store.load(minimal_store).log_end == log.stat().st_size
    store.checkpoint(wait=True)
    assert Store.load(minimal_store).log_end == log.stat().st_size
