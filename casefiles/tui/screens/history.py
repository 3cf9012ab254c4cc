"""The history screen (``H``): every logged version of the selected document
(a charge or event: its case), newest first, and beside the list what the
selected version changed, field by field.

```
┌ Versions ─────────────────┬ #12 edited · 2026-11-30 18:02:11 UTC · ana ──┐
│▶ #12 11-30 18:02 ana  now │ reason: typo in the title                     │
│  #9  11-29 09:14 bo       │ Changed from the version before:              │
│  #-  as first recorded    │ ~ title                                       │
│                           │   - "Old title"                               │
│                           │   + "New title"                               │
└───────────────────────────┴───────────────────────────────────────────────┘
 r restore  esc close
```

Every difference is literal text with its own mark (``+`` added, ``-``
removed, ``~`` changed, the old value on a ``-`` line and the new one on a
``+`` line), so it reads the same with ``NO_COLOR``.  ``r`` asks the app to
restore the selected version (``RestoreVersion``): the app confirms, applies
it through its undo history (``u`` undoes it) and redraws every screen, this
one included (``redraw_from_store``).  The log is read in a thread: on a big
store the screen opens at once and fills in when the history is read.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Static

from casefiles.edit.history import DocHistory, Version, changes, document_history
from casefiles.store import Store
from casefiles.textsafe import clip, literal
from casefiles.tui.bindings import bind
from casefiles.tui.config import Config
from casefiles.tui.facts import Row
from casefiles.tui.messages import RestoreVersion
from casefiles.tui.text import Line
from casefiles.tui.widgets import InfoPane, KeyBar, LineList


def version_row(index: int, version: Version) -> Row:
    """One line of the versions list: entry, time (minutes), author, what, now."""
    seq = f"#{version.seq}" if version.seq is not None else "#-"
    line: Line = [(f"{seq:<5} ", "strong")]
    if version.op == "checkpoint":
        line.append(("as first recorded", "dim"))
    else:
        when = version.time.replace("T", " ")[:16]
        line += [(f"{literal(when)} ", "dim"), (literal(clip(version.author, 24)), "")]
        line.append((f"  {version.verb}", "accent"))
    if version.current:
        line.append(("  (now)", "mark"))
    return Row(line, "version", str(index))


def _mark(line: str) -> str:
    """The tag of a diff line: removed ``-`` lines warn, added ``+`` lines mark."""
    stripped = line.lstrip()
    if stripped.startswith("- "):
        return "warn"
    if stripped.startswith("+ "):
        return "mark"
    return ""


def version_lines(version: Version, current: dict[str, object] | None) -> list[Line]:
    """What the diff pane shows for a version: when, who, why, what it changed
    from the version before, and what restoring it would change today."""
    out: list[Line] = [[(version.heading(reason=False), "strong")]]
    if version.reason:
        out.append([("reason: ", "dim"), (literal(version.reason), "")])
    out.append([])
    out.append([("Changed from the version before (- before, + after):", "heading")])
    out += [[(line, _mark(line))] for line in version.diff_lines()]
    out.append([])
    if version.current:
        out.append([("This is the version the store holds now.", "dim")])
        return out
    out.append([("Restoring it (r) would change today's version (- now, + restored):", "heading")])
    if version.doc is None:
        out.append([("- the document would be deleted", "warn")])
    elif current is None:
        out.append([("+ the document would be added back", "mark")])
    else:
        for change in changes(current, version.doc):
            out += [[(line, _mark(line))] for line in change.lines()]
    return out


class DiffPane(InfoPane, can_focus=True):
    """The differences of the selected version: ``tab`` focuses it and the list
    keys scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.down", "lines(1)"),
        bind("casefiles.up", "lines(-1)"),
        bind("casefiles.page_down", "pages(1)"),
        bind("casefiles.page_up", "pages(-1)"),
        bind("casefiles.top", "top"),
        bind("casefiles.bottom", "bottom"),
    ]

    def action_lines(self, lines: int) -> None:
        """Scroll by lines."""
        self.scroll_relative(y=lines, animate=False, immediate=True)

    def action_pages(self, pages: int) -> None:
        """Scroll by screenfuls."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_relative(y=pages * step, animate=False, immediate=True)

    def action_top(self) -> None:
        """To the first line."""
        self.scroll_home(animate=False, immediate=True)

    def action_bottom(self) -> None:
        """To the last line."""
        self.scroll_end(animate=False, immediate=True)


class HistoryScreen(ModalScreen[None]):
    """Versions of one document and their differences; ``r`` restores one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.history_restore", "restore"),
        bind("casefiles.history_close", "close"),
    ]

    DEFAULT_CSS = """
    HistoryScreen { background: $background; }
    HistoryScreen > #history-title { height: 1; padding: 0 1; text-style: bold; }
    HistoryScreen > #history-body { height: 1fr; }
    HistoryScreen #history-versions { width: 42%; min-width: 30; border: round $primary; }
    HistoryScreen #history-versions:focus-within { border: round $accent; }
    HistoryScreen #history-diff { width: 1fr; border: round $primary; }
    HistoryScreen #history-diff:focus { border: round $accent; }
    """

    def __init__(self, store: Store, table: str, doc_id: str, config: Config) -> None:
        super().__init__(id="history")
        self.store = store
        self.table = table
        self.doc_id = doc_id
        self.config = config
        self.history: DocHistory | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self._title(), no_wrap=True, overflow="ellipsis"), id="history-title")
        with Horizontal(id="history-body"):
            yield LineList(empty="reading the change log…", id="history-versions")
            yield DiffPane(id="history-diff")
        yield KeyBar(self.config, scopes=("history",))

    def _title(self) -> str:
        name = self.store.name_of(self.table, self.doc_id)
        label = f"{self.table}[{literal(clip(self.doc_id, 60))}]"
        shown = f" · {literal(clip(name, 80))}" if name and name != self.doc_id else ""
        return f"History of {label}{shown}"

    @property
    def versions_list(self) -> LineList:
        """The list of versions."""
        return self.query_one("#history-versions", LineList)

    @property
    def diff(self) -> DiffPane:
        """The differences of the selected version."""
        return self.query_one("#history-diff", DiffPane)

    def on_mount(self) -> None:
        """Titles; read the log in a thread."""
        self.versions_list.border_title = "Versions (newest first)"
        self.diff.border_title = "Changes"
        self.versions_list.focus()
        self.load()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load(self, keep: Version | None = None) -> None:
        """Read the document's history off the UI thread, then show it (the
        cursor on ``keep`` again when given)."""
        try:
            found = document_history(self.store, self.table, self.doc_id)
        except Exception as exc:  # a bug here must not take the browser down
            note = f"cannot read the history: {type(exc).__name__}: {literal(str(exc))}"
            found = DocHistory(self.table, self.doc_id, (), (note,))
        self.app.call_from_thread(self.show_history, found, keep)

    def show_history(self, found: DocHistory, keep: Version | None = None) -> None:
        """Fill the list and the diff pane; the cursor on the version ``keep``
        (the same entry; the first row when it is not there)."""
        self.history = found
        rows = [version_row(i, v) for i, v in enumerate(found.versions)]
        cursor = 0
        if keep is not None:
            cursor = next(
                (i for i, v in enumerate(found.versions) if (v.seq, v.op) == (keep.seq, keep.op)),
                0,
            )
        lines = self.versions_list
        lines.empty = "no version of this document is logged"
        lines.set_rows(rows, cursor, announce=False)
        lines.border_title = f"Versions (newest first): {len(rows)}"
        self._show_selected()
        for note in found.notes:
            if not found.versions:
                self.notify(note, timeout=6, markup=False)

    def selected(self) -> Version | None:
        """The version under the list's cursor."""
        row = self.versions_list.current
        if row is None or self.history is None:
            return None
        return self.history.versions[int(row.id)]

    def _show_selected(self) -> None:
        version = self.selected()
        if version is None:
            notes = self.history.notes if self.history else ()
            self.diff.show([[(n, "dim")] for n in notes])
            return
        seq = f"#{version.seq}" if version.seq is not None else "first recorded"
        self.diff.border_title = f"Changes of {seq}"
        current = self.store.get(self.table, self.doc_id)
        lines = version_lines(version, current)
        if self.history is not None and self.history.notes:
            lines += [[], *([(note, "dim")] for note in self.history.notes)]
        self.diff.show(lines)

    def on_line_list_highlighted(self, message: LineList.Highlighted) -> None:
        """Another version selected: its differences."""
        message.stop()
        self._show_selected()

    def on_line_list_chosen(self, message: LineList.Chosen) -> None:
        """``enter``: read the differences (focus the diff pane)."""
        message.stop()
        self.diff.focus()

    def redraw_from_store(self) -> None:
        """The store changed (a restore, an undo, another program): read the
        history again, the cursor kept on the version it was on."""
        self.query_one("#history-title", Static).update(
            Text(self._title(), no_wrap=True, overflow="ellipsis")
        )
        self.load(self.selected())

    def action_restore(self) -> None:
        """Ask the app to restore the selected version."""
        version = self.selected()
        if version is None:
            self.notify("No version selected.", timeout=3)
            return
        self.post_message(RestoreVersion(version))

    def action_close(self) -> None:
        """Back to where the history was opened."""
        self.dismiss(None)

    @property
    def plain(self) -> str:
        """The list and the diff pane as plain text (for tests)."""
        rows = self.versions_list.rows()
        listed = "\n".join("".join(p for p, _ in r.line) for r in rows)
        return f"{listed}\n---\n{self.diff.plain}"


__all__ = ["DiffPane", "HistoryScreen", "version_lines", "version_row"]
