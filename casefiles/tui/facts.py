"""What the browser's panes show: the rows of a case (parties, charges, events,
court ladder, sentences, sources), the cites of a fact, the header of a case
or party, as lines of ``(text, tag)`` pieces.

Every case function formats the case's ``CaseView`` (``casefiles.caseview``),
resolved once per case and cached while the case's documents are unchanged:
nothing here walks the raw documents.  Each row carries the line to draw and
the fact it stands for (kind, key, party, level, cites, conflict key).  No
textual import.  Rows are Structs (msgspec), not dataclasses: created in C at
import, which the browser's first frame waits for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from msgspec import Struct, field
from msgspec.structs import replace

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
    case_cites_of,
    source_ids,
    view_of,
)
from casefiles.citation import fact_text
from casefiles.model import human_date, humanise
from casefiles.sources import quotes
from casefiles.sources.quotes import QuoteMarks
from casefiles.store import Store
from casefiles.tui.selection import Selection
from casefiles.tui.text import Line, pad, plain

WARN = "⚠ "
DISAGREE = "⚠ sources disagree"
ROLE_WIDTH = 15
LEVEL_WIDTH = 14
DATE_WIDTH = 12
OUTCOME_WIDTH = 10


class Row(Struct, frozen=True):
    """One line of a pane and the fact it stands for."""

    line: Line
    kind: str
    id: str
    case_id: str | None = None
    party: str | None = None
    level: str | None = None
    cites: tuple[CiteView, ...] = ()
    conflict: str | None = None
    selectable: bool = True
    detail: tuple[Line, ...] = ()
    """Lines the cites pane shows above the cites (what the row had to cut)."""

    def selection(self) -> Selection | None:
        """What ``y``/``o`` act on when this row has the cursor."""
        if not self.selectable:
            return None
        return Selection(self.kind, self.id, self.case_id)

    @property
    def source_ids(self) -> list[str]:
        """The sources the row's fact cites, each once."""
        return source_ids(self.cites)


def heading(title: str) -> Row:
    """A section heading inside a pane (the cursor skips it)."""
    return Row([(title, "heading")], "heading", title, selectable=False)


def _flagged(line: Line, fact: Fact) -> Line:
    return [(WARN, "warn"), *line] if fact.conflict else line


def _row(line: Line, fact: Fact, case_id: str, **extra: object) -> Row:
    return Row(
        _flagged(line, fact),
        fact.kind,
        fact.key,
        case_id,
        cites=fact.cites,
        conflict=fact.conflict,
        **extra,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ cases


def case_line(case: Mapping[str, object]) -> Line:
    """The cases list line: title and status."""
    return [(str(case.get("title", "")), ""), (f" · {case.get('status', '')}", "dim")]


def case_row(store: Store, case_id: str) -> Row:
    """The cases list row of one case (its cites resolved without building the view)."""
    case = store.get(model.CASES, case_id) or {}
    return Row(case_line(case), "case", case_id, case_id, cites=case_cites_of(store, case))


def case_header(store: Store, case_id: str) -> list[Line]:
    """Title; status · country · tags; summary; related cases."""
    view = view_of(store, case_id)
    if view is None:
        return [[("No case selected", "dim")]]
    lines: list[Line] = [[(view.title, "strong")]]
    meta: Line = [(humanise(view.status), "accent")]
    if view.country:
        meta += [(" · ", "dim"), (view.country, "")]
    if view.tags:
        meta += [(" · ", "dim"), ("tags: ", "dim"), (", ".join(view.tags), "")]
    meta += [(" · ", "dim"), (case_id, "dim")]
    lines.append(meta)
    if view.summary:
        lines.extend([(part, "")] for part in view.summary.splitlines())
    if view.related:
        names = "; ".join(f"{r.title} ({r.id})" for r in view.related)
        lines.append([("related: ", "dim"), (names, "")])
    return lines


def _party_line(p: PartyView) -> Line:
    line: Line = [(pad(p.role_text, ROLE_WIDTH) + " ", "dim"), (p.name, "strong")]
    if p.latest is not None:
        line.append((f"  {p.latest.outcome}", "accent"))
        line.append((f" ({humanise(p.latest.level)})", "dim"))
    if p.role_raw:
        line.append((f" · “{p.role_raw}”", "dim"))
    return line


def _charge_line(c: ChargeView) -> Line:
    line: Line = [(c.party_name, "strong"), (": ", "dim"), (c.label, "")]
    if c.where:
        line.append((f" ({c.where})", "dim"))
    if c.status:
        line.append((f" · {c.status}", "accent"))
    return line


def _event_line(e: EventView) -> Line:
    line: Line = [(pad(e.date_text, DATE_WIDTH) + " ", "dim"), (e.label, "")]
    if e.outcome:
        line.append((f": {humanise(e.outcome)}", "accent"))
    if e.party_name:
        line += [(" — ", "dim"), (e.party_name, "strong")]
    return line


def party_rows(store: Store, case_id: str) -> list[Row]:
    """Participants (role, name, latest outcome), then charges, events and
    hearings by date, and related cases."""
    view = view_of(store, case_id)
    if view is None:
        return []
    rows: list[Row] = []
    for p in view.parties:
        who: Line = [(p.name, "strong"), (f" · {p.role_text}", "dim")]
        if p.role_raw:
            who.append((f" · “{p.role_raw}”", ""))
        rows.append(_row(_party_line(p), p, case_id, party=p.party_id, detail=(who,)))
    if view.charges:
        rows.append(heading("Charges"))
        for c in view.charges:
            line = _charge_line(c)
            rows.append(_row(line, c, case_id, party=c.party_id, detail=(line,)))
    if view.events:
        rows.append(heading("Events"))
        for e in view.events:
            line = _event_line(e)
            detail: list[Line] = [line]
            if e.court_name:
                detail.append([("court ", "dim"), (e.court_name, "")])
            rows.append(_row(line, e, case_id, party=e.party_id, detail=tuple(detail)))
    if view.related:
        rows.append(heading("Related cases"))
        for r in view.related:
            rows.append(
                Row(
                    [(r.title, "strong"), (f" · {r.status}", "dim")],
                    "case",
                    r.id,
                    r.id,
                    detail=([("enter opens this case", "dim")],),
                )
            )
    return align_flags(rows)


def ruling_detail(r: RulingView) -> list[Line]:
    """Court, stage, date, outcome, who was absent, and the ruling's summary."""
    lines: list[Line] = [
        [
            (r.court_name or "court unknown", "strong"),
            (" · ", "dim"),
            (humanise(r.stage or "stage unknown"), ""),
            (" · ", "dim"),
            (r.date_text, ""),
            (" · ", "dim"),
            (r.outcome or "no outcome recorded", "accent"),
        ]
    ]
    if r.absent_names:
        lines.append([("in absentia: ", "warn"), (", ".join(r.absent_names), "")])
    if r.summary:
        lines.extend([(part, "")] for part in r.summary.splitlines())
    return lines


def ladder_rows(store: Store, case_id: str) -> list[Row]:
    """The court ladder: one row per ruling on the merits, by level then date,
    numbered by level (1 first instance, 2 appeal, 3 supreme …)."""
    view = view_of(store, case_id)
    if view is None:
        return []
    rows: list[Row] = []
    for r in view.ladder:
        line: Line = [
            (f"{r.step} ", "dim"),
            (pad(r.level_text, LEVEL_WIDTH) + " ", "strong"),
            (pad(r.outcome or "—", OUTCOME_WIDTH) + " ", "accent"),
            (pad(r.date_text, DATE_WIDTH) + " ", ""),
        ]
        if r.absent:
            line.append(("in absentia ", "warn"))
        line.append((r.court_name, "dim"))
        rows.append(_row(line, r, case_id, level=r.level, detail=tuple(ruling_detail(r))))
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
    view = view_of(store, case_id)
    if view is None:
        return []
    rows: list[Row] = []
    for s in view.sentences:
        if level is not None and s.level != level:
            continue
        marked = (party is not None and s.party_id == party) or (
            proceeding is not None and s.proceeding == proceeding
        )
        line: Line = [
            ("• " if marked else "  ", "mark"),
            (s.party_name, "strong"),
            (" · ", "dim"),
            (s.level_text, "accent"),
            (" · ", "dim"),
            (s.summary(), ""),
        ]
        if s.status:
            line += [(" · ", "dim"), (s.status, "dim")]
        rows.append(
            _row(
                line,
                s,
                case_id,
                party=s.party_id,
                level=s.level,
                detail=(line[1:], *sentence_detail(s)),
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


def sentence_detail(s: SentenceView) -> list[Line]:
    """The arithmetic of a sentence, every part named (``none`` when absent), and
    the custody events it rests on."""
    lines: list[Line] = []
    if s.term:
        out: Line = []
        parts: list[tuple[str, str]] = [
            ("term", s.term.human()),
            ("suspended", s.suspended.human()),
            ("custodial", s.custodial.human()),
            (
                "pre-trial credit",
                s.pretrial.human() + (" (from recorded custody)" if s.pretrial_derived else ""),
            ),
        ]
        if s.served is not None:
            parts.append(("served", s.served.human()))
        parts.append(("remaining", s.remaining_text()))
        for label, value in parts:
            if out:
                out.append((" · ", "dim"))
            out += [(f"{label} ", "dim"), (value, "accent" if label == "remaining" else "")]
        lines.append(out)
    if s.amount_text:
        lines.append([(s.amount_label + " ", "dim"), (s.amount_text.split(" ", 1)[1], "")])
    if s.custody is not None and s.custody.spans:
        spans = "; ".join(
            f"{human_date(sp.start)} – {human_date(sp.end) if sp.end else 'now'}"
            for sp in s.custody.spans
        )
        about = " (dates approximate)" if s.custody.approximate else ""
        lines.append([("in custody ", "dim"), (spans + about, "")])
        if s.custody.cites:
            ids = ", ".join(source_ids(s.custody.cites))
            lines.append([("custody from recorded events, cited: ", "dim"), (ids, "")])
    return lines


def source_line(source: SourceView, marked: bool = False) -> Line:
    """``• publisher · date · title`` (the bullet marks sources the selected fact cites)."""
    return [
        ("• " if marked else "  ", "mark"),
        (source.publisher or "—", "dim"),
        (" · ", "dim"),
        (source.date_text, ""),
        (" · ", "dim"),
        (source.title, ""),
    ]


def source_rows(store: Store, case_id: str, marked: Iterable[str] = ()) -> list[Row]:
    """Every source the case cites; those in ``marked`` get a bullet."""
    view = view_of(store, case_id)
    if view is None:
        return []
    marks = set(marked)
    return [
        Row(
            source_line(src, src.id in marks),
            "source",
            src.id,
            case_id,
            cites=(CiteView(src.id, src),),
        )
        for src in view.sources
    ]


# ------------------------------------------------------------------ cites


QUOTE_FOUND = " ✓"
QUOTE_NEAR = " ≈ near"
QUOTE_MISSING = " ✗ not in the text"
QUOTE_CHECKING = " …"

_MARKS: dict[int, QuoteMarks] = {}


def quote_marks(store: Store) -> QuoteMarks:
    """The quote checks of one store (article texts read once)."""
    marks = _MARKS.get(id(store))
    if marks is None or marks.store is not store:
        if len(_MARKS) > 4:
            _MARKS.clear()
        marks = _MARKS[id(store)] = QuoteMarks(store)
    return marks


#: Quote checks not made yet, as ``(source id, quote)``: the caller makes them
#: off the UI thread (a near match over a long article takes a fraction of a
#: second) and draws the lines again.
Pending = list[tuple[str, str]]


def cite_line(
    cite: CiteView, marks: QuoteMarks | None = None, pending: Pending | None = None
) -> Line:
    """``source-id · publisher · “quote” ✓ — note``; with ``marks``, a quote is
    marked as found (✓), nearly found (≈) or not found (✗) in its source's
    stored text (no mark when the source has no text).  With ``pending``, a
    quote not checked yet is marked ``…`` and added to it instead of checked."""
    line: Line = [(cite.source_id, "accent")]
    if cite.source is None:
        line.append((" (not in the store)", "warn"))
    elif cite.source.publisher:
        line += [(" · ", "dim"), (cite.source.publisher, "dim")]
    if cite.quote:
        line += [(" “", "dim"), (cite.quote, ""), ("”", "dim")]
        if marks is not None and cite.source is not None:
            if pending is None:
                status: str | None = marks.check(cite.source_id, cite.quote)[0]
            else:
                status = marks.known(cite.source_id, cite.quote)
                if status is None:
                    pending.append((cite.source_id, cite.quote))
                    line.append((QUOTE_CHECKING, "dim"))
            if status == quotes.FOUND:
                line.append((QUOTE_FOUND, "dim"))
            elif status == quotes.NEAR:
                line.append((QUOTE_NEAR, "warn"))
            elif status == quotes.MISSING:
                line.append((QUOTE_MISSING, "warn"))
    if cite.note:
        line += [(" — ", "dim"), (cite.note, "dim")]
    return line


def source_detail(store: Store, source_id: str) -> list[Line]:
    """What is known about a source: title, publisher, date, kind, language, url, file."""
    doc = store.get(model.SOURCES, source_id)
    if doc is None:
        return [[(f"unknown source {source_id}", "warn")]]
    src = SourceView.of(doc)
    lines: list[Line] = [[(src.id, "accent"), (" · ", "dim"), (src.title, "strong")]]
    meta: Line = [(src.publisher or "no publisher", ""), (" · ", "dim"), (src.date_text, "")]
    for value in (src.kind, src.language):
        if value:
            meta += [(" · ", "dim"), (humanise(value), "dim")]
    lines.append(meta)
    if src.url:
        lines.append([("url ", "dim"), (src.url, "")])
    if src.file:
        lines.append([("file ", "dim"), (src.file, ""), ("  (o read · O open outside)", "dim")])
    if src.note:
        lines.append([("note ", "dim"), (src.note, "")])
    return lines


def _cites_of(store: Store, row: Row, pending: Pending | None) -> list[Line]:
    if not row.cites:
        return [[("uncited", "dim")]]
    marks = quote_marks(store)
    return [cite_line(c, marks, pending) for c in row.cites]


def cite_lines(
    store: Store, row: Row | None, siblings: Sequence[Row] = (), pending: Pending | None = None
) -> list[Line]:
    """The cites strip for ``row``: its cites; for a fact in a conflict group, every
    version with its cites under a ``⚠ sources disagree`` line.  ``pending``: see
    ``cite_line``."""
    if row is None:
        return [[("Nothing selected", "dim")]]
    if row.kind == "source":
        return source_detail(store, row.id)
    if row.conflict:
        return _versions(store, row, siblings, pending)
    return [*row.detail, *_cites_of(store, row, pending)]


def _versions(
    store: Store, row: Row, siblings: Sequence[Row], pending: Pending | None
) -> list[Line]:
    """Every version of a disputed fact with its cites (versions may sit in
    different panes: a hearing among the events, a ruling on the ladder)."""
    view = view_of(store, row.case_id) if row.case_id else None
    fact = view.fact(row.kind, row.id) if view is not None else None
    lines: list[Line]
    if view is None or fact is None:
        versions = [r for r in siblings if r.conflict == row.conflict] or [row]
        lines = [[(f"{DISAGREE}: {len(versions)} versions of this fact", "warn")]]
        for r in versions:
            marker = "▸ " if r.id == row.id else "  "
            lines.append([(marker, "warn"), (plain(r.line).removeprefix(WARN).strip(), "")])
            lines.extend([("    ", ""), *line] for line in _cites_of(store, r, pending))
        return lines
    group = view.versions(fact)
    lines = [[(f"{DISAGREE}: {len(group)} versions of this fact", "warn")]]
    for v in group:
        marker = "▸ " if (v.kind, v.key) == (fact.kind, fact.key) else "  "
        lines.append([(marker, "warn"), (fact_text(view, v), "")])
        marks = quote_marks(store)
        cites = [cite_line(c, marks, pending) for c in v.cites] or [[("uncited", "dim")]]
        lines.extend([("    ", ""), *line] for line in cites)
    return lines


def quotes_for(store: Store, case_id: str | None, source_id: str) -> list[str]:
    """The quotes the case's cites take from ``source_id`` (for the reader to highlight)."""
    view = view_of(store, case_id) if case_id is not None else None
    return view.quotes_from(source_id) if view is not None else []


def names_of_case(store: Store, case_id: str | None) -> list[str]:
    """Names and aliases of every party in a case."""
    view = view_of(store, case_id) if case_id is not None else None
    return view.names() if view is not None else []


def first_source(row: Row | None, store: Store, case_id: str | None) -> str | None:
    """The source ``o``/``O`` act on: the row's source, or its first cite, or the
    case's first source."""
    if row is not None:
        for cite in row.cites:
            if cite.source is not None:
                return cite.source_id
    view = view_of(store, case_id) if case_id is not None else None
    if view is not None:
        for cite in view.cites:
            if cite.source is not None:
                return cite.source_id
        if view.sources:
            return view.sources[0].id
    return None


def view(store: Store, case_id: str) -> CaseView | None:
    """The case view the rows are built from (for screens that want more)."""
    return view_of(store, case_id)


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


class PartyCases(Struct):
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
        view = view_of(self.store, case_id)
        if view is None:
            row = Row([(case_id, "warn")], "case", case_id, case_id, selectable=False)
            self._cache[index] = row
            return row
        mine = [p for p in view.parties if p.party_id == self.party_id]
        roles = dict.fromkeys(p.role_text for p in mine)
        latest = mine[0].latest if mine else None
        line: Line = [
            (pad(", ".join(roles), ROLE_WIDTH) + " ", "dim"),
            (pad(latest.outcome if latest else "—", OUTCOME_WIDTH) + " ", "accent"),
            (view.title, "strong"),
        ]
        if latest is not None:
            line.append((f" · {humanise(latest.level)}, {human_date(latest.date)}", "dim"))
        line.append((f" · {view.status}", "dim"))
        cites = tuple(c for p in mine for c in p.cites)
        row = Row(line, "case", case_id, case_id, party=self.party_id, cites=cites or view.cites)
        self._cache[index] = row
        return row
