"""A case as one readable dossier: parties and roles, charges, events and
hearings, the court ladder with outcomes, sentences with their derived
arithmetic, sources and the facts sources disagree on.

Both forms format the case's ``CaseView``: ``case_dossier`` as JSON-ready data
(what ``casefiles show --json`` prints) and ``dossier_text`` as text lines for
a terminal (``casefiles show`` and the browser's ``d``).
"""

from __future__ import annotations

from typing import Any

from casefiles.caseview import (
    CaseView,
    CiteView,
    Fact,
    SentenceView,
    source_ids,
    view_of,
)
from casefiles.citation import fact_text
from casefiles.model import Duration, humanise
from casefiles.store import Store
from casefiles.textsafe import literal


def _duration(value: Duration) -> dict[str, Any]:
    return {**value.to_doc(), "text": value.human()}


def _cites(cites: tuple[CiteView, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in cites:
        item: dict[str, Any] = {"source": c.source_id}
        if c.quote:
            item["quote"] = c.quote
        if c.note:
            item["note"] = c.note
        out.append(item)
    return out


def _derived(s: SentenceView) -> dict[str, Any]:
    ended = s.ended
    custody = s.custody
    return {
        "term": _duration(s.term),
        "suspended": _duration(s.suspended),
        "custodial": _duration(s.custodial),
        "pretrial": _duration(s.pretrial),
        "pretrial_from_events": s.pretrial_derived,
        "served": _duration(s.served) if s.served is not None else None,
        "remaining": _duration(s.remaining),
        "ended": {"how": ended[0], "date": ended[1]} if ended else None,
        "custody": (
            {
                "spans": [{"from": sp.start, "to": sp.end} for sp in custody.spans],
                "ongoing": custody.ongoing,
                "approximate": custody.approximate,
                "as_of": custody.as_of,
                "sources": source_ids(custody.cites),
            }
            if custody is not None
            else None
        ),
        "text": s.summary(),
    }


def case_dossier(store: Store, case_id: str) -> dict[str, Any]:
    """Everything known about one case, resolved and derived, as JSON-ready data;
    ``KeyError`` when there is no such case."""
    view = view_of(store, case_id)
    if view is None:
        raise KeyError(case_id)
    return {
        "id": view.id,
        "title": view.title,
        "status": view.status,
        "country": view.country,
        "tags": list(view.tags),
        "summary": view.summary,
        "cites": _cites(view.cites),
        "parties": [
            {
                "id": p.party_id,
                "name": p.name,
                "kind": p.party_kind,
                "aliases": list(p.aliases),
                "role": p.role,
                "role_raw": p.role_raw,
                "latest_outcome": p.latest.outcome if p.latest else None,
                "conflict": p.conflict,
                "cites": _cites(p.cites),
            }
            for p in view.parties
        ],
        "charges": [
            {
                "party": c.party_id,
                "party_name": c.party_name,
                "label": c.label,
                "law": c.law,
                "article": c.article,
                "status": c.status,
                "conflict": c.conflict,
                "cites": _cites(c.cites),
            }
            for c in view.charges
        ],
        "events": [
            {
                "date": e.date,
                "kind": e.event_kind,
                "label": e.label,
                "party": e.party_id,
                "party_name": e.party_name or None,
                "proceeding": e.key if e.kind == "proceeding" else None,
                "outcome": e.outcome,
                "conflict": e.conflict,
                "cites": _cites(e.cites),
            }
            for e in view.events
        ],
        "ladder": [
            {
                "id": r.id,
                "level": r.level,
                "court": r.court_id,
                "court_name": r.court_name,
                "stage": r.stage,
                "date": r.date,
                "date_text": r.date_text,
                "outcome": r.outcome,
                "absent": list(r.absent),
                "summary": r.summary,
                "conflict": r.conflict,
                "cites": _cites(r.cites),
            }
            for r in view.ladder
        ],
        "sentences": [
            {
                "id": s.id,
                "party": s.party_id,
                "party_name": s.party_name,
                "proceeding": s.proceeding,
                "level": s.level,
                "penalty": s.penalty,
                "status": s.status,
                "amount": (
                    {"label": s.amount_label, "amount": s.amount, "currency": s.currency}
                    if s.amount is not None
                    else None
                ),
                "conflict": s.conflict,
                "cites": _cites(s.cites),
                "derived": _derived(s),
            }
            for s in view.sentences
        ],
        "sources": [
            {
                "id": src.id,
                "title": src.title,
                "publisher": src.publisher,
                "published": src.published,
                "url": src.url,
                "kind": src.kind,
                "language": src.language,
                "file": src.file,
            }
            for src in view.sources
        ],
        "related": [{"id": r.id, "title": r.title, "status": r.status} for r in view.related],
        "conflicts": {
            key: [
                {
                    "kind": f.kind,
                    "key": f.key,
                    "text": fact_text(view, f),
                    "sources": source_ids(f.cites),
                }
                for f in group.facts
            ]
            for key, group in view.conflicts.items()
        },
    }


def _refs(fact: Fact) -> str:
    ids = source_ids(fact.cites)
    mark = " ⚠" if fact.conflict else ""
    return f"{mark}  [{', '.join(ids) if ids else 'uncited'}]"


def render_dossier(view: CaseView) -> list[str]:
    """The dossier as plain text lines; every string from data is made literal."""
    s = literal
    out = [s(view.title), f"  id {s(view.id)} · {view.status} · {s(view.country or '—')}"]
    if view.tags:
        out.append("  tags: " + ", ".join(s(t) for t in view.tags))
    if view.summary:
        out.append("")
        out.extend("  " + s(line) for line in view.summary.splitlines())
    out += ["", "Parties"]
    for p in view.parties:
        role = p.role_text + (f" ({s(p.role_raw)})" if p.role_raw else "")
        latest = f" — latest: {p.latest.outcome}" if p.latest else ""
        aka = f"  aka {', '.join(s(a) for a in p.aliases)}" if p.aliases else ""
        out.append(f"  {role:<24} {s(p.name)}{latest}{aka}")
    if view.charges:
        out += ["", "Charges"]
        for c in view.charges:
            where = f" ({s(c.where)})" if c.where else ""
            out.append(f"  {s(c.party_name)}: {s(c.label)}{where} [{c.status or '—'}]{s(_refs(c))}")
    if view.events:
        out += ["", "Events and hearings"]
        for e in view.events:
            who = f" — {s(e.party_name)}" if e.party_name else ""
            outcome = f": {humanise(e.outcome)}" if e.outcome else ""
            out.append(f"  {e.date_text:<12} {s(e.label)}{outcome}{who}{s(_refs(e))}")
    out += ["", "Court ladder (rulings on the merits)"]
    if not view.ladder:
        out.append("  (no rulings recorded)")
    for r in view.ladder:
        absent = f" in absentia: {', '.join(s(n) for n in r.absent_names)}" if r.absent else ""
        out.append(
            f"  {r.step} {r.level_text:<15} {r.date_text:<12} {r.outcome or '—':<10}"
            f" {s(r.court_name)}{absent}{s(_refs(r))}"
        )
    out += ["", "Sentences"]
    if not view.sentences:
        out.append("  (no sentences recorded)")
    for x in view.sentences:
        out.append(
            f"  {s(x.party_name)} · {x.level_text} · {s(x.summary())}"
            f" · {x.status or '—'}{s(_refs(x))}"
        )
    if view.conflicts:
        out += ["", "Sources disagree"]
        for key, group in view.conflicts.items():
            out.append(f"  {s(key)}: {len(group.facts)} versions")
            for f in group.facts:
                ids = ", ".join(source_ids(f.cites)) or "uncited"
                out.append(f"    - {s(fact_text(view, f))}  [{s(ids)}]")
    out += ["", "Sources"]
    for src in view.sources:
        out.append(f"  {s(src.id):<6} {s(src.publisher or '—')} · {src.date_text} · {s(src.title)}")
        if src.url:
            out.append(f"         {s(src.url)}")
    if view.related:
        out += ["", "Related cases"]
        out.extend(f"  {s(r.id)}: {s(r.title)}" for r in view.related)
    return out


def dossier_text(store: Store, case_id: str) -> list[str]:
    """``render_dossier`` of a case; ``KeyError`` when there is no such case."""
    view = view_of(store, case_id)
    if view is None:
        raise KeyError(case_id)
    return render_dossier(view)
