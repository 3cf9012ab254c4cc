"""Scoring one indexed text against a query, with highlight spans.

Each positive term is located in the normalised text, best match first:

=====================  =======  =============================================
match                  quality  example (term → text word)
=====================  =======  =============================================
whole word             1.00     ``sokha`` → ``sokha``
word prefix            0.80–1   ``sok`` → ``sokha`` (longer share, higher)
two words run together 0.85–1   ``kemsokha`` → ``kem sokha``
one typo / skeleton    0.72     ``moni`` → ``mony``, ``vani`` → ``vanny``
run together, a typo   0.70     ``tepvany`` → ``tep vanny``
exact / anchored       1.00     ``'okha``, ``^kem``, ``sokha$``
=====================  =======  =============================================

The text's score blends the mean term quality (65 %), how much of the text
the terms cover (20 %, favours short, specific names) and rapidfuzz's
``WRatio`` of the whole query against the text (15 %; ``processor=None`` on
our own normalised strings), plus a small bonus per field (names above
aliases above titles above descriptions).  Direct hits score 50–100; article
text scores 0–45, so it always ranks below a direct hit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from rapidfuzz import fuzz

from casefiles.search.query import Term

if TYPE_CHECKING:
    from casefiles.search.vocabulary import JoinedPair

FIELD_BONUS: Final[dict[str, float]] = {
    "name": 0.08,
    "alias": 0.07,
    "title": 0.05,
    "source title": 0.02,
    "charge": 0.03,
    "tag": 0.02,
    "publisher": 0.01,
    "description": 0.0,
    "summary": 0.0,
    "text": 0.0,
}
KIND_RANK: Final[dict[str, int]] = {"party": 0, "case": 1, "court": 2, "source": 3, "article": 4}
LONG_TEXT: Final = 160


@dataclass(slots=True)
class TermMatches:
    """What the index found for one fuzzy term: typo-matched vocabulary words, and
    name pairs it writes together with a typo in one half."""

    fuzzy_words: dict[str, int] = field(default_factory=dict)
    fuzzy_pairs: list[JoinedPair] = field(default_factory=list)


def _word_end(s: str, start: int) -> int:
    end = s.find(" ", start)
    return len(s) if end < 0 else end


def match_term(
    s: str, padded: str, term: Term, info: TermMatches | None, pairs: bool
) -> tuple[float, list[tuple[int, int]]] | None:
    """Best match of one positive term in normalised text ``s`` (``padded`` = ``" "+s+" "``)."""
    t = term.text
    if term.mode == "exact":
        i = s.find(t)
        if i < 0:
            return None
        at_start = i == 0 or s[i - 1] == " "
        return (1.0 if at_start else 0.9), [(i, i + len(t))]
    if term.mode in ("prefix", "whole"):
        return (1.0, [(0, len(t))]) if s.startswith(t) else None
    if term.mode == "suffix":
        return (1.0, [(len(s) - len(t), len(s))]) if s.endswith(t) else None
    i = padded.find(" " + t + " ")
    if i >= 0:
        return 1.0, [(i, i + len(t))]
    i = padded.find(" " + t)
    best: tuple[float, list[tuple[int, int]]] | None = None
    if i >= 0:
        end = _word_end(s, i)
        best = 0.8 + 0.2 * len(t) / max(end - i, 1), [(i, i + len(t))]
    if pairs and (best is None or best[0] < 0.9):
        pos = 0
        words = s.split(" ")
        for a, b in itertools.pairwise(words):
            if len(t) > len(a) and t.startswith(a) and b.startswith(t[len(a) :]):
                rest = len(t) - len(a)
                q = 0.85 + 0.15 * len(t) / (len(a) + len(b))
                if best is None or q > best[0]:
                    best = q, [(pos, pos + len(a)), (pos + len(a) + 1, pos + len(a) + 1 + rest)]
                break
            pos += len(a) + 1
    if best is None and info is not None:
        for word, dist in sorted(info.fuzzy_words.items(), key=lambda kv: (kv[1], kv[0])):
            j = padded.find(" " + word + " ")
            if j >= 0:
                q = 0.72 - 0.08 * (dist - 1)
                if best is None or q > best[0]:
                    best = q, [(j, j + len(word))]
    if best is None and pairs and info is not None:
        for p in info.fuzzy_pairs:
            needle = " " + p.first + " " + p.second + (" " if p.whole else "")
            j = padded.find(needle)
            if j >= 0:
                q = 0.70 - 0.08 * (p.distance - 1)
                if best is None or q > best[0]:
                    a_end = j + len(p.first)
                    best = q, [(j, a_end), (a_end + 1, a_end + 1 + len(p.second))]
    return best


def score_text(
    s: str,
    groups: tuple[tuple[Term, ...], ...],
    infos: dict[Term, TermMatches],
    pairs: bool,
    field_name: str,
    query_text: str,
    extra: float = 0.0,
) -> tuple[float, tuple[tuple[int, int], ...]] | None:
    """Score 0–100 and normalised spans of text ``s`` for the query, or ``None``.

    ``field_name`` picks the field bonus (``"source title"`` for a source's
    title); ``extra`` is added to the 0–1 base (the index gives case hits a
    little more when case filters were used)."""
    padded = " " + s + " "
    total = 0.0
    spans: list[tuple[int, int]] = []
    covered = 0
    for group in groups:
        best: tuple[float, list[tuple[int, int]]] | None = None
        for term in group:
            m = match_term(s, padded, term, infos.get(term), pairs)
            if m is not None and (best is None or m[0] > best[0]):
                best = m
        if best is None:
            return None
        total += best[0]
        spans.extend(best[1])
        covered += sum(b - a for a, b in best[1])
    quality = total / len(groups)
    article = field_name == "text"
    if len(s) <= LONG_TEXT:
        letters = max(len(s) - s.count(" "), 1)
        coverage = min(covered / letters, 1.0)
        rf = fuzz.WRatio(query_text, s, processor=None) / 100.0
    else:
        coverage = 0.0
        rf = 0.0
    base = 0.65 * quality + 0.2 * coverage + 0.15 * rf + FIELD_BONUS.get(field_name, 0.0)
    base += extra
    base = min(base, 1.0)
    score = 45.0 * base if article else 50.0 + 50.0 * base
    return round(score, 2), tuple(sorted(spans))


__all__ = ["FIELD_BONUS", "KIND_RANK", "TermMatches", "match_term", "score_text"]
