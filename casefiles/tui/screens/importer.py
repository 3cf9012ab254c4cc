"""``i``: import one source (a URL or a local file) from the browser.

A small box over the current screen asks for the URL or path; ``enter``
starts the import (``casefiles.sources.importer.import_source``, the same as
``casefiles import``) in a thread, while a progress line counts the seconds;
``esc`` cancels it.  The result is one line (imported, or already in the
store, or why not) and the suggestions (parties, courts and dates the text
names).  With a case shown, the new source is cited on that case.

Cancelling is safe: the import's only writes to the store go through
``GuardedStore``, which runs them on the UI thread and refuses them once the
user has cancelled (the importer then removes the files it wrote), so a
cancelled import leaves nothing behind.  The screen posts ``Imported`` when
the store changed, with what changed as an ``Operation``: the app redraws and
``u`` can undo the import (the captured files stay on disk; a redo uses them).
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Final

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from casefiles.edit.ops import DocChange, Operation
from casefiles.store import Change, Store
from casefiles.textsafe import clip, literal

PROGRESS_EVERY: Final = 0.25
"""Seconds between updates of the progress line."""


class ImportCancelled(Exception):
    """The user cancelled the import before anything was stored."""


class GuardedStore:
    """The store as the import thread sees it: reads go straight to the store;
    ``commit`` and ``put`` run on the UI thread through ``run_on_ui``, and are
    refused (``ImportCancelled``) once ``cancelled`` says so."""

    def __init__(
        self,
        store: Store,
        run_on_ui: Callable[..., Any],
        cancelled: Callable[[], bool],
    ) -> None:
        self._store = store
        self._run_on_ui = run_on_ui
        self._cancelled = cancelled
        self.wrote = False
        """Whether a write reached the store."""
        self.changes: list[DocChange] = []
        """What the writes changed (before and after), for undo."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _write(self, changes: Sequence[Change], reason: str | None) -> None:
        if self._cancelled():
            raise ImportCancelled
        done = [
            DocChange(t, str(doc["id"]), copy.deepcopy(self._store.get(t, str(doc["id"]))), doc)
            for verb, t, doc in changes
            if verb == "put"
        ]
        self._store.commit(changes, reason=reason)
        self.wrote = True
        self.changes += done

    def commit(self, changes: Sequence[Change], *, reason: str | None = None) -> None:
        """``Store.commit`` on the UI thread, unless cancelled."""
        self._run_on_ui(self._write, list(changes), reason)

    def put(self, table: str, doc: dict[str, Any], *, reason: str | None = None) -> None:
        """``Store.put`` (as a commit) on the UI thread, unless cancelled."""
        self._run_on_ui(self._write, [("put", table, doc)], reason)

    def operation(self, title: str) -> Operation | None:
        """What the import changed, as an operation ``u`` can undo."""
        return Operation(tuple(self.changes), title, kind="import") if self.changes else None


def result_lines(result: Any, case_id: str | None) -> list[str]:
    """What ``casefiles import`` prints for a result, then its suggestions."""
    src = result.source
    title = clip(str(src.get("title", "")), 80)
    if result.duplicate is not None:
        how = "same URL" if result.duplicate == "url" else "identical content (SHA-256)"
        line = f"already in the store as source {result.id} ({how}): {title}"
        if result.case_linked:
            line += f"; now cited on case {case_id}"
    else:
        date = src.get("published") or "no date"
        sha = str(src.get("sha256", ""))[:12]
        line = f"imported {result.id}: {title} ({date}), {result.text_chars:,} chars, sha256 {sha}…"
        if result.case_linked:
            line += f", cited on case {case_id}"
    return [line, *result.suggestions_lines()]


class ImportScreen(ModalScreen[None]):
    """Asks for a URL or path and imports it; see the module docstring."""

    DEFAULT_CSS = """
    ImportScreen {
        align: center middle;
    }
    ImportScreen > #import-box {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ImportScreen #import-progress {
        color: $text-accent;
    }
    ImportScreen #import-result {
        margin-top: 1;
    }
    ImportScreen #import-keys {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel or close", show=False),
    ]

    class Imported(Message):
        """The import changed the store (a new source, or a cite on the case)."""

        def __init__(
            self, source_id: str, case_id: str | None, operation: Operation | None = None
        ) -> None:
            super().__init__()
            self.source_id = source_id
            self.case_id = case_id
            self.operation = operation
            """What the import changed (``u`` undoes it)."""

    def __init__(self, store: Store, case_id: str | None = None) -> None:
        super().__init__(id="import")
        self.store = store
        self.case_id = case_id
        self.running = False
        self.cancelled = False
        self.outcome: str | None = None
        """``imported``, ``duplicate``, ``failed`` or ``cancelled`` once finished."""
        self.lines: list[str] = []
        """The result shown (plain text)."""
        self._started = 0.0
        self._target = ""
        self._ticker: Timer | None = None
        self._guarded: GuardedStore | None = None

    def compose(self) -> ComposeResult:
        where = (
            f"The new source will be cited on case {literal(self.case_id)}."
            if self.case_id
            else "No case is shown: the source is added to the store only."
        )
        with Vertical(id="import-box"):
            yield Static(Text(where), id="import-where", markup=False)
            yield Input(
                placeholder="https://… or a path to an HTML, text or PDF file", id="import-target"
            )
            yield Static("", id="import-progress", markup=False)
            yield Static("", id="import-result", markup=False)
            yield Static(
                Text("enter imports · esc cancels or closes"), id="import-keys", markup=False
            )

    def on_mount(self) -> None:
        """Title; the cursor in the field."""
        self.query_one("#import-box").border_title = Text("Import a source")
        self.query_one(Input).focus()

    @property
    def progress(self) -> str:
        """The progress line (for tests)."""
        return str(self.query_one("#import-progress", Static).render())

    # -- running

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter``: start importing what was typed."""
        event.stop()
        target = event.value.strip()
        if self.running or not target:
            return
        if "://" not in target:
            target = os.path.expanduser(target)
        self._target = target
        self.running, self.cancelled, self.outcome = True, False, None
        self.lines = []
        self.query_one("#import-result", Static).update("")
        self.query_one(Input).disabled = True
        self._started = time.monotonic()
        self._tick()
        self._ticker = self.set_interval(PROGRESS_EVERY, self._tick)
        self.run_import(target)

    def _tick(self) -> None:
        seconds = time.monotonic() - self._started
        self.query_one("#import-progress", Static).update(
            Text(f"importing {literal(clip(self._target, 70))} … {seconds:.1f} s (esc cancels)")
        )

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, target: str) -> None:
        """Capture and store ``target`` off the UI thread; report on the UI thread."""
        from casefiles.sources.importer import import_source

        guarded = GuardedStore(self.store, self.app.call_from_thread, lambda: self.cancelled)
        self._guarded = guarded
        try:
            result = import_source(guarded, target, case=self.case_id)  # type: ignore[arg-type]
        except ImportCancelled:
            return
        except Exception as exc:  # one line for the user, never a traceback
            self._finish_from_thread("failed", [_error_line(exc)], guarded.wrote)
            return
        outcome = "duplicate" if result.duplicate is not None else "imported"
        self._finish_from_thread(
            outcome, result_lines(result, self.case_id), guarded.wrote, result.id
        )

    def _finish_from_thread(
        self, outcome: str, lines: list[str], wrote: bool, source_id: str = ""
    ) -> None:
        with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
            self.app.call_from_thread(self._finish, outcome, lines, wrote, source_id)

    def _finish(self, outcome: str, lines: list[str], wrote: bool, source_id: str) -> None:
        if wrote:  # to the app itself: this screen may be closed by now
            guarded = self._guarded
            title = f"import {literal(clip(self._target, 200))}"
            op = guarded.operation(title) if guarded is not None else None
            self.app.post_message(self.Imported(source_id, self.case_id, op))
        if self.cancelled:
            return
        self._stop()
        self.outcome = outcome
        self.lines = [literal(line) for line in lines]
        seconds = time.monotonic() - self._started
        self.query_one("#import-progress", Static).update(
            Text(f"{outcome} in {seconds:.1f} s" if outcome != "failed" else "not imported")
        )
        self.query_one("#import-result", Static).update(Text("\n".join(self.lines)))
        field = self.query_one(Input)
        field.disabled = False
        field.focus()

    def _stop(self) -> None:
        self.running = False
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def action_cancel(self) -> None:
        """``esc``: cancel a running import (nothing is stored), else close."""
        if self.running and self._guarded is not None and self._guarded.wrote:
            # Too late: the store has it (the thread is only listing suggestions).
            self.notify("The source was already stored; it stays.", timeout=4)
        elif self.running:
            self.cancelled = True
            self.outcome = "cancelled"
            self._stop()
            self.notify("Import cancelled; nothing was stored.", timeout=4)
        self.dismiss(None)


def _error_line(exc: Exception) -> str:
    from casefiles.sources.fetch import CaptureError
    from casefiles.store import StoreError

    if isinstance(exc, CaptureError | StoreError):
        return f"not imported: {exc}"
    return f"not imported: {type(exc).__name__}: {exc}"


__all__ = ["GuardedStore", "ImportCancelled", "ImportScreen", "result_lines"]
