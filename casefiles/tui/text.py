"""Safe text for the screen: every string from the store or an article becomes a
``rich.text.Text`` built without markup parsing, with control characters made
visible (``casefiles.textsafe.literal``).

A *line* is a list of ``(text, tag)`` pieces; the tag names a semantic style
(``""``, ``"dim"``, ``"strong"``, ``"accent"``, ``"warn"``, ``"mark"``) that the
widget maps to a theme colour, so the pure modules that build lines never pick
colours themselves.  Nothing here imports textual.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import rich.cells
from rich._unicode_data import load as _load_cell_table
from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.style import Style
from rich.text import Text

from casefiles.article import char_cells
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
    """``value`` cut (ending in ``…``) or padded with spaces to exactly ``width``
    terminal cells: what ``Text.truncate(width, overflow="ellipsis", pad=True)``
    gives, without building a ``Text`` (rows pad many columns)."""
    text = strip_control_codes(value)
    cells = cell_len(text)
    if cells > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - cells)


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


def _terminal_ranges(widths: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Rich's width table with every spacing combining mark (``Mc``) that it
    counts as zero cells set to the width terminals give it (``char_cells``)."""
    out: list[tuple[int, int, int]] = []
    for start, end, cells in widths:
        if cells != 0:
            out.append((start, end, cells))
            continue
        run_start, run_cells = start, None
        for code in range(start, end + 1):
            ch = chr(code)
            want = char_cells(ch) if unicodedata.category(ch) == "Mc" else 0
            if run_cells is None:
                run_cells = want
            elif want != run_cells:
                out.append((run_start, code - 1, run_cells))
                run_start, run_cells = code, want
        out.append((run_start, end, run_cells or 0))
    return out


_MATCHED: set[int] = set()
"""The Rich width tables already rewritten (Rich keeps each table for good)."""


def match_terminal_widths() -> None:
    """Make Rich (and so Textual) count cells the way terminals draw them.

    Rich counts a spacing combining mark (Unicode category ``Mc``: the Khmer
    vowel sign AA in ``ម៉ាលីន``, Devanagari ``ा``, …) as zero cells; terminals
    following the ``wcwidth`` rules of glibc — tmux, xterm, VTE — advance the
    cursor one cell for it.  Every such mark then shifted the rest of its row:
    labels were cut, right borders moved, the input cursor landed inside a
    word.  Rich looks widths up in one table per Unicode version (a list);
    this rewrites that list in place and empties Rich's width caches, so
    every width Textual computes afterwards agrees with the terminal
    (``casefiles.article.char_cells`` is the rule).  Safe to call again.
    """
    for version in ("auto", "latest"):
        table = _load_cell_table(version)
        if id(table) in _MATCHED:
            continue  # "auto" is usually "latest": one table, rewritten once
        _MATCHED.add(id(table))
        widths = table.widths
        fixed = _terminal_ranges(list(widths))
        if fixed != list(widths) and isinstance(widths, list):
            widths[:] = fixed
    rich.cells.get_character_cell_size.cache_clear()
    rich.cells.cached_cell_len.cache_clear()


__all__ = [
    "TAGS",
    "Line",
    "Piece",
    "clean",
    "match_terminal_widths",
    "pad",
    "plain",
    "safe",
    "to_text",
    "width",
]
