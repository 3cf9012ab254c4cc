"""One-line citations of the selected item, for the ``y`` (copy) key.

``citation(store, selection)`` builds the text; the app sends it to the
terminal's clipboard with ``App.copy_to_clipboard`` (OSC 52, which works over
SSH and inside tmux).  Everything here is pure text building on the loaded
store: no Textual import, so it is tested directly.

A citation names who and what, where and when, and the source that says so::

    Kem Sokha — Phnom Penh Municipal Court, 2023-03-03: convicted, 27 years;
    source: LICADHO, 3 Mar 2023, https://…

(on one line).  Every string from data has its control characters removed and
its whitespace collapsed, so the copied line can be pasted anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from casefiles import model
from casefiles.model import human_date, humanise
from casefiles.store import Store

# C0/C1 controls, DEL and bidi overrides/isolates; whitespace is collapsed separately.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE: Final = re.compile(r"\s+")


class SelectionLike(Protocol):
    """What the browser's ``Selection`` offers: the kind, id and enclosing case of an item."""

    @property
    def kind(self) -> str: ...

    @property
    def id(self) -> str: ...

    @property
    def case_id(self) -> str | None: ...


def clean(text: object) -> str:
    """``text`` as one printable line: control characters dropped, whitespace collapsed."""
    return _SPACE.sub(" ", _CONTROL.sub("", str(text))).strip()


def source_text(source: Mapping[str, Any]) -> str:
    """``Publisher, 3 Mar 2023, URL`` (title when there is no publisher; id as a last resort)."""
    parts = [str(source.get("publisher") or source.get("title") or source.get("id", ""))]
    if source.get("published"):
        parts.append(human_date(source.get("published")))
    if source.get("url"):
        parts.append(str(source["url"]))
    return ", ".join(p for p in parts if p)


def cites_text(store: Store, cites: object) -> str:
    """``source: …`` for the first cite of a fact, with a count of the others."""
    if not isinstance(cites, Sequence) or isinstance(cites, str) or not cites:
        return "no source cited"
    first = cites[0]
    sid = first.get("source") if isinstance(first, Mapping) else None
    doc = store.get(model.SOURCES, sid) if isinstance(sid, str) else None
    text = "source: " + (source_text(doc) if doc is not None else str(sid))
    if len(cites) > 1:
        text += f" (+{len(cites) - 1} more)"
    return text


def _duration_text(sentence: Mapping[str, Any]) -> str:
    """``27 years``, ``5 years (4 years 6 months suspended)``, ``fine 2,000,000 KHR``."""
    a = model.sentence_arithmetic(sentence)
    parts: list[str] = []
    if a.term:
        text = a.term.human()
        if a.suspended:
            text += f" ({a.suspended.human()} suspended)"
        parts.append(text)
    fine = sentence.get("fine")
    if isinstance(fine, Mapping) and "amount" in fine:
        parts.append(f"fine {fine['amount']:,} {fine.get('currency', '')}".rstrip())
    penalty = str(sentence.get("penalty", ""))
    if penalty and penalty != "imprisonment" and penalty != "fine":
        parts.insert(0, humanise(penalty))
    return ", ".join(parts) or humanise(penalty)


def _court_date(store: Store, proc: Mapping[str, Any] | None) -> str:
    """``Phnom Penh Municipal Court, 2023-03-03`` for a proceeding."""
    if proc is None:
        return ""
    court = store.name_of(model.COURTS, proc.get("court")) or humanise(str(proc.get("level", "")))
    date = str(proc.get("date") or "date unknown")
    return f"{court}, {date}"


def _case_title(store: Store, case_id: object) -> str:
    return store.name_of(model.CASES, case_id)


def _indexed(items: object, key: str) -> Mapping[str, Any] | None:
    """An item of a case's ``charges``/``events`` named by its position (``"2"``, ``"c#2"``)."""
    if not isinstance(items, list):
        return None
    tail = key.rsplit("#", 1)[-1].rsplit(":", 1)[-1]
    if tail.isdigit() and int(tail) < len(items):
        item = items[int(tail)]
        return item if isinstance(item, Mapping) else None
    for item in items:
        if isinstance(item, Mapping) and key in (item.get("id"), item.get("party")):
            return item
    return None


def _case_citation(store: Store, case_id: str) -> str:
    case = store.get(model.CASES, case_id)
    if case is None:
        return f"case {case_id} (not in the store)"
    parts = [str(case.get("title", case_id))]
    facts = [humanise(str(case.get("status", "unknown")))]
    if case.get("country"):
        facts.append(str(case["country"]))
    ladder = store.proceedings_of(case_id)
    if ladder:
        last = ladder[-1]
        outcome = last.get("outcome")
        facts.append(_court_date(store, last) + (f": {outcome}" if outcome else ""))
    text = parts[0] + " — " + "; ".join(facts)
    cites = case.get("cites") or [{"source": s["id"]} for s in store.sources_of(case_id)[:1]]
    return f"{text}; {cites_text(store, cites)}"


def _party_citation(store: Store, party_id: str, case_id: str | None) -> str:
    party = store.get(model.PARTIES, party_id)
    if party is None:
        return f"party {party_id} (not in the store)"
    text = str(party.get("name", party_id))
    aliases = [a for a in party.get("aliases", ()) if a != text]
    if aliases:
        text += f" (also {', '.join(str(a) for a in aliases[:3])})"
    case = store.get(model.CASES, case_id) if case_id else None
    if case is not None:
        roles = [
            p for p in case.get("participants", ()) if p.get("party") == party_id and p.get("role")
        ]
        role = roles[0] if roles else None
        what = humanise(str(role.get("role_raw") or role["role"])) if role else "party"
        latest = store.latest_outcomes(case["id"]).get(party_id)
        line = f"{text} — {what} in {case.get('title', case['id'])}"
        if latest is not None:
            line += f"; latest: {latest.outcome} ({humanise(latest.level)}"
            line += f", {latest.date})" if latest.date else ")"
        return f"{line}; {cites_text(store, role.get('cites') if role else None)}"
    n = len(store.cases_of_party(party_id))
    desc = clean(party.get("description", "")) or humanise(str(party.get("kind", "party")))
    return (
        f"{text} — {desc}; {n} case{'s' if n != 1 else ''}; {cites_text(store, party.get('cites'))}"
    )


def _proceeding_citation(store: Store, proc_id: str) -> str:
    proc = store.get(model.PROCEEDINGS, proc_id)
    if proc is None:
        return f"proceeding {proc_id} (not in the store)"
    title = _case_title(store, proc.get("case"))
    stage = f" ({humanise(str(proc['stage']))})" if proc.get("stage") else ""
    outcome = f": {proc['outcome']}" if proc.get("outcome") else ""
    absent = " in absentia" if proc.get("in_absentia") else ""
    return (
        f"{title} — {_court_date(store, proc)}{stage}{outcome}{absent}; "
        f"{cites_text(store, proc.get('cites'))}"
    )


def _sentence_citation(store: Store, sent_id: str) -> str:
    sent = store.get(model.SENTENCES, sent_id)
    if sent is None:
        return f"sentence {sent_id} (not in the store)"
    who = store.name_of(model.PARTIES, sent.get("party"))
    proc = store.get(model.PROCEEDINGS, sent["proceeding"]) if sent.get("proceeding") else None
    where = _court_date(store, proc)
    outcome = str((proc or {}).get("outcome") or sent.get("status") or "")
    what = ", ".join(p for p in (outcome, _duration_text(sent)) if p)
    head = f"{who} — {where}: {what}" if where else f"{who} — {what}"
    return f"{head}; {_case_title(store, sent.get('case'))}; {cites_text(store, sent.get('cites'))}"


def _source_citation(store: Store, source_id: str) -> str:
    src = store.get(model.SOURCES, source_id)
    if src is None:
        return f"source {source_id} (not in the store)"
    publisher = src.get("publisher") or "unknown publisher"
    date = human_date(src.get("published"), "undated")
    url = f", {src['url']}" if src.get("url") else ""
    return f'{publisher}, {date}: "{src.get("title", source_id)}"{url}'


def _charge_citation(store: Store, key: str, case_id: str | None) -> str:
    case_id = case_id or key.rpartition("#")[0]
    case = store.get(model.CASES, case_id) if case_id else None
    charge = _indexed(case.get("charges"), key) if case else None
    if case is None or charge is None:
        return f"charge {key} (not in the store)"
    who = store.name_of(model.PARTIES, charge.get("party"))
    law = " ".join(str(charge[k]) for k in ("law",) if charge.get(k))
    article = f" art. {charge['article']}" if charge.get("article") else ""
    ref = f" ({law}{article})".replace("( ", "(") if (law or article) else ""
    status = f" [{charge['status']}]" if charge.get("status") else ""
    return (
        f"{who} — charged with {charge.get('label', '')}{ref}{status}; "
        f"{case.get('title', case['id'])}; {cites_text(store, charge.get('cites'))}"
    )


def _event_citation(store: Store, key: str, case_id: str | None) -> str:
    case_id = case_id or key.rpartition("#")[0]
    case = store.get(model.CASES, case_id) if case_id else None
    event = _indexed(case.get("events"), key) if case else None
    if case is None or event is None:
        return f"event {key} (not in the store)"
    who = store.name_of(model.PARTIES, event.get("party"))
    head = f"{who} — " if who else ""
    return (
        f"{head}{event.get('label', '')}, {event.get('date', 'date unknown')}; "
        f"{case.get('title', case['id'])}; {cites_text(store, event.get('cites'))}"
    )


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


def citation(store: Store, selection: SelectionLike) -> str:
    """A one-line citation of the selected item, safe to paste (no control characters)."""
    kind, key, case_id = selection.kind, str(selection.id), selection.case_id
    if kind == "case":
        text = _case_citation(store, key)
    elif kind == "party":
        text = _party_citation(store, key, case_id)
    elif kind == "proceeding":
        text = _proceeding_citation(store, key)
    elif kind == "sentence":
        text = _sentence_citation(store, key)
    elif kind == "source":
        text = _source_citation(store, key)
    elif kind == "charge":
        text = _charge_citation(store, key, case_id)
    elif kind == "event":
        text = _event_citation(store, key, case_id)
    elif kind == "court":
        text = _court_citation(store, key)
    else:
        text = f"{kind} {key}"
    return clean(text)


__all__ = ["SelectionLike", "citation", "cites_text", "clean", "source_text"]
