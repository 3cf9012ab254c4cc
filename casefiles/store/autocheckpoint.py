"""The automatic checkpoint, out of the commit's way.

A commit that takes the change log past ``$CASEFILES_CHECKPOINT_BYTES`` used to
fold it into the canonical file before returning (1.4 s at 100k cases).  Now it
calls ``start`` and returns: a detached ``casefiles checkpoint`` child process
folds the log, and every store (this one at its next commit, others at theirs)
accepts the new file in its catch-up, since the checkpoint names a log entry
they know.

- **One child at a time per store, across programs.**  Before starting a child,
  ``start`` takes an exclusive ``flock`` on ``<store>.checkpointing`` without
  waiting and hands that open file to the child; the parent then closes its own
  copy, so the lock is held exactly as long as the child lives.  A commit that
  finds it held starts nothing (a child is folding already): two crossing puts,
  in one program or in two, never start a pile of children.
- **The commit never waits and never fails for it.**  When the marker cannot be
  opened or the child cannot start, nothing happens: the log still holds every
  entry, and the next crossing commit, ``casefiles checkpoint`` or the browser's
  quit folds it.  A child that fails (disk full, killed) leaves the canonical
  file as it was (the write is atomic) and releases the marker as it exits.
- **A command-line ``put`` may exit at once:** the child runs in its own
  session with its standard streams on ``/dev/null``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

from casefiles.store.files import real_path, sidecar

MARKER: Final = ".checkpointing"
"""Suffix of the file a running automatic checkpoint holds locked."""

_children: list[subprocess.Popen[bytes]] = []
"""Children this process started and has not yet seen exit (reaped at the next ``start``)."""


def _reap() -> None:
    """Collect children that have exited (no zombies in a long-running browser)."""
    _children[:] = [c for c in _children if c.poll() is None]


def running(path: Path) -> bool:
    """Whether an automatic checkpoint of the store at ``path`` is running now
    (its marker is locked)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        _reap()
        return bool(_children)
    try:
        fd = os.open(sidecar(path, MARKER), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def _command(path: Path) -> list[str]:
    return [sys.executable, "-m", "casefiles", "checkpoint", "--store", str(path)]


def start(path: Path) -> int | None:
    """Start ``casefiles checkpoint`` for the store at ``path`` in a detached child
    process unless one is running already; the child's process id, or ``None``
    when none was started (one is running, or it could not start)."""
    _reap()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: one child per program
        return None if _children else _spawn(path, ())
    marker = sidecar(path, MARKER)
    try:
        mode = real_path(path).stat().st_mode & 0o666  # as the store's own
    except OSError:
        mode = 0o600
    try:
        fd = os.open(marker, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
    except OSError:
        return None  # a folder we cannot write: the log keeps everything
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None  # held: a child is folding already
        # The child inherits this open file, and the lock with it.
        return _spawn(path, (fd,))
    finally:
        os.close(fd)


def _spawn(path: Path, keep: tuple[int, ...]) -> int | None:
    try:
        child = subprocess.Popen(
            _command(path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            pass_fds=keep,
        )
    except (OSError, ValueError, RuntimeError):
        return None
    _children.append(child)
    return child.pid


def wait(timeout: float | None = None) -> None:
    """Wait for the children this process started (for tests and benchmarks)."""
    for child in list(_children):
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout)
    _reap()


__all__ = ["MARKER", "running", "start", "wait"]
