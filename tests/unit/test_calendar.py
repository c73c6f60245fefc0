"""Chinese working days with 调休 (docs/deadlines.md): the 2026 notice, agency arrangements, no guessing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import LIBRARY_SOURCE, WorkingCalendar, YearArrangement, parse_arrangement
from domain.errors import CalendarYearUnknown

D = dt.date.fromisoformat
# docs/deadlines.md: the weekend days the 2026 notice makes working days.
MAKEUP_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
# Test data only: an invented 2027 arrangement (the real notice is not out yet).
FAKE_2027 = parse_arrangement(2027, ["2027-01-01"], [], "test fixture, not the real notice")


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize("day", MAKEUP_2026)
def test_2026_makeup_weekend_days_are_working_days(calendar: WorkingCalendar, day: str) -> None:
    assert D(day).weekday() >= 5
    assert calendar.is_working_day(D(day))


@pytest.mark.parametrize(
    "day", ["2026-09-25", "2026-09-26", "2026-09-27", *(f"2026-10-0{n}" for n in range(1, 8)), "2026-10-11"]
)
def test_2026_mid_autumn_and_national_day_are_not_working_days(calendar: WorkingCalendar, day: str) -> None:
    assert not calendar.is_working_day(D(day))


def test_2026_has_248_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(D("2025-12-31"), D("2026-12-31")) == 248


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-18", 20, "2026-10-22"),  # crosses Sun 9-20, Mid-autumn, National Day and Sat 10-10
        ("2026-09-30", 2, "2026-10-09"),
        ("2026-01-03", 1, "2026-01-04"),  # Sat start; the 调休 Sunday is the first working day
        ("2026-01-03", 2, "2026-01-05"),
        ("2026-01-05", 20, "2026-02-02"),
        ("2026-10-01", 1, "2026-10-08"),
        ("2026-06-05", 0, "2026-06-05"),
    ],
)
def test_add_working_days_counts_from_the_day_after_start(
    calendar: WorkingCalendar, start: str, n: int, expected: str
) -> None:
    assert calendar.add_working_days(D(start), n) == D(expected)


def test_add_working_days_refuses_a_negative_count(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(D("2026-06-05"), -1)


def test_working_days_between_is_half_open(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(D("2026-10-09"), D("2026-10-15")) == 5  # 10, 12, 13, 14, 15
    assert calendar.working_days_between(D("2026-10-09"), D("2026-10-09")) == 0
    assert calendar.working_days_between(D("2026-10-15"), D("2026-10-09")) == 0
    assert calendar.working_days_between(D("2026-09-30"), D("2026-10-07")) == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-10-01", "2026-10-08"),
        ("2026-10-10", "2026-10-10"),
        ("2026-10-11", "2026-10-12"),
        ("2026-09-20", "2026-09-20"),
    ],
)
def test_next_working_day_on_or_after(calendar: WorkingCalendar, day: str, expected: str) -> None:
    assert calendar.next_working_day_on_or_after(D(day)) == D(expected)


@pytest.mark.parametrize("day", ["2027-01-04", "2003-06-02"])
def test_a_year_nobody_added_is_never_guessed(calendar: WorkingCalendar, day: str) -> None:
    with pytest.raises(CalendarYearUnknown) as raised:
        calendar.is_working_day(D(day))
    assert raised.value.year == D(day).year
    assert f"gongkai calendar add {D(day).year}" in str(raised.value)


def test_counting_into_an_unknown_year_raises(calendar: WorkingCalendar) -> None:
    with pytest.raises(CalendarYearUnknown) as raised:
        calendar.add_working_days(D("2026-12-10"), 20)
    assert raised.value.year == 2027


def test_an_added_year_makes_the_count_possible() -> None:
    calendar = WorkingCalendar([FAKE_2027])
    assert calendar.add_working_days(D("2026-12-10"), 20) == D("2027-01-08")
    assert calendar.source_of(2027) == "test fixture, not the real notice"


def test_an_agency_arrangement_overrides_the_library() -> None:
    changed = YearArrangement(2026, frozenset({D("2026-09-21")}), frozenset({D("2026-09-19")}), "test")
    calendar = WorkingCalendar([changed])
    assert not calendar.is_working_day(D("2026-09-21"))
    assert calendar.is_working_day(D("2026-09-19"))
    # the override replaces the library's whole year: its 调休 Sunday is gone
    assert not calendar.is_working_day(D("2026-09-20"))


def test_source_of_each_year() -> None:
    calendar = WorkingCalendar([FAKE_2027])
    assert calendar.source_of(2026) == LIBRARY_SOURCE
    assert calendar.source_of(2028) is None


def test_parse_arrangement_reads_dates_ranges_and_lists() -> None:
    arrangement = parse_arrangement(
        2027, ["2027-01-01", "2027-10-01..2027-10-07", "2027-05-03, 2027-05-04"], "2027-09-26", " 国办发明电 "
    )
    assert D("2027-10-04") in arrangement.holidays
    assert len(arrangement.holidays) == 10
    assert arrangement.workdays == frozenset({D("2027-09-26")})
    assert arrangement.source == "国办发明电"


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        (["2026-12-31"], [], "outside 2027"),
        (["2027-10-01..2027-10-07"], ["2027-10-02"], "both a holiday and a workday: 2027-10-02"),
        (["2027/10/01"], [], "is not a date"),
        (["2027-02-30"], [], "not a real calendar date"),
        (["2027-10-07..2027-10-01"], [], "ends before it starts"),
    ],
)
def test_parse_arrangement_refuses_bad_input(holidays: list[str], workdays: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_arrangement(2027, holidays, workdays, "test")


def test_the_calendar_validates_the_arrangements_it_is_given() -> None:
    bad = YearArrangement(2027, frozenset({D("2028-01-01")}), frozenset(), "test")
    with pytest.raises(ValueError, match="outside 2027"):
        WorkingCalendar([bad])


days_2026 = st.dates(min_value=D("2026-01-01"), max_value=D("2026-12-31"))


@given(start=days_2026, n=st.integers(min_value=0, max_value=60))
def test_the_nth_working_day_is_n_working_days_away(start: dt.date, n: int) -> None:
    calendar = WorkingCalendar([FAKE_2027])
    due = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, due) == n
    assert n == 0 or calendar.is_working_day(due)


@given(start=days_2026, a=st.integers(min_value=0, max_value=30), b=st.integers(min_value=0, max_value=30))
def test_adding_working_days_is_additive(start: dt.date, a: int, b: int) -> None:
    calendar = WorkingCalendar([FAKE_2027])
    assert calendar.add_working_days(calendar.add_working_days(start, a), b) == calendar.add_working_days(start, a + b)


@given(day=days_2026)
def test_next_working_day_on_or_after_is_the_day_or_the_first_one_after(day: dt.date) -> None:
    calendar = WorkingCalendar([FAKE_2027])
    expected = day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)
    assert calendar.next_working_day_on_or_after(day) == expected


def test_chinese_calendar_agrees_with_the_holidays_package_for_2026() -> None:
    holidays = pytest.importorskip("holidays")
    china = holidays.China(years=2026)
    calendar = WorkingCalendar()
    day = D("2026-01-01")
    while day.year == 2026:
        assert calendar.is_working_day(day) == china.is_working_day(day), day
        day += dt.timedelta(days=1)
