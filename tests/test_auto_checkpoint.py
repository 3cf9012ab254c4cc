"""The automatic checkpoint runs in a child process: the put that takes the log
past ``$CASEFILES_CHECKPOINT_BYTES`` returns without folding, the child folds
soon after, every store accepts its checkpoint, one child runs at a time, and a
child that dies harms nothing."""

from __future__ import annotations

import fcntl
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from casefiles import model
from casefiles.store import Store, autocheckpoint
from casefiles.store.files import sidecar
from casefiles.store.verify import verify
from tests.conftest import run_cli


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CASEFILES_CHECKPOINT_BYTES", "600")
    yield
    autocheckpoint.wait(60)  # no child outlives its test's folder


def _party(i: int) -> dict[str, str]:
    return {"id": f"p-{i}", "kind": "person", "name": f"Person {i}"}


def _folded(path: Path) -> int:
    seq = orjson.loads(path.read_bytes())["meta"]["1"].get("log_seq", 0)
    assert isinstance(seq, int)
    return seq


def _docs(store: Store) -> dict[str, object]:
    """Every table but meta (the meta documents differ in the log fields of the
    last fold each store saw)."""
    return {t: store.data[t] for t in model.TABLES}


def _wait_folded(path: Path, seq: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _folded(path) >= seq and not autocheckpoint.running(path):
            return
        time.sleep(0.05)
    pytest.fail(f"no checkpoint folded entry {seq} within {timeout:.0f} s")


def _put_until_crossing(store: Store, start: int = 0) -> int:
    """Puts parties until a put takes the log past the threshold; that put's index."""
    log = store.log_path
    i = start
    while True:
        store.put(model.PARTIES, _party(i))
        if log.stat().st_size > 600:
            return i
        i += 1


def test_the_crossing_put_returns_before_the_fold_and_the_fold_follows(
    minimal_store: Path,
) -> None:
    raw = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    other = Store.load(minimal_store)  # another program with the same store open
    last = _put_until_crossing(store)
    assert minimal_store.read_bytes() == raw, "the put folded the log before returning"
    assert store.checkpoint_seq == 0
    _wait_folded(minimal_store, store.log_seq)
    fresh = Store.load(minimal_store)
    assert fresh.checkpoint_seq == store.log_seq
    assert _docs(fresh) == _docs(store)
    assert verify(minimal_store).ok
    # Both stores accept the child's checkpoint at their next commit (no conflict).
    store.put(model.PARTIES, _party(100))
    assert store.checkpoint_seq == last + 1
    other.put(model.PARTIES, _party(101))
    assert other.checkpoint_seq == last + 1
    assert other.get(model.PARTIES, f"p-{last}") is not None
    autocheckpoint.wait(60)
    assert _docs(Store.load(minimal_store)) == _docs(other)


def test_a_store_that_accepts_another_checkpoint_takes_its_meta(minimal_store: Path) -> None:
    """The checkpoint's meta (the entry it folded) is what the store then shows
    and starts its own next checkpoint from, not the meta it loaded."""
    store = Store.load(minimal_store)
    other = Store.load(minimal_store)
    _put_until_crossing(store)
    _wait_folded(minimal_store, store.log_seq)
    other.put(model.PARTIES, _party(200))  # catches up: accepts the child's checkpoint
    on_disk = orjson.loads(minimal_store.read_bytes())["meta"]
    assert other.data[model.META] == on_disk
    assert other.data[model.META]["1"]["log_seq"] == other.checkpoint_seq > 0


def test_one_child_at_a_time(minimal_store: Path) -> None:
    store = Store.load(minimal_store)
    store.put(model.PARTIES, _party(0))
    first = autocheckpoint.start(minimal_store)
    assert first is not None
    assert autocheckpoint.running(minimal_store)
    assert autocheckpoint.start(minimal_store) is None, "a second child while one runs"
    autocheckpoint.wait(60)
    assert not autocheckpoint.running(minimal_store)
    assert _folded(minimal_store) == 1


def test_crossing_puts_start_nothing_while_a_checkpoint_runs(minimal_store: Path) -> None:
    """Another program's child holds the marker: these puts start none of their own."""
    raw = minimal_store.read_bytes()
    fd = os.open(sidecar(minimal_store, autocheckpoint.MARKER), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        store = Store.load(minimal_store)
        last = _put_until_crossing(store)
        for i in range(last + 1, last + 4):
            store.put(model.PARTIES, _party(i))
        assert autocheckpoint._children == []
        time.sleep(1.0)
        assert minimal_store.read_bytes() == raw
    finally:
        os.close(fd)
    store.put(model.PARTIES, _party(99))  # the marker is free again: this one starts a child
    _wait_folded(minimal_store, store.log_seq)
    assert _docs(Store.load(minimal_store)) == _docs(store)


def test_a_child_killed_mid_way_is_harmless(minimal_store: Path) -> None:
    raw = minimal_store.read_bytes()
    store = Store.load(minimal_store)
    store.put(model.PARTIES, _party(0))
    pid = autocheckpoint.start(minimal_store)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    autocheckpoint.wait(60)
    assert minimal_store.read_bytes() == raw
    assert not autocheckpoint.running(minimal_store), "a dead child still holds the marker"
    again = Store.load(minimal_store)
    assert _docs(again) == _docs(store), "the log holds the edit"
    assert again.checkpoint_seq == 0
    assert autocheckpoint.start(minimal_store) is not None
    autocheckpoint.wait(60)
    assert _folded(minimal_store) == 1


def test_a_command_line_put_exits_at_once_and_the_fold_follows(minimal_store: Path) -> None:
    env = {**os.environ, "CASEFILES_CHECKPOINT_BYTES": "1"}
    doc = minimal_store.parent / "party.json"
    doc.write_bytes(orjson.dumps(_party(7)))
    t = time.monotonic()
    result = run_cli("put", "parties", str(doc), "--store", str(minimal_store), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert time.monotonic() - t < 30
    _wait_folded(minimal_store, 1)
    assert Store.load(minimal_store).get(model.PARTIES, "p-7") is not None
