"""Exports of the store for people and scripts: CSV tables, a JSON store,
Markdown dossiers.

``export(store, fmt, out, case_ids, force=…)`` writes one of:

- ``csv`` (a folder): one file per table plus the lists inside documents and
  every cite, ids kept so every relation survives, and ``sentences_flat.csv``
  (``casefiles.export.tables_csv``);
- ``json`` (a file): the documents and ids of the store in its own TinyDB
  layout, which validates as a store (``casefiles.export.json_export``);
- ``md`` (a folder): one pandoc-ready dossier per case, ``<case id>.md``, with
  numbered footnotes citing every fact (``casefiles.export.markdown``).

With case ids, the export holds those cases and everything they refer to
(``casefiles.export.select``).  Exporting only reads the store; it writes
atomically and never overwrites without ``force`` (``casefiles.export.output``).
No textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from casefiles import model
from casefiles.caseview import CaseView
from casefiles.export.json_export import write_json
from casefiles.export.markdown import case_markdown
from casefiles.export.output import ExportError, check_target, write_atomically
from casefiles.export.select import Selection, UnknownCases, select
from casefiles.export.tables_csv import write_csv
from casefiles.store import Store
from casefiles.textsafe import clip, literal

FORMATS: Final = ("csv", "json", "md")


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the path, the format, documents per table and, for
    a folder, the files with their row (csv) or footnote (md) counts."""

    path: Path
    format: str
    documents: dict[str, int]
    files: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the user."""
        docs = ", ".join(f"{n} {t}" for t, n in self.documents.items())
        where = literal(str(self.path))
        if self.format == "json":
            return f"wrote {where} (JSON store: {docs})"
        if self.format == "csv":
            return f"wrote {where}/ ({len(self.files)} CSV files: {docs})"
        n = len(self.files)
        return f"wrote {where}/ ({n} Markdown dossier{'' if n == 1 else 's'})"


def _write_md(store: Store, selection: Selection, folder: Path, today: date) -> dict[str, int]:
    files: dict[str, int] = {}
    for case_id in selection.cases:
        view = CaseView.of(store, case_id, today=today)
        text = case_markdown(view)
        name = f"{case_id}.md"
        with (folder / name).open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        files[name] = text.count("\n[^")
    return files


def export(
    store: Store,
    fmt: str,
    out: Path,
    case_ids: Sequence[str] | None = None,
    *,
    force: bool = False,
    today: date | None = None,
) -> ExportResult:
    """Write an export of ``store`` (the whole store, or the cases ``case_ids``
    with everything they refer to) to ``out``; ``ExportError`` with a one-line
    message when it cannot be written, and then nothing is written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {literal(clip(fmt, 20))!r}; one of {', '.join(FORMATS)}")
    try:
        selection = select(store, case_ids)
    except UnknownCases as exc:
        ids = ", ".join(repr(literal(clip(i, 60))) for i in exc.ids[:5])
        more = f" and {len(exc.ids) - 5} more" if len(exc.ids) > 5 else ""
        raise ExportError(
            f"no case with id {ids}{more} in {store.name} (try 'casefiles search'); nothing written"
        ) from None
    check_target(store, out, force=force)
    day = today or date.today()
    files: dict[str, int] = {}

    def build(path: Path) -> None:
        if fmt == "json":
            write_json(store, selection, path)
        elif fmt == "csv":
            files.update(write_csv(store, selection, path, day))
        else:
            files.update(_write_md(store, selection, path, day))

    write_atomically(out, build, folder=fmt != "json")
    documents = {t: selection.count(t) for t in model.TABLES}
    return ExportResult(out, fmt, documents, files)


__all__ = ["FORMATS", "ExportError", "ExportResult", "Selection", "export", "select"]
