"""``LineView``: the one base of every list-like widget of the browser.

A scroll view drawn with Textual's line API (its scroll bar drawn in its last
column: ``casefiles.tui.widgets.drawnbar``): it knows how many rows it has,
and draws row *i* only when line *i* scrolls into view (so a 100 000-row list
costs what a ten-row one does).  Drawn rows are kept in an LRU cache of
``Strip``s keyed by row, whether the cursor is on it and whether the view has
focus; moving the cursor or scrolling back re-draws only rows not seen before.
The cache is emptied when the rows, the width or the theme change
(``invalidate``).  This is the shape of toolong's ``LogLines``.

A kind of line view says how many rows there are (``row_count``) and how to
draw one (``draw_row``); the base owns the cursor (kept in view, moved by
keys, clicks and the wheel), scrolling and the cache.  A view without a cursor
(``CURSOR = False``: the article reader) scrolls with the same keys instead.

Row indexes are *virtual* (0 is the first row of the list, whatever is
scrolled); ``refresh_row`` takes such an index (``ScrollView.refresh_line``
subtracts the scroll offset itself).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.strip import Strip

from casefiles.tui.widgets.drawnbar import DrawnBar
from casefiles.tui.widgets.panes import set_virtual_size
from casefiles.tui.widgets.tags import over_text, tag_styles

CACHE_ROWS = 1024
"""Drawn rows kept per view (a few screenfuls of a tall terminal)."""


class LineView(DrawnBar, can_focus=True):
    """Rows drawn on demand through the line API, with an optional cursor and an
    LRU cache of drawn rows (see the module docstring)."""

    CURSOR: ClassVar[bool] = True
    """Whether the view has a row cursor (else the keys scroll it)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.cursor = 0
        self._cache: LRUCache[Hashable, Strip] = LRUCache(CACHE_ROWS)
        self._cache_width = -1
        self._base: Style | None = None
        self._row_styles: dict[str, Style] = {}
        self._tags: Mapping[str, Style] | None = None

    # -- what a kind of view provides

    def row_count(self) -> int:
        """How many rows there are."""
        raise NotImplementedError

    def draw_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        """Row ``index`` drawn ``width`` cells wide (0 <= index < row_count)."""
        raise NotImplementedError

    def draw_blank(self, y: int, width: int) -> Strip:
        """Line ``y`` of the view below the last row (the base fills it)."""
        return Strip.blank(width, self.base_style)

    def selectable(self, index: int) -> bool:
        """Whether the cursor may rest on row ``index``."""
        return True

    def cursor_moved(self, old: int, new: int) -> None:
        """Called after the cursor moved from ``old`` to ``new`` (announce it)."""

    def row_key(self, index: int, is_cursor: bool) -> Hashable:
        """What a drawn row depends on besides the rows, width and theme."""
        return (index, is_cursor, is_cursor and self.has_focus)

    # -- cache and size

    @property
    def base_style(self) -> Style:
        """The widget's own style (costly to compute for every line)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    @property
    def row_width(self) -> int:
        """Cells a row is drawn in (left of the bar)."""
        return self.line_width

    def invalidate(self) -> None:
        """Forget every drawn row (the rows changed) and repaint."""
        self._cache.clear()
        self.refresh()

    def reset(self, cursor: int = 0, *, scroll_top: bool = True) -> None:
        """New rows: size, cache and cursor (clamped, on a selectable row)."""
        self._cache.clear()
        set_virtual_size(self, Size(self.row_width, self.row_count()))
        n = self.row_count()
        self.cursor = self.selectable_from(max(0, min(cursor, n - 1)), 1) if n else 0
        if scroll_top:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.follow()
        self.refresh()

    def notify_style_update(self) -> None:
        """Theme or focus style changed: draw every row again."""
        self._cache.clear()
        self._base = None
        self._row_styles.clear()
        self._tags = None
        super().notify_style_update()

    @property
    def tags(self) -> Mapping[str, Style]:
        """The tag and cursor styles (``casefiles.tui.widgets.tags``), kept per theme."""
        if self._tags is None:
            self._tags = tag_styles(self)
        return self._tags

    def component_style(self, name: str) -> Style:
        """The style of one of the view's component classes, to lay over text
        (``tags.over_text``: its colours blended as they are meant), looked up
        once per theme (rows are drawn often; the lookup walks the CSS)."""
        style = self._row_styles.get(name)
        if style is None:
            style = over_text(self.get_component_styles(name))
            self._row_styles[name] = style
        return style

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size in step with the view and the cursor in view."""
        size = Size(self.row_width, self.row_count())
        if size != self.virtual_size:
            self.virtual_size = size
        self.follow()

    def refresh_row(self, index: int) -> None:
        """Repaint row ``index`` (a row of the list, not a line of the screen)."""
        self.refresh_line(index)

    # -- drawing

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the view: row ``scroll_y + y``, from the cache or drawn now."""
        width = self.drawn_width
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        index = y + round(self.scroll_y)
        if not 0 <= index < self.row_count():
            strip = self.draw_blank(y, width)
        else:
            is_cursor = self.CURSOR and index == self.cursor
            key = self.row_key(index, is_cursor)
            cached = self._cache.get(key)
            if cached is None:
                cached = self.draw_row(index, width, is_cursor)
                self._cache.set(key, cached)
            strip = cached
        return self.barred(strip, y) if self.DRAWN_BAR else strip

    def strip_of(self, text: Text, width: int) -> Strip:
        """``text`` as one line of exactly ``width`` cells on the base style."""
        base = self.base_style
        text.truncate(width, overflow="ellipsis")
        strip = Strip(list(text.render(self.app.console))).apply_style(base)
        return strip.crop_extend(0, width, base)

    # -- cursor

    @property
    def page(self) -> int:
        """Rows per screenful."""
        return max(1, self.scrollable_content_region.height - 1)

    def selectable_from(self, index: int, step: int) -> int:
        """The first selectable row from ``index`` in direction ``step`` (else back)."""
        n = self.row_count()
        if n == 0:
            return 0
        for direction in (step, -step):
            i = index
            while 0 <= i < n:
                if self.selectable(i):
                    return i
                i += direction
        return max(0, min(index, n - 1))

    def follow(self) -> None:
        """Scroll so the cursor row is in view."""
        if not self.CURSOR:
            return
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int, step: int = 1, *, announce: bool = True) -> None:
        """Put the cursor on row ``index`` (clamped, unselectable rows skipped)."""
        n = self.row_count()
        if n == 0:
            return
        target = self.selectable_from(max(0, min(index, n - 1)), step)
        if target == self.cursor:
            self.follow()
            return
        old = self.cursor
        self.cursor = target
        self.follow()
        self.refresh_row(old)
        self.refresh_row(target)
        if announce:
            self.cursor_moved(old, target)

    def action_cursor_down(self) -> None:
        """One row down (or scroll one line)."""
        if self.CURSOR:
            self.move_to(self.cursor + 1, 1)
        else:
            self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        """One row up (or scroll one line)."""
        if self.CURSOR:
            self.move_to(self.cursor - 1, -1)
        else:
            self.scroll_up(animate=False)

    def action_first(self) -> None:
        """First row."""
        if self.CURSOR:
            self.move_to(0, 1)
        else:
            self.scroll_home(animate=False)

    def action_last(self) -> None:
        """Last row."""
        if self.CURSOR:
            self.move_to(self.row_count() - 1, -1)
        else:
            self.scroll_end(animate=False)

    def action_page_down(self) -> None:
        """One screenful down."""
        if self.CURSOR:
            self.move_to(self.cursor + self.page, 1)
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        """One screenful up."""
        if self.CURSOR:
            self.move_to(self.cursor - self.page, -1)
        else:
            super().action_page_up()

    # -- mouse

    def row_at(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse, if any."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = offset.y + round(self.scroll_y)
        return index if 0 <= index < self.row_count() else None

    def clicked(self, index: int, chain: int) -> None:
        """A click on row ``index`` (``chain`` 2 for a double click)."""
        self.move_to(index, 1)

    def on_click(self, event: events.Click) -> None:
        """Click selects a row (what a double click does is the kind's business)."""
        if not self.CURSOR or self.on_bar(event):
            return
        index = self.row_at(event)
        if index is not None:
            if self.can_focus:
                self.focus()
            self.clicked(index, event.chain)

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        # Without a cursor, Textual's own handler (further up the classes) scrolls.
        if self.CURSOR:
            event.prevent_default()
            event.stop()
            self.move_to(self.cursor + 1, 1)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.CURSOR:
            event.prevent_default()
            event.stop()
            self.move_to(self.cursor - 1, -1)

    def on_focus(self) -> None:
        """Redraw the cursor row in its focused colour."""
        self.refresh_row(self.cursor)

    def on_blur(self) -> None:
        """Redraw the cursor row in its unfocused colour."""
        self.refresh_row(self.cursor)


__all__ = ["CACHE_ROWS", "LineView"]
