"""``ArticleView``: an article's wrapped text, a kind of ``LineView`` without
a cursor, with cited quotes and party names styled.  Text, marks and rows
come from ``casefiles.article`` (the core); this draws them.

Two more spans can be drawn: the *passage* the reader was opened at (a search
hit in the article text) and the *selection* being made into a cite.  While a
selection is made the movement keys extend it instead of scrolling: up and
down by a wrapped line, left and right by a word (``extend_line``,
``extend_word``); its start stays where it began."""

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

from casefiles.article import Article, previous_word_end, word_end
from casefiles.tui.bindings import bind
from casefiles.tui.widgets.lineview import LineView


class ArticleView(LineView):
    """The article text, wrapped to the width, a kind of ``LineView`` without a
    cursor: the keys scroll it, and the current quote is drawn apart."""

    DRAWN_BAR: ClassVar[bool] = False  # Textual's bar, in a gutter kept for it (CSS below)

    CURSOR: ClassVar[bool] = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--quote",
        "article--current",
        "article--name",
        "article--passage",
        "article--selection",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        # The browser's list ids, so a remapped cursor key works here too.
        bind("casefiles.down", "line_down", show=False),
        bind("casefiles.up", "line_up", show=False),
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
    ArticleView > .article--passage { background: $primary-muted; color: $foreground;
        text-style: bold; }
    ArticleView > .article--selection { background: $primary; color: $text;
        text-style: bold; }
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
        self._passage: tuple[int, int] | None = None
        self._selection: tuple[int, int] | None = None

    @property
    def current(self) -> int | None:
        """The quote (index into ``article.marks.quotes``) drawn as current."""
        return self._current

    @current.setter
    def current(self, index: int | None) -> None:
        if index != self._current:
            self._current = index
            self.invalidate()

    @property
    def passage(self) -> tuple[int, int] | None:
        """The passage drawn apart (offsets into the text), if any."""
        return self._passage

    @passage.setter
    def passage(self, span: tuple[int, int] | None) -> None:
        if span != self._passage:
            self._passage = span
            self.invalidate()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection being made (start, end offsets into the text), if any."""
        return self._selection

    @selection.setter
    def selection(self, span: tuple[int, int] | None) -> None:
        if span != self._selection:
            self._selection = span
            self.invalidate()
            self.post_message(self.SelectionChanged(span))

    class SelectionChanged(Message):
        """The selection started, moved or ended (``span`` ``None``)."""

        def __init__(self, span: tuple[int, int] | None) -> None:
            super().__init__()
            self.span = span

    def extend_word(self, step: int) -> None:
        """Move the selection's end one word forward (``step`` 1) or back (-1)."""
        if self.article is None or self._selection is None:
            return
        text = self.article.text
        start, end = self._selection
        new = word_end(text, end) if step > 0 else previous_word_end(text, end, start)
        self.selection = (start, max(new, start))
        self.show_offset(new)

    def extend_line(self, step: int) -> None:
        """Move the selection's end to the end of the next (``step`` 1) or previous
        (-1) wrapped line, keeping at least the first word."""
        article = self.article
        if article is None or self._selection is None or not article.starts:
            return
        text = article.text
        start, end = self._selection
        target = article.row_of(max(end - 1, start))
        new = end
        while 0 <= target + step < len(article.starts):
            target += step
            new = article.ends[target]
            while new > start and text[new - 1].isspace():
                new -= 1
            if (new > end) if step > 0 else (new < end):
                break  # blank lines end nowhere new: go on to the next line with text
        else:
            new = end
        if new <= start:
            new = word_end(text, start)
        self.selection = (start, new)
        self.show_offset(new)

    def show_offset(self, offset: int) -> None:
        """Scroll just enough for text offset ``offset`` to be on screen."""
        row = self.row_of(max(offset - 1, 0))
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def action_line_down(self) -> None:
        """Extend the selection by a line, or scroll one line."""
        if self._selection is not None:
            self.extend_line(1)
        else:
            self.scroll_down(animate=False)

    def action_line_up(self) -> None:
        """Shrink the selection by a line, or scroll one line back."""
        if self._selection is not None:
            self.extend_line(-1)
        else:
            self.scroll_up(animate=False)

    def action_scroll_right(self) -> None:
        """Extend the selection by a word (without one: Textual's sideways scroll)."""
        if self._selection is not None:
            self.extend_word(1)
        else:
            super().action_scroll_right()

    def action_scroll_left(self) -> None:
        """Shrink the selection by a word (without one: Textual's sideways scroll)."""
        if self._selection is not None:
            self.extend_word(-1)
        else:
            super().action_scroll_left()

    def visible_span(self) -> tuple[int, int]:
        """Text offsets of the first and past the last visible row."""
        article = self.article
        if article is None or not article.starts:
            return 0, 0
        top = min(round(self.scroll_y), len(article.starts) - 1)
        bottom = min(top + max(1, self.scrollable_content_region.height), len(article.starts))
        return article.starts[top], article.ends[bottom - 1]

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
        for span, name in ((self._passage, "passage"), (self._selection, "selection")):
            if span is not None and span[0] < b and span[1] > a:
                style = self.get_component_rich_style(f"article--{name}", partial=True)
                line.stylize(style, max(span[0], a) - a, min(span[1], b) - a)
        strip = Strip(list(line.render(self.app.console)), line.cell_len)
        return (Strip.blank(1, base) + strip).crop_extend(0, width, base)


__all__ = ["ArticleView"]
