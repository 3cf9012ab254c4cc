"""The timeline layout (``casefiles.timeline``) on the bundled case file: dates
placed honestly, versions shown, custody bars to scale, readable at 80 columns
without colour."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from casefiles.caseview import CaseView
from casefiles.model import Duration
from casefiles.person import person_of
from casefiles.store import Store
from casefiles.timeline import (
    CUSTODY,
    END,
    REMIT,
    RULING,
    WARN,
    Mark,
    Period,
    Scale,
    Timeline,
    add,
    layout,
    period_of,
    timeline_of_case,
    timeline_of_person,
)

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    target = tmp_path_factory.mktemp("bundled") / "data"
    shutil.copytree(ROOT / "data", target)
    return Store.load(target / "casefiles.json")


def plain(line: list[tuple[str, str]]) -> str:
    return "".join(p for p, _ in line)


def test_a_partial_date_is_the_whole_period_it_names() -> None:
    assert period_of("2016") == Period(date(2016, 1, 1), date(2017, 1, 1), "year")
    assert period_of("2016-12") == Period(date(2016, 12, 1), date(2017, 1, 1), "month")
    assert period_of("2016-02-29") == Period(date(2016, 2, 29), date(2016, 3, 1), "day")
    assert period_of("2016-13") is None
    assert period_of(None) is None


def test_add_clamps_to_the_end_of_a_month() -> None:
    assert add(date(2016, 8, 31), Duration(6, 0)) == date(2017, 2, 28)
    assert add(date(2016, 8, 15), Duration(30, 0)) == date(2019, 2, 15)
    assert add(date(2016, 8, 15), Duration(0, 10)) == date(2016, 8, 25)


def test_scale_maps_days_to_cells_and_years_to_ticks() -> None:
    scale = Scale.fit([date(2016, 3, 1), date(2019, 7, 1)], 40)
    assert scale is not None
    assert (scale.start, scale.end) == (date(2016, 1, 1), date(2020, 1, 1))
    assert scale.col(scale.start) == 0
    assert scale.col(date(2019, 12, 31)) == 39
    assert scale.col(date(2018, 1, 1)) == 20  # half-way
    assert [t.label for t in scale.ticks()] == ["2016", "2017", "2018", "2019"]
    first, last = scale.cells(*_span("2017"))
    assert (first, last) == (10, 19)  # the whole year, not its first day


def _span(text: str) -> tuple[date, date]:
    period = period_of(text)
    assert period is not None
    return period.start, period.end


def test_a_year_only_date_is_drawn_as_a_span_over_the_year() -> None:
    marks = (
        Mark(period_of("2016"), "2016", "other", "sometime in 2016"),
        Mark(period_of("2018-05-02"), "2 May 2018", "arrest", "arrested"),
    )
    lay = layout(Timeline("t", marks, (), TODAY), 80)
    year, day = (plain(line) for line in lay.lines()[1:])
    track = year[14:]
    assert track.index("├") == 0 and "┤" in track  # spans 2016 …
    assert track.index("┤") >= lay.scale.col(date(2016, 12, 31)) if lay.scale else False
    assert "─" in track[: track.index("┤")]
    assert day[14:].strip().startswith("●")


def test_tep_vanny_custody_is_drawn_to_scale_and_the_pardon_marked(store: Store) -> None:
    view = CaseView.of(store, "tep-vanny-2013-protest", today=TODAY)
    timeline = timeline_of_case(view, TODAY)
    (bar,) = timeline.bars
    assert bar.name == "Tep Vanny"
    custody = [s for s in bar.stretches if s.kind == "custody"]
    assert [(s.start, s.end) for s in custody] == [(date(2016, 8, 15), date(2018, 8, 20))]
    remit = [s for s in bar.stretches if s.kind == "remit"]
    assert remit and remit[0].start == date(2018, 8, 20)  # the pardon cut the sentence short
    assert date(2018, 8, 20) in bar.ends
    notes = " ".join(bar.notes)
    assert "custody 15 Aug 2016 – 20 Aug 2018 (pardon)" in notes
    assert "pardoned 20 Aug 2018" in notes

    lay = layout(timeline, 80)
    assert lay.scale is not None
    row = next(plain(line) for line in lay.lines() if line and line[0][0].startswith("Tep Vanny"))
    track = row[14:]
    first, last = lay.scale.cells(date(2016, 8, 15), date(2018, 8, 20))
    drawn = track[first : last + 1]
    assert set(drawn) <= {CUSTODY, RULING, END} and drawn.count(CUSTODY) > 10
    assert track[lay.scale.col(date(2018, 8, 20))] == END
    assert REMIT in track[last + 1 :]
    assert track[:first].strip() == ""  # nothing before the arrest
    assert "pardon" in lay.text()


def test_adhoc5_arrest_date_conflict_shows_every_version(store: Store) -> None:
    view = CaseView.of(store, "adhoc-5-witness-bribery", today=TODAY)
    timeline = timeline_of_case(view, TODAY)
    arrests = [m for m in timeline.marks if m.conflict == "adhoc5-arrest-date"]
    assert len(arrests) == 5
    assert {m.date_text for m in arrests} == {
        "Apr 2016",
        "27 Apr 2016",
        "28 Apr 2016",
        "May 2016",
        "2 May 2016",
    }
    assert [m.version for m in arrests] == [1, 2, 3, 4, 5]
    lay = layout(timeline, 80)
    arrest_rows = [plain(line) for line in lay.lines() if "arrest: " in plain(line)]
    assert len(arrest_rows) == 5
    assert all(r.startswith(WARN) for r in arrest_rows)
    months = [r for r in arrest_rows if "Apr 2016 " in r[:14] or "May 2016 " in r[:14]]
    assert any("├" in r or "┼" in r for r in months)  # month-only versions are spans
    # The versions sit together, in the date order of the first.
    index = [i for i, m in enumerate(timeline.marks) if m.conflict == "adhoc5-arrest-date"]
    assert index == list(range(index[0], index[0] + 5))


@pytest.mark.parametrize("width", [80, 120])
def test_every_line_fits_the_width_and_the_legend_names_every_mark(
    store: Store, width: int
) -> None:
    from casefiles.article import cells

    for case_id in store.table("cases"):
        lay = layout(timeline_of_case(CaseView.of(store, case_id, today=TODAY), TODAY), width)
        for line in (*lay.axis, *lay.lines(), *lay.legend):
            assert cells(plain(line)) <= width, (case_id, plain(line))
    legend = "\n".join(plain(line) for line in lay.legend)
    for glyph in (CUSTODY, "░", REMIT, END, RULING, "●", "○", "├─┤", WARN):
        assert glyph in legend


def test_a_person_timeline_has_a_bar_per_case_with_prison_time(store: Store) -> None:
    person = person_of(store, "tep-vanny", today=TODAY)
    timeline = timeline_of_person(person, TODAY)
    assert timeline.title == "Tep Vanny"
    assert len(timeline.bars) == 2  # the death-threat case's sentence is suspended
    assert [bar.name for bar in timeline.bars] == ["case 1", "case 3"]
    assert timeline.cases[0] == ("case 1", person.cases[0].title)
    assert all(m.label.startswith("case ") for m in timeline.marks)
    assert "case 1        Tep Vanny: 2013 protest case" in layout(timeline, 120).text()
    dated = [m.period.start for m in timeline.marks if m.period is not None and not m.conflict]
    assert dated == sorted(dated)
    assert "Tep Vanny" in layout(timeline, 80).text()


def test_untrusted_text_is_drawn_literally(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "tui" / "data" / "hostile", tmp_path / "hostile")
    hostile = Store.load(tmp_path / "hostile" / "casefiles.json")
    for case_id in hostile.table("cases"):
        view = CaseView.of(hostile, case_id, today=TODAY)
        text = layout(timeline_of_case(view, TODAY), 80).text()
        assert not any(ord(ch) < 0x20 and ch != "\n" for ch in text), case_id


def test_no_dates_at_all_still_lays_out() -> None:
    lay = layout(Timeline("nothing", (Mark(None, "date unknown", "other", "x"),), (), TODAY), 80)
    assert "no dates to draw" in lay.text()
    assert "date unknown" in lay.text()
