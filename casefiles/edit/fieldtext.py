"""A form field's text and the stored value behind it, both ways.

``text_of`` is what a field shows for a stored value; ``Reading`` is one field
as ``Form.read`` read it back (value, how it was read, or why it cannot be).
``slug`` and ``free_id`` make a new document's id from its fields; ``shown``
quotes data safely in a message (clipped, markup-free).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from casefiles.edit.formspec import FieldSpec
from casefiles.edit.parse import format_duration
from casefiles.store import Store
from casefiles.textsafe import clip, literal


@dataclass(frozen=True, slots=True)
class Reading:
    """One field as read: the value to store (``None``: left out), how it was
    read (shown beside the field) and why it cannot be (``error``)."""

    value: Any
    how: str = ""
    error: str | None = None


_SLUG_CUT: Final = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 60) -> str:
    """``Lim Mony`` → ``lim-mony`` (ASCII letters and digits; ``x`` when none)."""
    out = _SLUG_CUT.sub("-", text.lower()).strip("-")
    return out[:limit].strip("-") or "x"


def free_id(store: Store, table: str, base: str, taken: Sequence[str] = ()) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever ``table`` does not hold."""
    candidate, n = base, 2
    while store.get(table, candidate) is not None or candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def shown(value: str, width: int = 60) -> str:
    return literal(clip(value, width))


def split_text(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def joined(value: object, sep: str) -> str:
    if isinstance(value, list):
        return sep.join(str(v) for v in value)
    return ""


def text_of(spec: FieldSpec, doc: Mapping[str, Any] | None) -> str:
    """What a field shows for a stored value (the reverse of ``Form.read``)."""
    if doc is None:
        return ""
    if spec.name.startswith("fine."):
        fine = doc.get("fine")
        if not isinstance(fine, dict):
            return ""
        value = fine.get(spec.name.partition(".")[2])
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value) if value is not None else ""
    value = doc.get(spec.name)
    if value is None:
        return ""
    if spec.kind == "duration":
        return format_duration(value) if isinstance(value, dict) else str(value)
    if spec.kind == "lines":
        return joined(value, "; ")
    if spec.kind == "parties":
        return joined(value, ", ")
    return value if isinstance(value, str) else str(value)
