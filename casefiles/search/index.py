"""The search index: every searchable text of a store, normalised once, with a word
index that answers a keystroke without scanning every string.

The work is split by what it holds:

* ``vocabulary`` — texts, entries, documents, postings and typo tables, and
  how a store is indexed;
* ``candidates`` — per term, the texts that can match (cached, capped), and
  their intersection for a query;
* ``ranking`` — which candidates are scored, how many documents match, the
  ``Scored`` tuple and the final order; ``score`` scores one text;
* ``fanout`` — from scored texts to documents and ``Hit`` objects;
* ``listing`` — filters without words;
* ``filters`` — which documents the field filters let through;
* ``persist`` — the index kept on disk between starts (``SearchIndex.open``).

A keystroke
-----------
1. Parse (``query.parse``); resolve filters to the documents they allow
   (``filters.Facets``, cached per resolved value).
2. Candidate texts per group (``Candidates.find``); with a ``kind:`` filter,
   capped sets start at the first text of those kinds.
3. Drop negated terms, choose the texts worth scoring, score them per owner
   document (``ranking.choose``, ``fanout.fan_out``).  Several words are also
   tried run together as one term ("keo reaksmey" → ``keoreaksmey``); each
   document keeps its best result.
4. ``role:`` with words also reaches cases through matching parties; order,
   cut to ``limit`` and build the hits (``fanout.make_hit``).

Threads: ``search`` may run in a worker thread; a lock serialises it with
``update``.  ``cancelled()`` is polled between steps and inside long loops;
Python releases the GIL between bytecodes, so a UI thread keeps running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Final

from casefiles import collector, model
from casefiles.search import persist
from casefiles.search.candidates import Candidates, never
from casefiles.search.fanout import fan_out, make_hit, via_parties
from casefiles.search.filters import Allowed, Cancelled, Facets
from casefiles.search.listing import listing
from casefiles.search.query import KINDS, Query, QueryError, Term, parse
from casefiles.search.ranking import RANK_CAP, Scored, choose, drop_negated, merge, order
from casefiles.search.results import Hit, SearchResult
from casefiles.search.vocabulary import FIELDS, TABLE_OF, Vocabulary, kind_mask
from casefiles.store import Store, StoreError

#: Score of a document listed by filters alone (no words to score against).
LISTED_SCORE: Final = 50.0
#: A kept index brought up to date from more log entries than this is kept again.
REKEEP_AFTER: Final = 200


class SearchIndex:
    """In-memory search index over a store; see the module docstring."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._vocab = Vocabulary()
        self._cands = Candidates(self._vocab)
        self._facets = Facets(store)
        self.build_seconds = 0.0
        """Seconds the last build (or read from the cache) took."""
        self.from_cache = False
        """Whether the index was read from the cache folder (``open``) instead of built."""
        self.replayed = 0
        """Documents re-indexed from change-log entries newer than the kept index."""

    @property
    def refine_ratio(self) -> int:
        """See ``Candidates.refine_ratio`` (0: always refine from the previous keystroke)."""
        return self._cands.refine_ratio

    @refine_ratio.setter
    def refine_ratio(self, value: int) -> None:
        self._cands.refine_ratio = value

    @property
    def facets(self) -> Facets:
        """The field filters' inverted indexes (``casefiles.search.listfilter``
        reads them; built or loaded with the index, read-only for callers)."""
        return self._facets

    def party_ids(self, value: str) -> set[str]:
        """The parties ``party:value`` names in a search (thread-safe)."""
        with self._lock:
            return self._party_ids(value)

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Index every searchable text of ``store``."""
        t0 = time.perf_counter()
        index = cls(store)
        vocab = index._vocab
        with collector.paused(collect=True):
            for table, kind, fld in FIELDS:
                for doc_id, doc in store.table(table).items():
                    vocab.add_field(kind, doc_id, doc, fld, index._article_text)
            vocab.finish_build()
            vocab.kind_docs("case")  # the per-kind lists of filter-only listings
            index._cands.warm_short()
            index._facets.build()
            # one string object per id, title and date, as a read from the cache has
            index._facets.load_state(shared_strings(index._facets.state(), vocab))
        give_back_memory()
        index.build_seconds = time.perf_counter() - t0
        return index

    @classmethod
    def open(cls, store: Store, *, cache: bool = True) -> SearchIndex:
        """The index of ``store``: read from the user cache folder when one was kept
        for exactly this store file, else built (and kept for the next start).
        ``cache=False`` always builds and keeps nothing.  See ``persist``."""
        key = None
        position = None  # the last log entry the store applied (stores with a log)
        if cache and persist.enabled():
            loaded = getattr(store, "fingerprint", None)
            position = persist.log_position(store)
            version = persist.CHECKPOINT if position is not None else None
            key = persist.store_key(store.path, loaded, version)
        if key is not None:
            index = cls._read(store, key, position)
            if index is not None:
                return index
        index = cls.build(store)
        if key is not None:
            index._keep(key, position)
        return index

    def _keep(self, key: str, position: tuple[int, str, int] | None) -> None:
        with self._lock:
            state = self._state()
            state["log"] = list(position) if position is not None else None
            persist.write(key, state)
            del state
            give_back_memory()

    @classmethod
    def _read(
        cls, store: Store, key: str, position: tuple[int, str, int] | None = None
    ) -> SearchIndex | None:
        t0 = time.perf_counter()
        index = cls(store)
        with collector.paused():  # what a read leaves behind holds no cycles
            state = persist.read(key)
            if state is None:
                return None
            touched: list[tuple[str, str]] = []
            if position is not None:
                kept = state.get("log")
                if not (isinstance(kept, list) and len(kept) == 3):
                    return None
                since = persist.log_since(store, (kept[0], kept[1], kept[2]))
                if since is None:
                    return None
                touched = since
            try:
                index._vocab = Vocabulary.from_state(state["vocabulary"])
                index._facets.load_state(state["facets"])
            except (KeyError, TypeError, ValueError):
                return None
            del state
            index._cands = Candidates(index._vocab)
            for table, doc_id in touched:
                index.update(store, table, doc_id)
            if touched:
                index._facets.build()  # now, not on the first filtered keystroke
            index._cands.warm_short()
            index._vocab.kind_docs("case")
        give_back_memory()
        index.build_seconds = time.perf_counter() - t0
        index.from_cache = True
        index.replayed = len(touched)
        if len(touched) > REKEEP_AFTER and position is not None:
            index._keep(key, position)
        return index

    def _state(self) -> dict[str, Any]:
        facets = shared_strings(self._facets.state(), self._vocab)
        return {"vocabulary": self._vocab.state(), "facets": facets}

    def _article_text(self, source: model.Doc) -> str:
        try:
            return self._store.read_article(source)
        except StoreError:
            return ""

    def update(self, store: Store, table: str, doc_id: str) -> None:
        """Re-index one document after ``store.put``/``store.delete`` (removed if gone)."""
        with self._lock:
            self._store = store
            kinds = [k for k, t in TABLE_OF.items() if t == table]
            if table == model.SOURCES:
                kinds.append("article")
            for kind in kinds:
                self._vocab.remove_document(kind, doc_id)
            doc = store.get(table, doc_id) if table in model.TABLES else None
            if doc is not None:
                self._vocab.add_document(table, doc_id, doc, self._article_text)
            self._vocab.finish_update()
            self._cands.clear()
            self._facets.invalidate(store)

    # -------------------------------------------------------------- search

    def search(
        self, query: str, limit: int = 50, cancelled: Callable[[], bool] | None = None
    ) -> SearchResult:
        """Ranked hits for ``query``; never raises (a malformed query sets ``error``)."""
        check = cancelled or never
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
        """Parties whose name or an alias has words starting with each word of ``value``."""
        vocab = self._vocab
        groups = tuple((Term(w),) for w in value.split(" "))
        out: set[str] = set()
        for tid in self._cands.find(groups, never).texts:
            for e in vocab.owners[tid]:
                d = vocab.ent_doc[e]
                if d >= 0 and vocab.doc_kind[d] == "party" and vocab.ent_field[e] != "description":
                    out.add(vocab.doc_id[d])
        return out

    def _search(self, query: str, limit: int, cancelled: Callable[[], bool]) -> SearchResult:
        q = parse(query)
        if q.empty:
            return SearchResult(query, [])
        allowed = self._facets.allowed(q.filters, self._party_ids, cancelled)
        notes = allowed.notes
        if not q.positive:
            page = listing(self._vocab, allowed, q.negative, limit, cancelled)
            vocab = self._vocab
            listed = []
            for d in page.docs:
                e = vocab.doc_entries[d][0]
                hit = self._hit(d, Scored(LISTED_SCORE, e, vocab.ent_text[e], ()))
                if hit is not None:
                    listed.append(hit)
            return SearchResult(query, listed, None, page.total, page.exact, notes)
        interpretations = [q.positive]
        fuzzy_single = [g for g in q.positive if len(g) == 1 and g[0].mode == "fuzzy"]
        if len(fuzzy_single) >= 2:
            joined = Term("".join(g[0].text for g in fuzzy_single), "fuzzy")
            others = tuple(g for g in q.positive if g not in fuzzy_single)
            interpretations.append(((joined,), *others))
        best: dict[int, Scored] = {}
        estimate = 0
        exact = True
        for groups in interpretations:
            scored, est, complete = self._rank(q, groups, allowed, limit, cancelled)
            estimate = max(estimate, est)
            exact &= complete
            merge(best, scored)
        if allowed.roles:
            exact &= via_parties(self._store, self._vocab, best, allowed, limit)
        hits: list[Hit] = []
        gone = 0  # documents deleted from the store since the last update
        for d in order(self._vocab, best):
            if len(hits) >= limit:
                break
            hit = self._hit(d, best[d])
            if hit is not None:
                hits.append(hit)
            else:
                gone += 1
        total = (len(best) if exact else max(estimate, len(best))) - gone
        return SearchResult(query, hits, None, total, exact, notes)

    def _rank(
        self,
        q: Query,
        groups: tuple[tuple[Term, ...], ...],
        allowed: Allowed,
        limit: int,
        cancelled: Callable[[], bool],
    ) -> tuple[dict[int, Scored], int, bool]:
        """Best result per document for one reading of the query, an estimate of
        the matching documents, and whether that count is exact."""
        # With a kind: filter, capped term sets start at the first text of those kinds
        # (article text is numbered last: "kind:article court" must not be cut away).
        start = mask = 0
        if allowed.kinds != frozenset(KINDS):
            start = min((self._vocab.kind_start.get(k, 0) for k in allowed.kinds), default=0)
            mask = kind_mask(allowed.kinds)
        found = self._cands.find(groups, cancelled, start, mask)
        cands = drop_negated(self._vocab.texts, found.texts, q.negative)
        if cancelled():
            raise Cancelled
        need = max(RANK_CAP, limit)
        chosen = choose(self._vocab, cands, found.exact, allowed, need, cancelled)
        case_filters = q.filters.case_filters()
        fanned = fan_out(
            self._vocab, chosen.texts, groups, found.infos, allowed, limit, case_filters, cancelled
        )
        exact = chosen.complete and fanned.complete and not found.truncated
        return fanned.scored, max(chosen.estimate, len(fanned.scored)), exact

    def _hit(self, d: int, item: Scored) -> Hit | None:
        return make_hit(self._store, self._vocab, self._facets, d, item)


def give_back_memory() -> None:
    """Return the C heap's free memory to the system (glibc's ``malloc_trim``; a
    no-op elsewhere).  A build frees hundreds of megabytes of transient tables
    (word dicts, parsed documents); glibc keeps most of that mapped until asked:
    at 100k cases, about 150 MB of the build's resident size."""
    import ctypes  # only after a build

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (or no C library by name)
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def shared_strings(facets: dict[str, Any], vocab: Vocabulary) -> dict[str, Any]:
    """``facets`` (``Facets.state()``) with each id, title and date string replaced by
    one object per value, the vocabulary's own where it has it (document ids,
    normalised titles).  The filters' indexes take their ids from parsed
    documents, one string object per mention (a party in 3 cases: 3 copies);
    shared, ``marshal`` writes each once and a read holds each once (about
    90 MB less at 100k cases)."""
    canon: dict[str, str] = {s: s for s in vocab.doc_id}
    for text in vocab.texts:
        canon.setdefault(text, text)
    one = canon.setdefault

    def shared(value: Any) -> Any:
        if isinstance(value, str):
            return one(value, value)
        if isinstance(value, (tuple, list)):
            return type(value)(one(x, x) if isinstance(x, str) else x for x in value)
        return value

    out: dict[str, Any] = {}
    for name, index in facets.items():
        out[name] = (
            {shared(k): shared(v) for k, v in index.items()} if isinstance(index, dict) else index
        )
    return out


__all__ = ["Hit", "SearchIndex", "SearchResult", "give_back_memory", "shared_strings"]
