"""The cases list narrowed and ordered in place (the browser's filter line, k9s-style).

``ListFilter.apply(text, sort)`` turns a filter written in the search's field
syntax (``status:pending year:2016 court:appeal level:supreme party:"tep
vanny" charge:548 role:judge outcome:upheld country:cambodia``, plus free
words) into the ordered list of case ids it lets through.

* The text is parsed by ``casefiles.search.query.parse`` (no second parser);
  a malformed filter raises ``FilterError`` whose message names the bad part
  in one line (the caller keeps its list as it was).  ``kind:`` other than
  ``kind:case`` is refused: the list holds cases only.
* Field filters mean what they mean for a case hit in a search
  (``casefiles.search.filters``): the case sets come from the search index's
  inverted indexes (``Facets.case_base`` and ``Facets.cases_passing``), and
  ``party:`` names the parties a search's ``party:`` names
  (``SearchIndex.party_ids``).  No case is looked at one by one.
* Free words are matched against case titles, accents and case ignored:
  ``sokha`` a title word starting with it (no typo tolerance: a filter is
  exact), ``'x`` / ``"a b"`` contained, ``^x`` title starts with, ``x$`` ends
  with, ``!x`` title does not contain, ``a | b`` either.  The normalised
  titles come from the facets; their word index (word → cases) is built on
  first use.
* Sorts (``Sort``): store order, latest ruling date, first event (the earliest
  dated event or proceeding), title, status (in ``model.CASE_STATUSES``
  order, then title); each ascending or descending.  Ties keep title order,
  then store order; cases without the date sort last either way.  Partial
  dates sort as stored (``2016`` before ``2016-03`` before ``2016-03-01``).
  The sort keys are the facets' (``Facets.title``, ``ruling_date``,
  ``first_date``, ``status``): no document is read.  Each sort's order of
  every case is computed once (in slices: see ``gently_sorted``); a filtered
  list takes its order from it.

Results are cached per resolved filter (the same party, court, charge and
country values, whatever was typed) and per sort.  ``apply`` may run in a
worker thread; ``cancelled()`` is polled between steps.  This module never
imports textual.
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

from casefiles import collector, model
from casefiles.search.candidates import never
from casefiles.search.filters import Cancelled, Facets, case_filter_key, filter_notes
from casefiles.search.query import KINDS, Query, QueryError, Term, parse
from casefiles.search.vocabulary import TOP
from casefiles.store import Store

if TYPE_CHECKING:
    from casefiles.search.index import SearchIndex

#: Sort keys in the order the sort key cycles through them.
SORT_KEYS: Final = ("store", "ruling", "event", "title", "status")
#: How each sort is named in the pane title.
SORT_NAMES: Final = {
    "store": "store order",
    "ruling": "latest ruling",
    "event": "first event",
    "title": "title",
    "status": "status",
}
#: The direction a sort starts in when the cycle reaches it (newest rulings first).
SORT_STARTS_DESCENDING: Final = frozenset({"ruling"})
#: Results kept per filter and per (filter, sort).
CACHE_SIZE: Final = 64
#: A filtered set smaller than this share of the store is sorted by rank; a
#: bigger one is picked out of the full order (one pass, no sort).
_RANK_SHARE: Final = 8
#: Items per slice of a gentle sort (a slice sorts in about a millisecond).
SORT_SLICE: Final = 4_000

T = TypeVar("T")


class FilterError(ValueError):
    """A malformed filter; ``str()`` is one line for the user naming the bad part."""


@dataclass(frozen=True, slots=True)
class Sort:
    """An order of the cases list: a key of ``SORT_KEYS`` and a direction."""

    key: str = "store"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise ValueError(f"unknown sort {self.key!r}; sorts are {', '.join(SORT_KEYS)}")

    @property
    def active(self) -> bool:
        """Whether this is anything but the store's own order."""
        return self.key != "store" or self.descending

    def label(self) -> str:
        """``latest ruling ↓`` (descending) or ``title ↑``; ``store order`` as stored."""
        if not self.active:
            return SORT_NAMES["store"]
        return f"{SORT_NAMES[self.key]} {'↓' if self.descending else '↑'}"

    def next(self) -> Sort:
        """The next sort of the cycle (in the direction it starts in)."""
        key = SORT_KEYS[(SORT_KEYS.index(self.key) + 1) % len(SORT_KEYS)]
        return Sort(key, key in SORT_STARTS_DESCENDING)

    def reversed(self) -> Sort:
        """The same sort the other way round."""
        return Sort(self.key, not self.descending)


#: The sorts ``ListFilter.warm`` prepares (as the sort key's cycle starts them).
WARM_SORTS: Final = (Sort("ruling", True), Sort("event"), Sort("title"), Sort("status"))


@dataclass(frozen=True, slots=True)
class Narrowed:
    """What a filter and a sort leave of the cases list."""

    text: str
    """The filter as given, stripped (``""``: no filter)."""
    sort: Sort
    case_ids: list[str]
    """The cases passing, in the sort's order (shared with the cache: do not change)."""
    total: int
    """How many cases the store holds."""
    notes: tuple[str, ...] = ()
    """Remarks (a ``party:`` value that names no party)."""

    @property
    def count(self) -> int:
        """How many cases pass."""
        return len(self.case_ids)

    @property
    def filtered(self) -> bool:
        """Whether a filter is active."""
        return bool(self.text)

    def position(self, case_id: str | None) -> int | None:
        """Where ``case_id`` is in the list (``None``: not there)."""
        if case_id is None:
            return None
        try:
            return self.case_ids.index(case_id)
        except ValueError:
            return None


def _term_key(term: Term) -> tuple[str, str, bool]:
    return (term.text, term.mode, term.negate)


class ListFilter:
    """Filter and sort one store's cases list; see the module docstring.

    ``facets`` are the search index's inverted indexes (built) for ``store``;
    ``party_ids(value)`` resolves a ``party:`` value to party ids."""

    def __init__(
        self,
        store: Store,
        facets: Facets,
        party_ids: Callable[[str], set[str]],
    ) -> None:
        self.store = store
        self.facets = facets
        self.party_ids = party_ids
        self._lock = threading.RLock()
        self._all: list[str] = list(store.table(model.CASES))
        self._sets: OrderedDict[Hashable, set[str] | None] = OrderedDict()
        self._orders: OrderedDict[Hashable, list[str]] = OrderedDict()
        self._full: dict[Sort, list[str]] = {}
        self._ranks: dict[Sort, dict[str, int]] = {}
        self._titles: list[str] | None = None
        self._title_words: dict[str, set[str]] = {}
        self._words: list[str] = []
        self._term_sets: dict[tuple[str, str, bool], set[str]] = {}

    @classmethod
    def from_index(cls, store: Store, index: SearchIndex) -> ListFilter:
        """The filter of ``store`` over its search index's facets and party names."""
        return cls(store, index.facets, index.party_ids)

    # -- the one entry point

    def apply(
        self,
        text: str,
        sort: Sort | None = None,
        cancelled: Callable[[], bool] = never,
    ) -> Narrowed:
        """The cases ``text`` lets through, in ``sort``'s order; ``FilterError``
        when ``text`` is malformed, ``Cancelled`` when ``cancelled()`` turned true."""
        sort = sort or Sort()
        text = text.strip()
        with self._lock:
            query = self.parse(text)
            ids, key, notes = self._case_set(query, cancelled)
            if cancelled():
                raise Cancelled
            return Narrowed(text, sort, self._ordered(ids, key, sort), len(self._all), notes)

    @staticmethod
    def parse(text: str) -> Query:
        """The filter parsed by the search's parser; ``FilterError`` when malformed.
        Only negated words (``!protest``) are a filter here (a search refuses them)."""
        try:
            query = parse(text)
        except QueryError as exc:
            try:  # "only negated terms" is the one error a cases-only filter lifts
                query = parse(text + " kind:case")
            except QueryError:
                raise FilterError(str(exc).replace("\n", " ")) from None
        kinds = query.filters.kinds
        if kinds != frozenset(KINDS) and kinds != frozenset({"case"}):
            raise FilterError(f"kind: keeps {', '.join(sorted(kinds))}; this list holds cases only")
        return query

    # -- which cases

    def _case_set(
        self, query: Query, cancelled: Callable[[], bool]
    ) -> tuple[set[str] | None, Hashable, tuple[str, ...]]:
        """The set of passing cases (``None``: all), its cache key and notes."""
        filters = query.filters
        facets = self.facets
        if filters.case_filters():
            resolved = facets.resolve(filters, self.party_ids)
            fkey: Hashable = case_filter_key(filters, resolved)
        else:
            resolved = None
            fkey = ()
        words = tuple(tuple(_term_key(t) for t in g) for g in query.groups)
        key = (fkey, words)
        notes = filter_notes(filters, resolved) if resolved is not None else ()
        if key in self._sets:
            self._sets.move_to_end(key)
            return self._sets[key], key, notes
        ids: set[str] | None = None
        if resolved is not None:
            base = facets.case_base(filters, resolved, cancelled)
            ids = facets.cases_passing(base, filters, resolved)
        for group in sorted(query.positive, key=len):
            if ids is not None and not ids:
                break
            found = self._group(group, cancelled)
            ids = found if ids is None else ids & found
        negative = [t.text for t in query.negative]
        if negative and (ids is None or ids):
            titles = self._title_list()
            if ids is None:
                pairs: Iterable[tuple[str, str]] = zip(self._all, titles, strict=True)
            else:
                pos = self._positions()
                pairs = ((c, titles[pos[c]]) for c in ids)
            ids = {c for c, title in pairs if not any(t in title for t in negative)}
        if ids is not None and len(ids) == len(self._all):
            ids = None
        self._sets[key] = ids
        if len(self._sets) > CACHE_SIZE:
            self._sets.popitem(last=False)
        return ids, key, notes

    def _group(self, group: tuple[Term, ...], cancelled: Callable[[], bool]) -> set[str]:
        """Cases whose title matches some term of an OR group."""
        if len(group) == 1:
            return self._term(group[0], cancelled)
        out: set[str] = set()
        for term in group:
            out |= self._term(term, cancelled)
        return out

    def _term(self, term: Term, cancelled: Callable[[], bool]) -> set[str]:
        """Cases whose title matches one positive term (cached)."""
        key = _term_key(term)
        hit = self._term_sets.get(key)
        if hit is not None:
            return hit
        titles = self._title_list()
        t = term.text
        if term.mode == "fuzzy":
            words = self._word_index()
            lo = bisect_left(words, t)
            hi = bisect_left(words, t + TOP, lo)
            out: set[str] = set()
            for w in words[lo:hi]:  # one union per word: never a long hold of the GIL
                out |= self._title_words[w]
        else:
            match: Callable[[str], bool]
            if term.mode == "exact":
                match = lambda s: t in s  # noqa: E731
            elif term.mode == "prefix":
                match = lambda s: s.startswith(t)  # noqa: E731
            elif term.mode == "suffix":
                match = lambda s: s.endswith(t)  # noqa: E731
            else:
                match = lambda s: s == t  # noqa: E731
            out = {c for c, title in zip(self._all, titles, strict=True) if match(title)}
        if cancelled():
            raise Cancelled
        if len(self._term_sets) > 4 * CACHE_SIZE:
            self._term_sets.clear()
        self._term_sets[key] = out
        return out

    def _title_list(self) -> list[str]:
        """Normalised titles in store order (from the facets)."""
        if self._titles is None:
            self.facets.ensure_built()
            title = self.facets.title
            self._titles = [title.get(c, "") for c in self._all]
        return self._titles

    def _word_index(self) -> list[str]:
        """The sorted words of every title; ``_title_words`` maps each to its cases
        (built on the first title word typed)."""
        if not self._words:
            with collector.paused():
                index: dict[str, set[str]] = {}
                for cid, text in zip(self._all, self._title_list(), strict=True):
                    for w in set(text.split(" ")):
                        if w:
                            index.setdefault(w, set()).add(cid)
                self._title_words = index
                self._words = sorted(index)
        return self._words

    def _positions(self) -> dict[str, int]:
        """Store position of every case."""
        return self._rank(Sort())

    # -- in what order

    def _ordered(self, ids: set[str] | None, key: Hashable, sort: Sort) -> list[str]:
        okey = (key, sort)
        hit = self._orders.get(okey)
        if hit is not None:
            self._orders.move_to_end(okey)
            return hit
        full = self.full_order(sort)
        if ids is None:
            out = full
        elif len(ids) * _RANK_SHARE < len(full):
            out = gently_sorted(list(ids), self._rank(sort).__getitem__)
        else:
            out = [c for c in full if c in ids]
        self._orders[okey] = out
        if len(self._orders) > CACHE_SIZE:
            self._orders.popitem(last=False)
        return out

    def _rank(self, sort: Sort) -> dict[str, int]:
        rank = self._ranks.get(sort)
        if rank is None:
            rank = self._ranks[sort] = {c: i for i, c in enumerate(self.full_order(sort))}
        return rank

    def warm(self, cancelled: Callable[[], bool] = never) -> None:
        """Compute every sort's order of all cases now, so that the sort key
        answers at once later; stops when ``cancelled()`` turns true.  It takes
        no lock (a filter typed meanwhile never waits for it): an order is
        stored by one assignment, and at worst computed twice."""
        for sort in WARM_SORTS:
            if cancelled():
                return
            self.full_order(sort)

    def full_order(self, sort: Sort) -> list[str]:
        """Every case in ``sort``'s order (computed once per sort)."""
        hit = self._full.get(sort)
        if hit is not None:
            return hit
        if sort.key == "store":
            out = self._all if not sort.descending else self._all[::-1]
        else:
            by_title = self._by_title()
            if sort.key == "title":
                out = by_title if not sort.descending else self._title_desc()
            else:
                values = self._values(sort.key)
                known = [c for c in by_title if c in values]
                unknown = [c for c in by_title if c not in values]
                out = gently_sorted(known, values.__getitem__, sort.descending) + unknown
        self._full[sort] = out
        return out

    def _by_title(self) -> list[str]:
        """Cases by normalised title, ties in store order."""
        hit = self._full.get(Sort("title"))
        if hit is None:
            titles = self._title_list()
            order = gently_sorted(list(range(len(self._all))), titles.__getitem__)
            hit = self._full[Sort("title")] = [self._all[i] for i in order]
        return hit

    def _title_desc(self) -> list[str]:
        titles = self._title_list()
        order = gently_sorted(list(range(len(self._all))), titles.__getitem__, True)
        return [self._all[i] for i in order]

    def _values(self, key: str) -> Mapping[str, str | int]:
        """The sort value of each case that has one, from the facets (no document
        is read): ``ruling``/``event`` an ISO partial date, ``status`` its rank."""
        facets = self.facets
        facets.ensure_built()
        if key == "status":
            ranks: dict[str, str | int] = {}
            order = {s: i for i, s in enumerate(model.CASE_STATUSES)}
            for status, cases in facets.status.items():
                rank = order.get(status, len(order))
                for cid in cases:
                    ranks[cid] = rank
            return ranks
        return facets.ruling_date if key == "ruling" else facets.first_date


def gently_sorted(items: list[T], key: Callable[[T], Any], reverse: bool = False) -> list[T]:
    """``sorted(items, key=key, reverse=reverse)`` (stable too), sorted in slices of
    ``SORT_SLICE`` merged by ``heapq.merge`` (Python code): a worker thread never
    holds the GIL for a whole 100k-item sort, which would stall the UI thread."""
    if len(items) <= SORT_SLICE:
        return sorted(items, key=key, reverse=reverse)
    runs = [
        sorted(items[i : i + SORT_SLICE], key=key, reverse=reverse)
        for i in range(0, len(items), SORT_SLICE)
    ]
    return list(heapq.merge(*runs, key=key, reverse=reverse))


__all__ = [
    "SORT_KEYS",
    "SORT_NAMES",
    "FilterError",
    "ListFilter",
    "Narrowed",
    "Sort",
    "gently_sorted",
]
