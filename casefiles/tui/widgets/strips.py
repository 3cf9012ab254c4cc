"""A row of styled pieces drawn straight into a Textual ``Strip``.

The route through ``rich.text.Text`` (append the pieces as spans, cut with an
ellipsis, render into segments, lay them on the pane's style, pad to the
width) was most of the time a list spent drawing a row.  A row is a handful of
pieces, each in one style, so ``fit`` makes its segments directly: the same
cells in the same styles as that route (``tests/tui/test_strips.py`` compares
the two on wide, combining and hostile text), in a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

Styled = tuple[str, Style | None]
"""Display text (already made safe: ``casefiles.tui.text.clean``, so it holds
no control character for Rich to strip) and its style."""


def fit(pieces: Iterable[Styled], width: int, base: Style, over: Style | None = None) -> Strip:
    """``pieces`` as one line of exactly ``width`` cells: each piece in its style
    laid on ``base`` and under ``over`` (a cursor), cut with ``…`` when the
    line is too long, padded with spaces in ``base`` when it is short.

    When it is cut, the ``…`` takes the style of the piece it replaces, as it
    does in ``Text.truncate``."""
    if width <= 0:
        return Strip([], 0)
    parts = list(pieces)
    plain = "".join(text for text, _ in parts)
    cells = cell_len(plain)
    if cells > width:
        shown = set_cell_size(plain, width - 1) + "…"
        cells = cell_len(shown)
    else:
        shown = plain
    end = len(shown)
    # Runs of one look are one segment: Textual writes every segment with its
    # whole style and a reset, and handles each in every frame it draws.
    texts: list[str] = []
    looks: list[Style] = []
    start = 0
    for text, style in parts:
        if start >= end:
            break
        stop = start + len(text)
        if stop > start:
            # (the piece the cut falls in runs on to the end: its style takes the "…")
            look = base + style if style is not None else base
            if over is not None:
                look = look + over
            if looks and looks[-1] == look:
                texts[-1] += shown[start:stop]
            else:
                texts.append(shown[start:stop])
                looks.append(look)
        start = stop
    if cells < width:
        if looks and looks[-1] == base:
            texts[-1] += " " * (width - cells)
        else:
            texts.append(" " * (width - cells))
            looks.append(base)
    return Strip([Segment(t, s) for t, s in zip(texts, looks, strict=True)], width)


def wrap(pieces: Iterable[Styled], width: int, console: Console) -> list[Strip]:
    """``pieces`` (one line of text) word-wrapped to ``width`` cells: one strip
    per wrapped line, not padded, on no base style.  A line that fits is one
    strip made directly; a longer one goes through ``Text.wrap`` (a test
    checks the first against the second)."""
    parts = list(pieces)
    cells = sum(cell_len(text) for text, _ in parts)
    if cells <= width:
        segments: list[Segment] = []
        for text, style in parts:
            if not text:
                continue
            if segments and segments[-1].style == style:  # one segment per look
                segments[-1] = Segment(segments[-1].text + text, style)
            else:
                segments.append(Segment(text, style))
        return [Strip(segments, cells)]
    line = Text(end="")
    for text, style in parts:
        line.append(text, style or "")
    out: list[Strip] = []
    for part in line.wrap(console, max(1, width)):
        part.end = ""
        out.append(Strip(list(part.render(console))))
    return out


__all__ = ["Styled", "fit", "wrap"]
