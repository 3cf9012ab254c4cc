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
one typo of a query word are a handful of dict look-ups, checked with
rapidfuzz's OSA distance (two typos allowed from 8 characters); and a
romanisation *skeleton* (``y``→``i``, doubled letters single, ``h`` after a
consonant dropped) equates ``chhun``/``chun`` and ``vanny``/``vani``.
``joined_words`` combines both for names written together with a typo in one
half (``tepvany`` → ``tep vanny``).

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


#: Attributes saved as they are (lists, dicts, strings, ints).
_PLAIN: Final = (
    "texts",
    "text_id",
    "owners",
    "kind_start",
    "ent_doc",
    "ent_field",
    "ent_sub",
    "ent_text",
    "doc_kind",
    "doc_id",
    "doc_ord",
    "doc_entries",
    "words",
    "words_no_digits",
    "pairs",
    "dels",
    "skel",
)


class Vocabulary:
    """Texts, entries, documents, postings and typo tables of one store.

    Plain lists indexed by number (text, entry, document ordinal) keep the
    per-keystroke loops cheap; other search modules read them directly."""

    def __init__(self) -> None:
        # texts
        self.texts: list[str] = []
        self.text_id: dict[str, int] = {}
        self.owners: list[list[int]] = []  # text -> entries
        self.text_pairs = bytearray()  # 1 when the text is a name (pairs indexed)
        self.text_kinds = bytearray()  # KIND_BIT of the kinds owning the text
        self.kind_start: dict[str, int] = {}  # lowest text number per kind
        # entries
        self.ent_doc: list[int] = []  # -1 once removed
        self.ent_field: list[str] = []
        self.ent_sub: list[int] = []
        self.ent_text: list[int] = []
        # documents
        self.doc_kind: list[str] = []
        self.doc_id: list[str] = []
        self.doc_ord: dict[tuple[str, str], int] = {}
        self.doc_entries: list[list[int]] = []
        # words
        self.post: dict[str, array[int]] = {}
        self.words: list[str] = []
        self.words_no_digits: list[str] = []  # ``words`` without all-digit words
        self.pairs: list[str] = []
        self.dels: dict[str, list[str]] = {}
        self.skel: dict[str, list[str]] = {}
        self._norm_cache: dict[str, str] = {}
        self._new_words: list[str] = []
        self._new_pairs: list[str] = []
        self._kind_docs: dict[str, list[int]] = {}

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
        """Sort the vocabulary and fill the typo tables after the first ``add_*`` pass."""
        self._norm_cache.clear()  # only useful while building (repeated tags, publishers)
        self.words = sorted(w for w in self.post if SEP not in w)
        self.words_no_digits = [w for w in self.words if not w.isdigit()]
        self.pairs = sorted(w for w in self.post if SEP in w)
        self._add_deletions(self._new_words)
        self._new_words.clear()
        self._new_pairs.clear()
        self._kind_docs.clear()

    def finish_update(self) -> None:
        """Insert the words new since the last ``finish_*`` into the sorted lists."""
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
        d = self.doc_ord.get((kind, doc_id))
        if d is None:
            return
        for e in self.doc_entries[d]:
            self.owners[self.ent_text[e]].remove(e)
            self.ent_doc[e] = -1
        self.doc_entries[d] = []

    def _doc(self, kind: str, doc_id: str) -> int:
        key = (kind, doc_id)
        d = self.doc_ord.get(key)
        if d is None:
            d = len(self.doc_kind)
            self.doc_ord[key] = d
            self.doc_kind.append(kind)
            self.doc_id.append(doc_id)
            self.doc_entries.append([])
        return d

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
        tid = self.text_id.get(norm)
        if tid is None:
            tid = len(self.texts)
            self.texts.append(norm)
            self.text_id[norm] = tid
            self.owners.append([e])
            self.text_pairs.append(0)
            self.text_kinds.append(KIND_BIT[kind])
            self._index_words(tid, set(norm.split(" ")), self._new_words)
        else:
            self.owners[tid].append(e)
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
        self.doc_entries[d].append(e)

    def _index_words(self, tid: int, words: set[str], new: list[str]) -> None:
        post = self.post
        for w in words:
            try:
                lst = post[w]
            except KeyError:
                post[w] = array("I", (tid,))
                new.append(w)
                continue
            if lst[-1] != tid:
                lst.append(tid)

    def _add_deletions(self, words: list[str]) -> None:
        dels = self.dels
        skel = self.skel
        for w in words:
            if not 3 <= len(w) <= 32 or has_digit(w):
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
        """Everything, as plain data ``marshal`` can write (see ``persist``)."""
        out: dict[str, Any] = {name: getattr(self, name) for name in _PLAIN}
        out["text_pairs"] = bytes(self.text_pairs)
        out["text_kinds"] = bytes(self.text_kinds)
        # postings as one block of bytes and their lengths, in ``words`` + ``pairs`` order
        keys = self.words + self.pairs
        post = self.post
        out["post_lens"] = array("I", [len(post[w]) for w in keys]).tobytes()
        out["post_data"] = b"".join(post[w].tobytes() for w in keys)
        return out

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Vocabulary:
        """The vocabulary ``state()`` described; ``KeyError``/``TypeError``/``ValueError``
        when ``state`` is not one."""
        vocab = cls()
        for name in _PLAIN:
            value = state[name]
            if not isinstance(value, type(getattr(vocab, name))):
                raise TypeError(f"search index state: {name} has the wrong type")
            setattr(vocab, name, value)
        vocab.text_pairs = bytearray(state["text_pairs"])
        vocab.text_kinds = bytearray(state["text_kinds"])
        lens = array("I")
        lens.frombytes(state["post_lens"])
        data = array("I")
        data.frombytes(state["post_data"])
        keys = vocab.words + vocab.pairs
        if len(keys) != len(lens) or sum(lens) != len(data):
            raise ValueError("search index state: postings do not match the vocabulary")
        post: dict[str, array[int]] = {}
        pos = 0
        for w, n in zip(keys, lens, strict=True):
            post[w] = data[pos : pos + n]
            pos += n
        vocab.post = post
        n_texts = len(vocab.texts)
        if not (
            len(vocab.owners) == len(vocab.text_pairs) == len(vocab.text_kinds) == n_texts
            and len(vocab.ent_doc) == len(vocab.ent_text) == len(vocab.ent_field)
            and len(vocab.doc_kind) == len(vocab.doc_id) == len(vocab.doc_entries)
        ):
            raise ValueError("search index state: tables of different lengths")
        return vocab

    # ------------------------------------------------------------- look-ups

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

    def fuzzy_words(self, t: str) -> dict[str, int]:
        """Vocabulary words within one typo of ``t`` (two for long words) that do
        not start with ``t``, with their distance."""
        found: dict[str, int] = {}
        if len(t) < 3 or has_digit(t):
            return found
        k = skeleton(t)
        if k is not None:
            for w in self.skel.get(k, ()):
                if not w.startswith(t):
                    found[w] = 1
        if len(t) < 4:
            return found
        maxd = 1 if len(t) < 8 else 2
        seen: set[str] = set()
        for key in deletions(t):
            for w in self.dels.get(key, ()):
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
        post = self.post
        typos = len(t) >= 4 and not has_digit(t)
        for k in range(1, len(t)):
            a, b = t[:k], t[k:]
            if a in post:
                head = a + SEP
                out.exact += self.pairs_starting(head + b)
                if typos and len(b) >= 3 and self.pairs_starting(head):
                    for w, dist in sorted(self.fuzzy_words(b).items()):
                        if w != b and head + w in post:
                            out.fuzzy.append(JoinedPair(a, w, True, dist))
            if typos and len(a) >= 3:
                for w, dist in sorted(self.fuzzy_words(a).items()):
                    if w == a:
                        continue
                    for key in self.pairs_starting(w + SEP + b):
                        out.fuzzy.append(JoinedPair(w, key[len(w) + 1 :], False, dist))
        return out

    def kind_docs(self, kind: str) -> list[int]:
        """Ordinals of the live documents of one kind, sorted by id."""
        if not self._kind_docs:
            per_kind: dict[str, list[int]] = {k: [] for k in KINDS}
            kinds = self.doc_kind
            entries = self.doc_entries
            for d in range(len(kinds)):
                if entries[d]:
                    per_kind[kinds[d]].append(d)
            for docs in per_kind.values():
                docs.sort(key=self.doc_id.__getitem__)
            self._kind_docs = per_kind
        return self._kind_docs[kind]


__all__ = [
    "FIELDS",
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
