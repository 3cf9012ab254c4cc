"""``FilterLine``: the one-line filter over the cases pane (k9s-style).

It lies over the bottom border of the cases pane (``place`` puts it there),
takes the search's field syntax (``status:pending year:2016 party:…`` and
free title words) and tells its screen what happens:

* ``FilterLine.Edited(text)`` after every change of the text (the list
  narrows as you type; the screen does the work, off the UI thread for a big
  store, the latest text winning);
* ``FilterLine.Kept(text)`` on ``enter`` (the filter stays, the line closes);
* ``FilterLine.Cleared()`` on ``esc`` (the filter goes, the line closes).

Above the text it shows a note when there is one (a malformed filter, named
in one line, "indexing…"), wrapped to the pane's width.  ``enter`` and ``esc``
are the text field's own bindings (``casefiles.filter_keep`` and
``casefiles.filter_clear`` in the key table, the ``filter`` scope), so the key
bar shows them while the line has the keyboard; the key that opens the line is
``casefiles.filter``.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Static

from casefiles.textsafe import literal
from casefiles.tui.bindings import bind

if TYPE_CHECKING:
    from casefiles.search.index import SearchIndex

PLACEHOLDER = "status:pending year:2016 party:… or title words"
#: What stands before the text.
PROMPT = "filter "


@runtime_checkable
class IndexHost(Protocol):
    """What the filter reads from the browser (the app is one): the search
    index, once built, and a way to have it built."""

    search_index: SearchIndex | None

    def ensure_index(self) -> None:
        """Start building the search index unless it is built or being built."""


class FilterInput(Input):
    """The filter's text field: ``enter`` keeps the filter, ``esc`` clears it
    (bindings of its own, nearer than the app's ``back``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("casefiles.filter_keep", "submit"),
        bind("casefiles.filter_clear", "clear_filter"),
    ]

    def action_clear_filter(self) -> None:
        """``esc``: tell the filter line to drop the filter."""
        for node in self.ancestors:
            if isinstance(node, FilterLine):
                node.post_message(FilterLine.Cleared())
                return


class FilterLine(Vertical):
    """A filter text field with a note above it; see the module docstring."""

    DEFAULT_CSS: ClassVar[str] = """
    FilterLine {
        display: none;
        position: absolute;
        height: auto;
        width: 30;
        background: $surface;
    }
    FilterLine.-open { display: block; }
    FilterLine > #filter-note {
        display: none;
        height: auto;
        color: $text-warning;
        background: $surface;
    }
    FilterLine > #filter-note.-shown { display: block; }
    FilterLine > #filter-note.-quiet { color: $text-muted; }
    FilterLine > #filter-row { height: 1; }
    FilterLine #filter-prompt { width: auto; color: $text-accent; text-style: bold; }
    FilterLine Input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 0;
        background: $surface;
    }
    FilterLine Input:focus { border: none; }
    """

    class Edited(Message):
        """The filter text changed."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Kept(Message):
        """``enter``: keep the filter and close the line."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Cleared(Message):
        """``esc``: drop the filter and close the line."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._note = ""
        self._quiet = False
        self._placed: tuple[int, int, int] | None = None
        self._region = Region(0, 0, 30, 3)
        self._mounted_parts = False

    def compose(self) -> ComposeResult:
        # The note and the text field are mounted when the line is first
        # needed (``_mount_parts``): the browser's first frame does without
        # them (a text field and its styles, about a tenth of that frame).
        yield from ()

    def _mount_parts(self) -> None:
        """Mount the note and the text field, once."""
        if self._mounted_parts:
            return
        self._mounted_parts = True
        note = Static(Text(self._note), id="filter-note", markup=False)
        note.set_class(bool(self._note), "-shown")
        note.set_class(self._quiet, "-quiet")
        row = Horizontal(id="filter-row")
        self.mount(note, row)
        row.mount(
            Static(PROMPT, id="filter-prompt", markup=False),
            FilterInput(placeholder=PLACEHOLDER, id="filter-input", compact=True),
        )

    @property
    def input(self) -> Input:
        """The text field."""
        self._mount_parts()
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        """The filter as typed."""
        return self.input.value

    @property
    def is_open(self) -> bool:
        """Whether the line is shown."""
        return self.has_class("-open")

    # -- opening, placing, closing

    def open(self, text: str, region: Region) -> None:
        """Show the line over the bottom of ``region`` (the cases pane) with
        ``text`` in it, and focus it."""
        self._region = region
        self.add_class("-open")
        field = self.input
        with self.prevent(Input.Changed):
            field.value = text
        field.cursor_position = len(text)
        self._place()
        field.focus()

    def close(self) -> None:
        """Hide the line (its note too)."""
        self.remove_class("-open")
        self.show_note("")

    def place(self, region: Region) -> None:
        """Follow the cases pane to ``region`` (after a resize)."""
        self._region = region
        self._place()

    def _width(self) -> int:
        return max(8, self._region.width - 2)

    def _place(self) -> None:
        region = self._region
        width = self._width()
        rows = len(textwrap.wrap(self._note, width)) if self._note else 0
        # the text on the pane's bottom border, the note on the rows above it
        placed = (width, region.x + 1, max(0, region.bottom - 1 - rows))
        if placed == self._placed:
            return  # unchanged: no layout at every keystroke
        self._placed = placed
        self.styles.width = width
        self.styles.offset = placed[1:]

    # -- the note

    def show_note(self, note: str, *, quiet: bool = False) -> None:
        """Show ``note`` above the text (``""``: none); ``quiet`` for a remark
        rather than a problem.  The same note again changes nothing (no restyle
        at every keystroke)."""
        if (literal(note), quiet) == (self._note, self._quiet):
            return
        self._note = literal(note)
        self._quiet = quiet
        if not self._mounted_parts:
            return  # shown when the line is first opened
        shown = self.query_one("#filter-note", Static)
        shown.update(Text(self._note))
        shown.set_class(bool(note), "-shown")
        shown.set_class(quiet, "-quiet")
        if self.is_open:
            self._place()

    @property
    def note(self) -> str:
        """The note shown (``""``: none)."""
        return self._note

    # -- what the keys do

    def on_input_changed(self, event: Input.Changed) -> None:
        """Tell the screen the text changed."""
        event.stop()
        self.post_message(self.Edited(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter``: keep the filter."""
        event.stop()
        self.post_message(self.Kept(event.value))


__all__ = ["PLACEHOLDER", "PROMPT", "FilterInput", "FilterLine", "IndexHost"]
