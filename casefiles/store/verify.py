"""The log as an audit trail: ``history`` (``casefiles log``) and ``verify``
(``casefiles log --verify``).

``verify`` checks, in order, and stops at the first entry that is wrong:

1. the hash chain: every line parses, ``seq`` runs 1, 2, 3… and each entry's
   ``prev`` is the hash of the line before;
2. the checkpoint: the canonical file's ``meta.log_seq``/``log_hash`` name an
   entry of the log, with that hash;
3. the replay: the entries between the previous checkpoint (``<store>.bak``,
   kept by every checkpoint) and the current one, applied over the previous
   checkpoint, give the current checkpoint's documents; each entry's
   ``before`` hash matches the document it replaces;
4. the entries after the checkpoint apply over it (their ``before`` hashes).
"""

from __future__ import annotations

import gc
import mmap
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from casefiles import migrations, model
from casefiles.store.changelog import Entry, doc_hash, first_bad_line, read_from
from casefiles.store.errors import StoreError
from casefiles.store.files import read_file, read_meta, sidecar
from casefiles.textsafe import literal

Tables = dict[str, dict[str, tuple[int, dict[str, Any]]]]
"""table -> id -> (document number, document)."""


@dataclass(slots=True)
class Verdict:
    """What ``verify`` found: ``ok``, the first problem, and what was checked."""

    ok: bool
    problem: str | None = None
    checked: list[str] = field(default_factory=list)


def _state(path: Path) -> tuple[Tables, dict[str, Any]]:
    """A store file as id-keyed tables, and its meta document."""
    data, _fp, _key = read_file(path)
    if not isinstance(data, dict):
        raise StoreError(f"{literal(str(path))}: not a store")
    data = migrations.migrate(data)
    tables: Tables = {}
    for table in model.TABLES:
        docs = data.get(table) or {}
        tables[table] = {
            doc["id"]: (int(k), doc)
            for k, doc in docs.items()
            if isinstance(doc, dict) and isinstance(doc.get("id"), str)
        }
    meta_table = data.get(model.META) or {}
    meta: object = next(iter(meta_table.values()), {}) if isinstance(meta_table, dict) else {}
    return tables, meta if isinstance(meta, dict) else {}


Keys = dict[str, set[int]]
"""table -> every document number in use (also those a sparse state did not parse)."""


def _keys_of(tables: Tables) -> Keys:
    return {t: {k for k, _ in docs.values()} for t, docs in tables.items()}


def _apply(tables: Tables, entry: Entry, keys: Keys) -> str | None:
    """Apply one entry; a message when its ``before`` hash does not match."""
    docs = tables[entry.table]
    current = docs.get(entry.id)
    if doc_hash(current[1] if current else None) != entry.before:
        return (
            f"entry {entry.seq} ({entry.op} {entry.table}[{literal(entry.id)}]): the document "
            "it replaces is not the one it names (hash differs)"
        )
    if entry.op == "delete":
        if current is not None:
            keys[entry.table].discard(current[0])
        docs.pop(entry.id, None)
    else:
        assert entry.doc is not None
        if current is not None:
            key = current[0]
        else:
            key = max(keys[entry.table], default=0) + 1
            keys[entry.table].add(key)
        docs[entry.id] = (key, entry.doc)
    return None


# --------------------------------------------- sparse states of canonical files

_DOC_RE: Final = re.compile(rb'\n    "([0-9]+)": ')
_ID_RE: Final = re.compile(rb'\n      "id": ("(?:[^"\\]|\\.)*")[,\n]')


def _table_ranges(mm: mmap.mmap) -> dict[str, tuple[int, int]] | None:
    """Byte range of each top-level table's value in a canonical file, in one pass
    (tables follow each other in sorted order)."""
    names = sorted((*model.TABLES, model.META))
    heads: list[tuple[str, int, int]] = []
    pos = 0
    for name in names:
        head = b'\n  "' + name.encode() + b'": '
        at = mm.find(head, pos)
        if at < 0:
            return None
        heads.append((name, at, at + len(head)))
        pos = at + len(head)
    out: dict[str, tuple[int, int]] = {}
    for i, (name, _at, value) in enumerate(heads):
        end = heads[i + 1][1] - 1 if i + 1 < len(heads) else mm.rfind(b"\n}")
        if end < value or mm[end - 1] != ord("}"):
            return None
        out[name] = (value, end)
    return out


_ENTRY: Final = b'\n    "'
"""Where a document's entry starts in a canonical table (``\\n    "<number>": {``):
documents start at four spaces of indent, nothing deeper does (JSON escapes
newlines in strings)."""
_TABLE_END: Final = b"\n  }"
_CHUNK: Final = 1 << 16
_MAX_CHUNK: Final = 1 << 22


class _NotCanonical(Exception):
    """The bytes are not in the canonical layout: parse everything instead."""


@dataclass(frozen=True, slots=True)
class _Doc:
    """One document entry of a canonical table."""

    start: int
    """Where its entry starts (on the newline before its number)."""
    key: bytes
    """Its document number, as written."""
    value: int
    """Where its ``{`` starts."""
    end: int
    """Just after its closing ``}``."""
    next: int
    """Where the next entry starts (``-1``: it is the table's last)."""


def _entry(mm: mmap.mmap, at: int, span: tuple[int, int]) -> _Doc:
    """The entry starting at ``at`` (on its ``\\n    "``) of the table at ``span``."""
    head = at + len(_ENTRY)
    if mm[at:head] != _ENTRY:
        raise _NotCanonical
    quote = mm.find(b'": ', head, head + 24)
    key = mm[head:quote] if quote > head else b""
    if not key.isdigit():
        raise _NotCanonical
    value = quote + 3
    following = mm.find(_ENTRY, value, span[1])
    if following < 0:
        end = span[1] - len(_TABLE_END)
        if mm[end : span[1]] != _TABLE_END:
            raise _NotCanonical
    else:
        end = following - 1
        if mm[end] != ord(","):
            raise _NotCanonical
    if mm[value] != ord("{") or mm[end - 1] != ord("}"):
        raise _NotCanonical
    return _Doc(at, key, value, end, following)


def _first(mm: mmap.mmap, span: tuple[int, int]) -> _Doc | None:
    """The table's first entry (``None``: the table is empty)."""
    if mm[span[0] : span[1]] == b"{}":
        return None
    if mm[span[0]] != ord("{"):
        raise _NotCanonical
    return _entry(mm, span[0] + 1, span)


def _following(mm: mmap.mmap, doc: _Doc, span: tuple[int, int]) -> _Doc | None:
    return _entry(mm, doc.next, span) if doc.next >= 0 else None


def _common(ma: mmap.mmap, i: int, ea: int, mb: mmap.mmap, j: int, eb: int) -> int:
    """How many bytes from ``i`` in ``ma`` and ``j`` in ``mb`` are the same (compared
    a growing chunk at a time, then halving down to the first difference)."""
    n, limit, step = 0, min(ea - i, eb - j), _CHUNK
    while n < limit:
        k = min(step, limit - n)
        if ma[i + n : i + n + k] == mb[j + n : j + n + k]:
            n += k
            step = min(step * 2, _MAX_CHUNK)
            continue
        while k > 1:
            half = k // 2
            if ma[i + n : i + n + half] == mb[j + n : j + n + half]:
                n += half
                k -= half
            else:
                k = half
        return n
    return n


def _differing(
    ma: mmap.mmap, ra: tuple[int, int], mb: mmap.mmap, rb: tuple[int, int]
) -> tuple[list[_Doc], list[_Doc]]:
    """The documents of one table that differ between two canonical files (on
    either side, with their numbers).  Runs of equal bytes are compared a chunk
    at a time; from the document holding a difference, both tables are walked
    document by document in number order (the files' order) until a document
    with the same number and bytes on both sides starts past the difference.
    Work: one comparison of the bytes (no Python per document), plus the changes."""
    out_a: list[_Doc] = []
    out_b: list[_Doc] = []
    i, j = ra[0], rb[0]
    while True:
        n = _common(ma, i, ra[1], mb, j, rb[1])
        if i + n >= ra[1] and j + n >= rb[1]:
            return out_a, out_b
        diff_a = i + n
        # The last entry start before the difference, in the equal run: at the
        # same distance from the run's start in both files.
        back = ma.rfind(_ENTRY, i, diff_a)
        da: _Doc | None
        db: _Doc | None
        if back < 0:
            if i != ra[0]:  # a run starts on an entry, and differs only after it
                raise _NotCanonical
            da, db = _first(ma, ra), _first(mb, rb)
        else:
            da, db = _entry(ma, back, ra), _entry(mb, back - i + j, rb)
        while True:
            if da is None and db is None:
                return out_a, out_b
            if da is not None and db is not None and da.key == db.key:
                same = ma[da.value : da.end] == mb[db.value : db.end]
                if same and da.start > diff_a:
                    i, j = da.start, db.start  # in step again
                    break
                if not same:
                    out_a.append(da)
                    out_b.append(db)
                da, db = _following(ma, da, ra), _following(mb, db, rb)
            elif db is None or (da is not None and da.key < db.key):
                assert da is not None
                out_a.append(da)
                da = _following(ma, da, ra)
            else:
                out_b.append(db)
                db = _following(mb, db, rb)


def _keys_of_table(mm: mmap.mmap, span: tuple[int, int]) -> set[int]:
    """Every document number of a canonical table (a scan of its bytes)."""
    return {int(m.group(1)) for m in _DOC_RE.finditer(mm, *span)}


def _find_ids(mm: mmap.mmap, span: tuple[int, int], ids: set[str]) -> list[tuple[str, _Doc]]:
    """The documents with these ids: a search for each id's field at six spaces
    of indent (a document's own fields), or one scan of every id when many."""
    hits: list[tuple[str, int]] = []
    if not ids:
        return []
    if len(ids) <= 4:
        for doc_id in ids:
            needle = b'\n      "id": ' + orjson.dumps(doc_id)
            at = mm.find(needle, *span)
            while at >= 0:
                after = at + len(needle)
                if mm[after] in b",\n":
                    hits.append((doc_id, at))
                at = mm.find(needle, after, span[1])
    else:
        for match in _ID_RE.finditer(mm, *span):
            doc_id = orjson.loads(match.group(1))
            if doc_id in ids:
                hits.append((doc_id, match.start()))
    out = []
    for doc_id, at in hits:
        start = mm.rfind(_ENTRY, span[0], at + 1)
        if start < 0:
            raise _NotCanonical
        out.append((doc_id, _entry(mm, start, span)))
    return out


def _map(fh: Any) -> mmap.mmap:
    """The whole file mapped for reading, its pages read in ahead (the comparison
    reads all of them once)."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate:
        try:
            return mmap.mmap(fh.fileno(), 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
        except (OSError, ValueError):  # pragma: no cover - the plain mapping below
            pass
    return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


class _Mapped:
    """A store file mapped for reading, with its tables' byte ranges and meta
    document when it is in the canonical layout (else ``ranges`` is ``None``)."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("rb")
        self.mm: mmap.mmap | None = None
        self.ranges: dict[str, tuple[int, int]] | None = None
        self.meta: dict[str, Any] | None = None
        try:
            if os.fstat(self._fh.fileno()).st_size == 0:
                return
            self.mm = _map(self._fh)
            self.ranges = _table_ranges(self.mm)
            if self.ranges is not None:
                table = orjson.loads(self.mm[slice(*self.ranges[model.META])])
                if isinstance(table, dict) and len(table) == 1:
                    doc = next(iter(table.values()))
                    self.meta = doc if isinstance(doc, dict) else None
        except (OSError, ValueError):
            self.ranges = None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.mm is not None:
            self.mm.close()
        self._fh.close()

    def __enter__(self) -> _Mapped:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sparse_pair(
    older: _Mapped, newer: _Mapped, span: list[Entry], later: list[Entry]
) -> tuple[Tables, Keys, Tables, Keys] | None:
    """Both files as tables holding only what a replay and a comparison need: the
    documents whose bytes differ between them and those the entries name (on
    both sides, so that unchanged ones compare equal; documents with equal bytes
    and numbers are equal).  All document numbers of a table are read only
    where a replay numbers a new document or removes one (elsewhere it reads
    the number of a document it holds).  ``None`` when the files are not in the
    canonical layout or not at the current schema version (then parse all)."""
    for mapped in (older, newer):
        if mapped.meta is None or mapped.meta.get("schema_version") != model.SCHEMA_VERSION:
            return None
    ma, mb, ra, rb = older.mm, newer.mm, older.ranges, newer.ranges
    if ma is None or mb is None or ra is None or rb is None:
        return None
    try:
        return _sparse_mapped(ma, ra, mb, rb, span, later)
    except _NotCanonical:
        return None


def _sparse_mapped(
    ma: mmap.mmap,
    tables_a: dict[str, tuple[int, int]],
    mb: mmap.mmap,
    tables_b: dict[str, tuple[int, int]],
    span: list[Entry],
    later: list[Entry],
) -> tuple[Tables, Keys, Tables, Keys] | None:
    wanted = _ids(span + later)
    states: tuple[Tables, Tables] = ({}, {})
    keys: tuple[Keys, Keys] = ({}, {})
    sides = ((ma, tables_a, span), (mb, tables_b, later))
    for table in model.TABLES:
        ra, rb = tables_a[table], tables_b[table]
        size = ra[1] - ra[0]
        if size == rb[1] - rb[0] and _common(ma, ra[0], ra[1], mb, rb[0], rb[1]) == size:
            found: tuple[list[_Doc], list[_Doc]] = ([], [])
        else:
            found = _differing(ma, ra, mb, rb)
        for side, (mm, ranges, replayed) in enumerate(sides):
            docs: dict[str, tuple[int, dict[str, Any]]] = {}
            for doc in found[side]:
                parsed = _parsed(mm, doc)
                if parsed is None:
                    return None
                docs[parsed["id"]] = (int(doc.key), parsed)
            missing = wanted.get(table, set()) - docs.keys()
            for doc_id, doc in _find_ids(mm, ranges[table], missing):
                parsed = _parsed(mm, doc)
                if parsed is None or parsed["id"] != doc_id:
                    return None
                docs[doc_id] = (int(doc.key), parsed)
            states[side][table] = docs
            numbers = any(
                e.table == table and (e.op == "delete" or e.id not in docs) for e in replayed
            )
            keys[side][table] = (
                _keys_of_table(mm, ranges[table]) if numbers else {k for k, _d in docs.values()}
            )
    return states[0], keys[0], states[1], keys[1]


def _parsed(mm: mmap.mmap, doc: _Doc) -> dict[str, Any] | None:
    """A document of the file, ``None`` unless an object with a string id."""
    parsed = orjson.loads(mm[doc.value : doc.end])
    if not isinstance(parsed, dict) or not isinstance(parsed.get("id"), str):
        return None
    return parsed


def verify(path: Path) -> Verdict:
    """Check the change log of the store at ``path`` (see the module docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()  # JSON trees hold no cycles; collections while parsing them cost seconds
    try:
        return _verify(path)
    finally:
        if was_enabled:
            gc.enable()


def _verify(path: Path) -> Verdict:
    log = sidecar(path, ".log")
    name = literal(str(log))
    verdict = Verdict(ok=True)
    if not log.exists():
        verdict.checked.append(f"{name}: no change log (the store was never edited)")
        return verdict
    entries, problem = first_bad_line(log, name)
    if problem is not None and "incomplete" not in problem:
        return Verdict(False, problem, verdict.checked)
    verdict.checked.append(f"hash chain of {len(entries)} entries")
    if problem:
        verdict.checked.append(problem + " (ignored, as a load does)")
    bak = sidecar(path, ".bak")
    if not bak.exists():
        return _checked(path, None, None, entries, verdict, has_bak=False)
    # Both checkpoints mapped once: their tables, meta and differences come from
    # one pass over each (a whole-file read of meta costs as much).
    try:
        with _Mapped(path) as newer, _Mapped(bak) as older:
            return _checked(path, newer, older, entries, verdict, has_bak=True)
    except OSError:  # read in full below, with the message that gives
        return _checked(path, None, None, entries, verdict, has_bak=True)


def _checked(
    path: Path,
    newer: _Mapped | None,
    older: _Mapped | None,
    entries: list[Entry],
    verdict: Verdict,
    *,
    has_bak: bool,
) -> Verdict:
    """The checks after the hash chain (see the module docstring), on the
    mapped checkpoints when both could be mapped."""
    bak = sidecar(path, ".bak")
    by_seq = {e.seq: e for e in entries}
    meta = (newer.meta if newer and newer.meta is not None else read_meta(path)) or {}
    cp_seq = meta.get("log_seq", 0) if isinstance(meta.get("log_seq"), int) else 0
    prev_meta: dict[str, Any] = {}
    if has_bak:
        prev_meta = (older.meta if older and older.meta is not None else read_meta(bak)) or {}
    prev_seq = prev_meta.get("log_seq", 0)
    prev_seq = prev_seq if isinstance(prev_seq, int) else 0
    replay = bool(cp_seq and has_bak and prev_seq <= cp_seq)
    span = [e for e in entries if prev_seq < e.seq <= cp_seq] if replay else []
    later = [e for e in entries if e.seq > cp_seq]
    sparse = None
    if replay and newer is not None and older is not None:
        try:
            sparse = _sparse_pair(older, newer, span, later)
        except (OSError, ValueError):
            sparse = None
    if sparse is not None:
        previous, prev_keys, current, keys = sparse
    else:
        current, meta = _state(path)
        keys = _keys_of(current)
        if replay:
            try:
                previous, _ = _state(bak)
            except StoreError as exc:
                return Verdict(False, f"previous checkpoint: {exc}", verdict.checked)
            prev_keys = _keys_of(previous)
    if cp_seq:
        folded = by_seq.get(cp_seq)
        if folded is None or folded.hash != meta.get("log_hash"):
            return Verdict(
                False,
                f"entry {cp_seq}: the checkpoint recorded another hash for it "
                "(changed after it was folded)",
                verdict.checked,
            )
        verdict.checked.append(f"the checkpoint folded entry {cp_seq} with its hash")
    if replay:
        for entry in span:
            bad = _apply(previous, entry, prev_keys)
            if bad:
                return Verdict(False, bad, verdict.checked)
        culprit = _first_difference(previous, current, span)
        if culprit:
            return Verdict(False, culprit, verdict.checked)
        verdict.checked.append(
            f"replaying entries {prev_seq + 1}-{cp_seq} over the previous checkpoint "
            "gives the current one"
        )
    elif cp_seq:
        verdict.checked.append("no previous checkpoint (.bak) to replay from")
    for entry in later:
        bad = _apply(current, entry, keys)
        if bad:
            return Verdict(False, bad, verdict.checked)
    verdict.checked.append(f"{len(later)} entries after the checkpoint apply over it")
    return verdict


def _ids(entries: list[Entry]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entry in entries:
        out.setdefault(entry.table, set()).add(entry.id)
    return out


def _first_difference(replayed: Tables, checkpoint: Tables, span: list[Entry]) -> str | None:
    """The first entry whose result the checkpoint does not hold, if any."""
    worst: tuple[int, str] | None = None
    last_touch = {(e.table, e.id): e.seq for e in span}
    for table in model.TABLES:
        a, b = replayed[table], checkpoint[table]
        if a == b:
            continue
        for doc_id in sorted(a.keys() | b.keys()):  # the same name with or without the shortcut
            if a.get(doc_id) == b.get(doc_id):
                continue
            seq = last_touch.get((table, doc_id))
            if seq is None:
                msg = (
                    f"{table}[{literal(doc_id)}] differs from the checkpoint but no entry changed "
                    "it (the file was edited outside casefiles)"
                )
                seq = 0
            else:
                msg = (
                    f"entry {seq} ({table}[{literal(doc_id)}]): replaying the log does not give "
                    "the checkpoint's document"
                )
            if worst is None or seq < worst[0]:
                worst = (seq, msg)
    return worst[1] if worst else None


# ----------------------------------------------------------------- history


def _diff(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Field-level changes: [{"field", "before", "after"}] (missing = absent)."""
    a = before or {}
    b = after or {}
    out = []
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) != b.get(key) or (key in a) != (key in b):
            item: dict[str, Any] = {"field": key}
            if key in a:
                item["before"] = a[key]
            if key in b:
                item["after"] = b[key]
            out.append(item)
    return out


def history(
    path: Path,
    doc_id: str | None = None,
    limit: int | None = None,
    *,
    replayed: Mapping[int, Mapping[str, Any] | None] | None = None,
    checkpoints: bool = True,
) -> list[dict[str, Any]]:
    """The log's entries newest first (those of one document id, any table), each
    with a field-level ``diff`` (``None`` when the version before is not known:
    neither an earlier entry nor a checkpoint file holds a document with its hash).
    ``replayed`` (``Store.replayed_before``) gives the version before of entries a
    loaded store replayed, so the store file need not be parsed again for them.
    ``checkpoints=False`` never parses the checkpoint files (the store file and
    its ``.bak``: seconds at 100k cases); versions only they hold stay unknown."""
    log = sidecar(path, ".log")
    tail = read_from(log, 0, literal(str(log)))
    was_enabled = gc.isenabled()
    gc.disable()  # see verify
    try:
        return _history(path, tail.entries, doc_id, limit, replayed or {}, checkpoints)
    finally:
        if was_enabled:
            gc.enable()


def _history(
    path: Path,
    entries: list[Entry],
    doc_id: str | None,
    limit: int | None,
    replayed: Mapping[int, Mapping[str, Any] | None],
    checkpoints: bool = True,
) -> list[dict[str, Any]]:
    latest: dict[tuple[str, str], Mapping[str, Any] | None] = {}
    bases: list[Tables] | None = None
    out: list[dict[str, Any]] = []

    def from_bases(entry: Entry) -> tuple[bool, Mapping[str, Any] | None]:
        nonlocal bases
        if entry.before is None:
            return True, None
        known = replayed.get(entry.seq)
        if known is not None and doc_hash(known) == entry.before:
            return True, known
        if bases is None:
            bases = []
            for candidate in (path, sidecar(path, ".bak")) if checkpoints else ():
                try:
                    bases.append(_state(candidate)[0])
                except StoreError:
                    continue
        for base in bases:
            found = base[entry.table].get(entry.id)
            if found is not None and doc_hash(found[1]) == entry.before:
                return True, found[1]
        return False, None

    for entry in entries:
        key = (entry.table, entry.id)
        if key in latest and doc_hash(latest[key]) == entry.before:
            known, before = True, latest[key]
        elif doc_id is None or entry.id == doc_id:
            known, before = from_bases(entry)
        else:
            known, before = False, None
        latest[key] = entry.doc
        if doc_id is not None and entry.id != doc_id:
            continue
        item = entry.to_json()
        item["diff"] = _diff(before, entry.doc) if known else None
        out.append(item)
    out.reverse()
    return out[:limit] if limit else out


__all__ = ["Verdict", "history", "verify"]
