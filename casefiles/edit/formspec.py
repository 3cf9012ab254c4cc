"""What each form asks for: one ``FormSpec`` per kind of fact, without a user interface.

A ``FormSpec`` says what one kind of fact asks for (a case's header, a party,
a participant with a role, a charge, an event, a proceeding, a sentence, a
source, a court, a cite): its fields (``FieldSpec``), their kinds (a line, a
text, a date, a duration, a vocabulary, a party/court/source to pick …),
which are required and the vocabularies.  ``SPECS`` holds every form by kind.
``casefiles.edit.forms`` fills them in; ``casefiles.edit.formopen`` opens
them from where the cursor is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from casefiles import model

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
