"""Safe text for the screen: every string from the store or an article becomes a
``rich.text.Text`` built without markup parsing, with control characters made
visible (``casefiles.textsafe.literal``).

A *line* is a list of ``(text, tag)`` pieces; the tag names a semantic style
(``""``, ``"dim"``, ``"strong"``, ``"accent"``, ``"warn"``, ``"mark"``) that the
widget maps to a theme colour, so the pure modules that build lines never pick
colours themselves.  Nothing here imports textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from casefiles.textsafe import literal

Piece = tuple[str, str]
Line = list[Piece]

TAGS = ("", "dim", "strong", "accent", "warn", "mark", "heading")


def clean(value: object, keep_newlines: bool = False) -> str:
    """``value`` as a display string: tabs become spaces, other control
    characters (escape sequences, bidi overrides) visible escapes."""
    text = "" if value is None else str(value)
    return literal(text.replace("\t", "    "), keep_newlines=keep_newlines)


def safe(value: object, style: str | Style = "", keep_newlines: bool = False) -> Text:
    """A ``Text`` showing ``value`` literally (never parsed as markup)."""
    return Text(clean(value, keep_newlines), style=style, end="")


def pad(value: str, width: int) -> str:
    """``value`` cut or padded with spaces to exactly ``width`` terminal cells."""
    text = Text(value)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text.plain


def to_text(line: Iterable[Piece], styles: Mapping[str, Style | str] | None = None) -> Text:
    """Assemble a line of pieces into one ``Text``; each piece is cleaned of control
    characters and styled by its tag."""
    out = Text(end="", no_wrap=True)
    for piece, tag in line:
        style = (styles or {}).get(tag, "") if tag else ""
        out.append(clean(piece), style)
    return out


def plain(line: Iterable[Piece]) -> str:
    """The characters of a line without styles (for tests and copying)."""
    return "".join(clean(piece) for piece, _ in line)


def width(value: str) -> int:
    """Terminal cells ``value`` takes (wide scripts count double)."""
    return cell_len(value)


__all__ = ["TAGS", "Line", "Piece", "clean", "pad", "plain", "safe", "to_text", "width"]
