"""The store's indexes: which proceedings and sentences belong to each case, which
cases each party is in, the proceedings at each court, the sources each case
cites.  Built at load from the fields the offsets table keeps (no document is
parsed), or from the documents; kept up to date by ``reindex`` on every change.
The party and court indexes are built on first use (at 100k cases the first
runs over 900k participants, seconds that a start does not need).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from casefiles import model
from casefiles.model import Doc
from casefiles.store.lazy import DocTable
from casefiles.store.offsets import COLUMNS, COURTS_OF_PROCEEDINGS, Fields, field_of


class Indexes:
    """Lookups derived from the documents of a store's tables."""

    def __init__(
        self, tables: Mapping[str, DocTable], fields: Mapping[str, Fields] | None = None
    ) -> None:
        """Build the indexes, from the documents or, for a store loaded from its
        offsets table, from the fields saved with it (aligned with each table's
        ids in number order), so that no document is parsed."""
        self.tables = tables
        if fields is None:
            fields = {
                column: [field_of(column, doc) for doc in self.tables[table].values()]
                for column, table in COLUMNS
            }
        self.load_fields = fields
        """Per column of ``offsets.COLUMNS``, the fields of the documents as
        loaded, by row."""
        self.parties_of_case: dict[str, tuple[str, ...]] = dict(
            zip(self.tables[model.CASES], fields[model.CASES], strict=True)
        )
        # Which cases each party is in, and the proceedings at each court, are
        # built on first use (at 100k cases the first runs over 900k participants,
        # seconds that a start does not need).
        self._cases_by_party_built: dict[str, dict[str, None]] | None = None
        self.procs_by_case = self.group_by(model.PROCEEDINGS, fields[model.PROCEEDINGS])
        self._procs_by_court_built: dict[str, tuple[str, ...]] | None = None
        self._courts_at_load: tuple[list[str], list[Any]] | None = (
            list(self.tables[model.PROCEEDINGS]),
            fields[COURTS_OF_PROCEEDINGS],
        )
        self.sents_by_case = self.group_by(model.SENTENCES, fields[model.SENTENCES])
        self.sources_by_case: dict[str, tuple[str, ...]] = {}

    @property
    def cases_by_party(self) -> dict[str, dict[str, None]]:
        """party id → the cases it takes part in, in document order."""
        if self._cases_by_party_built is None:
            # Tight loop: at 100k cases it runs over 900k participants.
            cases_by_party: dict[str, dict[str, None]] = {}
            parties_of_case = self.parties_of_case
            for case_id in self.tables[model.CASES]:
                for party in parties_of_case.get(case_id, ()):
                    found = cases_by_party.get(party)
                    if found is None:
                        cases_by_party[party] = {case_id: None}
                    else:
                        found[case_id] = None
            self._cases_by_party_built = cases_by_party
        return self._cases_by_party_built

    def group_by(
        self, table: str, keys: list[Any], ids: Iterable[str] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """key → the ids having it, in document order (``keys`` aligned with the
        table's ids, or with ``ids``).  Groups are tuples: at 100k cases a dict
        per case would cost 20 MB more for each of these indexes."""
        groups: dict[str, list[str]] = {}
        for doc_id, key in zip(self.tables[table] if ids is None else ids, keys, strict=True):
            if key is None:
                continue
            found = groups.get(key)
            if found is None:
                groups[key] = [doc_id]
            else:
                found.append(doc_id)
        return {key: tuple(found) for key, found in groups.items()}

    def fields_later(self) -> Callable[[], dict[str, Fields]]:
        """The saved-table fields of every document (in number order), as a
        function to run off this thread: the fields read at load for documents
        unchanged since, the changed ones' taken now."""
        parts = []
        rows_of: dict[str, list[tuple[str, int]]] = {}
        for column, table in COLUMNS:
            docs = self.tables[table]
            changed = {i: field_of(column, docs[i]) for i in docs._changed}
            rows = rows_of.setdefault(table, list(docs._row.items()))
            parts.append((column, rows, changed, self.load_fields[column]))

        def fields() -> dict[str, Fields]:
            return {
                column: [changed[i] if i in changed else base[row] for i, row in rows]
                for column, rows, changed, base in parts
            }

        return fields

    def procs_by_court(self) -> dict[str, tuple[str, ...]]:
        """court id → its proceedings, in document order (built on first use from
        the courts as loaded: ``_set`` builds it before any proceeding changes)."""
        if self._procs_by_court_built is None:
            assert self._courts_at_load is not None
            ids, courts = self._courts_at_load
            self._procs_by_court_built = self.group_by(model.PROCEEDINGS, courts, ids)
            self._courts_at_load = None
        return self._procs_by_court_built

    def reindex(self, table: str, doc_id: str, old: Doc | None, new: Doc | None) -> None:
        """Follow one change: ``table[doc_id]`` went from ``old`` to ``new``."""
        touched: set[str] = set()
        if table == model.CASES:
            self.index_case_parties(doc_id)
            touched.add(doc_id)
        elif table in (model.PROCEEDINGS, model.SENTENCES):
            index = self.procs_by_case if table == model.PROCEEDINGS else self.sents_by_case
            old_case = old.get("case") if old else None
            new_case = new.get("case") if new else None
            self.regroup(table, index, doc_id, old_case, new_case)
            touched.update(c for c in (old_case, new_case) if c)
            if table == model.PROCEEDINGS:
                self.regroup(
                    table,
                    self.procs_by_court(),
                    doc_id,
                    old.get("court") if old else None,
                    new.get("court") if new else None,
                )
        elif table == model.SOURCES:
            self.sources_by_case.clear()
        for case in touched:
            self.sources_by_case.pop(case, None)

    def regroup(
        self,
        table: str,
        index: dict[str, tuple[str, ...]],
        doc_id: str,
        old_key: str | None,
        new_key: str | None,
    ) -> None:
        """Move ``doc_id`` between groups, keeping each group in document order."""
        if old_key == new_key and doc_id in self.tables[table]:
            return
        if old_key is not None:
            group = index.get(old_key)
            if group is not None and doc_id in group:
                rest = tuple(g for g in group if g != doc_id)
                if rest:
                    index[old_key] = rest
                else:
                    del index[old_key]
        if new_key is not None and doc_id in self.tables[table]:
            group = index.get(new_key, ())
            if doc_id not in group:
                group = (*group, doc_id)
            ids = self.tables[table].keys_map
            if len(group) > 1 and ids[group[-1]] != max(ids[g] for g in group):
                group = tuple(sorted(group, key=ids.__getitem__))
            index[new_key] = group

    def index_case_parties(self, case_id: str) -> None:
        """Follow a change of the case's participants."""
        before = self.parties_of_case.pop(case_id, ())
        case = self.tables[model.CASES].get(case_id)
        parties: tuple[str, ...] = ()
        if case is not None:
            parties = tuple(dict.fromkeys(p["party"] for p in case.get("participants", ())))
            self.parties_of_case[case_id] = parties
        if self._cases_by_party_built is None:
            return  # built from ``parties_of_case`` on first use
        for party in set(before) - set(parties):
            cases = self.cases_by_party.get(party)
            if cases is not None:
                cases.pop(case_id, None)
                if not cases:
                    del self.cases_by_party[party]
        ids = self.tables[model.CASES].keys_map
        for party in parties:
            cases = self.cases_by_party.setdefault(party, {})
            if case_id not in cases:
                cases[case_id] = None
                if len(cases) > 1:
                    self.cases_by_party[party] = dict.fromkeys(sorted(cases, key=ids.__getitem__))


__all__ = ["Indexes"]
