"""``InfoPane``: a read-only, scrollable pane of text lines (case header, party
header, cites strip).  The key bar is ``casefiles.tui.widgets.keybar``.

Lines come from ``casefiles.tui.facts`` as tagged pieces and are turned into
``Text`` without markup parsing, so data shows literally.  An info pane made
``focusable`` takes the keyboard (``tab``, a pane key) and scrolls with the
list keys; a kind of pane may keep a gutter left of the text for a cursor mark
(``gutter_cells``, ``gutter_mark``) and highlight whole lines (``line_style``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from casefiles.tui.bindings import bind
from casefiles.tui.text import Line, clean
from casefiles.tui.widgets.drawnbar import DrawnBar
from casefiles.tui.widgets.strips import wrap
from casefiles.tui.widgets.tags import TAGS, tag_styles

_SCROLL_ACTIONS = {
    "casefiles.down": "scroll_lines(1)",
    "casefiles.up": "scroll_lines(-1)",
    "casefiles.top": "to_top",
    "casefiles.bottom": "to_bottom",
    "casefiles.page_down": "page(1)",
    "casefiles.page_up": "page(-1)",
}


class InfoPane(DrawnBar, can_focus=False):
    """Wrapped lines of text that scroll with the mouse wheel, drawn with the line
    API: new text re-wraps and repaints the pane alone, without a screen layout
    (panes keep their size as the cursor moves; see ``set_virtual_size``).  Made
    with ``focusable=True`` it takes focus and the list keys scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind(binding_id, action) for binding_id, action in _SCROLL_ACTIONS.items()
    ]

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, focusable: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.can_focus = focusable
        self.gutter_cells = 0
        """Cells left of the text for a mark (``gutter_mark``); 0: none."""
        self._lines: list[Line] = []
        self._wrapped: list[Strip] = []
        self._line_of: list[int] = []
        """For each wrapped strip, the index of the line it belongs to."""
        self._starts: list[int] = []
        """For each line, the index of its first strip (and the total at the end)."""
        self._wrapped_width = -1
        self._base: Style | None = None
        self._tag_styles: dict[str, Style] | None = None

    def _styles(self) -> dict[str, Style]:
        """Tag styles from the theme (headings head paragraphs here: no underline)."""
        if self._tag_styles is None:
            styles = tag_styles(self)
            self._tag_styles = {tag: styles[tag] for tag in TAGS}
            self._tag_styles["heading"] = styles["info-heading"]
        return self._tag_styles

    def _wrap(self, width: int) -> None:
        """Wrap the lines to ``width`` cells (less the gutter) once; drawing then
        only picks strips."""
        width = max(1, width)
        console = self.app.console
        styles = self._styles()
        strips: list[Strip] = []
        line_of: list[int] = []
        starts: list[int] = []
        room = max(1, width - self.gutter_cells)
        for index, line in enumerate(self._lines):
            starts.append(len(strips))
            pieces = [(clean(text), styles.get(tag) if tag else None) for text, tag in line]
            for strip in wrap(pieces, room, console):
                strips.append(strip)
                line_of.append(index)
        starts.append(len(strips))
        self._wrapped = strips
        self._line_of = line_of
        self._starts = starts
        self._wrapped_width = width
        set_virtual_size(self, Size(width, len(strips)))

    def show(self, lines: Sequence[Line], *, keep_scroll: bool = False) -> None:
        """Replace the text; scroll back to the top (unless ``keep_scroll``: the
        same text again, with new marks)."""
        self._lines = list(lines)
        self._wrapped_width = -1
        if self.is_mounted:
            if self.scrollable_content_region.width:  # else not laid out: drawing wraps
                self._wrap(self.line_width)
            if not keep_scroll:
                self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()

    def line_span(self, line: int) -> tuple[int, int]:
        """The wrapped strips ``[first, end)`` that line ``line`` is drawn on."""
        self._ensure_wrapped()
        if not 0 <= line < len(self._starts) - 1:
            return (0, 0)
        return (self._starts[line], self._starts[line + 1])

    def _ensure_wrapped(self) -> None:
        if self._wrapped_width != self.line_width and self.is_mounted:
            self._wrap(self.line_width)

    def gutter_mark(self, line: int, first: bool) -> str:
        """What the gutter shows beside a strip of line ``line`` (``first``: its
        first strip); ``gutter_cells`` cells of it are drawn."""
        return ""

    def line_style(self, line: int) -> Style | None:
        """A style laid under every strip of line ``line`` (a cursor), or ``None``."""
        return None

    # -- keys (when focusable)

    def action_scroll_lines(self, lines: int) -> None:
        """Scroll by ``lines`` lines."""
        self.scroll_relative(y=lines, animate=False, immediate=True)

    def action_page(self, pages: int) -> None:
        """Scroll by ``pages`` screenfuls."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_relative(y=pages * step, animate=False, immediate=True)

    def action_to_top(self) -> None:
        """Scroll to the first line."""
        self.scroll_home(animate=False, immediate=True)

    def action_to_bottom(self) -> None:
        """Scroll to the last line."""
        self.scroll_end(animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width (not again for the width it was drawn at)."""
        if self.line_width != self._wrapped_width:
            self._wrap(self.line_width)

    def notify_style_update(self) -> None:
        """Theme changed: wrap again with the new colours."""
        self._wrapped_width = -1
        self._base = None
        self._tag_styles = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the pane, from the wrapped strips."""
        width = self.drawn_width
        if self._wrapped_width != width and self.is_mounted:
            self._wrap(width)
        if self._base is None:
            self._base = self.rich_style  # costly to compute for every line
        base = self._base
        index = y + round(self.scroll_y)
        if not 0 <= index < len(self._wrapped):
            return self.barred(Strip.blank(width, base), y)
        strip = self._wrapped[index]
        if self.gutter_cells:
            cells = self.gutter_cells
            line = self._line_of[index]
            first = self._starts[line] == index
            mark = self.gutter_mark(line, first)[:cells].ljust(cells)
            strip = Strip.join([Strip([Segment(mark)]), strip])
            under = self.line_style(line)
            if under is not None:
                strip = strip.crop_extend(0, width, None).apply_style(under)
        return self.barred(strip.apply_style(base).crop_extend(0, width, base), y)

    @property
    def drawn(self) -> str:
        """Every wrapped line as the pane draws it (scrolled-away lines too)."""
        self._ensure_wrapped()
        return "\n".join(strip.text for strip in self._wrapped)

    @property
    def plain(self) -> str:
        """The shown text without styles (for tests)."""
        return "\n".join("".join(piece for piece, _ in line) for line in self._lines)


def set_virtual_size(view: Widget, size: Size) -> None:
    """Give a scroll view a new virtual size without a full screen layout.

    Textual declares ``virtual_size`` as a layout-triggering reactive, and a
    screen layout repaints every pane (about 20 ms per cursor move).  A scroll
    view whose outer size is fixed only needs its scrollbars updated and itself
    repainted, unless an ``overflow-y: auto`` scrollbar appears or disappears
    (that changes its content width, so then the layout runs as usual).
    """
    old = view.virtual_size
    if size == old:
        return
    visible = view.scrollable_content_region.height
    toggles = (old.height > visible) != (size.height > visible)
    if not view.is_mounted or (toggles and view.styles.overflow_y == "auto"):
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # scrollbar thumb and range (Textual's own update path)
    view.refresh()
