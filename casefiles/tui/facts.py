"""What the browser's panes show, as plain data: the rows of a case (parties,
charges, events, court ladder, sentences, sources), the cites of a fact,
conflict groups, the header of a case or party.

Pure functions over a loaded ``Store``; no textual.  Each row carries the line
to draw (``casefiles.tui.text.Line``) and what selecting it means (kind, id,
party, level, cites, conflict key).  Building a case's rows costs O(size of the
case); nothing here walks a whole table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from casefiles import model
from casefiles.model import Doc, human_date, humanise
from casefiles.store import Store
from casefiles.tui.selection import Selection, fact_id
from casefiles.tui.text import Line, pad, plain

WARN = "⚠ "
DISAGREE = "⚠ sources disagree"
ROLE_WIDTH = 15
LEVEL_WIDTH = 14
DATE_WIDTH = 12
OUTCOME_WIDTH = 10


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a pane and what it stands for."""

    line: Line
    kind: str
    id: str
    case_id: str | None = None
    party: str | None = None
    level: str | None = None
    cites: tuple[Mapping[str, Any], ...] = ()
    conflict: str | None = None
    selectable: bool = True
    detail: tuple[Line, ...] = ()
    """Lines the cites pane shows above the cites (what the row had to cut)."""

    def selection(self) -> Selection | None:
        """What ``y``/``o`` act on when this row has the cursor."""
        if not self.selectable:
            return None
        return Selection(self.kind, self.id, self.case_id)


def heading(title: str) -> Row:
    """A section heading inside a pane (the cursor skips it)."""
    return Row([(title, "heading")], "heading", title, selectable=False)


def grouped(facts: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes of ``facts`` in their order, except that facts sharing a ``conflict``
    key are pulled together at the place of the first one."""
    groups: dict[str, list[int]] = {}
    for i, fact in enumerate(facts):
        key = fact.get("conflict")
        if key:
            groups.setdefault(str(key), []).append(i)
    order: list[int] = []
    done: set[str] = set()
    for i, fact in enumerate(facts):
        key = fact.get("conflict")
        if not key:
            order.append(i)
        elif key not in done:
            done.add(str(key))
            order.extend(groups[str(key)])
    return order


def grouped_participants(case: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A case's participants in the order the parties pane lists them."""
    participants = list(case.get("participants", ()))
    return [participants[i] for i in grouped(participants)]


def _cites(fact: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    return tuple(fact.get("cites", ()))


def _conflict(fact: Mapping[str, Any], groups: Mapping[str, list[Any]]) -> str | None:
    """The fact's conflict key when another fact shares it (a lone key is no conflict)."""
    key = fact.get("conflict")
    if key and len(groups.get(str(key), ())) > 1:
        return str(key)
    return None


# ------------------------------------------------------------------ cases


def case_line(case: Mapping[str, Any]) -> Line:
    """The cases list line: title and status."""
    return [(str(case.get("title", "")), ""), (f" · {case.get('status', '')}", "dim")]


def case_header(store: Store, case_id: str) -> list[Line]:
    """Title; status · country · tags; summary; charges count and related cases."""
    case = store.get(model.CASES, case_id)
    if case is None:
        return [[("No case selected", "dim")]]
    lines: list[Line] = [[(str(case["title"]), "strong")]]
    meta: Line = [(humanise(str(case.get("status", ""))), "accent")]
    if case.get("country"):
        meta += [(" · ", "dim"), (str(case["country"]), "")]
    if case.get("tags"):
        meta += [(" · ", "dim"), ("tags: ", "dim"), (", ".join(map(str, case["tags"])), "")]
    meta += [(" · ", "dim"), (case_id, "dim")]
    lines.append(meta)
    summary = case.get("summary")
    if summary:
        lines.extend([(part, "")] for part in str(summary).splitlines())
    related = case.get("related") or ()
    if related:
        names = "; ".join(f"{store.name_of(model.CASES, r)} ({r})" for r in related)
        lines.append([("related: ", "dim"), (names, "")])
    return lines


def _party_groups(store: Store, case: Mapping[str, Any]) -> dict[str, list[Any]]:
    facts = [
        *case.get("participants", ()),
        *case.get("charges", ()),
        *case.get("events", ()),
        *store.proceedings_of(case["id"]),
        *store.sentences_of(case["id"]),
    ]
    return model.conflict_groups(facts)


def party_rows(store: Store, case_id: str) -> list[Row]:
    """Participants (role, name, latest outcome), then charges, events by date and
    related cases."""
    case = store.get(model.CASES, case_id)
    if case is None:
        return []
    groups = _party_groups(store, case)
    outcomes = store.latest_outcomes(case_id)
    rows: list[Row] = []
    participants = list(case.get("participants", ()))
    for i in grouped(participants):
        p = participants[i]
        role = humanise(str(p.get("role", "")))
        conflict = _conflict(p, groups)
        line: Line = [
            (pad(role, ROLE_WIDTH) + " ", "dim"),
            (store.name_of(model.PARTIES, p["party"]), "strong"),
        ]
        latest = outcomes.get(p["party"])
        if latest is not None:
            line.append((f"  {latest.outcome}", "accent"))
            line.append((f" ({humanise(latest.level)})", "dim"))
        if p.get("role_raw"):
            line.append((f" · “{p['role_raw']}”", "dim"))
        if conflict:
            line.insert(0, (WARN, "warn"))
        who: Line = [(store.name_of(model.PARTIES, p["party"]), "strong"), (f" · {role}", "dim")]
        if p.get("role_raw"):
            who.append((f" · “{p['role_raw']}”", ""))
        rows.append(
            Row(
                line,
                "party",
                p["party"],
                case_id,
                party=p["party"],
                cites=_cites(p),
                conflict=conflict,
                detail=(who,),
            )
        )
    charges = list(case.get("charges", ()))
    if charges:
        rows.append(heading("Charges"))
        for i in grouped(charges):
            c = charges[i]
            label = str(c.get("label", ""))
            where = " ".join(str(c[k]) for k in ("law",) if c.get(k))
            if c.get("article"):
                where = f"{where} art. {c['article']}".strip()
            conflict = _conflict(c, groups)
            line = [
                (store.name_of(model.PARTIES, c.get("party")), "strong"),
                (": ", "dim"),
                (label, ""),
            ]
            if where:
                line.append((f" ({where})", "dim"))
            if c.get("status"):
                line.append((f" · {c['status']}", "accent"))
            if conflict:
                line.insert(0, (WARN, "warn"))
            rows.append(
                Row(
                    line,
                    "charge",
                    fact_id(case_id, i),
                    case_id,
                    party=c.get("party"),
                    cites=_cites(c),
                    conflict=conflict,
                    detail=(_unflagged(line),),
                )
            )
    events = list(case.get("events", ()))
    if events:
        rows.append(heading("Events"))
        by_date = sorted(range(len(events)), key=lambda i: model.date_key(events[i].get("date")))
        ordered = [events[i] for i in by_date]
        for j in grouped(ordered):
            e = ordered[j]
            conflict = _conflict(e, groups)
            line = [
                (pad(human_date(e.get("date")), DATE_WIDTH) + " ", "dim"),
                (str(e.get("label", "")), ""),
            ]
            if e.get("party"):
                line += [(" — ", "dim"), (store.name_of(model.PARTIES, e["party"]), "strong")]
            if conflict:
                line.insert(0, (WARN, "warn"))
            rows.append(
                Row(
                    line,
                    "event",
                    fact_id(case_id, by_date[j]),
                    case_id,
                    party=e.get("party"),
                    cites=_cites(e),
                    conflict=conflict,
                    detail=(_unflagged(line),),
                )
            )
    related = [r for r in case.get("related", ()) if store.get(model.CASES, r) is not None]
    if related:
        rows.append(heading("Related cases"))
        for other in related:
            doc = store.get(model.CASES, other) or {}
            rows.append(
                Row(
                    [
                        (str(doc.get("title", other)), "strong"),
                        (f" · {doc.get('status', '')}", "dim"),
                    ],
                    "case",
                    other,
                    other,
                    cites=_cites(doc),
                    detail=([("enter opens this case", "dim")],),
                )
            )
    return align_flags(rows)


def ladder_rows(store: Store, case_id: str) -> list[Row]:
    """The court ladder: one row per proceeding, by level then date."""
    case = store.get(model.CASES, case_id)
    if case is None:
        return []
    groups = _party_groups(store, case)
    rows: list[Row] = []
    for n, proc in enumerate(store.proceedings_of(case_id), 1):
        conflict = _conflict(proc, groups)
        line: Line = [
            (f"{n} ", "dim"),
            (pad(humanise(str(proc.get("level", ""))), LEVEL_WIDTH) + " ", "strong"),
            (pad(str(proc.get("outcome", "—")), OUTCOME_WIDTH) + " ", "accent"),
            (pad(human_date(proc.get("date")), DATE_WIDTH) + " ", ""),
        ]
        if proc.get("in_absentia"):
            line.append(("in absentia ", "warn"))
        line.append((store.name_of(model.COURTS, proc.get("court")), "dim"))
        if conflict:
            line.insert(0, (WARN, "warn"))
        detail: list[Line] = [
            [
                (store.name_of(model.COURTS, proc.get("court")) or "court unknown", "strong"),
                (" · ", "dim"),
                (humanise(str(proc.get("stage") or "stage unknown")), ""),
                (" · ", "dim"),
                (human_date(proc.get("date")), ""),
                (" · ", "dim"),
                (str(proc.get("outcome") or "no outcome recorded"), "accent"),
                (" · in absentia" if proc.get("in_absentia") else "", "warn"),
            ]
        ]
        if proc.get("summary"):
            detail.extend([(part, "")] for part in str(proc["summary"]).splitlines())
        rows.append(
            Row(
                line,
                "proceeding",
                str(proc["id"]),
                case_id,
                level=str(proc.get("level", "")),
                cites=_cites(proc),
                conflict=conflict,
                detail=tuple(detail),
            )
        )
    return align_flags(rows)


def sentence_rows(
    store: Store,
    case_id: str,
    level: str | None = None,
    *,
    party: str | None = None,
    proceeding: str | None = None,
) -> list[Row]:
    """Sentences per party and court level with their arithmetic; only those of
    ``level`` when given.  Sentences of ``party`` or imposed by ``proceeding``
    (the fact selected in another pane) are marked with a bullet."""
    case = store.get(model.CASES, case_id)
    if case is None:
        return []
    groups = _party_groups(store, case)
    order = {p["party"]: i for i, p in enumerate(reversed(case.get("participants", ())))}
    count = len(order)

    def proc_of(sent: Mapping[str, Any]) -> Mapping[str, Any]:
        pid = sent.get("proceeding")
        return (store.get(model.PROCEEDINGS, pid) if pid else None) or {}

    def key(sent: Mapping[str, Any]) -> tuple[int, tuple[int, tuple[int, int, int], str]]:
        return (count - order.get(sent["party"], count), model.ladder_key(proc_of(sent)))

    sents = sorted(store.sentences_of(case_id), key=key)
    rows: list[Row] = []
    for sent in sents:
        proc_level = str(proc_of(sent).get("level", "")) or None
        if level is not None and proc_level != level:
            continue
        conflict = _conflict(sent, groups)
        marked = (party is not None and sent["party"] == party) or (
            proceeding is not None and sent.get("proceeding") == proceeding
        )
        line: Line = [
            ("• " if marked else "  ", "mark"),
            (store.name_of(model.PARTIES, sent["party"]), "strong"),
            (" · ", "dim"),
            (humanise(proc_level) if proc_level else "level unknown", "accent"),
            (" · ", "dim"),
            (model.sentence_summary(sent), ""),
        ]
        if sent.get("status"):
            line += [(" · ", "dim"), (str(sent["status"]), "dim")]
        if conflict:
            line.insert(0, (WARN, "warn"))
        rows.append(
            Row(
                line,
                "sentence",
                str(sent["id"]),
                case_id,
                party=str(sent["party"]),
                level=proc_level,
                cites=_cites(sent),
                conflict=conflict,
                detail=(_unflagged(line), *sentence_detail(sent)),
            )
        )
    return align_flags(rows)


def align_flags(rows: list[Row]) -> list[Row]:
    """When some rows start with the conflict flag, indent the others of the
    same section by as much, so that columns stay aligned."""
    out: list[Row] = []
    section: list[Row] = []

    def flush() -> None:
        if any(r.conflict for r in section):
            out.extend(r if r.conflict else replace(r, line=[("  ", ""), *r.line]) for r in section)
        else:
            out.extend(section)
        section.clear()

    for row in rows:
        if not row.selectable:
            flush()
            out.append(row)
        else:
            section.append(row)
    flush()
    return out


def _unflagged(line: Line) -> Line:
    """A row's line without its leading conflict flag."""
    return [piece for piece in line if piece != (WARN, "warn")]


def sentence_detail(sent: Mapping[str, Any]) -> list[Line]:
    """The arithmetic of a sentence, every part named (``none`` when absent)."""
    a = model.sentence_arithmetic(sent)
    out: Line = []
    for label, value in (
        ("term", a.term),
        ("suspended", a.suspended),
        ("custodial", a.custodial),
        ("pre-trial credit", a.pretrial),
        ("remaining", a.remaining),
    ):
        if out:
            out.append((" · ", "dim"))
        out += [(f"{label} ", "dim"), (value.human(), "accent" if label == "remaining" else "")]
    lines = [out] if a.term else []
    fine = sent.get("fine")
    if isinstance(fine, Mapping) and "amount" in fine:
        lines.append([("fine ", "dim"), (f"{fine['amount']:,} {fine.get('currency', '')}", "")])
    return lines


def source_line(source: Mapping[str, Any], marked: bool = False) -> Line:
    """``• publisher · date · title`` (the bullet marks sources the selected fact cites)."""
    return [
        ("• " if marked else "  ", "mark"),
        (str(source.get("publisher") or "—"), "dim"),
        (" · ", "dim"),
        (human_date(source.get("published"), "undated"), ""),
        (" · ", "dim"),
        (str(source.get("title", "")), ""),
    ]


def source_rows(store: Store, case_id: str, marked: Iterable[str] = ()) -> list[Row]:
    """Every source the case cites; those in ``marked`` get a bullet."""
    marks = set(marked)
    return [
        Row(
            source_line(src, src["id"] in marks),
            "source",
            str(src["id"]),
            case_id,
            cites=({"source": src["id"]},),
        )
        for src in store.sources_of(case_id)
    ]


# ------------------------------------------------------------------ cites


def cite_line(store: Store, cite: Mapping[str, Any]) -> Line:
    """``source-id · publisher · “quote” — note``."""
    sid = str(cite.get("source", ""))
    src = store.get(model.SOURCES, sid) or {}
    line: Line = [(sid, "accent")]
    if src.get("publisher"):
        line += [(" · ", "dim"), (str(src["publisher"]), "dim")]
    if cite.get("quote"):
        line += [(" “", "dim"), (str(cite["quote"]), ""), ("”", "dim")]
    if cite.get("note"):
        line += [(" — ", "dim"), (str(cite["note"]), "dim")]
    return line


def source_detail(store: Store, source_id: str) -> list[Line]:
    """What is known about a source: title, publisher, date, kind, language, url, file."""
    src = store.get(model.SOURCES, source_id)
    if src is None:
        return [[(f"unknown source {source_id}", "warn")]]
    lines: list[Line] = [
        [(source_id, "accent"), (" · ", "dim"), (str(src.get("title", "")), "strong")]
    ]
    meta: Line = [
        (str(src.get("publisher") or "no publisher"), ""),
        (" · ", "dim"),
        (human_date(src.get("published"), "undated"), ""),
    ]
    for key in ("kind", "language"):
        if src.get(key):
            meta += [(" · ", "dim"), (humanise(str(src[key])), "dim")]
    lines.append(meta)
    if src.get("url"):
        lines.append([("url ", "dim"), (str(src["url"]), "")])
    if src.get("file"):
        lines.append(
            [("file ", "dim"), (str(src["file"]), ""), ("  (o read · O open outside)", "dim")]
        )
    if src.get("note"):
        lines.append([("note ", "dim"), (str(src["note"]), "")])
    return lines


def cite_lines(store: Store, row: Row | None, siblings: Sequence[Row] = ()) -> list[Line]:
    """The cites strip for ``row``: its cites; for a fact in a conflict group, every
    version with its cites under a ``⚠ sources disagree`` line."""
    if row is None:
        return [[("Nothing selected", "dim")]]
    if row.kind == "source":
        return source_detail(store, row.id)
    if row.detail and not row.conflict:
        return [*row.detail, *cite_lines(store, replace(row, detail=()))]
    if row.conflict:
        versions = [r for r in siblings if r.conflict == row.conflict] or [row]
        lines: list[Line] = [[(f"{DISAGREE}: {len(versions)} versions of this fact", "warn")]]
        for r in versions:
            marker = "▸ " if r is row or r.id == row.id else "  "
            lines.append([(marker, "warn"), (plain(r.line).removeprefix(WARN).strip(), "")])
            lines.extend([("    ", ""), *cite_line(store, c)] for c in r.cites)
            if not r.cites:
                lines.append([("    uncited", "dim")])
        return lines
    if not row.cites:
        return [[("uncited", "dim")]]
    return [cite_line(store, c) for c in row.cites]


def case_cites(store: Store, case_id: str) -> tuple[Mapping[str, Any], ...]:
    """The cites of the case document itself."""
    case = store.get(model.CASES, case_id) or {}
    return _cites(case)


def _walk_cites(facts: Any, out: list[Mapping[str, Any]]) -> None:
    if isinstance(facts, Mapping):
        out.extend(facts.get("cites", ()))
        for value in facts.values():
            if isinstance(value, list):
                _walk_cites(value, out)
    elif isinstance(facts, list):
        for item in facts:
            _walk_cites(item, out)


def all_cites(store: Store, case_id: str) -> list[Mapping[str, Any]]:
    """Every cite in a case, its proceedings and sentences."""
    out: list[Mapping[str, Any]] = []
    _walk_cites(store.get(model.CASES, case_id) or {}, out)
    for proc in store.proceedings_of(case_id):
        _walk_cites(proc, out)
    for sent in store.sentences_of(case_id):
        _walk_cites(sent, out)
    return out


def quotes_for(store: Store, case_id: str | None, source_id: str) -> list[str]:
    """The quotes the case's cites take from ``source_id`` (for the reader to highlight)."""
    if case_id is None:
        return []
    quotes: dict[str, None] = {}
    for cite in all_cites(store, case_id):
        if cite.get("source") == source_id and cite.get("quote"):
            quotes.setdefault(str(cite["quote"]), None)
    return list(quotes)


def names_of_case(store: Store, case_id: str | None) -> list[str]:
    """Names and aliases of every party in a case."""
    if case_id is None:
        return []
    case = store.get(model.CASES, case_id) or {}
    names: dict[str, None] = {}
    for p in case.get("participants", ()):
        party = store.get(model.PARTIES, p["party"])
        if party is not None:
            for name in model.party_names(party):
                if name:
                    names.setdefault(name, None)
    return list(names)


def first_source(row: Row | None, store: Store, case_id: str | None) -> str | None:
    """The source ``o``/``O`` act on: the row's source, or its first cite, or the
    case's first source."""
    if row is not None:
        for cite in row.cites:
            if store.get(model.SOURCES, str(cite.get("source"))) is not None:
                return str(cite["source"])
    if case_id is not None:
        for cite in case_cites(store, case_id):
            if store.get(model.SOURCES, str(cite.get("source"))) is not None:
                return str(cite["source"])
        sources = store.sources_of(case_id)
        if sources:
            return str(sources[0]["id"])
    return None


# ---------------------------------------------------------------- parties


def party_header(store: Store, party_id: str) -> list[Line]:
    """Name, kind, description, all aliases, affiliations and tags of a party."""
    party = store.get(model.PARTIES, party_id)
    if party is None:
        return [[(f"unknown party {party_id}", "warn")]]
    lines: list[Line] = [
        [(str(party.get("name", "")), "strong"), (f"  {party.get('kind', '')} · {party_id}", "dim")]
    ]
    if party.get("description"):
        lines.extend([(part, "")] for part in str(party["description"]).splitlines())
    aliases = party.get("aliases") or ()
    lines.append([("aliases: ", "dim"), ("; ".join(map(str, aliases)) if aliases else "none", "")])
    for aff in party.get("affiliations", ()):
        span = "–".join(str(aff[k]) for k in ("from", "to") if aff.get(k))
        line: Line = [
            ("affiliation: ", "dim"),
            (str(aff.get("relation") or "linked to"), "accent"),
            (" ", ""),
            (store.name_of(model.PARTIES, aff.get("party")), ""),
        ]
        if span:
            line.append((f" ({span})", "dim"))
        lines.append(line)
    if party.get("tags"):
        lines.append([("tags: ", "dim"), (", ".join(map(str, party["tags"])), "")])
    return lines


@dataclass(slots=True)
class PartyCases:
    """The cases a party appears in; lines are built only when drawn."""

    store: Store
    party_id: str
    case_ids: list[str] = field(default_factory=list)
    _cache: dict[int, Row] = field(default_factory=dict)

    @classmethod
    def of(cls, store: Store, party_id: str) -> PartyCases:
        """The party's cases in store order."""
        return cls(store, party_id, store.cases_of_party(party_id))

    def __len__(self) -> int:
        return len(self.case_ids)

    def row(self, index: int) -> Row:
        """Role(s) in the case, the case title, the party's latest outcome there."""
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        case_id = self.case_ids[index]
        case: Doc = self.store.get(model.CASES, case_id) or {}
        roles = [
            humanise(str(p.get("role", "")))
            for p in case.get("participants", ())
            if p.get("party") == self.party_id
        ]
        latest = self.store.latest_outcomes(case_id).get(self.party_id)
        line: Line = [
            (pad(", ".join(dict.fromkeys(roles)), ROLE_WIDTH) + " ", "dim"),
            (pad(latest.outcome if latest else "—", OUTCOME_WIDTH) + " ", "accent"),
            (str(case.get("title", case_id)), "strong"),
        ]
        if latest is not None:
            line.append((f" · {humanise(latest.level)}, {human_date(latest.date)}", "dim"))
        line.append((f" · {case.get('status', '')}", "dim"))
        cites = tuple(
            cite
            for p in case.get("participants", ())
            if p.get("party") == self.party_id
            for cite in p.get("cites", ())
        )
        row = Row(line, "case", case_id, case_id, party=self.party_id, cites=cites or _cites(case))
        self._cache[index] = row
        return row
