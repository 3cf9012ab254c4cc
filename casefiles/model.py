"""Domain model of a case file: tables, vocabularies, partial dates, durations
and the values derived from stored facts.

Documents stay plain ``dict`` objects (as TinyDB stores them); this module holds
the closed vocabularies every field is checked against, and the arithmetic the
UI and CLI show: a sentence's custodial part,
the time left after pre-trial credit, a case's court-level ladder and each
party's latest outcome per case.  Nothing here does I/O.

The value types are ``msgspec.Struct``s, not dataclasses: created in C at
import, which the browser's first frame waits for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from msgspec import Struct

SCHEMA_VERSION: Final = 2

# ----------------------------------------------------------------- tables

PARTIES: Final = "parties"
COURTS: Final = "courts"
CASES: Final = "cases"
PROCEEDINGS: Final = "proceedings"
SENTENCES: Final = "sentences"
SOURCES: Final = "sources"
META: Final = "meta"

#: Data tables in dependency order (a table only refers to tables before it,
#: except ``cases.related`` and ``courts.appeals_to``, which refer to their own).
TABLES: Final[tuple[str, ...]] = (SOURCES, PARTIES, COURTS, CASES, PROCEEDINGS, SENTENCES)

# ----------------------------------------------------------- vocabularies

PARTY_KINDS: Final = ("person", "organisation")
COURT_LEVELS: Final = ("first_instance", "appeal", "supreme", "constitutional", "international")
CASE_STATUSES: Final = ("open", "closed", "pending", "unknown")
ROLES: Final = (
    "defendant",
    "accomplice",
    "complainant",
    "civil_party",
    "victim",
    "witness",
    "prosecutor",
    "judge",
    "defence_counsel",
    "official",
    "organisation",
    "observer",
    "other",
)
#: Roles of people who are prosecuted, and so have outcomes and sentences.
ACCUSED_ROLES: Final = frozenset({"defendant", "accomplice"})
CHARGE_STATUSES: Final = (
    "alleged",
    "charged",
    "convicted",
    "acquitted",
    "dropped",
    "pending",
    "unknown",
)
STAGES: Final = ("investigation", "trial", "appeal", "cassation", "retrial")
#: Stages at which a proceeding rules on the merits (used to migrate v1 stores).
MERITS_STAGES: Final = frozenset({"trial", "appeal", "cassation", "retrial"})
#: A proceeding is a ruling on the merits or a hearing (on detention, bail, an
#: adjournment, or another hearing that decides nothing on the merits).
PROCEEDING_KINDS: Final = ("ruling", "detention", "bail", "adjournment", "hearing")
HEARING_KINDS: Final = ("detention", "bail", "adjournment", "hearing")
RULING_OUTCOMES: Final = (
    "convicted",
    "acquitted",
    "upheld",
    "reduced",
    "increased",
    "overturned",
    "remanded",
    "dropped",
    "pending",
)
#: Former name of ``RULING_OUTCOMES`` (schema v1 had rulings only).
OUTCOMES: Final = RULING_OUTCOMES
HEARING_OUTCOMES: Final = (
    "detained",
    "extended",
    "released",
    "bail_granted",
    "bail_denied",
    "rejected",
    "granted",
    "adjourned",
    "pending",
)
#: The outcomes a proceeding of each kind may have.
OUTCOMES_BY_KIND: Final[dict[str, tuple[str, ...]]] = {
    kind: RULING_OUTCOMES if kind == "ruling" else HEARING_OUTCOMES for kind in PROCEEDING_KINDS
}
#: Kinds of dated events.  ``arrest``/``detention`` start the custody of the
#: event's party, ``release``/``bail``/``pardon`` end it, ``pardon`` also ends
#: the sentence.  An event without a kind is ``other``.
EVENT_KINDS: Final = (
    "arrest",
    "detention",
    "release",
    "bail",
    "pardon",
    "hearing",
    "statement",
    "other",
)
CUSTODY_STARTS: Final = frozenset({"arrest", "detention"})
CUSTODY_ENDS: Final = frozenset({"release", "bail", "pardon"})
PENALTIES: Final = (
    "imprisonment",
    "suspended",
    "fine",
    "probation",
    "house_arrest",
    "compensation",
    "ban",
)
SENTENCE_STATUSES: Final = (
    "imposed",
    "upheld",
    "reduced",
    "increased",
    "overturned",
    "served",
    "pardoned",
)
SOURCE_KINDS: Final = (
    "news",
    "court_record",
    "ngo_statement",
    "government_statement",
    "un_document",
    "other",
)

#: Every controlled field, by table and field name.
VOCABULARIES: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    (PARTIES, "kind"): PARTY_KINDS,
    (COURTS, "level"): COURT_LEVELS,
    (CASES, "status"): CASE_STATUSES,
    (PROCEEDINGS, "level"): COURT_LEVELS,
    (PROCEEDINGS, "stage"): STAGES,
    (PROCEEDINGS, "kind"): PROCEEDING_KINDS,
    (PROCEEDINGS, "outcome"): RULING_OUTCOMES
    + tuple(o for o in HEARING_OUTCOMES if o not in RULING_OUTCOMES),
    (CASES, "events.kind"): EVENT_KINDS,
    (SENTENCES, "penalty"): PENALTIES,
    (SENTENCES, "status"): SENTENCE_STATUSES,
    (SOURCES, "kind"): SOURCE_KINDS,
}

LEVEL_RANK: Final[dict[str, int]] = {level: i for i, level in enumerate(COURT_LEVELS)}


def humanise(word: str) -> str:
    """``first_instance`` -> ``first instance`` (vocabulary values for display)."""
    return word.replace("_", " ")


# -------------------------------------------------------------- documents

#: A stored document as TinyDB holds it.  Fields are specified, and checked, in
#: ``casefiles.validate``; resolved, typed values are built by ``casefiles.caseview``.
Doc = dict[str, Any]

# ----------------------------------------------------------- partial dates

_DATE_RE: Final = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z", re.ASCII)
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_DAYS_IN_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class PartialDate(Struct, frozen=True, order=True):
    """A date known to the year, the month or the day (``2022``, ``2022-11``, ``2022-11-23``).

    Ordering puts a less precise date before the precise dates it contains.
    """

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse an ISO partial date; raise ``ValueError`` naming what is wrong."""
        m = _DATE_RE.match(text)
        if not m:
            raise ValueError("expected a partial date YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(m.group(1))
        month = int(m.group(2) or 0)
        day = int(m.group(3) or 0)
        if m.group(2) is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month:02d} is not 01-12")
        if m.group(3) is not None:
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            last = _DAYS_IN_MONTH[month - 1] - (1 if month == 2 and not leap else 0)
            if not 1 <= day <= last:
                raise ValueError(f"day {day:02d} does not exist in {year}-{month:02d}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """The stored form."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def human(self) -> str:
        """``23 Nov 2022``, ``Nov 2022`` or ``2022``."""
        if self.day:
            return f"{self.day} {_MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)


def parse_date(text: object) -> PartialDate | None:
    """A stored partial date, or ``None`` when absent or malformed (validation reports those)."""
    if not isinstance(text, str):
        return None
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def human_date(text: object, missing: str = "date unknown") -> str:
    """Display form of a stored partial date."""
    date = parse_date(text)
    return date.human() if date else missing


def date_key(text: object) -> tuple[int, int, int]:
    """Sort key for a stored date; unknown dates sort last."""
    date = parse_date(text)
    return (date.year, date.month, date.day) if date else (9999, 99, 99)


# --------------------------------------------------------------- durations


class Duration(Struct, frozen=True):
    """A length of time in whole months and days (years are 12 months).

    Months and days are kept apart because a court's "2 years 6 months" is not
    a number of days; subtraction borrows 30 days per month only when needed.
    """

    months: int = 0
    days: int = 0

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any] | None) -> Duration:
        """Build from a stored ``{years, months, days}`` (missing parts are 0)."""
        if not doc:
            return cls()
        return cls(
            int(doc.get("years", 0)) * 12 + int(doc.get("months", 0)),
            int(doc.get("days", 0)),
        )

    def __bool__(self) -> bool:
        return self.months != 0 or self.days != 0

    def __sub__(self, other: Duration) -> Duration:
        months = self.months - other.months
        days = self.days - other.days
        while days < 0 and months > 0:
            months -= 1
            days += 30
        if months < 0 or days < 0:
            return Duration()
        return Duration(months, days)

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.months + other.months, self.days + other.days)

    def normalised(self) -> Duration:
        """Whole 30-day runs of days carried into months (for sums of calendar spans)."""
        months, days = divmod(self.days, 30)
        return Duration(self.months + months, days)

    def to_doc(self) -> dict[str, int]:
        """Stored form, omitting zero parts."""
        out: dict[str, int] = {}
        years, months = divmod(self.months, 12)
        if years:
            out["years"] = years
        if months:
            out["months"] = months
        if self.days:
            out["days"] = self.days
        return out

    def human(self) -> str:
        """``5 years``, ``2 years 6 months``, ``4 months 10 days``, ``none``."""
        if not self:
            return "none"
        years, months = divmod(self.months, 12)
        parts = []
        for n, unit in ((years, "year"), (months, "month"), (self.days, "day")):
            if n:
                parts.append(f"{n} {unit}{'' if n == 1 else 's'}")
        return " ".join(parts)


class SentenceArithmetic(Struct, frozen=True):
    """What a sentence states in time: term, suspended part, custodial part,
    pre-trial credit and what is left after that credit.  The case view adds
    what recorded custody events say (``casefiles.caseview.SentenceView``)."""

    term: Duration
    suspended: Duration
    custodial: Duration
    pretrial: Duration
    remaining: Duration


#: Penalties whose term is time in prison (probation, a ban or house arrest
#: have a term too, but it is not served in custody).
CUSTODIAL_PENALTIES: Final = frozenset({"imprisonment"})


def sentence_arithmetic(sentence: Mapping[str, Any]) -> SentenceArithmetic:
    """Derive custodial part (term − suspended, for a prison term) and remaining
    time (custodial − pre-trial)."""
    term = Duration.from_doc(sentence.get("term"))
    suspended = Duration.from_doc(sentence.get("suspended"))
    pretrial = Duration.from_doc(sentence.get("pretrial"))
    custodial = term - suspended if sentence.get("penalty") in CUSTODIAL_PENALTIES else Duration()
    return SentenceArithmetic(term, suspended, custodial, pretrial, custodial - pretrial)


# ----------------------------------------------------------------- ladders


def ladder_key(proceeding: Mapping[str, Any]) -> tuple[int, tuple[int, int, int], str]:
    """Order of a case's court ladder: by level, then date, then id."""
    return (
        LEVEL_RANK.get(str(proceeding.get("level")), len(COURT_LEVELS)),
        date_key(proceeding.get("date")),
        str(proceeding.get("id", "")),
    )


def court_ladder(proceedings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """A case's proceedings ordered by court level, then date."""
    return sorted(proceedings, key=ladder_key)


def is_hearing(proceeding: Mapping[str, Any]) -> bool:
    """Whether a proceeding is a hearing (detention, bail, adjournment …) rather
    than a ruling on the merits; only rulings make the ladder and outcomes."""
    return proceeding.get("kind") in HEARING_KINDS


def concerns(proceeding: Mapping[str, Any], party: str, accused: frozenset[str]) -> bool:
    """Whether a proceeding rules on ``party``: named in its ``parties``, or, when it
    names nobody, one of the case's accused."""
    named = proceeding.get("parties")
    if named:
        return party in named
    return party in accused


class PartyOutcome(Struct, frozen=True):
    """The last ruling on one party in one case."""

    party: str
    outcome: str
    proceeding: str
    level: str
    date: str | None


def accused_of(case: Mapping[str, Any]) -> frozenset[str]:
    """Ids of the case's defendants and accomplices."""
    return frozenset(
        p["party"] for p in case.get("participants", ()) if p.get("role") in ACCUSED_ROLES
    )


def latest_outcomes(
    case: Mapping[str, Any], proceedings: Sequence[Mapping[str, Any]]
) -> dict[str, PartyOutcome]:
    """Each accused party's latest outcome in ``case``: the highest, latest
    ruling with an outcome that concerns the party (hearings are not outcomes)."""
    accused = accused_of(case)
    out: dict[str, PartyOutcome] = {}
    for proc in court_ladder(proceedings):
        outcome = proc.get("outcome")
        if not outcome or is_hearing(proc):
            continue
        named = proc.get("parties") or accused
        for party in named:
            out[party] = PartyOutcome(
                party, outcome, str(proc["id"]), str(proc.get("level")), proc.get("date")
            )
    return out


def party_names(party: Mapping[str, Any]) -> list[str]:
    """The party's name followed by all its aliases, without repeats."""
    names = [str(party.get("name", ""))]
    for alias in party.get("aliases", ()):
        if alias not in names:
            names.append(alias)
    return names


def conflict_groups(facts: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Facts that share a ``conflict`` key: versions of one fact that sources disagree on."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for fact in facts:
        key = fact.get("conflict")
        if key:
            groups.setdefault(str(key), []).append(fact)
    return groups
