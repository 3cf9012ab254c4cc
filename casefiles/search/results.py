"""What a search returns: ``Hit`` (one document) and ``SearchResult`` (the hits of a query,
with how many exist and whether that count is exact)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Spans = tuple[tuple[int, int], ...]

#: Inexact totals above this are rounded to two significant digits in ``count_text``.
_ROUND_ABOVE: Final = 100


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a document, the field that matched and what to highlight."""

    kind: str
    id: str
    title: str
    score: float
    field: str
    text: str
    spans: Spans
    case_id: str | None = None


def _about(n: int) -> int:
    """``n`` rounded to two significant digits (an estimate should not look precise)."""
    if n <= _ROUND_ABOVE:
        return n
    digits = len(str(n)) - 2
    return round(n, -digits)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits for a query (best first), or an error message for a malformed query.

    Counts: ``returned`` hits are in ``hits``; ``total`` is how many documents
    match (never less than ``returned``); ``total_exact`` says whether
    ``total`` was counted (``True``) or estimated from a sample because the
    query matched too much to count per keystroke (``False``: say "about").
    ``notes`` are short remarks for the user about the query (a filter value
    that names nothing, …); they are not errors.
    """

    query: str
    hits: list[Hit]
    error: str | None = None
    total: int = 0
    total_exact: bool = True
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.total < len(self.hits):
            object.__setattr__(self, "total", len(self.hits))

    @property
    def returned(self) -> int:
        """How many hits this result holds (``len(hits)``)."""
        return len(self.hits)

    @property
    def more(self) -> bool:
        """Whether more documents match than were returned."""
        return self.total > len(self.hits)

    def count_text(self) -> str:
        """``"3 hits"``, ``"50 of 1,234 hits"`` or ``"50 of about 1,200 hits"``."""
        n = len(self.hits)
        total = self.total if self.total_exact else _about(self.total)
        noun = "hit" if total == 1 else "hits"
        if not self.more:
            return f"{n:,} {noun}"
        about = "" if self.total_exact else "about "
        return f"{n:,} of {about}{max(total, n + 1):,} {noun}"


__all__ = ["Hit", "SearchResult", "Spans"]
