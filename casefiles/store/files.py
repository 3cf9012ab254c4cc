"""Files on disk: reading and parsing the canonical store file, writing it
atomically (to a symlink's target), the sidecar paths, and article files.

The canonical file is replaced as a whole: a new file is written beside the
old one (flush, fsync), the old one is kept as ``<file>.bak``, the new one
moved over it with ``os.replace`` and the folder fsynced, so that a crash
leaves the old or the new file, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson

from casefiles import model, validcache
from casefiles.store.errors import StoreError
from casefiles.textsafe import literal

if TYPE_CHECKING:  # validation is imported when first needed, not at every start
    from casefiles.validate import Problem

JSON_OPTIONS: Final = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
MAX_ARTICLE_BYTES: Final = 20 * 1024 * 1024

Fingerprint = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns) of the file as loaded or last written."""


def real_path(path: Path) -> Path:
    """Where the store really is: a symlinked store is written at its target, and
    its log and lock live beside the target, shared by every link to it."""
    return Path(os.path.realpath(path))


def sidecar(path: Path, suffix: str) -> Path:
    """``<real store path><suffix>``: ``.log``, ``.lock``, ``.bak``."""
    real = real_path(path)
    return real.with_name(real.name + suffix)


def serialise(data: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """The canonical bytes of a store in two pieces (body, final newline), so that
    hundreds of MB are not copied just to append one byte."""
    return orjson.dumps(data, option=JSON_OPTIONS), b"\n"


def dumps(data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a store: UTF-8 JSON, 2-space indent, sorted keys."""
    return b"".join(serialise(data))


def fingerprint(st: os.stat_result) -> Fingerprint:
    """The fingerprint of a stat result."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def describe_os_error(exc: OSError) -> str:
    """A short reason for an OS error, without errno numbers."""
    if exc.errno == errno.ENOSPC:
        return "disk full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or exc.__class__.__name__


def cannot_write(path: Path, what: str, exc: OSError) -> StoreError:
    """The one-line error for a store that cannot be written (reading still works)."""
    reason = describe_os_error(exc)
    hint = ""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = " (the folder is read-only or belongs to another user)"
    return StoreError(
        f"{literal(str(path))} cannot be written: {reason} {what}{hint}; "
        "it can still be read, nothing was written"
    )


# ----------------------------------------------------------------- reading


def read_file(path: Path) -> tuple[object, Fingerprint, str]:
    """Parse a store file; raise ``StoreError`` naming the file and what is wrong.

    Returns the document tree, the file's fingerprint and its content key."""
    raw, st = read_raw(path)
    return parse_bytes(raw, literal(str(path))), fingerprint(st), validcache.digest(raw)


def open_store_file(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor on a store file (a regular file) and its status;
    ``StoreError`` naming the file and what is wrong.  The caller closes it."""
    name = literal(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, expected a JSON file") from None
    except FileNotFoundError:
        raise StoreError(
            f"{name}: no such file (create one with 'casefiles generate' or pass --store)"
        ) from None
    except OSError as exc:
        raise StoreError(f"{name}: cannot read: {describe_os_error(exc)}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{name}: is a folder, expected a JSON file")
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{name}: is {file_kind(st.st_mode)}, expected a JSON file")
        os.set_blocking(fd, True)
    except OSError as exc:
        os.close(fd)
        raise StoreError(f"{name}: cannot read: {describe_os_error(exc)}") from None
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_raw(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a store file and its status; ``StoreError`` naming the file
    and what is wrong."""
    fd, st = open_store_file(path)
    try:
        return _read_all(fd, st.st_size), st
    except OSError as exc:
        raise StoreError(f"{literal(str(path))}: cannot read: {describe_os_error(exc)}") from None
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    pos = 0
    while True:
        chunk = os.pread(fd, max(size - pos, 2**16), pos)
        if not chunk:
            break
        chunks.append(chunk)
        pos += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_bytes(raw: bytes, name: str) -> object:
    """Parse store bytes, with messages that say what is wrong and where."""
    if not raw or raw.isspace():
        raise StoreError(f"{name}: the file is empty; expected a JSON object of tables")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise StoreError(
            f"{name}: starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
    tables = _parse_by_table(raw)
    if tables is not None:
        return tables
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as uexc:
            line = raw.count(b"\n", 0, uexc.start) + 1
            raise StoreError(
                f"{name}: not UTF-8 text: byte 0x{raw[uexc.start]:02x} at offset {uexc.start} "
                f"(line {line})"
            ) from None
        msg = str(exc)
        if exc.pos >= len(raw.rstrip()) - 1 and "recursion" not in msg:
            hint = " (the file looks truncated)"
        else:
            hint = ""
        raise StoreError(
            f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{literal(exc.msg)}{hint}"
        ) from None
    except RecursionError:  # pragma: no cover - orjson reports depth itself
        raise StoreError(f"{name}: invalid JSON: nested too deeply") from None


def _parse_by_table(raw: bytes) -> dict[str, Any] | None:
    """A file in the canonical layout parsed one top-level table at a time, so
    that orjson's working memory is that of the largest table, not of the whole
    file (100k cases: peak 3.57 -> 2.91 GB for a first load); ``None`` when the
    bytes are anything else (then the whole file is parsed, for its messages).

    The file must be exactly ``{``, then for each table in sorted order its
    head (``\n  "name": ``, after a comma for all but the first) and a value,
    then ``\n}`` and at most one newline.  Each value is parsed on its own and
    must be one complete JSON value: a head found inside a value (only possible
    nested, since JSON strings hold no newline) leaves an incomplete one, which
    does not parse.  The file then parses to exactly these tables."""
    names = sorted((*model.TABLES, model.META))
    tail = b"\n}\n" if raw.endswith(b"\n}\n") else b"\n}"
    if not raw.startswith(b"{") or not raw.endswith(tail):
        return None
    view = memoryview(raw)
    out: dict[str, Any] = {}
    pos = 1
    for i, table in enumerate(names):
        head = (b",\n  " if i else b"\n  ") + orjson.dumps(table) + b": "
        if raw[pos : pos + len(head)] != head:
            return None
        start = pos + len(head)
        if i + 1 < len(names):
            pos = raw.find(b',\n  "' + names[i + 1].encode() + b'": ', start)
            if pos < 0:
                return None
        else:
            pos = len(raw) - len(tail)
        try:
            out[table] = orjson.loads(view[start:pos])
        except orjson.JSONDecodeError:
            return None
    return out


_META_START: Final = b'\n  "' + model.META.encode() + b'": {'
_TABLE_END: Final = b"\n  }"


def read_meta(path: Path) -> dict[str, Any] | None:
    """The ``meta`` document of a store file without parsing the whole file, when
    it is in the canonical layout (top-level keys at two spaces of indent, which no
    string can contain since JSON escapes newlines); else a full parse.  ``None``
    when the file cannot be read or has no usable meta table.  Read in chunks, not
    mapped: a file cut short meanwhile must not crash us (SIGBUS)."""
    try:
        with path.open("rb") as fh:
            fd = fh.fileno()
            size = os.fstat(fd).st_size
            if size == 0:
                return None
            found = _find_meta(fd, size)
            if found is not None:
                data: object = orjson.loads(b"{" + found[3:] + b"}")
            else:
                data = orjson.loads(_read_all(fd, size))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    meta = data.get(model.META)
    if isinstance(meta, dict) and len(meta) == 1:
        doc = next(iter(meta.values()))
        if isinstance(doc, dict):
            return doc
    return None


def _find_meta(fd: int, size: int, chunk: int = 8 * 2**20) -> bytes | None:
    """The bytes from ``_META_START`` to the end of the meta table, searched in
    chunks of the open file ``fd``; ``None`` when not found."""
    head = len(_META_START) - 1
    pos, tail = 0, b""
    while pos < size:
        block = tail + os.pread(fd, min(chunk, size - pos), pos)
        if len(block) == len(tail):
            return None
        base = pos - len(tail)
        at = block.find(_META_START)
        if at >= 0:
            start = base + at
            got = b""
            while True:
                piece = os.pread(fd, 2**16, start + len(got))
                if not piece:
                    return None
                got += piece
                end = got.find(_TABLE_END)
                if end >= 0:
                    return got[: end + len(_TABLE_END)]
        pos += len(block) - len(tail)
        tail = block[-head:] if head else b""
    return None


# ----------------------------------------------------------------- writing


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files left by a writer that died (we hold the lock, so none is live)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _keep_backup(path: Path) -> None:
    """Make ``path.bak`` the current file, atomically (hard link, else copy)."""
    if not path.exists():
        return
    bak = path.with_name(path.name + ".bak")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copy2(path, tmp)
        os.replace(tmp, bak)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_atomic(path: Path, *payload: bytes) -> Fingerprint:
    """Replace the file at ``path`` (a symlink's target, not the link) by the
    ``payload`` pieces so that a crash leaves the old or the new file, never a mix,
    keeping the old one as ``.bak``.  The caller holds the write lock."""
    return write_atomic_pieces(path, payload)


def write_atomic_pieces(path: Path, payload: Iterable[bytes | memoryview]) -> Fingerprint:
    """``write_atomic`` with the pieces made while writing (a generator)."""
    path = real_path(path)
    _remove_stale_temps(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, f"in {literal(str(path.parent))}", exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in payload:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        _keep_backup(path)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(
            f"{literal(str(path))}: write failed: {describe_os_error(exc)}; file unchanged"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)
    return fingerprint(path.stat())


# ----------------------------------------------------------------- articles


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_article_file(target: Path, label: str) -> str:
    """Read an article as UTF-8 text (invalid bytes shown as U+FFFD), size-limited.

    Only regular files are read: a FIFO, device or socket is refused at once
    (checked before opening, and again on the open descriptor, which is opened
    non-blocking so that a FIFO swapped in meanwhile cannot hang the reader)."""
    shown = literal(str(target))
    try:
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(
                f"source {label}: article file {shown} is {file_kind(st.st_mode)}, "
                "not a regular file"
            )
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise StoreError(f"source {label}: article file {shown} is missing") from None
    except OSError as exc:
        raise StoreError(
            f"source {label}: {shown}: cannot read: {describe_os_error(exc)}"
        ) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(
                f"source {label}: article file {shown} is {file_kind(st.st_mode)}, "
                "not a regular file"
            )
        if st.st_size > MAX_ARTICLE_BYTES:
            raw = b""
        else:
            try:
                raw = fh.read(MAX_ARTICLE_BYTES + 1)
            except OSError as exc:
                raise StoreError(
                    f"source {label}: {shown}: cannot read: {describe_os_error(exc)}"
                ) from None
    if st.st_size > MAX_ARTICLE_BYTES or len(raw) > MAX_ARTICLE_BYTES:
        raise StoreError(
            f"source {label}: article file is larger than {MAX_ARTICLE_BYTES // 2**20} MiB"
        )
    return raw.decode("utf-8", errors="replace")


def check_article_files(data: Mapping[str, Any], folder: Path, name: str) -> list[Problem]:
    """Problems with the article files that sources name (missing, outside, not a
    regular file, too large, unreadable); never opens them."""
    from casefiles.validate import Problem

    problems: list[Problem] = []
    root = folder.resolve()
    for doc in data.get(model.SOURCES, {}).values():
        rel = doc.get("file")
        if rel is None:
            continue

        def add(message: str, doc_id: str = doc["id"]) -> None:
            problems.append(Problem(name, model.SOURCES, doc_id, "file", message))

        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            add("points outside the store's folder")
            continue
        try:
            st = os.stat(target)
        except FileNotFoundError:
            add(f"article file {literal(rel)!r} not found next to the store")
            continue
        except OSError as exc:
            add(f"article file {literal(rel)!r} cannot be read: {describe_os_error(exc)}")
            continue
        if not stat.S_ISREG(st.st_mode):
            add(f"article file {literal(rel)!r} is {file_kind(st.st_mode)}, not a regular file")
        elif st.st_size > MAX_ARTICLE_BYTES:
            add(f"article file {literal(rel)!r} is larger than {MAX_ARTICLE_BYTES // 2**20} MiB")
    return problems
