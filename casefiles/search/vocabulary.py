"""What the search index holds, and how it is built: texts, entries, documents and words.

*Entries* are (document, field, sub-index) — e.g. party ``kem-sokha``'s alias
number 2.  Entries sharing the same normalised text share one *text* (tag
``protest`` of 30 000 cases is one text), so matching and scoring happen once
per distinct string.  Texts are numbered in *priority order* (``FIELDS``:
names and aliases, court names, case titles, source titles, then
descriptions, summaries, charges, tags, publishers, and article text last),
so when a keystroke matches too many texts to score, the lowest numbers are
the most useful ones.

The *postings* map each word to an ``array`` of text numbers (ascending).
``words`` is the sorted vocabulary, so "words starting with ``sok``" is one
``bisect`` range.  For names (name, alias fields) each pair of adjacent words
is indexed too, as ``first\\0second``, in the separate sorted list ``pairs``,
so ``kemsokha`` finds ``Kem Sokha``.  Typos: a deletion index (SymSpell) maps
every word and each one-character deletion of it to the word, so words within
one typo of a query word are a handful of look-ups, checked with
rapidfuzz's OSA distance (two typos allowed from 8 characters); and a
romanisation *skeleton* (``y``→``i``, doubled letters single, ``h`` after a
consonant dropped) equates ``chhun``/``chun`` and ``vanny``/``vani``.
``joined_words`` combines both for names written together with a typo in one
half (``tepvany`` → ``tep vanny``).

Memory: a 100k-case store has 1.5M entries, 670k texts and 440k postings
keys, so nothing is kept as one Python object per number.  Entry columns are
typed arrays, entries per text (``owners``) and per document
(``doc_entries``) are offset tables over one flat array, the postings one
block, the typo tables sorted 64-bit key hashes (``tables``).  While
building, postings and text numbers are plain dicts; ``finish_build``
*freezes* them, and updates then go to small overflow tables beside the
frozen ones.  Documents are found by id by a binary search over their
numbers sorted by id (``by_id``).

This module knows nothing of queries; ``candidates`` reads it.
"""

from __future__ import annotations

import itertools
import re
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz.distance import OSA

from casefiles.model import Doc
from casefiles.search.normalise import normalise
from casefiles.search.query import KINDS
from casefiles.search.tables import (
    I32,
    U32,
    Column,
    Groups,
    HashedLists,
    Postings,
    Span,
    check_array,
)

SEP: Final = "\x00"  # joins the two words of an adjacent-word pair in the vocabulary
TOP: Final = "\U0010ffff"  # sorts after every word: ``[w, w + TOP)`` is "starts with w"

#: Field order = text priority.  (table, kind, field)
FIELDS: Final = (
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
PAIR_FIELDS: Final = frozenset({"name", "alias"})
TABLE_OF: Final = {"party": "parties", "court": "courts", "case": "cases", "source": "sources"}
KIND_BIT: Final = {k: 1 << i for i, k in enumerate(KINDS)}
ALL_KINDS_MASK: Final = (1 << len(KINDS)) - 1

has_digit: Final = re.compile(r"\d").search
_DOUBLE: Final = re.compile(r"(.)\1+")
_H_AFTER: Final = re.compile(r"(?<=[bcdgkpst])h")


def kind_mask(kinds: frozenset[str] | set[str]) -> int:
    """The ``text_kinds`` bits of ``kinds``."""
    mask = 0
    for k in kinds:
        mask |= KIND_BIT[k]
    return mask


def field_values(doc: Doc, fld: str) -> list[str]:
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


def deletions(word: str) -> Iterator[str]:
    """``word`` and every string one character shorter (the SymSpell keys)."""
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def skeleton(word: str) -> str | None:
    """A rough romanisation-independent key for Latin-script words: ``y``→``i``,
    doubled letters single, ``h`` after a consonant dropped (``chhun`` = ``chun``,
    ``vanny`` = ``vani``).  ``None`` for other scripts and words with digits."""
    if not word.isascii() or not word.isalpha():
        return None
    w = _DOUBLE.sub(r"\1", word.replace("y", "i"))
    return _DOUBLE.sub(r"\1", _H_AFTER.sub("", w))


@dataclass(frozen=True, slots=True)
class JoinedPair:
    """Two adjacent name words that a joined term reaches with one typo in a half.

    ``first`` and ``second`` are the indexed words; ``whole`` says whether the
    term's second half had to be all of ``second`` (typo there) or only its
    start (typo in ``first``, second half still being typed); ``distance`` is
    the typo count."""

    first: str
    second: str
    whole: bool
    distance: int


@dataclass(slots=True)
class Joined:
    """Adjacent-word pairs a term matches when read as two words written together."""

    #: ``first\\0second`` keys whose first word is exactly a head of the term and
    #: whose second word starts with the rest (``kemsok`` → ``kem\\0sokha``).
    exact: list[str] = field(default_factory=list)
    #: the same with one typo in one half (``tepvany`` → ``tep vanny``)
    fuzzy: list[JoinedPair] = field(default_factory=list)


#: Field names in entry order of ``FIELDS`` (an entry's field is kept as its number here).
FIELD_NAMES: Final = tuple(dict.fromkeys(fld for _, _, fld in FIELDS))


class Vocabulary:
    """Texts, entries, documents, postings and typo tables of one store.

    Numbers are kept in typed arrays and grouped tables (``tables``), strings in
    plain lists; other search modules read them directly (``owners[t]``,
    ``ent_doc[e]`` …).  While building (before ``finish_build``) words and
    postings are plain dicts; ``finish_build`` *freezes* them into the compact
    tables, and later updates go to small overflow tables beside them."""

    def __init__(self) -> None:
        # texts
        self.texts: list[str] = []
        #: normalised text -> number; every text while building, afterwards only the
        #: texts added by updates (``text_number`` finds the others by their words)
        self.text_id: dict[str, int] = {}
        self.owners = Groups()  # text -> entries (filled by ``finish_build``)
        self.text_pairs = bytearray()  # 1 when the text is a name (pairs indexed)
        self.text_kinds = bytearray()  # KIND_BIT of the kinds owning the text
        self.kind_start: dict[str, int] = {}  # lowest text number per kind
        # entries
        self.ent_doc: array[int] = array(I32)  # -1 once removed
        self.ent_field = Column(FIELD_NAMES)
        self.ent_sub: array[int] = array(U32)
        self.ent_text: array[int] = array(U32)
        # documents
        self.doc_kind: list[str] = []
        self.doc_id: list[str] = []
        self.doc_entries = Groups()  # document -> entries (filled by ``finish_build``)
        #: per kind, its document numbers sorted by id (``doc_number`` searches it)
        self.by_id: dict[str, array[int]] = {}
        # words
        #: postings while building; afterwards the words added or extended since
        #: the last freeze (``postings`` reads both)
        self.post: dict[str, array[int]] = {}
        self.frozen = Postings()
        self.words: list[str] = []
        self.words_no_digits: list[str] = []  # ``words`` without all-digit words
        self.pairs: list[str] = []
        #: typo tables of the words added since the last freeze (``typo_dels`` /
        #: ``typo_skel`` hold the others)
        self.dels: dict[str, list[str]] = {}
        self.skel: dict[str, list[str]] = {}
        self.typo_dels = HashedLists()
        self.typo_skel = HashedLists()
        self.is_frozen = False
        self._doc_ord: dict[tuple[str, str], int] = {}  # while building
        self._norm_cache: dict[str, str] = {}
        self._new_words: list[str] = []
        self._new_pairs: list[str] = []
        self._kind_docs: dict[str, array[int]] = {}

    # ------------------------------------------------------------ building

    def add_document(
        self, table: str, doc_id: str, doc: Doc, article: Callable[[Doc], str]
    ) -> None:
        """Index every field of one document of ``table``."""
        for tbl, kind, fld in FIELDS:
            if tbl == table:
                self.add_field(kind, doc_id, doc, fld, article)

    def add_field(
        self, kind: str, doc_id: str, doc: Doc, fld: str, article: Callable[[Doc], str]
    ) -> None:
        """Index one field of one document (``article(doc)`` reads a source's text)."""
        if kind == "article":
            values = [article(doc)] if doc.get("file") else []
        else:
            values = field_values(doc, fld)
        for sub, value in enumerate(values):
            self._add_entry(kind, doc_id, fld, sub, value)

    def finish_build(self) -> None:
        """Sort the vocabulary, fill the typo tables and freeze everything into the
        compact tables after the first ``add_*`` pass (later: ``finish_update``)."""
        if self.is_frozen:
            self.finish_update()
            return
        self._norm_cache.clear()  # only useful while building (repeated tags, publishers)
        self.words = sorted(w for w in self.post if SEP not in w)
        self.words_no_digits = [w for w in self.words if not w.isdigit()]
        self.pairs = sorted(w for w in self.post if SEP in w)
        self.frozen = Postings.freeze(self.words, self.pairs, self.post.__getitem__)
        self.post = self.frozen.extra  # words added or extended from now on
        typo = [w for w in self.words if _typo_word(w)]
        self.typo_dels = HashedLists.of(typo, enumerate(map(deletions, typo)))
        skels = ((n, (k,)) for n, k in enumerate(map(skeleton, typo)) if k is not None)
        self.typo_skel = HashedLists.of(typo, skels)
        n_texts = len(self.texts)
        self.owners = Groups.grouped(self.ent_text_live(), n_texts)
        self.doc_entries = Groups.grouped(self.ent_doc, len(self.doc_id))
        self.by_id = self._sorted_by_id()
        self.text_id = {}
        self._doc_ord = {}
        self._new_words.clear()
        self._new_pairs.clear()
        self._kind_docs.clear()
        self.is_frozen = True

    def ent_text_live(self) -> array[int]:
        """Each entry's text, ``-1`` for removed entries (what ``owners`` groups)."""
        out = array(I32, self.ent_text)
        for e, d in enumerate(self.ent_doc):
            if d < 0:
                out[e] = -1
        return out

    def _sorted_by_id(self) -> dict[str, array[int]]:
        per_kind: dict[str, list[int]] = {k: [] for k in KINDS}
        for d, kind in enumerate(self.doc_kind):
            per_kind[kind].append(d)
        ids = self.doc_id
        return {k: array(U32, sorted(ds, key=ids.__getitem__)) for k, ds in per_kind.items()}

    def finish_update(self) -> None:
        """Insert the words new since the last ``finish_*`` into the sorted lists."""
        if not self.is_frozen:
            self.finish_build()
            return
        if self._new_words or self._new_pairs:
            # the frozen postings share the lists of the last freeze: copy before changing
            if self.words is self.frozen.base_words:
                self.words = list(self.words)
            if self.pairs is self.frozen.base_pairs:
                self.pairs = list(self.pairs)
        for w in self._new_words:
            insort(self.words, w)
            if not w.isdigit():
                insort(self.words_no_digits, w)
        for w in self._new_pairs:
            insort(self.pairs, w)
        self._add_deletions(self._new_words)
        self._new_words.clear()
        self._new_pairs.clear()
        self._kind_docs.clear()

    def remove_document(self, kind: str, doc_id: str) -> None:
        """Unlink a document's entries from their texts (the texts and words stay)."""
        d = self.doc_number(kind, doc_id)
        if d is None:
            return
        if not self.is_frozen:  # while building, ``finish_build`` groups the live entries
            for e, owner in enumerate(self.ent_doc):
                if owner == d:
                    self.ent_doc[e] = -1
            return
        for e in list(self.doc_entries[d]):
            self.owners.remove(self.ent_text[e], e)
            self.ent_doc[e] = -1
        self.doc_entries.clear(d)
        self._kind_docs.clear()

    def doc_number(self, kind: str, doc_id: str) -> int | None:
        """The number of the document ``kind``/``doc_id`` (live or removed), or ``None``."""
        if not self.is_frozen:
            return self._doc_ord.get((kind, doc_id))
        ds = self.by_id.get(kind)
        if ds is None:
            return None
        ids = self.doc_id
        i = bisect_left(ds, doc_id, key=ids.__getitem__)
        if i < len(ds) and ids[ds[i]] == doc_id:
            return ds[i]
        return None

    def _doc(self, kind: str, doc_id: str) -> int:
        d = self.doc_number(kind, doc_id)
        if d is None:
            d = len(self.doc_kind)
            self.doc_kind.append(kind)
            self.doc_id.append(doc_id)
            if self.is_frozen:
                ds = self.by_id.setdefault(kind, array(U32))
                ds.insert(bisect_left(ds, doc_id, key=self.doc_id.__getitem__), d)
            else:
                self._doc_ord[kind, doc_id] = d
        return d

    def text_number(self, norm: str) -> int | None:
        """The number of the normalised text ``norm``, or ``None``."""
        tid = self.text_id.get(norm)
        if tid is not None or not self.is_frozen or not norm:
            return tid
        # every text's words are indexed: search the texts of its rarest word
        rarest: array[int] | None = None
        for w in set(norm.split(" ")):
            got = self.postings(w)
            if got is None:
                return None
            if rarest is None or len(got) < len(rarest):
                rarest = got
        texts = self.texts
        for x in rarest or ():
            if texts[x] == norm:
                return x
        return None

    def _add_entry(self, kind: str, doc_id: str, fld: str, sub: int, value: str) -> None:
        norm = self._norm_cache.get(value)
        if norm is None:
            norm = normalise(value)
            if len(value) < 64:
                self._norm_cache[value] = norm
        if not norm:
            return
        d = self._doc(kind, doc_id)
        e = len(self.ent_doc)
        self.ent_doc.append(d)
        self.ent_field.append(fld)
        self.ent_sub.append(sub)
        tid = self.text_number(norm)
        if tid is None:
            tid = len(self.texts)
            self.texts.append(norm)
            self.text_id[norm] = tid
            self.text_pairs.append(0)
            self.text_kinds.append(KIND_BIT[kind])
            self._index_words(tid, set(norm.split(" ")), self._new_words)
        else:
            self.text_kinds[tid] |= KIND_BIT[kind]
        old_start = self.kind_start.get(kind)
        if old_start is None or tid < old_start:
            self.kind_start[kind] = tid
        if fld in PAIR_FIELDS and not self.text_pairs[tid]:
            self.text_pairs[tid] = 1
            words = norm.split(" ")
            if len(words) > 1:
                pairs = {a + SEP + b for a, b in itertools.pairwise(words)}
                self._index_words(tid, pairs, self._new_pairs)
        self.ent_text.append(tid)
        if self.is_frozen:
            self.owners.add(tid, e)
            self.doc_entries.add(d, e)

    def _index_words(self, tid: int, words: set[str], new: list[str]) -> None:
        post = self.post
        frozen = self.frozen if self.is_frozen else None
        for w in words:
            lst = post.get(w)
            if lst is None:
                lst = frozen.base(w) if frozen is not None else None
                if lst is None:
                    post[w] = array(U32, (tid,))
                    new.append(w)
                    continue
                post[w] = lst  # a copy of the frozen postings, extended from now on
            if lst[-1] != tid:
                lst.append(tid)

    def _add_deletions(self, words: list[str]) -> None:
        dels = self.dels
        skel = self.skel
        for w in words:
            if not _typo_word(w):
                continue
            k = skeleton(w)
            if k is not None:
                skel.setdefault(k, []).append(w)
            for key in deletions(w):
                bucket = dels.get(key)
                if bucket is None:
                    dels[key] = [w]
                elif bucket[-1] != w:
                    bucket.append(w)

    # ---------------------------------------------------------- on disk

    def state(self) -> dict[str, Any]:
        """Everything, as plain data and arrays (see ``persist``); frozen first."""
        if not self.is_frozen:
            self.finish_build()
        return {
            "texts": self.texts,
            "text_pairs": bytes(self.text_pairs),
            "text_kinds": bytes(self.text_kinds),
            "kind_start": self.kind_start,
            "owners": self.owners.state(),
            "ent_doc": self.ent_doc,
            "ent_field": bytes(self.ent_field.codes),
            "ent_sub": self.ent_sub,
            "ent_text": self.ent_text,
            "doc_kind": self.doc_kind,
            "doc_id": self.doc_id,
            "doc_entries": self.doc_entries.state(),
            "by_id": self.by_id,
            "words": self.words,
            "words_no_digits": self.words_no_digits,
            "pairs": self.pairs,
            "postings": self.frozen.state(self.words, self.pairs),
            "typo_dels": self.typo_dels.state(),
            "typo_skel": self.typo_skel.state(),
            "dels": self.dels,
            "skel": self.skel,
            "text_id": self.text_id,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        """The vocabulary ``state()`` described; ``KeyError``/``TypeError``/``ValueError``
        when ``state`` is not one."""
        vocab = cls()
        lists = ("texts", "doc_kind", "doc_id", "words", "words_no_digits", "pairs")
        for name in lists:
            if not isinstance(state[name], list):
                raise TypeError(f"search index state: {name} is not a list")
        for name in ("kind_start", "dels", "skel", "text_id", "by_id"):
            if not isinstance(state[name], dict):
                raise TypeError(f"search index state: {name} is not a mapping")
        vocab.texts = state["texts"]
        vocab.doc_kind = state["doc_kind"]
        vocab.doc_id = state["doc_id"]
        vocab.words = state["words"]
        vocab.words_no_digits = state["words_no_digits"]
        vocab.pairs = state["pairs"]
        vocab.kind_start = state["kind_start"]
        vocab.dels = state["dels"]
        vocab.skel = state["skel"]
        vocab.text_id = state["text_id"]
        vocab.text_pairs = bytearray(state["text_pairs"])
        vocab.text_kinds = bytearray(state["text_kinds"])
        vocab.ent_doc = check_array(state["ent_doc"], I32, "ent_doc")
        vocab.ent_sub = check_array(state["ent_sub"], U32, "ent_sub")
        vocab.ent_text = check_array(state["ent_text"], U32, "ent_text")
        vocab.ent_field = vocab.ent_field.from_codes(state["ent_field"])
        n_texts, n_docs, n_ents = len(vocab.texts), len(vocab.doc_id), len(vocab.ent_doc)
        if not (
            len(vocab.text_pairs) == len(vocab.text_kinds) == n_texts
            and len(vocab.ent_text) == len(vocab.ent_field) == len(vocab.ent_sub) == n_ents
            and len(vocab.doc_kind) == n_docs
        ):
            raise ValueError("search index state: tables of different lengths")
        if (vocab.ent_text and max(vocab.ent_text) >= n_texts) or (
            vocab.ent_doc and max(vocab.ent_doc) >= n_docs
        ):
            raise ValueError("search index state: an entry out of range")
        vocab.owners = Groups.from_state(state["owners"], n_texts, n_ents, "owners")
        vocab.doc_entries = Groups.from_state(state["doc_entries"], n_docs, n_ents, "doc_entries")
        by_id = {}
        for kind, ds in state["by_id"].items():
            ds = check_array(ds, U32, "by_id")
            if ds and max(ds) >= n_docs:
                raise ValueError("search index state: by_id out of range")
            by_id[kind] = ds
        vocab.by_id = by_id
        vocab.frozen = Postings.from_state(state["postings"], vocab.words, vocab.pairs)
        vocab.post = vocab.frozen.extra
        vocab.typo_dels = HashedLists.from_state(state["typo_dels"], "typo_dels")
        vocab.typo_skel = HashedLists.from_state(state["typo_skel"], "typo_skel")
        vocab.is_frozen = True
        return vocab

    # ------------------------------------------------------------- look-ups

    def postings(self, key: str) -> array[int] | None:
        """The ascending text numbers of a word or name pair (``first\\0second``)."""
        if not self.is_frozen:
            return self.post.get(key)
        return self.frozen.get(key)

    def has_key(self, key: str) -> bool:
        """Whether a word or name pair is in the vocabulary."""
        return self.postings(key) is not None

    def postings_spans(self, words: list[str]) -> list[Span]:
        """Where the postings of each of ``words`` (sorted vocabulary words, no pairs)
        are, as ``(array, start, end)``."""
        if not self.is_frozen:
            return [(a, 0, len(a)) for a in map(self.post.__getitem__, words)]
        return self.frozen.spans_of_sorted_words(words)

    def words_starting(self, prefix: str) -> list[str]:
        """Vocabulary words starting with ``prefix``, sorted."""
        words = self.words
        lo = bisect_left(words, prefix)
        return words[lo : bisect_left(words, prefix + TOP, lo)]

    def pairs_starting(self, key: str) -> list[str]:
        """Adjacent-word pair keys starting with ``key`` (``first\\0sec…``), sorted."""
        pairs = self.pairs
        lo = bisect_left(pairs, key)
        return pairs[lo : bisect_left(pairs, key + TOP, lo)]

    def _skel_words(self, k: str) -> list[str]:
        found = [w for w in self.typo_skel.get(k) if skeleton(w) == k]
        return found + self.skel.get(k, [])

    def _del_words(self, key: str) -> Iterator[str]:
        yield from self.typo_dels.get(key)
        yield from self.dels.get(key, ())

    def fuzzy_words(self, t: str) -> dict[str, int]:
        """Vocabulary words within one typo of ``t`` (two for long words) that do
        not start with ``t``, with their distance."""
        found: dict[str, int] = {}
        if len(t) < 3 or has_digit(t):
            return found
        k = skeleton(t)
        if k is not None:
            for w in self._skel_words(k):
                if not w.startswith(t):
                    found[w] = 1
        if len(t) < 4:
            return found
        maxd = 1 if len(t) < 8 else 2
        seen: set[str] = set()
        for key in deletions(t):
            for w in self._del_words(key):
                if w in seen or w.startswith(t):
                    continue
                seen.add(w)
                d = OSA.distance(t, w, score_cutoff=maxd)
                if d <= maxd:
                    found[w] = min(d, found.get(w, d))
        return found

    def joined_words(self, t: str) -> Joined:
        """Name pairs ``t`` reaches as two words written together.

        For each split ``t = a + b``: ``a`` a word and ``b`` the start of the next
        (exact), ``a`` a word and ``b`` within one typo of the next whole word, or
        ``a`` within one typo of a word and ``b`` the start of the next."""
        out = Joined()
        has = self.has_key
        typos = len(t) >= 4 and not has_digit(t)
        for k in range(1, len(t)):
            a, b = t[:k], t[k:]
            if has(a):
                head = a + SEP
                out.exact += self.pairs_starting(head + b)
                if typos and len(b) >= 3 and self.pairs_starting(head):
                    for w, dist in sorted(self.fuzzy_words(b).items()):
                        if w != b and has(head + w):
                            out.fuzzy.append(JoinedPair(a, w, True, dist))
            if typos and len(a) >= 3:
                for w, dist in sorted(self.fuzzy_words(a).items()):
                    if w == a:
                        continue
                    for key in self.pairs_starting(w + SEP + b):
                        out.fuzzy.append(JoinedPair(w, key[len(w) + 1 :], False, dist))
        return out

    def kind_docs(self, kind: str) -> array[int]:
        """Ordinals of the live documents of one kind, sorted by id."""
        if not self._kind_docs:  # every kind at once (a listing asks for several)
            if not self.is_frozen:
                self.finish_build()
            live = self.doc_entries.nonempty
            self._kind_docs = {k: live(self.by_id.get(k, ())) for k in KINDS}
        return self._kind_docs[kind]


def _typo_word(w: str) -> bool:
    """Whether ``w`` gets typo-table keys (3–32 characters, no digit)."""
    return 3 <= len(w) <= 32 and not has_digit(w)


__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "KIND_BIT",
    "TABLE_OF",
    "Joined",
    "JoinedPair",
    "Vocabulary",
    "deletions",
    "field_values",
    "kind_mask",
    "skeleton",
]
