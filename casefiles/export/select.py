"""Which documents an export holds: the whole store, or chosen cases with
everything they refer to.

A chosen case brings its proceedings and sentences (which refer to it), then
every document reachable through references, followed transitively: parties
(participants, charges, events, affiliations), courts (and the courts they
appeal to) and sources (every cite).  Related cases are not pulled in (they
would pull in theirs, and soon half the store): a chosen case's ``related``
list keeps only the cases chosen with it.  The result validates as a store on
its own, and every document in it is the stored one, under the same TinyDB
document number, except for that trimmed ``related`` list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casefiles import model
from casefiles.store import Store
from casefiles.validate import references

Doc = dict[str, Any]

#: Meta fields that describe the store's change log; an export has no log, so
#: they are left out (a store with them would look for the log beside it).
LOG_FIELDS = frozenset({"log_seq", "log_hash", "log_offset"})


class UnknownCases(LookupError):
    """Some of the chosen case ids name no case in the store."""

    def __init__(self, ids: Sequence[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = tuple(ids)


@dataclass(frozen=True, slots=True)
class Selection:
    """The documents of one export.

    ``cases`` are the cases asked for, in order (all cases for a whole-store
    export): Markdown writes one dossier per case and the flat sentence table
    covers their sentences.  ``docs`` holds, per table, TinyDB document number
    -> document, in number order: what the JSON and the CSV tables hold.
    """

    cases: tuple[str, ...]
    docs: dict[str, dict[str, Doc]]
    whole: bool

    def count(self, table: str) -> int:
        """How many documents of ``table`` the export holds."""
        return len(self.docs.get(table, {}))


def _in_key_order(docs: dict[str, Doc]) -> dict[str, Doc]:
    return {k: docs[k] for k in sorted(docs, key=int)}


def select(store: Store, case_ids: Sequence[str] | None = None) -> Selection:
    """The whole store (no ids), or the cases ``case_ids`` and everything they
    refer to; ``UnknownCases`` when an id names no case."""
    if not case_ids:
        docs = {t: _in_key_order(store.data.get(t, {})) for t in model.TABLES}
        return Selection(tuple(store.table(model.CASES)), docs, whole=True)
    chosen = tuple(dict.fromkeys(case_ids))
    missing = [c for c in chosen if store.get(model.CASES, c) is None]
    if missing:
        raise UnknownCases(missing)
    wanted: dict[str, set[str]] = {t: set() for t in model.TABLES}
    queue: list[tuple[str, str]] = []

    def add(table: str, doc_id: str) -> None:
        if doc_id not in wanted[table] and store.get(table, doc_id) is not None:
            wanted[table].add(doc_id)
            queue.append((table, doc_id))

    for case_id in chosen:
        add(model.CASES, case_id)
        for proc in store.proceedings_of(case_id):
            add(model.PROCEEDINGS, str(proc["id"]))
        for sent in store.sentences_of(case_id):
            add(model.SENTENCES, str(sent["id"]))
    while queue:
        table, doc_id = queue.pop()
        doc = store.get(table, doc_id)
        assert doc is not None
        for path, target, ref in references(table, doc):
            if not (table == model.CASES and path.startswith("related")):
                add(target, ref)
    docs = {
        t: _in_key_order(
            {k: d for k, d in store.data.get(t, {}).items() if d.get("id") in wanted[t]}
        )
        for t in model.TABLES
    }
    cases = docs[model.CASES]
    for key, case in cases.items():
        related = case.get("related")
        if related and any(r not in wanted[model.CASES] for r in related):
            trimmed = {k: v for k, v in case.items() if k != "related"}
            kept = [r for r in related if r in wanted[model.CASES]]
            if kept:
                trimmed["related"] = kept
            cases[key] = trimmed
    return Selection(chosen, docs, whole=False)


def meta_of(store: Store) -> dict[str, Doc]:
    """The store's meta table without the change-log fields."""
    meta = store.data.get(model.META) or {"1": {"schema_version": model.SCHEMA_VERSION}}
    return {k: {f: v for f, v in doc.items() if f not in LOG_FIELDS} for k, doc in meta.items()}


__all__ = ["LOG_FIELDS", "Selection", "UnknownCases", "meta_of", "select"]
