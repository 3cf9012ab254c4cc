"""Timelines of a case or a person, laid out as lines of characters.

A ``Timeline`` holds *marks* (events, hearings and rulings, each placed by its
partial date) and *bars* (per defendant, or per case for a person: time in
custody against the custodial part of the sentence).  ``layout(timeline,
width)`` draws it to scale on one shared time axis as lines of ``(text, tag)``
pieces, the same shape as the browser's other lines, so that a screen only
paints them.

Dates are placed honestly: a date known to the day is one point, a date known
only to the month or the year is the whole span of that month or year
(``period_of``), never its first day.  Versions of a fact that sources
disagree on are kept next to each other, each drawn at its own date and
flagged ``⚠``.  Everything is readable without colour: each kind of cell has
its own character (``LEGEND``).  Pure functions; no textual, no I/O.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final, Literal

from casefiles import model
from casefiles.article import cells as cell_width
from casefiles.article import char_cells
from casefiles.caseview import CaseView, EventView, RulingView, SentenceView, grouped_order
from casefiles.custody import Custody, custody_of
from casefiles.model import Duration, human_date, humanise, parse_date
from casefiles.person import Person, PersonPart
from casefiles.textsafe import one_line

Piece = tuple[str, str]
Line = list[Piece]

CUSTODY: Final = "█"
REMAIN: Final = "░"
REMIT: Final = "┄"
RULING: Final = "│"
EVENT: Final = "●"
HEARING: Final = "○"
END: Final = "✕"
BEYOND: Final = "▸"
WARN: Final = "⚠"
SPAN_LEFT, SPAN_FILL, SPAN_RIGHT, SPAN_ONE = "├", "─", "┤", "┼"

#: Every character the drawing uses and what it means.
LEGEND: Final[tuple[tuple[str, str, str], ...]] = (
    (CUSTODY, "in custody", "custody"),
    (REMAIN, "custodial part to serve", "remain"),
    (REMIT, "not served (pardon, release)", "remit"),
    (END, "release, bail or pardon", "end"),
    (RULING, "ruling", "ruling"),
    (EVENT, "event", "event"),
    (HEARING, "hearing", "event"),
    (SPAN_LEFT + SPAN_FILL + SPAN_RIGHT, "month or year only", "event"),
    (WARN, "sources disagree", "warn"),
    (BEYOND, "beyond the axis", "dim"),
)

GUTTER: Final = 14
"""Cells left of the axis: the date (or the name on a bar)."""

#: Stretch kinds of a bar, drawn in this order (later ones on top).
StretchKind = Literal["remain", "remit", "custody"]
_FILL: Final[dict[str, str]] = {"remain": REMAIN, "remit": REMIT, "custody": CUSTODY}


# ------------------------------------------------------------------ dates


@dataclass(frozen=True, slots=True)
class Period:
    """The days a partial date may name: ``[start, end)`` (end exclusive)."""

    start: date
    end: date
    precision: str

    @property
    def exact(self) -> bool:
        """Known to the day."""
        return self.precision == "day"


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def period_of(text: object) -> Period | None:
    """The period a stored partial date names (``None`` when absent or malformed):
    ``2016`` is the whole year, ``2016-04`` the whole month, ``2016-04-27`` a day."""
    pd = parse_date(text)
    if pd is None:
        return None
    if pd.day:
        start = date(pd.year, pd.month, pd.day)
        return Period(start, start + timedelta(days=1), "day")
    if pd.month:
        start = date(pd.year, pd.month, 1)
        return Period(start, _next_month(start), "month")
    return Period(date(pd.year, 1, 1), date(pd.year + 1, 1, 1), "year")


def add(start: date, length: Duration) -> date:
    """``start`` plus a duration of months and days (the day clamped to the month)."""
    year, month = divmod(start.month - 1 + length.months, 12)
    year, month = start.year + year, month + 1
    day = start.day
    while True:
        try:
            moved = date(year, month, day)
            break
        except ValueError:
            day -= 1
    return moved + timedelta(days=length.days)


def _start(text: str | None) -> date | None:
    period = period_of(text)
    return period.start if period else None


# ------------------------------------------------------------------ model


@dataclass(frozen=True, slots=True)
class Mark:
    """One dated thing on the timeline: an event, a hearing or a ruling."""

    period: Period | None
    date_text: str
    kind: str
    """``ruling``, ``hearing`` or an event kind (``arrest``, ``pardon`` …)."""
    label: str
    who: str = ""
    conflict: str | None = None
    version: int = 0
    versions: int = 0

    @property
    def glyph(self) -> str:
        """The character of a point mark."""
        if self.kind == "ruling":
            return RULING
        if self.kind == "hearing":
            return HEARING
        return EVENT


@dataclass(frozen=True, slots=True)
class Stretch:
    """A run of days on a bar: ``[start, end)``."""

    start: date
    end: date
    kind: StretchKind


@dataclass(frozen=True, slots=True)
class Bar:
    """One defendant's custody against a sentence's custodial part."""

    name: str
    notes: tuple[str, ...]
    stretches: tuple[Stretch, ...] = ()
    rulings: tuple[date, ...] = ()
    ends: tuple[date, ...] = ()
    """Releases, bail and pardons of the party."""


@dataclass(frozen=True, slots=True)
class Timeline:
    """What a timeline shows (see the module docstring)."""

    title: str
    marks: tuple[Mark, ...]
    bars: tuple[Bar, ...]
    today: date
    cases: tuple[tuple[str, str], ...] = ()
    """For a person: ``(short name, case title)`` of each case the marks and
    bars refer to by the short name (``case 1`` …)."""

    def periods(self) -> list[Period]:
        """Every dated mark's period."""
        return [m.period for m in self.marks if m.period is not None]


def _numbered(marks: list[Mark]) -> list[Mark]:
    """Versions of one fact pulled together and numbered ``k of n``."""
    order = grouped_order([m.conflict for m in marks])
    marks = [marks[i] for i in order]
    sizes: dict[str, int] = {}
    for m in marks:
        if m.conflict:
            sizes[m.conflict] = sizes.get(m.conflict, 0) + 1
    seen: dict[str, int] = {}
    out: list[Mark] = []
    for m in marks:
        if m.conflict:
            seen[m.conflict] = seen.get(m.conflict, 0) + 1
            m = Mark(
                m.period,
                m.date_text,
                m.kind,
                m.label,
                m.who,
                m.conflict,
                seen[m.conflict],
                sizes[m.conflict],
            )
        out.append(m)
    return out


def _event_mark(e: EventView, who: str, conflict: str | None) -> Mark:
    kind = "hearing" if e.kind == "proceeding" else e.event_kind
    label = e.label + (f": {humanise(e.outcome)}" if e.outcome else "")
    if e.kind == "event" and e.event_kind not in ("other", "hearing"):
        label = f"{e.event_kind}: {label}"
    return Mark(
        period_of(e.date), human_date(e.date), kind, one_line(label), one_line(who), conflict
    )


def _ruling_mark(r: RulingView, who: str, conflict: str | None) -> Mark:
    label = f"ruling, {r.level_text}: {r.outcome or 'no outcome recorded'}"
    if r.court_name:
        label += f" ({r.court_name})"
    return Mark(
        period_of(r.date), human_date(r.date), "ruling", one_line(label), one_line(who), conflict
    )


def _sorted_marks(marks: list[Mark]) -> list[Mark]:
    def key(m: Mark) -> tuple[int, date, date]:
        if m.period is None:
            return (1, date.max, date.max)
        return (0, m.period.start, m.period.end)

    return _numbered(sorted(marks, key=key))


def _custodial_sentence(sentences: Sequence[SentenceView]) -> SentenceView | None:
    """The sentence a bar is drawn against: the last custodial one on the ladder."""
    custodial = [s for s in sentences if s.custodial and s.status != "overturned"]
    return custodial[-1] if custodial else None


def _spans_text(custody: Custody) -> str:
    parts = []
    for sp in custody.spans:
        end = human_date(sp.end) if sp.end else "now"
        how = f" ({sp.ended_by})" if sp.ended_by else ""
        parts.append(f"{human_date(sp.start)} – {end}{how}")
    about = " (dates approximate)" if custody.approximate else ""
    return "custody " + "; ".join(parts) + about


def bar_of(
    name: str,
    sentence: SentenceView | None,
    custody: Custody | None,
    rulings: Iterable[RulingView],
    ends: Iterable[EventView],
    today: date,
    *,
    where: str = "",
) -> Bar:
    """The bar of one party in one case: recorded custody (``█``), then the
    rest of the sentence's custodial part, either still to serve (``░``) or
    not served because a pardon or release ended it (``┄``).  Without recorded
    custody, what is left to serve is drawn from the ruling date."""
    stretches: list[Stretch] = []
    notes: list[str] = []
    last_end: date | None = None
    if custody is not None and custody.spans:
        for sp in custody.spans:
            start = _start(sp.start)
            if start is None:
                continue
            stop = _start(sp.end) if sp.end else today
            stop = max(stop or today, start + timedelta(days=1))
            stretches.append(Stretch(start, stop, "custody"))
            last_end = stop
        notes.append(_spans_text(custody))
    if sentence is not None:
        head = f"{humanise(sentence.penalty)} {sentence.term.human()} ({sentence.level_text})"
        if where:
            head = f"{where}: {head}"
        if sentence.conflict:
            head = f"{WARN} {head}, one of several versions"
        parts = [head, f"custodial {sentence.custodial.human()}"]
        if sentence.pretrial:
            how = " (from events)" if sentence.pretrial_derived else ""
            parts.append(f"pre-trial credit {sentence.pretrial.human()}{how}")
        if sentence.served is not None:
            parts.append(f"served {sentence.served.human()}")
        parts.append(f"remaining {sentence.remaining_text()}")
        notes.insert(0, " · ".join(parts))
        ruling_day = _start(sentence.ruling_date)
        if sentence.ended is not None and last_end is not None:
            served = sentence.served or Duration()
            left = sentence.custodial - served
            if left:
                stretches.insert(0, Stretch(last_end, add(last_end, left), "remit"))
        elif sentence.ended is not None and ruling_day is not None and sentence.custodial:
            # pardoned or released with no custody recorded in this case: the
            # custodial part, from the ruling, was not served
            stretches.insert(0, Stretch(ruling_day, add(ruling_day, sentence.custodial), "remit"))
            notes.append("no custody dates recorded in this case")
        elif sentence.remaining:
            known = [d for d in (last_end, ruling_day) if d is not None]
            begin: date | None = max(known) if known else None
            if custody is not None and custody.ongoing:
                begin = today
            if begin is not None:
                stretches.insert(0, Stretch(begin, add(begin, sentence.remaining), "remain"))
        if not stretches and sentence.custodial:
            notes.append("no custody dates recorded for this party")
    elif where:
        notes.insert(0, f"{where}: no custodial sentence recorded")
    else:
        notes.insert(0, "no custodial sentence recorded")
    ticks = tuple(p.start for r in rulings if (p := period_of(r.date)) is not None and p.exact)
    end_days = tuple(p.start for e in ends if (p := period_of(e.date)) is not None)
    return Bar(one_line(name), tuple(map(one_line, notes)), tuple(stretches), ticks, end_days)


def _accused(view: CaseView) -> list[tuple[str, str]]:
    out: dict[str, str] = {}
    for p in view.parties:
        if p.role in model.ACCUSED_ROLES:
            out.setdefault(p.party_id, p.name)
    return list(out.items())


def _rulings_on(view: CaseView, party_id: str) -> list[RulingView]:
    return [r for r in view.ladder if not r.parties or party_id in r.parties]


def _ends_of(view: CaseView, party_id: str) -> list[EventView]:
    return [
        e
        for e in view.events
        if e.kind == "event" and e.party_id == party_id and e.event_kind in model.CUSTODY_ENDS
    ]


def _custody(view: CaseView, party_id: str, sentence: SentenceView | None, today: date) -> Custody:
    if sentence is not None and sentence.custody is not None:
        return sentence.custody
    return custody_of(party_id, [e for e in view.events if e.kind == "event"], today)


def _case_bar(view: CaseView, party_id: str, name: str, today: date, where: str = "") -> Bar | None:
    sentence = _custodial_sentence(view.sentences_of(party_id))
    custody = _custody(view, party_id, sentence, today)
    if sentence is None and not custody.spans:
        return None
    return bar_of(
        name,
        sentence,
        custody,
        _rulings_on(view, party_id),
        _ends_of(view, party_id),
        today,
        where=where,
    )


def _part_bar(part: PersonPart, party_id: str, name: str, today: date) -> Bar | None:
    """A person's bar in one case, from what the person kept of the case: the
    same sentence, custody, rulings and releases ``_case_bar`` takes from the
    case view."""
    sentence = _custodial_sentence([s.sentence for s in part.sentences])
    own = [
        e.fact
        for e in part.events
        if isinstance(e.fact, EventView) and e.fact.kind == "event" and not e.case_wide
    ]
    if sentence is not None and sentence.custody is not None:
        custody = sentence.custody
    else:
        custody = custody_of(party_id, own, today)
    if sentence is None and not custody.spans:
        return None
    rulings = [e.fact for e in part.events if isinstance(e.fact, RulingView)]
    ends = [e for e in own if e.event_kind in model.CUSTODY_ENDS]
    return bar_of(name, sentence, custody, rulings, ends, today)


def timeline_of_case(view: CaseView, today: date | None = None) -> Timeline:
    """A case's events, hearings and rulings, and a bar per accused party with a
    custodial sentence or recorded custody."""
    when = today or date.today()
    marks = [_event_mark(e, e.party_name, e.conflict) for e in view.events]
    marks += [_ruling_mark(r, "", r.conflict) for r in view.ladder]
    bars: list[Bar] = []
    for party_id, name in _accused(view):
        bar = _case_bar(view, party_id, name, when)
        if bar is not None:
            bars.append(bar)
    return Timeline(one_line(view.title), tuple(_sorted_marks(marks)), tuple(bars), when)


class PersonTimeline:
    """Builds a person's timeline in steps of bounded time (``step``), like
    ``casefiles.person.PersonBuilder``: a party in thousands of cases has tens
    of thousands of marks and a bar per case."""

    def __init__(self, person: Person, today: date | None = None) -> None:
        self.person = person
        self.today = today or date.today()
        self.short = {c.case_id: f"case {i}" for i, c in enumerate(person.cases, 1)}
        self.marks: list[Mark] = []
        self.bars: list[Bar] = []
        self._event = 0
        self._part = 0

    @property
    def finished(self) -> bool:
        """Every event and case has been drawn."""
        return self._event >= len(self.person.events) and self._part >= len(self.person.parts)

    def _next(self) -> None:
        person = self.person
        if self._event < len(person.events):
            e = person.events[self._event]
            self._event += 1
            fact = e.fact
            who = self.short.get(e.case_id, e.case_title)
            mark = (
                _ruling_mark(fact, "", e.conflict)
                if isinstance(fact, RulingView)
                else _event_mark(fact, "", e.conflict)
            )
            self.marks.append(replace(mark, label=f"{who} · {mark.label}"))
            return
        part = person.parts[self._part]
        self._part += 1
        name = self.short.get(part.case.case_id, part.case.title)
        bar = _part_bar(part, person.party_id, name, self.today)
        if bar is not None:
            self.bars.append(bar)

    def step(self, budget: float = 0.008) -> bool:
        """Draw for about ``budget`` seconds (at least one item); true when done."""
        end = time.perf_counter() + budget
        while not self.finished:
            for _ in range(50):
                if self.finished:
                    break
                self._next()
            if time.perf_counter() >= end:
                break
        return self.finished

    def result(self) -> Timeline:
        """The timeline (call when ``step`` says it is done).  The person's
        events are already in date order, versions together."""
        while not self.finished:
            self._next()
        person = self.person
        cases = tuple((self.short[c.case_id], one_line(c.title)) for c in person.cases)
        return Timeline(
            one_line(person.name), tuple(_numbered(self.marks)), tuple(self.bars), self.today, cases
        )


def timeline_of_person(person: Person, today: date | None = None) -> Timeline:
    """A person's events, hearings and rulings across their cases (each marked
    with its case: ``case 1`` …, the cases listed on top), and a bar per case
    with a custodial sentence or recorded custody."""
    return PersonTimeline(person, today).result()


# ------------------------------------------------------------------ scale


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled point of the axis."""

    day: date
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    """Days ``[start, end)`` mapped onto ``width`` cells."""

    start: date
    end: date
    width: int

    @property
    def days(self) -> int:
        """Days on the axis."""
        return max(1, (self.end - self.start).days)

    def col(self, day: date) -> int:
        """The cell a day falls in (clamped to the axis)."""
        offset = (day - self.start).days
        return max(0, min(self.width - 1, offset * self.width // self.days))

    def cells(self, start: date, end: date) -> tuple[int, int]:
        """First and last cell of the days ``[start, end)`` (at least one cell)."""
        first = self.col(start)
        last = self.col(max(start, end - timedelta(days=1)))
        return first, max(first, last)

    def beyond(self, day: date) -> bool:
        """Whether ``day`` lies after the axis."""
        return day > self.end

    @classmethod
    def fit(cls, days: Iterable[date], width: int) -> Scale | None:
        """A scale over ``days`` (``None`` without any), widened to whole years
        (whole months for a span under two years)."""
        all_days = list(days)
        if not all_days:
            return None
        lo, hi = min(all_days), max(all_days)
        if (hi - lo).days >= 730:
            start, end = date(lo.year, 1, 1), date(hi.year + 1, 1, 1)
        else:
            start = date(lo.year, lo.month, 1)
            end = _next_month(hi) if hi != date(hi.year, hi.month, 1) else hi
            if end <= start:
                end = _next_month(start)
        return cls(start, end, max(1, width))

    def ticks(self) -> list[Tick]:
        """Labelled points that fit: years (every 1, 2, 5, 10 … years) or
        months (every 1, 3 or 6 months) for a short axis."""
        years = self.days / 365.25
        per_year = self.width / max(years, 1e-9)
        for step in (1, 2, 5, 10, 20, 50, 100):
            if per_year * step >= 5:
                if years < 2 and step == 1 and per_year >= 18:
                    break
                first = self.start.year + (-self.start.year) % step
                if date(first, 1, 1) < self.start:
                    first += step
                return [
                    Tick(date(y, 1, 1), str(y))
                    for y in range(first, self.end.year + 1, step)
                    if date(y, 1, 1) < self.end
                ]
        per_month = self.width / max(self.days / 30.44, 1e-9)
        for step in (1, 3, 6):
            if per_month * step >= 9:
                out: list[Tick] = []
                d = date(self.start.year, self.start.month, 1)
                while d < self.end:
                    if (d.month - 1) % step == 0 and d >= self.start:
                        out.append(Tick(d, f"{model.PartialDate(d.year, d.month).human()}"))
                    d = _next_month(d)
                return out
        return [Tick(self.start, str(self.start.year))]


# ------------------------------------------------------------------ layout


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the body, drawn when asked (``Layout.line``)."""

    kind: Literal["heading", "bar", "note", "mark", "blank", "text", "case"]
    text: str = ""
    name: str = ""
    bar: Bar | None = None
    mark: Mark | None = None


@dataclass(slots=True)
class Layout:
    """A timeline laid out for a width: the axis (two lines), the body rows
    (drawn one at a time, so a person with thousands of events costs only the
    lines on screen) and the legend."""

    timeline: Timeline
    width: int
    scale: Scale | None
    axis: list[Line]
    rows: list[Row]
    legend: list[Line]
    _lines: dict[int, Line] = field(default_factory=dict)

    @property
    def track(self) -> int:
        """Cells of the drawn axis."""
        return self.scale.width if self.scale else 0

    def __len__(self) -> int:
        return len(self.rows)

    def line(self, index: int) -> Line:
        """Body line ``index``."""
        hit = self._lines.get(index)
        if hit is None:
            hit = self._lines[index] = _draw(self, self.rows[index])
            if len(self._lines) > 4096:
                self._lines.clear()
        return hit

    def lines(self) -> list[Line]:
        """Every body line (for tests and small timelines)."""
        return [self.line(i) for i in range(len(self.rows))]

    def text(self) -> str:
        """Axis, body and legend as plain text."""
        return "\n".join(
            "".join(p for p, _ in line) for line in (*self.axis, *self.lines(), *self.legend)
        )


def _cell_list(text: str) -> list[str]:
    """``text`` as one string per terminal cell (``""`` for the second half of
    a wide character; zero-width marks stay with the character before them)."""
    out: list[str] = []
    for ch in text:
        w = char_cells(ch)
        if w == 0:
            if out:
                out[-1] += ch
            else:
                out.append(" " + ch)
        else:
            out.append(ch)
            if w == 2:
                out.append("")
    return out


def _fit(cells: list[str], width: int) -> list[str]:
    """At most ``width`` cells, cut with ``…`` (never half a wide character)."""
    if width <= 0:
        return []
    if len(cells) <= width:
        return cells
    kept = cells[: width - 1]
    if kept and kept[-1] != "" and width - 1 < len(cells) and cells[width - 1] == "":
        kept[-1] = " "
    return [*kept, "…"]


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with ``…``."""
    if text.isascii():
        if width <= 0:
            return ""
        return text if len(text) <= width else text[: width - 1] + "…"
    return "".join(_fit(_cell_list(text), width))


def _pad(text: str, width: int) -> str:
    """``text`` cut or padded with spaces to exactly ``width`` cells."""
    cut = _cut(text, width)
    return cut + " " * (width - cell_width(cut))


def _bar_days(bar: Bar) -> list[date]:
    out: list[date] = []
    for s in bar.stretches:
        out += [s.start, s.end - timedelta(days=1) if s.end > s.start else s.start]
    return [*out, *bar.rulings, *bar.ends]


def _axis_days(timeline: Timeline) -> list[date]:
    """The days the axis must show: every mark, custody to its end (today for
    an open span); a sentence's unserved part only when it does not stretch the
    axis by more than half (beyond that it is cut and marked ``▸``)."""
    core: list[date] = []
    for p in timeline.periods():
        core += [p.start, p.end - timedelta(days=1)]
    extra: list[date] = []
    for bar in timeline.bars:
        for s in bar.stretches:
            target = core if s.kind == "custody" else extra
            target += [s.start, s.end - timedelta(days=1) if s.end > s.start else s.start]
        core += [*bar.rulings, *bar.ends]
    if not core:
        return extra
    lo, hi = min(core), max(core)
    limit = hi + timedelta(days=max(183, (hi - lo).days // 2))
    return core + [d for d in extra if d <= limit]


def layout(timeline: Timeline, width: int) -> Layout:
    """Lay ``timeline`` out ``width`` cells wide (see ``Layout``)."""
    width = max(GUTTER + 10, width)
    track = width - GUTTER
    scale = Scale.fit(_axis_days(timeline), track)
    axis = _axis(scale, track)
    rows: list[Row] = []
    if timeline.cases:
        rows.append(Row("heading", "Cases"))
        rows.extend(Row("case", title, name=name) for name, title in timeline.cases)
        rows.append(Row("blank"))
    if timeline.bars:
        rows.append(Row("heading", "Custody against the custodial part of the sentence"))
        previous: Bar | None = None
        for bar in timeline.bars:
            rows.append(Row("bar", bar=bar))
            if previous is not None and bar.notes == previous.notes:
                rows.append(Row("note", f"the same as {previous.name}", bar=bar))
                continue
            previous = bar
            for note in bar.notes:
                rows.extend(Row("note", part, bar=bar) for part in wrap_parts(note, track))
        rows.append(Row("blank"))
    rows.append(Row("heading", "Events and rulings"))
    if not timeline.marks:
        rows.append(Row("text", "no dated events or rulings"))
    rows.extend(Row("mark", mark=m) for m in timeline.marks)
    return Layout(timeline, width, scale, axis, rows, legend_lines(width))


def wrap_parts(text: str, width: int, sep: str = " · ") -> list[str]:
    """``text`` made of ``sep``-separated parts, as lines of at most ``width``
    cells, broken between parts (a part longer than a line is cut)."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and cell_width(lines[-1]) + len(sep) + cell_width(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return [_cut(line, width) for line in lines]


def _axis(scale: Scale | None, track: int) -> list[Line]:
    if scale is None:
        return [[(" " * GUTTER, ""), (_pad("no dates to draw", track), "dim")], [("", "")]]
    labels = [" "] * track
    rule = [SPAN_FILL] * track
    last = -2
    for tick in scale.ticks():
        c = scale.col(tick.day)
        rule[c] = "┼" if 0 < c < track - 1 else ("├" if c == 0 else "┤")
        if c > last + 1 and c + len(tick.label) <= track:
            labels[c : c + len(tick.label)] = list(tick.label)
            last = c + len(tick.label)
    return [
        [(" " * GUTTER, ""), ("".join(labels), "accent")],
        [(_pad("", GUTTER), ""), ("".join(rule), "dim")],
    ]


def legend_lines(width: int) -> list[Line]:
    """The legend, wrapped to ``width`` cells: each character and its meaning."""
    lines: list[Line] = []
    line: Line = []
    used = 0
    for glyph, meaning, tag in LEGEND:
        piece = f"{glyph} {meaning}"
        need = len(piece) + (2 if line else 0)
        if line and used + need > width:
            lines.append(line)
            line, used = [], 0
        if line:
            line.append(("  ", ""))
            used += 2
        line += [(glyph, tag), (f" {_cut(meaning, width - 2)}", "dim")]
        used += min(len(piece), width)
    if line:
        lines.append(line)
    return lines


def _runs(cells: list[tuple[str, str]]) -> Line:
    """Cells of ``(char, tag)`` merged into pieces of one tag."""
    out: Line = []
    for ch, tag in cells:
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    return out


def _draw(lay: Layout, row: Row) -> Line:
    track = lay.width - GUTTER
    if row.kind == "heading":
        return [(_cut(row.text, lay.width), "heading")]
    if row.kind == "blank":
        return [("", "")]
    if row.kind == "text":
        return [(" " * GUTTER, ""), (_cut(row.text, track), "dim")]
    if row.kind == "case":
        return [(_pad(row.name, GUTTER - 1) + " ", "strong"), (_cut(row.text, track), "")]
    if row.kind == "note":
        return [(" " * GUTTER, ""), (_cut(row.text, track), "dim")]
    if row.kind == "bar":
        assert row.bar is not None
        return [(_pad(row.bar.name, GUTTER - 1) + " ", "strong"), *_bar_cells(lay, row.bar)]
    assert row.mark is not None
    return _mark_line(lay, row.mark)


def _bar_cells(lay: Layout, bar: Bar) -> Line:
    scale = lay.scale
    track = lay.track
    cells: list[tuple[str, str]] = [(" ", "")] * track
    if scale is None:
        return _runs(cells)
    for kind in ("remain", "remit", "custody"):
        for s in bar.stretches:
            if s.kind != kind:
                continue
            first, last = scale.cells(s.start, s.end)
            for c in range(first, last + 1):
                cells[c] = (_FILL[kind], kind)
            if scale.beyond(s.end) and last == track - 1:
                cells[last] = (BEYOND, kind)
    for day in bar.ends:
        cells[scale.col(day)] = (END, "end")
    for day in bar.rulings:
        cells[scale.col(day)] = (RULING, "ruling")
    return _runs(cells)


def _mark_line(lay: Layout, mark: Mark) -> Line:
    track = lay.track
    flag = f"{WARN} " if mark.conflict else ""
    gutter: Line = [
        (flag, "warn"),
        (_pad(mark.date_text, GUTTER - len(flag) - 1) + " ", "dim" if mark.period else "warn"),
    ]
    label = mark.label
    if mark.who:
        label += f" — {mark.who}"
    if mark.conflict:
        label += f" (version {mark.version} of {mark.versions})"
    scale = lay.scale
    cells: list[tuple[str, str]] = [(" ", "")] * track
    if scale is None or mark.period is None:
        return [*gutter, (_pad(label, track), "")]
    first, last = scale.cells(mark.period.start, mark.period.end)
    tag = "warn" if mark.conflict else ("ruling" if mark.kind == "ruling" else "event")
    if mark.period.exact:
        cells[first] = (mark.glyph, tag)
    elif first == last:
        cells[first] = (SPAN_ONE, tag)
    else:
        cells[first] = (SPAN_LEFT, tag)
        for c in range(first + 1, last):
            cells[c] = (SPAN_FILL, tag)
        cells[last] = (SPAN_RIGHT, tag)
    text = _cell_list(label)
    right = track - last - 2
    left = first - 1
    if len(text) <= right or right >= left:
        text = _fit(text, right)
        at = last + 2
    else:
        text = _fit(text, left)
        at = first - 1 - len(text)
    for i, cell in enumerate(text):
        if 0 <= at + i < track:
            cells[at + i] = (cell, "")
    return [*gutter, *_runs(cells)]


__all__ = [
    "LEGEND",
    "Bar",
    "Layout",
    "Mark",
    "Period",
    "PersonTimeline",
    "Scale",
    "Stretch",
    "Tick",
    "Timeline",
    "add",
    "bar_of",
    "layout",
    "legend_lines",
    "period_of",
    "timeline_of_case",
    "timeline_of_person",
]
