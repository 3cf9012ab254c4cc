"""``DrawnBar``: a scroll view that draws its vertical scroll bar in its own last
column instead of having Textual mount a scroll bar widget beside it.

The main screen's seven panes each had Textual's bar (``overflow-y: scroll``, so
that no bar ever comes or goes and re-lays out the screen): seven more widgets
to mount, style, lay out and composite, about a tenth of the first frame's
time, and part of every later frame.  A ``DrawnBar`` draws the same bar
(Textual's ``ScrollBarRender``, in the view's scrollbar colours, so it looks
the same) as the last cell of each line it draws, and answers the mouse as
that bar did: a click on the track scrolls a page, the thumb drags, the wheel
scrolls (``allow_vertical_scroll``: Textual allows no scrolling without its
bar).  Its lines are drawn ``line_width`` cells wide, left of the bar.
"""

from __future__ import annotations

from math import ceil
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

BAR_CELLS = 1
"""Columns the bar takes (the panes' ``scrollbar-size-vertical`` was 1)."""


class DrawnBar(ScrollView):
    """A scroll view with its vertical bar drawn in its last column (see the
    module docstring); a kind of view draws line ``y`` ``drawn_width`` cells
    wide and returns ``barred(strip, y)``."""

    DRAWN_BAR: ClassVar[bool] = True
    """Whether this kind of view draws the bar (else Textual's own, per its CSS)."""

    DEFAULT_CSS = """
    DrawnBar {
        overflow-x: hidden;
        overflow-y: hidden;
        /* for the kinds of view that show Textual's bar instead (DRAWN_BAR) */
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._bar_key: tuple[object, ...] | None = None
        self._bar: list[Segment] = []
        self._grab: tuple[int, float] | None = None
        """While the thumb is dragged: the pointer's screen row and the scroll
        position when it was grabbed."""

    @property
    def line_width(self) -> int:
        """Cells a line's text is drawn in (the view's width less the bar)."""
        if self.DRAWN_BAR:  # no gutter for Textual's bar: the content size is the view's
            return max(0, self.size.width - BAR_CELLS)
        return self.scrollable_content_region.width

    @property
    def drawn_width(self) -> int:
        """``line_width`` while the view is drawn: from the size Textual keeps
        for it at each layout (``container_size``), not the region looked up
        in the screen's map again for every line."""
        if self.DRAWN_BAR:
            return max(0, self.container_size.width - BAR_CELLS)
        return self.scrollable_content_region.width

    @property
    def allow_vertical_scroll(self) -> bool:
        """The view scrolls though Textual's bar is hidden (``overflow-y: hidden``)."""
        if not self.DRAWN_BAR:
            return super().allow_vertical_scroll
        return not self.is_disabled and self.max_scroll_y > 0

    # -- drawing

    def bar_cell(self, y: int) -> Segment:
        """The bar's cell on line ``y`` of the view (the bar is drawn again when
        the view's size or scroll changes, a drag starts or ends, or the theme
        changes: ``notify_style_update``)."""
        height = self.container_size.height
        virtual = self.virtual_size.height
        position = int(self.scroll_y * 8) / 8  # the thumb moves in eighths of a cell
        grabbed = self._grab is not None
        key = (height, virtual, position, grabbed)
        if key != self._bar_key:
            styles = self.styles
            back = styles.scrollbar_background_active if grabbed else styles.scrollbar_background
            fore = styles.scrollbar_color_active if grabbed else styles.scrollbar_color
            self._bar = self._draw_bar(height, virtual, position, back, fore)
            self._bar_key = key
        if 0 <= y < len(self._bar):
            return self._bar[y]
        return Segment(" " * BAR_CELLS, self.rich_style)

    def barred(self, strip: Strip, y: int) -> Strip:
        """``strip`` (line ``y``'s text, ``drawn_width`` cells) with the bar's
        cell after it (one segment with its last when they look the same)."""
        cell = self.bar_cell(y)
        segments = list(strip)
        if segments and segments[-1].style == cell.style:
            segments[-1] = Segment(segments[-1].text + cell.text, cell.style)
        else:
            segments.append(cell)
        return Strip(segments, strip.cell_length + BAR_CELLS)

    def notify_style_update(self) -> None:
        """Theme changed: draw the bar in its new colours."""
        self._bar_key = None
        super().notify_style_update()

    def _draw_bar(
        self, height: int, virtual: int, position: float, back: Color, fore: Color
    ) -> list[Segment]:
        """The bar's cells top to bottom, as Textual's ``ScrollBar`` draws them
        (without the mouse metadata its own widget reads)."""
        if back.a < 1:
            base, _ = self.background_colors
            back = base + back
        fore = back + fore
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=ceil(virtual),
            window_size=height if height < virtual else 0,
            position=position,
            thickness=BAR_CELLS,
            vertical=True,
            back_color=back.rich_color,
            bar_color=fore.rich_color,
        )
        under = self.rich_style  # as under Textual's bar widget
        cells: list[Segment] = []
        for segment in bar.segments:
            look = segment.style or Style()
            plain = Style(color=look.color, bgcolor=look.bgcolor, reverse=look.reverse)
            cells.append(Segment(segment.text, under + plain))
        return cells

    # -- the mouse on the bar

    def on_bar(self, event: events.MouseEvent) -> bool:
        """Whether ``event`` is over the bar's column."""
        if not self.DRAWN_BAR:
            return False
        offset = event.get_content_offset(self)
        return offset is not None and offset.x >= self.line_width

    def _thumb(self) -> tuple[float, float]:
        """The rows the thumb spans, ``[top, bottom)`` (the whole bar without one)."""
        height = self.size.height
        virtual = self.virtual_size.height
        if height <= 0 or virtual <= height:
            return (0.0, float(height))
        size = max(1.0, height * height / virtual)
        top = (height - size) * self.scroll_y / (virtual - height)
        return (top, top + size)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.on_bar(event):
            return
        event.stop()
        event.prevent_default()
        offset = event.get_content_offset(self)
        assert offset is not None
        top, bottom = self._thumb()
        if self.max_scroll_y <= 0:
            return
        if offset.y < int(top):
            self.scroll_page_up(animate=False)
        elif offset.y >= ceil(bottom):
            self.scroll_page_down(animate=False)
        else:
            self._grab = (event.screen_y, self.scroll_y)
            self.capture_mouse()
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._grab is None:
            return
        event.stop()
        height = self.size.height
        row, start = self._grab
        if height > 0:
            moved = (event.screen_y - row) * self.virtual_size.height / height
            self.scroll_to(y=start + moved, animate=False, immediate=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._grab is not None:
            event.stop()
            self._grab = None
            self.release_mouse()
            self.refresh()

    def on_mouse_release(self, event: events.MouseRelease) -> None:
        if self._grab is not None:
            self._grab = None
            self.refresh()


__all__ = ["BAR_CELLS", "DrawnBar"]
