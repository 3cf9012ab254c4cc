"""The CSV export: one file per table, ids kept so that every relation survives,
and ``sentences_flat.csv`` for analysts.

Files (UTF-8 without a byte-order mark, a header row, comma-separated, fields
quoted when needed, CRLF line ends as RFC 4180 says):

- ``cases.csv``, ``parties.csv``, ``courts.csv``, ``proceedings.csv``,
  ``sentences.csv``, ``sources.csv``: one row per document, ``id`` first, one
  column per field of the schema (``casefiles.validate.SCHEMA``);
- ``participants.csv``, ``charges.csv``, ``events.csv`` (the lists inside a
  case: ``case``, ``index``, then the item's fields) and ``affiliations.csv``
  (``party``, ``index``, ``affiliated``, ``relation``, ``from``, ``to``);
- ``cites.csv``: one row per cite: ``table``, ``id`` and ``fact_path`` name the
  fact it belongs to (``fact_path`` is empty for the document itself, else
  ``charges[4]``: the ``index`` of the row in ``charges.csv``), then ``index``
  (position among that fact's cites), ``source``, ``quote``, ``note``;
- ``sentences_flat.csv``: one row per sentence with case, party, court, level,
  ruling date and the arithmetic of the case view in days.

Cell rules:

- lists (tags, aliases, related cases, a proceeding's parties) are joined with
  ``" | "``; a ``|`` or ``\\`` inside an item is escaped with a backslash;
- a duration is three columns ``<field>_years``, ``_months``, ``_days`` as stored;
  a fine is ``fine_amount`` and ``fine_currency``; a source's ``recaptures`` is
  JSON text;
- a text cell from the data that a spreadsheet would run as a formula (it
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets an
  apostrophe in front; numbers the export writes itself are left alone;
- months become days at 30.4375 days a month (365.25 / 12; a year is 12
  months), days are added, and the total is rounded to the nearest day,
  halves up: 5 years = 1826 days, 6 months = 183 days, 8 months = 244 days.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import orjson

from casefiles import model
from casefiles.caseview import CaseView, SentenceView, source_ids
from casefiles.export.select import Doc, Selection
from casefiles.model import Duration
from casefiles.store import Store
from casefiles.validate import SCHEMA, F

LIST_SEPARATOR: Final = " | "
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
DAYS_PER_MONTH: Final = 365.25 / 12

Cell = str | int | float
Getter = Callable[[Mapping[str, Any]], object]

#: The lists of objects inside a document that get a table of their own:
#: (table, field) -> (file stem, parent column, renamed item fields).
CHILD_TABLES: Final[dict[tuple[str, str], tuple[str, str, dict[str, str]]]] = {
    (model.CASES, "participants"): ("participants", "case", {}),
    (model.CASES, "charges"): ("charges", "case", {}),
    (model.CASES, "events"): ("events", "case", {}),
    (model.PARTIES, "affiliations"): ("affiliations", "party", {"party": "affiliated"}),
}
#: Lists of objects written as JSON text in one column.
JSON_COLUMNS: Final = frozenset({(model.SOURCES, "recaptures")})

FLAT_COLUMNS: Final = (
    "sentence",
    "case",
    "case_title",
    "party",
    "party_name",
    "proceeding",
    "court",
    "court_name",
    "level",
    "ruling_date",
    "outcome",
    "kind",
    "status",
    "term_days",
    "suspended_days",
    "custodial_days",
    "pretrial_days",
    "pretrial_from_events",
    "served_days",
    "remaining_days",
    "ended",
    "ended_date",
    "amount",
    "amount_kind",
    "currency",
    "conflict",
    "sources",
)
CITE_COLUMNS: Final = ("table", "id", "fact_path", "index", "source", "quote", "note")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula: an apostrophe in
    front when it starts with ``= + - @``, a tab or a carriage return."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def join_list(items: Iterable[object]) -> str:
    """List items joined with ``" | "``, ``|`` and ``\\`` in an item escaped."""
    return LIST_SEPARATOR.join(
        str(i).replace("\\", "\\\\").replace("|", "\\|") for i in items if i is not None
    )


def cell(value: object) -> Cell:
    """One CSV cell from a data value: numbers as numbers, ``true``/``false``,
    empty for ``None``, any text neutralised."""
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def days(duration: Duration) -> int:
    """A duration in days: 30.4375 days a month, rounded to the nearest day
    (halves up)."""
    return math.floor(duration.months * DAYS_PER_MONTH + duration.days + 0.5)


# ------------------------------------------------------------- columns


def _columns(
    table: str, spec: Mapping[str, F], renamed: Mapping[str, str] | None = None
) -> list[tuple[str, Getter]]:
    """(header, getter) for every field of ``spec`` that is a column."""
    out: list[tuple[str, Getter]] = []
    names = renamed or {}

    def raw(name: str) -> Getter:
        return lambda d: d.get(name)

    def listed(name: str) -> Getter:
        def get(d: Mapping[str, Any]) -> object:
            value = d.get(name)
            return join_list(value) if isinstance(value, list) and value else None

        return get

    def part(name: str, key: str) -> Getter:
        def get(d: Mapping[str, Any]) -> object:
            value = d.get(name)
            return value.get(key) if isinstance(value, Mapping) else None

        return get

    def as_json(name: str) -> Getter:
        def get(d: Mapping[str, Any]) -> object:
            value = d.get(name)
            return orjson.dumps(value).decode() if value else None

        return get

    for name, f in spec.items():
        header = names.get(name, name)
        if f.kind == "objects":
            if (table, name) in JSON_COLUMNS:
                out.append((header, as_json(name)))
        elif f.kind == "duration":
            out.extend(
                (f"{header}_{unit}", part(name, unit)) for unit in ("years", "months", "days")
            )
        elif f.kind == "fine":
            out.extend((f"{header}_{key}", part(name, key)) for key in ("amount", "currency"))
        elif f.kind in ("refs", "lines"):
            out.append((header, listed(name)))
        else:
            out.append((header, raw(name)))
    return out


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    n = 0
    with path.open("x", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _doc_rows(docs: Iterable[Doc], columns: Sequence[tuple[str, Getter]]) -> Iterator[list[Cell]]:
    getters = [g for _, g in columns]
    for doc in docs:
        yield [cell(g(doc)) for g in getters]


def _child_rows(
    docs: Iterable[Doc], field: str, columns: Sequence[tuple[str, Getter]]
) -> Iterator[list[Cell]]:
    getters = [g for _, g in columns]
    for doc in docs:
        for i, item in enumerate(doc.get(field) or ()):
            if isinstance(item, Mapping):
                yield [cell(doc["id"]), i, *(cell(g(item)) for g in getters)]


def _cite_rows(table: str, docs: Iterable[Doc]) -> Iterator[list[Cell]]:
    spec = SCHEMA[table]
    nested = [
        name
        for name, f in spec.items()
        if f.kind == "objects" and f.item is not None and "cites" in f.item
    ]
    for doc in docs:
        doc_id = cell(doc["id"])
        facts: list[tuple[str, Mapping[str, Any]]] = [("", doc)]
        for name in nested:
            for i, item in enumerate(doc.get(name) or ()):
                if isinstance(item, Mapping):
                    facts.append((f"{name}[{i}]", item))
        for path, fact in facts:
            for j, c in enumerate(fact.get("cites") or ()):
                if isinstance(c, Mapping):
                    yield [
                        table,
                        doc_id,
                        path,
                        j,
                        cell(c.get("source")),
                        cell(c.get("quote")),
                        cell(c.get("note")),
                    ]


# ------------------------------------------------------------ flat sentences


def _flat_row(store: Store, view: CaseView, s: SentenceView) -> list[Cell]:
    proc = store.get(model.PROCEEDINGS, s.proceeding) if s.proceeding else None
    ended = s.ended
    served = s.served
    values: list[object] = [
        s.id,
        view.id,
        view.title,
        s.party_id,
        s.party_name,
        s.proceeding,
        proc.get("court") if proc else None,
        s.court_name or None,
        s.level,
        s.ruling_date,
        s.outcome,
        s.penalty,
        s.status,
        days(s.term),
        days(s.suspended),
        days(s.custodial),
        days(s.pretrial),
        s.pretrial_derived,
        days(served) if served is not None else None,
        days(s.remaining),
        ended[0] if ended else None,
        ended[1] if ended else None,
        s.amount,
        s.amount_label if s.amount is not None else None,
        s.currency,
        s.conflict,
        join_list(source_ids(s.cites)) or None,
    ]
    return [cell(v) for v in values]


def _flat_rows(store: Store, case_ids: Iterable[str], today: date) -> Iterator[list[Cell]]:
    for case_id in case_ids:
        if not store.sentences_of(case_id):
            continue
        view = CaseView.of(store, case_id, today=today)
        for s in view.sentences:
            yield _flat_row(store, view, s)


# ------------------------------------------------------------------ writer


def write_csv(
    store: Store, selection: Selection, folder: Path, today: date | None = None
) -> dict[str, int]:
    """Write every CSV file into ``folder`` (which exists and is empty); return
    the rows written per file."""
    counts: dict[str, int] = {}
    for table in model.TABLES:
        docs = list(selection.docs.get(table, {}).values())
        spec = SCHEMA[table]
        columns = _columns(table, spec)
        counts[f"{table}.csv"] = _write(
            folder / f"{table}.csv", [h for h, _ in columns], _doc_rows(docs, columns)
        )
        for (parent, field), (stem, parent_col, renamed) in CHILD_TABLES.items():
            if parent != table:
                continue
            item = spec[field].item or {}
            child = _columns(table, item, renamed)
            header = [parent_col, "index", *(h for h, _ in child)]
            counts[f"{stem}.csv"] = _write(
                folder / f"{stem}.csv", header, _child_rows(docs, field, child)
            )
    counts["cites.csv"] = _write(
        folder / "cites.csv",
        CITE_COLUMNS,
        (
            row
            for table in model.TABLES
            for row in _cite_rows(table, selection.docs.get(table, {}).values())
        ),
    )
    counts["sentences_flat.csv"] = _write(
        folder / "sentences_flat.csv",
        FLAT_COLUMNS,
        _flat_rows(store, selection.cases, today or date.today()),
    )
    return counts


__all__ = [
    "CITE_COLUMNS",
    "DAYS_PER_MONTH",
    "FLAT_COLUMNS",
    "FORMULA_STARTS",
    "LIST_SEPARATOR",
    "cell",
    "days",
    "join_list",
    "neutralise",
    "write_csv",
]
