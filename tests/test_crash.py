"""Crash safety and concurrent writers, with real processes and SIGKILL.

A commit is an append to the change log plus fsync; a checkpoint replaces the
canonical file atomically.  Children edit (and checkpoint) in a loop and are
killed at random moments; every commit they acknowledged must survive, and the
store must always load (the checkpoint plus the log, fully validated).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import filelock  # noqa: F401  (imported before forking: children commit from their first ms)
import pytest

from casefiles import model
from casefiles.generate import write_generated
from casefiles.store import Store

KILLS = 240
CHECKPOINT_EVERY = 3


def _editor_loop(path: Path, ready_fd: int, ack_fd: int, start: int) -> None:
    """Child: edit one case's title (and checkpoint every few edits) until killed,
    acknowledging each commit once ``put`` returned."""
    store = Store.load(path)
    os.write(ready_fd, b"r")
    n = start
    while True:
        n += 1
        case = dict(store.get(model.CASES, "case-000000") or {})
        case["title"] = f"edit {n}"
        store.put(model.CASES, case)
        os.write(ack_fd, f"{n}\n".encode())
        if n % CHECKPOINT_EVERY == 0:
            store.checkpoint()


def _title_number(store: Store) -> int:
    title = store.get(model.CASES, "case-000000")["title"]  # type: ignore[index]
    return int(title.split()[1]) if title.startswith("edit ") else 0


@pytest.mark.slow
def test_sigkill_during_appends_and_checkpoints_loses_no_acknowledged_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFILES_NO_CACHE", "1")  # every load below is a full validation
    path = tmp_path / "store.json"
    write_generated(path, 60, seed=7)
    rng = random.Random(1)
    acked_total = 0
    mid_checkpoint = 0
    in_flight_landed = 0
    notices = 0
    started = time.monotonic()
    for _ in range(KILLS):
        start = _title_number(Store.load(path))
        ready_r, ready_w = os.pipe()
        ack_r, ack_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(ready_r)
            os.close(ack_r)
            try:
                _editor_loop(path, ready_w, ack_w, start)
            finally:
                os._exit(1)
        os.close(ready_w)
        os.close(ack_w)
        assert os.read(ready_r, 1) == b"r"
        os.close(ready_r)
        time.sleep(rng.uniform(0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        acks = b""
        while chunk := os.read(ack_r, 65536):
            acks += chunk
        os.close(ack_r)
        acked = [int(x) for x in acks.split(b"\n")[:-1]]
        acked_total += len(acked)
        leftovers = [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
        mid_checkpoint += bool(leftovers)
        store = Store.load(path)  # must load: checkpoint + log, validated in full
        notices += bool(store.notices)
        n = _title_number(store)
        last_acked = acked[-1] if acked else start
        assert last_acked <= n <= last_acked + 1, (n, last_acked)
        in_flight_landed += n == last_acked + 1
    elapsed = time.monotonic() - started
    assert acked_total > KILLS // 2, "the children hardly committed: the test proved nothing"
    assert mid_checkpoint > 0, "no kill landed inside a checkpoint: the test proved nothing"
    # The log and the canonical file agree with the hash chain and the replay.
    from casefiles.store.verify import verify

    assert verify(path).ok
    # A later checkpoint cleans up whatever temporary file a killed one left.
    store = Store.load(path)
    case = dict(store.get(model.CASES, "case-000000") or {})
    case["title"] = "after the kills"
    store.put(model.CASES, case)
    store.checkpoint()
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    print(
        f"{KILLS} kills in {elapsed:.1f} s: {acked_total} acknowledged commits, "
        f"{mid_checkpoint} kills inside a checkpoint, {in_flight_landed} unacknowledged "
        f"commits that landed, {notices} loads with a notice"
    )


def test_torn_last_line_is_dropped_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 5, seed=1)
    store = Store.load(path)
    case = dict(store.get(model.CASES, "case-000001") or {})
    case["title"] = "kept"
    store.put(model.CASES, case)
    log = path.with_name("store.json.log")
    good = log.read_bytes()
    with log.open("ab") as fh:
        fh.write(b'{"author":"x","before":null,"doc":{"id":"half')  # a write cut short
    fresh = Store.load(path)
    assert fresh.get(model.CASES, "case-000001")["title"] == "kept"  # type: ignore[index]
    assert any("incomplete last entry" in n for n in fresh.notices)
    case["title"] = "next"
    fresh.put(model.CASES, case)
    assert any("removed an incomplete last entry" in n for n in fresh.notices)
    assert log.read_bytes().startswith(good)
    assert b"half" not in log.read_bytes()
    assert Store.load(path).get(model.CASES, "case-000001")["title"] == "next"  # type: ignore[index]


CHILD = textwrap.dedent(
    """
    import sys
    from casefiles.store import Store, ConflictError
    path, tag, n, case_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = Store.load(path)
    refused = 0
    for i in range(n):
        while True:
            case = dict(store.get("cases", case_id))
            case["tags"] = [*case.get("tags", []), f"{tag}-{i}"]
            try:
                store.put("cases", case)
                break
            except ConflictError:
                refused += 1  # memory now holds the other writer's version: retry
        if i % 10 == 9:
            store.checkpoint()
    print(refused)
    """
)


def _run_writers(path: Path, tags: list[str], n: int, same_case: bool) -> list[int]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CHILD,
                str(path),
                tag,
                str(n),
                "case-000001" if same_case else f"case-00000{i + 1}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, tag in enumerate(tags)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    return [int(out) for out, _err in outputs]


@pytest.mark.slow
@pytest.mark.parametrize("writers", [2, 4])
def test_processes_editing_one_document_lose_nothing(tmp_path: Path, writers: int) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 20, seed=3)
    tags = [chr(ord("A") + i) for i in range(writers)]
    n = 25
    _run_writers(path, tags, n, same_case=True)
    doc = Store.load(path).get(model.CASES, "case-000001")
    assert doc is not None
    for tag in tags:
        assert [t for t in doc["tags"] if t.startswith(f"{tag}-")] == [
            f"{tag}-{i}" for i in range(n)
        ]


@pytest.mark.slow
def test_processes_editing_different_documents_never_conflict(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 20, seed=3)
    tags = ["A", "B", "C", "D"]
    refused = _run_writers(path, tags, 20, same_case=False)
    assert refused == [0, 0, 0, 0], "edits of different documents merge without a conflict"
    store = Store.load(path)
    for i, tag in enumerate(tags):
        doc = store.get(model.CASES, f"case-00000{i + 1}")
        assert doc is not None
        assert [t for t in doc["tags"] if t.startswith(f"{tag}-")] == [
            f"{tag}-{j}" for j in range(20)
        ]


def test_file_changed_outside_casefiles_refuses_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 5, seed=1)
    script = textwrap.dedent(
        """
        import sys
        from casefiles.store import Store, dumps
        store = Store.load(sys.argv[1])
        store.data["cases"]["2"]["title"] = "edited by hand"
        open(sys.argv[1], "wb").write(dumps(store.data))
        """
    )
    mine = Store.load(path)
    # Read before the rewrite: documents are read from the file as loaded, and
    # once it is rewritten in place a document not read yet cannot be.
    case = dict(mine.get(model.CASES, "case-000004") or {})
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)
    case["title"] = "mine"
    from casefiles.store import ConflictError

    with pytest.raises(ConflictError) as info:
        mine.put(model.CASES, case)
    assert "changed on disk since it was loaded" in str(info.value)
    assert "nothing was written" in str(info.value)


INTERRUPTS = 60


def _interrupted_editor(path: Path, ready_fd: int, result_fd: int) -> None:
    """Child: edit until Ctrl-C lands, then report whether memory and disk agree
    and whether the next write keeps them agreeing (or is refused with a message)."""
    store = Store.load(path)
    n = 0
    try:
        os.write(ready_fd, b"r")  # inside the try: Ctrl-C may land right after it
        while True:
            n += 1
            case = dict(store.get(model.CASES, "case-000000") or {})
            case["title"] = f"edit {n}"
            store.put(model.CASES, case)
            if n % CHECKPOINT_EVERY == 0:
                store.checkpoint()
    except KeyboardInterrupt:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory = store.get(model.CASES, "case-000000")
    disk = Store.load(path).get(model.CASES, "case-000000")
    verdict = "agree" if memory == disk else "differ"
    party = {"id": f"after-{n}", "kind": "person", "name": "After"}
    try:
        store.put(model.PARTIES, party)
    except Exception as exc:  # refused with a message is acceptable
        verdict += f" refused:{type(exc).__name__}"
    else:
        fresh = Store.load(path)
        if fresh.get(model.CASES, "case-000000") != store.get(model.CASES, "case-000000"):
            verdict += " reverted"
    os.write(result_fd, verdict.encode())


@pytest.mark.slow
def test_ctrl_c_during_commits_leaves_memory_and_disk_agreeing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.json"
    write_generated(path, 40, seed=5)
    rng = random.Random(2)
    verdicts: dict[str, int] = {}
    for _ in range(INTERRUPTS):
        ready_r, ready_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(ready_r)
            os.close(res_r)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                _interrupted_editor(path, ready_w, res_w)
            finally:
                os._exit(0)
        os.close(ready_w)
        os.close(res_w)
        assert os.read(ready_r, 1) == b"r"
        os.close(ready_r)
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGINT)
        out = b""
        while chunk := os.read(res_r, 4096):
            out += chunk
        os.close(res_r)
        os.waitpid(pid, 0)
        verdict = out.decode() or "no report"
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    print(f"{INTERRUPTS} Ctrl-C: {verdicts}")
    assert set(verdicts) <= {"agree"}, verdicts
