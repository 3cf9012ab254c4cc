"""A party across all their cases: every sentence, level by level, with its
arithmetic, and every event that concerns them, in date order.

Everything comes from the case views (``casefiles.caseview``): a case is
resolved once and this module only picks what concerns one party, so a
sentence's served and remaining time here is exactly what the case screen
says.  ``part_of(view, party_id)`` is one case's share; ``Person.assemble``
puts the shares together; ``person_of(store, party_id)`` does both, and can
report progress and stop early, so that a screen can build a party that is in
thousands of cases off the UI thread.  No textual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from casefiles import model
from casefiles.caseview import (
    CaseView,
    CiteView,
    EventView,
    RulingView,
    SentenceView,
    grouped_order,
)
from casefiles.model import PartyOutcome, humanise
from casefiles.store import Store

ItemKind = Literal["event", "hearing", "ruling"]


@dataclass(frozen=True, slots=True)
class PersonCase:
    """One case of the party: its roles there and latest outcome."""

    case_id: str
    title: str
    status: str
    roles: tuple[str, ...]
    latest: PartyOutcome | None
    accused: bool
    cites: tuple[CiteView, ...]


@dataclass(frozen=True, slots=True)
class PersonSentence:
    """A sentence of the party, with the case it was imposed in."""

    case_id: str
    case_title: str
    sentence: SentenceView


@dataclass(frozen=True, slots=True)
class PersonEvent:
    """Something dated that concerns the party: a recorded event (arrest, bail,
    release, pardon …), a hearing, or a ruling on the merits."""

    case_id: str
    case_title: str
    kind: ItemKind
    fact: EventView | RulingView
    case_wide: bool
    """The event names nobody in particular; it concerns every accused of the case."""

    @property
    def date(self) -> str | None:
        """The stored partial date."""
        return self.fact.date

    @property
    def conflict(self) -> str | None:
        """The conflict key, unique across cases."""
        key = self.fact.conflict
        return f"{self.case_id}:{key}" if key else None

    @property
    def what(self) -> str:
        """``arrest``, ``hearing``, ``ruling`` …: the kind for a column."""
        if isinstance(self.fact, RulingView):
            return "ruling"
        return self.fact.event_kind

    @property
    def text(self) -> str:
        """What happened, in one line (without the date)."""
        fact = self.fact
        if isinstance(fact, RulingView):
            text = f"{fact.level_text}: {fact.outcome or 'no outcome recorded'}"
            if fact.court_name:
                text += f" ({fact.court_name})"
            return text
        text = fact.label
        if fact.outcome:
            text += f": {humanise(fact.outcome)}"
        return text


@dataclass(frozen=True, slots=True)
class PersonPart:
    """What one case says about the party."""

    case: PersonCase
    sentences: tuple[PersonSentence, ...]
    events: tuple[PersonEvent, ...]
    view: CaseView


def _concerns_ruling(ruling: RulingView, party_id: str, accused: bool) -> bool:
    if ruling.parties:
        return party_id in ruling.parties
    return accused


def part_of(view: CaseView, party_id: str) -> PersonPart:
    """The party's share of one case: roles, sentences (ladder order) and the
    events, hearings and rulings that concern them.  An event or hearing that
    names no party counts for each accused of the case (``case_wide``)."""
    mine = [p for p in view.parties if p.party_id == party_id]
    roles = tuple(dict.fromkeys(p.role for p in mine))
    accused = any(r in model.ACCUSED_ROLES for r in roles)
    title = view.title
    case = PersonCase(
        case_id=view.id,
        title=title,
        status=view.status,
        roles=roles,
        latest=next((p.latest for p in mine if p.latest is not None), None),
        accused=accused,
        cites=tuple(c for p in mine for c in p.cites),
    )
    sentences = tuple(PersonSentence(view.id, title, s) for s in view.sentences_of(party_id))
    events: list[PersonEvent] = []
    for e in view.events:
        if e.party_id == party_id:
            wide = False
        elif e.party_id is None and accused:
            wide = True
        else:
            continue
        kind: ItemKind = "hearing" if e.kind == "proceeding" else "event"
        events.append(PersonEvent(view.id, title, kind, e, wide))
    for r in view.ladder:
        if _concerns_ruling(r, party_id, accused):
            events.append(PersonEvent(view.id, title, "ruling", r, not r.parties))
    return PersonPart(case, sentences, tuple(events), view)


@dataclass(frozen=True, slots=True)
class Person:
    """A party across their cases (see the module docstring)."""

    party_id: str
    name: str
    cases: tuple[PersonCase, ...]
    sentences: tuple[PersonSentence, ...]
    events: tuple[PersonEvent, ...]
    parts: tuple[PersonPart, ...]
    complete: bool = True
    """False when building stopped early (``person_of`` with ``stop``)."""

    @classmethod
    def assemble(
        cls, party_id: str, name: str, parts: Sequence[PersonPart], *, complete: bool = True
    ) -> Person:
        """Put the cases' shares together: sentences case by case (each case's
        in ladder order), events of every case by date (versions of one fact
        kept together, undated last)."""
        events = [e for part in parts for e in part.events]
        events.sort(key=lambda e: model.date_key(e.date))
        order = grouped_order([e.conflict for e in events])
        return cls(
            party_id=party_id,
            name=name,
            cases=tuple(p.case for p in parts),
            sentences=tuple(s for p in parts for s in p.sentences),
            events=tuple(events[i] for i in order),
            parts=tuple(parts),
            complete=complete,
        )

    def custodial_sentences(self) -> list[PersonSentence]:
        """Sentences with a custodial part (time in prison)."""
        return [s for s in self.sentences if s.sentence.custodial]


def person_of(
    store: Store,
    party_id: str,
    *,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
    every: int = 200,
) -> Person:
    """Build the party's whole record from the case views of all its cases.

    ``progress(done, total)`` is called every ``every`` cases and at the end;
    ``stop()`` returning true ends the walk early (the result is then marked
    incomplete).  Views are built directly (not through the shared cache), so
    this may run in a worker thread.  ``KeyError`` when there is no such party.
    """
    doc = store.get(model.PARTIES, party_id)
    if doc is None:
        raise KeyError(party_id)
    name = str(doc.get("name") or party_id)
    when = today or date.today()
    case_ids = store.cases_of_party(party_id)
    parts: list[PersonPart] = []
    complete = True
    for i, case_id in enumerate(case_ids):
        if stop is not None and stop():
            complete = False
            break
        try:
            view = CaseView.of(store, case_id, today=when)
        except KeyError:
            continue
        parts.append(part_of(view, party_id))
        if progress is not None and (i + 1) % every == 0:
            progress(i + 1, len(case_ids))
    if progress is not None and complete:
        progress(len(case_ids), len(case_ids))
    return Person.assemble(party_id, name, parts, complete=complete)


def sentence_parts(s: SentenceView) -> list[tuple[str, str]]:
    """Every part of a custodial sentence's arithmetic, named (``none`` when
    absent): term, suspended, custodial, pre-trial credit, served, remaining."""
    if not s.term:
        return []
    parts = [
        ("term", s.term.human()),
        ("suspended", s.suspended.human()),
        ("custodial", s.custodial.human()),
        ("pre-trial credit", s.pretrial.human() + (" (from events)" if s.pretrial_derived else "")),
    ]
    if s.custodial:
        parts.append(("served", s.served.human() if s.served is not None else "none recorded"))
        parts.append(("remaining", s.remaining_text()))
    return parts


__all__ = [
    "ItemKind",
    "Person",
    "PersonCase",
    "PersonEvent",
    "PersonPart",
    "PersonSentence",
    "part_of",
    "person_of",
    "sentence_parts",
]
