"""Article text: finding cited quotes and names, display text, wrapping.

The core of the article reader (``o`` in the browser) and of quote
verification, with no user-interface code: everything here works on plain
strings and offsets into them.

Quotes rarely match an article byte for byte.  ``find_quote`` ignores case,
treats any run of whitespace as one space, treats straight and curly quote
marks (and the dash family) as equal, and ignores punctuation and quote marks
at the ends of the quote (a quote cited as ``"…was convicted."`` still matches
``was convicted,``).  It returns every place the quote occurs, as ``(start,
end)`` offsets into the text it was given.

Wrapping counts terminal cells the way terminals do (``char_cells``): a wide
(CJK) character takes two cells, a combining mark that does not advance the
cursor none, and a spacing combining mark — the Khmer vowel sign AA, say —
one.

``Marks`` and ``Article`` are Structs (msgspec), not dataclasses: created in C
at import, which the browser's first frame waits for.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

from msgspec import Struct, field

from casefiles import model
from casefiles.store import Store, StoreError
from casefiles.textsafe import literal

TAB_SIZE: Final = 4
"""Tabs in article text become this many columns."""

SINGLE_QUOTES: Final = "'‘’‚‛′`´"
DOUBLE_QUOTES: Final = '"“”„‟″«»'
QUOTE_MARKS: Final = SINGLE_QUOTES + DOUBLE_QUOTES
DASHES: Final = "-‐‑‒–—―−"
EDGE_JUNK: Final = " \t\n.…,;:" + QUOTE_MARKS
"""Characters ignored at either end of a quote."""


# ----------------------------------------------------------------- matching


def _char_pattern(ch: str) -> str:
    if ch in SINGLE_QUOTES:
        return f"[{re.escape(SINGLE_QUOTES)}]"
    if ch in DOUBLE_QUOTES:
        return f"[{re.escape(DOUBLE_QUOTES)}]"
    if ch in DASHES:
        return f"[{re.escape(DASHES)}]"
    return re.escape(ch)


def _words_pattern(text: str) -> str:
    return r"\s+".join("".join(_char_pattern(ch) for ch in word) for word in text.split())


def quote_core(quote: str) -> str:
    """The part of ``quote`` that is looked for: ends trimmed of spaces,
    punctuation and quote marks (empty when nothing is left)."""
    core = quote.strip(EDGE_JUNK)
    return core if core.strip() else ""


@lru_cache(maxsize=256)
def quote_pattern(quote: str) -> re.Pattern[str] | None:
    """A forgiving regex for a cited quote (case, whitespace, quote marks, dashes),
    or ``None`` when nothing is left to look for."""
    core = quote_core(quote)
    if not core:
        return None
    return re.compile(_words_pattern(core), re.IGNORECASE)


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` in ``text`` where ``quote`` occurs, in order.

    Matching ignores case, treats any whitespace run as one space, treats all
    straight and curly single quote marks alike, all double quote marks alike
    and all dashes alike, and ignores spaces, ``.…,;:`` and quote marks at the
    ends of ``quote``.  An empty (or punctuation-only) quote is found nowhere.
    Offsets index ``text`` as given (no normalisation of ``text`` is needed).
    """
    pattern = quote_pattern(quote)
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def _latin(ch: str) -> bool:
    return ch.isalnum() and ord(ch) < 0x0250


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for all party names (longest first), whole words for Latin script."""
    parts: list[str] = []
    wanted = {n.strip() for n in names if n and len(n.strip()) >= 2}  # "A" would mark every "a"
    for name in sorted(wanted, key=len, reverse=True):
        shown = literal(name)
        body = _words_pattern(shown)
        if _latin(shown[0]):
            body = r"(?<!\w)" + body
        if _latin(shown[-1]):
            body += r"(?!\w)"
        parts.append(body)
    if not parts:
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


class Marks(Struct):
    """Where the quotes and names are in a text."""

    quotes: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, quote number) of every quote occurrence, by position."""
    names: list[tuple[int, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Quotes not found in the text."""


def find_marks(text: str, quotes: Sequence[str], names: Iterable[str]) -> Marks:
    """Every occurrence of each quote and name in ``text``, the display text
    (quotes are made literal the way the display text was)."""
    marks = Marks()
    seen: set[str] = set()
    for number, quote in enumerate(quotes):
        key = " ".join(quote.split()).casefold()
        if not key or key in seen:
            continue
        seen.add(key)
        found = find_quote(text, literal(quote))
        if found:
            marks.quotes.extend((a, b, number) for a, b in found)
        else:
            marks.missing.append(quote)
    marks.quotes.sort()
    pattern = names_pattern(names)
    if pattern is not None:
        marks.names = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]
    return marks


def display_text(raw: str) -> str:
    """What the reader shows for raw article text: newlines normalised, tabs
    expanded, every other control character as a visible escape."""
    text = raw.replace("\r\n", "\n").expandtabs(TAB_SIZE)
    return literal(text, keep_newlines=True)


# ----------------------------------------------------------------- passages

PASSAGE_WINDOW: Final = 8
"""Words of a passage tried on their own when the whole passage is not found."""


def find_passage(text: str, passage: str) -> tuple[int, int] | None:
    """Where ``passage`` (a search hit's snippet, a quote) is in ``text``, matched
    as ``find_quote`` matches quotes; when the whole is not found (a character
    shown differently, a snippet cut mid-word), its first and then its last
    ``PASSAGE_WINDOW`` words.  ``None`` when none of these is found."""
    found = find_quote(text, passage)
    if found:
        return found[0]
    words = passage.split()
    if len(words) <= 2:
        return None
    size = min(PASSAGE_WINDOW, len(words) - 1)
    for part in (words[1 : size + 1], words[-size - 1 : -1]):  # end words may be cut
        found = find_quote(text, " ".join(part))
        if found:
            return found[0]
    return None


def word_end(text: str, pos: int) -> int:
    """The end of the word at or after ``pos`` (spaces before it skipped)."""
    n = len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    while pos < n and not text[pos].isspace():
        pos += 1
    return pos


def previous_word_end(text: str, pos: int, floor: int) -> int:
    """The end of the word before the one ending at ``pos``, not below the end of
    the first word from ``floor`` (a selection keeps at least one word)."""
    first = word_end(text, floor)
    p = pos
    while p > floor and not text[p - 1].isspace():
        p -= 1
    while p > floor and text[p - 1].isspace():
        p -= 1
    return max(p, first)


def word_start(text: str, pos: int) -> int:
    """The start of the word at ``pos`` (or of the next word when ``pos`` is on a space)."""
    n = len(text)
    if pos < n and text[pos].isspace():
        while pos < n and text[pos].isspace():
            pos += 1
        return pos
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def passage_text(text: str, start: int, end: int) -> str:
    """The selected text ``text[start:end]`` as a quote: whitespace runs (line
    ends included) become one space, ends trimmed; nothing else changes."""
    return " ".join(text[start:end].split())


# ----------------------------------------------------------------- cells


@lru_cache(maxsize=4096)
def char_cells(ch: str) -> int:
    """Terminal cells one character takes, as terminals count them (the
    ``wcwidth`` rules of glibc, which tmux and most terminals follow): 0 for
    non-spacing and enclosing marks, format characters and Hangul medial
    vowels/final consonants; 2 for East Asian wide and full-width characters;
    1 for everything else, spacing combining marks (category ``Mc``) included."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    if code == 0xAD:
        return 1
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf") or 0x1160 <= code <= 0x11FF or code == 0x200B:
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def cells(text: str) -> int:
    """Terminal cells ``text`` takes (see ``char_cells``)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


# ----------------------------------------------------------------- wrapping


def _fit(text: str, start: int, stop: int, width: int) -> int:
    """The largest end <= stop such that ``text[start:end]`` takes <= ``width`` cells
    (at least one character, so a wide character on a narrow view still advances)."""
    used = 0
    pos = start
    while pos < stop:
        size = char_cells(text[pos])
        if used + size > width and pos > start:
            break
        used += size
        pos += 1
    # A mark that takes no cell stays with the character it sits on.
    while pos < stop and char_cells(text[pos]) == 0:
        pos += 1
    return pos


def wrap_rows(text: str, width: int) -> tuple[array[int], array[int]]:
    """Row starts and ends (offsets into ``text``) when wrapped at ``width`` cells,
    breaking after spaces where possible.  Newlines end rows and are not shown."""
    width = max(1, width)
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    n = len(text)
    all_ascii = text.isascii()
    pos = 0
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        ascii_line = all_ascii or text[pos:nl].isascii()
        if nl - pos <= width and (ascii_line or cells(text[pos:nl]) <= width):
            starts.append(pos)
            ends.append(nl)
        else:
            s = pos
            while True:
                e = min(s + width, nl) if ascii_line else _fit(text, s, nl, width)
                if e >= nl:
                    starts.append(s)
                    ends.append(nl)
                    break
                space = text.rfind(" ", s, e + 1)
                if space > s:
                    starts.append(s)
                    ends.append(space)
                    s = space + 1
                else:
                    starts.append(s)
                    ends.append(e)
                    s = e
                if s >= nl:
                    break
        if nl >= n:
            break
        pos = nl + 1
    return starts, ends


class Article(Struct):
    """A prepared article: display text, marks and rows for one width."""

    text: str
    marks: Marks
    stored: bool
    """Whether this is the stored article (else a note about the source)."""
    starts: array[int] = field(default_factory=lambda: array("q"))
    ends: array[int] = field(default_factory=lambda: array("q"))
    width: int = 0
    problem: str | None = None

    def wrapped(self, width: int) -> Article:
        """The same text and marks, wrapped at ``width`` cells."""
        out = Article(self.text, self.marks, self.stored, problem=self.problem)
        out.starts, out.ends = wrap_rows(self.text, width)
        out.width = width
        return out

    def row_of(self, offset: int) -> int:
        """The row that shows text offset ``offset``."""
        if not self.starts:
            return 0
        return max(0, bisect_right(self.starts, offset) - 1)


def source_summary(source: Mapping[str, Any] | None, source_id: str) -> list[str]:
    """Metadata lines shown above the text (and instead of it when there is none)."""
    if source is None:
        return [f"No source with id {source_id!r} in the store."]
    lines = [str(source.get("title") or source_id)]
    facts = [
        str(source.get("publisher") or "unknown publisher"),
        model.human_date(source.get("published"), "undated"),
    ]
    if source.get("kind"):
        facts.append(model.humanise(str(source["kind"])))
    if source.get("language"):
        facts.append(str(source["language"]))
    lines.append(" · ".join(facts))
    if source.get("url"):
        lines.append(str(source["url"]))
    return [literal(line) for line in lines]


def prepare_article(
    store: Store,
    source_id: str,
    quotes: Sequence[str],
    names: Sequence[str],
    width: int,
) -> Article:
    """Read a source's article, find its quotes and names and wrap it at
    ``width`` cells (slow for a big file: run it in a thread).  A source
    without a readable text gives a note about the source instead."""
    source = store.get(model.SOURCES, source_id)
    if source is None:
        note = "\n".join(source_summary(None, source_id))
        article = Article(
            note,
            Marks(missing=list(quotes)),
            stored=False,
            problem=f"no source with id {literal(source_id)!r} in the store",
        )
    elif not source.get("file"):
        # The header above the text already shows title, publisher and date.
        lines = ["There is no stored text for this source (it has no article file)."]
        if source.get("url"):
            lines += ["", f"URL: {literal(str(source['url']))}", "Press O to open it outside."]
        if source.get("note"):
            lines += ["", literal(str(source["note"]))]
        article = Article(
            "\n".join(lines), Marks(missing=list(quotes)), stored=False, problem="no stored text"
        )
    else:
        try:
            text = display_text(store.read_article(source))
        except StoreError as exc:
            problem = str(exc)
            lines = [*source_summary(source, source_id), "", literal(problem)]
            if source.get("url"):
                lines.append("Press O to open its URL outside the app.")
            article = Article(
                "\n".join(lines), Marks(missing=list(quotes)), stored=False, problem=problem
            )
        else:
            article = Article(text, find_marks(text, quotes, names), stored=True)
    return article.wrapped(width)


__all__ = [
    "DASHES",
    "QUOTE_MARKS",
    "TAB_SIZE",
    "Article",
    "Marks",
    "cells",
    "char_cells",
    "display_text",
    "find_marks",
    "find_passage",
    "find_quote",
    "names_pattern",
    "passage_text",
    "prepare_article",
    "previous_word_end",
    "quote_core",
    "quote_pattern",
    "source_summary",
    "word_end",
    "word_start",
    "wrap_rows",
]
