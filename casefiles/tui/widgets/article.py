"""``ArticleView``: an article's wrapped text, a kind of ``LineView`` without
a cursor, with cited quotes and party names styled.  Text, marks and rows
come from ``casefiles.article`` (the core); this draws them."""

from __future__ import annotations

from bisect import bisect_left
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from casefiles.article import Article
from casefiles.tui.bindings import bind
from casefiles.tui.widgets.lineview import LineView


class ArticleView(LineView):
    """The article text, wrapped to the width, a kind of ``LineView`` without a
    cursor: the keys scroll it, and the current quote is drawn apart."""

    CURSOR: ClassVar[bool] = False

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
    ArticleView { height: 1fr; overflow-y: auto; scrollbar-gutter: stable; }
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
        self._current: int | None = None
        self._name_starts: list[int] = []
        self._quote_starts: list[int] = []
        self._longest = 0

    @property
    def current(self) -> int | None:
        """The quote (index into ``article.marks.quotes``) drawn as current."""
        return self._current

    @current.setter
    def current(self, index: int | None) -> None:
        if index != self._current:
            self._current = index
            self.invalidate()

    def row_count(self) -> int:
        """Wrapped rows of the article."""
        return len(self.article.starts) if self.article is not None else 0

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
        self.invalidate()
        self.virtual_size = Size(article.width, len(article.starts))
        if keep_offset is not None:
            self.scroll_to(y=self.row_of(keep_offset), animate=False, immediate=True)
        self.refresh()

    def row_of(self, offset: int) -> int:
        """The row that shows text offset ``offset``."""
        return self.article.row_of(offset) if self.article is not None else 0

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

    def draw_blank(self, y: int, width: int) -> Strip:
        """Below the text: blank."""
        return Strip.blank(width, Style())

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """Row ``index`` of the wrapped text with its names and quotes styled."""
        row = index
        base = Style()
        article = self.article
        assert article is not None
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


__all__ = ["ArticleView"]
