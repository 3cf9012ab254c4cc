"""``LineList``: a keyboard- and mouse-driven list drawn with Textual's line API.

Only the visible rows are ever built: the list knows its length and asks a
``RowSource`` for row *i* when line *i* scrolls into view, so a 100 000-case
list costs the same to show and move in as a ten-case one.  Moving the cursor
posts ``LineList.Highlighted``; ``enter`` or a double click posts
``LineList.Chosen``.  Rows that are not selectable (section headings) are
skipped by the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from casefiles.tui.bindings import bind
from casefiles.tui.config import KEYS
from casefiles.tui.facts import Row
from casefiles.tui.text import to_text
from casefiles.tui.widgets.panes import set_virtual_size


class RowSource(Protocol):
    """What a ``LineList`` draws: a length and a row per index, built on demand."""

    def __len__(self) -> int: ...

    def row(self, index: int) -> Row:
        """The row at ``index`` (0 <= index < len)."""
        ...


class RowsOf:
    """A ``RowSource`` over an already built list of rows (a case's few facts)."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = list(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, index: int) -> Row:
        """The row at ``index``."""
        return self.rows[index]


_ACTIONS = {
    "casefiles.down": "cursor_down",
    "casefiles.up": "cursor_up",
    "casefiles.top": "first",
    "casefiles.bottom": "last",
    "casefiles.page_down": "page_down",
    "casefiles.page_up": "page_up",
    "casefiles.choose": "choose",
}


def list_bindings() -> list[BindingType]:
    """The list keys from the key table (ids let the config file remap them)."""
    return [bind(spec.id, _ACTIONS[spec.id]) for spec in KEYS if spec.id in _ACTIONS]


class LineList(ScrollView, can_focus=True):
    """A virtual list of rows with a cursor; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = list_bindings()

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "line-list--cursor-blurred",
        "line-list--dim",
        "line-list--strong",
        "line-list--accent",
        "line-list--warn",
        "line-list--mark",
        "line-list--heading",
        "line-list--empty",
    }

    DEFAULT_CSS = """
    LineList {
        overflow-x: hidden;
        /* An always-present scrollbar never appears or disappears, which
           would re-lay out the whole screen on a cursor move. */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .line-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .line-list--cursor-blurred {
            background: $block-cursor-blurred-background;
            text-style: bold;
        }
        & > .line-list--dim { color: $text-muted; }
        & > .line-list--strong { text-style: bold; }
        & > .line-list--accent { color: $text-accent; }
        & > .line-list--warn { color: $text-warning; text-style: bold; }
        & > .line-list--mark { color: $text-success; text-style: bold; }
        & > .line-list--heading { color: $text-secondary; text-style: bold underline; }
        & > .line-list--empty { color: $text-muted; text-style: italic; }
    }
    """

    class Highlighted(Message):
        """The cursor moved to ``index`` (``row`` is ``None`` when the list is empty)."""

        def __init__(self, lines: LineList, index: int, row: Row | None) -> None:
            super().__init__()
            self.lines = lines
            self.index = index
            self.row = row

        @property
        def control(self) -> LineList:
            """The list that posted the message."""
            return self.lines

    class Chosen(Message):
        """``enter`` (or a double click) on a row."""

        def __init__(self, lines: LineList, index: int, row: Row) -> None:
            super().__init__()
            self.lines = lines
            self.index = index
            self.row = row

        @property
        def control(self) -> LineList:
            """The list that posted the message."""
            return self.lines

    def __init__(
        self,
        source: RowSource | None = None,
        *,
        empty: str = "(nothing here)",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source: RowSource = source if source is not None else RowsOf([])
        self.empty = empty
        self.cursor = 0
        self._style_cache: tuple[tuple[str, bool], dict[str, Style]] | None = None

    # -- data

    def __len__(self) -> int:
        return len(self.source)

    def set_source(self, source: RowSource, cursor: int = 0, *, announce: bool = True) -> None:
        """Show other rows; the cursor goes to ``cursor`` (or the nearest selectable row)."""
        self.source = source
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(source)))
        self.cursor = self._selectable_from(max(0, min(cursor, len(source) - 1)), 1)
        self.scroll_to(y=0, animate=False, immediate=True)
        self._follow()
        self.refresh()
        if announce:
            self._announce()

    def set_rows(self, rows: Sequence[Row], cursor: int = 0, *, announce: bool = True) -> None:
        """Show a built list of rows."""
        self.set_source(RowsOf(rows), cursor, announce=announce)

    @property
    def current(self) -> Row | None:
        """The row under the cursor."""
        if not len(self.source):
            return None
        row = self.source.row(self.cursor)
        return row if row.selectable else None

    def rows(self) -> list[Row]:
        """Every row (only for small lists: a case's facts)."""
        return [self.source.row(i) for i in range(len(self.source))]

    # -- cursor

    def _selectable_from(self, index: int, step: int) -> int:
        n = len(self.source)
        if n == 0:
            return 0
        i = index
        while 0 <= i < n:
            if self.source.row(i).selectable:
                return i
            i += step
        i = index
        while 0 <= i < n:
            if self.source.row(i).selectable:
                return i
            i -= step
        return max(0, min(index, n - 1))

    def move_to(self, index: int, step: int = 1, *, announce: bool = True) -> None:
        """Put the cursor on row ``index`` (clamped; headings skipped) and announce it."""
        n = len(self.source)
        if n == 0:
            return
        target = self._selectable_from(max(0, min(index, n - 1)), step)
        if target == self.cursor:
            self._follow()
            return
        old = self.cursor
        self.cursor = target
        self._follow()
        self._refresh_row(old)
        self._refresh_row(target)
        if announce:
            self._announce()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    def _follow(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index - round(self.scroll_y))

    @property
    def page(self) -> int:
        """Rows per screenful."""
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self.move_to(self.cursor + 1, 1)

    def action_cursor_up(self) -> None:
        """One row up."""
        self.move_to(self.cursor - 1, -1)

    def action_first(self) -> None:
        """First row."""
        self.move_to(0, 1)

    def action_last(self) -> None:
        """Last row."""
        self.move_to(len(self.source) - 1, -1)

    def action_page_down(self) -> None:
        """One screenful down."""
        self.move_to(self.cursor + self.page, 1)

    def action_page_up(self) -> None:
        """One screenful up."""
        self.move_to(self.cursor - self.page, -1)

    def action_choose(self) -> None:
        """Post ``Chosen`` for the cursor row."""
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(self, self.cursor, row))

    # -- mouse

    def on_click(self, event: events.Click) -> None:
        """Click selects a row; double click chooses it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self.source):
            self.focus()
            self.move_to(index, 1)
            if event.chain >= 2:
                self.action_choose()

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.prevent_default()
        event.stop()
        self.move_to(self.cursor + 1, 1)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.prevent_default()
        event.stop()
        self.move_to(self.cursor - 1, -1)

    # -- drawing

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step with the pane and the cursor in view."""
        self._style_cache = None
        size = Size(self.scrollable_content_region.width, len(self.source))
        if size != self.virtual_size:
            self.virtual_size = size
        self._follow()

    def _styles(self) -> dict[str, Style]:
        """Tag styles from the theme, looked up once per theme."""
        key = (self.app.theme, self.has_focus)
        if self._style_cache is None or self._style_cache[0] != key:
            get = self.get_component_rich_style
            styles = {
                tag: get(f"line-list--{tag}", partial=True)
                for tag in ("dim", "strong", "accent", "warn", "mark", "heading")
            }
            cls = "line-list--cursor" if self.has_focus else "line-list--cursor-blurred"
            styles["cursor"] = get(cls)
            styles["empty"] = get("line-list--empty")
            styles["base"] = self.rich_style  # costly to compute for every line
            self._style_cache = (key, styles)
        return self._style_cache[1]

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus): look the tag styles up again."""
        self._style_cache = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: row ``scroll_y + y``, built now, cropped to width."""
        width = self.scrollable_content_region.width
        styles = self._styles()
        base = styles["base"]
        index = y + round(self.scroll_y)
        n = len(self.source)
        if n == 0:
            if y == 0:
                text = Text(self.empty, style=styles["empty"])
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        if index >= n:
            return Strip.blank(width, base)
        row = self.source.row(index)
        is_cursor = index == self.cursor and row.selectable
        marker = "▶ " if is_cursor else "  "
        text = Text(marker, end="", no_wrap=True)
        text.append_text(to_text(row.line, styles))
        if is_cursor:
            text.stylize(styles["cursor"])
            text.truncate(width, overflow="ellipsis", pad=True)
        return self._strip(text, width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console))
        strip = Strip(segments).apply_style(base)
        return strip.crop_extend(0, width, base)

    def on_focus(self) -> None:
        """Redraw the cursor row in its focused colour."""
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        """Redraw the cursor row in its unfocused colour."""
        self._refresh_row(self.cursor)


__all__ = ["LineList", "RowSource", "RowsOf", "list_bindings"]
