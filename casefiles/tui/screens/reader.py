"""The article reader (``o``): a source's stored text inside the app, with the
case's cited quotes and party names highlighted, opened at the first quote.

Article files are untrusted and may be large: the text is shown literally
(control characters and escape sequences become visible ``\\xNN`` escapes, no
markup is parsed), wrapped here to the view's width, and drawn through the
line API so only the visible rows are rendered.  Reading, matching and
wrapping run in a thread worker, so even a 10 MB file never freezes the screen.

Quotes rarely match the article byte for byte: matching ignores case,
collapses whitespace, and treats straight and curly quotes and the dash
family as equal.  A quote that is still not found is reported as such.

Keys: ``n``/``N`` next/previous quote, ``j``/``k``/arrows/page keys scroll,
``g``/``G`` top/bottom, ``O`` open the source outside, ``esc``/``q`` close.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from casefiles import model
from casefiles.article import Article, prepare_article, source_summary, wrap_rows
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui.bindings import bind

# ----------------------------------------------------------------- widgets


class ArticleView(ScrollView, can_focus=True):
    """The article text, wrapped to the width, rendered row by row (line API)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--quote",
        "article--current",
        "article--name",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # The browser's list ids, so a remapped cursor key works here too.
        bind("casefiles.down", "scroll_down", show=False),
        bind("casefiles.up", "scroll_up", show=False),
        bind("casefiles.top", "scroll_home", show=False),
        bind("casefiles.bottom", "scroll_end", show=False),
        bind("casefiles.reader_page_down", "page_down", show=False),
        bind("casefiles.reader_page_up", "page_up", show=False),
    ]

    DEFAULT_CSS = """
    ArticleView { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    ArticleView > .article--quote { background: $warning-muted; color: $foreground;
        text-style: underline; }
    ArticleView > .article--current { background: $warning; color: $background;
        text-style: bold; }
    ArticleView > .article--name { color: $text-accent; text-style: bold; }
    """

    class Resized(Message):
        """The text width changed; the rows must be wrapped again."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.current: int | None = None
        self._name_starts: list[int] = []
        self._quote_starts: list[int] = []
        self._longest = 0

    @property
    def text_width(self) -> int:
        """Cells available for text (one column of margin on each side)."""
        return max(1, (self.scrollable_content_region.width or self.size.width) - 2)

    def show(self, article: Article, keep_offset: int | None = None) -> None:
        """Display a prepared article; ``keep_offset`` keeps that text offset on top."""
        self.article = article
        self._name_starts = [a for a, _ in article.marks.names]
        self._quote_starts = [a for a, _, _ in article.marks.quotes]
        spans = [b - a for a, b in article.marks.names] + [
            b - a for a, b, _ in article.marks.quotes
        ]
        self._longest = max(spans, default=0)
        self.virtual_size = Size(article.width, len(article.starts))
        if keep_offset is not None:
            self.scroll_to(y=self.row_of(keep_offset), animate=False, immediate=True)
        self.refresh()

    def row_of(self, offset: int) -> int:
        """The row that shows text offset ``offset``."""
        if self.article is None or not self.article.starts:
            return 0
        return max(0, bisect_right(self.article.starts, offset) - 1)

    def top_offset(self) -> int:
        """Text offset of the first visible row."""
        if self.article is None or not self.article.starts:
            return 0
        row = min(int(self.scroll_y), len(self.article.starts) - 1)
        return self.article.starts[row]

    def on_resize(self, event: events.Resize) -> None:
        if self.article is not None and self.text_width != self.article.width:
            self.post_message(self.Resized(self.text_width))

    def _spans(self, starts: list[int], a: int, b: int) -> range:
        lo = bisect_left(starts, a - self._longest)
        hi = bisect_left(starts, b)
        return range(lo, hi)

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width or self.size.width
        base = Style()
        article = self.article
        if article is None or not 0 <= row < len(article.starts):
            return Strip.blank(width, base)
        a, b = article.starts[row], article.ends[row]
        line = Text(article.text[a:b], style=base, no_wrap=True, end="")
        name_style = self.get_component_rich_style("article--name", partial=True)
        quote_style = self.get_component_rich_style("article--quote", partial=True)
        current_style = self.get_component_rich_style("article--current", partial=True)
        for i in self._spans(self._name_starts, a, b):
            s, e = article.marks.names[i]
            if e > a:
                line.stylize(name_style, max(s, a) - a, min(e, b) - a)
        for i in self._spans(self._quote_starts, a, b):
            s, e, _ = article.marks.quotes[i]
            if e > a:
                style = current_style if i == self.current else quote_style
                line.stylize(style, max(s, a) - a, min(e, b) - a)
        strip = Strip(list(line.render(self.app.console)), line.cell_len)
        return (Strip.blank(1, base) + strip).crop_extend(0, width, base)


class ReaderScreen(Screen[None]):
    """A source's stored article with quotes and names highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.reader_close", "close"),
        bind("casefiles.next_quote", "next_quote"),
        bind("casefiles.prev_quote", "previous_quote"),
        bind("casefiles.open", "open_outside", key_display="O"),
    ]

    DEFAULT_CSS = """
    ReaderScreen { layout: vertical; }
    ReaderScreen #reader-head { height: auto; max-height: 4; padding: 0 1;
        background: $panel; }
    ReaderScreen #reader-status { height: 1; padding: 0 1; color: $text-muted; }
    ReaderScreen #reader-status.warn { color: $text-warning; }
    """

    class Loaded(Message):
        """The article was read, matched and wrapped (posted from the worker)."""

        def __init__(self, article: Article, keep_offset: int | None) -> None:
            super().__init__()
            self.article = article
            self.keep_offset = keep_offset

    def __init__(
        self,
        store: Store,
        source_id: str,
        quotes: Sequence[str] = (),
        names: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.store = store
        self.source_id = source_id
        self.quotes = [q for q in quotes if isinstance(q, str) and q.strip()]
        self.names = [n for n in names if isinstance(n, str) and n.strip()]
        self.source = store.get(model.SOURCES, source_id)
        self.loaded = False
        """Whether the article is on screen (tests wait for it)."""

    def compose(self) -> ComposeResult:
        head = Text(no_wrap=True, overflow="ellipsis", end="")
        lines = source_summary(self.source, self.source_id)
        head.append(lines[0], "bold")
        for line in lines[1:]:
            head.append("\n" + line)
        yield Static(head, id="reader-head", markup=False)
        yield ArticleView(id="reader-text")
        yield Static("loading…", id="reader-status", markup=False)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.focus()
        self.call_after_refresh(lambda: self._load(view.text_width, None, None))

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def _load(self, width: int, keep_offset: int | None, base: Article | None) -> None:
        """Read and prepare the article (``base`` is None), or re-wrap ``base``."""
        worker = get_current_worker()
        if base is None:
            article = prepare_article(self.store, self.source_id, self.quotes, self.names, width)
        else:
            article = Article(base.text, base.marks, base.stored, problem=base.problem)
            article.starts, article.ends = wrap_rows(article.text, width)
            article.width = width
        if not worker.is_cancelled:
            self.post_message(self.Loaded(article, keep_offset))

    def on_reader_screen_loaded(self, message: Loaded) -> None:
        view = self.query_one(ArticleView)
        first = view.article is None
        view.show(message.article, message.keep_offset)
        self._update_status()
        if first and message.article.marks.quotes:
            # after the new virtual size has been laid out, so the scroll is not clamped
            self.call_after_refresh(self._open_at_first_quote)
        else:
            self.loaded = True

    def _open_at_first_quote(self) -> None:
        self._goto(0)
        self.loaded = True

    @on(ArticleView.Resized)
    def _resized(self, event: ArticleView.Resized) -> None:
        view = self.query_one(ArticleView)
        self._load(event.width, view.top_offset(), view.article)

    def _goto(self, index: int) -> None:
        view = self.query_one(ArticleView)
        article = view.article
        if article is None or not article.marks.quotes:
            self._update_status()
            self.app.bell()
            return
        index %= len(article.marks.quotes)
        view.current = index
        start = article.marks.quotes[index][0]
        view.scroll_to(y=max(0, view.row_of(start) - 2), animate=False, immediate=True)
        view.refresh()
        self._update_status()

    def action_next_quote(self) -> None:
        """Jump to the next cited quote (wrapping around)."""
        view = self.query_one(ArticleView)
        self._goto(0 if view.current is None else view.current + 1)

    def action_previous_quote(self) -> None:
        """Jump to the previous cited quote (wrapping around)."""
        view = self.query_one(ArticleView)
        self._goto(-1 if view.current is None else view.current - 1)

    def action_close(self) -> None:
        """Back to the browser."""
        self.workers.cancel_group(self, "reader")
        self.dismiss(None)

    def action_open_outside(self) -> None:
        """Open the source's URL or file outside the app (``O``)."""
        from casefiles.tui.opener import open_external

        if self.source is None:
            self.notify("no such source", severity="warning")
            return
        message = open_external(self.app, self.source)
        if message:
            self.notify(Text(message).plain, severity="warning", markup=False)

    def status_text(self) -> tuple[str, bool]:
        """The status line: quote position, missing quotes, problems."""
        view = self.query_one(ArticleView)
        article = view.article
        if article is None:
            return "loading…", False
        parts: list[str] = []
        warn = False
        if not article.stored:
            parts.append(literal(article.problem or "no stored text"))
            warn = True
        elif article.marks.quotes:
            current = (view.current or 0) + 1
            parts.append(f"quote {current}/{len(article.marks.quotes)} (n/N)")
        elif not self.quotes:
            parts.append("no quotes cited from this source")
        for quote in article.marks.missing if article.stored else ():
            shown = literal(" ".join(quote.split()))
            if len(shown) > 40:
                shown = shown[:39] + "…"
            parts.append(f"quote not found in the article: “{shown}”")
            warn = True
        if article.stored:
            parts.append(f"{len(article.marks.names)} name mentions")
        return " · ".join(parts), warn

    def _update_status(self) -> None:
        text, warn = self.status_text()
        status = self.query_one("#reader-status", Static)
        status.update(Text(text, no_wrap=True, overflow="ellipsis"))
        status.set_class(warn, "warn")


__all__ = ["ArticleView", "ReaderScreen"]
