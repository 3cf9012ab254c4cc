"""The article reader (``o``): a source's stored text inside the app, with the
case's cited quotes and party names highlighted, opened at the first quote, at
a given quote (``enter`` on a cite) or at a given passage (a search hit in the
article text, drawn apart).

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

A passage becomes a cite: ``v`` starts a selection (the passage or current
quote when one is on screen, else the first word of the top line), the
arrows extend it (up/down by a wrapped line, left/right by a word), and ``c``
posts ``CitePassage(source_id, quote)`` with the selected text (whitespace
runs as one space): the app opens the cite form on the current fact.
Without a selection ``c`` cites the current quote.  ``v`` again or ``esc``
drops the selection.
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
from textual.widgets import Static
from textual.worker import get_current_worker

from casefiles import model
from casefiles.article import (
    Article,
    find_passage,
    passage_text,
    prepare_article,
    source_summary,
    word_end,
    word_start,
)
from casefiles.store import Store
from casefiles.textsafe import literal
from casefiles.tui.bindings import bind
from casefiles.tui.keys import default_keys, short_key
from casefiles.tui.messages import CitePassage, CopyText, OpenSource
from casefiles.tui.widgets.article import ArticleView
from casefiles.tui.widgets.keybar import KeyBar


class ReaderScreen(Screen[None]):
    """A source's stored article with quotes and names highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.reader_close", "close"),
        bind("casefiles.next_quote", "next_quote"),
        bind("casefiles.prev_quote", "previous_quote"),
        bind("casefiles.open", "open_outside", key_display="O"),
        bind("casefiles.copy", "copy_quote"),
        bind("casefiles.select_passage", "select_passage"),
        bind("casefiles.cite_passage", "cite_passage"),
    ]

    QUIET_APP_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"read", "dossier", "search", "history_back", "copy", "timeline", "cite_form"}
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

        def __init__(
            self, article: Article, keep_offset: int | None, passage: tuple[int, int] | None
        ) -> None:
            super().__init__()
            self.article = article
            self.keep_offset = keep_offset
            self.passage = passage

    def __init__(
        self,
        store: Store,
        source_id: str,
        quotes: Sequence[str] = (),
        names: Sequence[str] = (),
        *,
        quote: str | None = None,
        passage: str | int | None = None,
        matched: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.source_id = source_id
        self.quotes = [q for q in quotes if isinstance(q, str) and q.strip()]
        self.names = [n for n in names if isinstance(n, str) and n.strip()]
        self.open_quote: int | None = None
        """The number (in ``quotes``) of the quote to open at, else ``None``."""
        if isinstance(quote, str) and quote.strip():
            key = " ".join(quote.split()).casefold()
            keys = [" ".join(q.split()).casefold() for q in self.quotes]
            if key not in keys:
                self.quotes.append(quote)
                keys.append(key)
            self.open_quote = keys.index(key)
        self.open_passage = passage
        """The passage to open at: a string found in the text, or an offset into
        the text shown (``None``: open at a quote)."""
        self.matched = matched
        """Within a string passage, the words to mark (a search hit's matched words
        in its snippet); the whole passage when they are not found in it."""
        self.passage_missing = False
        """Whether the passage to open at was not found in the text."""
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
        yield KeyBar()

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.focus()
        self.call_after_refresh(lambda: self._load(view.text_width, None, None))

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def _load(self, width: int, keep_offset: int | None, base: Article | None) -> None:
        """Read and prepare the article (``base`` is None), or re-wrap ``base``."""
        worker = get_current_worker()
        passage: tuple[int, int] | None = None
        if base is None:
            article = prepare_article(self.store, self.source_id, self.quotes, self.names, width)
            passage = self._find_passage(article)
        else:
            article = base.wrapped(width)
        if not worker.is_cancelled:
            self.post_message(self.Loaded(article, keep_offset, passage))

    def _find_passage(self, article: Article) -> tuple[int, int] | None:
        """Where the passage to open at is in the prepared text (a string: the
        matched span; an offset: the word there)."""
        wanted = self.open_passage
        if wanted is None or not article.stored:
            return None
        text = article.text
        if isinstance(wanted, int):
            if not 0 <= wanted < len(text):
                self.passage_missing = True
                return None
            start = word_start(text, wanted)
            return start, word_end(text, start)
        span = find_passage(text, wanted)
        self.passage_missing = span is None
        if span is not None and self.matched:
            inner = find_passage(text[span[0] : span[1]], self.matched)
            if inner is not None:
                span = span[0] + inner[0], span[0] + inner[1]
        return span

    def on_reader_screen_loaded(self, message: Loaded) -> None:
        view = self.query_one(ArticleView)
        first = view.article is None
        view.show(message.article, message.keep_offset)
        if first and message.passage is not None:
            view.passage = message.passage
        self._update_status()
        self.refresh_bindings()
        if first and (message.passage is not None or message.article.marks.quotes):
            # after the new virtual size has been laid out, so the scroll is not clamped
            self.call_after_refresh(self._open_at_start)
        else:
            self.loaded = True

    def _open_at_start(self) -> None:
        """Show the passage asked for, else the quote asked for, else the first quote."""
        view = self.query_one(ArticleView)
        article = view.article
        assert article is not None
        if view.passage is not None:
            view.scroll_to(
                y=max(0, view.row_of(view.passage[0]) - 2), animate=False, immediate=True
            )
            self._update_status()
        else:
            numbers = [number for _, _, number in article.marks.quotes]
            self._goto(numbers.index(self.open_quote) if self.open_quote in numbers else 0)
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
        """Back to the browser (first dropping a selection being made)."""
        view = self.query_one(ArticleView)
        if view.selection is not None:
            view.selection = None
            return
        self.workers.cancel_group(self, "reader")
        self.dismiss(None)

    # -- a passage becomes a cite

    def _start_span(self) -> tuple[int, int] | None:
        """Where ``v`` starts: the passage or current quote when on screen, else
        the first word of the top line."""
        view = self.query_one(ArticleView)
        article = view.article
        if article is None or not article.stored or not article.text.strip():
            return None
        top, bottom = view.visible_span()
        candidates = [view.passage]
        if view.current is not None and article.marks.quotes:
            start, end, _ = article.marks.quotes[view.current]
            candidates.append((start, end))
        for span in candidates:
            if span is not None and span[0] < bottom and span[1] > top:
                return span
        start = word_start(article.text, top)
        if start >= len(article.text):
            start = word_start(article.text, 0)
        return start, word_end(article.text, start)

    def action_select_passage(self) -> None:
        """Start a selection (``v``), or drop the one being made."""
        view = self.query_one(ArticleView)
        if view.selection is not None:
            view.selection = None
            return
        span = self._start_span()
        if span is None:
            self.notify("There is no article text here to select from.", timeout=3)
            return
        view.selection = span

    def selected_text(self) -> str | None:
        """The selection as it will be cited (whitespace runs as one space)."""
        view = self.query_one(ArticleView)
        if view.article is None or view.selection is None:
            return None
        start, end = view.selection
        return passage_text(view.article.text, start, end) or None

    def action_cite_passage(self) -> None:
        """Cite the selection (else the current quote) on the current fact (``c``)."""
        view = self.query_one(ArticleView)
        quote = self.selected_text()
        if quote is None and view.selection is None:
            quote = self.current_quote()
        if quote is None:
            self.notify("Select a passage first: v, then the arrows.", timeout=4)
            return
        view.selection = None
        self.post_message(CitePassage(self.source_id, quote))

    @on(ArticleView.SelectionChanged)
    def _selection_changed(self, event: ArticleView.SelectionChanged) -> None:
        self._update_status()

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
        """``n``/``N`` and ``y`` only show when the article has quotes to go to,
        ``v`` and ``c`` when there is article text."""
        if action in ("select_passage", "cite_passage"):
            article = self.query_one(ArticleView).article if self.is_mounted else None
            return article is not None and article.stored
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
        selected = self.selected_text()
        if selected is not None:
            words = len(selected.split())
            cite, drop = (
                self._key_of("casefiles.cite_passage"),
                self._key_of("casefiles.reader_close"),
            )
            return (
                f"selected {words} word{'s' if words != 1 else ''} · arrows extend · "
                f"{cite} cite · {drop} drop",
                False,
            )
        if self.passage_missing:
            parts.append("the passage searched for was not found in the text")
            warn = True
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

    def _key_of(self, binding_id: str) -> str:
        """The first key bound to ``binding_id`` now (a config file may remap it)."""
        for key, active in self.app.active_bindings.items():
            if active.binding.id == binding_id:
                return short_key(key)
        return short_key(default_keys(binding_id))

    def _update_status(self) -> None:
        text, warn = self.status_text()
        status = self.query_one("#reader-status", Static)
        status.update(Text(text, no_wrap=True, overflow="ellipsis"))
        status.set_class(warn, "warn")


__all__ = ["ArticleView", "ReaderScreen"]
