"""The search index: every searchable text of a store, normalised once, with a
word index that answers a keystroke without scanning every string.

Layout
------
*Entries* are (document, field, sub-index) — e.g. party ``kem-sokha``'s alias
number 2.  Entries sharing the same normalised text share one *text* (tag
``protest`` of 30 000 cases is one text), so matching and scoring happen once
per distinct string.  Texts are numbered in *priority order* (names and
aliases, court names, case titles, source titles, then descriptions,
summaries, tags, charges, publishers, and article text last), so when a
keystroke matches too many texts to score, the lowest numbers are the most
useful ones.

The *vocabulary* maps each word to an ``array`` of text numbers; it is kept
sorted, so "words starting with ``sok``" is one ``bisect`` range.  For names
(name, alias fields) each pair of adjacent words is indexed too, as
``first\0second`` in a separate sorted list, so ``kemsokha`` finds
``Kem Sokha`` (look up ``kem\0sokha…`` for every split of the term whose
first part is a word).  Typos: a deletion index (SymSpell) maps every word and
each one-character deletion of it to the word, so words within one typo of a
query word are a handful of dict look-ups, checked with rapidfuzz's OSA
distance (two typos allowed from 8 characters); and a romanisation
*skeleton* (``y``→``i``, doubled letters single, ``h`` after a consonant
dropped) equates ``chhun``/``chun`` and ``vanny``/``vani``.

A keystroke
-----------
1. Parse (``query.parse``); resolve filters to sets of allowed documents
   (``filters.Facets``, cached per resolved value).
2. Per term, the set of texts that can match (prefix range ∪ name pairs ∪
   typo words; exact operators verified by substring).  A term whose postings
   exceed ``TERM_CAP_FULL`` keeps only its highest-priority texts (about
   ``TERM_CAP_TRUNC``, a canonical cut by text number; with a ``kind:``
   filter the cut starts at the first text of those kinds).  Term sets are
   cached; a term extending a cached complete one ("sok" → "sokh") may be
   computed by *filtering the previous set* (prefix matching is monotone),
   which gives exactly what a fresh computation gives.
3. Intersect groups: complete sets first, smallest first; a group whose set
   was cut is tested text by text on the candidates left (same predicate as
   the index).  Drop negated terms, keep texts with an owner that passes the
   filters, order by whole-word tier then priority, and score at most
   ``RANK_CAP`` of them (``rank.score_text``).  Several words are also tried
   run together as one term ("keo reaksmey" → ``keoreaksmey``).
4. Fan out texts to documents (best field per document; a party matched by
   an alias is one hit showing the alias), map spans to the original text.

Threads: ``search`` may run in a worker thread; a lock serialises it with
``update``.  ``cancelled()`` is polled between steps and inside long loops;
Python releases the GIL between bytecodes, so a UI thread keeps running.
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
import threading
import time
from array import array
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from rapidfuzz.distance import OSA

from casefiles import model
from casefiles.search.filters import Allowed, Cancelled, Facets
from casefiles.search.normalise import normalise, normalise_map, original_spans
from casefiles.search.query import KINDS, Query, QueryError, Term, parse
from casefiles.search.rank import KIND_RANK, TermMatches, score_text
from casefiles.store import Store, StoreError

TERM_CAP_FULL: Final = 15_000
TERM_CAP_TRUNC: Final = 3_000
MANY_WORDS: Final = 3_000
#: A group whose term set was cut is tested on at most this many candidates.
PREDICATE_CAP: Final = 4_000
RANK_CAP: Final = 120
FANOUT_MIN: Final = 50
SNIPPET: Final = 70
LISTING_SCAN: Final = 5_000
LISTING_COUNT: Final = 1_000  # documents of a kind counted exactly in a listing
#: With filters, at most this many candidate texts are tested (best first), and
#: at most OWNER_CHECK documents sharing one text.
EXAMINE_CAP: Final = 8_000
OWNER_CHECK: Final = 500
_SEP: Final = "\x00"  # joins the two words of an adjacent-word pair in the vocabulary
_TOP: Final = "\U0010ffff"

# Field order = text priority.  (table, kind, field)
_PASSES: Final = (
    ("parties", "party", "name"),
    ("parties", "party", "alias"),
    ("courts", "court", "name"),
    ("courts", "court", "alias"),
    ("cases", "case", "title"),
    ("sources", "source", "title"),
    ("parties", "party", "description"),
    ("cases", "case", "summary"),
    ("cases", "case", "charge"),
    ("cases", "case", "tag"),
    ("sources", "source", "publisher"),
    ("sources", "article", "text"),
)
_PAIR_FIELDS: Final = frozenset({"name", "alias"})
_TABLE_OF: Final = {"party": "parties", "court": "courts", "case": "cases", "source": "sources"}
#: Order of kinds when a query has filters but no words: cases first.
_LIST_RANK: Final = {"case": 0, "party": 1, "court": 2, "source": 3, "article": 4}
_KIND_BIT: Final = {k: 1 << i for i, k in enumerate(KINDS)}


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a document, the field that matched and what to highlight."""

    kind: str
    id: str
    title: str
    score: float
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits for a query (best first), or an error message for a malformed query."""

    query: str
    hits: list[Hit]
    error: str | None = None
    total: int = 0


@dataclass(slots=True)
class _TermSet:
    texts: set[int]
    exact: set[int]
    prefix: set[int] | None  # texts with a word starting with the term; None when capped
    info: TermMatches
    truncated: bool


def _field_values(doc: dict[str, Any], fld: str) -> list[str]:
    """The original strings of one field of a document (several for aliases, tags, charges)."""
    if fld in ("name", "title", "description", "summary", "publisher"):
        value = doc.get(fld)
        return [value] if isinstance(value, str) else []
    if fld == "alias":
        return [a for a in doc.get("aliases", ()) if isinstance(a, str)]
    if fld == "tag":
        return [t for t in doc.get("tags", ()) if isinstance(t, str)]
    if fld == "charge":
        out = []
        for ch in doc.get("charges", ()):
            parts = [str(ch.get("label", ""))]
            if ch.get("law") or ch.get("article"):
                law = str(ch.get("law", "")).strip()
                art = str(ch.get("article", "")).strip()
                parts.append(" ".join(x for x in (law, f"art. {art}" if art else "") if x))
            out.append(", ".join(p for p in parts if p))
        return out
    return []


def _deletions(word: str) -> Iterator[str]:
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


_HAS_DIGIT: Final = re.compile(r"\d").search


class SearchIndex:
    """In-memory search index over a store; see the module docstring."""

    #: A term extending a cached one is computed by filtering the cached set when
    #: that set is this many times smaller than the postings to merge.
    refine_ratio: int = 30

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._texts: list[str] = []
        self._text_id: dict[str, int] = {}
        self._owners: list[list[int]] = []
        self._text_pairs = bytearray()
        self._text_kinds = bytearray()
        self._ent_doc: list[int] = []
        self._ent_field: list[str] = []
        self._ent_sub: list[int] = []
        self._ent_text: list[int] = []
        self._doc_kind: list[str] = []
        self._doc_id: list[str] = []
        self._doc_ord: dict[tuple[str, str], int] = {}
        self._doc_entries: list[list[int]] = []
        self._post: dict[str, array[int]] = {}
        self._vocab: list[str] = []
        self._vocab_words: list[str] = []  # the vocabulary without all-digit words
        self._pvocab: list[str] = []
        self._dels: dict[str, list[str]] = {}
        self._skel: dict[str, list[str]] = {}
        self._pair_new: list[str] = []
        self._norm_cache: dict[str, str] = {}
        self._tcache: OrderedDict[tuple[str, str, int], _TermSet] = OrderedDict()
        self._scan_cache: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._facets = Facets(store)
        self._kind_cache: dict[str, list[int]] = {}
        self._short: dict[str, _TermSet] = {}
        self._kind_start: dict[str, int] = {}  # lowest text number per kind
        self.build_seconds = 0.0

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Index every searchable text of ``store``."""
        t0 = time.perf_counter()
        index = cls(store)
        new_words: list[str] = []
        for table, kind, fld in _PASSES:
            for doc_id, doc in store.table(table).items():
                if kind == "article":
                    if not doc.get("file"):
                        continue
                    values = [index._article_text(doc)]
                else:
                    values = _field_values(doc, fld)
                for sub, value in enumerate(values):
                    index._add_entry(kind, doc_id, fld, sub, value, new_words)
        index._norm_cache.clear()  # only useful while building (repeated tags, publishers)
        index._vocab = sorted(w for w in index._post if _SEP not in w)
        index._vocab_words = [w for w in index._vocab if not w.isdigit()]
        index._pvocab = sorted(w for w in index._post if _SEP in w)
        index._add_deletions(new_words)
        index._warm_short()
        index._facets.build()
        index._build_kind_docs()
        # The index (and the store) are long-lived: keep the cyclic garbage
        # collector from walking millions of them during a keystroke.
        gc.collect()
        gc.freeze()
        index.build_seconds = time.perf_counter() - t0
        return index

    def _warm_short(self) -> None:
        """Term sets for every one-character term (the slowest keystroke otherwise)."""
        self._short.clear()
        firsts = sorted({w[0] for w in self._vocab if w})
        for c in firsts:
            self._short[c] = self._fuzzy_set(c, _never)

    def _article_text(self, source: dict[str, Any]) -> str:
        try:
            return self._store.read_article(source)
        except StoreError:
            return ""

    def _doc(self, kind: str, doc_id: str) -> int:
        key = (kind, doc_id)
        d = self._doc_ord.get(key)
        if d is None:
            d = len(self._doc_kind)
            self._doc_ord[key] = d
            self._doc_kind.append(kind)
            self._doc_id.append(doc_id)
            self._doc_entries.append([])
        return d

    def _add_entry(
        self, kind: str, doc_id: str, fld: str, sub: int, value: str, new_words: list[str]
    ) -> None:
        norm = self._norm_cache.get(value)
        if norm is None:
            norm = normalise(value)
            if len(value) < 64:
                self._norm_cache[value] = norm
        if not norm:
            return
        d = self._doc(kind, doc_id)
        e = len(self._ent_doc)
        self._ent_doc.append(d)
        self._ent_field.append(fld)
        self._ent_sub.append(sub)
        tid = self._text_id.get(norm)
        if tid is None:
            tid = len(self._texts)
            self._texts.append(norm)
            self._text_id[norm] = tid
            self._owners.append([e])
            self._text_pairs.append(0)
            self._text_kinds.append(_KIND_BIT[kind])
            self._index_words(tid, set(norm.split(" ")), new_words)
        else:
            self._owners[tid].append(e)
            self._text_kinds[tid] |= _KIND_BIT[kind]
        old_start = self._kind_start.get(kind)
        if old_start is None or tid < old_start:
            self._kind_start[kind] = tid
        if fld in _PAIR_FIELDS and not self._text_pairs[tid]:
            self._text_pairs[tid] = 1
            words = norm.split(" ")
            if len(words) > 1:
                pairs = {a + _SEP + b for a, b in itertools.pairwise(words)}
                self._index_words(tid, pairs, None)
        self._ent_text.append(tid)
        self._doc_entries[d].append(e)

    def _index_words(self, tid: int, words: set[str], new_words: list[str] | None) -> None:
        post = self._post
        for w in words:
            try:
                lst = post[w]
            except KeyError:
                post[w] = array("I", (tid,))
                if new_words is not None:
                    new_words.append(w)
                else:
                    self._pair_new.append(w)
                continue
            if lst[-1] != tid:
                lst.append(tid)

    def _add_deletions(self, words: list[str]) -> None:
        dels = self._dels
        skel = self._skel
        for w in words:
            if not 3 <= len(w) <= 32 or _HAS_DIGIT(w):
                continue
            k = skeleton(w)
            if k is not None:
                skel.setdefault(k, []).append(w)
            for key in _deletions(w):
                bucket = dels.get(key)
                if bucket is None:
                    dels[key] = [w]
                elif bucket[-1] != w:
                    bucket.append(w)

    # ------------------------------------------------------------- updating

    def update(self, store: Store, table: str, doc_id: str) -> None:
        """Re-index one document after ``store.put``/``store.delete`` (removed if gone)."""
        with self._lock:
            self._store = store
            kinds = [k for k, t in _TABLE_OF.items() if t == table]
            if table == model.SOURCES:
                kinds.append("article")
            for kind in kinds:
                d = self._doc_ord.get((kind, doc_id))
                if d is not None:
                    for e in self._doc_entries[d]:
                        self._owners[self._ent_text[e]].remove(e)
                        self._ent_doc[e] = -1
                    self._doc_entries[d] = []
            doc = store.get(table, doc_id) if table in model.TABLES else None
            new_words: list[str] = []
            if doc is not None:
                for tbl, kind, fld in _PASSES:
                    if tbl != table:
                        continue
                    if kind == "article":
                        values = [self._article_text(doc)] if doc.get("file") else []
                    else:
                        values = _field_values(doc, fld)
                    for sub, value in enumerate(values):
                        self._add_entry(kind, doc_id, fld, sub, value, new_words)
            for w in new_words:
                insort(self._vocab, w)
                if not w.isdigit():
                    insort(self._vocab_words, w)
            for w in self._pair_new:
                insort(self._pvocab, w)
            self._add_deletions(new_words)
            self._pair_new.clear()
            self._tcache.clear()
            self._scan_cache.clear()
            self._kind_cache.clear()
            self._short.clear()
            self._facets.invalidate(store)

    # ------------------------------------------------------------ term sets

    def _term_set(self, term: Term, cancelled: Callable[[], bool], start: int = 0) -> _TermSet:
        """Texts that can match ``term``; when capped, the best ones numbered from ``start``
        (the first text of the kinds asked for)."""
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
        if len(self._tcache) > 64:
            self._tcache.popitem(last=False)
        return ts

    def _has_word_prefix(self, tid: int, t: str) -> bool:
        """Some word of text ``tid`` (or, for names, two adjacent words written
        together) starts with ``t``."""
        base, with_pairs = _prefix_patterns(t, ())
        pattern = with_pairs if self._text_pairs[tid] else base
        return pattern.search(self._texts[tid]) is not None

    def _fuzzy_words(self, t: str) -> dict[str, int]:
        """Vocabulary words within one typo of ``t`` (two for long words) that do
        not start with ``t``."""
        found: dict[str, int] = {}
        if len(t) < 3 or _HAS_DIGIT(t):
            return found
        k = skeleton(t)
        if k is not None:
            for w in self._skel.get(k, ()):
                if not w.startswith(t):
                    found[w] = 1
        if len(t) < 4:
            return found
        maxd = 1 if len(t) < 8 else 2
        seen: set[str] = set()
        for key in _deletions(t):
            for w in self._dels.get(key, ()):
                if w in seen or w.startswith(t):
                    continue
                seen.add(w)
                d = OSA.distance(t, w, score_cutoff=maxd)
                if d <= maxd:
                    found[w] = min(d, found.get(w, d))
        return found

    def _bounded_union(self, arrays: list[array[int]], total: int, start: int = 0) -> set[int]:
        """The texts of ``arrays`` with the lowest numbers (highest priority): all
        of them below a threshold chosen so that about ``TERM_CAP_TRUNC`` remain."""
        out: set[int]
        if len(arrays) > MANY_WORDS:
            # Very short terms match thousands of words: take whole words in
            # vocabulary order until enough texts are found (cheaper than a
            # threshold search over every array; still deterministic).
            out = set()
            for arr in arrays:
                first = bisect_left(arr, start) if start else 0
                out.update(arr[first : first + TERM_CAP_TRUNC])
                if len(out) >= TERM_CAP_TRUNC:
                    break
            return out
        n = len(self._texts)
        span = max(n - start, 1)
        limit = start + max(1, int(span * min(1.0, 2.0 * TERM_CAP_TRUNC / max(total, 1))))
        while True:
            out = set()
            for arr in arrays:
                first = bisect_left(arr, start) if start else 0
                out.update(arr[first : bisect_left(arr, limit, first)])
            if len(out) >= TERM_CAP_TRUNC or limit >= n:
                if len(out) > TERM_CAP_TRUNC:
                    out = set(sorted(out)[:TERM_CAP_TRUNC])
                return out
            limit = min(n, start + (limit - start) * 4)

    def _fuzzy_set(self, t: str, cancelled: Callable[[], bool], start: int = 0) -> _TermSet:
        post = self._post
        vocab = self._vocab
        lo = bisect_left(vocab, t)
        hi = bisect_left(vocab, t + _TOP, lo)
        words = vocab[lo:hi]
        # Pairs "a\0b" whose first word a is a proper prefix of t and whose
        # second word b continues it: "kemsok" -> "kem\0sokha".
        for k in range(1, len(t)):
            if t[:k] not in post:
                continue
            key = t[:k] + _SEP + t[k:]
            pvocab = self._pvocab
            plo = bisect_left(pvocab, key)
            words += pvocab[plo : bisect_left(pvocab, key + _TOP, plo)]
        fuzzy = self._fuzzy_words(t)
        arrays = [post[w] for w in words]
        arrays += [post[w] for w in sorted(fuzzy)]
        total = sum(map(len, arrays))
        exact = set(post.get(t, ()))
        info = TermMatches(fuzzy)
        if cancelled():
            raise Cancelled
        if total > TERM_CAP_FULL:
            texts = self._bounded_union(arrays, total, start)
            return _TermSet(texts, exact, None, info, True)
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
            for arr in arrays[: len(words)]:
                prefix.update(arr)
        texts = set(prefix)
        for arr in arrays[len(words) :]:
            texts.update(arr)
        return _TermSet(texts, exact, prefix, info, False)

    def _matcher(self, term: Term, info: TermMatches) -> Callable[[int], bool]:
        """Predicate "text x matches ``term``" — the definition the term sets follow."""
        texts = self._texts
        t = term.text
        mode = term.mode
        if mode == "fuzzy":
            base, with_pairs = _prefix_patterns(t, tuple(sorted(info.fuzzy_words)))
            flags = self._text_pairs
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
            source = self._vocab if piece.isdigit() else self._vocab_words
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
            if len(self._scan_cache) > 64:
                self._scan_cache.popitem(last=False)
        return hit

    def _exact_set(self, term: Term, cancelled: Callable[[], bool], start: int = 0) -> _TermSet:
        t = term.text
        texts = self._texts
        if term.mode == "whole":
            tid = self._text_id.get(t)
            result = {tid} if tid is not None else set()
            return _TermSet(result, set(result), None, TermMatches(), False)
        words = t.split(" ")
        if term.mode == "prefix":
            lo = bisect_left(self._vocab, words[0])
            hi = bisect_left(self._vocab, words[0] + _TOP, lo)
            vocab_words = self._vocab[lo:hi]
        elif term.mode == "suffix":
            vocab_words = self._scan_vocab("end", words[-1])
        else:
            vocab_words = self._scan_vocab("in", max(words, key=len))
        if cancelled():
            raise Cancelled
        arrays = [self._post[w] for w in vocab_words]
        total = sum(map(len, arrays))
        truncated = total > TERM_CAP_FULL
        if truncated:
            cands = self._bounded_union(arrays, total, start)
        else:
            cands = set()
            for arr in arrays:
                cands.update(arr)
        if term.mode == "prefix":
            result = {x for x in cands if texts[x].startswith(t)}
        elif term.mode == "suffix":
            result = {x for x in cands if texts[x].endswith(t)}
        elif " " in t:
            result = {x for x in cands if t in texts[x]}
        else:
            result = cands  # every text holding a word that contains t contains t
        return _TermSet(result, set(result), None, TermMatches(), truncated)

    def _candidates(
        self,
        groups: tuple[tuple[Term, ...], ...],
        cancelled: Callable[[], bool],
        start: int = 0,
        mask: int = 0,
    ) -> tuple[set[int], list[set[int]], dict[Term, TermMatches]]:
        """Texts matching every group.  The smallest group's set seeds the
        candidates; complete sets intersect them, and a group whose set was
        capped is checked term by term on the (already small) candidates."""
        sized: list[tuple[int, bool, set[int], set[int], tuple[Term, ...]]] = []
        infos: dict[Term, TermMatches] = {}
        for group in groups:
            texts: set[int] = set()
            exact: set[int] = set()
            complete = True
            for term in group:
                ts = self._term_set(term, cancelled, start)
                infos[term] = ts.info
                complete &= not ts.truncated
                texts = texts | ts.texts if texts else ts.texts
                exact = exact | ts.exact if exact else ts.exact
            sized.append((0 if complete else 1, complete, texts, exact, group))
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
                    tk = self._text_kinds
                    cands = {x for x in cands if tk[x] & mask}
                cands = set(sorted(cands)[:PREDICATE_CAP])
            if len(group) == 1:
                pred = self._matcher(group[0], infos[group[0]])
                cands = {x for x in cands if pred(x)}
            else:
                preds = [self._matcher(t, infos[t]) for t in group]
                cands = {x for x in cands if any(p(x) for p in preds)}
        return cands, [p[3] for p in sized], infos

    # -------------------------------------------------------------- search

    def search(
        self, query: str, limit: int = 50, cancelled: Callable[[], bool] | None = None
    ) -> SearchResult:
        """Ranked hits for ``query``; never raises (a malformed query sets ``error``)."""
        check = cancelled or _never
        try:
            with self._lock:
                return self._search(query, max(limit, 0), check)
        except QueryError as exc:
            return SearchResult(query, [], error=str(exc))
        except Cancelled:
            return SearchResult(query, [])
        except RecursionError:
            return SearchResult(query, [], error="the query is too complex")

    def _party_ids(self, value: str) -> set[str]:
        groups = tuple((Term(w),) for w in value.split(" "))
        cands, _, _ = self._candidates(groups, _never)
        out: set[str] = set()
        for tid in cands:
            for e in self._owners[tid]:
                d = self._ent_doc[e]
                if d >= 0 and self._doc_kind[d] == "party" and self._ent_field[e] != "description":
                    out.add(self._doc_id[d])
        return out

    def _search(self, query: str, limit: int, cancelled: Callable[[], bool]) -> SearchResult:
        q = parse(query)
        if q.empty:
            return SearchResult(query, [])
        allowed = self._facets.allowed(q.filters, self._party_ids, cancelled)
        if not q.positive:
            return self._listing(query, q, allowed, limit, cancelled)
        interpretations = [q.positive]
        fuzzy_single = [g for g in q.positive if len(g) == 1 and g[0].mode == "fuzzy"]
        if len(fuzzy_single) >= 2:
            joined = Term("".join(g[0].text for g in fuzzy_single), "fuzzy")
            others = tuple(g for g in q.positive if g not in fuzzy_single)
            interpretations.append(((joined,), *others))
        best: dict[int, tuple[float, int, int, tuple[tuple[int, int], ...]]] = {}
        total_docs: set[int] = set()
        estimate = 0
        for groups in interpretations:
            scored, est = self._rank(q, groups, allowed, limit, cancelled, total_docs)
            estimate = max(estimate, est)
            for d, item in scored.items():
                old = best.get(d)
                if old is None or item[0] > old[0]:
                    best[d] = item
        if allowed.roles:
            self._via_parties(best, allowed, total_docs, limit)
        kinds, ids = self._doc_kind, self._doc_id
        order = sorted([(-item[0], KIND_RANK[kinds[d]], ids[d], d) for d, item in best.items()])
        hits = [self._hit(d, best[d], q) for _, _, _, d in order[:limit]]
        total = max(len(total_docs), estimate, len(best))
        return SearchResult(query, [h for h in hits if h is not None], None, total)

    def _rank(
        self,
        q: Query,
        groups: tuple[tuple[Term, ...], ...],
        allowed: Allowed,
        limit: int,
        cancelled: Callable[[], bool],
        total_docs: set[int],
    ) -> tuple[dict[int, tuple[float, int, int, tuple[tuple[int, int], ...]]], int]:
        # With a kind: filter, capped term sets start at the first text of those kinds
        # (article text is numbered last: "kind:article court" must not be cut away).
        start = kind_mask = 0
        if allowed.kinds != frozenset(KINDS):
            start = min((self._kind_start.get(k, 0) for k in allowed.kinds), default=0)
            for k in allowed.kinds:
                kind_mask |= _KIND_BIT[k]
        cands, exact_sets, infos = self._candidates(groups, cancelled, start, kind_mask)
        texts = self._texts
        for neg in q.negative:
            t = neg.text
            if neg.mode == "prefix":
                cands = {x for x in cands if not texts[x].startswith(t)}
            elif neg.mode == "suffix":
                cands = {x for x in cands if not texts[x].endswith(t)}
            elif neg.mode == "whole":
                cands = {x for x in cands if texts[x] != t}
            else:
                cands = {x for x in cands if t not in texts[x]}
        if cancelled():
            raise Cancelled
        filtered = allowed.filtered
        mask = 0
        for k in allowed.kinds:
            mask |= _KIND_BIT[k]
        all_kinds = mask == (1 << len(KINDS)) - 1
        # Order: texts matching every group with a whole word first, then by priority.
        tier0 = set(cands)
        for ex in exact_sets:
            tier0 &= ex
        owners = self._owners
        need = max(RANK_CAP, limit)
        if all_kinds and not filtered:
            chosen = sorted(tier0)[:need]
            if len(chosen) < need:
                chosen += sorted(cands - tier0)[: need - len(chosen)]
            if len(cands) <= need:
                estimate = sum(map(len, map(owners.__getitem__, cands)))
            else:
                estimate = len(cands)
        else:
            chosen = []
            seen = 0
            tk = self._text_kinds
            for n, x in enumerate(itertools.chain(sorted(tier0), sorted(cands - tier0))):
                seen += 1
                if not tk[x] & mask:
                    continue
                if filtered and not any(
                    self._entry_ok(e, allowed) for e in itertools.islice(owners[x], OWNER_CHECK)
                ):
                    continue
                chosen.append(x)
                if len(chosen) >= need or seen >= EXAMINE_CAP:
                    break
                if n & 1023 == 1023 and cancelled():
                    raise Cancelled
            # passing share of what was examined, applied to the rest
            estimate = len(chosen) + (len(cands) - seen) * len(chosen) // max(seen, 1)
        query_text = " ".join(t.text for g in groups for t in g[:1])
        scored: dict[int, tuple[float, int, int, tuple[tuple[int, int], ...]]] = {}
        fanout = max(limit, FANOUT_MIN)
        case_boost = 0.08 if q.filters.case_filters() else 0.0
        for n, x in enumerate(chosen):
            fields_seen: dict[
                tuple[str, str], tuple[float, tuple[tuple[int, int], ...]] | None
            ] = {}
            fanned = 0
            for e in owners[x]:
                d = self._ent_doc[e]
                if d < 0:
                    continue
                kind = self._doc_kind[d]
                if not allowed.ok(kind, self._doc_id[d]):
                    continue
                fld = self._ent_field[e]
                if (kind, fld) not in fields_seen:
                    bonus_field = "source title" if kind == "source" and fld == "title" else fld
                    fields_seen[kind, fld] = score_text(
                        texts[x],
                        groups,
                        infos,
                        bool(self._text_pairs[x]),
                        bonus_field,
                        query_text,
                        case_boost if kind == "case" else 0.0,
                    )
                res = fields_seen[kind, fld]
                if res is None:
                    continue
                total_docs.add(d)
                old = scored.get(d)
                if old is None or res[0] > old[0]:
                    scored[d] = (res[0], e, x, res[1])
                fanned += 1
                if fanned >= fanout:
                    break
            if n & 63 == 63 and cancelled():
                raise Cancelled
        return scored, estimate

    def _entry_ok(self, e: int, allowed: Allowed) -> bool:
        d = self._ent_doc[e]
        return d >= 0 and allowed.ok(self._doc_kind[d], self._doc_id[d])

    def _build_kind_docs(self) -> None:
        """Live document ordinals per kind, sorted by id (for filter-only listings)."""
        per_kind: dict[str, list[int]] = {k: [] for k in KINDS}
        kinds = self._doc_kind
        entries = self._doc_entries
        for d in range(len(kinds)):
            if entries[d]:
                per_kind[kinds[d]].append(d)
        for docs in per_kind.values():
            docs.sort(key=self._doc_id.__getitem__)
        self._kind_cache = per_kind

    def _kind_docs(self, kind: str) -> list[int]:
        """Ordinals of the live documents of one kind, sorted by id."""
        if not self._kind_cache:
            self._build_kind_docs()
        return self._kind_cache[kind]

    def _via_parties(
        self,
        best: dict[int, tuple[float, int, int, tuple[tuple[int, int], ...]]],
        allowed: Allowed,
        total_docs: set[int],
        limit: int,
    ) -> None:
        """``role:x words``: cases in which a party matching the words has role x."""
        if "case" not in allowed.kinds or not allowed.roles:
            return
        party_hits = [(d, item) for d, item in best.items() if self._doc_kind[d] == "party"]
        party_hits.sort(key=lambda kv: -kv[1][0])
        cases = self._store.table(model.CASES)
        for d, item in party_hits[: max(limit, FANOUT_MIN)]:
            pid = self._doc_id[d]
            for cid in self._store.cases_of_party(pid):
                if allowed.cases is not None and cid not in allowed.cases:
                    continue
                mine = {p["role"] for p in cases[cid]["participants"] if p["party"] == pid}
                if not all(mine & rs for rs in allowed.roles):
                    continue
                cd = self._doc_ord.get(("case", cid))
                if cd is None:
                    continue
                score = max(item[0] - 0.5, 0.0)
                old = best.get(cd)
                if old is None or score > old[0]:
                    best[cd] = (score, item[1], item[2], item[3])
                    total_docs.add(cd)

    def _listing(
        self, query: str, q: Query, allowed: Allowed, limit: int, cancelled: Callable[[], bool]
    ) -> SearchResult:
        """Filters only (no words): documents passing them, by kind then id."""
        texts = self._texts
        negative = q.negative
        docs: list[int] = []
        total = 0
        for kind in sorted(allowed.kinds, key=_LIST_RANK.__getitem__):
            kind_docs = self._kind_docs(kind)
            exact_count = not negative and (not allowed.filtered or kind == "case")
            if exact_count:
                total += len(kind_docs) if allowed.cases is None else len(allowed.cases)
                if len(docs) >= limit:
                    continue
            # Other kinds are tested one by one (parties through their cases): stop
            # once the page is full, and after LISTING_SCAN documents at most.
            for n, d in enumerate(kind_docs[:LISTING_SCAN]):
                if not allowed.ok(kind, self._doc_id[d]):
                    continue
                if negative:
                    ents = self._doc_entries[d]
                    if any(neg.text in texts[self._ent_text[e]] for neg in negative for e in ents):
                        continue
                if not exact_count:
                    total += 1
                if len(docs) < limit:
                    docs.append(d)
                elif exact_count or n >= LISTING_COUNT:
                    break
                if n & 1023 == 1023 and cancelled():
                    raise Cancelled
        hits = []
        for d in docs:
            e = self._doc_entries[d][0]
            hit = self._hit(d, (50.0, e, self._ent_text[e], ()), q)
            if hit is not None:
                hits.append(hit)
        return SearchResult(query, hits, None, max(total, len(hits)))

    # ----------------------------------------------------------------- hits

    def _hit(
        self, d: int, item: tuple[float, int, int, tuple[tuple[int, int], ...]], q: Query
    ) -> Hit | None:
        score, e, _x, nspans = item
        kind = self._doc_kind[d]
        doc_id = self._doc_id[d]
        table = _TABLE_OF.get(kind, model.SOURCES)
        doc = self._store.get(table, doc_id)
        if doc is None:
            return None
        fld = self._ent_field[e]
        title = str(doc.get("name") if kind in ("party", "court") else doc.get("title", doc_id))
        shown_field = "text" if kind == "article" else fld
        source_doc = doc
        via = self._ent_doc[e]
        if via != d and via >= 0:  # a case matched through one of its parties
            src_kind = self._doc_kind[via]
            source_doc = self._store.get(_TABLE_OF[src_kind], self._doc_id[via]) or {}
            shown_field = "party"
        if kind == "article":
            original = self._article_text(doc)
        else:
            values = _field_values(source_doc, fld)
            sub = self._ent_sub[e]
            original = values[sub] if sub < len(values) else ""
        upto = max((b for _, b in nspans), default=0) + 1
        norm, starts, ends = normalise_map(original, upto)
        spans = original_spans(original, starts, ends, nspans) if norm else ()
        text = original
        if (len(original) > 2 * SNIPPET + 40 and kind in ("article",)) or len(original) > 400:
            centre = spans[0][0] if spans else 0
            a = max(0, centre - SNIPPET)
            b = min(len(original), (spans[0][1] if spans else 0) + SNIPPET)
            while a > 0 and a > centre - SNIPPET - 20 and not original[a - 1].isspace():
                a -= 1
            text = original[a:b]
            spans = tuple((max(s - a, 0), min(t - a, b - a)) for s, t in spans if s < b and t > a)
        text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
        case_id = None
        if kind in ("source", "article"):
            case_id = self._facets.citing_case(doc_id)
        return Hit(kind, doc_id, title, score, shown_field, text, spans, case_id)


_DOUBLE: Final = re.compile(r"(.)\1+")
_H_AFTER: Final = re.compile(r"(?<=[bcdgkpst])h")


def skeleton(word: str) -> str | None:
    """A rough romanisation-independent key for Latin-script words: ``y``→``i``,
    doubled letters single, ``h`` after a consonant dropped (``chhun`` = ``chun``,
    ``vanny`` = ``vani``).  ``None`` for other scripts and words with digits."""
    if not word.isascii() or not word.isalpha():
        return None
    w = _DOUBLE.sub(r"\1", word.replace("y", "i"))
    return _DOUBLE.sub(r"\1", _H_AFTER.sub("", w))


@functools.lru_cache(maxsize=256)
def _prefix_patterns(
    t: str, fuzzy_words: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for "a word starts with t, or is one of the typo words" — without
    and with the adjacent-word pairs of names (``kemsok`` in ``kem sokha``)."""
    alts = [re.escape(t)] + [re.escape(w) + "(?![^ ])" for w in fuzzy_words]
    base = "(?<![^ ])(?:" + "|".join(alts) + ")"
    pairs = [re.escape(t[:k]) + " " + re.escape(t[k:]) for k in range(1, len(t))]
    with_pairs = "(?<![^ ])(?:" + "|".join(alts + pairs) + ")"
    return re.compile(base), re.compile(with_pairs)


__all__ = ["Hit", "SearchIndex", "SearchResult"]
