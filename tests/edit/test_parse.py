"""Dates and durations as people type them: the forms articles use, refusals
with a reason, and round trips (hypothesis) through the model's values."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casefiles.edit.parse import ParseError, format_duration, read_date, read_duration
from casefiles.model import Duration, PartialDate

MONTHS = [date.strftime("%B") for date in (datetime.date(2000, m, 1) for m in range(1, 13))]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2018", "2018"),
        ("2018-09", "2018-09"),
        ("2018-09-26", "2018-09-26"),
        ("2018-9-6", "2018-09-06"),
        ("26 Sept 2018", "2018-09-26"),
        ("26 Sep 2018", "2018-09-26"),
        ("26 September 2018", "2018-09-26"),
        ("26th of September, 2018", "2018-09-26"),
        ("Sept 2018", "2018-09"),
        ("Sept. 2018", "2018-09"),
        ("September 2018", "2018-09"),
        ("September 26, 2018", "2018-09-26"),
        ("Sept. 26, 2018", "2018-09-26"),
        ("  23  nov  2022 ", "2022-11-23"),
        ("29 Feb 2020", "2020-02-29"),
    ],
)
def test_dates_in_the_forms_articles_use(text: str, iso: str) -> None:
    reading = read_date(text)
    assert reading.iso == iso
    assert reading.date.human() in reading.how  # shows how it was read


def test_how_a_date_was_read_names_the_form() -> None:
    assert read_date("26 Sept 2018").how == "26 Sep 2018 (day, month name, year)"
    assert read_date("September 26, 2018").how == "26 Sep 2018 (month name, day, year)"
    assert read_date("2018").how == "2018 (year only)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("26/09/2018", "ambiguous"),
        ("03/04/2018", "day first it is 3 Apr 2018; month first it is 4 Mar 2018"),
        ("26.09.2018", "ambiguous"),
        ("26/9/18", "ambiguous"),
        ("November 23", "has no year"),
        ("23 Nov", "has no year"),
        ("31 Feb 2018", "does not exist"),
        ("29 Feb 2019", "does not exist"),
        ("2018-13", "month 13"),
        ("Tuesday 2018", "not a month name"),
        ("yesterday", "not a date"),
        ("", "empty"),
        ("9" * 300, "is not a date"),
        ("\x1b[31m2018", "not a date"),
    ],
)
def test_refused_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_date(text)


def test_ambiguity_lists_both_readings_even_when_one_is_impossible() -> None:
    with pytest.raises(ParseError) as exc:
        read_date("26/09/2018")
    assert "day first it is 26 Sep 2018" in str(exc.value)
    assert "month first it is no date" in str(exc.value)
    assert "\x1b" not in str(exc.value)


def test_a_refusal_shows_the_input_literally() -> None:
    with pytest.raises(ParseError) as exc:
        read_date("\x1b[2Jnot a date")
    assert "\x1b" not in str(exc.value)
    assert "\\x1b" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("5 years", {"years": 5}),
        ("1 year", {"years": 1}),
        ("2y6m", {"years": 2, "months": 6}),
        ("2y 6m 10d", {"years": 2, "months": 6, "days": 10}),
        ("18 months", {"months": 18}),
        ("2 years 6 months 10 days", {"years": 2, "months": 6, "days": 10}),
        ("2 years and 6 months", {"years": 2, "months": 6}),
        ("2 years, 6 months", {"years": 2, "months": 6}),
        ("one year, two months", {"years": 1, "months": 2}),
        ("five years", {"years": 5}),
        ("twenty-five years", {"years": 25}),
        ("a year", {"years": 1}),
        ("3 weeks", {"days": 21}),
        ("14 months and one day", {"months": 14, "days": 1}),
        ("5 YEARS", {"years": 5}),
        ("none", {}),
    ],
)
def test_durations(text: str, parts: dict[str, int]) -> None:
    assert read_duration(text).parts == parts


def test_durations_keep_the_units_of_the_source() -> None:
    # "18 months" is what the court said; it is not rewritten as 1 year 6 months.
    reading = read_duration("18 months")
    assert reading.parts == {"months": 18}
    assert reading.how == "18 months"
    assert reading.duration == Duration(18, 0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.5 years", "fractions"),
        ("a year and a half", "fractions"),
        ("life", "life sentence"),
        ("2 years 3 years", "years given twice"),
        ("2 parsecs", "not a unit"),
        ("5", "needs a unit"),
        ("201 years", "more than 200 years"),
        ("100001 days", "more than 100,000 days"),
        ("", "empty"),
        ("soon", "not a number"),
    ],
)
def test_refused_durations_say_why(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        read_duration(text)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1000, 9999))
    precision = draw(st.sampled_from(("year", "month", "day")))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return PartialDate(year, month, draw(st.integers(1, last)))


@given(partial_dates())
def test_iso_round_trip(date: PartialDate) -> None:
    assert read_date(date.iso()).date == date


@given(partial_dates())
def test_human_round_trip(date: PartialDate) -> None:
    assert read_date(date.human()).date == date


@given(partial_dates(), st.booleans())
def test_long_month_names_round_trip(date: PartialDate, us_order: bool) -> None:
    if not date.month:
        return
    month = MONTHS[date.month - 1]
    if date.day:
        text = f"{month} {date.day}, {date.year}" if us_order else f"{date.day} {month} {date.year}"
    else:
        text = f"{month} {date.year}"
    assert read_date(text).iso == date.iso()


durations = st.fixed_dictionaries(
    {},
    optional={
        "years": st.integers(1, 200),
        "months": st.integers(1, 100_000),
        "days": st.integers(1, 100_000),
    },
)


@given(durations, st.booleans())
def test_duration_round_trip(parts: dict[str, int], compact: bool) -> None:
    reading = read_duration(format_duration(parts, compact=compact))
    assert reading.parts == parts
    assert reading.duration == Duration.from_doc(parts)


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    for reader in (read_date, read_duration):
        try:
            reader(text)
        except ParseError as exc:
            assert str(exc)
