"""Every rule about unsafe characters, in one place.

One set of characters is *unsafe*: C0 controls, DEL, C1 controls, and the bidi
overrides and isolates that can reorder what a reader sees (``UNSAFE``).  Each
use below is that set with a stated exception, never a set of its own:

* ``refused_in_line`` / ``refused_in_text``: what validation refuses in a
  one-line value (names, titles, URLs) and in a multi-line value (summaries,
  notes, quotes, where tab, newline and carriage return are allowed);
* ``literal``: text for the terminal (CLI output, notifications), every unsafe
  character shown as a visible ``\\xNN``/``\\uNNNN`` escape;
* ``one_line``: text for one pasteable line (the clipboard's citations):
  whitespace runs, newlines included, become one space, every other unsafe
  character is escaped as ``literal`` does (never silently dropped);
* ``json_safe``: JSON text for the terminal, every unsafe character written as
  a ``\\uNNNN`` escape (still valid JSON that decodes to the exact data);
* ``strip_refused``: text taken in from outside (imported pages), the
  characters validation would refuse removed before it is stored.

Nothing is ever interpreted (markup, escape sequences): the functions only
replace characters.
"""

from __future__ import annotations

import functools
import re
from typing import Final

#: Code point ranges (inclusive) of the unsafe characters: C0 controls, DEL and
#: C1 controls, the bidi embeddings/overrides (U+202A–U+202E) and isolates
#: (U+2066–U+2069).
UNSAFE_RANGES: Final[tuple[tuple[int, int], ...]] = (
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
#: Every unsafe character.
UNSAFE: Final[frozenset[str]] = frozenset(
    chr(code) for low, high in UNSAFE_RANGES for code in range(low, high + 1)
)
#: What a multi-line value (summary, note, quote) may hold of ``UNSAFE``.
TEXT_ALLOWED: Final = frozenset("\t\n\r")


def _class(allowed: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """A one-character pattern for ``UNSAFE`` minus ``allowed``."""
    chars = sorted(UNSAFE - allowed)
    return re.compile("[" + "".join(f"\\u{ord(ch):04x}" for ch in chars) + "]")


_UNSAFE: Final = _class()
_SPACE: Final = re.compile(r"\s+")


# The other two classes are compiled when first used (about 0.2 ms each, for
# characters beyond U+00FF): the browser's first frame needs only ``_UNSAFE``.
@functools.cache
def _unsafe_text() -> re.Pattern[str]:
    return _class(TEXT_ALLOWED)


@functools.cache
def _unsafe_keep_nl() -> re.Pattern[str]:
    return _class(frozenset("\n"))


def refused_in_line(value: str) -> int | None:
    """Where the first character validation refuses in a one-line value is, or ``None``."""
    bad = _UNSAFE.search(value)
    return bad.start() if bad else None


def refused_in_text(value: str) -> int | None:
    """Where the first character validation refuses in a multi-line value is
    (tab, newline and carriage return are allowed), or ``None``."""
    bad = _unsafe_text().search(value)
    return bad.start() if bad else None


def is_safe_line(value: str) -> bool:
    """Whether a one-line value holds no unsafe character."""
    return _UNSAFE.search(value) is None


#: The fast form of ``refused_in_line`` for hot loops (no Python call in
#: between): the match of the first refused character, or ``None``.
search_refused_in_line: Final = _UNSAFE.search


def strip_refused(value: str, multiline: bool = True) -> str:
    """``value`` without the characters validation refuses (in a multi-line value,
    or a one-line value when not ``multiline``): for text taken in from outside
    (imported articles and metadata) before it is stored, never for display."""
    return (_unsafe_text() if multiline else _UNSAFE).sub("", value)


def escape_char(ch: str) -> str:
    """One character as a visible escape: ``\\x1b``, ``\\u202e``."""
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match.group())


def literal(text: str, keep_newlines: bool = False) -> str:
    """``text`` for the terminal: every unsafe character replaced by a visible
    ``\\xNN``/``\\uNNNN`` escape (newlines kept when ``keep_newlines``)."""
    pattern = _unsafe_keep_nl() if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text)


def one_line(text: object) -> str:
    """``text`` as one pasteable line: whitespace runs (newlines, tabs included)
    collapsed to one space and stripped, every other unsafe character escaped
    as ``literal`` does."""
    return literal(_SPACE.sub(" ", str(text)).strip())


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(json_text: str) -> str:
    """JSON text safe for a terminal: every unsafe character written as a
    ``\\uNNNN`` escape.  Raw newlines are kept: in valid JSON (``orjson``'s
    output) they are only the layout between values, never inside a string."""
    return _unsafe_keep_nl().sub(_json_escape, json_text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters, ending in ``…`` when cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


__all__ = [
    "TEXT_ALLOWED",
    "UNSAFE",
    "UNSAFE_RANGES",
    "clip",
    "escape_char",
    "is_safe_line",
    "json_safe",
    "literal",
    "one_line",
    "refused_in_line",
    "refused_in_text",
    "search_refused_in_line",
    "strip_refused",
]
