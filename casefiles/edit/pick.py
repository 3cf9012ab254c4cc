"""Choices for the edit forms' pickers: parties, courts and sources of a store, or a
fixed vocabulary, matched as forgivingly as search ("lem moni" finds Lim Mony).

``Choices(store, table)`` stands for one table's documents:

* parties by name and aliases (Khmer script included, kept intact by the
  search normalisation);
* courts by name and aliases;
* sources by title, publisher, URL and id.

``choices.match(query, limit)`` returns ``Choice(id, label, detail)`` tuples,
best first; an empty query lists them by name.  ``Choices.of_values`` does the
same over ``(id, label)`` pairs (court levels, roles, kinds…).

No second matcher lives here: a choice index is a ``search.vocabulary.Vocabulary``
of just those fields, searched with the search package's own machinery
(``Candidates.find`` for the texts each word can match, with prefixes, one-typo
words, romanisation skeletons and names written together; ``ranking.choose``,
``fanout.fan_out`` and ``score.score_text`` to score them; ``ranking.order``).
Several words are also tried run together, as search does.

Cost: building the index of the 200 000 parties of a 100k store takes a few
seconds, so it is built on the first ``match`` (or ``prepare``), never in the
constructor, and kept per store and table.  When the store's ``version``
changes (a commit, here or in another process), the documents the change log
touched since (``search.persist.log_since``, as the search index replays it)
are re-indexed alone; without a log to follow, or after many changes, the
table is indexed again.  ``match`` and ``prepare`` may run
in a worker thread (a lock serialises them per index); ``cancelled`` stops a
match early (it then returns ``[]``).  Nothing here imports textual.
"""

from __future__ import annotations

import gc
import heapq
import threading
import weakref
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, TypeVar

from casefiles import collector, model
from casefiles.search import persist
from casefiles.search.candidates import Candidates, never
from casefiles.search.fanout import fan_out
from casefiles.search.filters import Allowed, Cancelled
from casefiles.search.normalise import normalise
from casefiles.search.query import KINDS, Term
from casefiles.search.ranking import RANK_CAP, Scored, choose, merge, order
from casefiles.search.vocabulary import Vocabulary
from casefiles.store import Store

#: How many documents may have changed before an index is rebuilt instead of updated.
REBUILD_SHARE: Final = 0.05
#: Aliases named in a party's or court's detail.
DETAIL_ALIASES: Final = 3

_ALLOWED: Final = Allowed(kinds=frozenset(KINDS))
T = TypeVar("T", str, tuple[str, str])


class Choice(NamedTuple):
    """One row of a picker: the document's id, what to show, and a detail line
    (kind, aliases, publisher, date …).  Strings are raw data: make them literal
    before drawing."""

    id: str
    label: str
    detail: str


def _no_article(doc: Mapping[str, Any]) -> str:
    return ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]


# -- what each table indexes and shows

#: (search kind, [(field, what the search vocabulary reads it from)]), in priority
#: order.  A source's URL is indexed as its ``description`` and its id as a
#: ``tag`` (field names the search vocabulary knows; they only set the bonus).
_FIELDS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    model.PARTIES: ("party", ("name", "alias")),
    model.COURTS: ("court", ("name", "alias")),
    model.SOURCES: ("source", ("title", "publisher", "description", "tag")),
}


def _indexed(table: str, doc_id: str, doc: model.Doc, fld: str) -> model.Doc:
    """The document as the vocabulary reads field ``fld`` of it."""
    if table == model.SOURCES and fld == "description":
        return {"description": _text(doc.get("url"))}
    if table == model.SOURCES and fld == "tag":
        return {"tags": [doc_id]}
    return doc


def label_of(table: str, doc_id: str, doc: Mapping[str, Any]) -> str:
    """What a picker shows for a document: its name (or title), else its id."""
    key = "title" if table == model.SOURCES else "name"
    return _text(doc.get(key)).strip() or doc_id


def detail_of(table: str, doc: Mapping[str, Any], matched_alias: str | None = None) -> str:
    """The detail line of a document (an alias that matched is named first)."""
    parts: list[str] = []
    if table == model.SOURCES:
        parts.append(_text(doc.get("publisher")) or "unknown publisher")
        parts.append(model.human_date(doc.get("published"), "undated"))
        if _text(doc.get("url")):
            parts.append(_text(doc.get("url")))
        return " · ".join(parts)
    if table == model.COURTS:
        for key in ("level", "country"):
            if _text(doc.get(key)):
                parts.append(model.humanise(_text(doc[key])))
    elif _text(doc.get("kind")):
        parts.append(model.humanise(_text(doc["kind"])))
    aliases = _strings(doc.get("aliases"))
    if matched_alias is not None and matched_alias in aliases:
        aliases.remove(matched_alias)
        aliases.insert(0, matched_alias)
    if aliases:
        shown = ", ".join(aliases[:DETAIL_ALIASES])
        if len(aliases) > DETAIL_ALIASES:
            shown += ", …"
        parts.append(f"also {shown}")
    return " · ".join(parts)


# -- an index of one table (or of a vocabulary)

#: Items sorted per slice, the slices then merged in Python: one ``sorted`` of
#: 200 000 names holds the GIL long enough to stall the UI thread.
SORT_SLICE: Final = 5_000


def _sorted_in_slices(items: list[T]) -> list[T]:
    slices = [sorted(items[i : i + SORT_SLICE]) for i in range(0, len(items), SORT_SLICE)]
    return list(heapq.merge(*slices))


#: What the vocabulary reads of a document, per table (a slim copy while building).
_READ: Final[dict[str, tuple[str, ...]]] = {
    model.PARTIES: ("name", "aliases"),
    model.COURTS: ("name", "aliases"),
    model.SOURCES: ("title", "publisher", "url"),
    "": ("name",),
}


@dataclass(slots=True)
class _Index:
    """A search vocabulary over one table's picker fields, and the ids by name."""

    table: str
    kind: str
    fields: tuple[str, ...]
    vocab: Vocabulary = field(default_factory=Vocabulary)
    cands: Candidates | None = None
    #: id -> its key in ``by_name``
    keys: dict[str, str] = field(default_factory=dict)
    #: (normalised label, id), sorted: what an empty query lists
    by_name: list[tuple[str, str]] = field(default_factory=list)
    #: the store version indexed, and its last change-log entry (``persist.log_position``)
    version: tuple[object, ...] | None = None
    position: tuple[int, str, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: share of a build done (0 to 1), for a status line; 1 when not building
    progress: float = 1.0

    def _slim(self, doc: Mapping[str, Any]) -> model.Doc:
        return {k: doc[k] for k in _READ[self.table] if k in doc}

    def _key(self, doc_id: str, doc: Mapping[str, Any]) -> str:
        return normalise(label_of(self.table, doc_id, doc))

    def build(self, docs: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Index every document (fields in priority order, like the search index).
        Documents are read once (a store may parse them on demand)."""
        # no collection at the end: a full one holds the GIL for seconds at 100k
        # (the UI thread would stall while a worker builds)
        self.progress = 0.0
        with collector.paused():
            slim = {doc_id: self._slim(doc) for doc_id, doc in docs}
            vocab = Vocabulary()
            # shares of a build's time at 100k: reading a tenth, the field passes
            # half, the typo tables (``finish_build``) most of the rest
            steps = len(self.fields) * max(len(slim), 1) / 0.5
            done = 0.1 * steps
            for fld in self.fields:
                for n, (doc_id, doc) in enumerate(slim.items()):
                    shown = _indexed(self.table, doc_id, doc, fld)
                    vocab.add_field(self.kind, doc_id, shown, fld, _no_article)
                    if n & 4095 == 4095:
                        self.progress = (done + n) / steps
                done += len(slim)
                self.progress = done / steps
            # ``finish_build`` sorts the words in one ``sorted`` call, which holds the
            # GIL (400 ms for the 250 000 words and name pairs of 200 000 parties):
            # handed them already in order (sorted here in slices), it only checks.
            vocab.post = {w: vocab.post[w] for w in _sorted_in_slices(list(vocab.post))}
            self.progress = 0.65
            vocab.finish_build()
            self.progress = 0.9
            self.vocab = vocab
            self.cands = Candidates(vocab)
            self.cands.warm_short()
            self.progress = 0.94
            self.keys = {doc_id: self._key(doc_id, doc) for doc_id, doc in slim.items()}
            self.by_name = _sorted_in_slices([(key, doc_id) for doc_id, key in self.keys.items()])
            while slim:  # freed one by one: one ``del`` of 200 000 dicts holds the GIL
                slim.popitem()
            # Frozen before ``paused`` turns the collector back on: in the moment
            # between the two, another thread's allocation could start a young
            # collection over every object made here (this runs in a worker).
            gc.freeze()
        self.progress = 1.0

    def update(self, changed: Mapping[str, Mapping[str, Any] | None]) -> None:
        """Re-index the documents that changed (``None``: deleted)."""
        vocab = self.vocab
        for doc_id in changed:
            vocab.remove_document(self.kind, doc_id)
            old = self.keys.pop(doc_id, None)
            if old is not None:
                i = bisect_left(self.by_name, (old, doc_id))
                if i < len(self.by_name) and self.by_name[i] == (old, doc_id):
                    del self.by_name[i]
        for fld in self.fields:
            for doc_id, doc in changed.items():
                if doc is not None:
                    shown = _indexed(self.table, doc_id, self._slim(doc), fld)
                    vocab.add_field(self.kind, doc_id, shown, fld, _no_article)
        vocab.finish_update()
        self.cands = Candidates(vocab)
        self.cands.warm_short()
        for doc_id, doc in changed.items():
            if doc is not None:
                key = self.keys[doc_id] = self._key(doc_id, doc)
                insort(self.by_name, (key, doc_id))

    def match(self, query: str, limit: int, cancelled: Callable[[], bool]) -> list[tuple[str, int]]:
        """``(id, entry)`` of the best documents for ``query`` (entry ``-1``: listed)."""
        words = normalise(query).split()
        if not words:
            return [(i, -1) for _, i in self.by_name[:limit]]
        assert self.cands is not None
        groups = tuple((Term(w),) for w in words)
        readings = [groups]
        if len(groups) > 1:  # several words also read as one ("keo reaksmey")
            readings.append(((Term("".join(words)),),))
        best: dict[int, Scored] = {}
        need = max(RANK_CAP, limit)
        for reading in readings:
            found = self.cands.find(reading, cancelled)
            chosen = choose(self.vocab, found.texts, found.exact, _ALLOWED, need, cancelled)
            fanned = fan_out(
                self.vocab, chosen.texts, reading, found.infos, _ALLOWED, limit, False, cancelled
            )
            merge(best, fanned.scored)
        ids = self.vocab.doc_id
        return [(ids[d], best[d].entry) for d in order(self.vocab, best)[:limit]]

    def alias_of(self, entry: int, doc: Mapping[str, Any]) -> str | None:
        """The alias an entry stands for (``None`` when it is another field)."""
        if entry < 0 or self.vocab.ent_field[entry] != "alias":
            return None
        # the vocabulary numbers a document's string aliases (``field_values``)
        aliases = [a for a in doc.get("aliases", ()) if isinstance(a, str)]
        sub = self.vocab.ent_sub[entry]
        return aliases[sub] if sub < len(aliases) else None


_INDEXES: weakref.WeakKeyDictionary[Store, dict[str, _Index]] = weakref.WeakKeyDictionary()
_INDEXES_LOCK: Final = threading.Lock()


def _index_of(store: Store, table: str) -> _Index:
    with _INDEXES_LOCK:
        per_store = _INDEXES.setdefault(store, {})
        index = per_store.get(table)
        if index is None:
            kind, fields = _FIELDS[table]
            index = per_store[table] = _Index(table, kind, fields)
        return index


class Choices:
    """The documents of one table (or a fixed vocabulary) a picker chooses from;
    see the module docstring."""

    def __init__(self, store: Store, table: str) -> None:
        if table not in _FIELDS:
            raise ValueError(f"no picker for table {table!r} (parties, courts or sources)")
        self.store: Store | None = store
        self.table = table
        self._index = _index_of(store, table)
        self._values: dict[str, tuple[str, str]] = {}

    @classmethod
    def of_values(cls, values: Sequence[tuple[str, str]]) -> Choices:
        """Choices over ``(id, label)`` pairs (a vocabulary: levels, roles, kinds …),
        matched the same way; an empty query lists them in the order given."""
        self = cls.__new__(cls)
        self.store = None
        self.table = ""
        self._values = {}
        for value_id, label in values:
            self._values.setdefault(value_id, (label, ""))
        index = self._index = _Index("", "party", ("name",))
        index.build((i, {"name": label}) for i, (label, _) in self._values.items())
        index.by_name = [(f"{n:09d}", i) for n, i in enumerate(self._values)]  # as given
        index.version = ()
        return self

    def __len__(self) -> int:
        """How many documents (or values) there are to choose from."""
        if self.store is None:
            return len(self._values)
        return len(self.store.table(self.table))

    @property
    def ready(self) -> bool:
        """Whether the index is built for the store as it is now (a ``match`` is then
        quick; otherwise the first one builds or updates it: run it in a thread)."""
        if self.store is None:
            return True
        return self._index.version == self.store.version

    @property
    def progress(self) -> float:
        """How much of a build under way is done (0 to 1; 1 when none is)."""
        return 1.0 if self.store is None else self._index.progress

    def prepare(self) -> None:
        """Build or bring the index up to date now (slow the first time on a big
        store: call it from a thread)."""
        store = self.store
        if store is None:
            return
        index = self._index
        with index.lock:
            self._refresh(store, index)

    @staticmethod
    def _refresh(store: Store, index: _Index) -> None:
        """Bring ``index`` to the store's version: the documents the change log
        touched since are indexed again; without a log to follow (first use,
        another checkpoint, many changes) the whole table is indexed."""
        version = store.version
        if index.version == version:
            return
        docs = store.table(index.table)
        touched: list[tuple[str, str]] | None = None
        old = index.version
        # the same canonical file as indexed: follow the log from there
        same_file = old is not None and old[:1] == version[:1]
        if index.cands is not None and index.position is not None and same_file:
            touched = persist.log_since(store, index.position)
        # where the log stands now, before the documents are read: a commit made
        # while they are read is then replayed by the next refresh
        position = persist.log_position(store)
        ids = {doc_id for table, doc_id in touched or () if table == index.table}
        if touched is None or len(ids) > max(100, REBUILD_SHARE * len(docs)):
            for attempt in range(3):
                try:
                    index.build(docs.items())
                    break
                except RuntimeError:  # the table changed under the read (a commit meanwhile)
                    if attempt == 2:
                        raise
        elif ids:
            index.update({doc_id: docs.get(doc_id) for doc_id in ids})
        index.version = version
        index.position = position

    def match(
        self, query: str, limit: int = 50, cancelled: Callable[[], bool] | None = None
    ) -> list[Choice]:
        """The best ``limit`` choices for ``query``, best first (by name for an empty
        query); ``[]`` when ``cancelled()`` became true on the way."""
        check = cancelled or never
        index = self._index
        limit = max(0, limit)
        with index.lock:
            if self.store is not None:
                self._refresh(self.store, index)
            try:
                found = index.match(query, limit, check)
            except Cancelled:
                return []
            return list(self._choices(found, index))

    def _choices(self, found: Iterable[tuple[str, int]], index: _Index) -> Iterable[Choice]:
        if self.store is None:
            for value_id, _ in found:
                label, detail = self._values[value_id]
                yield Choice(value_id, label, detail)
            return
        table = self.table
        docs = self.store.table(table)
        for doc_id, entry in found:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            alias = index.alias_of(entry, doc)
            yield Choice(doc_id, label_of(table, doc_id, doc), detail_of(table, doc, alias))


__all__ = ["Choice", "Choices", "detail_of", "label_of"]
