"""Documents parsed on demand: one table of the store as a mapping id → document
whose documents may still be bytes of the canonical file.

A ``FileBytes`` holds the bytes of one version of the canonical file (the one
that was loaded or last written by this program).  They are not mapped: a file
rewritten in place by another program would change (or, cut short, crash with
SIGBUS) a mapping under us, while the store must keep showing the version it
loaded until the next commit notices the change and refuses.

A ``DocTable`` keeps, per document id: its TinyDB document number (in number
order), and either the byte range of its current version in the file
(*file-backed*) or the document itself (edited, or created in memory).  A
file-backed document is parsed on its first lookup (``table[id]``, ``get``) and
kept; iterating values or items parses what is not kept yet without keeping it,
so that a full scan (validation, facets, statistics) does not keep the whole tree.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import orjson

from casefiles.model import Doc
from casefiles.store.errors import StoreError
from casefiles.store.files import Fingerprint
from casefiles.textsafe import literal


class FileBytes:
    """One version of the canonical file: its bytes, read once, and where they
    came from.  Held in memory rather than mapped: another program that rewrites
    the file in place (``open(path, "w")``, many editors) must not change, or cut
    short under us, the version this store holds; that write is noticed at the
    next commit (the fingerprint changed) and refused there."""

    __slots__ = ("data", "fingerprint", "path")

    def __init__(self, path: Path, data: bytes, fp: Fingerprint) -> None:
        self.path = path
        self.data = data
        self.fingerprint = fp

    def read(self, start: int, end: int) -> bytes:
        """The bytes ``[start, end)``."""
        return self.data[start:end]


def _changed(path: Path) -> str:
    return (
        f"{literal(str(path))}: a document is not where the offsets table says "
        "(the table does not belong to these bytes); reload the store"
    )


class DocNumbers(Mapping[str, int]):
    """id → TinyDB document number of one table, in number order (a view)."""

    __slots__ = ("_table",)

    def __init__(self, table: DocTable) -> None:
        self._table = table

    def __getitem__(self, doc_id: str) -> int:
        return self._table._numbers[self._table._row[doc_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table._row)

    def __len__(self) -> int:
        return len(self._table._row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._table._row

    def values(self) -> Iterator[int]:  # type: ignore[override]
        """The numbers, in number order."""
        numbers = self._table._numbers
        return (numbers[r] for r in self._table._row.values())

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        """(id, number) in number order."""
        numbers = self._table._numbers
        return ((i, numbers[r]) for i, r in self._table._row.items())


class DocTable(Mapping[str, Doc]):
    """id → document of one table, in TinyDB document-number order, parsed on demand.

    Per document a *row*: its number and, while its current version is bytes of
    ``file``, their range (start ``-1``: not file-backed).  Rows are only added
    (a removed document's row is forgotten, not reused)."""

    __slots__ = (
        "_backed",
        "_changed",
        "_cut",
        "_docs",
        "_ends",
        "_file",
        "_numbers",
        "_order",
        "_region",
        "_row",
        "_row_ids",
        "_starts",
        "name",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self._row: dict[str, int] = {}
        """id → row, in document-number order."""
        self._numbers: array[int] = array("q")
        self._starts: array[int] = array("q")
        self._ends: array[int] = array("q")
        self._docs: dict[str, Doc] = {}
        """Parsed (kept after a lookup) or in-memory documents."""
        self._file: FileBytes | None = None
        self._backed = 0
        """Rows ``0.._backed-1`` are the documents of ``_file`` (the others were
        added since)."""
        self._changed: set[str] = set()
        """Ids whose current version is not (or no longer) their bytes in ``_file``."""
        self._cut: list[int] = []
        """Rows of ``_file``'s documents removed since."""
        self._row_ids: list[str] = []
        """The id of each of ``_file``'s rows."""
        self._order: tuple[list[int], list[int]] | None = None
        """``_file``'s rows sorted by where they start, and those starts."""
        self._region: tuple[int, int] | None = None
        """Where this table's documents lie in ``_file`` (see ``region``)."""

    # -- building

    @classmethod
    def from_docs(cls, name: str, docs: Mapping[str, Doc]) -> DocTable:
        """A table of parsed documents from TinyDB's ``{"number": doc}``."""
        table = cls(name)
        for k in sorted(docs, key=int):
            doc = docs[k]
            table._add(doc["id"], int(k))
            table._docs[doc["id"]] = doc
        return table

    def _add(self, doc_id: str, number: int) -> int:
        row = len(self._numbers)
        self._numbers.append(number)
        self._starts.append(-1)
        self._ends.append(-1)
        self._row[doc_id] = row
        return row

    def back_with(
        self,
        file: FileBytes,
        ids: list[str],
        numbers: list[int] | array[int],
        starts: array[int],
        ends: array[int],
        *,
        keep: bool = False,
    ) -> None:
        """Every document is now the bytes ``starts[i]:ends[i]`` of ``file``;
        ``ids`` (with their ``numbers``) in number order.  Parsed documents are
        dropped unless ``keep`` (they equal the bytes)."""
        self._file = file
        self._numbers = numbers if isinstance(numbers, array) else array("q", numbers)
        self._starts, self._ends = starts, ends
        self._row = dict(zip(ids, range(len(ids)), strict=True))
        self._backed = len(ids)
        self._row_ids = ids
        self._order = None
        self._changed = set()
        self._cut = []
        self._region = None
        if not keep:
            self._docs = {}

    # -- reading

    def __len__(self) -> int:
        return len(self._row)

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row

    def __getitem__(self, doc_id: str) -> Doc:
        doc = self._docs.get(doc_id)
        if doc is None:
            if doc_id not in self._row:
                raise KeyError(doc_id)
            doc = self._parse(doc_id)
            self._docs[doc_id] = doc
        return doc

    def get(self, doc_id: str, default: Doc | None = None) -> Doc | None:  # type: ignore[override]
        """The document, parsed and kept on first lookup; ``default`` when absent."""
        doc = self._docs.get(doc_id)
        if doc is not None:
            return doc
        if doc_id not in self._row:
            return default
        doc = self._parse(doc_id)
        self._docs[doc_id] = doc
        return doc

    def peek(self, doc_id: str) -> Doc | None:
        """The document without keeping it parsed (for one-off scans)."""
        doc = self._docs.get(doc_id)
        if doc is None and doc_id in self._row:
            doc = self._parse(doc_id)
        return doc

    def values(self) -> Iterator[Doc]:  # type: ignore[override]
        """Every document in number order (parsed without being kept)."""
        for _, doc in self.items():
            yield doc

    def items(self) -> Iterator[tuple[str, Doc]]:  # type: ignore[override]
        """(id, document) in number order (parsed without being kept)."""
        docs = self._docs
        for doc_id in list(self._row):
            doc = docs.get(doc_id)
            if doc is None:
                if doc_id not in self._row:  # removed meanwhile (another thread)
                    continue
                doc = self._parse(doc_id)
            yield doc_id, doc

    def _parse(self, doc_id: str) -> Doc:
        row = self._row[doc_id]
        file = self._file
        start = self._starts[row]
        if file is None or start < 0:  # pragma: no cover - kept documents never get here
            raise KeyError(doc_id)
        try:
            doc = orjson.loads(file.read(start, self._ends[row]))
        except orjson.JSONDecodeError:
            raise StoreError(_changed(file.path)) from None
        if not isinstance(doc, dict) or doc.get("id") != doc_id:
            raise StoreError(_changed(file.path))
        return doc

    def mentioning(self, needle: bytes) -> list[str]:
        """Ids of the documents whose JSON holds ``needle``, in number order: the
        file's bytes are searched where they lie (one pass over the table's part
        of the file), changed and in-memory documents serialised compactly."""
        found: list[tuple[int, str]] = []
        numbers, docs = self._numbers, self._docs
        if self._file is not None and self._backed:
            data, ends = self._file.data, self._ends
            rows, row_starts = self._file_order()
            start, stop = self.region
            at = data.find(needle, start, stop)
            while at >= 0:
                i = bisect.bisect_right(row_starts, at) - 1
                if i >= 0 and at < ends[rows[i]]:
                    row = rows[i]
                    doc_id = self._row_ids[row]
                    if self._row.get(doc_id) == row and doc_id not in self._changed:
                        found.append((numbers[row], doc_id))
                    at = data.find(needle, ends[row], stop)
                else:
                    at = data.find(needle, at + 1, stop)
            others: Iterable[str] = self._changed
        else:
            others = list(self._row)
        for doc_id in others:
            if needle in orjson.dumps(docs[doc_id]):
                found.append((numbers[self._row[doc_id]], doc_id))
        found.sort()
        return [doc_id for _, doc_id in found]

    @property
    def region(self) -> tuple[int, int]:
        """Where this table's documents lie in ``file``: from the first one's key
        to the last one's closing brace (worked out on first use)."""
        if self._region is None:
            starts, ends = self._starts[: self._backed], self._ends[: self._backed]
            if starts:
                first = starts.index(min(starts))
                head = len(b'"%d": ' % self._numbers[first])
                self._region = (starts[first] - head, max(ends))
            else:
                self._region = (0, 0)
        return self._region

    def _file_order(self) -> tuple[list[int], list[int]]:
        if self._order is None:
            starts = self._starts
            rows = sorted(range(self._backed), key=starts.__getitem__)
            self._order = (rows, [starts[r] for r in rows])
        return self._order

    def raw(self, doc_id: str) -> bytes | None:
        """The file bytes of a file-backed document (``None`` when it is not)."""
        span = self.span(doc_id)
        if span is None or self._file is None:
            return None
        return self._file.read(*span)

    def span(self, doc_id: str) -> tuple[int, int] | None:
        """The byte range of a file-backed document in ``file``."""
        row = self._row.get(doc_id)
        if row is None or self._starts[row] < 0 or doc_id in self._changed:
            return None
        return self._starts[row], self._ends[row]

    @property
    def file(self) -> FileBytes | None:
        """The file version the file-backed documents live in."""
        return self._file

    def is_kept(self, doc_id: str) -> bool:
        """Whether the document is held parsed in memory (edited, or looked up)."""
        return doc_id in self._docs

    @property
    def keys_map(self) -> DocNumbers:
        """id → TinyDB document number."""
        return DocNumbers(self)

    def key_of(self, doc_id: str) -> int | None:
        """The document number of ``doc_id``."""
        row = self._row.get(doc_id)
        return None if row is None else self._numbers[row]

    # -- writing (the store's bookkeeping only)

    def put(self, doc_id: str, doc: Doc, key: int) -> None:
        """Set the document (no longer file-backed) under number ``key``; a new id
        goes last (``resort`` when ``key`` is not the largest)."""
        row = self._row.get(doc_id)
        if row is None or self._numbers[row] != key:
            self.remove(doc_id)
            self._add(doc_id, key)
        self._changed.add(doc_id)
        self._docs[doc_id] = doc

    def remove(self, doc_id: str) -> None:
        """Drop a document."""
        row = self._row.pop(doc_id, None)
        if row is not None and row < self._backed:
            self._cut.append(row)
        self._changed.discard(doc_id)
        self._docs.pop(doc_id, None)

    def __setitem__(self, doc_id: str, doc: Doc) -> None:
        key = self.key_of(doc_id)
        if key is None:
            key = max(self.keys_map.values(), default=0) + 1
        self.put(doc_id, doc, key)

    def resort(self) -> None:
        """Documents in number order again (after a removed one was put back)."""
        numbers = self._numbers
        self._row = dict(sorted(self._row.items(), key=lambda kv: numbers[kv[1]]))

    def tree(self) -> dict[str, Doc]:
        """TinyDB's ``{"number": document}`` of this table (every document parsed)."""
        out: dict[str, Doc] = {}
        for doc_id, doc in self.items():
            row = self._row.get(doc_id)
            if row is not None:
                out[str(self._numbers[row])] = doc
        return out


__all__ = ["DocNumbers", "DocTable", "FileBytes"]
