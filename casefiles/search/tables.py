"""Compact tables for the search index: numbers in typed ``array`` blocks instead of
one Python object per number, so a 100k-case index holds tens of megabytes of
numbers rather than hundreds of megabytes of lists and ints.

* ``Groups`` — numbers grouped by key (entries per text, entries per document)
  as *CSR*: one flat ``array`` and the offset of each key's run, with an
  overflow ``dict`` of lists for the keys changed since (updates).
* ``Column`` — a short string per number (an entry's field) as a one-byte code.
* ``HashedLists`` — string key → strings of a word list, stored as sorted
  64-bit key hashes beside word numbers (the typo tables); a look-up may
  return a word under another key whose hash collides (about one in 2^64 per
  pair), so callers check what they get, as the typo look-ups do anyway.
* ``PackedSets`` — the filters' value → ids sets, as tuples until used.
* ``Postings`` — word → ascending text numbers: the words of the last
  ``freeze`` in sorted lists with one flat ``array`` of text numbers and
  offsets; words added or extended since live in an overflow ``dict``.

Every table can be given as and turned into plain data (``state``/``from_state``),
arrays included, which ``persist`` writes as raw bytes.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Any, Final

#: ``array`` type codes: 32-bit unsigned and signed numbers, 64-bit hashes.
U32: Final = "I"
I32: Final = "i"
U64: Final = "Q"

if array(U32).itemsize != 4 or array(I32).itemsize != 4 or array(U64).itemsize != 8:
    raise ImportError("casefiles.search needs 32-bit 'I'/'i' and 64-bit 'Q' arrays")


def zeros(typecode: str, n: int) -> array[int]:
    """An ``array`` of ``n`` zeros."""
    out = array(typecode)
    out.frombytes(bytes(out.itemsize * n))
    return out


def check_array(value: object, typecode: str, what: str) -> array[int]:
    """``value`` when it is an ``array`` of ``typecode``, else ``TypeError``."""
    if not isinstance(value, array) or value.typecode != typecode:
        raise TypeError(f"search index state: {what} is not an array of {typecode!r}")
    return value


class Groups:
    """Numbers grouped by key: ``groups[k]`` is the ascending run of key ``k``.

    Built in one pass (``grouped``); afterwards ``add``/``remove``/``clear``
    copy a key's run into the overflow ``extra`` first.  A key past the
    built ones with nothing added is empty."""

    __slots__ = ("extra", "flat", "off")

    def __init__(self, off: array[int] | None = None, flat: array[int] | None = None) -> None:
        self.off: array[int] = off if off is not None else array(U32, (0,))
        self.flat: array[int] = flat if flat is not None else array(U32)
        self.extra: dict[int, list[int]] = {}

    @classmethod
    def grouped(cls, keys: Sequence[int], n_keys: int) -> Groups:
        """Positions ``i`` of ``keys`` grouped by ``keys[i]`` (negative keys left out),
        ascending within a group: a counting sort."""
        counts = zeros(U32, n_keys + 1)
        for k in keys:
            if k >= 0:
                counts[k + 1] += 1
        off = array(U32, accumulate(counts))
        pos = array(U32, off)
        flat = zeros(U32, off[-1])
        for i, k in enumerate(keys):
            if k >= 0:
                flat[pos[k]] = i
                pos[k] += 1
        return cls(off, flat)

    def __len__(self) -> int:
        return max(len(self.off) - 1, max(self.extra, default=-1) + 1)

    def __getitem__(self, k: int) -> Sequence[int]:
        if self.extra:
            lst = self.extra.get(k)
            if lst is not None:
                return lst
        off = self.off
        if k + 1 < len(off):
            return self.flat[off[k] : off[k + 1]]
        return ()

    def _own(self, k: int) -> list[int]:
        lst = self.extra.get(k)
        if lst is None:
            lst = self.extra[k] = list(self[k])
        return lst

    def add(self, k: int, v: int) -> None:
        """Append ``v`` to key ``k`` (``v`` larger than the key's numbers so far)."""
        self._own(k).append(v)

    def remove(self, k: int, v: int) -> None:
        """Take ``v`` out of key ``k`` (``ValueError`` when absent)."""
        self._own(k).remove(v)

    def clear(self, k: int) -> None:
        """Empty key ``k``."""
        self.extra[k] = []

    def nonempty(self, keys: Iterable[int]) -> array[int]:
        """Those of ``keys`` with some number, in the order given."""
        off, extra = self.off, self.extra
        n = len(off) - 1
        out = array(U32)
        for k in keys:
            lst = extra.get(k) if extra else None
            if lst is not None:
                if lst:
                    out.append(k)
            elif k < n and off[k + 1] != off[k]:
                out.append(k)
        return out

    def state(self) -> dict[str, array[int]]:
        """Offsets and flat numbers with the overflow folded in."""
        if not self.extra:
            return {"off": self.off, "flat": self.flat}
        off = array(U32, (0,))
        flat = array(U32)
        for k in range(len(self)):
            flat.extend(self[k])
            off.append(len(flat))
        return {"off": off, "flat": flat}

    @classmethod
    def from_state(cls, state: dict[str, Any], n_keys: int, n_values: int, what: str) -> Groups:
        """The groups ``state()`` gave; ``ValueError`` when they do not fit ``n_keys``
        keys of numbers below ``n_values``."""
        off = check_array(state["off"], U32, what)
        flat = check_array(state["flat"], U32, what)
        if len(off) != n_keys + 1 or off[0] != 0 or off[-1] != len(flat):
            raise ValueError(f"search index state: {what} offsets do not fit")
        if flat and max(flat) >= n_values:
            raise ValueError(f"search index state: {what} number out of range")
        return cls(off, flat)


class Column:
    """One short string per number (from a small fixed set), held as a byte code."""

    __slots__ = ("_code", "codes", "names")

    def __init__(self, names: Sequence[str], codes: bytearray | None = None) -> None:
        self.names: tuple[str, ...] = tuple(names)
        self._code = {name: i for i, name in enumerate(self.names)}
        self.codes = codes if codes is not None else bytearray()

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> str:
        return self.names[self.codes[i]]

    def append(self, name: str) -> None:
        """Add ``name`` (one of ``names``) at the end."""
        self.codes.append(self._code[name])

    def from_codes(self, codes: bytes) -> Column:
        """A column of the same names over ``codes``; ``ValueError`` on a bad code."""
        if codes and max(codes) >= len(self.names):
            raise ValueError("search index state: a field code out of range")
        return Column(self.names, bytearray(codes))


def key_hash(key: str) -> int:
    """A stable 64-bit hash of ``key`` (the same in every process, unlike ``hash``)."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class HashedLists:
    """Key → words, as sorted key hashes beside word numbers into ``words``."""

    __slots__ = ("hashes", "numbers", "words")

    def __init__(
        self,
        words: list[str] | None = None,
        hashes: array[int] | None = None,
        numbers: array[int] | None = None,
    ) -> None:
        self.words: list[str] = words if words is not None else []
        self.hashes: array[int] = hashes if hashes is not None else array(U64)
        self.numbers: array[int] = numbers if numbers is not None else array(U32)

    @classmethod
    def of(cls, words: list[str], keys_of: Iterable[tuple[int, Iterable[str]]]) -> HashedLists:
        """From ``(word number, its keys)`` pairs over ``words``."""
        packed = sorted((key_hash(key), n) for n, keys in keys_of for key in dict.fromkeys(keys))
        hashes = array(U64, (h for h, _ in packed))
        numbers = array(U32, (n for _, n in packed))
        return cls(words, hashes, numbers)

    def get(self, key: str) -> Iterator[str]:
        """The words under ``key`` (and, very rarely, under a colliding key)."""
        hashes = self.hashes
        h = key_hash(key)
        i = bisect_left(hashes, h)
        n = len(hashes)
        while i < n and hashes[i] == h:
            yield self.words[self.numbers[i]]
            i += 1

    def state(self) -> dict[str, Any]:
        """Plain data for ``persist``."""
        return {"words": self.words, "hashes": self.hashes, "numbers": self.numbers}

    @classmethod
    def from_state(cls, state: dict[str, Any], what: str) -> HashedLists:
        """The table ``state()`` gave; ``TypeError``/``ValueError`` when it is not one."""
        words = state["words"]
        if not isinstance(words, list):
            raise TypeError(f"search index state: {what} words are not a list")
        hashes = check_array(state["hashes"], U64, what)
        numbers = check_array(state["numbers"], U32, what)
        if len(hashes) != len(numbers) or (numbers and max(numbers) >= len(words)):
            raise ValueError(f"search index state: {what} does not fit its words")
        return cls(words, hashes, numbers)


def _any_between(extra: dict[str, array[int]], words: list[str]) -> bool:
    """Whether some key of ``extra`` sorts within ``words`` (``True`` when there are
    too many keys to look through: the caller then takes the slower way)."""
    if not extra:
        return False
    if len(extra) > 256:
        return True
    lo, hi = words[0], words[-1]
    return any(lo <= key <= hi for key in extra)


#: Part of an array of text numbers: ``(array, start, end)``.
Span = tuple["array[int]", int, int]


def coalesced(spans: Iterable[Span]) -> list[Span]:
    """``spans`` with each run of touching spans of one array joined into one."""
    out: list[Span] = []
    for buf, a, b in spans:
        if out and out[-1][0] is buf and out[-1][2] == a:
            out[-1] = (buf, out[-1][1], b)
        else:
            out.append((buf, a, b))
    return out


class Postings:
    """Word (or name pair) → ascending text numbers.

    ``base_words`` and ``base_pairs`` (sorted) are the keys of the last
    ``freeze``; key ``j`` (words first, then pairs) has ``data[off[j]:off[j+1]]``.
    ``extra`` holds keys added since and base keys extended since (a full copy)."""

    __slots__ = ("base_pairs", "base_words", "data", "extra", "off")

    def __init__(self) -> None:
        self.base_words: list[str] = []
        self.base_pairs: list[str] = []
        self.off: array[int] = array(U32, (0,))
        self.data: array[int] = array(U32)
        self.extra: dict[str, array[int]] = {}

    @classmethod
    def freeze(cls, words: list[str], pairs: list[str], get: Any, sep: str = "\x00") -> Postings:
        """Postings of sorted ``words`` and ``pairs`` (``get(key)`` gives each array)."""
        out = cls()
        out.base_words, out.base_pairs = words, pairs
        data = array(U32)
        off = array(U32, (0,))
        for key in (*words, *pairs):
            data.extend(get(key))
            off.append(len(data))
        out.data, out.off = data, off
        return out

    def base(self, key: str, sep: str = "\x00") -> array[int] | None:
        """The frozen postings of ``key`` (a copy), ignoring ``extra``."""
        if sep in key:
            keys, skip = self.base_pairs, len(self.base_words)
        else:
            keys, skip = self.base_words, 0
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            off = self.off
            return self.data[off[skip + i] : off[skip + i + 1]]
        return None

    def get(self, key: str) -> array[int] | None:
        """The postings of ``key``, or ``None``."""
        got = self.extra.get(key)
        return got if got is not None else self.base(key)

    def __contains__(self, key: str) -> bool:
        return key in self.extra or self.base(key) is not None

    def spans_of_sorted_words(self, words: list[str]) -> list[Span]:
        """Where the postings of each of ``words`` (sorted, none a pair, all present)
        are: ``(block, start, end)``, without copying them.  One forward walk over
        the base words; a run of them (a prefix's words) needs no comparison."""
        base = self.base_words
        off, data, extra = self.off, self.data, self.extra
        n = len(base)
        if not words:
            return []
        i = bisect_left(base, words[0])
        end = i + len(words)
        if end <= n and base[end - 1] == words[-1] and not _any_between(extra, words):
            return [(data, off[j], off[j + 1]) for j in range(i, end)]
        out: list[Span] = []
        for w in words:
            got = extra.get(w) if extra else None
            if got is not None:
                out.append((got, 0, len(got)))
                continue
            if i >= n or base[i] != w:
                i = bisect_left(base, w, i)
            out.append((data, off[i], off[i + 1]))
            i += 1
        return out

    def state(self, words: list[str], pairs: list[str]) -> dict[str, Any]:
        """Plain data for ``persist`` over the current sorted ``words`` and ``pairs``."""
        if not self.extra and words == self.base_words and pairs == self.base_pairs:
            return {"off": self.off, "data": self.data}
        fresh = Postings.freeze(words, pairs, self.get)
        return {"off": fresh.off, "data": fresh.data}

    @classmethod
    def from_state(cls, state: dict[str, Any], words: list[str], pairs: list[str]) -> Postings:
        """The postings ``state()`` gave over ``words`` and ``pairs``."""
        out = cls()
        out.off = check_array(state["off"], U32, "postings")
        out.data = check_array(state["data"], U32, "postings")
        if len(out.off) != len(words) + len(pairs) + 1 or out.off[-1] != len(out.data):
            raise ValueError("search index state: postings do not match the vocabulary")
        out.base_words, out.base_pairs = words, pairs
        return out


class PackedSets(dict[Any, set[str]]):
    """Value → set of ids (the filters' inverted indexes), each set held as a tuple
    (8 bytes an id, against about 40 in a set) until first looked up with
    ``[]`` or ``get``, then kept as the set.  ``items()``/``values()`` may give
    tuples: iterate them, do not test membership in them."""

    __slots__ = ()

    @classmethod
    def of(
        cls, index: Mapping[Any, Collection[str]], canon: dict[str, str] | None = None
    ) -> PackedSets:
        """The sets of ``index``, packed; with ``canon``, each id is replaced by the
        first equal string seen (``canon`` collects them: ids parsed from documents
        are one string object per mention)."""
        out = cls()
        for key, ids in index.items():
            packed = tuple(ids) if canon is None else tuple(canon.setdefault(i, i) for i in ids)
            dict.__setitem__(out, key, packed)  # type: ignore[misc]
        return out

    def __getitem__(self, key: Any) -> set[str]:
        value: Collection[str] = super().__getitem__(key)
        if not isinstance(value, set):
            value = set(value)
            super().__setitem__(key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when absent."""
        if key not in self:
            return default
        return self[key]

    def plain(self) -> dict[Any, tuple[str, ...]]:
        """A plain dict of tuples (what ``marshal`` can write)."""
        raw: dict[Any, Collection[str]] = dict(self.items())
        return {k: v if isinstance(v, tuple) else tuple(v) for k, v in raw.items()}


__all__ = [
    "I32",
    "U32",
    "U64",
    "Column",
    "Groups",
    "HashedLists",
    "PackedSets",
    "Postings",
    "Span",
    "check_array",
    "coalesced",
    "key_hash",
    "zeros",
]
