"""Forms for the facts of a case file, without a user interface.

A ``FormSpec`` says what one kind of fact asks for (a case's header, a party,
a participant with a role, a charge, an event, a proceeding, a sentence, a
source, a court, a cite): its fields, their kinds (a line, a text, a date, a
duration, a vocabulary, a party/court/source to pick …), which are required
and the vocabularies.  A ``Form`` is one form being filled in: the texts typed
so far, the document they came from (an edit) or the place a new one goes (an
add), and the cite that gives the change its source.

- ``edit_form(store, selection, pane)`` and ``add_form(store, pane, selection,
  case_id)`` build a form prefilled from where the cursor is; ``cite_form``
  adds a cite to the selected fact (from the reader: a source and a quote),
  ``edit_cite_form`` edits one in place; ``new_doc_form`` is the nested form
  of a picker's "new party…"/"new source…", whose document (``pending``) is
  saved in the same operation as the form that asked for it;
- ``Form.read(name)`` reads one field as typed (``26 Sept 2018`` → ``2018-09-26``,
  ``2y6m`` → 2 years 6 months) and says how it was read, or why it cannot be;
- ``Form.operation(store)`` assembles the document(s) and returns the
  ``casefiles.edit.ops.Operation`` a save applies: a put, or, for another
  source's version of a fact, ``Operation.add_version`` (both kept);
- ``Form.check(store)`` is that operation's core check (the rules ``validate``
  applies, the provenance rules, quotes looked up in their article) with each
  finding put beside the field it is about; besides it refuses a new
  document's id that is taken, names field by field what another program
  changed meanwhile, and warns when a correction changes a fact's values on
  the word of a source that is not among its cites (that is another version).

Nothing here imports textual: ``casefiles.tui.screens.form`` only presents.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from casefiles import model
from casefiles.citation import SelectionLike
from casefiles.edit.ops import (
    Check,
    DocChange,
    EditRefused,
    Finding,
    Operation,
)
from casefiles.edit.parse import ParseError, format_duration, read_date, read_duration
from casefiles.model import Doc, humanise
from casefiles.store import Store
from casefiles.textsafe import clip, literal


class Selection(SelectionLike, Protocol):
    """What is selected in the browser (``casefiles.tui.selection.Selection``):
    a ``SelectionLike`` that also knows its index in the case's charges or events."""

    def fact_index(self) -> int | None: ...


# -------------------------------------------------------------------- specs

#: Field kinds: ``id`` (a new document's slug), ``line``, ``text`` (several
#: lines), ``lines`` (a list of lines, separated by ``;``), ``date``,
#: ``duration``, ``vocab`` (one of ``vocab``), ``party``/``court``/``source``
#: (an id, picked by name), ``proceeding`` (one of the case's), ``parties``
#: (party ids, separated by ``,``), ``amount`` (a number), ``currency``.
FIELD_KINDS: Final = (
    "id",
    "line",
    "text",
    "lines",
    "date",
    "duration",
    "vocab",
    "party",
    "court",
    "source",
    "proceeding",
    "parties",
    "amount",
    "currency",
)
#: Kinds filled in with a fuzzy picker over the store.
PICKED: Final = frozenset({"party", "court", "source"})
#: Field name prefix of the cite section.
CITE: Final = "cite."
#: The ``save as`` choice of an edit of a fact that has cites.
SAVE_AS: Final = "save_as"
CORRECTION: Final = "correction"
VERSION: Final = "version"
SAVE_AS_CHOICES: Final = (
    (CORRECTION, "a correction of this fact (its cites are kept)"),
    (VERSION, "another version: a source says otherwise (both are kept)"),
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a form: where its value goes (``name``: a key of the
    document, ``fine.amount``, or ``cite.source`` in the cite section), its
    label, kind (one of ``FIELD_KINDS``), whether it is required, its
    vocabulary and a hint shown while it is empty."""

    name: str
    label: str
    kind: str
    required: bool = False
    vocab: tuple[str, ...] = ()
    hint: str = ""

    @property
    def picked(self) -> bool:
        """Filled in with a fuzzy picker (party, court, source)."""
        return self.kind in PICKED

    @property
    def multiline(self) -> bool:
        """Takes several lines (summaries, notes, quotes)."""
        return self.kind == "text"


@dataclass(frozen=True, slots=True)
class FormSpec:
    """What a form of one kind of fact asks for.

    ``table`` holds the document; ``item`` is set for the facts a case holds
    in a list (``participants``, ``charges``, ``events``); ``cites`` is
    ``required`` (a fact: the provenance rule), ``optional`` or ``none``."""

    kind: str
    title: str
    table: str
    fields: tuple[FieldSpec, ...]
    item: str | None = None
    cites: str = "required"

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        for f in self.all_fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def all_fields(self) -> tuple[FieldSpec, ...]:
        """The fields, then the cite section's."""
        return self.fields + (CITE_FIELDS if self.cites != "none" else ())


def _f(name: str, label: str, kind: str, required: bool = False, hint: str = "") -> FieldSpec:
    return FieldSpec(name, label, kind, required, hint=hint)


def _v(name: str, label: str, vocab: tuple[str, ...], required: bool = False) -> FieldSpec:
    return FieldSpec(name, label, "vocab", required, vocab)


CITE_FIELDS: Final = (
    _f("cite.source", "source", "source", hint="the source that says so (enter: pick)"),
    _f("cite.quote", "quote", "text", hint="its words, checked against the article"),
    _f("cite.note", "note", "text", hint="what the source says, where, or what is unsure"),
)
_ID: Final = _f("id", "id", "id", hint="left empty: made from the other fields")
_DATE_HINT: Final = "2018-09-26, 26 Sept 2018, Sept 2018 or 2018"
_TERM_HINT: Final = "5 years, 2y6m, 18 months"

SPECS: Final[dict[str, FormSpec]] = {
    spec.kind: spec
    for spec in (
        FormSpec(
            "case",
            "case",
            model.CASES,
            (
                _ID,
                _f("title", "title", "line", True),
                _v("status", "status", model.CASE_STATUSES, True),
                _f("country", "country", "line"),
                _f("tags", "tags", "lines", hint="separated by ;"),
                _f("summary", "summary", "text"),
            ),
            cites="optional",
        ),
        FormSpec(
            "party",
            "party",
            model.PARTIES,
            (
                _ID,
                _f("name", "name", "line", True),
                _v("kind", "kind", model.PARTY_KINDS, True),
                _f("aliases", "aliases", "lines", hint="other spellings, separated by ;"),
                _f("description", "description", "text"),
                _f("tags", "tags", "lines", hint="separated by ;"),
            ),
            cites="optional",
        ),
        FormSpec(
            "participant",
            "participant",
            model.CASES,
            (
                _f("party", "party", "party", True, "a name (enter: pick, or a new party)"),
                _v("role", "role", model.ROLES, True),
                _f("role_raw", "role as worded", "line", hint="the source's own words"),
            ),
            item="participants",
        ),
        FormSpec(
            "charge",
            "charge",
            model.CASES,
            (
                _f("party", "party", "party", True, "who is charged (enter: pick)"),
                _f("label", "charge", "line", True),
                _f("law", "law", "line"),
                _f("article", "article", "line"),
                _v("status", "status", model.CHARGE_STATUSES),
            ),
            item="charges",
        ),
        FormSpec(
            "event",
            "event",
            model.CASES,
            (
                _f("date", "date", "date", True, _DATE_HINT),
                _f("label", "what happened", "line", True),
                _v("kind", "kind", model.EVENT_KINDS),
                _f("party", "party", "party", hint="whom it concerns (enter: pick)"),
            ),
            item="events",
        ),
        FormSpec(
            "proceeding",
            "court ruling or hearing",
            model.PROCEEDINGS,
            (
                _ID,
                _v("kind", "kind", model.PROCEEDING_KINDS, True),
                _v("level", "level", model.COURT_LEVELS, True),
                _f("court", "court", "court", hint="enter: pick"),
                _v("stage", "stage", model.STAGES),
                _f("date", "date", "date", hint=_DATE_HINT),
                _v("outcome", "outcome", model.VOCABULARIES[(model.PROCEEDINGS, "outcome")]),
                _f("parties", "parties", "parties", hint="party ids, separated by ,"),
                _f("absent", "in absentia", "parties", hint="party ids, separated by ,"),
                _f("summary", "summary", "text"),
            ),
        ),
        FormSpec(
            "sentence",
            "sentence",
            model.SENTENCES,
            (
                _ID,
                _f("party", "party", "party", True, "who is sentenced (enter: pick)"),
                _v("penalty", "penalty", model.PENALTIES, True),
                _f("proceeding", "imposed by", "proceeding", hint="the ruling (a proceeding id)"),
                _f("term", "term", "duration", hint=_TERM_HINT),
                _f("suspended", "suspended", "duration", hint=_TERM_HINT),
                _f("pretrial", "pre-trial credit", "duration", hint=_TERM_HINT),
                _f("fine.amount", "fine amount", "amount", hint="5,000,000"),
                _f("fine.currency", "fine currency", "currency", hint="KHR, USD"),
                _v("status", "status", model.SENTENCE_STATUSES),
            ),
        ),
        FormSpec(
            "source",
            "source",
            model.SOURCES,
            (
                _ID,
                _f("title", "title", "line", True),
                _f("publisher", "publisher", "line"),
                _f("url", "url", "line", hint="https://…"),
                _f("published", "published", "date", hint=_DATE_HINT),
                _v("kind", "kind", model.SOURCE_KINDS),
                _f("language", "language", "line", hint="en, km …"),
                _f("note", "note", "text"),
            ),
            cites="none",
        ),
        FormSpec(
            "court",
            "court",
            model.COURTS,
            (
                _ID,
                _f("name", "name", "line", True),
                _v("level", "level", model.COURT_LEVELS, True),
                _f("country", "country", "line"),
                _f("appeals_to", "appeals to", "court", hint="enter: pick"),
                _f("aliases", "aliases", "lines", hint="separated by ;"),
            ),
            cites="none",
        ),
        FormSpec("cite", "cite", model.CASES, (), cites="required"),
    )
}
"""Every form, by kind."""


# ----------------------------------------------------------------- reading


class FormError(ValueError):
    """No form can be opened for what is selected; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One field as read: the value to store (``None``: left out), how it was
    read (shown beside the field) and why it cannot be (``error``)."""

    value: Any
    how: str = ""
    error: str | None = None


_SLUG_CUT: Final = re.compile(r"[^a-z0-9]+")
_AMOUNT: Final = re.compile(r"^[0-9][0-9,_ ]*(?:\.[0-9]+)?\Z", re.ASCII)


def slug(text: str, limit: int = 60) -> str:
    """``Lim Mony`` → ``lim-mony`` (ASCII letters and digits; ``x`` when none)."""
    out = _SLUG_CUT.sub("-", text.lower()).strip("-")
    return out[:limit].strip("-") or "x"


def free_id(store: Store, table: str, base: str, taken: Sequence[str] = ()) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever ``table`` does not hold."""
    candidate, n = base, 2
    while store.get(table, candidate) is not None or candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _shown(value: str, width: int = 60) -> str:
    return literal(clip(value, width))


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _joined(value: object, sep: str) -> str:
    if isinstance(value, list):
        return sep.join(str(v) for v in value)
    return ""


def text_of(spec: FieldSpec, doc: Mapping[str, Any] | None) -> str:
    """What a field shows for a stored value (the reverse of ``Form.read``)."""
    if doc is None:
        return ""
    if spec.name.startswith("fine."):
        fine = doc.get("fine")
        if not isinstance(fine, dict):
            return ""
        value = fine.get(spec.name.partition(".")[2])
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value) if value is not None else ""
    value = doc.get(spec.name)
    if value is None:
        return ""
    if spec.kind == "duration":
        return format_duration(value) if isinstance(value, dict) else str(value)
    if spec.kind == "lines":
        return _joined(value, "; ")
    if spec.kind == "parties":
        return _joined(value, ", ")
    return value if isinstance(value, str) else str(value)


# -------------------------------------------------------------------- form


@dataclass(slots=True)
class FormCheck:
    """What checking a form found: ``errors`` refuse the save, ``warnings``
    (a quote not found in its article, a fact whose cites were all replaced)
    need a second save to confirm; each by field name (``""``: the form as a
    whole)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    operation: Operation | None = None

    @property
    def ok(self) -> bool:
        """Nothing refuses the save (warnings may remain)."""
        return not self.errors

    def add(self, name: str, message: str, *, warning: bool = False) -> None:
        """One more finding beside field ``name``."""
        target = self.warnings if warning else self.errors
        found = target.setdefault(name, [])
        if message not in found:
            found.append(message)

    def lines(self) -> list[str]:
        """Every finding as one line (``date: bad date …``)."""
        out: list[str] = []
        for kind, found in (("", self.errors), ("warning: ", self.warnings)):
            for name, messages in found.items():
                out += [f"{kind}{name + ': ' if name else ''}{m}" for m in messages]
        return out


@dataclass(slots=True)
class Form:
    """One form being filled in.

    ``doc_id`` names the document the form edits or adds (``None``: a new one
    whose id is made from the fields); ``index`` is the position of the item
    in the case's list (``None``: a new item).  ``base`` is the whole document
    as the form found it (a case for an item or a cite), so a save refuses,
    showing both versions, when another program changed it meanwhile.
    ``pending`` holds new parties and sources made from inside this form (a
    picker's "new party…"), saved together with it."""

    spec: FormSpec
    mode: str
    """``add`` or ``edit``."""
    doc_id: str | None
    case_id: str | None = None
    index: int | None = None
    base: Doc | None = None
    texts: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    """Values the form sets without showing a field (a proceeding's case)."""
    pending: list[tuple[str, Doc]] = field(default_factory=list)
    save_as: str = CORRECTION
    title: str = ""
    cite_path: str | None = None
    """For a cite form: the fact the cite is added to (``participants[2]``, ``""``
    for the document itself)."""
    cite_index: int | None = None
    """For a cite form that edits a cite: its position in the fact's cites."""
    initial: dict[str, str] = field(default_factory=dict)
    """The texts as the form opened (``dirty`` compares with them)."""

    # -- what the form holds

    @property
    def table(self) -> str:
        """The table of the document the form writes."""
        return self.spec.table

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """Every field shown, the cite section's last."""
        return self.spec.all_fields

    @property
    def original(self) -> Doc | None:
        """The fact as found (the item of a case's list; the document otherwise)."""
        if self.base is None:
            return None
        if self.spec.item is not None:
            if self.index is None:
                return None
            items = self.base.get(self.spec.item, ())
            return items[self.index] if 0 <= self.index < len(items) else None
        if self.spec.kind == "cite":
            return _at(self.base, self.cite_path or "")
        return self.base

    @property
    def can_version(self) -> bool:
        """An edit of a fact that may be saved as another source's version."""
        return self.mode == "edit" and self.spec.cites == "required" and self.spec.kind != "cite"

    @property
    def dirty(self) -> bool:
        """Whether anything was typed since the form opened."""
        return self.texts != self.initial or bool(self.pending)

    def text(self, name: str) -> str:
        """What field ``name`` holds now."""
        return self.texts.get(name, "")

    def set_text(self, name: str, text: str) -> None:
        """Field ``name`` now holds ``text``."""
        self.texts[name] = text

    @property
    def _has_id(self) -> bool:
        return any(f.name == "id" for f in self.spec.fields)

    def editable(self, name: str) -> bool:
        """The id of a stored document cannot be changed here (other facts refer to it)."""
        return not (name == "id" and self.mode == "edit")

    def choices(self, store: Store, name: str) -> list[tuple[str, str]]:
        """``(value, label)`` pairs of a vocabulary or a proceeding field."""
        spec = self.spec.field(name)
        if spec.kind == "vocab":
            vocab = spec.vocab
            if name == "outcome" and self.spec.kind == "proceeding":
                vocab = model.OUTCOMES_BY_KIND.get(self.text("kind"), vocab)
            return [(v, humanise(v)) for v in vocab]
        if spec.kind == "proceeding" and self.case_id:
            return [
                (str(p["id"]), _proceeding_label(p))
                for p in store.proceedings_of(self.case_id)
                if not model.is_hearing(p)
            ]
        return []

    # -- reading one field

    def name_of(self, store: Store, table: str, doc_id: str) -> str | None:
        """A referenced document's name (a pending new one too), ``None`` if unknown."""
        for t, doc in self.pending:
            if t == table and doc.get("id") == doc_id:
                return str(doc.get("name") or doc.get("title") or doc_id)
        if store.get(table, doc_id) is None:
            return None
        return store.name_of(table, doc_id)

    def read(self, store: Store, name: str) -> Reading:
        """Field ``name`` as read from its text."""
        spec = self.spec.field(name)
        raw = self.text(name)
        text = raw.strip() if spec.kind != "text" else raw.rstrip()
        if not text:
            if name == "id" and self.mode == "add":
                return Reading(None, "made from the other fields when saved")
            return Reading(None, "required" if spec.required else "")
        kind = spec.kind
        try:
            if kind == "date":
                date = read_date(text)
                method = date.how.rpartition(" (")[2].rstrip(")")
                if text == date.iso:
                    return Reading(date.iso, f"{date.date.human()} ({method})")
                return Reading(date.iso, f"{_shown(text, 30)} → {date.iso} ({method})")
            if kind == "duration":
                term = read_duration(text)
                if text == term.how:
                    return Reading(term.parts or None, "✓")
                return Reading(term.parts or None, f"{_shown(text, 30)} → {term.how}")
        except ParseError as exc:
            return Reading(None, error=str(exc))
        if kind == "vocab":
            value = text.lower().replace(" ", "_")
            if value not in spec.vocab:
                shown = ", ".join(spec.vocab)
                return Reading(None, error=f"{_shown(text, 40)!r} is not one of: {shown}")
            return Reading(value, humanise(value) if value != text else "")
        if kind in PICKED:
            table = {
                "party": model.PARTIES,
                "court": model.COURTS,
                "source": model.SOURCES,
            }[kind]
            found = self.name_of(store, table, text)
            if found is None:
                return Reading(text, error=f"no {kind} {_shown(text, 40)!r}; press enter to pick")
            return Reading(text, f"→ {_shown(found)}")
        if kind == "proceeding":
            proc = store.get(model.PROCEEDINGS, text)
            if proc is None:
                return Reading(text, error=f"no proceeding {_shown(text, 40)!r}")
            return Reading(text, f"→ {_shown(_proceeding_label(proc))}")
        if kind == "parties":
            ids = _split(text, ",")
            names = []
            for pid in ids:
                found = self.name_of(store, model.PARTIES, pid)
                if found is None:
                    return Reading(ids, error=f"no party {_shown(pid, 40)!r}")
                names.append(found)
            return Reading(ids, "→ " + _shown("; ".join(names)))
        if kind == "lines":
            parts = _split(text, ";")
            return Reading(parts, f"{len(parts)} item{'s' if len(parts) != 1 else ''}")
        if kind == "amount":
            plain = text.replace(",", "").replace("_", "").replace(" ", "")
            if not _AMOUNT.match(text) or not plain:
                return Reading(None, error=f"{_shown(text, 40)!r} is not an amount (5,000,000)")
            number: int | float = float(plain) if "." in plain else int(plain)
            return Reading(number, f"→ {number:,}")
        if kind == "currency":
            return Reading(text.upper(), "")
        return Reading(text if kind != "text" else raw)

    # -- assembling

    def _values(self, store: Store) -> tuple[dict[str, Any], dict[str, str]]:
        """The fact's values from the fields (``None``: left out) and the
        fields that cannot be read."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        fine: dict[str, Any] = {}
        for spec in self.spec.fields:
            if not self.editable(spec.name):
                continue
            reading = self.read(store, spec.name)
            if reading.error is not None:
                errors[spec.name] = reading.error
            if spec.name.startswith("fine."):
                if reading.value is not None:
                    fine[spec.name.partition(".")[2]] = reading.value
                continue
            values[spec.name] = reading.value if reading.error is None else None
        if any(f.name.startswith("fine.") for f in self.spec.fields):
            values["fine"] = fine or None
        return values, errors

    def new_cite(self, store: Store) -> Doc | None:
        """The cite typed in the cite section (``None``: none typed)."""
        if self.spec.cites == "none":
            return None
        cite: Doc = {}
        for spec in CITE_FIELDS:
            value = self.read(store, spec.name).value
            if value is not None:
                cite[spec.name.removeprefix(CITE)] = value
        if not cite:
            return None
        if "source" not in cite:  # a quote or note with no source: validate says so
            cite = {"source": "", **cite}
        return cite

    def _fact(self, store: Store, values: Mapping[str, Any]) -> Doc:
        """The fact as the form leaves it: what it was, with the fields' values
        and the new cite added to its cites."""
        doc: Doc = copy.deepcopy(self.original) if self.original is not None else {}
        for key, value in {**values, **self.fixed}.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        cite = self.new_cite(store)
        cites = list(doc.get("cites", ()))
        if self.cite_index is not None and 0 <= self.cite_index < len(cites):
            if cite is None:  # every field emptied: the cite goes
                del cites[self.cite_index]
            else:
                cites[self.cite_index] = cite
            doc["cites"] = cites
        elif cite is not None:
            doc["cites"] = [*cites, cite]
        if self.spec.item is None and self.spec.kind != "cite":
            doc["id"] = self.doc_id or self.suggest_id(store, values)
            doc = {"id": doc.pop("id"), **doc}
        return doc

    def suggest_id(self, store: Store, values: Mapping[str, Any] | None = None) -> str:
        """A free id for a new document, from what the form holds."""
        if values is None:
            values, _ = self._values(store)
        typed = self.read(store, "id").value if self.mode == "add" else None
        if typed:
            return str(typed)
        kind = self.spec.kind
        taken = [str(d.get("id")) for _, d in self.pending]
        if kind == "proceeding":
            when = values.get("date") or values.get("kind") or "ruling"
            base = f"{self.case_id or 'case'}-{values.get('level') or 'court'}-{when}"
        elif kind == "sentence":
            base = f"{values.get('party') or 'party'}-{self.case_id or 'case'}"
            proc = values.get("proceeding")
            if isinstance(proc, str) and store.get(model.PROCEEDINGS, proc):
                base += f"-{store.get(model.PROCEEDINGS, proc).get('level', '')}"  # type: ignore[union-attr]
        else:
            base = str(values.get("title") or values.get("name") or kind)
        return free_id(store, self.spec.table, slug(base, 100), taken)

    def operation(self, store: Store) -> Operation:
        """What saving the form applies (``EditRefused`` when a version cannot be
        added: the same values as the first)."""
        values, _ = self._values(store)
        changes: list[DocChange] = [
            DocChange(t, str(d["id"]), None, copy.deepcopy(d)) for t, d in self.pending
        ]
        spec = self.spec
        if self.mode == "edit" and self.save_as == VERSION and self.can_version:
            cite = self.new_cite(store)
            original = self.original or {}
            differ = {
                k: v
                for k, v in values.items()
                if v != original.get(k) and k not in ("id", "cites", "conflict")
            }
            if spec.item is not None and self.case_id is not None and self.index is not None:
                op = Operation.add_version(
                    store,
                    model.CASES,
                    self.case_id,
                    differ,
                    [cite] if cite else [],
                    fact=(spec.item, self.index),
                )
            else:
                assert self.doc_id is not None
                op = Operation.add_version(
                    store, spec.table, self.doc_id, differ, [cite] if cite else []
                )
            return Operation((*changes, *op.changes), op.title)
        fact = self._fact(store, values)
        if spec.item is not None or spec.kind == "cite":
            assert self.case_id is not None or spec.kind == "cite"
            whole = copy.deepcopy(self.base) if self.base is not None else {}
            if spec.kind == "cite":
                whole = _put_at(whole, self.cite_path or "", fact)
            else:
                items = list(whole.get(spec.item or "", ()))
                if self.index is None:
                    items.append(fact)
                else:
                    items[self.index] = fact
                whole[spec.item or ""] = items
            doc_id = str(whole.get("id"))
            title = f"{'add' if self.index is None and spec.kind != 'cite' else 'edit'} "
            title += f"{spec.title} in {spec.table}[{_shown(doc_id)}]"
            changes.append(DocChange(spec.table, doc_id, self.base, whole))
        else:
            doc_id = str(fact["id"])
            before = self.base if self.mode == "edit" else store.get(spec.table, doc_id)
            changes.append(DocChange(spec.table, doc_id, copy.deepcopy(before), fact))
            title = f"{'add' if self.mode == 'add' else 'edit'} {spec.table}[{_shown(doc_id)}]"
            case = store.get(model.CASES, self.case_id or "") if self.mode == "add" else None
            if spec.kind == "source" and case is not None:
                # a new source from a case's sources pane is cited on the case (as
                # an import is), so that it is listed there
                cited = {**case, "cites": [*case.get("cites", ()), {"source": doc_id}]}
                changes.append(DocChange(model.CASES, str(case["id"]), copy.deepcopy(case), cited))
                title += f", cited on {model.CASES}[{_shown(str(case['id']))}]"
        return Operation(tuple(changes), title)

    # -- checking

    def _field_of(self, finding: Finding, op: Operation) -> str | None:
        """The form field a finding is about (``""``: the form as a whole;
        ``None``: another document's, shown as a whole-form line)."""
        if not op.changes:
            return ""
        main = next((c for c in reversed(op.changes) if c.table == self.spec.table), None)
        if main is None:
            return ""
        version = self.save_as == VERSION and self.can_version
        if (finding.table, finding.doc_id) != (main.table, main.doc_id):
            if version and finding.table == self.spec.table and finding.doc_id == self.doc_id:
                return ""
            return None
        path = finding.field
        prefix = ""
        if self.spec.item is not None:
            index = self.index
            if version or index is None:
                index = _changed_index(main, self.spec.item)
            prefix = f"{self.spec.item}[{index}]"
        elif self.spec.kind == "cite":
            prefix = self.cite_path or ""
        if prefix:
            if path == prefix:
                return ""
            if not path.startswith(prefix + "."):
                return None if self.spec.kind != "cite" else ""
            path = path[len(prefix) + 1 :]
        if path == "cites" or re.match(r"^cites\[[0-9]+\]\Z", path):
            return "cite.source"
        m = re.match(r"^cites\[([0-9]+)\]\.(\w+)", path)
        if m:
            return f"{CITE}{m.group(2)}"
        path = re.sub(r"\[[0-9]+\]\Z", "", path)
        names = {f.name for f in self.fields}
        if path in names:
            return path
        head = path.partition(".")[0].partition("[")[0]
        if head == "fine":
            return "fine.amount"
        return head if head in names else ""

    def check(self, store: Store) -> FormCheck:
        """Every reason the save would be refused or questioned, by field: the
        fields that cannot be read, then the core check of the operation (as
        ``validate`` and the store's commit check it)."""
        result = FormCheck()
        _, errors = self._values(store)
        for name, message in errors.items():
            result.add(name, message)
        typed_id = self.read(store, "id").value if self.mode == "add" and self._has_id else None
        if typed_id and store.get(self.spec.table, str(typed_id)) is not None:
            result.add("id", f"{self.spec.table} already holds {_shown(str(typed_id))!r}")
        for spec in CITE_FIELDS if self.spec.cites != "none" else ():
            error = self.read(store, spec.name).error
            if error is not None and self.text(spec.name).strip():
                result.add(spec.name, error)
        try:
            op = self.operation(store)
        except EditRefused as exc:
            for finding in exc.check.problems:
                result.add("", finding.message)
            return result
        result.operation = op
        core: Check = op.check(store, referrers=False)
        self._place(result, op, core)
        typed_over = self._typed_over(store)
        if typed_over:
            result.add("", typed_over, warning=True)
        for stale in core.stale:
            for line in _theirs(stale.table, stale.doc_id, stale.base, stale.theirs):
                result.add("", line)
        return result

    def _typed_over(self, store: Store) -> str | None:
        """A correction that changes the fact's values on the word of a source
        that is not among its cites looks like another source's version typed
        over the first: a warning that suggests saving it as a version."""
        if not self.can_version or self.save_as != CORRECTION:
            return None
        cite = self.new_cite(store)
        original = self.original or {}
        sources = {c.get("source") for c in original.get("cites", ()) if isinstance(c, dict)}
        if cite is None or cite.get("source") in sources:
            return None
        values, _ = self._values(store)
        if all(v == original.get(k) for k, v in values.items() if k not in ("id", "cites")):
            return None
        source = _shown(str(cite.get("source")), 40)
        return (
            f"the values changed, on the word of {source}, which is not among this fact's "
            f"sources: if {source} says otherwise, save as another version (both are kept); "
            "saving again corrects this fact"
        )

    def _place(self, result: FormCheck, op: Operation, core: Check) -> None:
        for warning, findings in ((False, core.problems), (True, core.warnings)):
            for finding in findings:
                name = self._field_of(finding, op)
                if name is None:
                    result.add("", str(finding), warning=warning)
                elif name in result.errors and not warning:
                    continue  # the field's own reading said it first
                else:
                    result.add(name, finding.message, warning=warning)


def _theirs(
    table: str, doc_id: str, base: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None
) -> list[str]:
    """What another program changed in a document since the form opened, field
    by field (``base`` → ``theirs``): shown beside the user's own version."""
    where = f"{table}[{_shown(doc_id)}]"
    if theirs is None:
        return [f"meanwhile another program deleted {where}"]
    if base is None:
        return [f"meanwhile another program added {where}"]
    out: list[str] = []
    for key in [*base, *(k for k in theirs if k not in base)]:
        if base.get(key) != theirs.get(key):
            old, new = _brief(base.get(key)), _brief(theirs.get(key))
            out.append(f"meanwhile another program changed {where}.{_shown(key)}: {old} → {new}")
    return out[:8]


def _brief(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    return _shown(str(value), 40)


def _changed_index(change: DocChange, name: str) -> int:
    """The position of the item an edit added or changed in a case's list (a
    first version that only gained its ``conflict`` key does not count)."""

    def bare(item: object) -> object:
        if isinstance(item, dict):
            return {k: v for k, v in item.items() if k != "conflict"}
        return item

    before = [bare(item) for item in (change.before or {}).get(name, ())]
    after = list((change.after or {}).get(name, ()))
    for i, item in enumerate(after):
        if i >= len(before) or bare(item) not in before:
            return i
    return max(len(after) - 1, 0)


def _at(doc: Mapping[str, Any], path: str) -> Doc | None:
    """The object at ``participants[2]`` (``""``: the document) inside a document."""
    if not path:
        return dict(doc)
    m = re.match(r"^(\w+)\[([0-9]+)\]\Z", path)
    if not m:
        return None
    items = doc.get(m.group(1), ())
    index = int(m.group(2))
    return dict(items[index]) if 0 <= index < len(items) else None


def _put_at(doc: Doc, path: str, value: Doc) -> Doc:
    if not path:
        return value
    m = re.match(r"^(\w+)\[([0-9]+)\]\Z", path)
    assert m is not None
    items = list(doc.get(m.group(1), ()))
    items[int(m.group(2))] = value
    return {**doc, m.group(1): items}


def _proceeding_label(proc: Mapping[str, Any]) -> str:
    level = humanise(str(proc.get("level", "")))
    kind = humanise(str(proc.get("kind", "")))
    when = model.human_date(proc.get("date"), "undated")
    outcome = f" · {proc['outcome']}" if proc.get("outcome") else ""
    return f"{kind} · {level} · {when}{outcome}"


# --------------------------------------------------------------- prefill


def _texts(spec: FormSpec, doc: Mapping[str, Any] | None) -> dict[str, str]:
    return {f.name: text_of(f, doc) for f in spec.all_fields}


def _new(
    spec: FormSpec,
    *,
    case_id: str | None = None,
    title: str = "",
    prefill: Mapping[str, str] | None = None,
    base: Doc | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> Form:
    texts = _texts(spec, None)
    texts.update(prefill or {})
    form = Form(
        spec,
        "add",
        None,
        case_id=case_id,
        base=base,
        texts=texts,
        fixed=dict(fixed or {}),
        title=title or f"new {spec.title}",
    )
    form.initial = dict(form.texts)
    return form


def _edit(
    store: Store,
    spec: FormSpec,
    doc_id: str | None,
    *,
    case_id: str | None = None,
    index: int | None = None,
    title: str = "",
) -> Form:
    table = spec.table
    base_id = case_id if spec.item is not None else doc_id
    base = store.get(table, base_id or "")
    if base is None:
        raise FormError(f"no {table} document {_shown(str(base_id))!r} in this store")
    form = Form(
        spec,
        "edit",
        doc_id,
        case_id=case_id,
        index=index,
        base=copy.deepcopy(base),
        title=title,
    )
    original = form.original
    if original is None:
        raise FormError(f"no such {spec.title} in {table}[{_shown(str(base_id))}]")
    form.texts = _texts(spec, original)
    for f in CITE_FIELDS:  # the cite section adds a cite: it starts empty
        form.texts[f.name] = ""
    form.initial = dict(form.texts)
    if not form.title:
        form.title = f"edit {spec.title}: {describe(store, table, original)}"
    return form


def describe(store: Store, table: str, fact: Mapping[str, Any]) -> str:
    """A fact in a few words, for a form's title (``Ny Sokha · appeal``)."""
    if table == model.PROCEEDINGS:
        text = _proceeding_label(fact)
    elif table == model.SENTENCES:
        proc = store.get(model.PROCEEDINGS, str(fact.get("proceeding", "")))
        level = f" · {humanise(str(proc.get('level')))}" if proc else ""
        text = f"{store.name_of(model.PARTIES, fact.get('party'))}{level}"
    elif "role" in fact:  # a participant
        text = f"{store.name_of(model.PARTIES, fact.get('party'))} ({humanise(str(fact['role']))})"
    elif "label" in fact:  # a charge or event
        who = store.name_of(model.PARTIES, fact.get("party"))
        text = f"{fact['label']}" + (f" · {who}" if who else "")
    else:
        text = str(fact.get("name") or fact.get("title") or fact.get("id", ""))
    return _shown(text, 70)


#: A cite as a row of the browser knows it: (source, quote, note).
CiteKey = tuple[str, "str | None", "str | None"]


def participant_index(
    store: Store, case_id: str, party_id: str, cites: Sequence[CiteKey] | None = None
) -> int | None:
    """The position of a party's participant entry in a case: the one with
    ``cites`` when given (versions of one party's role share the party and
    differ by their cites), else the first."""
    case = store.get(model.CASES, case_id) or {}
    found: list[int] = []
    for i, p in enumerate(case.get("participants", ())):
        if p.get("party") == party_id:
            found.append(i)
            keys = [
                (c.get("source"), c.get("quote"), c.get("note"))
                for c in p.get("cites", ())
                if isinstance(c, dict)
            ]
            if cites is not None and keys == list(cites):
                return i
    return found[0] if found else None


def edit_form(
    store: Store,
    selection: Selection | None,
    pane: str | None = None,
    *,
    cites: Sequence[CiteKey] | None = None,
) -> Form:
    """The form that edits what is selected: a case's header (the cases list),
    a participant and role (a party in a case's parties pane), a party (the
    party view), a charge, an event, a ruling or hearing, a sentence, a source
    or a court.  ``FormError`` when nothing editable is selected."""
    if selection is None:
        raise FormError("Nothing selected to edit here.")
    kind, sid, case_id = selection.kind, selection.id, selection.case_id
    if kind == "case":
        return _edit(store, SPECS["case"], sid)
    if kind == "party":
        if case_id is not None and pane == "parties":
            index = participant_index(store, case_id, sid, cites)
            if index is None:
                raise FormError("This party is not a participant of the case.")
            name = store.name_of(model.PARTIES, sid)
            return _edit(
                store,
                SPECS["participant"],
                sid,
                case_id=case_id,
                index=index,
                title=f"edit participant: {name}",
            )
        return _edit(store, SPECS["party"], sid)
    if kind in ("charge", "event"):
        index = selection.fact_index()
        if index is None or case_id is None:
            raise FormError(f"This {kind} cannot be found in its case.")
        return _edit(store, SPECS[kind], None, case_id=case_id, index=index)
    if kind in ("proceeding", "sentence", "source", "court"):
        doc = store.get(TABLE_OF[kind], sid)
        if doc is None:
            raise FormError(f"No {kind} {_shown(sid)!r} in this store.")
        form = _edit(store, SPECS[kind], sid)
        form.case_id = str(doc.get("case")) if doc.get("case") else case_id
        return form
    raise FormError(f"A {kind} cannot be edited in a form.")


TABLE_OF: Final = {
    "proceeding": model.PROCEEDINGS,
    "sentence": model.SENTENCES,
    "source": model.SOURCES,
    "court": model.COURTS,
    "case": model.CASES,
    "party": model.PARTIES,
}


def _ruling_prefill(store: Store, case_id: str, selected: Doc | None) -> dict[str, str]:
    """A new ruling on the ladder: the court the selected ruling appeals to (or
    the highest ruling's), at that court's level, about the same parties."""
    ladder = [p for p in store.proceedings_of(case_id) if not model.is_hearing(p)]
    below = selected or (ladder[-1] if ladder else None)
    out = {"kind": "ruling"}
    if below is None:
        out["level"] = "first_instance"
        return out
    court = store.get(model.COURTS, str(below.get("court", "")))
    upper = store.get(model.COURTS, str(court.get("appeals_to", ""))) if court else None
    if upper is not None:
        out["court"] = str(upper["id"])
        out["level"] = str(upper.get("level", ""))
    else:
        rank = model.LEVEL_RANK.get(str(below.get("level")), 0)
        out["level"] = model.COURT_LEVELS[min(rank + 1, len(model.COURT_LEVELS) - 1)]
    if below.get("parties"):
        out["parties"] = ", ".join(str(p) for p in below["parties"])
    return out


def _ruling_at(store: Store, case_id: str, level: str | None, party: str | None) -> str:
    """The latest ruling of the case at ``level`` that concerns ``party``."""
    case = store.get(model.CASES, case_id) or {}
    accused = model.accused_of(case)
    found = ""
    for proc in store.proceedings_of(case_id):
        if model.is_hearing(proc) or (level and proc.get("level") != level):
            continue
        if party is None or model.concerns(proc, party, accused):
            found = str(proc["id"])
    return found


def add_form(
    store: Store,
    pane: str | None,
    selection: Selection | None,
    case_id: str | None,
    *,
    row_level: str | None = None,
) -> Form:
    """The form that adds a fact of the focused pane's kind, prefilled from the
    cursor: a case (the cases list), a participant, charge or event (the
    parties pane, by the row under the cursor), a ruling on the ladder (court
    and level from the selected ruling), a sentence (the selected party at the
    selected level), a source.  ``FormError`` when there is no case to add to."""
    if pane == "cases" or (pane is None and case_id is None):
        return _new(SPECS["case"], prefill={"status": "open"})
    if pane == "sources":
        return _new(SPECS["source"], case_id=case_id, prefill={"kind": "news"})
    if case_id is None or store.get(model.CASES, case_id) is None:
        raise FormError("No case selected to add to.")
    case = store.get(model.CASES, case_id) or {}
    kind = selection.kind if selection is not None else None
    party = ""
    if selection is not None and kind == "party":
        party = selection.id
    elif selection is not None and kind in ("charge", "event"):
        index = selection.fact_index()
        items = case.get("charges" if kind == "charge" else "events", ())
        if index is not None and 0 <= index < len(items):
            party = str(items[index].get("party", ""))
    elif selection is not None and kind == "sentence":
        sent = store.get(model.SENTENCES, selection.id) or {}
        party = str(sent.get("party", ""))
    where = f" in {_shown(str(case.get('title', case_id)), 50)}"
    if pane == "parties":
        if kind == "charge":
            return _new(
                SPECS["charge"],
                case_id=case_id,
                base=copy.deepcopy(case),
                prefill={"party": party, "status": "charged"},
                title=f"new charge{where}",
            )
        if kind in ("event", "proceeding"):
            return _new(
                SPECS["event"],
                case_id=case_id,
                base=copy.deepcopy(case),
                prefill={"party": party},
                title=f"new event{where}",
            )
        return _new(
            SPECS["participant"],
            case_id=case_id,
            base=copy.deepcopy(case),
            prefill={"role": "defendant"},
            title=f"new participant{where}",
        )
    if pane == "ladder":
        selected = (
            store.get(model.PROCEEDINGS, selection.id)
            if selection is not None and kind == "proceeding"
            else None
        )
        return _new(
            SPECS["proceeding"],
            case_id=case_id,
            prefill=_ruling_prefill(store, case_id, selected),
            fixed={"case": case_id},
            title=f"new ruling{where}",
        )
    if pane == "sentences":
        level = row_level
        if selection is not None and kind == "sentence":
            sent = store.get(model.SENTENCES, selection.id) or {}
            proc = store.get(model.PROCEEDINGS, str(sent.get("proceeding", "")))
            level = level or (str(proc.get("level")) if proc else None)
        prefill = {"party": party, "penalty": "imprisonment"}
        ruling = _ruling_at(store, case_id, level, party or None)
        if ruling:
            prefill["proceeding"] = ruling
        return _new(
            SPECS["sentence"],
            case_id=case_id,
            prefill=prefill,
            fixed={"case": case_id},
            title=f"new sentence{where}",
        )
    raise FormError("Nothing can be added here.")


def fact_path(
    store: Store,
    selection: Selection,
    pane: str | None = None,
    cites: Sequence[CiteKey] | None = None,
) -> tuple[str, str, str]:
    """``(table, document id, path inside it)`` of the selected fact, for a cite
    (``cites``: the selected row's, which tell versions of a participant apart)."""
    kind, sid, case_id = selection.kind, selection.id, selection.case_id
    if kind == "party" and case_id is not None and pane in ("parties", None):
        index = participant_index(store, case_id, sid, cites)
        if index is not None:
            return model.CASES, case_id, f"participants[{index}]"
    if kind in ("charge", "event") and case_id is not None:
        index = selection.fact_index()
        if index is not None:
            return model.CASES, case_id, f"{'charges' if kind == 'charge' else 'events'}[{index}]"
    if kind in ("case", "party", "proceeding", "sentence"):
        return TABLE_OF[kind], sid, ""
    raise FormError(f"A {kind} does not take cites; select a fact.")


def cite_form(
    store: Store,
    selection: Selection | None,
    pane: str | None = None,
    *,
    source_id: str = "",
    quote: str = "",
    cites: Sequence[CiteKey] | None = None,
) -> Form:
    """A form adding one cite (source, quote, note) to the selected fact."""
    if selection is None:
        raise FormError("Select a fact to cite.")
    table, doc_id, path = fact_path(store, selection, pane, cites)
    base = store.get(table, doc_id)
    if base is None or _at(base, path) is None:
        raise FormError("The selected fact is not in the store.")
    spec = FormSpec("cite", "cite", table, (), cites="required")
    fact = _at(base, path) or {}
    what = {"": SPECS.get(selection.kind, spec).title}.get(path, path.partition("[")[0][:-1])
    form = Form(
        spec,
        "add",
        doc_id,
        case_id=selection.case_id,
        base=copy.deepcopy(base),
        cite_path=path,
        title=f"cite on {what}: {describe(store, table, fact)}",
    )
    form.texts = {f.name: "" for f in CITE_FIELDS}
    form.texts["cite.source"] = source_id
    form.texts["cite.quote"] = quote
    form.initial = {f.name: "" for f in CITE_FIELDS}
    return form


def edit_cite_form(
    store: Store,
    selection: Selection | None,
    pane: str | None,
    cite: Mapping[str, Any],
    row_cites: Sequence[CiteKey] | None = None,
) -> Form:
    """A form editing one cite of the selected fact (the one equal to ``cite``:
    its source, quote and note); emptying every field removes it."""
    if selection is None:
        raise FormError("Select a fact to edit its cites.")
    table, doc_id, path = fact_path(store, selection, pane, row_cites)
    base = store.get(table, doc_id)
    fact = _at(base, path) if base is not None else None
    if base is None or fact is None:
        raise FormError("The selected fact is not in the store.")
    wanted = {k: v for k, v in cite.items() if v is not None}
    cites = list(fact.get("cites", ()))
    index = next((i for i, c in enumerate(cites) if c == wanted), None)
    if index is None:
        raise FormError("This cite belongs to another version: select that version to edit it.")
    spec = FormSpec("cite", "cite", table, (), cites="required")
    form = Form(
        spec,
        "edit",
        doc_id,
        case_id=selection.case_id,
        base=copy.deepcopy(base),
        cite_path=path,
        cite_index=index,
        title=f"edit a cite of {describe(store, table, fact)}",
    )
    form.texts = {f.name: text_of(f, _uncited(cites[index])) for f in CITE_FIELDS}
    form.initial = dict(form.texts)
    return form


def _uncited(cite: Mapping[str, Any]) -> dict[str, Any]:
    """A cite's fields under the cite section's names (``cite.source`` …)."""
    return {f"{CITE}{k}": v for k, v in cite.items()}


def new_doc_form(kind: str, text: str) -> Form:
    """A nested form for a new party or source named ``text`` (a picker's
    "new party…"): saved with the form that asked for it."""
    spec = SPECS[kind]
    key = "name" if kind == "party" else "title"
    prefill = {key: text}
    if kind == "party":
        prefill["kind"] = "person"
    elif kind == "source":
        prefill["kind"] = "news"
    return _new(spec, prefill=prefill)


def pending_doc(store: Store, form: Form) -> tuple[str, Doc]:
    """The new document a nested form holds (checked by ``form.check``)."""
    values, _ = form._values(store)
    return form.table, form._fact(store, values)


__all__ = [
    "CITE",
    "CITE_FIELDS",
    "CORRECTION",
    "FIELD_KINDS",
    "PICKED",
    "SAVE_AS",
    "SAVE_AS_CHOICES",
    "SPECS",
    "VERSION",
    "CiteKey",
    "FieldSpec",
    "Form",
    "FormCheck",
    "FormError",
    "FormSpec",
    "Reading",
    "add_form",
    "cite_form",
    "describe",
    "edit_cite_form",
    "edit_form",
    "fact_path",
    "free_id",
    "new_doc_form",
    "participant_index",
    "pending_doc",
    "slug",
    "text_of",
]
