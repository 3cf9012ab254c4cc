"""Picking up what other programs commit to the store while the browser runs.

``StoreWatcher`` polls on a timer (every ``INTERVAL`` seconds) whether the
store file or its change log changed on disk: two ``stat`` calls
(``casefiles.edit.history.Follower.changed``), nothing read.  When they did,
it brings the store up to date (``Store.refresh``: the new log entries are
replayed, each checked as an edit) and posts ``StoreChanged`` with the
entries to the app, which redraws its screens with their cursors kept and
says in a short notification who changed what.

The refresh runs on the UI thread, between two key presses: screens read the
store as they draw, so it must not change under them from another thread.
Replaying one entry takes about a millisecond; what is slow is only a store
rewritten outside casefiles, which the refresh refuses (``ConflictError``):
the watcher says so once and waits until the files change again.

The app's own commits move the store's place in the log as they are made,
so they are never taken for another program's.  While the app is suspended
(``E`` runs an editor) the timer waits, and the editor's save sees the other
program's change itself (``casefiles.edit.session`` shows both versions).
"""

from __future__ import annotations

import os
from typing import Any, Final

from textual.app import App
from textual.timer import Timer

from casefiles.edit.history import Caught, Follower
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui.messages import StoreChanged

#: Seconds between two looks at the files.
INTERVAL: Final = 0.5


class StoreWatcher:
    """Polls a store's files from ``app``'s timer; see the module docstring."""

    def __init__(self, app: App[Any], store: Store, interval: float = INTERVAL) -> None:
        self.app = app
        self.store = store
        self.interval = interval
        self.follower = Follower(store)
        self._timer: Timer | None = None
        self._failed: tuple[int, ...] | None = None
        """The files' sizes and times when a refresh last failed (``None``: it did not)."""

    def start(self) -> None:
        """Start looking (again)."""
        if self._timer is None:
            self._timer = self.app.set_interval(self.interval, self.poll, name="store-watch")

    def stop(self) -> None:
        """Stop looking."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _disk_state(self) -> tuple[int, ...]:
        """Sizes and modification times of the store file and its log."""
        out: list[int] = []
        for path in (self.store.path, self.store.log_path):
            try:
                st = os.stat(path)
            except OSError:
                out += [-1, -1]
            else:
                out += [st.st_size, st.st_mtime_ns]
        return tuple(out)

    def poll(self) -> bool:
        """Look once; when another program committed, bring the store up to date
        and post ``StoreChanged``.  Whether anything was posted."""
        if self._failed is not None:
            if self._disk_state() == self._failed:
                return False  # refused before, and nothing changed since
            self._failed = None
        if not self.follower.changed():
            return False
        try:
            caught = self.follower.catch_up()
        except Exception as exc:  # a bug in following must not end the browser
            caught = Caught((), f"{type(exc).__name__}: {literal(str(exc))}")
        if caught.problem is not None:
            self._failed = self._disk_state()
        if not caught.entries and caught.problem is None:
            return False
        self.app.post_message(StoreChanged(caught))
        return True


__all__ = ["INTERVAL", "StoreWatcher"]
