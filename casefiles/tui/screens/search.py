"""The search screen (``/``): one input, ranked hits across cases, parties,
courts, sources and article text, updated on every key press.

The search runs in a thread worker (``exclusive``: a new key press cancels the
run before it, and the index stops early through its ``cancelled`` callback),
so typing never waits for a search.  Results live in ``ResultList``, a line-API
widget that renders only the visible rows.  Each row shows the hit's kind, its
title, the field that matched and the matched characters highlighted; text
from data is made literal first (no markup, no control characters).

``enter`` dismisses the screen with the chosen ``Hit`` (the app then shows it
in the panes); ``esc`` dismisses it with ``None``.  The app keeps the screen,
so ``/`` later shows the same query, results and cursor.

It remembers: a query that was used (a hit opened, or the screen closed on
it) goes to the query history (``casefiles.tui.recall``, kept across runs).
``up`` on the first result (or with none) brings back the query before,
``down`` the one after (past the newest: what was typed, or, when nothing
was, the results of the recalled query); ``ctrl+r`` starts a reverse
search as a shell's: the newest earlier query containing what is typed,
``ctrl+r`` again an older one, characters typed meanwhile refine what is
searched for (``refine_reverse``), ``esc`` ends it with the query found.
Otherwise typing (or deleting) leaves the history and edits the query.

Results come a page (``LIMIT``) at a time: when the cursor comes within a
screenful of the last hit and more match, the query runs again for one more
page, the cursor staying where it is; the status line counts "200 of 1,234".
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING, ClassVar, Final

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from casefiles.textsafe import literal
from casefiles.tui.bindings import bind
from casefiles.tui.messages import IndexFailed, IndexReady
from casefiles.tui.recall import QueryHistory
from casefiles.tui.widgets.results import ResultList, highlight, snippet_window

if TYPE_CHECKING:
    from casefiles.search import Hit, SearchIndex, SearchResult  # noqa: F401 (a quoted base)

LIMIT: Final = 200
"""Hits asked of the index per page (the list asks for the next page as the
cursor nears the end)."""


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
    key does not fire while searching, and moves the result cursor with them;
    ``ctrl+r`` recalls earlier queries (not the app's redo)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_open", "screen.choose"),
        bind("casefiles.search_next", "screen.down"),
        bind("casefiles.search_prev", "screen.up"),
        bind("casefiles.search_page_down", "screen.page(1)"),
        bind("casefiles.search_page_up", "screen.page(-1)"),
        bind("casefiles.search_recall", "screen.recall"),
    ]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key in ("ctrl+n", "ctrl+p") or super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        # In a reverse search (ctrl+r) a typed character refines what is searched
        # for, as in a shell, instead of editing the recalled query.
        screen = self.screen
        if (
            event.is_printable
            and event.character is not None
            and isinstance(screen, SearchScreen)
            and screen.refine_reverse(event.character)
        ):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)


class SearchScreen(Screen["Hit | None"]):
    """Search everything; dismiss with the chosen hit (or ``None``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.search_close", "close"),
        bind("casefiles.search_open", "choose", show=False),
        bind("casefiles.search_next", "down", show=False),
        bind("casefiles.search_prev", "up", show=False),
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
        self,
        index: SearchIndex | None = None,
        query: str = "",
        *,
        error: str | None = None,
        recall: QueryHistory | None = None,
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
        self._recall = recall
        self.result: SearchResult | None = None
        """The result on screen (its hits may be several pages)."""
        self.limit = LIMIT
        """How many hits the query on screen was asked for (grows a page at a time)."""
        self._loading_more = False
        self._keep_hit: tuple[str, str] | None = None
        self._exhausted = False
        self._save_failed = False
        self._recall_at: int | None = None
        self._draft = ""
        self._recalled: str | None = None
        self._pattern: str | None = None
        self.revision: object = None
        """The store version the results were made from (set by the app)."""

    @property
    def recall(self) -> QueryHistory:
        """The query history (read from the user data folder on first use)."""
        if self._recall is None:
            self._recall = QueryHistory.load()  # its problem is shown on mount
        return self._recall

    def compose(self) -> ComposeResult:
        yield SearchInput(
            value=self.initial_query,
            placeholder="search cases, parties, courts, sources, articles…  (↑ earlier queries)",
            id="search-input",
            select_on_focus=False,
        )
        yield Static(HINT, id="search-status", markup=False)
        yield ResultList(id="search-results")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(SearchInput).focus()
        problem = self.recall.problem
        if problem:
            self.notify(problem, title="search history", severity="warning", markup=False)
        if self.error is not None:
            self._show_failure(self.error)
        elif self.index is None:
            self._set_status("indexing… (results appear when the index is ready)")
        elif self.initial_query:
            self.start_search(self.initial_query)

    def reopen(self, index: SearchIndex | None, error: str | None, revision: object) -> None:
        """The app shows this screen again (``/``): the query, results and cursor
        stay as they were left; an index that arrived meanwhile is used, and a
        store changed since (``revision`` differs) or another index is searched
        again, the cursor kept on the same hit."""
        self._leave_recall()
        if self.index is None and index is not None:
            self.index = index
            self.error = None
            self.start_search(self.query_one(SearchInput).value)
        elif self.index is None and error is not None:
            self._show_failure(error)
        elif index is not None and index is not self.index:
            self.index = index  # the app's index now (rebuilt after a change)
            self._search_again()
        elif index is not None and revision != self.revision:
            self._search_again()
        # else: no index yet, or it is being built again; ``IndexReady`` follows
        self.revision = revision

    def _search_again(self) -> None:
        """The same query again (the store or the index changed), the cursor
        kept on the same hit."""
        if self.result is None:
            self.start_search(self.box.value)
            return
        hit = self.results.current
        self._keep_hit = (hit.kind, hit.id) if hit is not None else None
        self.start_search(self.box.value, self.limit, keep=True)

    def on_screen_resume(self) -> None:
        """Shown again: the query box has the keyboard."""
        if self.is_mounted:
            self.query_one(SearchInput).focus()

    def on_index_ready(self, message: IndexReady) -> None:
        """The app finished the index: search for what was typed meanwhile (or
        again, the cursor kept, with an index built again after a change)."""
        message.stop()
        if self.index is None:
            self.index = message.index
            self.start_search(self.query_one(SearchInput).value)
        elif message.index is not self.index:  # built again after a change
            self.index = message.index
            self._search_again()

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

    @property
    def box(self) -> SearchInput:
        """The query box."""
        return self.query_one(SearchInput)

    def _set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.update(Text(text, no_wrap=True, overflow="ellipsis"))
        status.set_class(error, "error")

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        if self._recalled is not None and event.value == self._recalled:
            self._recalled = None  # the recall's own change: stay in the history
        else:
            self._leave_recall()
        self.start_search(event.value)

    def start_search(self, query: str, limit: int = LIMIT, *, keep: bool = False) -> None:
        """Search for ``query`` off the UI thread (cancelling any run before);
        ``limit`` hits at most; ``keep``: the cursor stays (a next page, or the
        same query again)."""
        self._loading_more = keep
        self.limit = limit
        if self.index is None:
            if self.error is None:
                self._set_status("indexing… (results appear when the index is ready)")
            return
        if not query.strip():
            self.workers.cancel_group(self, "search")
            self.result = None
            self.results.set_hits([])
            self.shown_query = query
            self._set_status(self._with_recall(HINT))
            return
        self._search(self.index, query, limit)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, index: SearchIndex, query: str, limit: int = LIMIT) -> None:
        worker = get_current_worker()
        cancelled: Callable[[], bool] = lambda: worker.is_cancelled  # noqa: E731
        started = perf_counter()
        result = index.search(query, limit=limit, cancelled=cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Results(result, perf_counter() - started))

    def on_search_screen_results(self, message: Results) -> None:
        result = message.result
        if result.query != self.box.value:
            return  # a stale run that finished before it noticed the cancel
        keep, self._loading_more = self._loading_more, False
        self.shown_query = result.query
        before = len(self.results.hits)
        rerun = self._keep_hit is not None  # the same query again (the store changed)
        if keep:
            self.results.extend_hits(list(result.hits))
            wanted, self._keep_hit = self._keep_hit, None
            at = next(
                (i for i, h in enumerate(result.hits) if (h.kind, h.id) == wanted),
                None,
            )
            if at is not None:
                self.results.move_to(at, announce=False)
        else:
            self.results.set_hits(list(result.hits))
        self.result = result
        # a page that brought nothing new ends the paging (the index lists no more)
        self._exhausted = keep and not rerun and len(result.hits) <= before
        if result.error:
            self._set_status(f"query error: {literal(result.error)}", error=True)
            return
        self.last_seconds = message.seconds
        self._show_count()
        if keep:
            self._more_if_near_end()

    def _has_more(self) -> bool:
        """Whether another page may bring more hits: the last one was full and
        the index counts more than the list holds."""
        result = self.result
        return (
            result is not None
            and not result.error
            and not self._exhausted
            and result.more
            and len(result.hits) >= self.limit
        )

    def _show_count(self) -> None:
        result = self.result
        if result is None:
            return
        count = count_line(result, self.limit)
        if self._loading_more:
            count += " · loading more…"
        elif self._has_more():
            count += " · more below"
        parts = [count, *(literal(note) for note in result.notes)]
        self._set_status(self._with_recall(" · ".join(parts)))

    # -- pages

    def _more_if_near_end(self) -> None:
        """Ask for the next page when the cursor is within a screenful of the
        last hit and more hits match."""
        result = self.result
        results = self.results
        if result is None or self._loading_more or not self._has_more() or self.index is None:
            return
        if results.cursor + results.page < len(results.hits):
            return
        self._loading_more = True
        self.limit = len(result.hits) + LIMIT
        self._show_count()
        self._search(self.index, result.query, self.limit)

    @on(ResultList.Moved)
    def _moved(self, event: ResultList.Moved) -> None:
        self._more_if_near_end()

    # -- keys

    def action_move(self, delta: int) -> None:
        """Move the result cursor."""
        self.results.move(delta)

    def action_down(self) -> None:
        """In the query history: a later query (past the newest: what was
        typed, or, when nothing was, the recalled query stays and the cursor
        goes on into its results); else the next result."""
        if self._recall_at is not None:
            newer = self.recall.newer(self._recall_at)
            if newer is None and not self._draft.strip():
                self._leave_recall()
                if self.result is not None:
                    self._show_count()
                self.results.move(1)
                return
            self._show_recalled(newer)
        else:
            self.results.move(1)

    def action_up(self) -> None:
        """On the first result (or none): an earlier query; else the previous result."""
        if self._recall_at is not None or self.results.cursor == 0 or not self.results.hits:
            older = self.recall.older(self._recall_at)
            if self._recall_at is None:  # the query shown is not an earlier one again
                while older is not None and self.recall.queries[older] == self.box.value.strip():
                    older = self.recall.older(older)
            if older is None:
                self.app.bell()
                return
            if self._recall_at is None:
                self._draft = self.box.value
            self._pattern = None
            self._show_recalled(older)
        else:
            self.results.move(-1)

    def action_recall(self) -> None:
        """The newest earlier query containing the typed text; again: an older one."""
        if self._pattern is None:
            if self._recall_at is None:
                self._draft = self.box.value
            self._pattern = self.box.value if self._recall_at is None else self._draft
            before = None
        else:
            before = self._recall_at
        found = self.recall.search_back(self._pattern, before)
        if found is None:
            self.app.bell()
            what = f" containing {literal(self._pattern)!r}" if self._pattern.strip() else ""
            self.notify(f"No earlier query{what}.", timeout=3, markup=False)
            if self._recall_at is None:
                self._pattern = None  # nothing recalled: no reverse search under way
            return
        self._show_recalled(found)

    def refine_reverse(self, character: str) -> bool:
        """In a reverse search: ``character`` joins what is searched for and the
        newest earlier query containing it is shown (``True``: taken)."""
        if self._pattern is None or self._recall_at is None:
            return False
        pattern = self._pattern + character
        found = self.recall.search_back(pattern)
        self._pattern = pattern
        if found is None:
            self.app.bell()  # a failing search: the last match stays, as in a shell
            if self.result is not None:
                self._show_count()
            else:
                self._set_status(self._with_recall(HINT))
            return True
        self._show_recalled(found)
        return True

    def _show_recalled(self, position: int | None) -> None:
        """Put the query at ``position`` in the box (``None``: what was typed)."""
        box = self.box
        if position is None:
            text = self._draft
            self._leave_recall()
        else:
            self._recall_at = position
            text = self.recall.queries[position]
        if text != box.value:
            self._recalled = text if position is not None else None
            box.value = text
        box.cursor_position = len(text)
        self._show_count() if self.result is not None else self._set_status(self._with_recall(HINT))

    def _leave_recall(self) -> None:
        self._recall_at = None
        self._pattern = None
        self._recalled = None

    def _with_recall(self, status: str) -> str:
        """The status line, after where in the history the query came from."""
        at = self._recall_at
        if at is None:
            return status
        n = len(self.recall)
        if self._pattern is not None:
            found = self._pattern.casefold() in self.recall.queries[at].casefold()
            failing = "" if found else "failing "
            return (
                f"{failing}reverse search {literal(self._pattern)!r}: "
                f"earlier query {n - at} of {n} (ctrl+r older · type to refine · esc done)"
                f" · {status}"
            )
        return f"earlier query {n - at} of {n} (↑ older ↓ newer) · {status}"

    def action_page(self, direction: int) -> None:
        """Move the result cursor by a page."""
        self.results.page_by(direction)

    def _remember(self) -> None:
        """Keep the query in the history (and its file)."""
        query = self.box.value
        if self.result is not None and self.result.error:
            return
        if self.recall.add(query) and not self.recall.save() and not self._save_failed:
            self._save_failed = True  # said once a session; the queries stay in memory
            self.notify(
                self.recall.problem or "search history not saved",
                title="search history",
                severity="warning",
                markup=False,
            )

    def action_choose(self) -> None:
        """Dismiss with the hit under the cursor."""
        hit = self.results.current
        if hit is not None:
            self._remember()
            self._leave_recall()
            self.dismiss(hit)
        else:
            self.app.bell()

    def action_close(self) -> None:
        """Dismiss without a hit (in a reverse search: end it, the query found kept)."""
        if self._pattern is not None and self._recall_at is not None:
            self._pattern = None
            if self.result is not None:
                self._show_count()
            return
        self.workers.cancel_group(self, "search")
        if self._loading_more:
            self._loading_more = False
            self._show_count()
        self._remember()
        self._leave_recall()
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
