"""Text normalisation for search, with a map back to the original text.

Every indexed string and every query term goes through the same per-character
mapping:

* NFKD decomposition, then combining marks from the *generic diacritic blocks*
  (U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF, U+FE20–FE2F — the marks
  Latin, Greek and Cyrillic text uses) are dropped, so ``Sôkhan`` → ``sokhan``
  and ``Vỹrak`` → ``vyrak``.  Marks of other scripts (Khmer vowel signs,
  coeng, Devanagari matras …) are kept: Khmer words stay intact.
* A few letters NFKD does not decompose are folded by hand (``đ`` → ``d``,
  ``ø`` → ``o``, ``ł`` → ``l``, ``æ`` → ``ae`` …).
* Letters and digits are case-folded; everything else (punctuation, symbols,
  whitespace, control and format characters such as ZWSP) is a word separator.
  Runs of separators become one space; no leading or trailing space.

``normalise`` is the fast form used for indexing.  ``normalise_map`` returns
the same string plus, for each normalised character, the ``[start, end)``
range of original characters it came from (dropped marks extend the range of
the character before them), which ``original_spans`` uses to turn spans over
normalised text into spans over the original text, widened so that a span
never splits a base character from its combining marks or a Khmer coeng
cluster.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_DIACRITIC_BLOCKS: Final = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_FOLDS: Final[dict[str, str]] = {
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "þ": "th",
    "Þ": "th",
    "ħ": "h",
    "Ħ": "h",
    "ı": "i",
}
_COENG: Final = "\u17d2"


def _is_diacritic(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in _DIACRITIC_BLOCKS)


def _map_char(ch: str) -> str:
    """The normalised form of one character: letters/digits/kept marks, ``""`` for a
    dropped diacritic, ``" "`` for a separator."""
    folded = _FOLDS.get(ch)
    if folded is not None:
        return folded
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", ch):
        cat = unicodedata.category(part)
        if cat[0] == "M":
            if not _is_diacritic(ord(part)):
                out.append(part)
        elif cat[0] in "LN":
            low = part.casefold()
            for sub in low:
                # casefold may itself produce a diacritic (rare); drop it too
                if unicodedata.category(sub)[0] == "M" and _is_diacritic(ord(sub)):
                    continue
                out.append(_FOLDS.get(sub, sub))
        else:
            out.append(" ")
    text = "".join(out)
    # A character that is a separator in part and a letter in part ("½" -> "1 2")
    # keeps its inner spaces; a pure separator is one space.
    return text


class _Table(dict[int, str]):
    """``str.translate`` table that computes and caches each character's mapping."""

    def __missing__(self, code: int) -> str:
        value = _map_char(chr(code))
        self[code] = value
        return value


_TABLE: Final = _Table()
for _c in range(128):
    _TABLE[_c] = _map_char(chr(_c))


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of ``text`` (Khmer kept intact)."""
    return " ".join(text.translate(_TABLE).split())


_ASCII_WORD: Final = re.compile(r"[A-Za-z0-9]+")


def normalise_map(text: str, upto: int | None = None) -> tuple[str, list[int], list[int]]:
    """``normalise(text)`` and, per normalised character, its original ``[start, end)``.

    With ``upto``, mapping may stop once that many normalised characters exist
    (the string returned is then a prefix of ``normalise(text)``).
    """
    if text.isascii():
        return _ascii_map(text, upto)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space = -1  # original index of the first separator of a run
    for i, ch in enumerate(text):
        mapped = _TABLE[ord(ch)]
        if not mapped:
            if ends and pending_space < 0:
                ends[-1] = i + 1  # a dropped mark belongs to the character before it
            continue
        for sub in mapped:
            if sub == " ":
                if pending_space < 0:
                    pending_space = i
                continue
            if pending_space >= 0:
                if upto is not None and len(chars) > upto:
                    return "".join(chars), starts, ends
                if chars:
                    chars.append(" ")
                    starts.append(pending_space)
                    ends.append(pending_space + 1)
                pending_space = -1
            chars.append(sub)
            starts.append(i)
            ends.append(i + 1)
    return "".join(chars), starts, ends


def _ascii_map(text: str, upto: int | None) -> tuple[str, list[int], list[int]]:
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    size = 0
    prev_end = 0
    for m in _ASCII_WORD.finditer(text):
        a, b = m.span()
        if words:
            starts.append(prev_end)
            ends.append(prev_end + 1)
            size += 1
        prev_end = b
        words.append(m.group().lower())
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        size += b - a
        if upto is not None and size > upto:
            break
    return " ".join(words), starts, ends


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def original_spans(
    text: str,
    starts: list[int],
    ends: list[int],
    spans: list[tuple[int, int]] | tuple[tuple[int, int], ...],
) -> tuple[tuple[int, int], ...]:
    """Map ``[start, end)`` spans over the normalised text back to ``text``.

    Spans are widened to whole clusters (a base character with its combining
    marks, a Khmer consonant with its subscript), sorted, and merged when they
    overlap or touch.
    """
    out: list[tuple[int, int]] = []
    n = len(starts)
    for s, e in spans:
        if s >= e or s < 0 or e > n:
            continue
        a = starts[s]
        b = ends[e - 1]
        while a > 0 and (_is_mark(text[a]) or text[a - 1] == _COENG):
            a -= 1
        while b < len(text) and (_is_mark(text[b]) or text[b - 1] == _COENG):
            b += 1
        out.append((a, b))
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return tuple(merged)


__all__ = ["normalise", "normalise_map", "original_spans"]
