"""The browser app: screens, message handlers, navigation history, search index.

``run_app(store)`` is what ``casefiles`` with no sub-command runs.  Screens
never call the app by name: they post the messages of
``casefiles.tui.messages`` (``OpenCase``, ``OpenParty``, ``OpenHit``,
``Narrow``, ``ReadSource``, ``OpenSource``), which bubble up to the handlers
here; the app keeps the history (``casefiles.tui.history``) and turns places
into screens.  The search index is built in a thread after the first paint,
so the browser opens at once even on a 100 000-case store; the thread posts
``IndexReady`` or ``IndexFailed``, which the app passes on to an open search
screen.
"""

from __future__ import annotations

import gc
import sys
import time
from typing import TYPE_CHECKING, Any, ClassVar, Final

from textual import events, work
from textual.binding import Binding, BindingType
from textual.widget import AwaitMount

from casefiles import model
from casefiles.store import StaleFileError, Store
from casefiles.textsafe import literal
from casefiles.tui import facts
from casefiles.tui.config import Config, load_config
from casefiles.tui.edits import EditActions
from casefiles.tui.facts import Row
from casefiles.tui.history import History, Location
from casefiles.tui.keys import KEYS
from casefiles.tui.messages import (
    CopyText,
    ExportCases,
    IndexFailed,
    IndexReady,
    Narrow,
    OpenCase,
    OpenHit,
    OpenParty,
    OpenSource,
    ReadSource,
    RowMoved,
)
from casefiles.tui.screens import party_screen
from casefiles.tui.screens.main import MainScreen
from casefiles.tui.selection import Selection
from casefiles.tui.text import match_terminal_widths
from casefiles.tui.widgets.tags import TAG_CLASSES, forget_tag_styles

# What the first screen does not need is imported when first used (search,
# reader, help, dossier, opener, clipboard, palette): start-up stays short.
if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.command import Provider

    from casefiles.search import Hit, SearchIndex
    from casefiles.tui.opener import OpenPlan, OpenResult


def _after_first_frame() -> None:
    """Freeze what exists once the first screen is drawn, then turn the
    collector on (``casefiles`` starts with it off: ``cli.cmd_browse``)."""
    gc.freeze()
    gc.enable()


def _palette_provider() -> type[Provider]:
    """The command-palette provider, imported when the palette first opens."""
    from casefiles.tui.commands import CaseFilesCommands

    return CaseFilesCommands


_ACTIONS: Final = {
    "casefiles.dossier": "dossier",
    "casefiles.back": "history_back",
    "casefiles.search": "search",
    "casefiles.read": "read",
    "casefiles.open": "open_outside",
    "casefiles.copy": "copy",
    "casefiles.help": "help",
    "casefiles.timeline": "timeline",
    "casefiles.palette": "command_palette",
    "casefiles.edit_external": "edit_external",
    "casefiles.undo": "undo",
    "casefiles.redo": "redo",
    "casefiles.delete": "delete",
    "casefiles.import": "import",
    "casefiles.edit_form": "edit_form",
    "casefiles.add": "add_form",
    "casefiles.cite": "cite_form",
    "casefiles.history": "history",
    "casefiles.quit": "quit",
}
#: App actions that act on a case: left out (keys and footer) while none is shown.
NEED_A_CASE: Final = frozenset({"dossier", "timeline", "copy", "read", "open_outside"})
PARTY_SCREEN: Final = "party"
SEARCH_SCREEN: Final = "search"
#: Up to this many cases the search index is built right after the first paint;
#: a bigger store builds it once the keyboard has been idle for a moment (or on
#: the first search), so that building does not slow down the first moves.
EAGER_INDEX_CASES: Final = 20_000
#: Seconds after the start before other programs' commits are watched for.
WATCH_AFTER: Final = 0.3
IDLE_BEFORE_INDEX: Final = 1.5


class CaseFilesApp(EditActions):
    """The case-file browser (its writing keys: ``casefiles.tui.edits``)."""

    CSS_PATH = "casefiles.tcss"
    TITLE = "casefiles"
    # The panes' tag and cursor colours, styled once for all (casefiles.tui.widgets.tags).
    COMPONENT_CLASSES: ClassVar[set[str]] = set(TAG_CLASSES)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            spec.keys,
            _ACTIONS[spec.id],
            spec.label,
            show=spec.show,
            id=spec.id,
            priority=spec.id == "casefiles.palette",
        )
        for spec in KEYS
        if spec.id in _ACTIONS
    ]
    # One provider: the key table's actions first, then Textual's own commands.
    COMMANDS: ClassVar[set[type[Provider] | Any]] = {_palette_provider}

    def __init__(self, store: Store, config: Config | None = None) -> None:
        match_terminal_widths()  # Khmer vowel signs take the cell the terminal gives them
        super().__init__()
        self.store = store
        self.config = config if config is not None else load_config()
        self.search_index: SearchIndex | None = None
        """The ``casefiles.search.SearchIndex``, once built (``None`` until then)."""
        self.index_error: str | None = None
        """Why the search index could not be built (``None``: it was, or is being)."""
        self.history = History()
        self._indexing = False
        self._last_key = time.monotonic()
        self.closing_message: str | None = None
        """One line to print once the browser has closed (why it had to)."""
        self.reopen = False
        """Whether the browser closed to be opened again on the file as it is now."""
        self._leaving = False
        """Whether the browser is closing (``exit`` was called)."""
        self._can_read: bool | None = None
        """The last answer ``check_action`` gave for ``o``/``O`` (``None``: none yet)."""

    def notify_style_update(self) -> None:
        """Styled again (a new theme): the panes' tag colours are looked up anew."""
        forget_tag_styles(self)
        super().notify_style_update()

    # -- a file that can no longer be read

    def _handle_exception(self, error: Exception) -> None:
        """A document that can no longer be read (``StaleFileError``: another
        program rewrote the case file in place, or cut it short, since it was
        opened) closes the browser to be opened again (``reopen``) with that
        one line (``closing_message``, printed by ``run_app`` once the terminal
        is restored), no traceback: the widget that asked for it has stopped,
        and nothing was written.  Any other error is Textual's own crash report."""
        if isinstance(error, StaleFileError):
            if self.closing_message is None:
                self.closing_message = f"casefiles: {literal(str(error))}"
            self.reopen = True
            self.exit(return_code=1)
            return
        super()._handle_exception(error)

    # -- start

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first on the stack: Textual's own empty default
        screen (with its toast rack and tooltip) would be built, styled, laid out
        and suspended under it for nothing before the first frame."""
        return MainScreen(self.store, self.config)

    async def on_mount(self) -> None:
        """Apply the config, build the index after first paint."""
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                where = literal(str(self.config.path))
                self.config.problems.append(
                    f"{where}: unknown theme {literal(self.config.theme)!r}; "
                    f"available: {', '.join(sorted(self.available_themes))}"
                )
        # The main screen is already on the stack (``get_default_screen``); the
        # app goes on once every pane of it is mounted (as when it was pushed here).
        await AwaitMount(self.screen, [self.screen])
        # What exists once the first screen is drawn (the app, its widgets,
        # the store's indexes) lives as long as the app: moved out of the
        # collector's reach, a full collection no longer walks it (at 100k
        # cases such a walk stalled a cursor move by 150-350 ms).
        self.call_after_refresh(_after_first_frame)
        for problem in self.config.problems:
            self.notify(problem, title="config file", severity="warning", timeout=12, markup=False)
        for notice in self.store.notices:
            self.notify(notice, title="case file", severity="warning", timeout=12, markup=False)
        if len(self.store.table(model.CASES)) <= EAGER_INDEX_CASES:
            self.call_after_refresh(self.ensure_index)
        else:
            self.set_timer(IDLE_BEFORE_INDEX, self._index_when_idle)
        # Other programs' commits are picked up (casefiles.tui.watch), from
        # shortly after the first paint (the watcher's imports wait till then).
        self.set_timer(WATCH_AFTER, self.start_watching)

    async def on_event(self, event: events.Event) -> None:
        """Note key presses (a big store's index waits for a pause in typing);
        once the browser is closing, keys do nothing (typed in the same burst
        as ``q``, ``?`` or ``e`` opened a screen that was never built)."""
        if isinstance(event, events.Key):
            if self._leaving:
                event.stop()
                return
            self._last_key = time.monotonic()
        await super().on_event(event)

    def exit(
        self, result: int | None = None, return_code: int = 0, message: Any | None = None
    ) -> None:
        """Close the browser; the keys still queued are dropped (``on_event``)."""
        self._leaving = True
        super().exit(result, return_code, message)

    def _index_when_idle(self) -> None:
        idle = time.monotonic() - self._last_key
        if idle >= IDLE_BEFORE_INDEX:
            self.ensure_index()
        else:
            self.set_timer(IDLE_BEFORE_INDEX - idle, self._index_when_idle)

    def ensure_index(self) -> None:
        """Start building the search index unless it is built, being built or failed."""
        if self.search_index is None and self.index_error is None and not self._indexing:
            self._indexing = True
            self.build_index()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def build_index(self) -> None:
        """Build the search index off the UI thread; post how it went."""
        try:
            from casefiles.search import SearchIndex

            index = SearchIndex.open(self.store)  # kept on disk between starts
        except Exception as exc:  # a bug in indexing must not take the browser down
            self.post_message(IndexFailed(f"{type(exc).__name__}: {literal(str(exc))}"))
            return
        self.post_message(IndexReady(index))

    def on_index_ready(self, message: IndexReady) -> None:
        """Keep the index; an open search screen starts searching with it."""
        self._indexing = False
        self.search_index = message.index
        for screen in self._search_screens():
            screen.post_message(IndexReady(message.index))

    def on_index_failed(self, message: IndexFailed) -> None:
        """Keep the reason; an open search screen shows it instead of "indexing…"."""
        self._indexing = False
        self.index_error = message.error
        self.notify(f"search is unavailable: {message.error}", severity="error", markup=False)
        for screen in self._search_screens():
            screen.post_message(IndexFailed(message.error))

    def _search_screens(self) -> list[Any]:
        from casefiles.tui.screens.search import SearchScreen

        return [s for s in self.screen_stack if isinstance(s, SearchScreen)]

    # -- where we are

    @property
    def main(self) -> MainScreen:
        """The main screen (always at the bottom of the stack)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("main screen not mounted")

    def location(self) -> Location | None:
        """Where the user is now (the topmost case or party screen, under any
        reader, search or help screen)."""
        screen = next(
            (s for s in reversed(self.screen_stack) if isinstance(s, (MainScreen, party_screen()))),
            None,
        )
        if isinstance(screen, party_screen()):
            return Location("party", screen.party_id, cursor=screen.cases.cursor)
        if isinstance(screen, MainScreen) and screen.case_id is not None:
            pane = screen.focused_pane()
            return Location("case", screen.case_id, screen.level, pane.id, pane.cursor)
        return None

    def remember(self) -> None:
        """Put the current place on the history (before navigating away)."""
        self.history.visit(self.location())

    def _to_main(self) -> MainScreen:
        main = self.main
        while self.screen is not main:
            self.pop_screen()
        return main

    def _go(self, where: Location) -> None:
        if where.kind == "party":
            while not isinstance(self.screen, (MainScreen, party_screen())):
                self.pop_screen()
            screen = self.screen
            if isinstance(screen, party_screen()):
                screen.show_party(where.id, where.cursor)
            else:
                self._push_party(where.id, where.cursor)
        else:
            self._to_main().select_case(where.id, where.level, where.focus, where.cursor)

    def _push_party(self, party_id: str, cursor: int) -> None:
        """Show the party screen; it is made once and kept (installed), since
        building a screen with its footer costs more than refilling it."""
        if not self.is_screen_installed(PARTY_SCREEN):
            self.install_screen(party_screen()(self.store, party_id, self.config), PARTY_SCREEN)
            self.push_screen(PARTY_SCREEN)
            return
        screen = self.get_screen(PARTY_SCREEN)
        assert isinstance(screen, party_screen())
        screen.show_party(party_id, cursor)
        self.push_screen(screen)

    # -- navigation (screens ask for it with messages)

    def on_open_case(self, message: OpenCase) -> None:
        """A screen asks to show a case."""
        self.open_case(message.case_id, message.source_id)

    def on_open_party(self, message: OpenParty) -> None:
        """A screen asks to show a party."""
        self.open_party(message.party_id)

    def on_open_hit(self, message: OpenHit) -> None:
        """A screen asks to go where a search hit points."""
        self.open_hit(message.hit)

    def on_narrow(self, message: Narrow) -> None:
        """The main screen asks to narrow its sentences to a court level."""
        self.remember()
        self.main.narrow(message.level)

    def on_read_source(self, message: ReadSource) -> None:
        """A screen asks to read a source (the selected one unless it names one),
        at a quote or a passage when it gives one."""
        self.read_source(message.source_id, quote=message.quote, passage=message.passage)

    def on_open_source(self, message: OpenSource) -> None:
        """A screen asks to open a source outside the app."""
        self.open_outside(message.source_id)

    def on_copy_text(self, message: CopyText) -> None:
        """A screen asks to copy a text it made (the reader's quote citation)."""
        self.copy_text(message.text)

    def on_export_cases(self, message: ExportCases) -> None:
        """The palette asks for an export: written in a thread to a new folder
        (or file) under ``$CASEFILES_EXPORT_DIR``, else the working directory;
        the notice says where."""
        self.notify(
            f"exporting {literal(message.what)} as {message.fmt} …", timeout=3, markup=False
        )
        self._export(message.fmt, list(message.case_ids), message.what)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, fmt: str, case_ids: list[str], what: str) -> None:
        import os
        import re
        from datetime import datetime
        from pathlib import Path

        from casefiles.export import export

        folder = Path(os.environ.get("CASEFILES_EXPORT_DIR") or Path.cwd())
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", what).strip("-")[:60] or "cases"
        out = folder / f"casefiles-{name}-{stamp}{'.json' if fmt == 'json' else ''}"
        try:
            result = export(self.store, fmt, out, case_ids)
        except Exception as exc:  # ExportError, or a bug: a notice, never a traceback
            text = f"{type(exc).__name__}: {literal(str(exc))}"
            self.call_from_thread(
                self.notify, text, title="not exported", severity="error", markup=False
            )
            return
        self.call_from_thread(
            self.notify, result.summary(), title="exported", timeout=8, markup=False
        )

    def open_case(self, case_id: str, source_id: str | None = None) -> None:
        """Show a case in the main screen (with ``source_id`` selected when given)."""
        if self.store.get(model.CASES, case_id) is None:
            self.notify(f"No case {literal(case_id)!r} in this store.", markup=False)
            return
        self.remember()
        self._go(Location("case", case_id))
        if source_id is not None:
            main = self.main
            sources = main.pane("sources")
            for i, row in enumerate(sources.rows()):
                if row.id == source_id:
                    sources.move_to(i, announce=False)
                    break
            sources.focus()

    def open_party(self, party_id: str) -> None:
        """Show a party: its aliases, affiliations and cases."""
        if self.store.get(model.PARTIES, party_id) is None:
            self.notify(f"No party {literal(party_id)!r} in this store.", markup=False)
            return
        self.remember()
        self._go(Location("party", party_id))

    def open_hit(self, hit: Hit) -> None:
        """Go where a search hit points: a case, a party, a court's first case, or
        a case that cites a source (with that source selected); a hit in article
        text then opens the reader at the matched passage."""
        kind, hit_id, case_id = hit.kind, hit.id, hit.case_id
        if kind == "case":
            self.open_case(hit_id)
        elif kind == "party":
            self.open_party(hit_id)
        elif kind == "court":
            target = case_id or self._first_case_at(hit_id)
            if target is None:
                self.notify("No case was heard at that court.")
            else:
                self.open_case(target)
        elif kind in ("source", "article"):
            target = case_id or self._first_case_citing(hit_id)
            if target is not None:
                self.open_case(target, source_id=hit_id)
            if kind == "article":
                self.read_source(hit_id, passage=hit.text, matched=matched_words(hit))
            elif target is None:
                self.notify("No case cites that source.")
        else:
            self.notify(f"Cannot open a {literal(str(kind))!r} hit.", markup=False)

    def _first_case_at(self, court_id: str) -> str | None:
        for proc in self.store.table(model.PROCEEDINGS).values():
            if proc.get("court") == court_id:
                return str(proc["case"])
        return None

    def _first_case_citing(self, source_id: str) -> str | None:
        for case_id in self.store.table(model.CASES):
            if any(s["id"] == source_id for s in self.store.sources_of(case_id)):
                return case_id
        return None

    def go_back(self) -> None:
        """Back to the previous place in the history."""
        where = self.history.back(self.location())
        if where is None:
            self.notify("Nothing to go back to.", timeout=2)
            return
        self._go(where)

    def go_forward(self) -> None:
        """Forward again after ``go_back``."""
        where = self.history.forward(self.location())
        if where is None:
            self.notify("Nothing to go forward to.", timeout=2)
            return
        self._go(where)

    # -- what is selected

    def _focus_row(self) -> tuple[Row | None, str | None]:
        # the row under a modal screen (a form, the palette, help) is still the selection
        screen = next((s for s in reversed(self.screen_stack) if not s.is_modal), self.screen)
        if isinstance(screen, MainScreen):
            return screen.current_row(), screen.case_id
        if isinstance(screen, party_screen()):
            row = screen.current_row()
            return row, row.case_id if row else None
        return None, None

    def selection(self) -> Selection | None:
        """What ``y``/``o``/``O`` act on on the current screen."""
        screen = self.screen
        if isinstance(screen, (MainScreen, party_screen())):
            return screen.selection()
        return None

    def source_to_read(self) -> tuple[str | None, str | None]:
        """The source id for ``o``/``O`` and the case it was chosen in."""
        row, case_id = self._focus_row()
        return facts.first_source(row, self.store, case_id), case_id

    # -- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """App keys a screen declares useless there (``QUIET_APP_ACTIONS``: ``/``
        inside search types a slash) are left out of its footer and do nothing;
        so are ``o``/``O`` where there is no source to read (``source_to_read``)."""
        quiet: frozenset[str] = getattr(type(self.screen), "QUIET_APP_ACTIONS", frozenset())
        if action in quiet:
            return False
        screen = self.screen
        # an empty store: nothing to show, copy or read
        if action in NEED_A_CASE and isinstance(screen, MainScreen) and screen.case_id is None:
            return False
        if action in ("read", "open_outside"):
            self._can_read = self._has_source()
            return bool(self._can_read)
        return True

    def _has_source(self) -> bool | None:
        """Whether ``o``/``O`` have a source to act on (``None``: the screen's
        lists are not there yet)."""
        from textual.css.query import NoMatches

        try:
            return self.source_to_read()[0] is not None
        except NoMatches:
            return None

    def on_row_moved(self, message: RowMoved) -> None:
        """A list's cursor moved: the key bar is worked out again only when
        ``o``/``O`` gain or lose a source (not at every move of the cursor)."""
        if self._has_source() != self._can_read:
            self.refresh_bindings()

    def action_history_back(self) -> None:
        """Back through the history (first closing the palette's keys panel)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
            return
        self.go_back()

    def action_history_forward(self) -> None:
        """Forward through the history."""
        self.go_forward()

    def action_search(self) -> None:
        """Search everything; the chosen hit opens.  The search screen is made
        once and kept (installed): ``/`` again shows the query, results and
        cursor as they were left."""
        from casefiles.tui.screens.search import SearchScreen

        def chosen(hit: Hit | None) -> None:
            if hit is not None:
                self.open_hit(hit)

        self.ensure_index()
        if not self.is_screen_installed(SEARCH_SCREEN):
            screen = SearchScreen(self.search_index, error=self.index_error)
            screen.revision = self.store.version
            self.install_screen(screen, SEARCH_SCREEN)
        else:
            kept = self.get_screen(SEARCH_SCREEN)
            assert isinstance(kept, SearchScreen)
            screen = kept
            if screen in self.screen_stack:
                return
            screen.reopen(self.search_index, self.index_error, self.store.version)
        self.push_screen(screen, chosen)

    def action_read(self) -> None:
        """Read the selected source's article inside the app."""
        self.read_source()

    def read_source(
        self,
        source_id: str | None = None,
        *,
        quote: str | None = None,
        passage: str | int | None = None,
        matched: str | None = None,
    ) -> None:
        """Open the reader on ``source_id`` (default: the selected source) with the
        shown case's quotes and names, at ``quote`` or ``passage`` when given
        (``matched``: the words of the passage to mark)."""
        selected, case_id = self.source_to_read()
        source_id = source_id or selected
        if source_id is None:
            self.notify("No source to read here.")
            return
        from casefiles.tui.screens.reader import ReaderScreen

        quotes = facts.quotes_for(self.store, case_id, source_id)
        names = facts.names_of_case(self.store, case_id)
        self.push_screen(
            ReaderScreen(
                self.store, source_id, quotes, names, quote=quote, passage=passage, matched=matched
            )
        )

    def action_open_outside(self) -> None:
        """Open the selected source in a browser or pager."""
        source_id, _ = self.source_to_read()
        if source_id is None:
            self.notify("No source to open here.")
            return
        self.open_outside(source_id)

    def open_outside(self, source_id: str) -> None:
        """Open a source outside the app and say how it went: a program that
        needs the terminal runs now (the app suspended), any other in a thread."""
        source = self.store.get(model.SOURCES, source_id)
        if source is None:
            self.notify(f"No source {literal(source_id)!r} in this store.", markup=False)
            return
        from casefiles.tui.opener import plan_open, run_plan

        try:
            plan = plan_open(source, self.store.path.parent, self.config.opener)
        except Exception as exc:  # the opener's bug must not end the browser
            self.notify(
                f"cannot open: {type(exc).__name__}: {literal(str(exc))}",
                severity="error",
                markup=False,
            )
            return
        if not plan.ok:
            self.notify(
                literal(plan.refusal or "nothing to open"),
                title="not opened",
                severity="warning",
                markup=False,
            )
        elif plan.terminal:
            self.opened(run_plan(plan, suspend=self.suspend))
        else:
            self.notify(f"opening {literal(plan.target)} …", timeout=3, markup=False)
            self._open_in_thread(plan)

    @work(thread=True, group="opener", exit_on_error=False)
    def _open_in_thread(self, plan: OpenPlan) -> None:
        from casefiles.tui.opener import OpenResult, run_plan

        try:
            result = run_plan(plan)
        except Exception as exc:  # the opener's bug must not end the browser
            result = OpenResult("failed", f"{type(exc).__name__}: {literal(str(exc))}")
        self.call_from_thread(self.opened, result)

    def opened(self, result: OpenResult) -> None:
        """Show how opening outside went (success too: the user asked)."""
        if result.ok:
            self.notify(result.message, title="opened", timeout=4, markup=False)
        else:
            self.notify(
                result.message,
                title="not opened",
                severity="warning" if result.status in ("refused", "timeout") else "error",
                markup=False,
            )

    def action_copy(self) -> None:
        """Copy a one-line citation of the selection (OSC 52 clipboard)."""
        selection = self.selection()
        if selection is None:
            self.notify("Nothing selected to copy.")
            return
        from casefiles.citation import citation

        self.copy_text(citation(self.store, selection))

    def copy_text(self, text: str) -> None:
        """Put ``text`` on the clipboard (OSC 52) and show what was copied."""
        self.copy_to_clipboard(text)
        self.notify(literal(text), title="copied", timeout=4, markup=False)

    def action_dossier(self) -> None:
        """Everything about the selected case in one scrollable text."""
        _, case_id = self._focus_row()
        if case_id is None or self.store.get(model.CASES, case_id) is None:
            self.notify("No case selected.")
            return
        from casefiles.dossier import dossier_text
        from casefiles.tui.screens.help import TextScreen, dossier_lines

        lines = dossier_text(self.store, case_id)
        self.push_screen(TextScreen("Dossier", dossier_lines(lines), id="dossier"))

    def action_command_palette(self) -> None:
        """The command palette (its providers may use the search index)."""
        self.ensure_index()
        super().action_command_palette()

    def action_timeline(self) -> None:
        """A drawn timeline of the case (main screen) or the person (party view)."""
        from casefiles.tui.screens.timeline import TimelineScreen

        screen = self.screen
        if isinstance(screen, party_screen()):
            timeline, why = screen.timeline()
            if timeline is None:
                self.notify(why, markup=False)
                return
            self.push_screen(TimelineScreen(timeline, subject="person"))
        elif isinstance(screen, MainScreen) and screen.case_id is not None:
            from casefiles.caseview import view_of
            from casefiles.timeline import timeline_of_case

            view = view_of(self.store, screen.case_id)
            if view is not None:
                self.push_screen(TimelineScreen(timeline_of_case(view), subject="case"))
        else:
            self.notify("No case or person to draw a timeline of here.")

    def action_help(self) -> None:
        """Keys and config."""
        from casefiles.tui.screens.help import HelpScreen, TextScreen

        if not isinstance(self.screen, TextScreen):
            self.push_screen(HelpScreen(self.config))


def matched_words(hit: Hit) -> str | None:
    """The words a search hit matched in its snippet (first to last span when they
    are close together, else the first), for the reader to mark."""
    if not hit.spans:
        return None
    start, end = hit.spans[0]
    for a, b in hit.spans[1:]:
        if a - end <= 40:
            end = max(end, b)
    return hit.text[start:end] or None


def run_app(store: Store, reload: Callable[[], Store] | None = None) -> int:
    """Run the browser on a loaded store; the exit code for the shell.  When the
    case file was rewritten in place under it (``CaseFilesApp.reopen``), the
    browser is opened again on ``reload()`` (the file as it is now, checked
    like any start; its ``StoreError`` is the caller's), else it exits 1."""
    while True:
        app = CaseFilesApp(store)
        result = app.run()
        if app.closing_message is not None:
            print(app.closing_message, file=sys.stderr)
        # Fold the change log into the canonical file in a detached child: quitting
        # stays instant, and the next start reads a checkpoint instead of replaying.
        store.checkpoint_in_background()
        if not app.reopen or reload is None:
            return int(result or 0) if app.return_code in (None, 0) else int(app.return_code or 1)
        print("casefiles: opening it again as it is now …", file=sys.stderr)
        store = reload()


__all__ = ["CaseFilesApp", "Location", "run_app"]
