"""Candidate sets: which texts can match a query's terms, without scoring any.

Per term, the set of texts that can match (``term_set``): for a forgiving
term, the texts holding a word that starts with it, a name pair it writes
together (``kemsokha``, or ``tepvany`` with one typo in a half), or a word
within one typo of it; for an exact operator, the texts holding a vocabulary
word that contains the term, verified by substring.

A term whose postings exceed ``TERM_CAP_FULL`` keeps only its
highest-priority texts (about ``TERM_CAP_TRUNC``, a canonical cut by text
number; with a ``kind:`` filter the cut starts at the first text of those
kinds) and is marked *truncated*.  Term sets are cached; a term extending a
cached complete one ("sok" → "sokh") may be computed by *filtering the
previous set* (prefix matching is monotone), which gives exactly what a
fresh computation gives.

``Candidates.find`` intersects the groups of a query (OR inside a group):
complete sets first, smallest first; a group whose set was cut is tested
text by text on the candidates left (``matcher``, the same predicate the
sets follow, at most ``PREDICATE_CAP`` candidates).
"""

from __future__ import annotations

import functools
import re
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from casefiles.search.filters import Cancelled
from casefiles.search.query import Term
from casefiles.search.score import TermMatches
from casefiles.search.tables import Span, coalesced
from casefiles.search.vocabulary import SEP, Vocabulary

TERM_CAP_FULL: Final = 15_000
TERM_CAP_TRUNC: Final = 3_000
MANY_WORDS: Final = 3_000
#: A group whose term set was cut is tested on at most this many candidates.
PREDICATE_CAP: Final = 4_000
_CACHE_SIZE: Final = 64

Check = Callable[[], bool]


def never() -> bool:
    """A ``cancelled`` callback that never cancels."""
    return False


@dataclass(slots=True)
class TermSet:
    """The texts one term can match."""

    texts: set[int]
    #: texts holding the term as a whole word (ranked first)
    exact: set[int]
    #: texts with a word (or name pair) starting with the term; ``None`` when capped
    prefix: set[int] | None
    info: TermMatches
    truncated: bool


@dataclass(slots=True)
class CandidateSets:
    """Texts matching every group of a query, with what the scorer needs."""

    texts: set[int]
    #: per group, the texts holding one of its terms as a whole word
    exact: list[set[int]]
    infos: dict[Term, TermMatches]
    #: some term set was cut, or candidates were dropped before a predicate test
    truncated: bool


@functools.lru_cache(maxsize=256)
def prefix_patterns(
    t: str, fuzzy_words: tuple[str, ...], fuzzy_pairs: tuple[tuple[str, str, bool], ...] = ()
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for "a word starts with t, or is one of the typo words" — without
    and with the adjacent-word pairs of names (``kemsok`` in ``kem sokha``,
    and the typo pairs ``(first, second, whole)`` of ``Vocabulary.joined_words``)."""
    alts = [re.escape(t)] + [re.escape(w) + "(?![^ ])" for w in fuzzy_words]
    base = "(?<![^ ])(?:" + "|".join(alts) + ")"
    pairs = [re.escape(t[:k]) + " " + re.escape(t[k:]) for k in range(1, len(t))]
    pairs += [
        re.escape(a) + " " + re.escape(b) + ("(?![^ ])" if whole else "")
        for a, b, whole in fuzzy_pairs
    ]
    with_pairs = "(?<![^ ])(?:" + "|".join(alts + pairs) + ")"
    return re.compile(base), re.compile(with_pairs)


def _pattern_args(
    t: str, info: TermMatches
) -> tuple[str, tuple[str, ...], tuple[tuple[str, str, bool], ...]]:
    pairs = tuple(sorted({(p.first, p.second, p.whole) for p in info.fuzzy_pairs}))
    return t, tuple(sorted(info.fuzzy_words)), pairs


def _whole(got: array[int] | None) -> Span:
    """All the postings of a key the vocabulary just listed (always there)."""
    assert got is not None
    return got, 0, len(got)


class Candidates:
    """Term sets over a ``Vocabulary``, cached across keystrokes."""

    #: A term extending a cached one is computed by filtering the cached set when
    #: that set is this many times smaller than the postings to merge.
    refine_ratio: int = 30

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._tcache: OrderedDict[tuple[str, str, int], TermSet] = OrderedDict()
        self._scan_cache: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._short: dict[str, TermSet] = {}

    def clear(self) -> None:
        """Forget cached sets (after the vocabulary changed)."""
        self._tcache.clear()
        self._scan_cache.clear()
        self._short.clear()

    def warm_short(self) -> None:
        """Term sets for every one-character term (the slowest keystroke otherwise)."""
        self._short.clear()
        firsts = sorted({w[0] for w in self.vocab.words if w})
        for c in firsts:
            self._short[c] = self._fuzzy_set(c, never)

    # ------------------------------------------------------------ term sets

    def term_set(self, term: Term, cancelled: Check, start: int = 0) -> TermSet:
        """Texts that can match ``term``; when capped, the best ones numbered from
        ``start`` (the first text of the kinds asked for)."""
        if term.mode == "fuzzy" and len(term.text) == 1 and not start and term.text in self._short:
            return self._short[term.text]
        key = (term.mode, term.text, start)
        cached = self._tcache.get(key)
        if cached is not None:
            self._tcache.move_to_end(key)
            return cached
        if term.mode == "fuzzy":
            ts = self._fuzzy_set(term.text, cancelled, start)
        else:
            ts = self._exact_set(term, cancelled, start)
        self._tcache[key] = ts
        if len(self._tcache) > _CACHE_SIZE:
            self._tcache.popitem(last=False)
        return ts

    def _has_word_prefix(self, tid: int, t: str) -> bool:
        """Some word of text ``tid`` (or, for names, two adjacent words written
        together) starts with ``t``."""
        base, with_pairs = prefix_patterns(t, ())
        pattern = with_pairs if self.vocab.text_pairs[tid] else base
        return pattern.search(self.vocab.texts[tid]) is not None

    def _bounded_union(self, spans: list[Span], total: int, start: int = 0) -> set[int]:
        """The texts of ``spans`` with the lowest numbers (highest priority): all
        of them below a threshold chosen so that about ``TERM_CAP_TRUNC`` remain."""
        out: set[int]
        if len(spans) > MANY_WORDS:
            # Very short terms match thousands of words: take whole words in
            # vocabulary order until enough texts are found (cheaper than a
            # threshold search over every array; still deterministic).
            out = set()
            for buf, a, b in spans:
                first = bisect_left(buf, start, a, b) if start else a
                out.update(buf[first : min(first + TERM_CAP_TRUNC, b)])
                if len(out) >= TERM_CAP_TRUNC:
                    break
            return out
        n = len(self.vocab.texts)
        span = max(n - start, 1)
        limit = start + max(1, int(span * min(1.0, 2.0 * TERM_CAP_TRUNC / max(total, 1))))
        while True:
            out = set()
            for buf, a, b in spans:
                first = bisect_left(buf, start, a, b) if start else a
                out.update(buf[first : bisect_left(buf, limit, first, b)])
            if len(out) >= TERM_CAP_TRUNC or limit >= n:
                if len(out) > TERM_CAP_TRUNC:
                    out = set(sorted(out)[:TERM_CAP_TRUNC])
                return out
            limit = min(n, start + (limit - start) * 4)

    def _fuzzy_set(self, t: str, cancelled: Check, start: int = 0) -> TermSet:
        vocab = self.vocab
        post = vocab.postings
        words = vocab.words_starting(t)
        spans = vocab.postings_spans(words)
        joined = vocab.joined_words(t)
        words += joined.exact
        fuzzy = vocab.fuzzy_words(t)
        info = TermMatches(fuzzy, joined.fuzzy)
        spans += [_whole(post(w)) for w in joined.exact]
        spans += [_whole(post(w)) for w in sorted(fuzzy)]
        spans += [_whole(post(p.first + SEP + p.second)) for p in joined.fuzzy]
        total = sum(b - a for _, a, b in spans)
        exact = set(post(t) or ())
        if cancelled():
            raise Cancelled
        if total > TERM_CAP_FULL:
            texts = self._bounded_union(spans, total, start)
            return TermSet(texts, exact, None, info, True)
        prefix: set[int] | None = None
        # Refinement: a cached, complete set for a shorter prefix of this term is
        # filtered instead of re-reading the postings (same result, less work).
        for k in range(len(t) - 1, 0, -1):
            prev = self._tcache.get(("fuzzy", t[:k], start))
            if prev is not None and prev.prefix is not None:
                # filtering costs ~30x more per text than a set union
                if len(prev.prefix) * self.refine_ratio < total:
                    has = self._has_word_prefix
                    prefix = {x for x in prev.prefix if has(x, t)}
                break
        if prefix is None:
            prefix = set()
            for buf, a, b in coalesced(spans[: len(words)]):
                prefix.update(buf[a:b])
        texts = set(prefix)
        for buf, a, b in spans[len(words) :]:
            texts.update(buf[a:b])
        return TermSet(texts, exact, prefix, info, False)

    def matcher(self, term: Term, info: TermMatches) -> Callable[[int], bool]:
        """Predicate "text x matches ``term``" — the definition the term sets follow."""
        texts = self.vocab.texts
        t = term.text
        mode = term.mode
        if mode == "fuzzy":
            base, with_pairs = prefix_patterns(*_pattern_args(t, info))
            flags = self.vocab.text_pairs
            b_search, p_search = base.search, with_pairs.search

            def fuzzy(x: int) -> bool:
                return (p_search if flags[x] else b_search)(texts[x]) is not None

            return fuzzy
        if mode == "exact":
            return lambda x: t in texts[x]
        if mode == "prefix":
            return lambda x: texts[x].startswith(t)
        if mode == "suffix":
            return lambda x: texts[x].endswith(t)
        return lambda x: texts[x] == t

    def _scan_vocab(self, how: str, piece: str) -> list[str]:
        """Vocabulary words containing (``in``) or ending with (``end``) ``piece``.
        A cached scan for a shorter piece is filtered instead of the whole vocabulary."""
        key = (how, piece)
        hit = self._scan_cache.get(key)
        if hit is None:
            # An all-digit word can only contain an all-digit piece.
            source = self.vocab.words if piece.isdigit() else self.vocab.words_no_digits
            shorter = [piece[:-1], piece[1:]] if how == "in" else [piece[1:]]
            for sub in shorter:
                prev = self._scan_cache.get((how, sub)) if sub else None
                if prev is not None:
                    source = prev
                    break
            if how == "in":
                hit = [w for w in source if piece in w]
            else:
                hit = [w for w in source if w.endswith(piece)]
            self._scan_cache[key] = hit
            if len(self._scan_cache) > _CACHE_SIZE:
                self._scan_cache.popitem(last=False)
        return hit

    def _exact_set(self, term: Term, cancelled: Check, start: int = 0) -> TermSet:
        t = term.text
        texts = self.vocab.texts
        if term.mode == "whole":
            tid = self.vocab.text_number(t)
            result = {tid} if tid is not None else set()
            return TermSet(result, set(result), None, TermMatches(), False)
        words = t.split(" ")
        if term.mode == "prefix":
            vocab_words = self.vocab.words_starting(words[0])
        elif term.mode == "suffix":
            vocab_words = self._scan_vocab("end", words[-1])
        else:
            vocab_words = self._scan_vocab("in", max(words, key=len))
        if cancelled():
            raise Cancelled
        spans = self.vocab.postings_spans(vocab_words)
        total = sum(b - a for _, a, b in spans)
        truncated = total > TERM_CAP_FULL
        if truncated:
            cands = self._bounded_union(spans, total, start)
        else:
            cands = set()
            for buf, a, b in coalesced(spans):
                cands.update(buf[a:b])
        if term.mode == "prefix":
            result = {x for x in cands if texts[x].startswith(t)}
        elif term.mode == "suffix":
            result = {x for x in cands if texts[x].endswith(t)}
        elif " " in t:
            result = {x for x in cands if t in texts[x]}
        else:
            result = cands  # every text holding a word that contains t contains t
        return TermSet(result, set(result), None, TermMatches(), truncated)

    # ------------------------------------------------------------ a query

    def find(
        self,
        groups: tuple[tuple[Term, ...], ...],
        cancelled: Check,
        start: int = 0,
        mask: int = 0,
    ) -> CandidateSets:
        """Texts matching every group.  The smallest group's set seeds the
        candidates; complete sets intersect them, and a group whose set was
        capped is checked term by term on the (already small) candidates;
        ``mask`` (kind bits) keeps the kinds asked for when candidates are cut."""
        sized: list[tuple[int, bool, set[int], set[int], tuple[Term, ...]]] = []
        infos: dict[Term, TermMatches] = {}
        truncated = False
        for group in groups:
            texts: set[int] = set()
            exact: set[int] = set()
            complete = True
            for term in group:
                ts = self.term_set(term, cancelled, start)
                infos[term] = ts.info
                complete &= not ts.truncated
                texts = texts | ts.texts if texts else ts.texts
                exact = exact | ts.exact if exact else ts.exact
            sized.append((0 if complete else 1, complete, texts, exact, group))
            truncated |= not complete
            if cancelled():
                raise Cancelled
        sized.sort(key=lambda p: (p[0], len(p[2])))
        cands = set(sized[0][2])
        for _, complete, texts, _, group in sized[1:]:
            if not cands:
                break
            if complete:
                cands &= texts
                continue
            if len(cands) > PREDICATE_CAP:
                if mask:  # keep the kinds asked for before cutting
                    tk = self.vocab.text_kinds
                    cands = {x for x in cands if tk[x] & mask}
                cands = set(sorted(cands)[:PREDICATE_CAP])
            if len(group) == 1:
                pred = self.matcher(group[0], infos[group[0]])
                cands = {x for x in cands if pred(x)}
            else:
                preds = [self.matcher(t, infos[t]) for t in group]
                cands = {x for x in cands if any(p(x) for p in preds)}
        return CandidateSets(cands, [p[3] for p in sized], infos, truncated)


__all__ = [
    "MANY_WORDS",
    "PREDICATE_CAP",
    "TERM_CAP_FULL",
    "TERM_CAP_TRUNC",
    "CandidateSets",
    "Candidates",
    "TermSet",
    "never",
    "prefix_patterns",
]
