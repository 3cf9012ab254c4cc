"""``casefiles validate --quotes``: is every cited quote in its source's text?

Each cite with a ``quote`` is looked up in the stored text of its source with
``casefiles.article.find_quote`` (the reader's finder: case, whitespace runs,
straight/curly quote marks and dashes ignored, punctuation at the quote's
ends ignored).  A quote it does not find is tried again on both texts through
the search normaliser (all punctuation and accents folded), then with
rapidfuzz's best partial alignment (``NEAR_CUTOFF``); either is a *near*
match, reported with the passage that came closest.  A cite whose source has
no stored text cannot be checked and is counted apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from msgspec import Struct

from casefiles import model
from casefiles.store import Store, StoreError
from casefiles.textsafe import clip, literal

FOUND: Final = "found"
NEAR: Final = "near"
MISSING: Final = "not found"
NO_TEXT: Final = "no text"
NEAR_CUTOFF: Final = 90.0


class QuoteCheck(Struct, frozen=True):
    """The check of one cited quote.  (A Struct, not a dataclass: created in C
    at import, which the browser's first frame waits for.)"""

    case: str | None
    fact: str
    """Where the cite sits: ``case``, ``charges[0]``, ``proceeding p1`` …"""
    source: str
    quote: str
    status: str
    score: float = 100.0
    closest: str = ""
    """For a near match: the passage of the text that came closest."""


def _label(doc: Mapping[str, Any]) -> str:
    for key in ("label", "role", "name", "title"):
        value = doc.get(key)
        if isinstance(value, str) and value:
            return f" ({clip(value, 40)})"
    return ""


def cites(store: Store) -> Iterator[tuple[str | None, str, Mapping[str, Any]]]:
    """Every cite in the store as (case id or None, fact, cite), in store order."""
    for case_id, case in store.table(model.CASES).items():
        for cite in case.get("cites") or ():
            yield case_id, "case", cite
        for key in ("participants", "charges", "events"):
            for i, item in enumerate(case.get(key) or ()):
                extra = ""
                if key == "participants" or (key == "charges" and item.get("party")):
                    extra = f" {store.name_of(model.PARTIES, item.get('party'))}"
                for cite in item.get("cites") or ():
                    yield case_id, f"{key}[{i}]{_label(item)}{extra}", cite
    for table, word in ((model.PROCEEDINGS, "proceeding"), (model.SENTENCES, "sentence")):
        for doc_id, doc in store.table(table).items():
            for cite in doc.get("cites") or ():
                yield str(doc.get("case")), f"{word} {doc_id}", cite
    for party_id, party in store.table(model.PARTIES).items():
        for cite in party.get("cites") or ():
            yield None, f"party {party_id}", cite
        for i, aff in enumerate(party.get("affiliations") or ()):
            for cite in aff.get("cites") or ():
                yield None, f"party {party_id} affiliations[{i}]", cite


def near_match(text: str, quote: str) -> tuple[float, str] | None:
    """(score, closest passage) when ``quote`` nearly occurs in ``text``."""
    from rapidfuzz import fuzz

    from casefiles.search.normalise import normalise, normalise_map

    nq = normalise(quote)
    if not nq:
        return None
    nt, starts, ends = normalise_map(text)
    at = nt.find(nq)
    if at >= 0:
        return 100.0, text[starts[at] : ends[at + len(nq) - 1]]
    found = fuzz.partial_ratio_alignment(nq, nt, processor=None, score_cutoff=NEAR_CUTOFF)
    if found is None or found.dest_end <= found.dest_start:
        return None
    a, b = found.dest_start, found.dest_end
    return found.score, text[starts[a] : ends[b - 1]]


def verify_quote(text: str, quote: str) -> tuple[str, float, str]:
    """(status, score, closest passage) of one quote in one text: ``FOUND`` (the
    reader's ``find_quote`` finds it), ``NEAR`` (only with punctuation folded or a
    near spelling; the passage that came closest) or ``MISSING``.  For a mark
    beside a cite, as ``validate --quotes`` gives it."""
    from casefiles.article import find_quote

    if find_quote(text, quote):
        return FOUND, 100.0, ""
    near = near_match(text, quote)
    if near is None:
        return MISSING, 0.0, ""
    return NEAR, near[0], near[1]


class QuoteMarks:
    """Quote checks one cite at a time (the browser's Cites pane): each
    source's text is read once, each (source, quote) checked once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._texts: dict[str, str | None] = {}
        self._checks: dict[tuple[str, str], tuple[str, float, str]] = {}

    def text(self, source_id: str) -> str | None:
        """The stored text of a source (``None``: no file, or it cannot be read)."""
        if source_id not in self._texts:
            source = self.store.get(model.SOURCES, source_id)
            text: str | None = None
            if source is not None and source.get("file"):
                try:
                    text = self.store.read_article(source)
                except StoreError:
                    text = None
            self._texts[source_id] = text
        return self._texts[source_id]

    def known(self, source_id: str, quote: str) -> str | None:
        """The status of a check already made (``None``: not checked yet)."""
        found = self._checks.get((source_id, quote))
        return found[0] if found is not None else None

    def check(self, source_id: str, quote: str) -> tuple[str, float, str]:
        """``verify_quote``'s answer, or ``(NO_TEXT, 0.0, "")``."""
        key = (source_id, quote)
        found = self._checks.get(key)
        if found is None:
            text = self.text(source_id)
            found = (NO_TEXT, 0.0, "") if text is None else verify_quote(text, quote)
            self._checks[key] = found
        return found


def check_quotes(store: Store) -> list[QuoteCheck]:
    """Check every cited quote; one ``QuoteCheck`` per cite that has a quote."""
    marks = QuoteMarks(store)
    out: list[QuoteCheck] = []
    for case_id, fact, cite in cites(store):
        quote = cite.get("quote")
        source_id = str(cite.get("source"))
        if not isinstance(quote, str) or not quote.strip():
            continue
        status, score, passage = marks.check(source_id, quote)
        out.append(QuoteCheck(case_id, fact, source_id, quote, status, score, passage))
    return out


def report(checks: list[QuoteCheck]) -> tuple[list[str], bool]:
    """Lines to print (literal text) and whether every checkable quote was found
    (a near match counts as found, and is listed)."""
    counts = {s: 0 for s in (FOUND, NEAR, MISSING, NO_TEXT)}
    for c in checks:
        counts[c.status] += 1
    lines = [
        f"quotes: {len(checks)} checked: {counts[FOUND]} found, {counts[NEAR]} near, "
        f"{counts[MISSING]} not found, {counts[NO_TEXT]} whose source has no stored text"
    ]
    for c in checks:
        if c.status == FOUND:
            continue
        where = f"case {c.case}" if c.case else "no case"
        head = f"  {c.status}: {where} · {c.fact} · source {c.source}: “{clip(c.quote, 120)}”"
        if c.status == NEAR:
            head += f" ~ “{clip(' '.join(c.closest.split()), 120)}” ({c.score:.0f}%)"
        lines.append(literal(head))
    return lines, counts[MISSING] == 0


__all__ = [
    "FOUND",
    "MISSING",
    "NEAR",
    "NO_TEXT",
    "QuoteCheck",
    "check_quotes",
    "cites",
    "near_match",
    "report",
    "verify_quote",
]
