"""The URL rule: which source URLs a store may hold and the browser may open.

``url_problem(url)`` is the one check, used by validation (a store with a bad
URL is reported) and by the opener (``O`` refuses it), so the two can never
disagree.  A URL is accepted when it is a string of at most ``MAX_URL``
characters that

* starts with ``http://`` or ``https://`` (lower case, as stored data is
  written; ``HTTP://`` is refused);
* holds no unsafe character (``casefiles.textsafe``), no whitespace of any
  kind (a space, a trailing newline, a no-break space), no invisible format
  character (zero-width space, bidi mark) and none of the ASCII characters a
  URL must percent-encode (``"<>\\^`{|}``);
* parses, with a host (and a numeric port, if any).
"""

from __future__ import annotations

import unicodedata
from typing import Final
from urllib.parse import urlsplit

from casefiles.textsafe import escape_char, refused_in_line

#: Longest URL accepted, in characters (the same as any one-line value).
MAX_URL: Final = 2_000
SCHEMES: Final = ("http://", "https://")
#: ASCII characters that may not appear raw in a URL (RFC 3986 excludes them).
NOT_IN_URL: Final = frozenset('"<>\\^`{|}')
#: Unicode categories refused anywhere in a URL: controls, invisible format
#: characters, separators (spaces), surrogates and private use.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"})


def _describe(ch: str) -> str:
    if ch == " ":
        return "a space"
    if ch.isascii() and ch.isprintable():
        return f"{ch!r}"
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}"
    return f"{code} {name.lower()}" if name else code


def url_problem(url: object) -> str | None:
    """Why ``url`` is not an acceptable source URL, or ``None`` when it is.

    The reason is one line, safe to print (characters are named, not shown).
    """
    if not isinstance(url, str) or not url:
        return "the source has no URL"
    if len(url) > MAX_URL:
        return f"the URL has {len(url):,} characters; at most {MAX_URL:,}"
    bad = refused_in_line(url)
    if bad is not None:
        return (
            f"the URL contains control character {escape_char(url[bad])} "
            f"({_describe(url[bad])}) at position {bad}"
        )
    for pos, ch in enumerate(url):
        if ch in NOT_IN_URL:
            return f"the URL contains {_describe(ch)} at position {pos} (percent-encode it)"
        if ch == " " or (not ch.isascii() and unicodedata.category(ch) in _REFUSED_CATEGORIES):
            return f"the URL contains {_describe(ch)} at position {pos}"
    if not url.startswith(SCHEMES):
        scheme, colon, _ = url.partition(":")
        if colon and scheme and scheme.isascii() and scheme.isalnum():
            if scheme.lower() in ("http", "https"):
                return f"the URL must start with {scheme.lower()}:// (lower case)"
            return f"only http(s) URLs are allowed, not {scheme}:"
        return "the URL does not start with http:// or https://"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "the URL is malformed (host or port)"
    if not parts.hostname:
        return "the URL has no host"
    return None


def is_url(url: object) -> bool:
    """Whether ``url`` is an acceptable source URL."""
    return url_problem(url) is None


__all__ = ["MAX_URL", "NOT_IN_URL", "SCHEMES", "is_url", "url_problem"]
