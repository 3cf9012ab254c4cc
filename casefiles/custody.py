"""Time in custody, derived from a case's recorded events.

An ``arrest`` or ``detention`` event starts a party's custody; a ``release``,
``bail`` or ``pardon`` ends it.  From those spans come the time served, the
pre-trial detention before a ruling (when a sentence does not state it) and
whether custody ended for good after a ruling (released or pardoned), so that
a sentence's remaining time never contradicts the record.

Dates are partial: a date known only to the month or year is placed at the
start of that period and the result is marked approximate.  Nothing here does
I/O or imports textual.  ``Span`` and ``Custody`` are ``msgspec.Struct``s, not
dataclasses: created in C at import, which the browser's first frame waits for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from msgspec import Struct

from casefiles.model import (
    CUSTODY_ENDS,
    CUSTODY_STARTS,
    Duration,
    PartialDate,
    date_key,
    parse_date,
)

if TYPE_CHECKING:
    from casefiles.caseview import CiteView, EventView


def to_date(value: PartialDate) -> date:
    """The first day of the period a partial date names."""
    return date(value.year, value.month or 1, value.day or 1)


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    day = start.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def between(start: date, end: date) -> Duration:
    """Calendar time from ``start`` to ``end`` in whole months and days."""
    if end <= start:
        return Duration()
    months = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, months) > end:
        months -= 1
    return Duration(months, (end - _add_months(start, months)).days)


class Span(Struct, frozen=True):
    """One stretch in custody: from an arrest or detention to a release, bail or
    pardon (``end`` is ``None`` while it lasts)."""

    start: str
    end: str | None
    ended_by: str | None

    def length(self, today: date) -> Duration:
        """Calendar length, up to ``today`` for an open span."""
        start = parse_date(self.start)
        end = parse_date(self.end) if self.end else None
        if start is None:
            return Duration()
        return between(to_date(start), to_date(end) if end else today)


class Custody(Struct, frozen=True):
    """A party's custody in one case, as the recorded events show it."""

    party_id: str
    spans: tuple[Span, ...]
    last_end: tuple[str, str] | None
    """The last release or pardon: ``(kind, date)``."""
    today: date
    approximate: bool
    cites: tuple[CiteView, ...]

    @property
    def ongoing(self) -> bool:
        """The last span has no recorded end."""
        return bool(self.spans) and self.spans[-1].end is None

    @property
    def as_of(self) -> str:
        """Today's date (what an open span is counted up to), ISO."""
        return self.today.isoformat()

    @property
    def served(self) -> Duration:
        """Total time in custody."""
        total = Duration()
        for span in self.spans:
            total = total + span.length(self.today)
        return total.normalised()

    def before(self, when: str) -> Duration:
        """Time in custody before ``when`` (a ruling date): pre-trial detention."""
        limit = parse_date(when)
        if limit is None:
            return Duration()
        cut = to_date(limit)
        total = Duration()
        for span in self.spans:
            start = parse_date(span.start)
            if start is None or to_date(start) >= cut:
                continue
            end = parse_date(span.end) if span.end else None
            stop = min(to_date(end) if end else self.today, cut)
            total = total + between(to_date(start), stop)
        return total.normalised()

    def reached(self, length: Duration) -> str | None:
        """The date (ISO) on which time in custody reached ``length``, if it did."""
        need = length
        for span in self.spans:
            start = parse_date(span.start)
            if start is None:
                continue
            have = span.length(self.today)
            if not (need - have):
                begin = to_date(start)
                return (_add_months(begin, need.months) + timedelta(days=need.days)).isoformat()
            need = need - have
        return None

    def ended_after(self, ruling_date: str | None) -> tuple[str, str | None] | None:
        """``("pardoned"|"released", date)`` when the party is out of custody and
        the last release or pardon came on or after the ruling."""
        if self.ongoing or self.last_end is None:
            return None
        how, when = self.last_end
        if ruling_date is not None and date_key(when) < date_key(ruling_date):
            return None
        return ("pardoned" if how == "pardon" else "released", when)


def custody_of(party_id: str, events: Sequence[EventView], today: date) -> Custody:
    """Custody spans of ``party_id`` from the case's events (in date order; of
    several versions of one arrest, the earliest opens the span)."""
    mine = sorted(
        (e for e in events if e.party_id == party_id and e.date),
        key=lambda e: date_key(e.date),
    )
    spans: list[Span] = []
    open_at: str | None = None
    last_end: tuple[str, str] | None = None
    approximate = False
    used: list[CiteView] = []
    for e in mine:
        assert e.date is not None
        if e.event_kind in CUSTODY_STARTS and open_at is None:
            open_at = e.date
        elif e.event_kind in CUSTODY_ENDS:
            if open_at is not None:
                spans.append(Span(open_at, e.date, e.event_kind))
                open_at = None
            same_day_pardon = last_end == ("pardon", e.date)
            if e.event_kind != "bail" and not same_day_pardon:
                last_end = (e.event_kind, e.date)
        else:
            continue
        approximate = approximate or len(e.date) < 10
        used.extend(e.cites)
    if open_at is not None:
        spans.append(Span(open_at, None, None))
    return Custody(party_id, tuple(spans), last_end, today, approximate, tuple(used))


__all__ = ["Custody", "Span", "between", "custody_of", "to_date"]
