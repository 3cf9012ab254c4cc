"""The defects of issue 9, each tried through ``Store.put``/``delete`` on real files.

Every test here failed on the store before the fix (checked when it was written).
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import shutil
import tempfile
import threading
from pathlib import Path

import orjson
import pytest

from casefiles import model, validcache
from casefiles.migrations import migrate
from casefiles.store import Store, StoreError, check_article_files, read_article_file
from casefiles.validate import validate


def _doc(store: Store, table: str, doc_id: str) -> dict[str, object]:
    doc = store.get(table, doc_id)
    assert doc is not None
    return copy.deepcopy(dict(doc))


def _fresh(path: Path) -> Store:
    return Store.load(path)


def _valid_on_disk(path: Path) -> bool:
    """A full validation of what a fresh load sees (no cache)."""
    os.environ["CASEFILES_NO_CACHE"] = "1"
    try:
        Store.load(path)
        return True
    except StoreError:
        return False
    finally:
        del os.environ["CASEFILES_NO_CACHE"]


# ---------------------------------------------- edits that break another document


def test_court_level_change_that_breaks_a_proceeding_is_refused(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    court = _doc(store, model.COURTS, "city-court")
    court["level"] = "supreme"
    with pytest.raises(StoreError) as info:
        store.put(model.COURTS, court)
    assert any("proceedings[vey-trial].level" in str(p) for p in info.value.problems), [
        str(p) for p in info.value.problems
    ]
    assert store.get(model.COURTS, "city-court")["level"] == "first_instance"  # type: ignore[index]
    assert _fresh(minimal_store).get(model.COURTS, "city-court")["level"] == "first_instance"  # type: ignore[index]
    assert _valid_on_disk(minimal_store)


def test_proceeding_case_change_that_breaks_a_sentence_is_refused(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    store.put(
        model.CASES,
        {
            "id": "other-case",
            "title": "Another case",
            "status": "open",
            "participants": [{"party": "ana-vey", "role": "defendant"}],
        },
    )
    proc = _doc(store, model.PROCEEDINGS, "vey-trial")
    proc["case"] = "other-case"
    with pytest.raises(StoreError) as info:
        store.put(model.PROCEEDINGS, proc)
    assert any("sentences[vey-trial-sentence].proceeding" in str(p) for p in info.value.problems)
    assert _valid_on_disk(minimal_store)


def test_cache_never_remembers_a_file_that_does_not_validate(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    court = _doc(store, model.COURTS, "city-court")
    court["level"] = "supreme"
    with pytest.raises(StoreError):
        store.put(model.COURTS, court)
    store.checkpoint()
    raw = minimal_store.read_bytes()
    if validcache.known_valid(validcache.digest(raw)):
        assert not validate(migrate(orjson.loads(raw)), "x")


# ----------------------------------------------------- values that cannot be written


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fine", {"amount": float("inf"), "currency": "USD"}),
        ("fine", {"amount": float("nan"), "currency": "USD"}),
        ("fine", {"amount": 10**30, "currency": "USD"}),
        ("fine", {"amount": 5, "currency": "USD\n"}),
        ("title\n", "x"),
    ],
)
def test_unwritable_sentence_values_are_refused(
    minimal_store: Path, field: str, value: object
) -> None:
    before = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    sent = _doc(store, model.SENTENCES, "vey-trial-sentence")
    sent[field] = value
    with pytest.raises(StoreError) as info:
        store.put(model.SENTENCES, sent)
    assert info.value.problems, "one line per problem"
    assert minimal_store.read_bytes() == before
    assert _fresh(minimal_store).get(model.SENTENCES, "vey-trial-sentence") == store.get(
        model.SENTENCES, "vey-trial-sentence"
    )


def test_lone_surrogate_and_huge_number_raise_store_errors(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "bad \ud800 title"
    with pytest.raises(StoreError, match="cases"):
        store.put(model.CASES, case)
    party = {"id": "x-y", "kind": "person", "name": "X", "cites": [{"source": "src-a"}]}
    party["extra"] = 10**30
    with pytest.raises(StoreError):
        store.put(model.PARTIES, party)
    assert store.get(model.PARTIES, "x-y") is None
    assert _valid_on_disk(minimal_store)


# ------------------------------------------------------------- anchored patterns


def _with(path: Path, mutate: object) -> list[str]:
    data = migrate(orjson.loads(path.read_bytes()))
    assert validate(data, "f") == []
    mutate(data)  # type: ignore[operator]
    return [str(p) for p in validate(data, "f")]


@pytest.mark.parametrize(
    "bad",
    [
        lambda d: d["sources"].__setitem__("1\n", d["sources"].pop("1")),
        lambda d: d["parties"]["2"].__setitem__("id", "bo-lin\n"),
        lambda d: d["sources"]["1"].__setitem__("published", "2020\n"),
        lambda d: d["sources"]["1"].__setitem__("published", "２０２０"),
        lambda d: d["sources"]["1"].__setitem__("published", "٢٠٢٠-٠١"),
        lambda d: d["meta"]["1"].__setitem__("schema_version", -5),
        lambda d: d["sentences"]["1"].__setitem__("fine", {"amount": 1, "currency": "USD\n"}),
        lambda d: d["sources"]["1"].__setitem__("url", "https://example.org/a b"),
    ],
    ids=[
        "doc-key",
        "slug",
        "date-nl",
        "fullwidth",
        "arabic-indic",
        "schema-neg",
        "currency",
        "url-space",
    ],
)
def test_patterns_are_anchored_and_ascii(minimal_store: Path, bad: object) -> None:
    assert _with(minimal_store, bad), "accepted"


def test_document_key_with_newline_does_not_lose_a_source(minimal_store: Path) -> None:
    data = orjson.loads(minimal_store.read_bytes())
    data["sources"]["1\n"] = data["sources"].pop("1")
    minimal_store.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreError, match="problem"):
        Store.load(minimal_store)


def test_id_with_trailing_newline_is_refused_by_put(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    with pytest.raises(StoreError):
        store.put(model.PARTIES, {"id": "zz\n", "kind": "person", "name": "Z"})


# --------------------------------------------------------- refused delete stays refused


def test_refused_delete_is_not_applied_later(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.load(minimal_store)
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(StoreError, match="disk full"):
        store.delete(model.SENTENCES, "vey-trial-sentence")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert store.get(model.SENTENCES, "vey-trial-sentence") is not None
    store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    fresh = _fresh(minimal_store)
    assert fresh.get(model.SENTENCES, "vey-trial-sentence") is not None
    assert fresh.get(model.PARTIES, "new-one") is not None
    store.checkpoint()
    assert _fresh(minimal_store).get(model.SENTENCES, "vey-trial-sentence") is not None


# ------------------------------------------------------------------ symlinked store


def test_symlinked_store_writes_to_the_target(minimal_store: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(minimal_store)
    store = Store.load(link)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Through the link"
    store.put(model.CASES, case)
    store.checkpoint()
    assert link.is_symlink()
    assert b"Through the link" in minimal_store.read_bytes()
    assert Store.load(minimal_store).get(model.CASES, "vey-case")["title"] == "Through the link"  # type: ignore[index]


# ---------------------------------------------------- read-only folder, foreign owner


def _as_nobody(folder: Path, path: Path) -> tuple[int, str]:
    """Load and try one put in a child process running as user nobody."""
    import filelock  # noqa: F401  (imported before the fork: the child cannot read /root)

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        msg = ""
        try:
            os.setegid(65534)
            os.seteuid(65534)
            store = Store.load(path)
            code = 4
            case = dict(store.get(model.CASES, "vey-case") or {})
            case["title"] = "by nobody"
            try:
                store.put(model.CASES, case)
                code = 5
            except StoreError as exc:
                msg = str(exc)
                code = 0
        except BaseException as exc:
            msg = f"{type(exc).__name__}: {exc}"
        os.write(write_fd, msg.encode())
        os._exit(code)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode()


def test_store_that_cannot_be_written_says_so_in_one_line(minimal_store: Path) -> None:
    if os.geteuid() != 0:
        folder = minimal_store.parent
        os.chmod(folder, 0o555)
        try:
            store = Store.load(minimal_store)
            case = _doc(store, model.CASES, "vey-case")
            with pytest.raises(StoreError) as info:
                store.put(model.CASES, case)
            msg = str(info.value)
        finally:
            os.chmod(folder, 0o755)
    else:  # root may write anywhere: a store owned by someone else, tried as nobody
        folder = Path(tempfile.mkdtemp(prefix="casefiles-foreign-"))
        try:
            os.chmod(folder, 0o755)
            shutil.copytree(minimal_store.parent, folder / "s")
            path = folder / "s" / "minimal.json"
            code, msg = _as_nobody(folder, path)
            assert code == 0, (code, msg)
        finally:
            shutil.rmtree(folder)
    assert "cannot be written" in msg, msg
    assert "\n" not in msg
    assert "Errno" not in msg


# ------------------------------------------------- failure after the point of no return


def test_failure_after_the_commit_point_leaves_memory_and_disk_agreeing(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: the thread that keeps the backup cannot start."""
    store = Store.load(minimal_store)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Edited once"

    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    with contextlib.suppress(RuntimeError):
        store.put(model.CASES, case)
    monkeypatch.undo()
    on_disk = _fresh(minimal_store).get(model.CASES, "vey-case")["title"]  # type: ignore[index]
    in_memory = store.get(model.CASES, "vey-case")["title"]  # type: ignore[index]
    try:
        store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    except StoreError as exc:
        assert "reload" in str(exc)
        return
    assert on_disk == in_memory or (
        _fresh(minimal_store).get(model.CASES, "vey-case")["title"] == on_disk  # type: ignore[index]
    ), "the next write silently reverted the edit"


@pytest.mark.parametrize("exc", [KeyboardInterrupt, OSError(errno.EIO, "I/O error")])
def test_interrupt_during_commit_leaves_memory_and_disk_agreeing(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    store = Store.load(minimal_store)
    store.put(model.PARTIES, {"id": "first-one", "kind": "person", "name": "First"})
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Interrupted edit"
    calls = []
    real_fsync = os.fsync

    def fsync_then_fail(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            raise exc
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_then_fail)
    with pytest.raises((KeyboardInterrupt, StoreError)):
        store.put(model.CASES, case)
    monkeypatch.undo()
    on_disk = _fresh(minimal_store).get(model.CASES, "vey-case")
    assert store.get(model.CASES, "vey-case") == on_disk
    store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    fresh = _fresh(minimal_store)
    assert fresh.get(model.CASES, "vey-case") == store.get(model.CASES, "vey-case")
    assert fresh.get(model.PARTIES, "new-one") is not None


# ------------------------------------------------------------------ FIFO article path


def test_fifo_article_is_refused_without_hanging(minimal_store: Path) -> None:
    fifo = minimal_store.parent / "articles" / "pipe.txt"
    os.mkfifo(fifo)
    result: list[object] = []

    def read() -> None:
        try:
            result.append(read_article_file(fifo, "src-x"))
        except StoreError as exc:
            result.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    hung = worker.is_alive()
    if hung:  # unblock the reader so the test process can end
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(5)
    assert not hung, "reading a FIFO blocked"
    assert isinstance(result[0], StoreError)
    assert "FIFO" in str(result[0]) or "not a regular file" in str(result[0])
    data = orjson.loads(minimal_store.read_bytes())
    data["sources"]["1"]["file"] = "articles/pipe.txt"
    problems = check_article_files(data, minimal_store.parent, "f")
    assert problems and "not found" not in problems[0].message
    assert "FIFO" in problems[0].message


def test_fifo_article_through_the_cli(minimal_store: Path) -> None:
    from tests.conftest import run_cli

    os.mkfifo(minimal_store.parent / "articles" / "pipe.txt")
    data = orjson.loads(minimal_store.read_bytes())
    data["sources"]["1"]["file"] = "articles/pipe.txt"
    minimal_store.write_bytes(orjson.dumps(data))
    result = run_cli("validate", "--store", str(minimal_store), timeout=30)
    assert result.returncode == 1
    assert "is a FIFO (named pipe), not a regular file" in result.stderr
    result = run_cli("search", "sentenced", "--store", str(minimal_store), timeout=30)
    assert "Traceback" not in result.stderr


def test_interrupt_right_after_the_append_leaves_memory_and_disk_agreeing(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.load(minimal_store)
    real_append = Store._append

    def append_then_interrupt(self: Store, lines: list[bytes]) -> None:
        real_append(self, lines)
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "_append", append_then_interrupt)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Committed, then interrupted"
    with pytest.raises(KeyboardInterrupt):
        store.put(model.CASES, case)
    monkeypatch.undo()
    assert store.get(model.CASES, "vey-case") == _fresh(minimal_store).get(model.CASES, "vey-case")
    assert store.get(model.CASES, "vey-case")["title"] == "Committed, then interrupted"  # type: ignore[index]
    store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    fresh = _fresh(minimal_store)
    assert fresh.data == store.data


def test_catch_up_moves_past_an_entry_memory_already_holds(minimal_store: Path) -> None:
    """An interrupt between the append and the bookkeeping (white box: the
    bookkeeping is rewound by hand) must not make the next write fail."""
    store = Store.load(minimal_store)
    state = (store._log_seq, store._log_hash, store._log_end, store._log_last)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Applied"
    store.put(model.CASES, case)
    store._log_seq, store._log_hash, store._log_end, store._log_last = state
    store.put(model.PARTIES, {"id": "new-one", "kind": "person", "name": "New One"})
    assert store.log_seq == 2
    assert _fresh(minimal_store).data == store.data


def test_ctrl_c_during_a_commit_waits_for_its_end(
    minimal_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    store = Store.load(minimal_store)
    real_fsync = os.fsync

    def fsync_with_ctrl_c(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C mid-commit
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_with_ctrl_c)
    case = _doc(store, model.CASES, "vey-case")
    case["title"] = "Finished before Ctrl-C"
    with pytest.raises(KeyboardInterrupt):
        store.put(model.CASES, case)
    monkeypatch.undo()
    assert store.get(model.CASES, "vey-case")["title"] == "Finished before Ctrl-C"  # type: ignore[index]
    assert _fresh(minimal_store).data == store.data
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
