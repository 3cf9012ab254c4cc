"""``casefiles.tui.widgets.strips.fit`` draws a row exactly as the ``rich.text.Text``
route it replaced (append the pieces, cut with an ellipsis, render, lay on the
pane's style, pad): same characters in the same styles, cell for cell, on
wide, combining, right-to-left and hostile text, at every width."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from casefiles.tui.text import clean
from casefiles.tui.widgets.strips import Styled, fit, wrap

CONSOLE = Console(width=200, color_system="truecolor", legacy_windows=False)
BASE = Style(color="#e0e0e0", bgcolor="#121212")
DIM = Style(color="#888888")
BOLD = Style(bold=True)
ACCENT = Style(color="#ffc473", underline=True)
CURSOR = Style(color="#ddedf9", bgcolor="#0178d4", bold=True)

ROWS: list[list[Styled]] = [
    [],
    [("", None)],
    [("Kem Sokha", BOLD)],
    [("  ", None), ("ADHOC staff", None), (" · ", DIM), ("pending", ACCENT)],
    [("ម៉ាលីន", BOLD), (" ", None), ("Khmer vowel sign", DIM)],
    [("中文名字很长", ACCENT), ("x", None), ("寬字", BOLD)],
    [("a", None), ("中", BOLD), ("b", DIM)],
    [("العربية", None), (" ", None), ("עברית", DIM)],
    [(clean("bell\x07 esc\x1b[31m red \u202e bidi"), None), (clean("\ttab"), BOLD)],
    [("e\u0301\u0301 combining", DIM), ("", BOLD), ("end", None)],
    [("exactly ten", None)],
    [("x" * 300, DIM)],
]


def rich_route(pieces: list[Styled], width: int, over: Style | None) -> Strip:
    """What ``LineList.draw_row`` did before ``fit``."""
    text = Text(end="", no_wrap=True)
    for piece, style in pieces:
        text.append(piece, style or "")
    if over is not None:
        text.stylize(over)
        text.truncate(width, overflow="ellipsis", pad=True)
    text.truncate(width, overflow="ellipsis")
    strip = Strip(list(text.render(CONSOLE))).apply_style(BASE)
    return strip.crop_extend(0, width, BASE)


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """Every character of ``strip`` with its style (however it is segmented; no
    style and the null style are the same: both draw on the pane's own)."""
    return [(ch, seg.style or None) for seg in strip for ch in seg.text]


@pytest.mark.parametrize("over", [None, CURSOR], ids=["plain", "cursor"])
@pytest.mark.parametrize("row", ROWS, ids=[str(i) for i in range(len(ROWS))])
def test_fit_draws_what_the_text_route_drew(row: list[Styled], over: Style | None) -> None:
    for width in [*range(0, 24), 40, 80, 119]:
        want = rich_route(row, width, over)
        got = fit(row, width, BASE, over)
        assert got.cell_length == width
        assert cells(got) == cells(want), (row, width)


def test_a_cut_row_ends_in_an_ellipsis_in_the_style_of_what_it_replaces() -> None:
    strip = fit([("Kem ", None), ("Sokha", BOLD)], 6, BASE)
    assert strip.text == "Kem S…"
    assert cells(strip)[-1] == ("…", BASE + BOLD)
    assert fit([("Kem ", None), ("Sokha", BOLD)], 9, BASE).text == "Kem Sokha"
    assert fit([("Kem", None)], 6, BASE).text == "Kem   "


def test_pad_gives_what_text_truncate_gave() -> None:
    """``casefiles.tui.text.pad`` (columns of rows) without building a ``Text``."""
    from casefiles.tui.text import pad

    for value in ["", "a", "Kem Sokha", "中文名字很长", "a中b", "e\u0301x", "bell\x07x\r", "ម៉ាលីន"]:
        for width in range(0, 14):
            text = Text(value)
            text.truncate(width, overflow="ellipsis", pad=True)
            assert pad(value, width) == text.plain, (value, width)


def rich_wrap(pieces: list[Styled], width: int) -> list[Strip]:
    """What ``InfoPane`` did before ``strips.wrap``: the whole line through ``Text.wrap``."""
    text = Text(end="", no_wrap=True)
    for piece, style in pieces:
        text.append(piece, style or "")
    text.no_wrap = False
    out = []
    for part in text.wrap(CONSOLE, max(1, width)):
        part.end = ""
        out.append(Strip(list(part.render(CONSOLE))))
    return out


LONG: list[Styled] = [
    ("Opposition commune chief Seang Chet (Srok commune, Kampong Cham) was arrested ", None),
    ("by the ACU", BOLD),
    (" and charged under Art. 548 — ", DIM),
    ("ម៉ាលីន ជិន 中文名字很长 " * 3, ACCENT),
    ("x" * 90, None),
]


@pytest.mark.parametrize("row", [*ROWS, LONG], ids=[*(str(i) for i in range(len(ROWS))), "long"])
def test_wrap_gives_what_text_wrap_gave(row: list[Styled]) -> None:
    for width in [1, 2, 3, 5, 8, 13, 21, 40, 80, 119]:
        want = rich_wrap(row, width)
        got = wrap(row, width, CONSOLE)
        assert [cells(s) for s in got] == [cells(s) for s in want], (row, width)
        assert [s.cell_length for s in got] == [s.cell_length for s in want], (row, width)
