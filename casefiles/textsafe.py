"""Making untrusted text safe to print: control characters and escape
sequences from data are shown as visible escapes, never sent to the terminal.
"""

from __future__ import annotations

import re
from typing import Final

# C0 controls (tab and newline handled by the caller's choice), DEL, C1 controls,
# and bidi overrides/isolates that can reorder what the reader sees.
_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_NL: Final = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def literal(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character replaced by a visible ``\\xNN`` escape."""
    pattern = _UNSAFE_KEEP_NL if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` characters, ending in ``…`` when cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"
