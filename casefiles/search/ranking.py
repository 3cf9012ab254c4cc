"""Ranking: which candidate texts are worth scoring, how many documents match, and the
order of the scored documents.

Candidates (``candidates.Candidates.find``) can number thousands; scoring one
costs a rapidfuzz call and a few string searches.  ``choose`` drops texts of
negated terms, keeps texts owned by a document of the kinds and filters asked
for, and orders them: texts matching every group with a whole word first
(*tier 0*), then by text number (priority).  At most ``max(RANK_CAP, limit)``
are scored (``fanout.fan_out``), after examining at most ``EXAMINE_CAP``
when filters must be checked per owner.  When it stops early it estimates
how many texts would have passed from the share that passed so far.

A document's result is a ``Scored``: its score, the entry (document field)
that gave it, that entry's text and the matched spans.  ``order`` sorts
documents by score, then kind (parties before cases before courts …), then id.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, NamedTuple

from casefiles.search.filters import Allowed, Cancelled
from casefiles.search.query import Term
from casefiles.search.results import Spans
from casefiles.search.score import KIND_RANK
from casefiles.search.vocabulary import ALL_KINDS_MASK, Vocabulary, kind_mask

RANK_CAP: Final = 120
#: With filters, at most this many candidate texts are tested (best first), and
#: at most OWNER_CHECK documents sharing one text.
EXAMINE_CAP: Final = 8_000
OWNER_CHECK: Final = 500


class Scored(NamedTuple):
    """How one document matched: the best of its fields."""

    #: 0–100 (article text 0–45)
    score: float
    #: the entry (document, field, sub-index) whose text matched: its field is shown
    entry: int
    #: that entry's text number
    text: int
    #: matched ranges over the normalised text
    spans: Spans


@dataclass(slots=True)
class Chosen:
    """The texts to score, best first, and what they say about the count."""

    texts: list[int]
    #: matching texts (or, when every candidate was examined and kept, their
    #: owners) — an estimate when ``complete`` is false
    estimate: int
    #: every candidate text was examined and every passing one is in ``texts``
    complete: bool


def drop_negated(texts: list[str], cands: set[int], negative: tuple[Term, ...]) -> set[int]:
    """``cands`` without the texts a negated term (``!x``, ``!^x``, ``!x$``) excludes."""
    for neg in negative:
        t = neg.text
        if neg.mode == "prefix":
            cands = {x for x in cands if not texts[x].startswith(t)}
        elif neg.mode == "suffix":
            cands = {x for x in cands if not texts[x].endswith(t)}
        elif neg.mode == "whole":
            cands = {x for x in cands if texts[x] != t}
        else:
            cands = {x for x in cands if t not in texts[x]}
    return cands


def tier0(cands: set[int], exact_sets: list[set[int]]) -> set[int]:
    """Candidates matching every group with a whole word (scored first)."""
    first = cands
    for ex in exact_sets:
        first = first & ex
    return first


def entry_ok(vocab: Vocabulary, e: int, allowed: Allowed) -> bool:
    """Whether entry ``e`` belongs to a live document that passes the filters."""
    d = vocab.ent_doc[e]
    return d >= 0 and allowed.ok(vocab.doc_kind[d], vocab.doc_id[d])


def choose(
    vocab: Vocabulary,
    cands: set[int],
    exact_sets: list[set[int]],
    allowed: Allowed,
    need: int,
    cancelled: Callable[[], bool],
) -> Chosen:
    """At most ``need`` texts worth scoring, best first (see the module docstring)."""
    first = tier0(cands, exact_sets)
    owners = vocab.owners
    mask = kind_mask(allowed.kinds)
    if mask == ALL_KINDS_MASK and not allowed.filtered:
        chosen = sorted(first)[:need]
        if len(chosen) < need:
            chosen += sorted(cands - first)[: need - len(chosen)]
        if len(cands) <= need:
            return Chosen(chosen, sum(map(len, map(owners.__getitem__, cands))), True)
        return Chosen(chosen, len(cands), False)
    chosen = []
    seen = 0
    complete = True
    tk = vocab.text_kinds
    filtered = allowed.filtered
    for n, x in enumerate(itertools.chain(sorted(first), sorted(cands - first))):
        seen += 1
        if not tk[x] & mask:
            continue
        if filtered:
            own = owners[x]
            if not any(entry_ok(vocab, e, allowed) for e in itertools.islice(own, OWNER_CHECK)):
                if len(own) > OWNER_CHECK:
                    complete = False
                continue
        chosen.append(x)
        if len(chosen) >= need or seen >= EXAMINE_CAP:
            break
        if n & 1023 == 1023 and cancelled():
            raise Cancelled
    complete = complete and seen == len(cands)
    # passing share of what was examined, applied to the rest
    estimate = len(chosen) + (len(cands) - seen) * len(chosen) // max(seen, 1)
    return Chosen(chosen, estimate, complete)


def merge(best: dict[int, Scored], scored: dict[int, Scored]) -> None:
    """Keep each document's better result (``best`` is updated)."""
    for d, item in scored.items():
        old = best.get(d)
        if old is None or item.score > old.score:
            best[d] = item


def order(vocab: Vocabulary, best: dict[int, Scored]) -> list[int]:
    """Document ordinals by score (high first), then kind, then id."""
    kinds, ids = vocab.doc_kind, vocab.doc_id
    keyed = sorted((-item.score, KIND_RANK[kinds[d]], ids[d], d) for d, item in best.items())
    return [d for _, _, _, d in keyed]


__all__ = [
    "EXAMINE_CAP",
    "OWNER_CHECK",
    "RANK_CAP",
    "Chosen",
    "Scored",
    "choose",
    "drop_negated",
    "entry_ok",
    "merge",
    "order",
    "tier0",
]
