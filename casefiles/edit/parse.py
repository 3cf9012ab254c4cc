"""Reading what people type into date and duration fields.

Dates: partial ISO (``2018``, ``2018-09``, ``2018-09-26``) and the forms articles
use (``26 Sept 2018``, ``Sept 2018``, ``September 26, 2018``, ``26th of September
2018``).  Numeric dates with slashes or dots (``26/09/2018``) are refused: they
are read day-first in some countries and month-first in others, and a wrong
guess would be stored as a fact.  A date without a year (``November 23``) is
refused too: the year has to come from the source.

Durations: ``5 years``, ``2y6m``, ``18 months``, ``2 years 6 months 10 days``,
``2 years and 6 months``, ``five years``, ``3 weeks`` (21 days).  The units the
source used are kept (``18 months`` is stored as ``{"months": 18}``, not
``{"years": 1, "months": 6}``), as the bundled file does.

Each reader returns the stored value and how it was read (for a form to show
beside the field); a refusal is a ``ParseError`` whose message says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from casefiles.model import Duration, PartialDate
from casefiles.textsafe import clip, literal

MAX_INPUT: Final = 200
"""Longest text read as a date or a duration (anything longer is not one)."""
MAX_YEARS: Final = 200
MAX_PARTS: Final = 100_000
"""The limits ``validate`` puts on a stored duration's parts."""


class ParseError(ValueError):
    """Text that cannot be read as a date or duration; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date as read from text: the stored form and how it was understood."""

    date: PartialDate
    how: str

    @property
    def iso(self) -> str:
        """The stored form (``2018-09-26``)."""
        return self.date.iso()


@dataclass(frozen=True, slots=True)
class DurationReading:
    """A duration as read from text: the stored ``{years, months, days}`` and
    how it was understood."""

    parts: dict[str, int]
    how: str

    @property
    def duration(self) -> Duration:
        """The model's value (years folded into months)."""
        return Duration.from_doc(self.parts)


# ------------------------------------------------------------------- dates

_MONTH_NAMES: Final[dict[str, int]] = {}
for _i, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTH_NAMES[_name] = _i
    _MONTH_NAMES[_name[:3]] = _i
_MONTH_NAMES["sept"] = 9

_MONTH: Final = r"(?P<month>[a-z]+)\.?"
_DAY: Final = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR: Final = r"(?P<year>[0-9]{4})"
_DATE_FORMS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(rf"^{pattern}\Z", re.ASCII | re.IGNORECASE), how)
    for pattern, how in (
        (r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})", "ISO year-month-day"),
        (r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})", "ISO year-month"),
        (_YEAR, "year only"),
        (rf"{_DAY}(?: of)? {_MONTH},? {_YEAR}", "day, month name, year"),
        (rf"{_MONTH} {_DAY},? {_YEAR}", "month name, day, year"),
        (rf"{_MONTH},? {_YEAR}", "month name, year"),
    )
)
_NUMERIC: Final = re.compile(r"^([0-9]{1,4})[/.]([0-9]{1,2})(?:[/.]([0-9]{2,4}))?\Z", re.ASCII)
_NO_YEAR: Final = re.compile(
    r"^(?:[0-9]{1,2}(?:st|nd|rd|th)?(?: of)? [a-z]+\.?|[a-z]+\.? [0-9]{1,2}(?:st|nd|rd|th)?)\Z",
    re.ASCII | re.IGNORECASE,
)
_SPACES: Final = re.compile(r"[\s,]+")


def _shown(text: str) -> str:
    return repr(literal(clip(text, 40)))


def _month_number(name: str, text: str) -> int:
    if name.isdigit():
        return int(name)
    number = _MONTH_NAMES.get(name.lower())
    if number is None:
        raise ParseError(f"{_shown(text)}: {_shown(name)} is not a month name")
    return number


def _build(year: int, month: int, day: int, text: str) -> PartialDate:
    iso = f"{year:04d}"
    if month:
        iso += f"-{month:02d}"
    if day:
        iso += f"-{day:02d}"
    try:
        return PartialDate.parse(iso)
    except ValueError as exc:
        raise ParseError(f"{_shown(text)}: {exc}") from None


def read_date(text: str) -> DateReading:
    """Read a date typed by a person; ``ParseError`` says why it cannot be read."""
    if not isinstance(text, str):
        raise ParseError("expected a date as text")
    raw = text.strip()
    if not raw:
        raise ParseError("empty: expected a date like 2018-09-26, 26 Sep 2018, Sep 2018 or 2018")
    if len(raw) > MAX_INPUT:
        raise ParseError(f"{len(raw):,} characters is not a date")
    numeric = _NUMERIC.match(raw)
    if numeric:
        raise ParseError(_numeric_reason(raw, numeric))
    # "September 26, 2018" and "26  Sept 2018": commas and runs of spaces are one space.
    words = _SPACES.sub(" ", raw).strip()
    for pattern, how in _DATE_FORMS:
        m = pattern.match(words)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"])
        month = _month_number(groups["month"], raw) if groups.get("month") else 0
        day = int(groups["day"]) if groups.get("day") else 0
        if year < 1000:
            raise ParseError(f"{_shown(raw)}: expected a four-digit year")
        date = _build(year, month, day, raw)
        return DateReading(date, f"{date.human()} ({how})")
    if _NO_YEAR.match(words):
        raise ParseError(
            f"{_shown(raw)} has no year; add the year the source means "
            "(an article's date is not always the event's year)"
        )
    raise ParseError(
        f"{_shown(raw)} is not a date; write 2018-09-26, 26 Sep 2018, Sep 2018 or 2018"
    )


def _numeric_reason(raw: str, m: re.Match[str]) -> str:
    a, b, c = m.group(1), m.group(2), m.group(3)
    if c is None or len(c) != 4:
        return (
            f"{_shown(raw)} is ambiguous: write the date with a month name or as "
            "YYYY-MM-DD (2018-09-26, 26 Sep 2018)"
        )
    first, second, year = int(a), int(b), int(c)
    readings: list[str] = []
    for day, month, order in ((first, second, "day first"), (second, first, "month first")):
        try:
            readings.append(f"{order} it is {_build(year, month, day, raw).human()}")
        except ParseError:
            readings.append(f"{order} it is no date")
    return (
        f"{_shown(raw)} is ambiguous: numeric dates are read day first in some "
        f"countries and month first in others ({'; '.join(readings)}); "
        "write it with a month name (26 Sep 2018) or as YYYY-MM-DD"
    )


# --------------------------------------------------------------- durations

_NUMBER_WORDS: Final[dict[str, int]] = {
    word: n
    for n, word in enumerate(
        re.split(
            " ",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
        )
    )
}
_NUMBER_WORDS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60})
_UNITS: Final[dict[str, str]] = {}
for _unit, _spellings in (
    ("years", ("y", "yr", "yrs", "year", "years")),
    ("months", ("m", "mo", "mos", "mth", "mths", "month", "months")),
    ("weeks", ("w", "wk", "wks", "week", "weeks")),
    ("days", ("d", "day", "days")),
):
    for _spelling in _spellings:
        _UNITS[_spelling] = _unit
_TOKEN: Final = re.compile(r"([0-9]+|[a-z]+(?:-[a-z]+)?)\s*([a-z]+)?", re.ASCII)
_FILLER: Final = frozenset({"and", "of"})


def _number(word: str, text: str) -> int:
    if word.isdigit():
        return int(word)
    if "-" in word:  # twenty-five
        tens, _, ones = word.partition("-")
        if tens in _NUMBER_WORDS and ones in _NUMBER_WORDS and _NUMBER_WORDS[tens] >= 20:
            return _NUMBER_WORDS[tens] + _NUMBER_WORDS[ones]
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    raise ParseError(f"{_shown(text)}: {_shown(word)} is not a number")


def read_duration(text: str) -> DurationReading:
    """Read a duration typed by a person; ``ParseError`` says why it cannot be read."""
    if not isinstance(text, str):
        raise ParseError("expected a duration as text")
    raw = text.strip()
    if not raw:
        raise ParseError("empty: expected a duration like 5 years, 2y6m or 18 months")
    if len(raw) > MAX_INPUT:
        raise ParseError(f"{len(raw):,} characters is not a duration")
    lowered = raw.lower()
    if lowered in ("none", "0"):
        return DurationReading({}, "none")
    if re.search(r"[0-9][.,][0-9]", lowered) or "half" in lowered:
        raise ParseError(
            f"{_shown(raw)}: write fractions as whole units (1 year 6 months, not 1.5 years)"
        )
    if "life" in lowered:
        raise ParseError(f"{_shown(raw)}: a life sentence has no term in years; leave the term out")
    words = [w for w in re.split(r"[\s,]+", lowered.replace("-", " - ")) if w]
    # Re-join "twenty - five" into one number word; drop filler words.
    joined: list[str] = []
    for w in words:
        if joined and joined[-1] == "-" and len(joined) >= 2:
            joined.pop()
            joined[-1] = f"{joined[-1]}-{w}"
            continue
        joined.append(w)
    compact = " ".join(w for w in joined if w not in _FILLER)
    parts: dict[str, int] = {}
    pos = 0
    for m in _TOKEN.finditer(compact):
        if compact[pos : m.start()].strip():
            raise ParseError(f"{_shown(raw)}: cannot read {_shown(compact[pos : m.start()])}")
        pos = m.end()
        amount, unit_word = m.group(1), m.group(2)
        if amount.isalpha() and unit_word is None:
            raise ParseError(f"{_shown(raw)}: {_shown(amount)} is not a number and a unit")
        if unit_word is None:
            raise ParseError(f"{_shown(raw)}: {_shown(amount)} needs a unit (years, months, days)")
        unit = _UNITS.get(unit_word)
        if unit is None:
            raise ParseError(
                f"{_shown(raw)}: {_shown(unit_word)} is not a unit; use years, months, "
                "weeks or days"
            )
        n = _number(amount, raw)
        if unit in parts:
            raise ParseError(f"{_shown(raw)}: {unit} given twice")
        parts[unit] = n
    if compact[pos:].strip():
        raise ParseError(f"{_shown(raw)}: cannot read {_shown(compact[pos:])}")
    if not parts:
        raise ParseError(f"{_shown(raw)} is not a duration; write 5 years, 2y6m or 18 months")
    how_extra = ""
    weeks = parts.pop("weeks", 0)
    if weeks:
        parts["days"] = parts.get("days", 0) + 7 * weeks
        how_extra = f" ({weeks} week{'s' if weeks != 1 else ''} = {7 * weeks} days)"
    out = {u: parts[u] for u in ("years", "months", "days") if parts.get(u)}
    if out.get("years", 0) > MAX_YEARS:
        raise ParseError(f"{_shown(raw)}: more than {MAX_YEARS} years")
    for unit in ("months", "days"):
        if out.get(unit, 0) > MAX_PARTS:
            raise ParseError(f"{_shown(raw)}: more than {MAX_PARTS:,} {unit}")
    return DurationReading(out, format_duration(out) + how_extra)


def format_duration(parts: dict[str, int], compact: bool = False) -> str:
    """``2 years 6 months`` (or ``2y6m``) for a stored duration; ``none`` when empty."""
    out: list[str] = []
    for unit in ("years", "months", "days"):
        n = parts.get(unit, 0)
        if n:
            out.append(f"{n}{unit[0]}" if compact else f"{n} {unit[:-1] if n == 1 else unit}")
    if not out:
        return "0d" if compact else "none"
    return ("" if compact else " ").join(out)


__all__ = [
    "DateReading",
    "DurationReading",
    "ParseError",
    "format_duration",
    "read_date",
    "read_duration",
]
