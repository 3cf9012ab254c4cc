"""One-line citations of a selected fact, for the ``y`` (copy) key and scripts.

A citation names who and what, where and when, and the source that says so::

    Kem Sokha — Phnom Penh Municipal Court, 2023-03-03: convicted, 27 years;
    Kem Sokha: conspiracy with a foreign power; source: LICADHO, 3 Mar 2023, https://…

(on one line).  A fact that sources disagree on is never copied as settled:
the citation names every version with the sources of each.  Facts come from
the case's ``CaseView``; every string from data is made one pasteable line
(``textsafe.one_line``: whitespace collapsed, control characters escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from casefiles import model
from casefiles.caseview import (
    CaseView,
    ChargeView,
    CiteView,
    EventView,
    Fact,
    PartyView,
    RulingView,
    SentenceView,
    SourceView,
    source_ids,
    view_of,
)
from casefiles.model import humanise
from casefiles.store import Store
from casefiles.textsafe import one_line


class SelectionLike(Protocol):
    """What is selected: the kind, id and enclosing case of an item."""

    @property
    def kind(self) -> str: ...

    @property
    def id(self) -> str: ...

    @property
    def case_id(self) -> str | None: ...


def source_text(source: SourceView) -> str:
    """``Publisher, 3 Mar 2023, URL`` (title when there is no publisher)."""
    parts = [source.who]
    if source.published:
        parts.append(source.date_text)
    if source.url:
        parts.append(source.url)
    return ", ".join(p for p in parts if p)


def cites_text(cites: Sequence[CiteView]) -> str:
    """``source: …`` for the first cite of a fact, with the ids of the others."""
    if not cites:
        return "no source cited"
    first = cites[0]
    text = "source: " + (source_text(first.source) if first.source else first.source_id)
    others = [s for s in source_ids(cites) if s != first.source_id]
    if others:
        text += f" (also {', '.join(others)})"
    return text


def _court_date(court: str, date: str | None, level: str | None = None) -> str:
    where = court or (humanise(level) if level else "")
    return f"{where}, {date or 'date unknown'}" if where else (date or "date unknown")


def _sentence_terms(s: SentenceView) -> str:
    """``27 years``, ``5 years (4 years 6 months suspended)``, ``compensation 4,000,000 KHR``."""
    parts: list[str] = []
    if s.term:
        text = s.term.human()
        if s.suspended:
            text += f" ({s.suspended.human()} suspended)"
        parts.append(text)
    if s.amount_text:
        parts.append(s.amount_text)
    if s.penalty not in ("imprisonment", "fine", "compensation"):
        parts.insert(0, humanise(s.penalty))
    return ", ".join(parts) or humanise(s.penalty)


def fact_text(view: CaseView, fact: Fact) -> str:
    """What one version of a fact says, without its sources."""
    if isinstance(fact, RulingView):
        stage = f" ({humanise(fact.stage)})" if fact.stage else ""
        outcome = f": {fact.outcome}" if fact.outcome else ""
        absent = f", {', '.join(fact.absent_names)} in absentia" if fact.absent_names else ""
        return f"{_court_date(fact.court_name, fact.date, fact.level)}{stage}{outcome}{absent}"
    if isinstance(fact, SentenceView):
        where = _court_date(fact.court_name, fact.ruling_date, fact.level)
        what = ", ".join(p for p in (fact.outcome or fact.status or "", _sentence_terms(fact)) if p)
        return f"{fact.party_name} — {where}: {what}"
    if isinstance(fact, ChargeView):
        ref = f" ({fact.where})" if fact.where else ""
        status = f" [{fact.status}]" if fact.status else ""
        return f"{fact.party_name} — charged with {fact.label}{ref}{status}"
    if isinstance(fact, EventView):
        head = f"{fact.party_name} — " if fact.party_name else ""
        outcome = f": {humanise(fact.outcome)}" if fact.outcome else ""
        return f"{head}{fact.label}{outcome}, {fact.date or 'date unknown'}"
    if isinstance(fact, PartyView):
        what = humanise(fact.role_raw or fact.role)
        return f"{fact.name} — {what}"
    return fact.key


def _sourced(view: CaseView, fact: Fact) -> str:
    """A fact with its sources; every version with its own when sources disagree."""
    versions = view.versions(fact)
    if len(versions) < 2:
        return f"{fact_text(view, fact)}; {view.title}; {cites_text(fact.cites)}"
    parts = [
        f"{fact_text(view, v)} [{', '.join(source_ids(v.cites)) or 'uncited'}]" for v in versions
    ]
    return f"sources disagree ({len(versions)} versions): " + " / ".join(parts) + f"; {view.title}"


def _case_citation(view: CaseView) -> str:
    facts = [humanise(view.status)]
    if view.country:
        facts.append(view.country)
    last = view.latest_ruling()
    if last is not None:
        versions = view.versions(last)
        if len(versions) > 1:
            facts.append(
                "sources disagree: "
                + " / ".join(
                    f"{fact_text(view, v)} [{', '.join(source_ids(v.cites)) or 'uncited'}]"
                    for v in versions
                )
            )
        else:
            facts.append(fact_text(view, last))
    cites = view.cites or tuple(CiteView(s.id, s) for s in view.sources[:1])
    return f"{view.title} — {'; '.join(facts)}; {cites_text(cites)}"


def _party_citation(store: Store, party_id: str, view: CaseView | None) -> str:
    party = store.get(model.PARTIES, party_id)
    if party is None:
        return f"party {party_id} (not in the store)"
    text = str(party.get("name", party_id))
    aliases = [a for a in party.get("aliases", ()) if a != text]
    if aliases:
        text += f" (also {', '.join(str(a) for a in aliases[:3])})"
    role = view.party(party_id) if view is not None else None
    if view is not None and role is not None:
        line = f"{text} — {humanise(role.role_raw or role.role)} in {view.title}"
        if role.latest is not None:
            line += f"; latest: {role.latest.outcome} ({humanise(role.latest.level)}"
            line += f", {role.latest.date})" if role.latest.date else ")"
        versions = view.versions(role)
        if len(versions) > 1:
            line += "; sources disagree: " + " / ".join(
                f"{fact_text(view, v)} [{', '.join(source_ids(v.cites)) or 'uncited'}]"
                for v in versions
            )
            return line
        return f"{line}; {cites_text(role.cites)}"
    n = len(store.cases_of_party(party_id))
    desc = str(party.get("description") or "") or humanise(str(party.get("kind", "party")))
    cites = tuple(
        CiteView(str(c.get("source")), None, c.get("quote"), c.get("note"))
        for c in party.get("cites", ())
    )
    resolved = tuple(
        CiteView(c.source_id, _source(store, c.source_id), c.quote, c.note) for c in cites
    )
    return f"{text} — {desc}; {n} case{'s' if n != 1 else ''}; {cites_text(resolved)}"


def _source(store: Store, source_id: str) -> SourceView | None:
    doc = store.get(model.SOURCES, source_id)
    return SourceView.of(doc) if doc is not None else None


def _source_citation(store: Store, source_id: str) -> str:
    src = _source(store, source_id)
    if src is None:
        return f"source {source_id} (not in the store)"
    url = f", {src.url}" if src.url else ""
    return f'{src.publisher or "unknown publisher"}, {src.date_text}: "{src.title}"{url}'


def _court_citation(store: Store, court_id: str) -> str:
    court = store.get(model.COURTS, court_id)
    if court is None:
        return f"court {court_id} (not in the store)"
    facts = [humanise(str(court.get("level", "")))]
    if court.get("country"):
        facts.append(str(court["country"]))
    text = f"{court.get('name', court_id)} ({', '.join(facts)})"
    if court.get("appeals_to"):
        text += f"; appeals to {store.name_of(model.COURTS, court['appeals_to'])}"
    return text


def _case_of(store: Store, kind: str, key: str, case_id: str | None) -> str | None:
    """The case a selection belongs to: given, or found from the document."""
    if case_id and store.get(model.CASES, case_id) is not None:
        return case_id
    if kind in ("charge", "event"):
        return key.rpartition("#")[0] or None
    table = {"proceeding": model.PROCEEDINGS, "sentence": model.SENTENCES}.get(kind)
    doc = store.get(table, key) if table else None
    return str(doc["case"]) if doc is not None else None


def citation(store: Store, selection: SelectionLike) -> str:
    """A one-line citation of the selected item, safe to paste anywhere."""
    kind, key = selection.kind, str(selection.id)
    if kind == "source":
        return one_line(_source_citation(store, key))
    if kind == "court":
        return one_line(_court_citation(store, key))
    case_id = _case_of(store, kind, key, selection.case_id)
    view = view_of(store, case_id) if case_id else None
    if kind == "case":
        view = view_of(store, key)
        text = _case_citation(view) if view is not None else f"case {key} (not in the store)"
    elif kind == "party":
        text = _party_citation(store, key, view)
    else:
        fact = view.fact(kind, key) if view is not None else None
        if view is None or fact is None:
            text = f"{kind} {key} (not in the store)"
        else:
            text = _sourced(view, fact)
    return one_line(text)


def quote_citation(store: Store, source_id: str, quote: str) -> str:
    """``“quote” — Publisher, 3 Mar 2023: "Title", URL`` for a passage of a source."""
    return one_line(f"“{quote}” — {_source_citation(store, source_id)}")


__all__ = ["SelectionLike", "citation", "cites_text", "fact_text", "quote_citation", "source_text"]
