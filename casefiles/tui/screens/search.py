"""The search screen (``/``): one input, ranked hits across cases, parties,
courts, sources and article text, updated on every key press.

The search runs in a thread worker (``exclusive``: a new key press cancels the
run before it, and the index stops early through its ``cancelled`` callback),
so typing never waits for a search.  Results live in ``ResultList``, a line-API
widget that renders only the visible rows.  Each row shows the hit's kind, its
title, the field that matched and the matched characters highlighted; text
from data is made literal first (no markup, no control characters).

``enter`` dismisses the screen with the chosen ``Hit`` (the app then shows it
in the panes); ``esc`` dismisses it with ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from casefiles.textsafe import literal
from casefiles.tui.bindings import bind
from casefiles.tui.messages import IndexFailed, IndexReady
from casefiles.tui.widgets.results import ResultList, highlight, snippet_window

if TYPE_CHECKING:
    from casefiles.search import Hit, SearchIndex, SearchResult  # noqa: F401 (a quoted base)

LIMIT: Final = 200
"""Hits asked of the index per query (the list scrolls through them)."""


HINT: Final = (
    "Type to search cases, parties, courts, sources and article text.  "
    "Terms: 'exact ^prefix suffix$ !not a | b   "
    "Fields: party: role: court: level: charge: status: year: kind:"
)


def count_line(result: SearchResult, limit: int) -> str:
    """How many hits, promising no more than the list can show: with fewer than
    ``limit`` hits every hit is in the list, so only those are counted; at the
    limit the index's total follows, with "about" when it is an estimate."""
    n = len(result.hits)
    if n < limit:
        return f"{n:,} hit{'' if n == 1 else 's'}"
    return result.count_text()


class SearchInput(Input):
    """The query box.  It claims ``ctrl+n``/``ctrl+p`` so the app's command-palette
    key does not fire while searching, and moves the result cursor with them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_open", "screen.choose"),
        bind("casefiles.search_next", "screen.move(1)"),
        bind("casefiles.search_prev", "screen.move(-1)"),
        bind("casefiles.search_page_down", "screen.page(1)"),
        bind("casefiles.search_page_up", "screen.page(-1)"),
    ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key in ("ctrl+n", "ctrl+p") or super().check_consume_key(key, character)


class SearchScreen(Screen["Hit | None"]):
    """Search everything; dismiss with the chosen hit (or ``None``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_close", "close"),
        bind("casefiles.search_open", "choose", show=False),
        bind("casefiles.search_next", "move(1)", show=False),
        bind("casefiles.search_prev", "move(-1)", show=False),
    ]

    DEFAULT_CSS = """
    SearchScreen { layout: vertical; }
    SearchScreen #search-input { margin: 0 0; border: tall $accent; }
    SearchScreen #search-status { height: 1; padding: 0 1; color: $text-muted; }
    SearchScreen #search-status.error { color: $text-error; text-style: bold; }
    """

    QUIET_APP_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "search",
            "read",
            "open_outside",
            "copy",
            "dossier",
            "help",
            "quit",
            "command_palette",
            "timeline",
        }
    )
    """App keys the query box takes as text (or claims), left out of the footer."""

    class Results(Message):
        """A search finished (posted from the worker thread)."""

        def __init__(self, result: SearchResult, seconds: float) -> None:
            super().__init__()
            self.result = result
            self.seconds = seconds

    def __init__(
        self, index: SearchIndex | None = None, query: str = "", *, error: str | None = None
    ) -> None:
        super().__init__()
        self.index = index
        """The index searched (``None`` until the app posts ``IndexReady``)."""
        self.error = error
        """Why there is no index (the app's ``IndexFailed``), else ``None``."""
        self.initial_query = query
        self.shown_query: str | None = None
        """The query whose results are on screen (tests wait for it)."""
        self.last_seconds = 0.0
        """How long the last search took in its worker (for the benchmark)."""

    def compose(self) -> ComposeResult:
        yield SearchInput(
            value=self.initial_query,
            placeholder="search cases, parties, courts, sources, articles…",
            id="search-input",
            select_on_focus=False,
        )
        yield Static(HINT, id="search-status", markup=False)
        yield ResultList(id="search-results")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(SearchInput).focus()
        if self.error is not None:
            self._show_failure(self.error)
        elif self.index is None:
            self._set_status("indexing… (results appear when the index is ready)")
        elif self.initial_query:
            self.start_search(self.initial_query)

    def on_index_ready(self, message: IndexReady) -> None:
        """The app finished the index: search for what was typed meanwhile."""
        message.stop()
        if self.index is None:
            self.index = message.index
            self.start_search(self.query_one(SearchInput).value)

    def on_index_failed(self, message: IndexFailed) -> None:
        """The app could not build the index: say so instead of "indexing…"."""
        message.stop()
        if self.index is None:
            self._show_failure(message.error)

    def _show_failure(self, error: str) -> None:
        self.error = error
        self._set_status(f"search is unavailable: {literal(error)}", error=True)

    @property
    def results(self) -> ResultList:
        """The result list widget."""
        return self.query_one(ResultList)

    def _set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.update(Text(text, no_wrap=True, overflow="ellipsis"))
        status.set_class(error, "error")

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self.start_search(event.value)

    def start_search(self, query: str) -> None:
        """Search for ``query`` off the UI thread (cancelling any run before)."""
        if self.index is None:
            if self.error is None:
                self._set_status("indexing… (results appear when the index is ready)")
            return
        if not query.strip():
            self.workers.cancel_group(self, "search")
            self.results.set_hits([])
            self.shown_query = query
            self._set_status(HINT)
            return
        self._search(self.index, query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, index: SearchIndex, query: str) -> None:
        worker = get_current_worker()
        cancelled: Callable[[], bool] = lambda: worker.is_cancelled  # noqa: E731
        started = perf_counter()
        result = index.search(query, limit=LIMIT, cancelled=cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Results(result, perf_counter() - started))

    def on_search_screen_results(self, message: Results) -> None:
        result = message.result
        if result.query != self.query_one(SearchInput).value:
            return  # a stale run that finished before it noticed the cancel
        self.shown_query = result.query
        self.results.set_hits(list(result.hits))
        if result.error:
            self._set_status(f"query error: {literal(result.error)}", error=True)
            return
        self.last_seconds = message.seconds
        parts = [count_line(result, LIMIT), *(literal(note) for note in result.notes)]
        self._set_status(" · ".join(parts))

    def action_move(self, delta: int) -> None:
        """Move the result cursor."""
        self.results.move(delta)

    def action_page(self, direction: int) -> None:
        """Move the result cursor by a page."""
        self.results.page_by(direction)

    def action_choose(self) -> None:
        """Dismiss with the hit under the cursor."""
        hit = self.results.current
        if hit is not None:
            self.dismiss(hit)
        else:
            self.app.bell()

    def action_close(self) -> None:
        """Dismiss without a hit."""
        self.workers.cancel_group(self, "search")
        self.dismiss(None)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(ResultList.Chosen)
    def _clicked(self, event: ResultList.Chosen) -> None:
        self.action_choose()

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "search")


__all__ = [
    "HINT",
    "ResultList",
    "SearchInput",
    "SearchScreen",
    "count_line",
    "highlight",
    "snippet_window",
]
