"""``LineList``: the browser's lists of rows (cases, parties, court levels,
sentences, sources), a kind of ``LineView``.

Only the visible rows are ever built: the list knows its length and asks a
``RowSource`` for row *i* when line *i* scrolls into view, so a 100 000-case
list costs the same to show and move in as a ten-case one; drawn rows are
cached by the base.  Moving the cursor posts ``LineList.Highlighted``;
``enter`` or a double click posts ``LineList.Chosen``.  Rows that are not
selectable (section headings) are skipped by the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip

from casefiles.tui.bindings import bind
from casefiles.tui.facts import Row
from casefiles.tui.keys import KEYS
from casefiles.tui.text import to_text
from casefiles.tui.widgets.lineview import LineView


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


class LineList(LineView):
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
        self._style_cache: tuple[tuple[str, bool], dict[str, Style]] | None = None

    # -- data

    def __len__(self) -> int:
        return len(self.source)

    def row_count(self) -> int:
        """Rows in the source."""
        return len(self.source)

    def selectable(self, index: int) -> bool:
        """Headings are skipped by the cursor."""
        return self.source.row(index).selectable

    def set_source(self, source: RowSource, cursor: int = 0, *, announce: bool = True) -> None:
        """Show other rows; the cursor goes to ``cursor`` (or the nearest selectable row)."""
        self.source = source
        self.reset(cursor)
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

    def cursor_moved(self, old: int, new: int) -> None:
        """Announce the new cursor row."""
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    def action_choose(self) -> None:
        """Post ``Chosen`` for the cursor row."""
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(self, self.cursor, row))

    def clicked(self, index: int, chain: int) -> None:
        """Click selects a row; double click chooses it."""
        self.move_to(index, 1)
        if chain >= 2:
            self.action_choose()

    # -- drawing

    def _styles(self) -> dict[str, Style]:
        """Tag styles from the theme, looked up once per theme and focus."""
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
            self._style_cache = (key, styles)
        return self._style_cache[1]

    def notify_style_update(self) -> None:
        """Styles changed (theme, focus): look the tag styles up again."""
        self._style_cache = None
        super().notify_style_update()

    def draw_blank(self, y: int, width: int) -> Strip:
        """Below the rows: blank, or the ``empty`` note on an empty list."""
        if y == 0 and not len(self.source):
            return self.strip_of(Text(self.empty, style=self._styles()["empty"]), width)
        return super().draw_blank(y, width)

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """``▶ `` and the row's pieces in their tag styles, cut to ``width``."""
        styles = self._styles()
        row = self.source.row(index)
        is_cursor = is_cursor and row.selectable
        text = Text("▶ " if is_cursor else "  ", end="", no_wrap=True)
        text.append_text(to_text(row.line, styles))
        if is_cursor:
            text.stylize(styles["cursor"])
            text.truncate(width, overflow="ellipsis", pad=True)
        return self.strip_of(text, width)


__all__ = ["LineList", "RowSource", "RowsOf", "list_bindings"]
