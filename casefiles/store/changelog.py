"""The change log: an append-only JSON Lines file beside the store (``<store>.log``).

One line per change, written with sorted keys and no spaces::

    {"author":"ana","before":"9f2c…","doc":{…},"id":"vey-case","op":"put",
     "prev":"51ab…","reason":"typo","schema":2,"seq":12,"table":"cases",
     "time":"2026-11-30T18:02:11.532Z"}

- ``seq`` counts from 1 with no gaps; ``prev`` is the hash of the previous
  line (``null`` for the first): a chain, so an entry changed or moved later
  no longer matches the one after it.
- ``schema`` is the schema version the document is written in (entries
  written before it was recorded have none: schema 2); a log entry of a newer
  schema is refused with a message, never misread.
- ``before`` is the hash of the document the change replaced (``null`` when
  it is new); ``doc`` the document after (``null`` for a delete).
- The hash of an entry is the SHA-256 of its line's bytes (without the newline);
  the hash of a document is the SHA-256 of its compact, key-sorted JSON.

A commit appends lines and fsyncs under the store's lock.  A last line without
its newline is a write that was cut short: readers ignore it and the next
writer removes it (with a notice).  The log is never truncated otherwise:
checkpoints fold it into the canonical file and record the last folded entry
in ``meta`` (``log_seq``, ``log_hash``, ``log_offset``).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import orjson
from msgspec import Struct

from casefiles import model
from casefiles.store.errors import StoreError
from casefiles.textsafe import clip, literal

OPS: Final = ("put", "delete")
MAX_REASON: Final = 2_000


def doc_hash(doc: Mapping[str, Any] | None) -> str | None:
    """The hash a log entry records for a document (``None`` for no document)."""
    if doc is None:
        return None
    import hashlib  # here: opening a store (the browser's start) hashes no entry

    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()


def line_hash(line: bytes) -> str:
    """The hash of one log line (without its newline)."""
    import hashlib  # (see doc_hash)

    return hashlib.sha256(line).hexdigest()


def utc_now() -> str:
    """The current UTC time as ISO 8601 with milliseconds and ``Z``."""
    now = _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def author() -> str:
    """Who is making changes: ``$CASEFILES_AUTHOR``, else ``author = "…"`` in the
    config file, else the login name."""
    name = os.environ.get("CASEFILES_AUTHOR", "").strip()
    if not name:
        import tomllib  # only for an edit (the browser's start reads no author)

        from casefiles import paths

        try:
            cfg = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
            value = cfg.get("author")
            if isinstance(value, str):
                name = value.strip()
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    if not name:
        import getpass

        try:
            name = getpass.getuser()
        except (OSError, KeyError, ImportError):
            name = "unknown"
    return clip(" ".join(name.split()), 200) or "unknown"


class Entry(Struct, frozen=True):
    """One parsed log line, with where it lies in the file.  (Entry and ``Tail``
    are Structs, not dataclasses: created in C at import, before the first frame.)"""

    seq: int
    time: str
    author: str
    op: str
    table: str
    id: str
    before: str | None
    doc: dict[str, Any] | None
    reason: str | None
    prev: str | None
    hash: str
    offset: int
    """Byte offset of the line's start."""
    end: int
    """Byte offset just after the line's newline."""
    schema: int | None = None
    """The schema version the document was written in (``None``: an entry written
    before entries carried it, schema 2)."""

    def to_json(self) -> dict[str, Any]:
        """The entry as stored, plus its hash."""
        out: dict[str, Any] = {
            "seq": self.seq,
            "time": self.time,
            "author": self.author,
            "op": self.op,
            "table": self.table,
            "id": self.id,
            "before": self.before,
            "doc": self.doc,
            "prev": self.prev,
            "hash": self.hash,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.schema is not None:
            out["schema"] = self.schema
        return out


class LogError(StoreError):
    """A log line that is not a well-formed entry."""


def encode(
    *,
    seq: int,
    op: str,
    table: str,
    doc_id: str,
    before: str | None,
    doc: Mapping[str, Any] | None,
    prev: str | None,
    who: str,
    when: str,
    reason: str | None,
) -> bytes:
    """One log line, without its newline."""
    entry: dict[str, Any] = {
        "seq": seq,
        "time": when,
        "author": who,
        "op": op,
        "table": table,
        "id": doc_id,
        "before": before,
        "doc": doc,
        "prev": prev,
        "schema": model.SCHEMA_VERSION,
    }
    if reason is not None:
        entry["reason"] = reason
    return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)


def parse_line(line: bytes, offset: int, name: str) -> Entry:
    """Parse one log line (without newline); ``LogError`` says what is wrong."""
    where = f"{name}: line at byte {offset}"
    try:
        raw = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise LogError(f"{where}: not a JSON entry: {literal(exc.msg)}") from None
    if not isinstance(raw, dict):
        raise LogError(f"{where}: not a JSON object")
    seq = raw.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise LogError(f"{where}: no valid seq")
    where = f"{name}: entry {seq}"

    def text(key: str, optional: bool = False) -> str | None:
        value = raw.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value:
            raise LogError(f"{where}: {key} is missing or not a string")
        return value

    op = text("op")
    table = text("table")
    doc_id = text("id")
    if op not in OPS:
        raise LogError(f"{where}: unknown op {literal(clip(str(op), 20))!r}")
    if table not in model.TABLES:
        raise LogError(f"{where}: unknown table {literal(clip(str(table), 40))!r}")
    doc = raw.get("doc")
    if op == "put":
        if not isinstance(doc, dict) or doc.get("id") != doc_id:
            raise LogError(f"{where}: a put needs the document, with the entry's id")
    elif doc is not None:
        raise LogError(f"{where}: a delete carries no document")
    schema = raw.get("schema")
    if schema is not None:
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise LogError(f"{where}: schema is not a version number")
        if schema > model.SCHEMA_VERSION:
            raise LogError(
                f"{where}: written by a newer casefiles (schema {schema}; this program "
                f"knows up to {model.SCHEMA_VERSION}); update casefiles to read this log"
            )
    extra = set(raw) - {"seq", "time", "author", "op", "table", "id", "before", "doc", "prev"}
    extra -= {"reason", "schema"}
    if extra:
        raise LogError(f"{where}: unknown field {literal(clip(sorted(extra)[0], 40))!r}")
    return Entry(
        seq=seq,
        time=text("time") or "",
        author=text("author") or "",
        op=op or "",
        table=table or "",
        id=doc_id or "",
        before=text("before", optional=True),
        doc=doc,
        reason=text("reason", optional=True),
        prev=text("prev", optional=True),
        hash=line_hash(line),
        offset=offset,
        end=offset + len(line) + 1,
        schema=schema,
    )


class Tail(Struct):
    """Entries read from an offset to the end of the log."""

    entries: list[Entry]
    end: int
    """Offset after the last complete line."""
    torn: int
    """Bytes of an incomplete last line (a write cut short), 0 when none."""


def read_from(path: Path, offset: int, name: str) -> Tail:
    """Read and parse every complete line from ``offset`` on (the log may not exist:
    then nothing).  A complete line that does not parse raises ``LogError``."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            raw = fh.read()
    except FileNotFoundError:
        return Tail([], offset, 0)
    except OSError as exc:
        raise StoreError(
            f"{literal(str(path))}: cannot read the change log: {exc.strerror}"
        ) from None
    cut = raw.rfind(b"\n") + 1
    entries = []
    pos = 0
    while pos < cut:
        nl = raw.index(b"\n", pos)
        entries.append(parse_line(raw[pos:nl], offset + pos, name))
        pos = nl + 1
    return Tail(entries, offset + cut, len(raw) - cut)


def check_chain(entries: list[Entry], seq: int, prev: str | None, name: str) -> None:
    """Each entry follows the one before (``seq`` and ``prev`` the last one known)."""
    for entry in entries:
        if entry.seq != seq + 1:
            raise LogError(
                f"{name}: entry at byte {entry.offset} has seq {entry.seq}, expected {seq + 1} "
                "(entries removed or reordered?)"
            )
        if entry.prev != prev:
            raise LogError(
                f"{name}: entry {seq} does not match the hash entry {entry.seq} recorded for it "
                "(changed after it was written?)"
                if seq
                else f"{name}: entry 1 names a previous entry"
            )
        seq, prev = entry.seq, entry.hash


def first_bad_line(path: Path, name: str) -> tuple[list[Entry], str | None]:
    """All entries of the log and the first problem of its chain (``None`` if none)."""
    try:
        tail = read_from(path, 0, name)
    except LogError as exc:
        return [], str(exc)
    try:
        check_chain(tail.entries, 0, None, name)
    except LogError as exc:
        return tail.entries, str(exc)
    if tail.torn:
        return (
            tail.entries,
            f"{name}: the last line is incomplete ({tail.torn} bytes; a write cut short)",
        )
    return tail.entries, None


__all__ = [
    "Entry",
    "LogError",
    "Tail",
    "author",
    "check_chain",
    "doc_hash",
    "encode",
    "first_bad_line",
    "line_hash",
    "parse_line",
    "read_from",
    "utc_now",
]
