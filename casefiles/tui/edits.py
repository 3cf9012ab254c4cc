"""The browser's writing keys: ``E`` (edit in ``$VISUAL``/``$EDITOR``), ``u``
(undo), ``ctrl+r`` (redo), ``x`` (delete after a confirmation) and ``i``
(import a source).

``EditActions`` is a base of the app (``CaseFilesApp``): it keeps one
``casefiles.edit.ops.History`` for the session, so that every change made
from the keyboard (an editor's save, a delete, an undo or redo) can be undone
and redone while the browser runs (an import too); each is an ordinary commit, so the change
log shows the undo too.  After any change the screens redraw from the store
with their cursors where they were (``redraw_after_change``; a screen other
than the main screen and the party view that shows the store redraws through
its own ``redraw_from_store()``).

``H`` opens the selected document's history (``screens/history.py``), whose
``r`` posts ``RestoreVersion``: asked here, applied through the same undo
history.  Another program's commits arrive as ``StoreChanged`` from the
watcher (``casefiles.tui.watch``, started by the app): every screen redraws
and a note says who changed what.

The work itself is the core's: ``casefiles.edit.session.edit_session`` (run
while the app is suspended and the editor owns the terminal),
``casefiles.edit.ops.Operation`` and ``History``, and
``casefiles.sources.importer.import_source`` (run by the import screen in a
thread).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from textual.app import App, SuspendNotSupported

from casefiles import model
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui.messages import CitePassage, RestoreVersion, StoreChanged
from casefiles.tui.screens import party_screen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.selection import Selection

if TYPE_CHECKING:
    from casefiles.edit.forms import Form
    from casefiles.edit.ops import EditRefused, History, Operation
    from casefiles.search import SearchIndex
    from casefiles.tui.screens.form import FormSaved
    from casefiles.tui.screens.importer import ImportScreen

#: The table of the document a selected row stands for.  A charge or event is
#: part of its case: ``E`` edits the case, ``x`` refuses (edit the case instead).
TABLE_OF: Final = {
    "case": model.CASES,
    "party": model.PARTIES,
    "court": model.COURTS,
    "proceeding": model.PROCEEDINGS,
    "sentence": model.SENTENCES,
    "source": model.SOURCES,
}
#: Lines of an outcome shown in one notification (the rest are counted).
MAX_LINES: Final = 8


def target_of(selection: Selection | None) -> tuple[str, str] | None:
    """``(table, id)`` of the document ``E`` opens for a selection: the
    document itself, or the case a charge or event belongs to."""
    if selection is None:
        return None
    if selection.kind in TABLE_OF:
        return TABLE_OF[selection.kind], selection.id
    if selection.kind in ("charge", "event") and selection.case_id:
        return model.CASES, selection.case_id
    return None


def _shown(lines: Sequence[str]) -> str:
    """An outcome's lines for one notification."""
    out = list(lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        out.append(f"… and {len(lines) - MAX_LINES} more lines")
    return "\n".join(literal(line) for line in out)


class EditActions(App[int]):
    """The app's writing keys (a base class of ``CaseFilesApp``); see the module
    docstring."""

    store: Store
    search_index: SearchIndex | None

    @property
    def edits(self) -> History:
        """Undo and redo of this session's changes (the edit core is imported on
        first use, not at start-up)."""
        from casefiles.edit.ops import History

        history: History | None = getattr(self, "_edit_history", None)
        if history is None:
            history = self._edit_history = History()
        return history

    # -- what the keys act on

    def _selected(self) -> Selection | None:
        screen = self.screen
        if isinstance(screen, (MainScreen, party_screen())):
            return screen.selection()
        return None

    def _case_shown(self) -> str | None:
        screen = self.screen
        return screen.case_id if isinstance(screen, MainScreen) else None

    def redraw_after_change(self) -> None:
        """Every screen reads the store again (cursors kept); the search index is
        built again when next needed."""
        self.search_index = None
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.redraw_from_store()
            elif isinstance(screen, party_screen()):
                if self.store.get(model.PARTIES, screen.party_id) is not None:
                    screen.show_party(screen.party_id, screen.cases.cursor)
                elif screen is self.screen:  # its party is gone: back to where it came from
                    self.pop_screen()
            else:  # any other screen that shows the store (history, a form) says so
                redraw = getattr(screen, "redraw_from_store", None)
                if callable(redraw):
                    redraw()
        self.refresh_bindings()  # keys that need a case come and go with the cases

    def _refused(self, what: str, exc: EditRefused) -> None:
        lines: list[str] = [*exc.check.problems, *exc.check.warnings] or [str(exc)]
        self.notify(_shown(lines), title=what, severity="error", timeout=10, markup=False)

    # -- E

    def action_edit_external(self) -> None:
        """Open the selected document (a case: with its proceedings and
        sentences) in ``$VISUAL``/``$EDITOR``; a save can be undone with ``u``."""
        from casefiles.edit.session import EditorError, edit_session, editor_command

        target = target_of(self._selected())
        if target is None:
            self.notify("Nothing selected to edit here.")
            return
        table, doc_id = target
        try:
            command = editor_command()
        except EditorError as exc:
            self.notify(literal(str(exc)), title="no editor", severity="error", markup=False)
            return
        from casefiles.edit.history import version_hash

        base = version_hash(self.store, table, doc_id)
        try:
            if self.is_headless:  # no terminal to hand over (tests): the editor needs none
                outcome = edit_session(self.store, table, doc_id, command=command)
            else:
                with self.suspend():
                    outcome = edit_session(self.store, table, doc_id, command=command)
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot be handed to an editor; use 'casefiles edit "
                f"{table} {literal(doc_id)}' in a shell.",
                severity="error",
                markup=False,
            )
            return
        except Exception as exc:  # the editor session's bug must not end the browser
            self.notify(
                f"edit failed: {type(exc).__name__}: {literal(str(exc))}",
                severity="error",
                markup=False,
            )
            self.redraw_after_change()
            return
        if outcome.operation is not None:
            self.edits.record(outcome.operation)
        self._overtaken(table, doc_id, base, outcome.status)
        self.redraw_after_change()
        title = {"saved": "saved", "no change": "not changed"}.get(outcome.status, "not saved")
        self.notify(
            _shown(outcome.lines) or outcome.status,
            title=title,
            severity="information" if outcome.exit_code == 0 else "warning",
            timeout=8,
            markup=False,
        )

    def _overtaken(self, table: str, doc_id: str, base: str | None, status: str) -> None:
        """After ``E``: when another program changed the document while the editor
        ran and the user's version was not saved over theirs, say so (the editor
        showed both; the store keeps theirs, the user's text is in the recovery file)."""
        from casefiles.edit.history import changed_since
        from casefiles.store import StoreError

        if status == "saved":
            return
        try:
            theirs = changed_since(self.store, table, doc_id, base)
        except StoreError:
            return
        if theirs is not None:
            self.notify(
                f"{theirs.describe()}: the editor showed both versions; the store keeps "
                "theirs, yours was not written over it.",
                title="changed meanwhile",
                severity="warning",
                timeout=10,
                markup=False,
            )

    # -- u, ctrl+r

    def action_undo(self) -> None:
        """Undo the last change made in this session (a logged change of its own)."""
        from casefiles.edit.ops import EditRefused

        op = self.edits.next_undo
        if op is None:
            self.notify("Nothing to undo.", timeout=3)
            return
        try:
            self.edits.undo(self.store)
        except EditRefused as exc:
            self._refused(f"cannot undo: {op.title}", exc)
            return
        self.redraw_after_change()
        self.notify(f"undone: {literal(op.title)}", timeout=4, markup=False)

    def action_redo(self) -> None:
        """Apply again what ``u`` undid (a logged change of its own)."""
        from casefiles.edit.ops import EditRefused

        op = self.edits.next_redo
        if op is None:
            self.notify("Nothing to redo.", timeout=3)
            return
        try:
            self.edits.redo(self.store)
        except EditRefused as exc:
            self._refused(f"cannot redo: {op.title}", exc)
            return
        self.redraw_after_change()
        self.notify(f"redone: {literal(op.title)}", timeout=4, markup=False)

    # -- x

    def action_delete(self) -> None:
        """Ask, then delete the selected document; refused while anything refers to it."""
        from casefiles.edit.ops import Operation, label
        from casefiles.tui.screens.confirm import ConfirmScreen

        selection = self._selected()
        if selection is not None and selection.kind in ("charge", "event"):
            self.notify(
                f"A {selection.kind} is part of its case: press E to edit the case.",
                timeout=4,
            )
            return
        target = target_of(selection)
        if target is None:
            self.notify("Nothing selected to delete here.")
            return
        table, doc_id = target
        store = self.store
        op = Operation.delete(store, table, doc_id)
        check = op.check(store)
        name = store.name_of(table, doc_id)
        lines = [f"{label(table, doc_id)}: {literal(name)}"]

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(op)

        self.push_screen(
            ConfirmScreen(f"Delete {label(table, doc_id)}?", lines, check.problems), answered
        )

    def _delete(self, op: Operation) -> None:
        from casefiles.edit.ops import EditRefused

        try:
            self.edits.apply(self.store, op)
        except EditRefused as exc:
            self._refused("not deleted", exc)
            return
        self.redraw_after_change()
        self.notify(f"deleted: {literal(op.title)} (u undoes)", timeout=5, markup=False)

    # -- e, a, c: the forms

    def _focus(self) -> tuple[Selection | None, str | None, str | None, str | None]:
        """The selection, the focused pane's id, the case shown and the court
        level of the row under the cursor."""
        screen = self.screen
        if isinstance(screen, MainScreen):
            pane = screen.focused_pane()
            row = pane.current
            return screen.selection(), pane.id, screen.case_id, row.level if row else None
        if isinstance(screen, party_screen()):
            return screen.selection(), "party", None, None
        return None, None, None, None

    def _row_cites(self) -> list[tuple[str, str | None, str | None]] | None:
        """The cites of the row under the cursor (they tell apart versions of a
        party's role, which share the party)."""
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        row = main.current_row() if main is not None else None
        if row is None:
            return None
        return [(c.source_id, c.quote, c.note) for c in row.cites]

    def _open_form(self, build: Callable[[], Form]) -> None:
        from casefiles.edit.formopen import FormError
        from casefiles.tui.screens.form import FormScreen

        try:
            form = build()
        except FormError as exc:
            self.notify(literal(str(exc)), timeout=4, markup=False)
            return
        self.push_screen(FormScreen(form, self.store), self._form_saved)

    def _focused_info(self) -> str | None:
        """``case-header`` or ``cites`` when one of those panes of the main
        screen has focus (their keys act on the case, or on the cite under
        the cursor)."""
        screen = self.screen
        focused = screen.focused if isinstance(screen, MainScreen) else None
        if focused is not None and focused.id in ("case-header", "cites"):
            return focused.id
        return None

    def action_edit_form(self) -> None:
        """Edit the selected fact in a form (``ctrl+s`` saves, ``u`` undoes); in
        the Cites pane, the cite under the cursor."""
        from casefiles.edit.formopen import edit_cite_form, edit_form

        selection, pane, case_id, _ = self._focus()
        info = self._focused_info()
        if info == "case-header" and case_id is not None:
            selection, pane = Selection("case", case_id, case_id), "cases"
        elif info == "cites":
            cite = getattr(self.screen.focused, "current", None)
            if cite is None:
                self.notify("No cite under the cursor.", timeout=3)
                return
            shown = {"source": cite.source_id, "quote": cite.quote, "note": cite.note}
            cites = self._row_cites()
            self._open_form(lambda: edit_cite_form(self.store, selection, pane, shown, cites))
            return
        cites = self._row_cites() if isinstance(self.screen, MainScreen) else None
        self._open_form(lambda: edit_form(self.store, selection, pane, cites=cites))

    def action_add_form(self) -> None:
        """Add a fact of the focused pane's kind, prefilled from the cursor."""
        from casefiles.edit.formopen import add_form

        selection, pane, case_id, level = self._focus()
        if self._focused_info() == "cites":  # a cite on the fact whose cites are shown
            self.open_cite_form("", "")
            return
        if pane == "party":
            self.notify("Add facts from a case: open one of the party's cases.", timeout=4)
            return
        self._open_form(lambda: add_form(self.store, pane, selection, case_id, row_level=level))

    def action_cite_form(self) -> None:
        """Add a cite (source, quote, note) to the selected fact."""
        self.open_cite_form("", "")

    def open_cite_form(self, source_id: str, quote: str) -> None:
        """The cite form on the main screen's current fact, with ``source_id``
        and ``quote`` filled in (the reader's selected passage)."""
        from casefiles.edit.formopen import cite_form

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if isinstance(self.screen, party_screen()):
            selection, pane = self.screen.selection(), None
        elif main is not None and main.focused is not None and main.focused.id == "case-header":
            case_id = main.case_id
            selection = Selection("case", case_id, case_id) if case_id else None
            pane = "cases"
        elif main is not None:
            selection, pane = main.selection(), main.focused_pane().id
        else:
            selection, pane = None, None
        cites = self._row_cites() if pane is not None else None
        self._open_form(
            lambda: cite_form(
                self.store, selection, pane, source_id=source_id, quote=quote, cites=cites
            )
        )

    def on_cite_passage(self, message: CitePassage) -> None:
        """The reader asks to cite a passage on the current fact."""
        self.open_cite_form(message.source_id, message.quote)

    def _form_saved(self, saved: FormSaved | None) -> None:
        """A form was saved: apply its operation through the undo history."""
        from casefiles.edit.ops import EditRefused

        if saved is None or saved.operation is None:
            return
        op = saved.operation
        try:
            self.edits.apply(self.store, op, accept_warnings=saved.accept_warnings)
        except EditRefused as exc:  # the store changed meanwhile, or cannot be written
            from casefiles.tui.screens.form import FormScreen

            self._refused("not saved", exc)
            # nothing was written: the form opens again with what was typed
            self.push_screen(FormScreen(saved.form, self.store), self._form_saved)
            return
        self.redraw_after_change()
        self.notify(f"saved: {literal(op.title)} (u undoes)", timeout=5, markup=False)

    # -- i

    def action_import(self) -> None:
        """Import a source from a URL or a file, cited on the case shown."""
        from casefiles.tui.screens.importer import ImportScreen

        self.push_screen(ImportScreen(self.store, self._case_shown()))

    def on_import_screen_imported(self, message: ImportScreen.Imported) -> None:
        """An import changed the store: remember it for ``u``; redraw."""
        if message.operation is not None:
            self.edits.record(message.operation)
        self.redraw_after_change()

    # -- H: history and restore; another program's commits (casefiles.tui.watch)

    def action_history(self) -> None:
        """The selected document's versions from the change log (a charge or
        event: its case's); ``r`` there restores one."""
        from casefiles.tui.screens.history import HistoryScreen

        target = target_of(self._selected())
        if target is None:
            self.notify("Nothing selected to show the history of.", timeout=3)
            return
        table, doc_id = target
        config = getattr(self, "config", None)
        if config is None:
            from casefiles.tui.config import Config

            config = Config()
        self.push_screen(HistoryScreen(self.store, table, doc_id, config))

    def on_restore_version(self, message: RestoreVersion) -> None:
        """Ask, then put an earlier version back as a new change (``u`` undoes it);
        refused, with the reasons, when it would not validate today."""
        from casefiles.edit.history import changes, restore_check, restore_operation
        from casefiles.tui.screens.confirm import ConfirmScreen

        version = message.version
        store = self.store
        check = restore_check(store, version)
        op = restore_operation(store, version)
        current = store.get(version.table, version.doc_id)
        lines = [f"{op.title} ({version.heading()})"]
        if version.doc is None:
            lines.append("- the document will be deleted")
        elif current is None:
            lines.append("+ the document will be added back")
        else:
            lines.append("What changes (- now, + restored):")
            found = [line for c in changes(current, version.doc) for line in c.lines(200)]
            lines += found[: MAX_LINES * 2]
            if len(found) > MAX_LINES * 2:
                lines.append(f"… and {len(found) - MAX_LINES * 2} more lines")

        def answered(yes: bool | None) -> None:
            if yes:
                self._restore(op)

        self.push_screen(ConfirmScreen("Restore this version?", lines, check.problems), answered)

    def _restore(self, op: Operation) -> None:
        from casefiles.edit.ops import EditRefused

        try:
            self.edits.apply(self.store, op, accept_warnings=True)
        except EditRefused as exc:
            self._refused("not restored", exc)
            return
        self.redraw_after_change()
        self.notify(f"{literal(op.title)} (u undoes)", title="restored", timeout=5, markup=False)

    def start_watching(self) -> None:
        """Pick up other programs' commits from now on (``casefiles.tui.watch``)."""
        from casefiles.tui.watch import StoreWatcher

        watcher: StoreWatcher | None = getattr(self, "_watcher", None)
        if watcher is None:
            watcher = self._watcher = StoreWatcher(self, self.store)
        watcher.start()

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another program committed: every screen reads the store again with its
        cursor kept, and a short notification says who changed what."""
        caught = message.caught
        if caught.entries:
            self.redraw_after_change()
            self.notify(
                caught.summary(), title="changed by another program", timeout=6, markup=False
            )
        if caught.problem is not None:
            self.notify(
                caught.problem,
                title="cannot follow the case file",
                severity="warning",
                timeout=12,
                markup=False,
            )


__all__ = ["TABLE_OF", "EditActions", "target_of"]
