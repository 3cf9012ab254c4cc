"""The JSON export: the selected documents in the store's own layout (TinyDB
JSON, one object per table keyed by document number, UTF-8, indented, keys
sorted), so that scripts read it as they read the store, and
``casefiles --store EXPORT validate`` accepts it.

The meta table is the store's without the change-log fields: an export is a
fresh file with no history beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casefiles import model
from casefiles.export.select import Selection, meta_of
from casefiles.store import Store, dumps


def export_data(store: Store, selection: Selection) -> dict[str, Any]:
    """The exported document tree."""
    data: dict[str, Any] = {model.META: meta_of(store)}
    for table in model.TABLES:
        data[table] = selection.docs.get(table, {})
    return data


def write_json(store: Store, selection: Selection, path: Path) -> None:
    """Write the export to ``path`` (a new file)."""
    with path.open("xb") as fh:
        fh.write(dumps(export_data(store, selection)))


__all__ = ["export_data", "write_json"]
