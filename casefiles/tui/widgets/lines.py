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

from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip

from casefiles.tui.bindings import bind
from casefiles.tui.facts import Row
from casefiles.tui.keys import KEYS
from casefiles.tui.text import clean
from casefiles.tui.widgets.lineview import LineView
from casefiles.tui.widgets.strips import Styled, fit


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

    def draw_blank(self, y: int, width: int) -> Strip:
        """Below the rows: blank, or the ``empty`` note on an empty list."""
        if y == 0 and not len(self.source):
            return fit([(self.empty, self.tags["empty"])], width, self.base_style)
        return super().draw_blank(y, width)

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """``▶ `` and the row's pieces in their tag styles, cut to ``width``."""
        styles = self.tags
        row = self.source.row(index)
        is_cursor = is_cursor and row.selectable
        pieces: list[Styled] = [("▶ " if is_cursor else "  ", None)]
        pieces += [(clean(text), styles.get(tag) if tag else None) for text, tag in row.line]
        over = styles["cursor" if self.has_focus else "cursor-blurred"] if is_cursor else None
        return fit(pieces, width, self.base_style, over)


__all__ = ["LineList", "RowSource", "RowsOf", "list_bindings"]
