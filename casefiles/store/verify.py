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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefiles import migrations, model
from casefiles.store.changelog import Entry, doc_hash, first_bad_line, read_from
from casefiles.store.errors import StoreError
from casefiles.store.files import read_file, sidecar
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


def _apply(tables: Tables, entry: Entry) -> str | None:
    """Apply one entry; a message when its ``before`` hash does not match."""
    docs = tables[entry.table]
    current = docs.get(entry.id)
    if doc_hash(current[1] if current else None) != entry.before:
        return (
            f"entry {entry.seq} ({entry.op} {entry.table}[{literal(entry.id)}]): the document "
            "it replaces is not the one it names (hash differs)"
        )
    if entry.op == "delete":
        docs.pop(entry.id, None)
    else:
        assert entry.doc is not None
        if current is not None:
            key = current[0]
        else:
            key = max((k for k, _ in docs.values()), default=0) + 1
        docs[entry.id] = (key, entry.doc)
    return None


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
    current, meta = _state(path)
    cp_seq = meta.get("log_seq", 0) if isinstance(meta.get("log_seq"), int) else 0
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
    bak = sidecar(path, ".bak")
    if cp_seq and bak.exists():
        try:
            previous, prev_meta = _state(bak)
        except StoreError as exc:
            return Verdict(False, f"previous checkpoint: {exc}", verdict.checked)
        prev_seq = prev_meta.get("log_seq", 0)
        prev_seq = prev_seq if isinstance(prev_seq, int) else 0
        if prev_seq <= cp_seq:
            span = [e for e in entries if prev_seq < e.seq <= cp_seq]
            for entry in span:
                bad = _apply(previous, entry)
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
    for entry in entries:
        if entry.seq > cp_seq:
            bad = _apply(current, entry)
            if bad:
                return Verdict(False, bad, verdict.checked)
    after = sum(1 for e in entries if e.seq > cp_seq)
    verdict.checked.append(f"{after} entries after the checkpoint apply over it")
    return verdict


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
) -> list[dict[str, Any]]:
    """The log's entries newest first (those of one document id, any table), each
    with a field-level ``diff`` (``None`` when the version before is not known:
    neither an earlier entry nor a checkpoint file holds a document with its hash).
    ``replayed`` (``Store.replayed_before``) gives the version before of entries a
    loaded store replayed, so the store file need not be parsed again for them."""
    log = sidecar(path, ".log")
    tail = read_from(log, 0, literal(str(log)))
    was_enabled = gc.isenabled()
    gc.disable()  # see verify
    try:
        return _history(path, tail.entries, doc_id, limit, replayed or {})
    finally:
        if was_enabled:
            gc.enable()


def _history(
    path: Path,
    entries: list[Entry],
    doc_id: str | None,
    limit: int | None,
    replayed: Mapping[int, Mapping[str, Any] | None],
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
            for candidate in (path, sidecar(path, ".bak")):
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
