"""One case resolved once into typed, immutable values.

``CaseView.of(store, case_id)`` reads a case, its proceedings, sentences and
sources once and resolves every reference: parties with their roles and latest
outcome, charges, dated events (hearings among them), the court ladder of
rulings, sentences with their arithmetic, sources, conflict groups and every
cite with its source.  The browser's panes, the dossier (``casefiles show`` and
``d``), the clipboard and export only format these values; none of them walks
the raw documents again.

Nothing here imports textual or formats for a screen; display strings that
several formatters share (a sentence's one-line summary, a date's human form)
are methods of the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

from casefiles import model
from casefiles.custody import Custody, custody_of
from casefiles.model import Duration, PartialDate, PartyOutcome, humanise, parse_date
from casefiles.store import Store

FactKind = Literal["case", "party", "charge", "event", "proceeding", "sentence", "source", "court"]

#: ``[S30]``-style source references inside free text (summaries).
_REF: Final = re.compile(r"\[([A-Za-z][A-Za-z0-9_-]*)\]")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# ----------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourceView:
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
            publisher=_str(doc.get("publisher")),
            published=_str(doc.get("published")),
            url=_str(doc.get("url")),
            kind=_str(doc.get("kind")),
            language=_str(doc.get("language")),
            file=_str(doc.get("file")),
            note=_str(doc.get("note")),
        )

    @property
    def date_text(self) -> str:
        """``3 Mar 2023`` or ``undated``."""
        return model.human_date(self.published, "undated")

    @property
    def who(self) -> str:
        """The publisher, else the title."""
        return self.publisher or self.title


@dataclass(frozen=True, slots=True)
class CiteView:
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


@dataclass(frozen=True, slots=True)
class Fact:
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


@dataclass(frozen=True, slots=True)
class PartyView(Fact):
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


@dataclass(frozen=True, slots=True)
class ChargeView(Fact):
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


@dataclass(frozen=True, slots=True)
class EventView(Fact):
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


@dataclass(frozen=True, slots=True)
class RulingView(Fact):
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


@dataclass(frozen=True, slots=True)
class SentenceView(Fact):
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
        """Time in custody recorded by events (``None`` when none are recorded)."""
        return self.custody.served if self.custody else None

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

    def summary(self) -> str:
        """One line: ``imprisonment 5 years (4 years 6 months suspended;
        custodial 6 months; served 1 year; remaining none, pardoned 2018-08-20)``."""
        parts = [humanise(self.penalty)]
        if self.term:
            parts.append(self.term.human())
        extras: list[str] = []
        if self.suspended:
            extras.append(f"{self.suspended.human()} suspended")
            extras.append(f"custodial {self.custodial.human()}")
        if self.pretrial:
            how = " (from events)" if self.pretrial_derived else ""
            extras.append(f"pre-trial {self.pretrial.human()}{how}")
        if self.served is not None and self.custodial:
            extras.append(f"served {self.served.human()}")
        if self.custodial:
            extras.append("remaining " + self.remaining_text())
        if self.amount_text:
            extras.append(self.amount_text)
        text = " ".join(parts)
        return f"{text} ({'; '.join(extras)})" if extras else text

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
                text += " (custodial part served; no release recorded)"
        return text


@dataclass(frozen=True, slots=True)
class ConflictGroup:
    """Versions of one fact that sources disagree on."""

    key: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class RelatedCase:
    """A related case named by the case (only those in the store)."""

    id: str
    title: str
    status: str


# ------------------------------------------------------------------- case


@dataclass(frozen=True, slots=True)
class CaseView:
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
        case = store.get(model.CASES, case_id)
        if case is None:
            raise KeyError(case_id)
        return _Builder(store, case, today or date.today()).build()

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


# --------------------------------------------------------------- building


def _cite_views(store: Store, raw: object) -> tuple[CiteView, ...]:
    if not isinstance(raw, list):
        return ()
    out: list[CiteView] = []
    for c in raw:
        if not isinstance(c, Mapping):
            continue
        sid = str(c.get("source", ""))
        doc = store.get(model.SOURCES, sid)
        out.append(
            CiteView(
                sid,
                SourceView.of(doc) if doc is not None else None,
                _str(c.get("quote")),
                _str(c.get("note")),
            )
        )
    return tuple(out)


def case_cites_of(store: Store, case: Mapping[str, Any]) -> tuple[CiteView, ...]:
    """A case's own cites; without any, the sources its summary names as
    ``[S30]``-style references."""
    own = _cite_views(store, case.get("cites"))
    if own:
        return own
    refs: dict[str, None] = {}
    for ref in _REF.findall(str(case.get("summary") or "")):
        for sid in (ref, ref.lower()):
            if store.get(model.SOURCES, sid) is not None:
                refs.setdefault(sid, None)
                break
    return _cite_views(store, [{"source": s} for s in refs])


def grouped_order(keys: Sequence[str | None]) -> list[int]:
    """Indexes in their order, except that items sharing a conflict key are
    pulled together at the place of the first one."""
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key:
            groups.setdefault(key, []).append(i)
    order: list[int] = []
    done: set[str] = set()
    for i, key in enumerate(keys):
        if not key:
            order.append(i)
        elif key not in done:
            done.add(key)
            order.extend(groups[key])
    return order


def absent_parties(proc: Mapping[str, Any], accused: frozenset[str]) -> tuple[str, ...]:
    """Parties tried in absentia in a proceeding (schema 2 ``absent``; a schema 1
    ``in_absentia`` flag means the parties it names, else the accused)."""
    absent = proc.get("absent")
    if isinstance(absent, list):
        return tuple(str(p) for p in absent)
    if proc.get("in_absentia"):
        return tuple(proc.get("parties") or sorted(accused))
    return ()


class _Builder:
    """Resolves one case; used once by ``CaseView.of``."""

    def __init__(self, store: Store, case: Mapping[str, Any], today: date) -> None:
        self.store = store
        self.case = case
        self.today = today
        self.case_id = str(case["id"])
        procs = store.proceedings_of(self.case_id)
        self.rulings = [p for p in procs if not model.is_hearing(p)]
        self.hearings = [p for p in procs if model.is_hearing(p)]
        self.sents = store.sentences_of(self.case_id)
        raw_facts: list[Mapping[str, Any]] = [
            *case.get("participants", ()),
            *case.get("charges", ()),
            *case.get("events", ()),
            *procs,
            *self.sents,
        ]
        self.group_sizes: dict[str, int] = {}
        for f in raw_facts:
            key = f.get("conflict")
            if key:
                self.group_sizes[str(key)] = self.group_sizes.get(str(key), 0) + 1
        self.accused = model.accused_of(case)

    def conflict(self, fact: Mapping[str, Any]) -> str | None:
        """The fact's conflict key when another fact shares it (a lone key is none)."""
        key = fact.get("conflict")
        return str(key) if key and self.group_sizes.get(str(key), 0) > 1 else None

    def name(self, table: str, doc_id: object) -> str:
        return self.store.name_of(table, doc_id)

    def cites(self, fact: Mapping[str, Any]) -> tuple[CiteView, ...]:
        return _cite_views(self.store, fact.get("cites"))

    def build(self) -> CaseView:
        case = self.case
        ladder = self._ladder()
        outcomes = model.latest_outcomes(self.case, self.rulings)
        parties = self._parties(outcomes)
        charges = self._charges()
        events = self._events()
        sentences = self._sentences(ladder, parties, events)
        all_facts: list[Fact] = [*parties, *charges, *events, *ladder, *sentences]
        groups: dict[str, list[Fact]] = {}
        for f in all_facts:
            if f.conflict:
                groups.setdefault(f.conflict, []).append(f)
        related = tuple(
            RelatedCase(r, str(doc.get("title", r)), str(doc.get("status", "")))
            for r in case.get("related", ())
            if (doc := self.store.get(model.CASES, r)) is not None
        )
        return CaseView(
            id=self.case_id,
            title=str(case.get("title", self.case_id)),
            status=str(case.get("status", "unknown")),
            country=_str(case.get("country")),
            tags=tuple(str(t) for t in case.get("tags", ())),
            summary=_str(case.get("summary")),
            cites=self._case_cites(),
            parties=parties,
            charges=charges,
            events=events,
            ladder=ladder,
            sentences=sentences,
            sources=tuple(SourceView.of(s) for s in self.store.sources_of(self.case_id)),
            related=related,
            conflicts={k: ConflictGroup(k, tuple(v)) for k, v in groups.items()},
        )

    def _case_cites(self) -> tuple[CiteView, ...]:
        return case_cites_of(self.store, self.case)

    def _ladder(self) -> tuple[RulingView, ...]:
        out: list[RulingView] = []
        for proc in self.rulings:
            level = str(proc.get("level", ""))
            absent = absent_parties(proc, self.accused)
            out.append(
                RulingView(
                    kind="proceeding",
                    key=str(proc["id"]),
                    cites=self.cites(proc),
                    conflict=self.conflict(proc),
                    id=str(proc["id"]),
                    level=level,
                    step=model.LEVEL_RANK.get(level, len(model.COURT_LEVELS)) + 1,
                    court_id=_str(proc.get("court")),
                    court_name=self.name(model.COURTS, proc.get("court")),
                    stage=_str(proc.get("stage")),
                    date=_str(proc.get("date")),
                    outcome=_str(proc.get("outcome")),
                    absent=absent,
                    absent_names=tuple(self.name(model.PARTIES, p) for p in absent),
                    parties=tuple(proc.get("parties") or ()),
                    summary=_str(proc.get("summary")),
                )
            )
        return tuple(out)

    def _parties(self, outcomes: Mapping[str, PartyOutcome]) -> tuple[PartyView, ...]:
        participants = list(self.case.get("participants", ()))
        out: list[PartyView] = []
        for i in grouped_order([self.conflict(p) for p in participants]):
            p = participants[i]
            pid = str(p["party"])
            doc = self.store.get(model.PARTIES, pid) or {}
            out.append(
                PartyView(
                    kind="party",
                    key=pid,
                    cites=self.cites(p),
                    conflict=self.conflict(p),
                    party_id=pid,
                    name=str(doc.get("name") or pid),
                    party_kind=_str(doc.get("kind")),
                    aliases=tuple(str(a) for a in doc.get("aliases", ())),
                    role=str(p.get("role", "")),
                    role_raw=_str(p.get("role_raw")),
                    latest=outcomes.get(pid),
                    description=_str(doc.get("description")),
                )
            )
        return tuple(out)

    def _charges(self) -> tuple[ChargeView, ...]:
        charges = list(self.case.get("charges", ()))
        out: list[ChargeView] = []
        for i in grouped_order([self.conflict(c) for c in charges]):
            c = charges[i]
            out.append(
                ChargeView(
                    kind="charge",
                    key=f"{self.case_id}#{i}",
                    cites=self.cites(c),
                    conflict=self.conflict(c),
                    index=i,
                    party_id=_str(c.get("party")),
                    party_name=self.name(model.PARTIES, c.get("party")),
                    label=str(c.get("label", "")),
                    law=_str(c.get("law")),
                    article=_str(c.get("article")),
                    status=_str(c.get("status")),
                )
            )
        return tuple(out)

    def _events(self) -> tuple[EventView, ...]:
        """Stored events and hearings, by date; versions of one fact together."""
        items: list[EventView] = []
        for i, e in enumerate(self.case.get("events", ())):
            items.append(
                EventView(
                    kind="event",
                    key=f"{self.case_id}#{i}",
                    cites=self.cites(e),
                    conflict=self.conflict(e),
                    date=_str(e.get("date")),
                    event_kind=str(e.get("kind") or "other"),
                    label=str(e.get("label", "")),
                    party_id=_str(e.get("party")),
                    party_name=self.name(model.PARTIES, e.get("party")),
                    index=i,
                )
            )
        for proc in self.hearings:
            kind = str(proc.get("kind", "hearing"))
            label = f"{humanise(kind)} hearing" if kind != "hearing" else "hearing"
            if kind == "adjournment":
                label = "hearing adjourned"
            if proc.get("level"):
                label += f" ({humanise(str(proc['level']))})"
            named = [str(p) for p in proc.get("parties") or ()]
            items.append(
                EventView(
                    kind="proceeding",
                    key=str(proc["id"]),
                    cites=self.cites(proc),
                    conflict=self.conflict(proc),
                    date=_str(proc.get("date")),
                    event_kind="hearing",
                    label=label,
                    party_id=named[0] if len(named) == 1 else None,
                    party_name=self.name(model.PARTIES, named[0]) if len(named) == 1 else "",
                    court_name=self.name(model.COURTS, proc.get("court")),
                    outcome=_str(proc.get("outcome")),
                )
            )
        items.sort(key=lambda e: model.date_key(e.date))
        order = grouped_order([e.conflict for e in items])
        return tuple(items[i] for i in order)

    def _sentences(
        self,
        ladder: Sequence[RulingView],
        parties: Sequence[PartyView],
        events: Sequence[EventView],
    ) -> tuple[SentenceView, ...]:
        rulings = {r.id: r for r in ladder}
        procs = {str(p["id"]): p for p in (*self.rulings, *self.hearings)}
        order: dict[str, int] = {}
        for p in parties:
            order.setdefault(p.party_id, len(order))
        custody = {
            pid: custody_of(pid, [e for e in events if e.kind == "event"], self.today)
            for pid in {str(s["party"]) for s in self.sents}
        }

        def rank(sent: Mapping[str, Any]) -> tuple[int, tuple[int, tuple[int, int, int], str]]:
            proc = procs.get(str(sent.get("proceeding") or ""), {})
            return (order.get(str(sent["party"]), len(order)), model.ladder_key(proc))

        out: list[SentenceView] = []
        for sent in sorted(self.sents, key=rank):
            pid = str(sent["party"])
            proc = procs.get(str(sent.get("proceeding") or ""))
            ruling = rulings.get(str(sent.get("proceeding") or ""))
            term = Duration.from_doc(sent.get("term"))
            suspended = Duration.from_doc(sent.get("suspended"))
            custodial = term - suspended
            ruling_date = _str(proc.get("date")) if proc else None
            held = custody.get(pid)
            pretrial = Duration.from_doc(sent.get("pretrial"))
            derived = False
            if custodial and not pretrial and held is not None and held.spans and ruling_date:
                pretrial = held.before(ruling_date)
                derived = bool(pretrial)
            fine = sent.get("fine")
            amount = fine.get("amount") if isinstance(fine, Mapping) else None
            currency = _str(fine.get("currency")) if isinstance(fine, Mapping) else None
            out.append(
                SentenceView(
                    kind="sentence",
                    key=str(sent["id"]),
                    cites=self.cites(sent),
                    conflict=self.conflict(sent),
                    id=str(sent["id"]),
                    party_id=pid,
                    party_name=self.name(model.PARTIES, pid),
                    proceeding=_str(sent.get("proceeding")),
                    level=_str(proc.get("level")) if proc else None,
                    court_name=self.name(model.COURTS, proc.get("court")) if proc else "",
                    ruling_date=ruling_date,
                    outcome=(ruling.outcome if ruling else _str(proc.get("outcome")))
                    if proc
                    else None,
                    penalty=str(sent.get("penalty", "")),
                    status=_str(sent.get("status")),
                    term=term,
                    suspended=suspended,
                    custodial=custodial,
                    pretrial=pretrial,
                    pretrial_derived=derived,
                    amount=amount if isinstance(amount, int | float) else None,
                    currency=currency,
                    custody=held if custodial and held is not None and held.spans else None,
                )
            )
        return tuple(out)


# ------------------------------------------------------------------ cache


class CaseViews:
    """The case views of one store, kept while the documents they were built
    from are the same objects (the store replaces a document on every edit)."""

    def __init__(self, store: Store, size: int = 8) -> None:
        self.store = store
        self.size = size
        self._views: dict[str, tuple[tuple[int, ...], CaseView]] = {}

    def _stamp(self, case_id: str) -> tuple[int, ...]:
        store = self.store
        case = store.get(model.CASES, case_id)
        return (
            id(case),
            *map(id, store.proceedings_of(case_id)),
            -1,
            *map(id, store.sentences_of(case_id)),
        )

    def get(self, case_id: str) -> CaseView | None:
        """The view of ``case_id`` (``None`` when the store has no such case)."""
        if self.store.get(model.CASES, case_id) is None:
            return None
        stamp = self._stamp(case_id)
        hit = self._views.pop(case_id, None)
        if hit is not None and hit[0] == stamp:
            self._views[case_id] = hit
            return hit[1]
        view = CaseView.of(self.store, case_id)
        self._views[case_id] = (stamp, view)
        while len(self._views) > self.size:
            self._views.pop(next(iter(self._views)))
        return view


_CACHES: dict[int, CaseViews] = {}


def view_of(store: Store, case_id: str) -> CaseView | None:
    """The (cached) view of a case in ``store``; ``None`` when there is no such case."""
    cache = _CACHES.get(id(store))
    if cache is None or cache.store is not store:
        if len(_CACHES) > 4:
            _CACHES.clear()
        cache = _CACHES[id(store)] = CaseViews(store)
    return cache.get(case_id)


__all__ = [
    "CaseView",
    "CaseViews",
    "ChargeView",
    "CiteView",
    "ConflictGroup",
    "EventView",
    "Fact",
    "FactKind",
    "PartialDate",
    "PartyView",
    "RelatedCase",
    "RulingView",
    "SentenceView",
    "SourceView",
    "absent_parties",
    "case_cites_of",
    "grouped_order",
    "parse_date",
    "source_ids",
    "view_of",
]
