"""A party across all their cases: every sentence, level by level, with its
arithmetic, and every event that concerns them, in date order.

Everything comes from the case views (``casefiles.caseview``): a case is
resolved once and this module only picks what concerns one party, so a
sentence's served and remaining time here is exactly what the case screen
says.  ``part_of(view, party_id)`` is one case's share; ``PersonBuilder`` adds the
shares case by case in steps of bounded time (so that a screen can build a
party in thousands of cases between key presses); ``person_of(store,
party_id)`` builds the whole party at once.  No textual.
"""

from __future__ import annotations

import time
from bisect import insort
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
    """Sorted as the case view sorts them (the case's views are not kept: a
    party in thousands of cases would keep every other party of them too)."""


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
    return PersonPart(case, sentences, tuple(events))


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

    def custodial_sentences(self) -> list[PersonSentence]:
        """Sentences with a custodial part (time in prison)."""
        return [s for s in self.sentences if s.sentence.custodial]


EventUnit = tuple[tuple[int, int, int], int, list[PersonEvent]]
"""Events that stay together (one, or every version of one fact): the date key
of the first, an insertion number, the events."""


def _units(events: Sequence[PersonEvent]) -> list[list[PersonEvent]]:
    """One case's events by date, versions of one fact pulled together at the
    place of the first, cut into units that stay together."""
    ordered = sorted(events, key=lambda e: model.date_key(e.date))
    ordered = [ordered[i] for i in grouped_order([e.conflict for e in ordered])]
    units: list[list[PersonEvent]] = []
    for e in ordered:
        if units and e.conflict is not None and units[-1][0].conflict == e.conflict:
            units[-1].append(e)
        else:
            units.append([e])
    return units


class PersonBuilder:
    """Builds a ``Person`` case by case, so that a caller can spread the work:
    ``step(budget)`` adds cases until ``budget`` seconds are spent (a screen
    calls it between key presses); ``result()`` is the party so far.  Events
    are merged by date as each case comes in, so nothing at the end costs more
    than a step."""

    def __init__(self, store: Store, party_id: str, *, today: date | None = None) -> None:
        doc = store.get(model.PARTIES, party_id)
        if doc is None:
            raise KeyError(party_id)
        self.store = store
        self.party_id = party_id
        self.name = str(doc.get("name") or party_id)
        self.today = today or date.today()
        self.case_ids = store.cases_of_party(party_id)
        self.done = 0
        self.parts: list[PersonPart] = []
        self._units: list[EventUnit] = []
        self._seq = 0

    @property
    def total(self) -> int:
        """Cases to go through."""
        return len(self.case_ids)

    @property
    def finished(self) -> bool:
        """Every case has been added."""
        return self.done >= len(self.case_ids)

    def add_next(self) -> None:
        """Add the next case (a case that vanished from the store is skipped)."""
        case_id = self.case_ids[self.done]
        self.done += 1
        try:
            view = CaseView.of(self.store, case_id, today=self.today)
        except KeyError:
            return
        part = part_of(view, self.party_id)
        self.parts.append(part)
        for unit in _units(part.events):
            insort(self._units, (model.date_key(unit[0].date), self._seq, unit))
            self._seq += 1

    def step(self, budget: float = 0.008) -> bool:
        """Add cases for about ``budget`` seconds (at least one); true when done."""
        end = time.perf_counter() + budget
        while not self.finished:
            self.add_next()
            if time.perf_counter() >= end:
                break
        return self.finished

    def result(self) -> Person:
        """The party as far as built (``complete`` once every case is in)."""
        parts = tuple(self.parts)
        return Person(
            party_id=self.party_id,
            name=self.name,
            cases=tuple(p.case for p in parts),
            sentences=tuple(s for p in parts for s in p.sentences),
            events=tuple(e for _, _, unit in self._units for e in unit),
            parts=parts,
            complete=self.finished,
        )


def person_of(
    store: Store,
    party_id: str,
    *,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
    every: int = 200,
) -> Person:
    """The party's whole record from the case views of all its cases:
    sentences case by case (each case's in ladder order), events of every case
    by date (versions of one fact together, undated last).

    ``progress(done, total)`` is called every ``every`` cases and at the end;
    ``stop()`` returning true ends the walk early (the result is then marked
    incomplete).  Views are built directly (not through the shared cache).
    ``KeyError`` when there is no such party.
    """
    builder = PersonBuilder(store, party_id, today=today)
    while not builder.finished:
        if stop is not None and stop():
            break
        builder.add_next()
        if progress is not None and builder.done % every == 0:
            progress(builder.done, builder.total)
    if progress is not None and builder.finished:
        progress(builder.total, builder.total)
    return builder.result()


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
    "PersonBuilder",
    "PersonCase",
    "PersonEvent",
    "PersonPart",
    "PersonSentence",
    "part_of",
    "person_of",
    "sentence_parts",
]
