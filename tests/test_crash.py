"""Crash safety and concurrent writers, with real processes and SIGKILL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from casefiles import model
from casefiles.generate import write_generated
from casefiles.store import ConflictError, Store

KILLS = 200


def _editor_loop(path: Path, ready_fd: int) -> None:
    """Child: keep editing one case's title, forever, until killed."""
    store = Store.load(path)
    os.write(ready_fd, b"r")
    n = 0
    while True:
        n += 1
        case = dict(store.get(model.CASES, "case-000000") or {})
        case["title"] = f"edit {n}"
        store.put(model.CASES, case)


@pytest.mark.slow
def test_sigkill_during_writes_never_corrupts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_NO_CACHE", "1")  # every check below is a full validation
    path = tmp_path / "store.json"
    write_generated(path, 150, seed=7)
    original = Store.load(path).get(model.CASES, "case-000000")["title"]  # type: ignore[index]
    rng = random.Random(1)
    seen_titles: set[str] = set()
    mid_write = 0
    for _ in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read_fd)
            try:
                _editor_loop(path, write_fd)
            finally:
                os._exit(1)
        os.close(write_fd)
        assert os.read(read_fd, 1) == b"r"
        os.close(read_fd)
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        leftovers = [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
        mid_write += bool(leftovers)
        for p in leftovers:  # as the next writer would (under the lock)
            p.unlink()
        store = Store.load(path)  # must parse and validate: the old or the new version
        title = store.get(model.CASES, "case-000000")["title"]  # type: ignore[index]
        assert title == original or title.startswith("edit "), title
        seen_titles.add(title)
    assert len(seen_titles) > 1, "the child never got to write: the test proved nothing"
    assert mid_write > 0, "no kill landed inside a write: the test proved nothing"
    # A later write cleans up whatever temporary file a killed writer left.
    store = Store.load(path)
    case = dict(store.get(model.CASES, "case-000000") or {})
    store.put(model.CASES, case)
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


CHILD = textwrap.dedent(
    """
    import sys, time
    from casefiles.store import Store, ConflictError
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.load(path)
    refused = 0
    for i in range(n):
        while True:
            case = dict(store.get("cases", "case-000001"))
            case["tags"] = [*case.get("tags", []), f"{tag}-{i}"]
            try:
                store.put("cases", case)
                break
            except ConflictError:
                refused += 1
                store = store.reload()
    print(refused)
    """
)


@pytest.mark.slow
def test_two_processes_lose_no_edit(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 100, seed=3)
    n = 25
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), tag, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    tags = Store.load(path).get(model.CASES, "case-000001")["tags"]  # type: ignore[index]
    for tag in ("A", "B"):
        assert [t for t in tags if t.startswith(f"{tag}-")] == [f"{tag}-{i}" for i in range(n)]


def test_second_writer_is_refused_with_message(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 5, seed=1)
    script = textwrap.dedent(
        """
        import sys
        from casefiles.store import Store
        store = Store.load(sys.argv[1])
        case = dict(store.get("cases", "case-000002"))
        case["title"] = "written by the other program"
        store.put("cases", case)
        """
    )
    mine = Store.load(path)
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)
    case = dict(mine.get(model.CASES, "case-000002") or {})
    case["title"] = "mine"
    with pytest.raises(ConflictError) as info:
        mine.put(model.CASES, case)
    assert "changed on disk since it was loaded" in str(info.value)
    assert "nothing was written" in str(info.value)
    assert Store.load(path).get(model.CASES, "case-000002")["title"] == (  # type: ignore[index]
        "written by the other program"
    )
