"""``ResultList``: the search screen's hits, a kind of ``LineView``, and the
helpers that draw a hit: the matched characters highlighted in a window of
the matched text.  Text from data is made literal first (no markup, no
control characters)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Final

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.strip import Strip

from casefiles.textsafe import clip, literal
from casefiles.tui.widgets.lineview import LineView

if TYPE_CHECKING:
    from casefiles.search import Hit

KIND_WIDTH: Final = 8
FIELD_WIDTH: Final = 12

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


class ResultList(LineView, can_focus=False):
    """The hits, one row each, a kind of ``LineView`` (only visible rows are drawn;
    the search input keeps the keyboard, so the list never takes focus)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results--cursor",
        "results--match",
        "results--kind",
        "results--field",
        "results--title",
    }

    DRAWN_BAR: ClassVar[bool] = False  # Textual's bar, shown when the hits overflow (CSS)
    DEFAULT_CSS = """
    ResultList { height: 1fr; overflow-y: auto; }
    ResultList > .results--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; }
    ResultList > .results--match { color: $text-warning; text-style: bold underline; }
    ResultList > .results--kind { color: $text-accent; }
    ResultList > .results--field { color: $text-muted; }
    ResultList > .results--title { text-style: bold; }
    """

    class Chosen(Message):
        """A row was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Moved(Message):
        """The cursor moved (by key, click or wheel): the screen may fetch more."""

        def __init__(self, cursor: int) -> None:
            super().__init__()
            self.cursor = cursor

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []

    def row_count(self) -> int:
        """One row per hit."""
        return len(self.hits)

    def set_hits(self, hits: list[Hit]) -> None:
        """Show a new list of hits, cursor on the first."""
        self.hits = hits
        self.reset(0)

    def extend_hits(self, hits: list[Hit]) -> None:
        """Show ``hits`` (the same query's, with a page more) without moving the
        cursor or the scroll."""
        self.hits = hits
        self.reset(self.cursor, scroll_top=False)

    def cursor_moved(self, old: int, new: int) -> None:
        """Tell the screen (it fetches the next page near the end)."""
        self.post_message(self.Moved(new))

    @property
    def current(self) -> Hit | None:
        """The hit under the cursor."""
        if 0 <= self.cursor < len(self.hits):
            return self.hits[self.cursor]
        return None

    def move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.move_to(self.cursor + delta, 1 if delta >= 0 else -1)

    def page_by(self, direction: int) -> None:
        """Move the cursor by a screenful (``direction`` 1 or -1)."""
        self.move(direction * self.page)

    def clicked(self, index: int, chain: int) -> None:
        """A click chooses the hit."""
        self.move_to(index, 1)
        self.post_message(self.Chosen(index))

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """One hit (see ``row_text``)."""
        text = self.row_text(self.hits[index], width, is_cursor)
        return Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, None)

    def draw_blank(self, y: int, width: int) -> Strip:
        """Below the hits: blank."""
        return Strip.blank(width)

    def row_text(self, hit: Hit, width: int, is_cursor: bool) -> Text:
        """One row: ``▶ kind    title · snippet                    field``."""
        match = self.component_style("results--match")
        row = Text(no_wrap=True, end="")
        row.append("▶ " if is_cursor else "  ")
        row.append(
            f"{hit.kind:<{KIND_WIDTH}}"[:KIND_WIDTH] + " ", self.component_style("results--kind")
        )
        field = clip(literal(hit.field), FIELD_WIDTH)
        body_width = max(10, width - 2 - KIND_WIDTH - 1 - FIELD_WIDTH - 2)
        text = hit.text or ""
        title = literal(str(hit.title).translate(_FLATTEN))
        title_style = self.component_style("results--title")
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
        row.append(f"{field:>{FIELD_WIDTH}}", self.component_style("results--field"))
        if is_cursor:
            row.stylize(self.component_style("results--cursor"))
        return row


__all__ = ["ResultList", "highlight", "snippet_window"]
