"""``KeyBar``: the one-line key reminder at the bottom of a screen, showing the
keys that work where the keyboard is, and only those.

What it shows is read from the bindings active now: the focused widget's, its
containers', the screen's and (below a screen that is not modal) the app's,
in that order, as Textual itself looks keys up (``Screen.active_bindings``).
A binding shows when the key table marks it ``show``, it is not shadowed by a
nearer binding of the same key, no widget nearer the keyboard takes the key
as text (a text field types ``/``; Textual's own filter of its binding chain
misses keys named like ``slash``), and its node's ``check_action`` lets it
run (the app leaves out keys a screen types as text, keys that need a case
when there is none, and ``o``/``O`` on a row with no source to read).  So a
key another part of the browser adds to the key table and binds appears here
by itself, and only where it is bound.

The bar is drawn again whenever Textual says the bindings changed (focus
moved, a screen came or went, ``refresh_bindings``): a plain line drawn with
``render``, without a layout.  Keys are shown as the config file maps them;
``? help`` and the way out (``q quit`` or ``q close``) stay at the right end,
and keys from the right of the others are left out when the line is too
narrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.keys import key_to_character
from textual.widget import Widget

from casefiles.tui.config import Config
from casefiles.tui.keys import CHARACTER_NAMES, KEYS, SPECS, short_key

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

#: Shown last, in this order: the way to more keys and the ways out.
KEEP: tuple[str, ...] = (
    "casefiles.help",
    "casefiles.close",
    "casefiles.reader_close",
    "casefiles.search_close",
    "casefiles.history_close",
    "casefiles.form_cancel",
    "casefiles.quit",
)
_ORDER: dict[str, int] = {spec.id: i for i, spec in enumerate(KEYS)}

Entry = tuple[str, str, str]
"""``(binding id, key as shown, label)``."""


def active_entries(screen: Screen[object], config: Config | None = None) -> list[Entry]:
    """The shown keys that work on ``screen`` now, in key-table order with
    ``KEEP`` last (see the module docstring).  Each is shown by the first of
    its keys that works there, in the order ``config`` lists them (without a
    config, in the binding's order: the app's keymap is already applied)."""
    keys_of: dict[str, list[str]] = {}
    label_of: dict[str, str] = {}
    focused = screen.focused
    chain: list[DOMNode] = list(focused.ancestors_with_self) if focused is not None else []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        binding_id = binding.id
        if binding_id is None or binding_id not in SPECS:
            continue
        if not active.enabled or not binding.show:
            continue
        if chain and _typed_below(chain, active.node, key):
            continue
        keys_of.setdefault(binding_id, []).append(key)
        label_of.setdefault(binding_id, binding.description or SPECS[binding_id].label)
    entries: list[Entry] = []
    for binding_id, keys in keys_of.items():
        wanted = config.key_for(binding_id).split(",") if config is not None else keys
        first = next((k.strip() for k in wanted if k.strip() in keys), keys[0])
        entries.append((binding_id, short_key(first), label_of[binding_id]))
    entries.sort(key=lambda e: (e[0] in KEEP, KEEP.index(e[0]) if e[0] in KEEP else _ORDER[e[0]]))
    return entries


def _typed_below(chain: list[DOMNode], node: DOMNode, key: str) -> bool:
    """Whether a node of the focus ``chain`` nearer the keyboard than ``node``
    takes ``key`` as text (an ``Input`` takes every printable character)."""
    nearer = chain[: chain.index(node)] if node in chain else chain
    # Textual names no character for ``slash``, ``comma``, … (its own filter
    # misses them): the key table's names do
    character = CHARACTER_NAMES.get(key) or (" " if key == "space" else key_to_character(key))
    return any(part.check_consume_key(key, character) for part in nearer)


def fit(entries: list[Entry], width: int) -> list[Entry]:
    """The entries that fit in ``width`` cells: rather than cut the line (and
    with it ``? help`` and the way out), keys from the right of the others are
    left out; help lists every key."""
    kept = [e for e in entries if e[0] in KEEP]
    others = [e for e in entries if e[0] not in KEEP]

    def cells(items: list[Entry]) -> int:
        return (
            1
            + sum(cell_len(f"{key} {label}") for _, key, label in items)
            + 2 * max(0, len(items) - 1)
        )

    while others and cells(others + kept) > width:
        others.pop()
    return others + kept


class KeyBar(Widget):
    """The keys that work here and what they do (see the module docstring).
    ``scopes`` is kept for callers of the older bar; the bindings decide now."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    #: Always shown, at the end (kept for callers; see ``KEEP``).
    KEEP: ClassVar[tuple[str, ...]] = KEEP

    def __init__(self, config: Config | None = None, scopes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.config = config
        self.scopes = scopes
        self._entries: list[Entry] = []
        self._text = Text(" ", no_wrap=True, end="")

    @property
    def entries(self) -> list[Entry]:
        """Every key the bar would show with room enough."""
        return list(self._entries)

    def fitted(self, width: int) -> list[Entry]:
        """The entries shown in ``width`` cells."""
        return fit(self._entries, width)

    @property
    def shown_ids(self) -> list[str]:
        """The binding ids on the bar now (for tests)."""
        return [e[0] for e in self.fitted(self.size.width or 80)]

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.update_keys()

    def on_unmount(self) -> None:
        """Stop following them."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.update_keys()

    def update_keys(self) -> None:
        """Read the active bindings again and redraw if they changed."""
        entries = active_entries(self.screen, self.config)
        if entries != self._entries:
            self._entries = entries
            self._draw()

    def _draw(self) -> None:
        key_style = self.app.current_theme.accent or "bold"
        text = Text(" ", no_wrap=True, overflow="ellipsis", end="")
        for _, key, label in self.fitted(self.size.width or 80):
            if len(text) > 1:
                text.append("  ")
            text.append(key, style=f"bold {key_style}")
            text.append(f" {label}")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        """The line of keys."""
        return self._text

    def on_resize(self) -> None:
        """Fit the keys to the new width."""
        self._draw()


__all__ = ["KEEP", "KeyBar", "active_entries", "fit"]
