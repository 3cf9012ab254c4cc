"""The theme styles of the tags that lines carry (``casefiles.tui.text``), looked
up once per app and theme for every pane.

Every pane draws the same tags (``dim``, ``strong``, ``accent``, …) and the
same cursor in the same colours.  As component classes of each pane, Textual
styled a hidden node per tag and pane whenever a pane was styled: about sixty
before the first frame, and nine more at every focus change.  The app declares
them once instead (``TAG_CLASSES``, styled in ``casefiles.tcss`` as
``App > .tag--dim`` …), and ``tag_styles`` reads them from the app: a pane's
background is the screen's (``$background``), so the colours a tag resolves
to (``auto 60%`` text, a translucent cursor) are the same for every pane.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from weakref import WeakKeyDictionary

from rich.style import Style
from textual.app import App
from textual.css.styles import RenderStyles
from textual.dom import DOMNode

TAGS: Final = ("dim", "strong", "accent", "warn", "mark", "heading")
"""The tags of a line's pieces with a style of their own (``""`` has none)."""

#: What else the panes draw in theme colours: a list's cursor row (focused or
#: not), a list's note when it is empty, an info pane's headings (no
#: underline: they head paragraphs, not list sections), the cites pane's cursor.
EXTRA: Final = ("cursor", "cursor-blurred", "empty", "info-heading", "cite-cursor")

TAG_CLASSES: Final = frozenset(f"tag--{name}" for name in (*TAGS, *EXTRA))
"""The app's component classes that ``tag_styles`` reads."""

#: Styles laid over text (foreground and text style only) versus whole-cell
#: styles with their own background (the cursors).
_WHOLE: Final = frozenset({"cursor", "cursor-blurred", "cite-cursor"})

_CACHE: WeakKeyDictionary[App[Any], dict[str, Style]] = WeakKeyDictionary()


def tag_styles(node: DOMNode) -> Mapping[str, Style]:
    """Every tag's style (``TAGS`` and ``EXTRA`` by name) for the app ``node``
    runs in, computed once per styling of the app (``forget_tag_styles``)."""
    app = node.app
    styles = _CACHE.get(app)
    if styles is None:
        styles = {}
        for name in (*TAGS, *EXTRA):
            component = app.get_component_styles(f"tag--{name}")
            styles[name] = component.rich_style if name in _WHOLE else over_text(component)
        _CACHE[app] = styles
    return styles


def over_text(component: RenderStyles) -> Style:
    """A component style to lay over text: its declared attributes only (not
    the background it would inherit, which would hide a cursor under the text),
    but its colour as the full style resolves it.  The partial style's colour is the ``auto``
    colour before its alpha is blended in: ``$text-muted`` came out white,
    brighter than the text it was to mute."""
    partial = component.partial_rich_style
    if not partial.color:
        return partial
    return partial + Style(color=component.rich_style.color)


def forget_tag_styles(app: App[Any]) -> None:
    """The app was styled again (a new theme): look the tag styles up anew.

    The app's ``notify_style_update`` calls this.  Textual styles the app
    before the panes, and a pane draws only after the styling pass; the
    theme's name cannot serve as the key instead, since it changes before the
    styling pass runs (a pane drawn in between would keep the old colours)."""
    _CACHE.pop(app, None)


__all__ = ["EXTRA", "TAGS", "TAG_CLASSES", "forget_tag_styles", "over_text", "tag_styles"]
