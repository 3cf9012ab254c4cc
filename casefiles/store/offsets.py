"""The offsets table: where each document lies in the canonical file, so that a
start reads only what it shows, and the canonical bytes written from a mix of
untouched file bytes and edited documents.

**Canonical layout.** ``orjson`` with 2-space indent and sorted keys: tables at
two spaces, documents (``"<number>": {``) at four, their fields deeper.  A
document is one contiguous byte range; a document serialised on its own and
indented by four more spaces is exactly those bytes.  ``emit`` writes a store
that way, copying runs of untouched documents from the old file byte for byte,
and reports the new range of every document.  ``matches`` checks that a file is
in this layout (comparing it with what ``emit`` would write) and finds the ranges.

**Saved table.** After a load that checked a file, and after each checkpoint, the
ranges are saved in the user cache folder (``CASEFILES_CACHE_DIR`` overrides;
``CASEFILES_NO_CACHE=1`` turns it off) under the SHA-256 of the file's bytes
(the key the validation cache uses), with the fields the store's indexes need
(a case's parties, a proceeding's case and its court, a sentence's case; each id
there is the very string object of the table's list of ids, so that ``marshal``
writes it once and a load shares it).  A
second, small file per store path maps the file's fingerprint (device, inode,
size, modification time) to that digest, so that a start with an unchanged file
hashes nothing (not even ``hashlib`` is imported: OpenSSL takes a millisecond
to load before the first frame).  Files are ``MAGIC``, a CRC-32 of the payload
(it finds a torn or damaged file; the tables are then checked against the store
file, ``plausible``), then the payload as ``marshal`` (never ``pickle``: reading
cannot run code); a file whose checksum, format or size does not match is
ignored (and rebuilt by a full load).

The records here are ``msgspec.Struct``s, not dataclasses: created in C at
import, which the browser's first frame waits for.
"""

from __future__ import annotations

import bisect
import contextlib
import marshal
import os
import tempfile
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import orjson
import platformdirs
from msgspec import Struct

from casefiles import model
from casefiles.store.files import Fingerprint, fingerprint
from casefiles.store.lazy import DocTable

FORMAT: Final = 3
MAGIC: Final = b"casefiles offsets\n"
KEEP: Final = 4
_DIGEST: Final = 4  # a CRC-32 of the body: finds a torn or damaged cache file
_DOC_OPTIONS: Final = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS

Fields = list[Any]
"""One column of ``COLUMNS``, aligned with its table's ids: a case's party ids
(tuple), a proceeding's case, a proceeding's court, a sentence's case."""


# ----------------------------------------------------------------- emitting


def _doc_bytes(doc: object) -> bytes:
    """One document at the depth of a table's documents (four spaces in)."""
    return orjson.dumps(doc, option=_DOC_OPTIONS).replace(b"\n", b"\n    ")


class Ranges(Struct):
    """The new byte range of every document of each table: ids in number order,
    their document numbers, starts and ends."""

    tables: dict[str, tuple[list[str], list[int], array[int], array[int]]]


SEP: Final = b",\n    "
"""Between two documents of a table in the canonical layout."""


class _TableTrace(Struct):
    """Where a table's documents went in the output, to work out their ranges
    later (off the writer's path): copied runs of the old file (old start, old
    end, new start) and documents written anew (id → new range)."""

    rows: list[tuple[str, int]]
    numbers: array[int]
    starts: array[int]
    ends: array[int]
    runs: list[tuple[int, int, int]]
    placed: dict[str, tuple[int, int]]


class Trace(Struct):
    """What ``emit`` wrote: the size, and per table a ``_TableTrace``."""

    size: int = 0
    tables: dict[str, _TableTrace] | None = None

    def ranges(self) -> Ranges:
        """Every document's new range (seconds of work at 100k: not for the UI thread)."""
        out = Ranges({})
        for name, tt in (self.tables or {}).items():
            run_starts = [r[0] for r in tt.runs]
            ids: list[str] = []
            numbers: list[int] = []
            starts, ends = array("q"), array("q")
            for doc_id, row in tt.rows:
                ids.append(doc_id)
                numbers.append(tt.numbers[row])
                got = tt.placed.get(doc_id)
                if got is None:
                    old = tt.starts[row]
                    a, _b, p = tt.runs[bisect.bisect_right(run_starts, old) - 1]
                    got = (old + p - a, tt.ends[row] + p - a)
                starts.append(got[0])
                ends.append(got[1])
            out.tables[name] = (ids, numbers, starts, ends)
        return out


def _segments(table: DocTable) -> list[tuple[int, int] | tuple[bytes, str]]:
    """A file-backed table as it is now, in output order: runs of untouched
    documents as ranges of the old file (``(start, end)``, the separators
    between them included) and changed or new documents as ``(key, id)``."""
    starts, ends, numbers = table._starts, table._ends, table._numbers
    region_start, region_end = table.region
    sep = len(SEP)

    def entry(row: int) -> int:  # where '"<number>": {' starts
        return starts[row] - len(b'"%d": ' % numbers[row])

    events: list[tuple[int, int, bytes, str]] = [(entry(r), 0, b"", "") for r in table._cut]
    cut_end = {entry(r): ends[r] for r in table._cut}
    new: list[str] = []
    for doc_id in table._changed:
        row = table._row[doc_id]
        if row < table._backed:  # an edit: in place of the old version
            at = entry(row)
            events.append((at, 0, b"", ""))
            cut_end[at] = ends[row]
            events.append((at, 1, str(numbers[row]).encode(), doc_id))
        else:
            new.append(doc_id)
    if new:
        order = sorted(range(table._backed), key=starts.__getitem__)
        keys = [str(numbers[r]) for r in order]
        for doc_id in new:
            number = str(numbers[table._row[doc_id]])
            i = bisect.bisect_right(keys, number)
            at = entry(order[i]) if i < len(order) else region_end + sep
            events.append((at, 1, number.encode(), doc_id))
    events.sort()
    out: list[tuple[int, int] | tuple[bytes, str]] = []
    cursor = region_start
    for at, kind, key, doc_id in events:
        if at > cursor:
            out.append((cursor, at - sep))
            cursor = at
        if kind == 0:
            cursor = max(cursor, cut_end[at] + sep)
        else:
            out.append((key, doc_id))
    if cursor < region_end:
        out.append((cursor, region_end))
    return out


def emit(
    tables: Mapping[str, DocTable], meta: Mapping[str, Any], trace: Trace | None = None
) -> Iterator[bytes | memoryview]:
    """The canonical bytes of a store in pieces (the same bytes as
    ``files.serialise`` of the whole tree).  A table backed by a file is its old
    bytes with only the changed documents cut out or written anew (work in
    proportion to the changes); others are written document by document.  With
    ``trace``, records where everything went (see ``Trace.ranges``)."""
    names = sorted([*tables, model.META])
    pos = 0
    traces: dict[str, _TableTrace] = {}

    def piece(data: bytes | memoryview) -> bytes | memoryview:
        nonlocal pos
        pos += len(data)
        return data

    yield piece(b"{")
    for n, name in enumerate(names):
        yield piece((b",\n  " if n else b"\n  ") + orjson.dumps(name) + b": ")
        if name == model.META:
            yield piece(orjson.dumps(meta, option=_DOC_OPTIONS).replace(b"\n", b"\n  "))
            continue
        table = tables[name]
        tt = _TableTrace(
            list(table._row.items()), table._numbers, table._starts, table._ends, [], {}
        )
        traces[name] = tt
        if not len(table):
            yield piece(b"{}")
            continue
        file = table.file
        if file is not None and table._backed:
            segments = _segments(table)
            for i, seg in enumerate(segments):
                yield piece(SEP if i else b"{\n    ")
                first, second = seg
                if isinstance(first, int):
                    assert isinstance(second, int)
                    tt.runs.append((first, second, pos))
                    # Read in chunks, each checked: a file rewritten under us
                    # stops the write (``StaleFileError``) before any of it lands.
                    for chunk in file.chunks(first, second):
                        yield piece(chunk)
                else:
                    doc_id = str(second)
                    yield piece(b'"' + first + b'": ')
                    body = _doc_bytes(table.peek(doc_id))
                    tt.placed[doc_id] = (pos, pos + len(body))
                    yield piece(body)
            yield piece(b"\n  }")
            continue
        order = sorted((str(k), doc_id) for doc_id, k in table.keys_map.items())
        for i, (number, doc_id) in enumerate(order):
            yield piece((SEP if i else b"{\n    ") + b'"' + number.encode() + b'": ')
            body = _doc_bytes(table.peek(doc_id))
            tt.placed[doc_id] = (pos, pos + len(body))
            yield piece(body)
        yield piece(b"\n  }")
    yield piece(b"\n}\n")
    if trace is not None:
        trace.size = pos
        trace.tables = traces


def matches(raw: bytes, tables: Mapping[str, DocTable], meta: Mapping[str, Any]) -> Ranges | None:
    """The ranges of every document when ``raw`` is exactly the canonical bytes of
    these (parsed) tables and meta; ``None`` when it is not (hand-formatted,
    unsorted, or migrated in memory)."""
    trace = Trace()
    pos = 0
    for part in emit(tables, meta, trace):
        end = pos + len(part)
        if raw[pos:end] != part:
            return None
        pos = end
    return trace.ranges() if pos == len(raw) else None


COURTS_OF_PROCEEDINGS: Final = "proceedings.court"
"""The column of a proceeding's court (``model.PROCEEDINGS`` holds its case)."""

COLUMNS: Final = (
    (model.CASES, model.CASES),
    (model.PROCEEDINGS, model.PROCEEDINGS),
    (COURTS_OF_PROCEEDINGS, model.PROCEEDINGS),
    (model.SENTENCES, model.SENTENCES),
)
"""The saved fields (see ``Fields``): (column, the table it is aligned with).
One column per value, not a tuple per proceeding: at 100k cases 300k pairs
would cost about 17 MB more."""


def field_of(column: str, doc: Mapping[str, Any]) -> Any:
    """What the store's indexes need of one document, for one column of
    ``COLUMNS``: a case's party ids (a tuple, in order, without repeats), a
    proceeding's case or court, a sentence's case."""
    if column == model.CASES:
        return tuple(dict.fromkeys(p["party"] for p in doc.get("participants", ())))
    if column == COURTS_OF_PROCEEDINGS:
        return doc.get("court")
    return doc.get("case")


# ----------------------------------------------------------------- saving


class Saved(Struct):
    """An offsets table read back: per table ids (number order), document
    numbers, ranges and index fields; the meta table."""

    digest: str
    size: int
    tables: dict[str, tuple[list[str], array[int], array[int], array[int]]]
    fields: dict[str, Fields]
    meta: dict[str, Any]


def enabled() -> bool:
    """Whether offsets may be kept (``CASEFILES_NO_CACHE`` unset)."""
    return not os.environ.get("CASEFILES_NO_CACHE")


def folder() -> Path:
    """Where offsets tables are kept."""
    override = os.environ.get("CASEFILES_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir("casefiles"))
    return base / f"offsets-v{FORMAT}.{model.SCHEMA_VERSION}"


def _pointer(real: Path) -> Path:
    # Two 32-bit checksums name the file: two store paths that share them only
    # share a pointer file, which holds its path and is checked (a cache miss).
    path = str(real).encode("utf-8", "surrogateescape")
    return folder() / f"path-{zlib.crc32(path):08x}{zlib.adler32(path):08x}"


def _table_file(digest: str) -> Path:
    return folder() / f"doc-{digest}"


def _pack(payload: Any) -> bytes:
    body = marshal.dumps(payload)
    return MAGIC + zlib.crc32(body).to_bytes(_DIGEST, "big") + body


def _unpack(raw: bytes) -> object:
    if not raw.startswith(MAGIC):
        return None
    digest = raw[len(MAGIC) : len(MAGIC) + _DIGEST]
    body = raw[len(MAGIC) + _DIGEST :]
    if zlib.crc32(body).to_bytes(_DIGEST, "big") != digest:
        return None
    try:
        return marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _prune() -> None:
    docs = sorted(folder().glob("doc-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in docs[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def stamp(st: os.stat_result) -> tuple[int, ...]:
    """What says a file is unchanged: its fingerprint and its status-change time
    (which no program can set back: an edit that keeps size and modification
    time still gives another stamp)."""
    return (*fingerprint(st), st.st_ctime_ns)


def save(
    real: Path,
    fp: tuple[int, ...],
    digest: str,
    size: int,
    ranges: Ranges,
    fields: Mapping[str, Fields],
    meta: Mapping[str, Any],
) -> None:
    """Keep the ranges of the file at ``real`` (best effort: never fails)."""
    if not enabled():
        return
    payload = {
        "format": FORMAT,
        "digest": digest,
        "size": size,
        "meta": dict(meta),
        "tables": {
            name: (ids, array("q", keys).tobytes(), starts.tobytes(), ends.tobytes())
            for name, (ids, keys, starts, ends) in ranges.tables.items()
        },
        "fields": shared_fields(ranges, fields),
    }
    with contextlib.suppress(OSError, ValueError):
        _write(_table_file(digest), _pack(payload))
        remember_digest(real, fp, digest)
        _prune()


def shared_fields(ranges: Ranges, fields: Mapping[str, Fields]) -> dict[str, Fields]:
    """``fields`` with every id in them the very string object of that id in its
    table's list of ids: ``marshal`` then writes each id once and a load shares
    it (at 100k cases, 1.8 million references that would otherwise be as many
    strings, about 100 MB)."""
    canon: dict[str, dict[str, str]] = {}
    for name in (model.CASES, model.PARTIES, model.COURTS):
        got = ranges.tables.get(name)
        canon[name] = {i: i for i in got[0]} if got else {}

    def one(table: str, value: Any) -> Any:
        return canon[table].get(value, value) if isinstance(value, str) else value

    out = dict(fields)
    if model.CASES in out:
        parties = canon[model.PARTIES]
        out[model.CASES] = [
            tuple(parties.get(p, p) for p in f) if isinstance(f, tuple) else f
            for f in fields[model.CASES]
        ]
    for column, target in (
        (model.PROCEEDINGS, model.CASES),
        (COURTS_OF_PROCEEDINGS, model.COURTS),
        (model.SENTENCES, model.CASES),
    ):
        if column in out:
            out[column] = [one(target, f) for f in fields[column]]
    return out


def remember_digest(real: Path, fp: tuple[int, ...], digest: str) -> None:
    """Note that the file at ``real`` with stamp ``fp`` has bytes ``digest``."""
    if not enabled():
        return
    with contextlib.suppress(OSError, ValueError):
        _write(_pointer(real), _pack((FORMAT, str(real), tuple(fp), digest)))


def known_digest(real: Path, fp: tuple[int, ...]) -> str | None:
    """The digest remembered for this file at this stamp."""
    if not enabled():
        return None
    try:
        got = _unpack(_pointer(real).read_bytes())
    except OSError:
        return None
    if (
        isinstance(got, tuple)
        and len(got) == 4
        and got[0] == FORMAT
        and got[1] == str(real)
        and tuple(got[2]) == tuple(fp)
        and isinstance(got[3], str)
    ):
        return got[3]
    return None


def load(digest: str, size: int) -> Saved | None:
    """The offsets table saved for bytes with this digest, or ``None`` (missing,
    corrupt, another format or size)."""
    if not enabled():
        return None
    try:
        got = _unpack(_table_file(digest).read_bytes())
    except OSError:
        return None
    try:
        assert isinstance(got, dict)
        assert got["format"] == FORMAT and got["digest"] == digest and got["size"] == size
        tables: dict[str, tuple[list[str], array[int], array[int], array[int]]] = {}
        for name in model.TABLES:
            ids, keys_raw, starts_raw, ends_raw = got["tables"][name]
            keys, starts, ends = array("q"), array("q"), array("q")
            keys.frombytes(keys_raw)
            starts.frombytes(starts_raw)
            ends.frombytes(ends_raw)
            assert isinstance(ids, list)
            assert len(ids) == len(keys) == len(starts) == len(ends)
            tables[name] = (ids, keys, starts, ends)
        fields = got["fields"]
        assert isinstance(fields, dict)
        for column, table in COLUMNS:
            assert isinstance(fields[column], list)
            assert len(fields[column]) == len(tables[table][0])
        meta = got["meta"]
        assert isinstance(meta, dict)
    except (AssertionError, KeyError, TypeError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(_table_file(digest))  # recently used: kept by ``_prune``
    return Saved(digest, size, tables, fields, meta)


SAMPLES: Final = 32
#: Samples lying within this many bytes are read in one read (``plausible``).
ONE_READ: Final = 2**20


def plausible(table: DocTable, ids: list[str], keys: array[int]) -> bool:
    """Whether a loaded table fits the file: the first, the last and ``SAMPLES``
    documents spread between lie where it says, each parsing to its id and
    preceded by its number as the key (every other document is checked when it
    is first parsed).  The samples are read in one read when they lie within
    ``ONE_READ`` bytes (a small store: every document is a sample), else one
    read each."""
    n = len(ids)
    if not n:
        return True
    file = table.file
    if file is None:
        return False
    samples: list[tuple[str, bytes, int, int]] = []
    for i in sorted({0, n - 1, *range(0, n, max(1, n // SAMPLES))}):
        span = table.span(ids[i])
        if span is None:
            return False
        start, end = span
        head = b'"' + str(keys[i]).encode() + b'": '
        if start < len(head) or end <= start:
            return False
        samples.append((ids[i], head, start, end))
    first = min(start - len(head) for _, head, start, _ in samples)
    last = max(end for *_, end in samples)
    whole = file.read(first, last) if last - first <= ONE_READ else None
    for doc_id, head, start, end in samples:
        if whole is not None:
            blob = whole[start - len(head) - first : end - first]
        else:
            blob = file.read(start - len(head), end)  # the key and the document
        if not blob.startswith(head) or not blob.endswith(b"}"):
            return False
        try:
            doc = orjson.loads(blob[len(head) :])
        except orjson.JSONDecodeError:
            return False
        if not isinstance(doc, dict) or doc.get("id") != doc_id:
            return False
    return True


def digest_of(path: Path, fp: Fingerprint) -> tuple[str, tuple[int, ...]] | None:
    """The SHA-256 of the file at ``path`` (the validation cache's key), read back
    from disk, and its stamp; ``None`` when it is no longer the file with
    fingerprint ``fp``."""
    import hashlib  # here: a start from a saved table hashes nothing with it

    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        if fingerprint(st) != tuple(fp):
            return None
        return hashlib.file_digest(fh, "sha256").hexdigest(), stamp(st)


def hashed(pieces: Iterable[bytes], h: Any) -> Iterator[bytes]:
    """``pieces`` unchanged, fed to the hash ``h`` on the way."""
    for piece in pieces:
        h.update(piece)
        yield piece


__all__ = [
    "COLUMNS",
    "COURTS_OF_PROCEEDINGS",
    "FORMAT",
    "Ranges",
    "Saved",
    "Trace",
    "digest_of",
    "emit",
    "field_of",
    "hashed",
    "known_digest",
    "load",
    "matches",
    "plausible",
    "remember_digest",
    "save",
    "shared_fields",
    "stamp",
]
