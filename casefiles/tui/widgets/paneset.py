"""Screens made of panes (the main screen, the party view): the focus goes
round the panes in a fixed order (``tab``, ``shift+tab``), and ``z`` zooms the
focused pane to the whole screen and back (Textual's maximize; while zoomed,
moving to another pane zooms that one).  The screens keep their own pane ids;
these helpers take them as ``order``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from textual.screen import Screen
from textual.widget import Widget

#: Said after the title of the zoomed pane.
ZOOMED: Final = " · zoomed (z)"


def pane_of(screen: Screen[Any], order: Sequence[str]) -> Widget | None:
    """The focused widget if it is one of the panes ``order`` names, else ``None``."""
    focused = screen.focused
    return focused if focused is not None and focused.id in order else None


def step_focus(screen: Screen[Any], order: Sequence[str], delta: int, default: str) -> None:
    """Focus the pane ``delta`` places on from the focused one (round the end);
    from a widget that is not a pane, from ``default``."""
    pane = pane_of(screen, order)
    current = pane.id if pane is not None and pane.id is not None else default
    i = order.index(current)
    screen.query_one(f"#{order[(i + delta) % len(order)]}").focus()


def toggle_zoom(screen: Screen[Any], order: Sequence[str], default: Widget) -> None:
    """Zoom the focused pane (else ``default``) to the whole screen, or back."""
    if screen.maximized is not None:
        screen.minimize()
        return
    pane = pane_of(screen, order)
    screen.maximize(pane if pane is not None else default, container=False)


def zoom_follows(screen: Screen[Any], pane: Widget) -> None:
    """While a pane is zoomed, ``pane`` (newly focused) takes its place."""
    if screen.maximized is not None and screen.maximized is not pane:
        screen.maximize(pane, container=False)


def titled(title: str, pane: Widget, screen: Screen[Any]) -> str:
    """``title``, with the zoomed mark when ``pane`` is the zoomed one."""
    return title + (ZOOMED if screen.maximized is pane else "")


__all__ = ["ZOOMED", "pane_of", "step_focus", "titled", "toggle_zoom", "zoom_follows"]
