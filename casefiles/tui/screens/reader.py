"""The article reader (``o``): a source's stored text inside the app, with the
case's cited quotes and party names highlighted, opened at the first quote.

Article files are untrusted and may be large: the text is shown literally
(control characters and escape sequences become visible ``\\xNN`` escapes, no
markup is parsed), wrapped to the view's width, and drawn by ``ArticleView``
(a line view: only the visible rows are drawn).  Reading, matching and
wrapping are ``casefiles.article`` (the core, also behind quote
verification) and run in a thread worker, so even a 10 MB file never freezes
the screen.  A quote that is not found is reported as such.

Keys: ``n``/``N`` next/previous quote, ``j``/``k``/arrows/page keys scroll,
``g``/``G`` top/bottom, ``y`` copy the current quote with its citation,
``O`` open the source outside, ``esc``/``q`` close.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from casefiles import model
from casefiles.article import Article, prepare_article, source_summary
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui.bindings import bind
from casefiles.tui.messages import CopyText, OpenSource
from casefiles.tui.widgets.article import ArticleView


class ReaderScreen(Screen[None]):
    """A source's stored article with quotes and names highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.reader_close", "close"),
        bind("casefiles.next_quote", "next_quote"),
        bind("casefiles.prev_quote", "previous_quote"),
        bind("casefiles.open", "open_outside", key_display="O"),
        bind("casefiles.copy", "copy_quote"),
    ]

    QUIET_APP_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"read", "dossier", "search", "history_back", "copy", "timeline"}
    )
    """App keys that do nothing useful here, left out of the footer."""

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
            article = base.wrapped(width)
        if not worker.is_cancelled:
            self.post_message(self.Loaded(article, keep_offset))

    def on_reader_screen_loaded(self, message: Loaded) -> None:
        view = self.query_one(ArticleView)
        first = view.article is None
        view.show(message.article, message.keep_offset)
        self._update_status()
        self.refresh_bindings()
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
        """Open the source's URL or file outside the app (``O``; the app says how it went)."""
        if self.source is None:
            self.notify("No such source in the store.", severity="warning")
            return
        self.post_message(OpenSource(self.source_id))

    def current_quote(self) -> str | None:
        """The cited quote under the highlight (``n``/``N`` move it), if any."""
        view = self.query_one(ArticleView)
        article = view.article
        if article is None or view.current is None or not article.marks.quotes:
            return None
        number = article.marks.quotes[view.current][2]
        return self.quotes[number] if 0 <= number < len(self.quotes) else None

    def action_copy_quote(self) -> None:
        """Copy the current quote with its source's citation (``y``)."""
        quote = self.current_quote()
        if quote is None:
            self.notify("No cited quote found in this article to copy.", timeout=3)
            return
        from casefiles.citation import quote_citation

        self.post_message(CopyText(quote_citation(self.store, self.source_id, quote)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n``/``N`` and ``y`` only show when the article has quotes to go to."""
        if action in ("next_quote", "previous_quote", "copy_quote"):
            article = self.query_one(ArticleView).article if self.is_mounted else None
            return article is not None and bool(article.marks.quotes)
        return True

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
