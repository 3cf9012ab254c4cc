"""Schema and reference checks for a whole case file.

``validate(data, file)`` walks every table and document of a parsed store and
returns *all* problems, each naming the file, table, document id, field and
what was expected.  It never raises on any input: the data may be hostile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Final

from casefiles import model
from casefiles.links import url_problem
from casefiles.textsafe import (
    clip,
    literal,
    refused_in_line,
    refused_in_text,
    search_refused_in_line,
)

MAX_LINE: Final = 2_000
"""Longest single-line value (names, titles, labels) in characters."""
MAX_TEXT: Final = 100_000
"""Longest multi-line value (summaries, notes, quotes) in characters."""

# Anchored with \Z, not $ (which also matches before a final newline); ASCII only.
_SLUG_RE: Final = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*\Z", re.ASCII)
_DOC_ID_RE: Final = re.compile(r"^[1-9][0-9]{0,17}\Z", re.ASCII)
_CURRENCY_RE: Final = re.compile(r"^[A-Z]{3}\Z", re.ASCII)
_SHA256_RE: Final = re.compile(r"^[0-9a-f]{64}\Z", re.ASCII)
_TIMESTAMP_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z", re.ASCII)
MAX_AMOUNT: Final = 10**15
"""Largest fine or compensation amount (any larger is a typo, and beyond exact floats)."""
MAX_INT: Final = 2**53
"""Largest whole number a field may hold (exact in JSON readers that use doubles)."""


_SINGULAR: Final = {
    model.PARTIES: "party",
    model.CASES: "case",
    model.COURTS: "court",
    model.SOURCES: "source",
    model.PROCEEDINGS: "proceeding",
    model.SENTENCES: "sentence",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a store, located as precisely as possible."""

    file: str
    table: str | None
    doc_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.table:
            where += f": {self.table}"
            if self.doc_id is not None:
                where += f"[{literal(clip(self.doc_id, 60))}]"
            if self.field:
                where += f".{self.field}"
        return f"{where}: {self.message}"


# ------------------------------------------------------------------ schema


@dataclass(frozen=True, slots=True)
class F:
    """How one field is checked.

    ``kind`` is one of: id, line, text, date, bool, int, number, ref, vocab,
    lines (list of line), refs (list of ref), duration, fine, objects (list of
    objects checked by ``item``), path, url, sha256 (64 lower-case hex digits),
    timestamp (UTC, ``2026-11-30T17:42:39Z``).
    """

    kind: str
    required: bool = False
    ref: str | None = None
    vocab: tuple[str, ...] = ()
    item: Mapping[str, F] | None = None
    unique_in_case: bool = False


CITE: Final[Mapping[str, F]] = {
    "source": F("ref", required=True, ref=model.SOURCES),
    "quote": F("text"),
    "note": F("text"),
}
CITES: Final = F("objects", item=CITE)

CAPTURE: Final[Mapping[str, F]] = {
    "warc": F("path"),
    "sha256": F("sha256"),
    "captured": F("timestamp"),
    "final_url": F("url"),
    "http_status": F("int"),
    "content_type": F("line"),
    "tool": F("line"),
}
"""The chain-of-custody fields of one capture of a source (see casefiles.sources)."""

SCHEMA: Final[dict[str, Mapping[str, F]]] = {
    model.SOURCES: {
        "id": F("id", required=True),
        "title": F("line", required=True),
        "publisher": F("line"),
        "url": F("url"),
        "published": F("date"),
        "kind": F("vocab", vocab=model.SOURCE_KINDS),
        "language": F("line"),
        "file": F("path"),
        "note": F("text"),
        # Chain of custody of a capture (casefiles.sources): the first capture here,
        # later ones in ``recaptures``.
        "author": F("line"),
        **CAPTURE,
        "recaptures": F("objects", item={**CAPTURE, "file": F("path")}),
    },
    model.PARTIES: {
        "id": F("id", required=True),
        "kind": F("vocab", required=True, vocab=model.PARTY_KINDS),
        "name": F("line", required=True),
        "aliases": F("lines"),
        "description": F("text"),
        "affiliations": F(
            "objects",
            item={
                "party": F("ref", required=True, ref=model.PARTIES),
                "relation": F("line"),
                "from": F("date"),
                "to": F("date"),
                "cites": CITES,
            },
        ),
        "tags": F("lines"),
        "cites": CITES,
    },
    model.COURTS: {
        "id": F("id", required=True),
        "name": F("line", required=True),
        "level": F("vocab", required=True, vocab=model.COURT_LEVELS),
        "country": F("line"),
        "appeals_to": F("ref", ref=model.COURTS),
        "aliases": F("lines"),
    },
    model.CASES: {
        "id": F("id", required=True),
        "title": F("line", required=True),
        "status": F("vocab", required=True, vocab=model.CASE_STATUSES),
        "country": F("line"),
        "summary": F("text"),
        "tags": F("lines"),
        "participants": F(
            "objects",
            item={
                "party": F("ref", required=True, ref=model.PARTIES),
                "role": F("vocab", required=True, vocab=model.ROLES),
                "role_raw": F("line"),
                "cites": CITES,
                "conflict": F("line"),
            },
        ),
        "charges": F(
            "objects",
            item={
                "party": F("ref", required=True, ref=model.PARTIES),
                "label": F("line", required=True),
                "law": F("line"),
                "article": F("line"),
                "status": F("vocab", vocab=model.CHARGE_STATUSES),
                "cites": CITES,
                "conflict": F("line"),
            },
        ),
        "events": F(
            "objects",
            item={
                "date": F("date", required=True),
                "label": F("line", required=True),
                "kind": F("vocab", vocab=model.EVENT_KINDS),
                "party": F("ref", ref=model.PARTIES),
                "cites": CITES,
                "conflict": F("line"),
            },
        ),
        "related": F("refs", ref=model.CASES),
        "cites": CITES,
    },
    model.PROCEEDINGS: {
        "id": F("id", required=True),
        "case": F("ref", required=True, ref=model.CASES),
        "level": F("vocab", required=True, vocab=model.COURT_LEVELS),
        "kind": F("vocab", required=True, vocab=model.PROCEEDING_KINDS),
        "court": F("ref", ref=model.COURTS),
        "stage": F("vocab", vocab=model.STAGES),
        "date": F("date"),
        # any outcome here; link_problems checks it against the proceeding's kind
        "outcome": F("vocab", vocab=model.VOCABULARIES[(model.PROCEEDINGS, "outcome")]),
        "parties": F("refs", ref=model.PARTIES),
        "absent": F("refs", ref=model.PARTIES),
        "summary": F("text"),
        "cites": CITES,
        "conflict": F("line"),
    },
    model.SENTENCES: {
        "id": F("id", required=True),
        "case": F("ref", required=True, ref=model.CASES),
        "party": F("ref", required=True, ref=model.PARTIES),
        "penalty": F("vocab", required=True, vocab=model.PENALTIES),
        "proceeding": F("ref", ref=model.PROCEEDINGS),
        "term": F("duration"),
        "suspended": F("duration"),
        "pretrial": F("duration"),
        "fine": F("fine"),
        "status": F("vocab", vocab=model.SENTENCE_STATUSES),
        "cites": CITES,
        "conflict": F("line"),
    },
}

META_FIELDS: Final[Mapping[str, F]] = {
    "schema_version": F("int", required=True),
    "migrated_from": F("int"),
    "note": F("text"),
    # The change log entry the last checkpoint folded in (casefiles.store.changelog).
    "log_seq": F("int"),
    "log_hash": F("line"),
    "log_offset": F("int"),
}


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _preview(value: object) -> str:
    """A short, literal rendering of a bad value for messages."""
    if isinstance(value, str):
        return repr(clip(value, 40))
    return _type_name(value)


# ---------------------------------------------------------------- checking


@dataclass(slots=True)
class _Checker:
    file: str
    problems: list[Problem] = field(default_factory=list)
    refs: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    """Pending references: (table, doc id, field path, target table, target id);
    only those not found in ``known`` when it is given."""
    known: Mapping[str, set[str]] | None = None
    """The ids of every table, when known before the walk (a whole-store
    validation): each reference is then looked up as it is met, and only one
    that is not found is kept (with its path) for a problem at the end."""

    def ref(self, table: str, doc_id: str, path: str, target: str, value: str) -> None:
        known = self.known
        if known is None or value not in known[target]:
            self.refs.append((table, doc_id, path, target, value))

    def add(self, table: str | None, doc_id: str | None, path: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, table, doc_id, path, message))

    def line(self, table: str, doc_id: str, path: str, value: object, text: bool) -> bool:
        if not isinstance(value, str):
            self.add(table, doc_id, path, f"expected a string, got {_type_name(value)}")
            return False
        limit = MAX_TEXT if text else MAX_LINE
        if len(value) > limit:
            self.add(table, doc_id, path, f"string of {len(value):,} characters; at most {limit:,}")
            return False
        if not value.strip():
            self.add(table, doc_id, path, "expected a non-empty string")
            return False
        bad = refused_in_text(value) if text else refused_in_line(value)
        if bad is not None:
            self.add(
                table,
                doc_id,
                path,
                f"contains control character U+{ord(value[bad]):04X} at position {bad}"
                " (escape sequences and control codes are not allowed"
                + ("" if text else "; newlines only in summaries and notes")
                + ")",
            )
            return False
        return True

    def value(self, table: str, doc_id: str, path: str, spec: F, value: object) -> None:
        kind = spec.kind
        if kind in ("line", "text"):
            self.line(table, doc_id, path, value, kind == "text")
        elif kind == "vocab":
            if not isinstance(value, str) or value not in spec.vocab:
                self.add(
                    table,
                    doc_id,
                    path,
                    f"unknown value {_preview(value)}; expected one of: {', '.join(spec.vocab)}",
                )
        elif kind == "date":
            if not isinstance(value, str):
                self.add(
                    table,
                    doc_id,
                    path,
                    f"expected a partial date string (YYYY, YYYY-MM or YYYY-MM-DD), "
                    f"got {_type_name(value)}",
                )
            else:
                try:
                    model.PartialDate.parse(value)
                except ValueError as exc:
                    self.add(table, doc_id, path, f"bad date {_preview(value)}: {exc}")
        elif kind == "bool":
            if not isinstance(value, bool):
                self.add(table, doc_id, path, f"expected true or false, got {_preview(value)}")
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT:
                self.add(table, doc_id, path, f"expected a whole number ≥ 0, got {_preview(value)}")
        elif kind == "ref":
            if self.line(table, doc_id, path, value, False):
                assert isinstance(value, str) and spec.ref
                self.ref(table, doc_id, path, spec.ref, value)
        elif kind in ("lines", "refs"):
            if not isinstance(value, list):
                self.add(table, doc_id, path, f"expected an array, got {_type_name(value)}")
                return
            seen: set[str] = set()
            for i, item in enumerate(value):
                sub = f"{path}[{i}]"
                if self.line(table, doc_id, sub, item, False):
                    assert isinstance(item, str)
                    if item in seen:
                        self.add(table, doc_id, sub, f"{_preview(item)} is listed twice")
                    seen.add(item)
                    if kind == "refs" and spec.ref:
                        self.ref(table, doc_id, sub, spec.ref, item)
        elif kind == "duration":
            self.duration(table, doc_id, path, value)
        elif kind == "fine":
            self.fine(table, doc_id, path, value)
        elif kind == "sha256":
            if not isinstance(value, str) or not _SHA256_RE.match(value):
                got = f"expected 64 lower-case hex digits, got {_preview(value)}"
                self.add(table, doc_id, path, got)
        elif kind == "timestamp":
            if not isinstance(value, str) or not _TIMESTAMP_RE.match(value):
                got = f"expected a UTC time like 2026-11-30T17:42:39Z, got {_preview(value)}"
                self.add(table, doc_id, path, got)
        elif kind == "url":
            if self.line(table, doc_id, path, value, False):
                assert isinstance(value, str)
                problem = url_problem(value)
                if problem is not None:
                    got = f"expected an http(s) URL, got {_preview(value)}: {problem}"
                    self.add(table, doc_id, path, got)
        elif kind == "path":
            if self.line(table, doc_id, path, value, False):
                assert isinstance(value, str)
                p = PurePosixPath(value)
                if p.is_absolute() or ".." in p.parts or "\\" in value or ":" in value:
                    self.add(
                        table,
                        doc_id,
                        path,
                        "expected a relative path inside the store's folder, "
                        f"got {_preview(value)}",
                    )
        elif kind == "objects":
            if not isinstance(value, list):
                self.add(table, doc_id, path, f"expected an array, got {_type_name(value)}")
                return
            assert spec.item is not None
            for i, item in enumerate(value):
                self.fields(table, doc_id, f"{path}[{i}]", spec.item, item)

    def duration(self, table: str, doc_id: str, path: str, value: object) -> None:
        if not isinstance(value, dict):
            self.add(
                table,
                doc_id,
                path,
                f'expected an object like {{"years": 5}}, got {_type_name(value)}',
            )
            return
        for key, part in value.items():
            if key not in ("years", "months", "days"):
                self.add(
                    table,
                    doc_id,
                    f"{path}.{literal(clip(str(key), 40))}",
                    "unknown part; expected years, months or days",
                )
            elif (
                not isinstance(part, int)
                or isinstance(part, bool)
                or not 0 <= part <= (200 if key == "years" else 100_000)
            ):
                self.add(
                    table,
                    doc_id,
                    f"{path}.{key}",
                    f"expected a whole number of {key} ≥ 0, got {_preview(part)}",
                )

    def fine(self, table: str, doc_id: str, path: str, value: object) -> None:
        if not isinstance(value, dict):
            self.add(table, doc_id, path, f"expected {{amount, currency}}, got {_type_name(value)}")
            return
        amount = value.get("amount")
        if (
            not isinstance(amount, int | float)
            or isinstance(amount, bool)
            or not 0 <= amount <= MAX_AMOUNT  # also refuses NaN and infinities
        ):
            self.add(
                table,
                doc_id,
                f"{path}.amount",
                f"expected a number from 0 to {MAX_AMOUNT:,}, got "
                + (repr(amount) if isinstance(amount, int | float) else _preview(amount)),
            )
        currency = value.get("currency")
        if not isinstance(currency, str) or not _CURRENCY_RE.match(currency):
            self.add(
                table,
                doc_id,
                f"{path}.currency",
                f"expected a 3-letter ISO currency code like KHR or USD, got {_preview(currency)}",
            )
        for key in value:
            if key not in ("amount", "currency"):
                self.add(table, doc_id, f"{path}.{literal(clip(str(key), 40))}", "unknown field")

    def fields(
        self,
        table: str,
        doc_id: str,
        prefix: Prefix,
        spec: Mapping[str, F],
        doc: object,
        compiled: _Compiled | None = None,
    ) -> None:
        if type(doc) is not dict:
            self.add(
                table, doc_id, _path(prefix) or None, f"expected an object, got {_type_name(doc)}"
            )
            return
        if compiled is None:
            compiled = _compiled(spec)
        codes = compiled.codes
        for name, value in doc.items():
            got = codes.get(name)
            if got is None:
                shown = literal(clip(str(name), 40))
                self.add(
                    table,
                    doc_id,
                    _join(_path(prefix), shown),
                    f"unknown field; expected one of: {compiled.names}",
                )
                continue
            code, fspec = got
            # Fast paths for the common, valid case (no path is formatted: a
            # field's path is only worked out for a problem); anything unusual
            # goes the long way, through ``value``.
            if code <= _REF:  # line or ref
                if (
                    type(value) is str
                    and 0 < len(value) <= MAX_LINE
                    and not search_refused_in_line(value)
                    and not value.isspace()
                ):
                    if code == _REF:
                        known = self.known
                        if known is None or value not in known[fspec.ref]:  # type: ignore[index]
                            self.refs.append(
                                (table, doc_id, _join(_path(prefix), name), fspec.ref, value)  # type: ignore[arg-type]
                            )
                    continue
            elif code == _VOCAB:
                if type(value) is str and value in compiled.vocab[name]:
                    continue
            elif code == _ID:
                continue
            elif code == _OBJECTS:
                if type(value) is list:
                    item = fspec.item
                    assert item is not None
                    inner = _compiled(item)  # once for the list, not per object
                    for i, sub in enumerate(value):
                        self.fields(table, doc_id, (prefix, name, i), item, sub, inner)
                    continue
            elif code == _TEXT:
                if (
                    type(value) is str
                    and 0 < len(value) <= MAX_TEXT
                    and refused_in_text(value) is None
                    and not value.isspace()
                ):
                    continue
            elif code == _REFS and type(value) is list and _good_lines(value):
                known = self.known
                target = fspec.ref
                assert target is not None
                for i, item in enumerate(value):
                    if known is None or item not in known[target]:
                        path = f"{_join(_path(prefix), name)}[{i}]"
                        self.refs.append((table, doc_id, path, target, item))
                continue
            elif code in _FAST:  # dates, durations, lists of lines
                expected, good = _FAST[code]
                if type(value) is expected and good(value):
                    continue
            self.value(table, doc_id, _join(_path(prefix), name), fspec, value)
        required = compiled.required
        if required and not doc.keys() >= required:
            for name in spec:
                if name in required and name not in doc:
                    self.add(table, doc_id, _join(_path(prefix), name), "missing (required)")


Prefix = str | tuple[Any, str, int]
"""Where a nested object lies in its document: a formatted path, or (the
prefix of its list, the list's field name, its index) worked out only for a
problem."""


def _path(prefix: Prefix) -> str:
    if isinstance(prefix, str):
        return prefix
    parent, name, index = prefix
    return f"{_join(_path(parent), name)}[{index}]"


_LINE, _REF, _VOCAB, _ID, _OBJECTS, _TEXT, _DATE, _DURATION, _LINES, _REFS, _OTHER = range(11)
_CODES: Final = {
    "line": _LINE,
    "ref": _REF,
    "vocab": _VOCAB,
    "id": _ID,
    "objects": _OBJECTS,
    "text": _TEXT,
    "date": _DATE,
    "duration": _DURATION,
    "lines": _LINES,
    "refs": _REFS,
}
_DURATION_LIMITS: Final = {"years": 200, "months": 100_000, "days": 100_000}
"""What ``_Checker.duration`` accepts for each part."""


def _good_duration(value: dict[Any, Any]) -> bool:
    """Whether ``_Checker.duration`` finds nothing wrong (the common case, fast)."""
    for key, part in value.items():
        limit = _DURATION_LIMITS.get(key)
        if limit is None or type(part) is not int or not 0 <= part <= limit:
            return False
    return True


def _good_lines(value: list[Any]) -> bool:
    """Whether a list of one-line strings is all well-formed and without repeats."""
    for item in value:
        if not (
            type(item) is str
            and 0 < len(item) <= MAX_LINE
            and not search_refused_in_line(item)
            and not item.isspace()
        ):
            return False
    return len(set(value)) == len(value)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A field spec as the hot loop reads it."""

    codes: dict[str, tuple[int, F]]
    vocab: dict[str, frozenset[str]]
    required: frozenset[str]
    names: str


_COMPILED: dict[int, tuple[Mapping[str, F], _Compiled]] = {}


def _compiled(spec: Mapping[str, F]) -> _Compiled:
    got = _COMPILED.get(id(spec))
    if got is not None and got[0] is spec:
        return got[1]
    compiled = _Compiled(
        codes={name: (_CODES.get(f.kind, _OTHER), f) for name, f in spec.items()},
        vocab={name: frozenset(f.vocab) for name, f in spec.items() if f.kind == "vocab"},
        required=frozenset(name for name, f in spec.items() if f.required),
        names=", ".join(spec),
    )
    _COMPILED[id(spec)] = (spec, compiled)  # the spec is kept, so its id stays its own
    return compiled


_GOOD_DATES: set[str] = set()
"""Partial dates already found valid (a store repeats them a lot)."""


def _good_date(value: str) -> bool:
    if value in _GOOD_DATES:
        return True
    try:
        model.PartialDate.parse(value)
    except ValueError:
        return False
    if len(_GOOD_DATES) > 200_000:
        _GOOD_DATES.clear()
    _GOOD_DATES.add(value)
    return True


_FAST: Final[dict[int, tuple[type, Callable[[Any], bool]]]] = {
    _DATE: (str, _good_date),
    _DURATION: (dict, _good_duration),
    _LINES: (list, _good_lines),
}
"""Checks of whole values that say only whether ``_Checker.value`` would find
nothing wrong (then it is not called)."""


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _doc_label(doc: object, key: str) -> str:
    """The document's slug id when it has a usable one, else ``#<TinyDB id>``."""
    if isinstance(doc, dict):
        value = doc.get("id")
        if isinstance(value, str) and value:
            return value
    return f"#{key}"


def validate(data: object, file: str = "<store>") -> list[Problem]:
    """Every problem in a parsed store; an empty list means the store is valid."""
    check = _Checker(file)
    if not isinstance(data, dict):
        check.add(
            None,
            None,
            None,
            f"expected a JSON object with one key per table, got {_type_name(data)}",
        )
        return check.problems

    for name in data:
        if name not in SCHEMA and name != model.META:
            if name == "_default" and data[name] in ({}, []):
                continue
            check.add(
                literal(clip(str(name), 40)),
                None,
                None,
                f"unknown table; expected: {', '.join((model.META, *model.TABLES))}",
            )

    _validate_meta(check, data.get(model.META))

    # Every table's ids first (the documents with a well-formed id), so that
    # each reference is looked up as it is met instead of kept for the end.
    check.known = {table: _slugs(data.get(table, {})) for table in model.TABLES}
    for table in model.TABLES:
        _validate_table(check, table, data.get(table, {}))

    for table, doc_id, path, target, ref in check.refs:
        if ref not in check.known[target]:
            check.add(
                table,
                doc_id,
                path,
                f"unknown {_SINGULAR[target]} id {_preview(ref)} (no such id in {target})",
            )

    if not check.problems:
        _validate_links(check, data)
    return check.problems


def _validate_meta(check: _Checker, meta: object) -> None:
    if meta is None:
        check.add(model.META, None, None, "missing: the store has no meta table (schema_version)")
        return
    if not isinstance(meta, dict) or len(meta) != 1:
        check.add(
            model.META,
            None,
            None,
            'expected exactly one document like {"1": {"schema_version": 1}}',
        )
        return
    ((key, doc),) = meta.items()
    check.fields(model.META, f"#{key}", "", META_FIELDS, doc)
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if (
        isinstance(version, int)
        and not isinstance(version, bool)
        and version > model.SCHEMA_VERSION
    ):
        check.add(
            model.META,
            f"#{key}",
            "schema_version",
            f"store has schema version {version}, this casefiles understands up to "
            f"{model.SCHEMA_VERSION}; upgrade casefiles",
        )


def _slugs(docs: object) -> set[str]:
    """The ids a table's documents hold that are well-formed slugs (the ids
    references may name)."""
    if not isinstance(docs, dict):
        return set()
    out = set()
    match = _SLUG_RE.match
    for doc in docs.values():
        if isinstance(doc, dict):
            slug = doc.get("id")
            if isinstance(slug, str) and len(slug) <= 120 and match(slug):
                out.add(slug)
    return out


def _validate_table(check: _Checker, table: str, docs: object) -> set[str]:
    seen: dict[str, str] = {}
    known = check.known[table] if check.known is not None else None
    if not isinstance(docs, dict):
        check.add(
            table,
            None,
            None,
            f'expected an object of documents keyed by number ("1": {{…}}), got {_type_name(docs)}',
        )
        return set()
    spec = SCHEMA[table]
    for key, doc in docs.items():
        label = _doc_label(doc, key)
        if not _DOC_ID_RE.match(key):
            check.add(table, label, None, f"document key {_preview(key)} is not a positive number")
        if not isinstance(doc, dict):
            check.add(table, label, None, f"expected an object, got {_type_name(doc)}")
            continue
        slug = doc.get("id")
        if "id" not in doc:
            check.add(table, label, "id", "missing (required)")
        elif (
            not isinstance(slug, str)
            or (slug not in known if known is not None else not _SLUG_RE.match(slug))
            or len(slug) > 120
        ):
            check.add(
                table,
                label,
                "id",
                f"bad id {_preview(slug)}; expected a lowercase slug like 'kem-sokha' "
                "(a-z, 0-9, '-', at most 120 characters)",
            )
        elif slug in seen:
            check.add(table, slug, "id", f"duplicate id (also document #{seen[slug]})")
        else:
            seen[slug] = key
        check.fields(table, label, "", spec, doc)
    return set(seen)


Lookup = Callable[[str, str], Mapping[str, Any] | None]
"""``lookup(table, id)``: a document of the store being checked, or ``None``."""


def _participant_ids(case: Mapping[str, Any] | None) -> set[str]:
    return {p["party"] for p in case.get("participants", ())} if case else set()


def link_problems(
    table: str, doc: Mapping[str, Any], lookup: Lookup, file: str = "<store>"
) -> list[Problem]:
    """Consistency of one document with the others it refers to (run once every
    reference is known to resolve): parties belong to the case, levels match courts."""
    out: list[Problem] = []
    doc_id = doc["id"]

    def add(path: str, message: str) -> None:
        out.append(Problem(file, table, doc_id, path, message))

    participants_of: dict[str, set[str]] = {}  # worked out once per case

    def need_member(path: str, case_id: str, party: str) -> None:
        if case_id not in participants_of:
            participants_of[case_id] = _participant_ids(lookup(model.CASES, case_id))
        if party not in participants_of[case_id]:
            add(path, f"party {_preview(party)} is not a participant of case {_preview(case_id)}")

    if table == model.COURTS:
        if doc.get("appeals_to") == doc_id:
            add("appeals_to", "a court cannot appeal to itself")
    elif table == model.CASES:
        members = _participant_ids(doc)
        for i, charge in enumerate(doc.get("charges", ())):
            if charge["party"] not in members:
                add(
                    f"charges[{i}].party",
                    f"party {_preview(charge['party'])} is not a participant of this case",
                )
        for i, event in enumerate(doc.get("events", ())):
            # custody and pardons are derived per party: the party must be in the case
            if "party" in event and event["party"] not in members:
                add(
                    f"events[{i}].party",
                    f"party {_preview(event['party'])} is not a participant of this case",
                )
        for i, rel in enumerate(doc.get("related", ())):
            if rel == doc_id:
                add(f"related[{i}]", "a case cannot relate to itself")
    elif table == model.PROCEEDINGS:
        court = lookup(model.COURTS, doc["court"]) if "court" in doc else None
        if court is not None and court["level"] != doc["level"]:
            add("level", f"{doc['level']!r} but court {court['id']!r} is {court['level']!r}")
        for i, party in enumerate(doc.get("parties", ())):
            need_member(f"parties[{i}]", doc["case"], party)
        named = doc.get("parties")
        for i, party in enumerate(doc.get("absent", ())):
            need_member(f"absent[{i}]", doc["case"], party)
            if named and party not in named:
                add(
                    f"absent[{i}]",
                    f"party {_preview(party)} is not among this proceeding's parties",
                )
        allowed = model.OUTCOMES_BY_KIND.get(doc["kind"], ())
        if "outcome" in doc and doc["outcome"] not in allowed:
            what = {"ruling": "a ruling", "hearing": "a hearing"}.get(
                doc["kind"], f"a {doc['kind']} hearing"
            )
            add(
                "outcome",
                f"{_preview(doc['outcome'])} is not an outcome of {what}; "
                f"expected one of: {', '.join(allowed)}",
            )
    elif table == model.SENTENCES:
        need_member("party", doc["case"], doc["party"])
        proc = lookup(model.PROCEEDINGS, doc["proceeding"]) if "proceeding" in doc else None
        if proc is not None and proc["case"] != doc["case"]:
            add(
                "proceeding",
                f"proceeding {proc['id']!r} belongs to case {proc['case']!r}, not {doc['case']!r}",
            )
    return out


def _validate_links(check: _Checker, data: Mapping[str, Any]) -> None:
    """Consistency between tables, once every reference is known to resolve."""
    by_id = {t: {d["id"]: d for d in data.get(t, {}).values()} for t in model.TABLES}

    def lookup(table: str, doc_id: str) -> Mapping[str, Any] | None:
        return by_id[table].get(doc_id)

    for table in (model.COURTS, model.CASES, model.PROCEEDINGS, model.SENTENCES):
        for doc in by_id[table].values():
            check.problems.extend(link_problems(table, doc, lookup, check.file))


def validate_document(
    table: str, doc: object, lookup: Lookup, file: str = "<store>"
) -> list[Problem]:
    """Problems of one new or edited document checked against a valid store
    (``lookup`` finds the documents it refers to), without re-checking the rest."""
    check = _Checker(file)
    if table not in SCHEMA:
        check.add(literal(clip(table, 40)), None, None, "unknown table")
        return check.problems
    label = _doc_label(doc, "new")
    if isinstance(doc, dict):
        slug = doc.get("id")
        if not isinstance(slug, str) or not _SLUG_RE.match(slug) or len(slug) > 120:
            check.add(table, label, "id", f"bad id {_preview(slug)}; expected a lowercase slug")
    check.fields(table, label, "", SCHEMA[table], doc)
    for ref_table, doc_id, path, target, ref in check.refs:
        if lookup(target, ref) is None and not (target == table and ref == label):
            check.add(
                ref_table,
                doc_id,
                path,
                f"unknown {_SINGULAR[target]} id {_preview(ref)} (no such id in {target})",
            )
    if not check.problems:
        assert isinstance(doc, dict)
        check.problems.extend(link_problems(table, doc, lookup, file))
    return check.problems


def references(
    table: str, doc: Mapping[str, Any], target: str | None = None
) -> list[tuple[str, str, str]]:
    """Every reference a valid document makes (only those to ``target`` when
    given), from the schema, as (field path, target table, target id): what a
    delete must not leave dangling."""
    out: list[tuple[str, str, str]] = []
    _collect_refs(SCHEMA[table], doc, "", out, target)
    return out


def can_refer(table: str, target: str) -> bool:
    """Whether documents of ``table`` can refer to documents of ``target`` at all."""
    return _reaches(SCHEMA[table], target)


_REACHES: dict[tuple[int, str | None], bool] = {}


def _reaches(spec: Mapping[str, F], target: str | None) -> bool:
    key = (id(spec), target)
    found = _REACHES.get(key)
    if found is None:
        found = any(
            (f.kind in ("ref", "refs") and (target is None or f.ref == target))
            or (f.kind == "objects" and f.item is not None and _reaches(f.item, target))
            for f in spec.values()
        )
        _REACHES[key] = found
    return found


def _collect_refs(
    spec: Mapping[str, F],
    doc: Mapping[str, Any],
    prefix: str,
    out: list[tuple[str, str, str]],
    target: str | None,
) -> None:
    for name, value in doc.items():
        fspec = spec.get(name)
        if fspec is None:
            continue
        kind = fspec.kind
        if kind == "ref" and (target is None or fspec.ref == target) and isinstance(value, str):
            assert fspec.ref is not None
            out.append((_join(prefix, name), fspec.ref, value))
        elif kind == "refs" and (target is None or fspec.ref == target) and isinstance(value, list):
            assert fspec.ref is not None
            path = _join(prefix, name)
            out.extend((f"{path}[{i}]", fspec.ref, v) for i, v in enumerate(value))
        elif (
            kind == "objects"
            and fspec.item is not None
            and isinstance(value, list)
            and _reaches(fspec.item, target)
        ):
            path = _join(prefix, name)
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    _collect_refs(fspec.item, item, f"{path}[{i}]", out, target)
