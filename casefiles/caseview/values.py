"""The typed, immutable values a case is resolved into: sources and cites,
parties with roles, charges, events and hearings, rulings, sentences with their
arithmetic, conflict groups, and the ``CaseView`` that holds them all.

Display strings several formatters share (a sentence's one-line summary, a
date's human form) are methods here; no textual.

Structs (msgspec), not dataclasses: created in C at import, which the
browser's first frame waits for (and built faster on every cursor move).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

from msgspec import Struct, field

from casefiles import model
from casefiles.custody import Custody
from casefiles.model import Duration, PartyOutcome, humanise
from casefiles.store import Store

FactKind = Literal["case", "party", "charge", "event", "proceeding", "sentence", "source", "court"]


def text_or_none(value: object) -> str | None:
    """A non-empty string value, else ``None``."""
    return value if isinstance(value, str) and value else None


# ----------------------------------------------------------------- sources


class SourceView(Struct, frozen=True):
    """A source as facts cite it."""

    id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    kind: str | None = None
    language: str | None = None
    file: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> SourceView:
        """From a stored ``sources`` document."""
        return cls(
            id=str(doc["id"]),
            title=str(doc.get("title") or doc["id"]),
            publisher=text_or_none(doc.get("publisher")),
            published=text_or_none(doc.get("published")),
            url=text_or_none(doc.get("url")),
            kind=text_or_none(doc.get("kind")),
            language=text_or_none(doc.get("language")),
            file=text_or_none(doc.get("file")),
            note=text_or_none(doc.get("note")),
        )

    @property
    def date_text(self) -> str:
        """``3 Mar 2023`` or ``undated``."""
        return model.human_date(self.published, "undated")

    @property
    def who(self) -> str:
        """The publisher, else the title."""
        return self.publisher or self.title


class CiteView(Struct, frozen=True):
    """One cite: the source (``None`` when the id names no stored source), the
    quote and note."""

    source_id: str
    source: SourceView | None
    quote: str | None = None
    note: str | None = None

    @property
    def unsure(self) -> bool:
        """The cite's note marks the fact as open (``UNSURE: …``)."""
        return bool(self.note and self.note.startswith("UNSURE"))


def source_ids(cites: Iterable[CiteView]) -> list[str]:
    """The cited source ids in order, each once."""
    return list(dict.fromkeys(c.source_id for c in cites))


# ------------------------------------------------------------------- facts


class Fact(Struct, frozen=True):
    """What every fact of a case has: its kind and selection key, its cites and,
    when sources disagree, the key of its conflict group."""

    kind: FactKind
    key: str
    cites: tuple[CiteView, ...]
    conflict: str | None

    @property
    def unsure(self) -> bool:
        """Some cite marks the fact as open."""
        return any(c.unsure for c in self.cites)


class PartyView(Fact, frozen=True):
    """A party's role in the case (one participant entry)."""

    party_id: str = ""
    name: str = ""
    party_kind: str | None = None
    aliases: tuple[str, ...] = ()
    role: str = ""
    role_raw: str | None = None
    latest: PartyOutcome | None = None
    description: str | None = None

    @property
    def role_text(self) -> str:
        """``defendant`` (vocabulary value for display)."""
        return humanise(self.role)


class ChargeView(Fact, frozen=True):
    """A charge against one party."""

    index: int = 0
    party_id: str | None = None
    party_name: str = ""
    label: str = ""
    law: str | None = None
    article: str | None = None
    status: str | None = None

    @property
    def where(self) -> str:
        """``Criminal Code art. 548`` (empty when neither is known)."""
        text = self.law or ""
        if self.article:
            text = f"{text} art. {self.article}".strip()
        return text


class EventView(Fact, frozen=True):
    """A dated happening: a stored event (``kind == "event"``, keyed by its
    position) or a hearing (``kind == "proceeding"``, keyed by its id)."""

    date: str | None = None
    event_kind: str = "other"
    label: str = ""
    party_id: str | None = None
    party_name: str = ""
    index: int | None = None
    court_name: str = ""
    outcome: str | None = None

    @property
    def date_text(self) -> str:
        """Human form of the date."""
        return model.human_date(self.date)


class RulingView(Fact, frozen=True):
    """A ruling on the merits: one rung of the court ladder."""

    id: str = ""
    level: str = ""
    step: int = 0
    court_id: str | None = None
    court_name: str = ""
    stage: str | None = None
    date: str | None = None
    outcome: str | None = None
    absent: tuple[str, ...] = ()
    absent_names: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    summary: str | None = None

    @property
    def date_text(self) -> str:
        """Human form of the ruling date."""
        return model.human_date(self.date)

    @property
    def level_text(self) -> str:
        """``first instance``."""
        return humanise(self.level)


class SentenceView(Fact, frozen=True):
    """A penalty on one party, with its arithmetic and what custody events say."""

    id: str = ""
    party_id: str = ""
    party_name: str = ""
    proceeding: str | None = None
    level: str | None = None
    court_name: str = ""
    ruling_date: str | None = None
    outcome: str | None = None
    penalty: str = ""
    status: str | None = None
    term: Duration = field(default_factory=Duration)
    suspended: Duration = field(default_factory=Duration)
    custodial: Duration = field(default_factory=Duration)
    pretrial: Duration = field(default_factory=Duration)
    pretrial_derived: bool = False
    amount: float | int | None = None
    currency: str | None = None
    custody: Custody | None = None

    @property
    def served(self) -> Duration | None:
        """Time in custody recorded by events (``None`` when none are recorded).
        While custody has no recorded end, no more than the custodial part is
        counted: beyond it the record is silent, not proof of longer detention."""
        if self.custody is None or not self.custody.spans:
            return None
        served = self.custody.served
        if self.custody.ongoing and self.custodial and not (self.custodial - served):
            return self.custodial
        return served

    @property
    def remaining(self) -> Duration:
        """What is left to serve: nothing after a pardon or a release after the
        ruling; else the custodial part less the time served (recorded custody,
        or the stated pre-trial credit when no custody is recorded)."""
        if self.ended is not None:
            return Duration()
        if self.custody is not None and self.custody.spans:
            return self.custodial - self.custody.served
        return self.custodial - self.pretrial

    @property
    def ended(self) -> tuple[str, str | None] | None:
        """``("pardoned"|"released", date)`` when the party's custody ended for
        good after the ruling, else ``None``."""
        if self.custody is None or not self.custodial:
            return None
        return self.custody.ended_after(self.ruling_date)

    @property
    def amount_label(self) -> str:
        """``compensation`` or ``fine``: what the amount is."""
        return "compensation" if self.penalty == "compensation" else "fine"

    @property
    def amount_text(self) -> str | None:
        """``fine 2,000,000 KHR`` (``None`` without an amount)."""
        if self.amount is None:
            return None
        return f"{self.amount_label} {self.amount:,} {self.currency or ''}".rstrip()

    @property
    def level_text(self) -> str:
        """The ruling's level, or ``level unknown``."""
        return humanise(self.level) if self.level else "level unknown"

    def arithmetic(self) -> list[tuple[str, str]]:
        """The parts worth saying, as ``(label, value)``: suspended, custodial,
        pre-trial (marked when derived from events), served, remaining, and the
        fine or compensation."""
        parts: list[tuple[str, str]] = []
        if self.suspended:
            parts.append(("suspended", self.suspended.human()))
            parts.append(("custodial", self.custodial.human()))
        if self.pretrial:
            how = " (from events)" if self.pretrial_derived else ""
            parts.append(("pre-trial", self.pretrial.human() + how))
        if self.served is not None and self.custodial:
            parts.append(("served", self.served.human()))
        if self.custodial:
            parts.append(("remaining", self.remaining_text()))
        if self.amount_text:
            parts.append((self.amount_label, self.amount_text.split(" ", 1)[1]))
        return parts

    def summary(self) -> str:
        """One line: ``imprisonment 5 years (4 years 6 months suspended;
        custodial 6 months; served 1 year; remaining none, pardoned 2018-08-20)``."""
        head = humanise(self.penalty) + (f" {self.term.human()}" if self.term else "")
        parts = self.arithmetic()
        if self.penalty == self.amount_label and self.amount_text:
            # a fine or compensation is its amount: "fine 5,000,000 KHR", said once
            head = self.amount_text
            parts = [(label, value) for label, value in parts if label != self.amount_label]
        extras = [
            f"{value} suspended" if label == "suspended" else f"{label} {value}"
            for label, value in parts
        ]
        return f"{head} ({'; '.join(extras)})" if extras else head

    def remaining_text(self) -> str:
        """``2 years 6 months``, ``none (pardoned 20 Aug 2018)``."""
        ended = self.ended
        if ended is not None:
            how, when = ended
            return f"none ({how} {model.human_date(when)})"
        text = self.remaining.human()
        if self.custody is not None and self.custody.ongoing:
            if self.remaining:
                text += f" (in custody, as of {model.human_date(self.custody.as_of)})"
            else:
                by = self.custody.reached(self.custodial)
                when = f" by {model.human_date(by)}" if by else ""
                text += f" (custodial part served{when}; no release recorded)"
        return text


class ConflictGroup(Struct, frozen=True):
    """Versions of one fact that sources disagree on."""

    key: str
    facts: tuple[Fact, ...]


class RelatedCase(Struct, frozen=True):
    """A related case named by the case (only those in the store)."""

    id: str
    title: str
    status: str


# ------------------------------------------------------------------- case


class CaseView(Struct, frozen=True):
    """Everything known about one case, resolved once."""

    id: str
    title: str
    status: str
    country: str | None
    tags: tuple[str, ...]
    summary: str | None
    cites: tuple[CiteView, ...]
    parties: tuple[PartyView, ...]
    charges: tuple[ChargeView, ...]
    events: tuple[EventView, ...]
    ladder: tuple[RulingView, ...]
    sentences: tuple[SentenceView, ...]
    sources: tuple[SourceView, ...]
    related: tuple[RelatedCase, ...]
    conflicts: Mapping[str, ConflictGroup]

    @classmethod
    def of(cls, store: Store, case_id: str, *, today: date | None = None) -> CaseView:
        """Resolve ``case_id``; raise ``KeyError`` when the store has no such case."""
        from casefiles.caseview.build import build_view

        return build_view(store, case_id, today or date.today())

    # -- lookups

    def facts(self) -> Iterable[Fact]:
        """Every fact of the case: parties, charges, events, rulings, sentences."""
        yield from self.parties
        yield from self.charges
        yield from self.events
        yield from self.ladder
        yield from self.sentences

    def fact(self, kind: str, key: str) -> Fact | None:
        """The fact selected as ``(kind, key)``, if the case has it."""
        for f in self.facts():
            if f.kind == kind and f.key == key:
                return f
        return None

    def versions(self, fact: Fact) -> tuple[Fact, ...]:
        """Every version of a fact under conflict (just the fact otherwise)."""
        if fact.conflict and fact.conflict in self.conflicts:
            return self.conflicts[fact.conflict].facts
        return (fact,)

    def party(self, party_id: str) -> PartyView | None:
        """The first participant entry of ``party_id``."""
        return next((p for p in self.parties if p.party_id == party_id), None)

    def all_cites(self) -> list[CiteView]:
        """Every cite of the case and its facts, in order."""
        out = list(self.cites)
        for f in self.facts():
            out.extend(f.cites)
        return out

    def quotes_from(self, source_id: str) -> list[str]:
        """The distinct quotes the case's cites take from one source."""
        quotes = dict.fromkeys(
            c.quote for c in self.all_cites() if c.source_id == source_id and c.quote
        )
        return [q for q in quotes if q]

    def names(self) -> list[str]:
        """Names and aliases of every party in the case, each once."""
        names: dict[str, None] = {}
        for p in self.parties:
            for name in (p.name, *p.aliases):
                if name:
                    names.setdefault(name, None)
        return list(names)

    def latest_ruling(self) -> RulingView | None:
        """The last rung of the ladder (highest level, latest date)."""
        return self.ladder[-1] if self.ladder else None

    def sentences_of(self, party_id: str) -> list[SentenceView]:
        """The sentences of one party, by ladder order."""
        return [s for s in self.sentences if s.party_id == party_id]
