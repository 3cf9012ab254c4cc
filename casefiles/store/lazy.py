"""Documents parsed on demand: one table of the store as a mapping id → document
whose documents may still be bytes of the canonical file.

A ``FileVersion`` is one version of the canonical file (the one that was loaded)
kept open: a document's bytes are read with ``os.pread`` when it is first
looked up, never the whole file.  The file is neither held in memory nor
mapped.  Checkpoints (ours, or another casefiles writer's) replace the file
by a new one (``os.replace``) and keep this one as ``.bak``, so the descriptor
keeps reading the version whose offsets we hold (until the store is loaded
again; once a later checkpoint replaces the ``.bak`` too, the disk space of
this version is held until then).  Another program that rewrites the file
*in place* (``open(path, "w")``, many editors) changes or cuts short the very
bytes we read: after every read the descriptor's status is compared with the
one taken at load, and a change makes the read (and every later one) raise
``StaleFileError`` naming the file and what happened, never return other bytes
(a mapping would silently show them, or crash with SIGBUS when the file is
cut short).  A change of links only (this version now the ``.bak``, or
unlinked) is accepted; when the times changed otherwise (a ``touch``, a
``chmod``) and the size did not, the contents are hashed once and compared
with the digest they had at load.

A ``DocTable`` keeps, per document id: its TinyDB document number (in number
order), and either the byte range of its current version in the file
(*file-backed*) or the document itself (edited, or created in memory).  A
file-backed document is parsed on its first lookup (``table[id]``, ``get``) and
kept; iterating values or items parses what is not kept yet without keeping it,
reading the file in large chunks, so that a full scan (validation, facets,
statistics) neither keeps the whole tree nor makes a system call per document.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final, NoReturn

import orjson

from casefiles.model import Doc
from casefiles.store.errors import StaleFileError, StoreError
from casefiles.store.files import Fingerprint, describe_os_error, fingerprint
from casefiles.textsafe import literal

CHUNK: Final = 8 * 2**20
"""The most bytes a scan reads at once."""
GAP: Final = 4096
"""A scan reads two documents in one go when fewer bytes than this lie between them."""
WINDOW: Final = 4096
"""Documents a scan reads per batch (in number order)."""


_ROWS: list[int] = []
_ROWS_LOCK = threading.Lock()


def _rows(n: int) -> list[int]:
    """At least ``0..n-1`` as int objects shared by every table (at 100k cases
    950k rows would otherwise be as many objects, 27 MB)."""
    if len(_ROWS) < n:
        with _ROWS_LOCK:
            if len(_ROWS) < n:
                _ROWS.extend(range(len(_ROWS), n))
    return _ROWS


class FileVersion:
    """One version of the canonical file, open for reading document by document
    (see the module docstring).  ``digest`` is the SHA-256 of its contents at
    load (the validation cache's key), used to tell a ``touch`` from a rewrite."""

    __slots__ = (
        "__weakref__",
        "_fd",
        "_guard",
        "_loaded",
        "_seen",
        "_stale",
        "digest",
        "fingerprint",
        "path",
        "size",
    )

    def __init__(self, path: Path, fd: int, st: os.stat_result, digest: str | None = None) -> None:
        """Take over the open descriptor ``fd`` (closed with this object) of the
        file at ``path`` whose status was ``st`` when it was read."""
        self.path = path
        self._fd: int | None = fd
        self.size = st.st_size
        self.fingerprint: Fingerprint = fingerprint(st)
        self.digest = digest
        self._loaded = (st.st_size, st.st_mtime_ns)
        self._seen = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        self._stale: str | None = None
        self._guard = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> FileVersion:
        """The file at ``path`` as it is now (``OSError`` when it cannot be opened)."""
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            st = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, st)

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Let the file go (later reads raise ``StaleFileError``)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    @property
    def stale(self) -> str | None:
        """Why documents can no longer be read from this file; ``None`` while
        nothing says so.  One ``fstat``, never a hash: a file whose size is the
        same but whose times changed is left to the next read, which compares
        its contents (a ``touch`` is no reason to stop)."""
        fd = self._fd
        if self._stale is None and fd is not None:
            try:
                st = os.fstat(fd)
            except OSError as exc:
                with contextlib.suppress(StaleFileError):
                    self._fail(f"cannot be read any more ({describe_os_error(exc)})")
            else:
                if st.st_size != self.size:
                    with contextlib.suppress(StaleFileError):
                        self.check()
        return self._stale

    def read(self, start: int, end: int) -> bytes:
        """The bytes ``[start, end)`` as they were at load; ``StaleFileError``
        when the file was rewritten or cut short since."""
        fd = self._fd
        if self._stale is not None or fd is None:
            raise StaleFileError(self._stale or f"{literal(str(self.path))}: closed")
        try:
            data = os.pread(fd, end - start, start)
            if len(data) < end - start:  # one call reads at most about 2 GiB
                parts = [data]
                got = len(data)
                while got < end - start:
                    more = os.pread(fd, end - start - got, start + got)
                    if not more:
                        break
                    parts.append(more)
                    got += len(more)
                data = b"".join(parts)
        except OSError as exc:
            self._fail(f"cannot be read any more ({describe_os_error(exc)})")
        self.check()
        if len(data) != end - start:  # cannot happen while the size is unchanged
            self._fail("was cut short by another program since it was loaded")
        return data

    def check(self) -> None:
        """Raise ``StaleFileError`` when the file's contents may differ from
        those at load (what was read before this call is then not to be used)."""
        if self._stale is not None:
            raise StaleFileError(self._stale)
        fd = self._fd
        if fd is None:
            raise StaleFileError(f"{literal(str(self.path))}: closed")
        try:
            st = os.fstat(fd)
        except OSError as exc:
            self._fail(f"cannot be read any more ({describe_os_error(exc)})")
        now = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if now == self._seen:
            return
        if st.st_size < self.size:
            self._fail(
                "was rewritten in place or cut short by another program since it was "
                f"loaded (now {st.st_size:,} bytes, was {self.size:,})"
            )
        if st.st_size != self.size:
            self._fail(
                "was rewritten in place by another program since it was loaded "
                f"(now {st.st_size:,} bytes, was {self.size:,})"
            )
        if (st.st_size, st.st_mtime_ns) == self._loaded and self._kept_as_backup(st):
            # A casefiles checkpoint (another writer's, or ours) moved this
            # version aside as ``.bak``, or replaced that too: only links changed.
            self._seen = now
            return
        # Same size, other times: a touch, a chmod, or a rewrite of the same
        # length (times set back or not).  The contents say.
        with self._guard:
            if self._seen == now:
                return
            if self.digest is None or self._hash(fd) != self.digest:
                self._fail("was rewritten in place by another program since it was loaded")
            try:
                after = os.fstat(fd)
            except OSError as exc:
                self._fail(f"cannot be read any more ({describe_os_error(exc)})")
            if (after.st_size, after.st_mtime_ns) != now[:2]:
                self._fail("is being rewritten in place by another program")
            # Links may have moved meanwhile (a checkpoint): not the contents.
            self._seen = (after.st_size, after.st_mtime_ns, after.st_ctime_ns)

    def relinked(self) -> None:
        """This program (or another casefiles writer, under the lock) replaced the
        file atomically, which links or unlinks this version (``.bak``): its
        status-change time moved, not its contents, size or modification time."""
        fd = self._fd
        if self._stale is not None or fd is None:
            return
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            if (st.st_size, st.st_mtime_ns) == self._loaded:
                self._seen = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)

    def _kept_as_backup(self, st: os.stat_result) -> bool:
        """Whether this version is now the store's ``.bak`` (the link a
        checkpoint keeps of the file it replaces) or no longer has any name."""
        if st.st_nlink == 0:
            return True
        try:
            bak = os.stat(self.path.with_name(self.path.name + ".bak"))
        except OSError:
            return False
        return (bak.st_dev, bak.st_ino) == (st.st_dev, st.st_ino)

    def _hash(self, fd: int) -> str:
        import hashlib  # here: only a first load or a touched file hashes the bytes

        h = hashlib.sha256()
        pos = 0
        while pos < self.size:
            chunk = os.pread(fd, min(CHUNK, self.size - pos), pos)
            if not chunk:
                break
            h.update(chunk)
            pos += len(chunk)
        return h.hexdigest()

    def _fail(self, what: str) -> NoReturn:
        if self._stale is None:
            self._stale = (
                f"{literal(str(self.path))} {what}: the documents not read yet cannot be "
                "read from it (nothing was written); load the store again to see the "
                "file as it is now"
            )
        raise StaleFileError(self._stale)

    def all_bytes(self) -> bytes:
        """The whole file (for a full parse; checked like ``read``)."""
        return self.read(0, self.size) if self.size else b""

    def chunks(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``[start, end)`` in pieces of at most ``CHUNK`` bytes."""
        for at in range(start, end, CHUNK):
            yield self.read(at, min(end, at + CHUNK))

    def sha256(self) -> str:
        """The SHA-256 of the contents (checked like ``read``)."""
        fd = self._fd
        if self._stale is not None or fd is None:
            raise StaleFileError(self._stale or f"{literal(str(self.path))}: closed")
        try:
            digest = self._hash(fd)
        except OSError as exc:
            self._fail(f"cannot be read any more ({describe_os_error(exc)})")
        self.check()
        return digest


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
        self._file: FileVersion | None = None
        self._backed = 0
        """Rows ``0.._backed-1`` are the documents of ``_file`` (the others were
        added since)."""
        self._changed: set[str] = set()
        """Ids whose current version is not (or no longer) their bytes in ``_file``."""
        self._cut: list[int] = []
        """Rows of ``_file``'s documents removed since."""
        self._row_ids: list[str] = []
        """The id of each of ``_file``'s rows."""
        self._order: tuple[array[int], array[int]] | None = None
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
        file: FileVersion,
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
        self._row = dict(zip(ids, _rows(len(ids)), strict=False))  # the pool is longer
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

    def prefetch(self, ids: Iterable[str]) -> None:
        """Parse and keep those of ``ids`` not kept yet, their bytes read in as
        few reads as their places allow (``_read_window``): what a case view
        needs is otherwise asked for, and read, one document at a time."""
        if self._file is None or not self._backed:
            return
        docs, row_of = self._docs, self._row
        want = list(dict.fromkeys(i for i in ids if i in row_of and i not in docs))
        if len(want) < 2:
            return
        for doc_id, raw in zip(want, self._read_window(want), strict=True):
            if raw is not None:
                docs[doc_id] = self._loads(doc_id, raw)

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
        """(id, document) in number order (parsed without being kept; the file
        read a window of documents at a time, in few large reads)."""
        docs, row_of = self._docs, self._row
        loads = orjson.loads
        backed = self._file is not None and self._backed > 0
        ids = list(row_of)
        for at in range(0, len(ids), WINDOW):
            window = ids[at : at + WINDOW]
            raws = self._read_window(window) if backed else [None] * len(window)
            for doc_id, raw in zip(window, raws, strict=True):
                doc = docs.get(doc_id)
                if doc is None:
                    if doc_id not in row_of:  # removed meanwhile (another thread)
                        continue
                    if raw is None:
                        doc = self._parse(doc_id)
                    else:
                        try:
                            doc = loads(raw)
                        except orjson.JSONDecodeError:
                            doc = None
                        if type(doc) is not dict or doc.get("id") != doc_id:
                            doc = self._loads(doc_id, raw)  # raises, naming the file
                yield doc_id, doc

    def _read_window(self, ids: list[str]) -> list[memoryview | None]:
        """The file bytes of those of ``ids`` that are file-backed and not kept
        (``None`` for the others), read in as few calls as their places allow:
        one read when they lie close together (as most runs of numbers do in
        the file's key order), else neighbours closer than ``GAP`` in one read
        of at most ``CHUNK`` bytes."""
        file = self._file
        assert file is not None
        docs, row_of, starts, ends = self._docs, self._row, self._starts, self._ends
        out: list[memoryview | None] = [None] * len(ids)
        spans: list[tuple[int, int, int]] = []
        for k, doc_id in enumerate(ids):
            row = row_of.get(doc_id)
            if row is not None:
                start = starts[row]
                if start >= 0 and (not docs or doc_id not in docs):
                    spans.append((start, ends[row], k))
        if not spans:
            return out
        spans.sort()
        first, last = spans[0][0], spans[-1][1]
        if last - first <= min(CHUNK, len(spans) * self._average() * 3 // 2 + GAP):
            groups = [(0, len(spans))]
        else:
            groups = []
            i, n = 0, len(spans)
            while i < n:
                first, last = spans[i][0], spans[i][1]
                j = i + 1
                while j < n and spans[j][0] - last < GAP and spans[j][1] - first <= CHUNK:
                    last = spans[j][1]
                    j += 1
                groups.append((i, j))
                i = j
        for i, j in groups:
            first, last = spans[i][0], spans[j - 1][1]
            view = memoryview(file.read(first, last))
            for a, b, k in spans[i:j]:
                out[k] = view[a - first : b - first]
        return out

    def _average(self) -> int:
        """The average size of ``_file``'s documents of this table, in bytes."""
        start, stop = self.region
        return (stop - start) // max(self._backed, 1) + 1

    def _loads(self, doc_id: str, raw: bytes | memoryview) -> Doc:
        file = self._file
        assert file is not None
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise StoreError(_changed(file.path)) from None
        if not isinstance(doc, dict) or doc.get("id") != doc_id:
            raise StoreError(_changed(file.path))
        return doc

    def _parse(self, doc_id: str) -> Doc:
        row = self._row[doc_id]
        file = self._file
        start = self._starts[row]
        if file is None or start < 0:  # pragma: no cover - kept documents never get here
            raise KeyError(doc_id)
        return self._loads(doc_id, file.read(start, self._ends[row]))

    def mentioning(self, needle: bytes) -> list[str]:
        """Ids of the documents whose JSON holds ``needle``, in number order: the
        file's bytes are searched where they lie (one pass over the table's part
        of the file, ``CHUNK`` bytes at a time), changed and in-memory documents
        serialised compactly."""
        found: list[tuple[int, str]] = []
        numbers, docs = self._numbers, self._docs
        file = self._file
        if file is not None and self._backed:
            ends = self._ends
            rows, row_starts = self._file_order()
            start, stop = self.region
            overlap = max(len(needle) - 1, 0)
            pos = start
            while pos < stop:
                chunk_end = min(stop, pos + CHUNK)
                data = file.read(pos, min(stop, chunk_end + overlap))
                resume = chunk_end
                at = data.find(needle)
                while at >= 0 and pos + at < chunk_end:
                    hit = pos + at
                    i = bisect.bisect_right(row_starts, hit) - 1
                    skip = hit + 1
                    if i >= 0 and hit < ends[rows[i]]:
                        row = rows[i]
                        doc_id = self._row_ids[row]
                        if self._row.get(doc_id) == row and doc_id not in self._changed:
                            found.append((numbers[row], doc_id))
                        skip = ends[row]
                    resume = max(resume, skip)
                    at = data.find(needle, skip - pos) if skip - pos < len(data) else -1
                pos = resume
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

    def _file_order(self) -> tuple[array[int], array[int]]:
        """``_file``'s rows sorted by where they start, and those starts."""
        if self._order is None:
            starts = self._starts
            rows = array("q", sorted(range(self._backed), key=starts.__getitem__))
            self._order = (rows, array("q", [starts[r] for r in rows]))
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
    def file(self) -> FileVersion | None:
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


__all__ = ["DocNumbers", "DocTable", "FileVersion"]
