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

from collections.abc import Callable, Sequence
from time import perf_counter
from typing import TYPE_CHECKING, ClassVar, Final

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from casefiles.textsafe import clip, literal
from casefiles.tui.bindings import bind

if TYPE_CHECKING:
    from casefiles.search import Hit, SearchIndex, SearchResult

LIMIT: Final = 200
"""Hits asked of the index per query (the list scrolls through them)."""

INDEX_POLL_SECONDS: Final = 0.2
"""How often the screen checks whether the app has finished building the index."""

KIND_WIDTH: Final = 8
FIELD_WIDTH: Final = 12
STRIP_CACHE_ROWS: Final = 200

HINT: Final = (
    "Type to search cases, parties, courts, sources and article text.  "
    "Terms: 'exact ^prefix suffix$ !not a | b   "
    "Fields: party: role: court: level: charge: status: year: kind:"
)

_FLATTEN: Final = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})


def highlight(
    text: str,
    spans: Sequence[tuple[int, int]],
    match_style: Style | str,
    start: int = 0,
    end: int | None = None,
    base_style: Style | str = "",
) -> Text:
    """``text[start:end]`` as a ``Text`` with ``spans`` (offsets into ``text``) styled.

    Each piece is made literal separately (control characters become visible
    escapes), so the styled pieces stay on the characters that matched even
    when escaping changes lengths.  No markup is ever parsed.
    """
    stop = len(text) if end is None else min(end, len(text))
    out = Text(style=base_style, no_wrap=True, end="")
    pos = start
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, stop)
        if a >= b:
            continue
        if a > pos:
            out.append(literal(text[pos:a].translate(_FLATTEN)))
        out.append(literal(text[a:b].translate(_FLATTEN)), match_style)
        pos = b
    if pos < stop:
        out.append(literal(text[pos:stop].translate(_FLATTEN)))
    return out


def snippet_window(text: str, spans: Sequence[tuple[int, int]], width: int) -> tuple[int, int]:
    """The part of ``text`` (start, end) to show in ``width`` characters: it starts a
    little before the first match, at a word boundary when there is one near."""
    if len(text) <= width or not spans:
        return 0, min(len(text), width)
    first = min(a for a, _ in spans)
    start = min(max(0, first - max(8, width // 4)), max(0, len(text) - width + 1))
    if start > 0 and text[start - 1] != " ":
        space = text.find(" ", start, first)
        if space >= 0:
            start = space + 1
    return start, min(len(text), start + width)


class ResultList(ScrollView, can_focus=False):
    """The hits, one row each, rendered through the line API (only visible rows)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--cursor",
        "results--match",
        "results--kind",
        "results--field",
        "results--title",
    }

    DEFAULT_CSS = """
    ResultList {
        height: 1fr;
        overflow-x: hidden;
    }
    ResultList > .results--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; }
    ResultList > .results--match { color: $text-warning; text-style: bold underline; }
    ResultList > .results--kind { color: $text-accent; }
    ResultList > .results--field { color: $text-muted; }
    ResultList > .results--title { text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Chosen(Message):
        """A row was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self._strips: dict[tuple[int, int, bool, str], Strip] = {}
        self._styles: dict[str, Style] = {}

    def set_hits(self, hits: list[Hit]) -> None:
        """Show a new list of hits, cursor on the first."""
        self.hits = hits
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(hits))
        self.cursor = 0
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    @property
    def current(self) -> Hit | None:
        """The hit under the cursor."""
        if 0 <= self.cursor < len(self.hits):
            return self.hits[self.cursor]
        return None

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.hits) - 1)) if self.hits else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_y(new)
        self.refresh()  # rows other than old and new come from the strip cache

    def scroll_to_region_y(self, row: int) -> None:
        """Keep ``row`` on screen."""
        height = self.scrollable_content_region.height or self.size.height
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.cursor = self.cursor + delta

    def page(self, direction: int) -> None:
        """Move the cursor by a screenful."""
        self.move(direction * max(1, self.scrollable_content_region.height - 1))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.hits))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self.hits):
            self.cursor = row
            self.post_message(self.Chosen(row))

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width or self.size.width
        if not 0 <= row < len(self.hits):
            return Strip.blank(width)
        key = (row, width, row == self.cursor, self.app.theme)
        strip = self._strips.get(key)
        if strip is None:
            text = self.row_text(self.hits[row], width, row == self.cursor)
            strip = Strip(list(text.render(self.app.console)), text.cell_len)
            strip = strip.crop_extend(0, width, None)
            if len(self._strips) > 4 * STRIP_CACHE_ROWS:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def row_text(self, hit: Hit, width: int, is_cursor: bool) -> Text:
        """One row: ``▶ kind    title · snippet                    field``."""
        match = self._style("results--match")
        row = Text(no_wrap=True, end="")
        row.append("▶ " if is_cursor else "  ")
        row.append(f"{hit.kind:<{KIND_WIDTH}}"[:KIND_WIDTH] + " ", self._style("results--kind"))
        field = clip(literal(hit.field), FIELD_WIDTH)
        body_width = max(10, width - 2 - KIND_WIDTH - 1 - FIELD_WIDTH - 2)
        text = hit.text or ""
        title = literal(str(hit.title).translate(_FLATTEN))
        title_style = self._style("results--title")
        if text.translate(_FLATTEN).strip() == str(hit.title).translate(_FLATTEN).strip():
            a, b = snippet_window(text, hit.spans, body_width - 1)
            body = Text("…" if a > 0 else "", style=title_style, no_wrap=True, end="")
            body.append_text(highlight(text, hit.spans, match, a, b, title_style))
            if b < len(text):
                body.append("…")
        else:
            title_part = clip(title, max(8, min(len(title), body_width * 2 // 5)))
            body = Text(title_part, style=title_style, no_wrap=True, end="")
            body.append(" · ")
            room = max(4, body_width - body.cell_len)
            a, b = snippet_window(text, hit.spans, room - 2)
            if a > 0:
                body.append("…")
            body.append_text(highlight(text, hit.spans, match, a, b))
            if b < len(text):
                body.append("…")
        body.truncate(body_width, overflow="ellipsis", pad=True)
        row.append_text(body)
        row.append("  ")
        row.append(f"{field:>{FIELD_WIDTH}}", self._style("results--field"))
        if is_cursor:
            row.stylize(self._style("results--cursor"))
        return row


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

    class Results(Message):
        """A search finished (posted from the worker thread)."""

        def __init__(self, result: SearchResult, seconds: float) -> None:
            super().__init__()
            self.result = result
            self.seconds = seconds

    def __init__(self, index: SearchIndex | None = None, query: str = "") -> None:
        super().__init__()
        self.index = index
        self.initial_query = query
        self._poll: Timer | None = None
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
        if self.index is None:
            self.index = getattr(self.app, "search_index", None)
        if self.index is None:
            self._set_status("indexing… (results appear when the index is ready)")
            self._poll = self.set_interval(INDEX_POLL_SECONDS, self._check_index)
        elif self.initial_query:
            self.start_search(self.initial_query)

    def _check_index(self) -> None:
        index = getattr(self.app, "search_index", None)
        if index is None:
            failed = getattr(self.app, "index_error", None)
            if failed:
                self._set_status(f"search is unavailable: {literal(str(failed))}", error=True)
            return
        self.index = index
        if self._poll is not None:
            self._poll.stop()
            self._poll = None
        self.start_search(self.query_one(SearchInput).value)

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
        n = len(result.hits)
        total = max(result.total, n)
        more = f" of {total:,}" if total > n else ""
        self.last_seconds = message.seconds
        self._set_status(f"{n:,}{more} hit{'s' if total != 1 else ''}")

    def action_move(self, delta: int) -> None:
        """Move the result cursor."""
        self.results.move(delta)

    def action_page(self, direction: int) -> None:
        """Move the result cursor by a page."""
        self.results.page(direction)

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


__all__ = ["HINT", "ResultList", "SearchInput", "SearchScreen", "highlight", "snippet_window"]
