"""``InfoPane``: a read-only, scrollable pane of text lines (case header, party
header, cites strip); ``KeyBar``: the one-line key reminder at the bottom.

Lines come from ``casefiles.tui.facts`` as tagged pieces and are turned into
``Text`` without markup parsing, so data shows literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from casefiles.tui.config import Config
from casefiles.tui.keys import KEYS, short_key
from casefiles.tui.text import Line, to_text


class InfoPane(ScrollView, can_focus=False):
    """Wrapped lines of text that scroll with the mouse wheel, drawn with the line
    API: new text re-wraps and repaints the pane alone, without a screen layout
    (panes keep their size as the cursor moves; see ``set_virtual_size``)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "info-pane--dim",
        "info-pane--strong",
        "info-pane--accent",
        "info-pane--warn",
        "info-pane--mark",
        "info-pane--heading",
    }

    DEFAULT_CSS = """
    InfoPane {
        overflow-x: hidden;
        /* An always-present scrollbar never appears or disappears, which
           would re-lay out the whole screen on a cursor move. */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .info-pane--dim { color: $text-muted; }
        & > .info-pane--strong { text-style: bold; }
        & > .info-pane--accent { color: $text-accent; }
        & > .info-pane--warn { color: $text-warning; text-style: bold; }
        & > .info-pane--mark { color: $text-success; text-style: bold; }
        & > .info-pane--heading { color: $text-secondary; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[Line] = []
        self._wrapped: list[Strip] = []
        self._wrapped_width = -1
        self._base: Style | None = None
        self._tag_styles: dict[str, Style] | None = None

    def _styles(self) -> dict[str, Style]:
        """Tag styles from the theme, looked up once per theme."""
        if self._tag_styles is None:
            get = self.get_component_rich_style
            self._tag_styles = {
                tag: get(f"info-pane--{tag}", partial=True)
                for tag in ("dim", "strong", "accent", "warn", "mark", "heading")
            }
        return self._tag_styles

    def _wrap(self, width: int) -> None:
        """Wrap the lines to ``width`` cells once; drawing then only picks strips."""
        width = max(1, width)
        console = self.app.console
        styles = self._styles()
        strips: list[Strip] = []
        for line in self._lines:
            text = to_text(line, styles)
            text.no_wrap = False
            for part in text.wrap(console, width):
                part.end = ""
                strips.append(Strip(list(part.render(console))))
        self._wrapped = strips
        self._wrapped_width = width
        set_virtual_size(self, Size(width, len(strips)))

    def show(self, lines: Sequence[Line]) -> None:
        """Replace the text; scroll back to the top."""
        self._lines = list(lines)
        self._wrapped_width = -1
        if self.is_mounted:
            self._wrap(self.scrollable_content_region.width)
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width."""
        self._wrap(self.scrollable_content_region.width)

    def notify_style_update(self) -> None:
        """Theme changed: wrap again with the new colours."""
        self._wrapped_width = -1
        self._base = None
        self._tag_styles = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the pane, from the wrapped strips."""
        width = self.scrollable_content_region.width
        if self._wrapped_width != width and self.is_mounted:
            self._wrap(width)
        if self._base is None:
            self._base = self.rich_style  # costly to compute for every line
        base = self._base
        index = y + round(self.scroll_y)
        if 0 <= index < len(self._wrapped):
            return self._wrapped[index].apply_style(base).crop_extend(0, width, base)
        return Strip.blank(width, base)

    @property
    def drawn(self) -> str:
        """Every wrapped line as the pane draws it (scrolled-away lines too)."""
        if self._wrapped_width != self.scrollable_content_region.width and self.is_mounted:
            self._wrap(self.scrollable_content_region.width)
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


class KeyBar(Static):
    """The main keys and what they do, from the key table and the config's
    keymap.  A plain line of text: unlike Textual's ``Footer`` it is not rebuilt
    whenever focus moves, so switching panes stays cheap."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, config: Config, scopes: tuple[str, ...] = ("list", "app")) -> None:
        super().__init__("", markup=False)
        self.config = config
        self.scopes = scopes

    #: Always shown, at the end: the way to more keys and the way out.
    KEEP: ClassVar[tuple[str, ...]] = ("casefiles.help", "casefiles.quit")

    def _entries(self) -> list[tuple[str, str, str]]:
        """``(binding id, key, label)`` of the keys to show, ``KEEP`` last."""
        entries = [
            (spec.id, short_key(self.config.key_for(spec.id)), spec.label)
            for spec in KEYS
            if spec.show and spec.scope in self.scopes
        ]
        kept = [e for e in entries if e[0] in self.KEEP]
        return [e for e in entries if e[0] not in self.KEEP] + kept

    def fitted(self, width: int) -> list[tuple[str, str, str]]:
        """The entries that fit in ``width`` cells: rather than cut the line (and
        with it ``? help`` and ``q quit``), keys from the right of the others are
        left out; help lists every key."""
        entries = self._entries()
        kept = [e for e in entries if e[0] in self.KEEP]
        others = [e for e in entries if e[0] not in self.KEEP]

        def cells(items: list[tuple[str, str, str]]) -> int:
            return (
                1
                + sum(cell_len(f"{key} {label}") for _, key, label in items)
                + 2 * max(0, len(items) - 1)
            )

        while others and cells(others + kept) > width:
            others.pop()
        return others + kept

    def _draw(self) -> None:
        key_style = self.app.current_theme.accent or "bold"
        text = Text(" ", no_wrap=True, overflow="ellipsis", end="")
        for _, key, label in self.fitted(self.size.width or 80):
            if len(text) > 1:
                text.append("  ")
            text.append(key, style=f"bold {key_style}")
            text.append(f" {label}")
        self.update(text)

    def on_mount(self) -> None:
        """Draw the keys in the theme's key colour."""
        self._draw()

    def on_resize(self) -> None:
        """Fit the keys to the new width."""
        self._draw()
