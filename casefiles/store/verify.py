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

import bisect
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


def _doc_ranges(mm: mmap.mmap, span: tuple[int, int]) -> dict[int, tuple[int, int]] | None:
    """Document number -> byte range of each document of a table, in a canonical file
    (documents start at four spaces of indent; nothing deeper does)."""
    starts = [(int(m.group(1)), m.start(), m.end()) for m in _DOC_RE.finditer(mm, *span)]
    out: dict[int, tuple[int, int]] = {}
    for i, (key, _at, value) in enumerate(starts):
        end = starts[i + 1][1] - 1 if i + 1 < len(starts) else span[1] - 4
        if mm[value] != ord("{") or mm[end - 1] != ord("}"):
            return None
        out[key] = (value, end)
    return out


def _ids_at(
    mm: mmap.mmap, span: tuple[int, int], ranges: dict[int, tuple[int, int]], ids: set[str]
) -> set[int]:
    """The numbers of the documents with these ids."""
    if not ids:
        return set()
    starts = sorted((start, key) for key, (start, _end) in ranges.items())
    positions = [s for s, _k in starts]
    found: set[int] = set()
    for match in _ID_RE.finditer(mm, span[0], span[1]):
        if orjson.loads(match.group(1)) in ids:
            i = bisect.bisect_right(positions, match.start()) - 1
            if i >= 0:
                found.add(starts[i][1])
    return found


def _sparse_pair(
    older: Path, newer: Path, older_ids: dict[str, set[str]], newer_ids: dict[str, set[str]]
) -> tuple[Tables, Keys, Tables, Keys] | None:
    """Both files as tables holding only what a replay and a comparison need: the
    documents whose bytes differ between them and those with the given ids
    (documents with equal bytes are equal).  ``None`` when the files are not in
    the canonical layout or not at the current schema version (then parse all)."""
    for path in (older, newer):
        meta = read_meta(path) or {}
        if meta.get("schema_version") != model.SCHEMA_VERSION:
            return None
    with older.open("rb") as fa, newer.open("rb") as fb:
        if os.fstat(fa.fileno()).st_size == 0 or os.fstat(fb.fileno()).st_size == 0:
            return None
        with (
            mmap.mmap(fa.fileno(), 0, access=mmap.ACCESS_READ) as ma,
            mmap.mmap(fb.fileno(), 0, access=mmap.ACCESS_READ) as mb,
        ):
            states: tuple[Tables, Tables] = ({}, {})
            keys: tuple[Keys, Keys] = ({}, {})
            tables_a, tables_b = _table_ranges(ma), _table_ranges(mb)
            if tables_a is None or tables_b is None:
                return None
            for table in model.TABLES:
                ra, rb = tables_a[table], tables_b[table]
                want_a, want_b = older_ids.get(table, set()), newer_ids.get(table, set())
                da, db = _doc_ranges(ma, ra), _doc_ranges(mb, rb)
                if da is None or db is None:
                    return None
                keys[0][table], keys[1][table] = set(da), set(db)
                if not want_a and not want_b and ma[ra[0] : ra[1]] == mb[rb[0] : rb[1]]:
                    states[0][table], states[1][table] = {}, {}
                    continue
                differ = {
                    k
                    for k in da.keys() | db.keys()
                    if k not in da or k not in db or ma[slice(*da[k])] != mb[slice(*db[k])]
                }
                for side, (mm, span, ranges, want) in enumerate(
                    ((ma, ra, da, want_a), (mb, rb, db, want_b))
                ):
                    chosen = (differ & ranges.keys()) | _ids_at(mm, span, ranges, want)
                    docs: dict[str, tuple[int, dict[str, Any]]] = {}
                    for k in chosen:
                        doc = orjson.loads(mm[slice(*ranges[k])])
                        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                            return None
                        docs[doc["id"]] = (k, doc)
                    states[side][table] = docs
            return states[0], keys[0], states[1], keys[1]


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
    by_seq = {e.seq: e for e in entries}
    meta = read_meta(path) or {}
    cp_seq = meta.get("log_seq", 0) if isinstance(meta.get("log_seq"), int) else 0
    bak = sidecar(path, ".bak")
    prev_meta = (read_meta(bak) or {}) if bak.exists() else {}
    prev_seq = prev_meta.get("log_seq", 0)
    prev_seq = prev_seq if isinstance(prev_seq, int) else 0
    replay = bool(cp_seq and bak.exists() and prev_seq <= cp_seq)
    span = [e for e in entries if prev_seq < e.seq <= cp_seq] if replay else []
    later = [e for e in entries if e.seq > cp_seq]
    sparse = None
    if replay:
        try:
            wanted = _ids(span + later)  # on both sides, so that unchanged ones compare equal
            sparse = _sparse_pair(bak, path, wanted, wanted)
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
        for doc_id in a.keys() | b.keys():
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
