"""A search index kept on disk, so a start reads it instead of indexing every document.

``SearchIndex.open(store)`` looks in the user cache folder (``CASEFILES_CACHE_DIR``
overrides it; ``CASEFILES_NO_CACHE=1`` turns the cache off) for an index
whose *key* matches the store; otherwise it builds the index and saves it.
The key is a digest of:

* the store file's real path and its device, inode, size and modification
  time (any write, by us or anything else, replaces or touches it), and
  ``Store.version`` (the last change-log entry applied: seq and hash), or
  else the size and time of the change log (``casefiles.json.log``);
* ``FORMAT`` and the source of the modules that decide what is indexed
  (``vocabulary``, ``normalise``, ``filters``, ``query``), so a new version
  of casefiles never reads an index built by another.

The file is ``MAGIC``, a BLAKE2b digest of the payload, then the payload: the
length of a ``marshal`` block, that block, then raw array bytes.  The block
holds the index's plain data (lists, dicts, strings, ints, bytes), where
every ``array`` (text numbers, entries, offsets: most of the index) stands as
a ``(ARRAY, type code, start, length)`` marker naming its bytes after the
block; reading makes each array with one ``frombytes`` copy, not one object
per number.  Never ``pickle``, so reading a file cannot run code.  A file
whose digest does not match (truncated, corrupt) is ignored and rebuilt.  Writes are
atomic (a temporary file renamed over); the folder keeps the ``KEEP`` most
recently used indexes.  Every cache failure (unreadable folder, full disk)
falls back to building in memory: the cache is never needed to search.

For a store with a change log (``Store.version``), the key names the
checkpoint (the canonical file) only, and the saved index records the last
log entry it covers (seq, hash, offset).  A start whose store holds later
entries re-indexes just the documents those entries touched
(``log_since``: the entries must continue the recorded one, hash chain
included, else the index is built afresh), and keeps the result when it
replayed many.  A checkpoint rewrites the file: a new key, one full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from array import array
from pathlib import Path
from typing import Any, Final

import platformdirs

from casefiles.store import StoreError, changelog

FORMAT: Final = 1
MAGIC: Final = b"casefiles search index\n"
KEEP: Final = 4
_DIGEST: Final = 32
#: Marks an array in the marshal block (a string no index data starts with).
ARRAY: Final = "\x00array"
#: Array type codes a kept index may hold.
_TYPECODES: Final = frozenset("bBhHiIlLqQ")
_SOURCES: Final = (
    "vocabulary.py",
    "tables.py",
    "normalise.py",
    "filters.py",
    "query.py",
    "persist.py",
)


def enabled() -> bool:
    """Whether the cache may be used (``CASEFILES_NO_CACHE`` unset)."""
    return not os.environ.get("CASEFILES_NO_CACHE")


def folder() -> Path:
    """Where indexes are kept."""
    override = os.environ.get("CASEFILES_CACHE_DIR")
    base = Path(override) if override else Path(platformdirs.user_cache_dir("casefiles"))
    return base / f"search-v{FORMAT}"


def _code_digest() -> bytes:
    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        h.update((here / name).read_bytes())
    return h.digest()


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def store_key(
    path: Path, loaded: tuple[int, ...] | None = None, version: tuple[object, ...] | None = None
) -> str | None:
    """The cache key of the store file at ``path``; ``None`` when it has no file, or
    when ``loaded`` (the store's fingerprint as it was read: device, inode, size,
    modification time) says the file has changed since (the index would describe
    the old contents under the new file's key).  ``version`` is ``Store.version``
    (the file as read and the last log entry applied): it names what memory
    holds exactly; without it the change log's size and time stand in."""
    try:
        real = Path(os.path.realpath(path))
        main = _stat_key(real)
        if main is None or (loaded is not None and tuple(loaded) != main):
            return None
        if version is not None:
            log: object = version
        else:
            log = _stat_key(real.with_name(real.name + ".log"))
        h = hashlib.blake2b(digest_size=20)
        # raw array bytes are read back as written: the same byte order only
        h.update(repr((FORMAT, sys.byteorder, str(real), main, log)).encode())
        h.update(_code_digest())
    except OSError:
        return None
    return h.hexdigest()


#: ``store_key``'s ``version`` for stores with a change log: the key then names the
#: checkpoint only, and the saved state says how far into the log it goes.
CHECKPOINT: Final = ("checkpoint; brought up to date from the log",)
#: More log entries than this since the kept index: build instead of replaying.
REPLAY_MAX: Final = 5_000


def log_position(store: Any) -> tuple[int, str, int] | None:
    """The last change-log entry ``store`` applied, as (seq, hash, offset after its
    line), ``(0, "", 0)`` with none; ``None`` when that cannot be told."""
    version = getattr(store, "version", None)
    if not isinstance(version, tuple) or len(version) != 3:
        return None
    _, seq, digest = version
    if seq == 0:
        return 0, "", 0
    log_end = getattr(store, "log_end", None)
    if isinstance(log_end, int) and log_end > 0:  # the store knows: no need to read the log
        return seq, digest, log_end
    try:
        tail = changelog.read_from(store.log_path, 0, str(store.path))
    except (StoreError, OSError, ValueError):  # the log cannot be read: no kept index
        return None
    for entry in tail.entries:
        if entry.seq == seq:
            return (seq, digest, entry.end) if entry.hash == digest else None
    return None


def log_since(store: Any, position: tuple[int, str, int]) -> list[tuple[str, str]] | None:
    """The (table, id) of each document the log changed after ``position`` up to
    what ``store`` holds (each once); ``None`` when the log does not continue from
    there (rewritten, truncated, another checkpoint) or is too long to replay."""
    version = getattr(store, "version", None)
    if not isinstance(version, tuple) or len(version) != 3:
        return None
    _, seq_now, hash_now = version
    seq, digest, end = position
    if seq == seq_now:
        return [] if digest == (hash_now or "") else None
    if seq > seq_now or seq_now - seq > REPLAY_MAX:
        return None
    try:
        tail = changelog.read_from(store.log_path, end, str(store.path))
    except (StoreError, OSError, ValueError):  # the log cannot be read: build instead
        return None
    touched: dict[tuple[str, str], None] = {}
    prev = digest or None
    for entry in tail.entries:
        if entry.seq != seq + 1 or entry.prev != prev:
            return None
        touched[entry.table, entry.id] = None
        seq, prev = entry.seq, entry.hash
        if seq == seq_now:
            return list(touched) if prev == hash_now else None
    return None


def read(key: str) -> dict[str, Any] | None:
    """The saved state under ``key``, or ``None`` (absent, corrupt, unreadable)."""
    if not enabled():
        return None
    path = folder() / f"{key}.idx"
    try:
        with path.open("rb") as fh:
            blob = fh.read()
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by the pruning
    except OSError:
        return None
    head = len(MAGIC)
    if not blob.startswith(MAGIC) or len(blob) < head + _DIGEST:
        return None
    digest = blob[head : head + _DIGEST]
    payload = memoryview(blob)[head + _DIGEST :]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != digest:
        return None
    try:
        state = _unpack(payload)
    except (EOFError, ValueError, TypeError, IndexError, OverflowError):
        return None
    return state if isinstance(state, dict) else None


def _pack(state: dict[str, Any]) -> list[bytes | memoryview]:
    """The payload of ``state``: the marshal block's length, the block, the arrays
    (views of them: ``_release`` them once written, or the arrays cannot grow).

    The block is ``(state with each array replaced by None, places)``; a place is
    ``(path of dict keys, type code, start, length)`` of one array's bytes."""
    chunks: list[bytes | memoryview] = []
    places: list[tuple[tuple[Any, ...], str, int, int]] = []
    plain = _take_arrays(state, (), chunks, places)
    block = marshal.dumps((plain, places))
    return [len(block).to_bytes(8, "little"), block, *chunks]


def _take_arrays(
    value: Any,
    path: tuple[Any, ...],
    chunks: list[bytes | memoryview],
    places: list[tuple[tuple[Any, ...], str, int, int]],
) -> Any:
    if isinstance(value, dict):
        return {k: _take_arrays(v, (*path, k), chunks, places) for k, v in value.items()}
    if isinstance(value, array):
        start = places[-1][2] + places[-1][3] if places else 0
        with memoryview(value) as view:
            raw = view.cast("B")
        places.append((path, value.typecode, start, len(raw)))
        chunks.append(raw)
        return None
    return value


def _release(chunks: list[bytes | memoryview]) -> None:
    for chunk in chunks:
        if isinstance(chunk, memoryview):
            chunk.release()


def _unpack(payload: memoryview) -> Any:
    """The state ``_pack`` wrote (``ValueError`` and co. when it is not one)."""
    size = int.from_bytes(payload[:8], "little")
    if size > len(payload) - 8:
        raise ValueError("search index: block longer than the file")
    state, places = marshal.loads(payload[8 : 8 + size])
    data = payload[8 + size :]
    for path, code, start, length in places:
        if code not in _TYPECODES or not 0 <= start <= start + length <= len(data) or not path:
            raise ValueError("search index: an array outside the file")
        out = array(code)
        out.frombytes(data[start : start + length])
        holder = state
        for key in path[:-1]:
            holder = holder[key]
        if not isinstance(holder, dict) or holder.get(path[-1], 0) is not None:
            raise ValueError("search index: an array in no place")
        holder[path[-1]] = out
    return state


def write(key: str, state: dict[str, Any]) -> bool:
    """Save ``state`` under ``key`` (best effort); whether it was written."""
    if not enabled():
        return False
    try:
        chunks = _pack(state)
        try:
            digest = hashlib.blake2b(digest_size=_DIGEST)
            for chunk in chunks:
                digest.update(chunk)
            target = folder()
            target.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target, prefix=".tmp-", suffix=".idx")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(MAGIC)
                    fh.write(digest.digest())
                    for chunk in chunks:
                        fh.write(chunk)
                os.replace(tmp, target / f"{key}.idx")
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        finally:
            _release(chunks)
        _prune(target)
    except (OSError, ValueError):
        return False
    return True


def _prune(target: Path) -> None:
    """Keep the ``KEEP`` most recently used indexes (and no stray temporary files)."""
    with contextlib.suppress(OSError):
        entries = sorted(
            (p for p in target.iterdir() if p.suffix == ".idx" and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()


__all__ = [
    "CHECKPOINT",
    "FORMAT",
    "KEEP",
    "REPLAY_MAX",
    "enabled",
    "folder",
    "log_position",
    "log_since",
    "read",
    "store_key",
    "write",
]
