"""Resolving one case: read its documents once, resolve every reference and
derive what is never stored (ladder, outcomes, custody, conflicts)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from casefiles import model
from casefiles.caseview.values import (
    CaseView,
    ChargeView,
    CiteView,
    ConflictGroup,
    EventView,
    Fact,
    PartyView,
    RelatedCase,
    RulingView,
    SentenceView,
    SourceView,
    text_or_none,
)
from casefiles.custody import custody_of
from casefiles.model import PartyOutcome, humanise
from casefiles.store import Store

#: ``[S30]``-style source references inside free text (summaries).
_REF: Final = re.compile(r"\[([A-Za-z][A-Za-z0-9_-]*)\]")


#: Source views by the identity of their document (a store replaces a document
#: on every edit, so an entry is current while it holds the same object).
_SOURCE_VIEWS: dict[int, tuple[Mapping[str, Any], SourceView]] = {}
_SOURCE_VIEWS_MAX: Final = 65536


def source_view(doc: Mapping[str, Any]) -> SourceView:
    """``SourceView.of(doc)``, built once per document object."""
    hit = _SOURCE_VIEWS.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    if len(_SOURCE_VIEWS) >= _SOURCE_VIEWS_MAX:
        _SOURCE_VIEWS.clear()
    view = SourceView.of(doc)
    _SOURCE_VIEWS[id(doc)] = (doc, view)
    return view


def _cite_views(store: Store, raw: object) -> tuple[CiteView, ...]:
    if not isinstance(raw, list):
        return ()
    out: list[CiteView] = []
    sources = store.table(model.SOURCES)
    for c in raw:
        if not isinstance(c, Mapping):
            continue
        sid = str(c.get("source", ""))
        doc = sources.get(sid)
        out.append(
            CiteView(
                sid,
                source_view(doc) if doc is not None else None,
                text_or_none(c.get("quote")),
                text_or_none(c.get("note")),
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
            country=text_or_none(case.get("country")),
            tags=tuple(str(t) for t in case.get("tags", ())),
            summary=text_or_none(case.get("summary")),
            cites=self._case_cites(),
            parties=parties,
            charges=charges,
            events=events,
            ladder=ladder,
            sentences=sentences,
            sources=tuple(source_view(s) for s in self.store.sources_of(self.case_id)),
            related=related,
            conflicts={k: ConflictGroup(k, tuple(v)) for k, v in groups.items()},
        )

    def _case_cites(self) -> tuple[CiteView, ...]:
        return case_cites_of(self.store, self.case)

    def _ladder(self) -> tuple[RulingView, ...]:
        out: list[RulingView] = []
        for proc in self.rulings:
            level = str(proc.get("level", ""))
            absent = tuple(str(p) for p in proc.get("absent") or ())  # schema 2 (migrated)
            out.append(
                RulingView(
                    kind="proceeding",
                    key=str(proc["id"]),
                    cites=self.cites(proc),
                    conflict=self.conflict(proc),
                    id=str(proc["id"]),
                    level=level,
                    step=model.LEVEL_RANK.get(level, len(model.COURT_LEVELS)) + 1,
                    court_id=text_or_none(proc.get("court")),
                    court_name=self.name(model.COURTS, proc.get("court")),
                    stage=text_or_none(proc.get("stage")),
                    date=text_or_none(proc.get("date")),
                    outcome=text_or_none(proc.get("outcome")),
                    absent=absent,
                    absent_names=tuple(self.name(model.PARTIES, p) for p in absent),
                    parties=tuple(proc.get("parties") or ()),
                    summary=text_or_none(proc.get("summary")),
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
                    party_kind=text_or_none(doc.get("kind")),
                    aliases=tuple(str(a) for a in doc.get("aliases", ())),
                    role=str(p.get("role", "")),
                    role_raw=text_or_none(p.get("role_raw")),
                    latest=outcomes.get(pid),
                    description=text_or_none(doc.get("description")),
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
                    party_id=text_or_none(c.get("party")),
                    party_name=self.name(model.PARTIES, c.get("party")),
                    label=str(c.get("label", "")),
                    law=text_or_none(c.get("law")),
                    article=text_or_none(c.get("article")),
                    status=text_or_none(c.get("status")),
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
                    date=text_or_none(e.get("date")),
                    event_kind=str(e.get("kind") or "other"),
                    label=str(e.get("label", "")),
                    party_id=text_or_none(e.get("party")),
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
                    date=text_or_none(proc.get("date")),
                    event_kind="hearing",
                    label=label,
                    party_id=named[0] if len(named) == 1 else None,
                    party_name=self.name(model.PARTIES, named[0]) if len(named) == 1 else "",
                    court_name=self.name(model.COURTS, proc.get("court")),
                    outcome=text_or_none(proc.get("outcome")),
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
            stated = model.sentence_arithmetic(sent)
            term, suspended, custodial = stated.term, stated.suspended, stated.custodial
            ruling_date = text_or_none(proc.get("date")) if proc else None
            held = custody.get(pid)
            pretrial = stated.pretrial
            derived = False
            if custodial and not pretrial and held is not None and held.spans and ruling_date:
                pretrial = held.before(ruling_date)
                derived = bool(pretrial)
            recorded = held is not None and bool(held.spans or held.last_end)
            fine = sent.get("fine")
            amount = fine.get("amount") if isinstance(fine, Mapping) else None
            currency = text_or_none(fine.get("currency")) if isinstance(fine, Mapping) else None
            out.append(
                SentenceView(
                    kind="sentence",
                    key=str(sent["id"]),
                    cites=self.cites(sent),
                    conflict=self.conflict(sent),
                    id=str(sent["id"]),
                    party_id=pid,
                    party_name=self.name(model.PARTIES, pid),
                    proceeding=text_or_none(sent.get("proceeding")),
                    level=text_or_none(proc.get("level")) if proc else None,
                    court_name=self.name(model.COURTS, proc.get("court")) if proc else "",
                    ruling_date=ruling_date,
                    outcome=(ruling.outcome if ruling else text_or_none(proc.get("outcome")))
                    if proc
                    else None,
                    penalty=str(sent.get("penalty", "")),
                    status=text_or_none(sent.get("status")),
                    term=term,
                    suspended=suspended,
                    custodial=custodial,
                    pretrial=pretrial,
                    pretrial_derived=derived,
                    amount=amount if isinstance(amount, int | float) else None,
                    currency=currency,
                    custody=held if custodial and recorded else None,
                )
            )
        return tuple(out)


def build_view(store: Store, case_id: str, today: date) -> CaseView:
    """Resolve ``case_id``; ``KeyError`` when the store has no such case."""
    case = store.get(model.CASES, case_id)
    if case is None:
        raise KeyError(case_id)
    store.prefetch_case(case_id)
    return _Builder(store, case, today).build()
