"""``open_db(path)``: TinyDB's own API over a case file, for scripts, without
bypassing any guarantee of the store.

Reads are served from the loaded store (TinyDB's queries, ``where``, ``Query``,
``search``/``get``/``all``/``count``).  Every write (``insert``, ``update``,
``upsert``, ``remove``, ``truncate``…) is turned into the changes it makes,
which are checked like any edit and committed to the change log under the
inter-process lock, all or none; a refused write raises ``StoreError`` and
changes nothing.  Documents returned by queries are copies of the top level
only: change documents through the table's write methods, never in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from casefiles import model
from casefiles.store.core import Change, Store
from casefiles.store.errors import StoreError
from casefiles.textsafe import literal


class LoggedStorage(Storage):
    """A TinyDB storage over a ``Store``: reads from memory; whole-database writes
    (``drop_tables``) are refused: tables go through ``LoggedTable``."""

    def __init__(self, path: str | os.PathLike[str], store: Store | None = None) -> None:
        super().__init__()
        self.store = store if store is not None else Store.load(Path(path))

    def read(self) -> dict[str, Any]:
        """The store's document tree (do not mutate)."""
        return self.store.data

    def write(self, data: dict[str, Any]) -> None:
        """Refused: only document writes through a table are supported."""
        raise StoreError(
            "casefiles.open_db: dropping or replacing whole tables is not supported; "
            "remove documents with table.remove(...)"
        )


class LoggedTable(Table):
    """A TinyDB table whose writes are checked and committed to the change log."""

    reason: str | None = None

    def _get_next_id(self) -> int:
        storage = self._storage
        assert isinstance(storage, LoggedStorage)
        storage.store.refresh()
        self._next_id = None
        next_id: int = super()._get_next_id()  # type: ignore[no-untyped-call]
        return next_id

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        storage = self._storage
        assert isinstance(storage, LoggedStorage)
        store = storage.store
        if self.name not in model.TABLES:
            raise StoreError(
                f"unknown table {literal(self.name)!r}; expected one of: {', '.join(model.TABLES)}"
            )
        store.refresh()
        raw = store.data[self.name]
        snapshot: dict[str, Any] = orjson.loads(orjson.dumps(raw))  # a private, deep copy
        table: dict[int, Mapping[str, Any]] = {
            self.document_id_class(k): doc for k, doc in snapshot.items()
        }
        updater(table)
        after = {str(k): dict(doc) for k, doc in table.items()}
        changes: list[Change] = []
        deletes: list[Change] = []
        kept_ids = {doc.get("id") for doc in after.values()}
        for key, old in raw.items():
            new = after.get(key)
            if (new is None or new.get("id") != old["id"]) and old["id"] not in kept_ids:
                deletes.append(("delete", self.name, old["id"]))
        seen: set[object] = set()
        for key, new in after.items():
            doc_id = new.get("id")
            if not isinstance(doc_id, str):
                raise StoreError(f"{self.name}: every document needs a string 'id'")
            if doc_id in seen:
                raise StoreError(f"{self.name}: id {literal(doc_id)!r} given twice")
            seen.add(doc_id)
            if raw.get(key) != new:
                changes.append(("put", self.name, new))
        store.commit([*changes, *deletes], reason=self.reason)
        self._next_id = None
        self.clear_cache()


class CaseFilesDB(TinyDB):
    """TinyDB over a case file (see ``open_db``)."""

    table_class = LoggedTable

    @property
    def store(self) -> Store:
        """The ``Store`` behind this database."""
        storage = self.storage
        assert isinstance(storage, LoggedStorage)
        return storage.store


def open_db(path: str | os.PathLike[str], *, store: Store | None = None) -> CaseFilesDB:
    """A TinyDB over the case file at ``path`` whose writes go through validation,
    the inter-process lock and the change log::

        from tinydb import where
        import casefiles

        db = casefiles.open_db("data/casefiles.json")
        pending = db.table("cases").search(where("status") == "pending")
        db.table("cases").update({"status": "closed"}, where("id") == "some-case")

    A refused write raises ``casefiles.store.StoreError`` (``.problems`` lists
    why) and changes nothing.  ``store`` reuses an already loaded ``Store``.
    """
    return CaseFilesDB(path, storage=LoggedStorage, store=store)


__all__ = ["CaseFilesDB", "LoggedStorage", "LoggedTable", "open_db"]
