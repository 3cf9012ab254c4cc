"""A case as one readable dossier: parties and roles, charges, events, the court
ladder with outcomes, sentences with their derived arithmetic, and sources.

``case_dossier`` gives it as plain data (what ``casefiles show --json``
prints); ``render_dossier`` as text lines for a terminal.
"""

from __future__ import annotations

from typing import Any

from casefiles import model
from casefiles.model import Doc, human_date, humanise
from casefiles.store import Store
from casefiles.textsafe import literal


def _duration(doc: model.Duration) -> dict[str, Any]:
    return {**doc.to_doc(), "text": doc.human()}


def case_dossier(store: Store, case_id: str) -> dict[str, Any]:
    """Everything known about one case, resolved and derived, as JSON-ready data."""
    case = store.get(model.CASES, case_id)
    if case is None:
        raise KeyError(case_id)
    outcomes = store.latest_outcomes(case_id)
    parties = []
    for p in case.get("participants", ()):
        party = store.get(model.PARTIES, p["party"]) or {}
        latest = outcomes.get(p["party"])
        parties.append(
            {
                "id": p["party"],
                "name": party.get("name", p["party"]),
                "kind": party.get("kind"),
                "aliases": party.get("aliases", []),
                "role": p["role"],
                "role_raw": p.get("role_raw"),
                "latest_outcome": latest.outcome if latest else None,
                "conflict": p.get("conflict"),
                "cites": p.get("cites", []),
            }
        )
    charges = [
        {**c, "party_name": store.name_of(model.PARTIES, c["party"])}
        for c in case.get("charges", ())
    ]
    events = sorted(
        (
            {**e, "party_name": store.name_of(model.PARTIES, e.get("party"))}
            for e in case.get("events", ())
        ),
        key=lambda e: model.date_key(e.get("date")),
    )
    ladder = []
    for proc in store.proceedings_of(case_id):
        ladder.append(
            {
                **proc,
                "court_name": store.name_of(model.COURTS, proc.get("court")),
                "date_text": human_date(proc.get("date")),
            }
        )
    sentences = []
    for sent in store.sentences_of(case_id):
        a = model.sentence_arithmetic(sent)
        ruling = store.get(model.PROCEEDINGS, sent.get("proceeding", ""))
        sentences.append(
            {
                **sent,
                "party_name": store.name_of(model.PARTIES, sent["party"]),
                "level": ruling.get("level") if ruling else None,
                "derived": {
                    "term": _duration(a.term),
                    "suspended": _duration(a.suspended),
                    "custodial": _duration(a.custodial),
                    "pretrial": _duration(a.pretrial),
                    "remaining": _duration(a.remaining),
                    "text": model.sentence_summary(sent),
                },
            }
        )
    related = [{"id": r, "title": store.name_of(model.CASES, r)} for r in case.get("related", ())]
    conflicts = {
        key: [f.get("id") or f.get("date") or f.get("label") for f in facts]
        for key, facts in model.conflict_groups(
            [
                *case.get("participants", ()),
                *case.get("charges", ()),
                *case.get("events", ()),
                *store.proceedings_of(case_id),
                *store.sentences_of(case_id),
            ]
        ).items()
    }
    return {
        "id": case["id"],
        "title": case["title"],
        "status": case["status"],
        "country": case.get("country"),
        "tags": case.get("tags", []),
        "summary": case.get("summary"),
        "cites": case.get("cites", []),
        "parties": parties,
        "charges": charges,
        "events": events,
        "ladder": ladder,
        "sentences": sentences,
        "sources": store.sources_of(case_id),
        "related": related,
        "conflicts": conflicts,
    }


def _cites(cites: list[Doc]) -> str:
    return ", ".join(c["source"] for c in cites) if cites else "uncited"


def render_dossier(d: dict[str, Any]) -> list[str]:
    """The dossier as plain text lines; every string from data is made literal."""
    s = literal
    out = [s(d["title"]), f"  id {s(d['id'])} · {d['status']} · {s(d.get('country') or '—')}"]
    if d["tags"]:
        out.append("  tags: " + ", ".join(s(t) for t in d["tags"]))
    if d.get("summary"):
        out.append("")
        out.extend("  " + s(line) for line in d["summary"].splitlines())
    out += ["", "Parties"]
    for p in d["parties"]:
        role = humanise(p["role"]) + (f" ({s(p['role_raw'])})" if p.get("role_raw") else "")
        latest = f" — latest: {p['latest_outcome']}" if p.get("latest_outcome") else ""
        aka = f"  aka {', '.join(s(a) for a in p['aliases'])}" if p["aliases"] else ""
        out.append(f"  {role:<24} {s(p['name'])}{latest}{aka}")
    if d["charges"]:
        out += ["", "Charges"]
        for c in d["charges"]:
            art = (
                f" ({s(c['law']) + ' ' if c.get('law') else ''}art. {s(c['article'])})"
                if c.get("article")
                else ""
            )
            mark = " ⚠ conflict" if c.get("conflict") else ""
            out.append(
                f"  {s(c['party_name'])}: {s(c['label'])}{art} [{c.get('status', '—')}]"
                f"{mark}  [{s(_cites(c.get('cites', [])))}]"
            )
    if d["events"]:
        out += ["", "Events"]
        for e in d["events"]:
            who = f" — {s(e['party_name'])}" if e.get("party_name") else ""
            mark = " ⚠ conflict" if e.get("conflict") else ""
            out.append(
                f"  {human_date(e['date']):<12} {s(e['label'])}{who}{mark}"
                f"  [{s(_cites(e.get('cites', [])))}]"
            )
    out += ["", "Court ladder"]
    if not d["ladder"]:
        out.append("  (no proceedings recorded)")
    for p in d["ladder"]:
        absent = " in absentia" if p.get("in_absentia") else ""
        mark = " ⚠ conflict" if p.get("conflict") else ""
        out.append(
            f"  {humanise(p['level']):<15} {p['date_text']:<12} {p.get('outcome', '—'):<10}"
            f" {s(p['court_name'])}{absent}{mark}  [{s(_cites(p.get('cites', [])))}]"
        )
    out += ["", "Sentences"]
    if not d["sentences"]:
        out.append("  (no sentences recorded)")
    for x in d["sentences"]:
        level = humanise(x["level"]) if x.get("level") else "—"
        mark = " ⚠ conflict" if x.get("conflict") else ""
        out.append(
            f"  {s(x['party_name'])} · {level} · {s(x['derived']['text'])}"
            f" · {x.get('status', '—')}{mark}  [{s(_cites(x.get('cites', [])))}]"
        )
    out += ["", "Sources"]
    for src in d["sources"]:
        date = human_date(src.get("published"), "undated")
        out.append(
            f"  {s(src['id']):<6} {s(src.get('publisher', '—'))} · {date} · {s(src['title'])}"
        )
        if src.get("url"):
            out.append(f"         {s(src['url'])}")
    if d["related"]:
        out += ["", "Related cases"]
        out.extend(f"  {s(r['id'])}: {s(r['title'])}" for r in d["related"])
    return out
