"""Filters without words (``kind:court``, ``role:judge year:2020``): the documents that
pass, cases first, each kind by id.

Cases are counted exactly from the filters' case set.  Other kinds are tested
one by one (parties through their cases): at most ``LISTING_SCAN`` documents
per kind, stopping once the page is full and ``LISTING_COUNT`` have been
tested; the rest of the kind is then estimated from the share that passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from casefiles.search.filters import Allowed, Cancelled
from casefiles.search.query import Term
from casefiles.search.vocabulary import Vocabulary

LISTING_SCAN: Final = 5_000
LISTING_COUNT: Final = 1_000
#: Order of kinds in a listing: cases first.
LIST_RANK: Final = {"case": 0, "party": 1, "court": 2, "source": 3, "article": 4}


@dataclass(slots=True)
class Listing:
    """The documents of one page of a listing, and how many pass in all."""

    docs: list[int] = field(default_factory=list)
    total: int = 0
    exact: bool = True


def _excluded(vocab: Vocabulary, d: int, negative: tuple[Term, ...]) -> bool:
    """Some text of document ``d`` contains a negated term."""
    texts, ent_text = vocab.texts, vocab.ent_text
    return any(neg.text in texts[ent_text[e]] for neg in negative for e in vocab.doc_entries[d])


def listing(
    vocab: Vocabulary,
    allowed: Allowed,
    negative: tuple[Term, ...],
    limit: int,
    cancelled: Callable[[], bool],
) -> Listing:
    """Up to ``limit`` documents passing ``allowed`` and no negated term."""
    out = Listing()
    docs = out.docs
    for kind in sorted(allowed.kinds, key=LIST_RANK.__getitem__):
        kind_docs = vocab.kind_docs(kind)
        exact_count = not negative and (not allowed.filtered or kind == "case")
        if exact_count:
            out.total += len(kind_docs) if allowed.cases is None else len(allowed.cases)
            if len(docs) >= limit:
                continue
        passed = tested = 0
        for d in kind_docs[:LISTING_SCAN]:
            tested += 1
            if not allowed.ok(kind, vocab.doc_id[d]):
                continue
            if negative and _excluded(vocab, d, negative):
                continue
            passed += 1
            if len(docs) < limit:
                docs.append(d)
            elif exact_count or tested > LISTING_COUNT:
                break
            if tested & 1023 == 1023 and cancelled():
                raise Cancelled
        if not exact_count:
            rest = len(kind_docs) - tested
            if rest:
                out.exact = False
                passed += rest * passed // max(tested, 1)
            out.total += passed
    out.total = max(out.total, len(docs))
    return out


__all__ = ["LISTING_COUNT", "LISTING_SCAN", "Listing", "listing"]
