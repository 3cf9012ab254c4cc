"""``InfoPane``: a read-only, scrollable pane of text lines (case header, party
header, cites strip); ``KeyBar``: the one-line key reminder at the bottom.

Lines come from ``casefiles.tui.facts`` as tagged pieces and are turned into
``Text`` without markup parsing, so data shows literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from casefiles.tui.config import KEYS, Config
from casefiles.tui.text import Line, to_text


class InfoPane(VerticalScroll, can_focus=False):
    """Wrapped lines of text that scroll with the mouse wheel."""

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
        scrollbar-size-vertical: 1;
        & > .info-pane--dim { color: $text-muted; }
        & > .info-pane--strong { text-style: bold; }
        & > .info-pane--accent { color: $text-accent; }
        & > .info-pane--warn { color: $text-warning; text-style: bold; }
        & > .info-pane--mark { color: $text-success; text-style: bold; }
        & > .info-pane--heading { color: $text-secondary; text-style: bold; }
        & > Static { width: 1fr; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[Line] = []
        self.body = Static("", markup=False)

    def compose(self) -> ComposeResult:
        yield self.body

    def _styles(self) -> dict[str, Style]:
        get = self.get_component_rich_style
        return {
            tag: get(f"info-pane--{tag}", partial=True)
            for tag in ("dim", "strong", "accent", "warn", "mark", "heading")
        }

    def show(self, lines: Sequence[Line]) -> None:
        """Replace the text; scroll back to the top."""
        self._lines = list(lines)
        styles = self._styles() if self.is_mounted else {}
        text = Text("\n", end="").join(to_text(line, styles) for line in self._lines)
        text.no_wrap = False
        self.body.update(text)
        self.scroll_home(animate=False)

    def on_mount(self) -> None:
        """Draw with theme styles once they are known."""
        if self._lines:
            self.show(self._lines)

    @property
    def plain(self) -> str:
        """The shown text without styles (for tests)."""
        return "\n".join("".join(piece for piece, _ in line) for line in self._lines)


_KEY_NAMES = {
    "enter": "⏎",
    "escape": "esc",
    "slash": "/",
    "question_mark": "?",
    "backspace": "⌫",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def short_key(keys: str) -> str:
    """The first of a binding's keys as the key bar shows it (``ctrl+p`` -> ``^p``)."""
    key = keys.split(",")[0].strip()
    if key.startswith("ctrl+"):
        return "^" + key.removeprefix("ctrl+")
    return _KEY_NAMES.get(key, key)


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

    def on_mount(self) -> None:
        """Draw the keys in the theme's key colour."""
        key_style = self.app.current_theme.accent or "bold"
        text = Text(" ", no_wrap=True, overflow="ellipsis", end="")
        for spec in KEYS:
            if not spec.show or spec.scope not in self.scopes:
                continue
            if len(text) > 1:
                text.append("  ")
            text.append(short_key(self.config.key_for(spec.id)), style=f"bold {key_style}")
            text.append(f" {spec.label}")
        self.update(text)
