"""Chinese working days (工作日) with 调休, from the State Council's yearly holiday notice; never guessed.

A year's arrangement comes, in this order, from an agency-supplied `YearArrangement`, from the
`chinese_calendar` package, or nowhere: then `CalendarYearUnknown(year)` is raised (docs/deadlines.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar

from domain.errors import CalendarYearUnknown

LIBRARY_SOURCE = "chinesecalendar"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class YearArrangement:
    """One year's notice: the weekdays off (holidays) and the weekend days worked (调休 workdays)."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str  # the notice it comes from, e.g. 国办发明电〔2026〕…号

    def validate(self) -> None:
        """Raise ValueError if a date lies outside the year or is both a holiday and a workday."""
        outside = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if outside:
            listed = ", ".join(d.isoformat() for d in outside)
            raise ValueError(f"the {self.year} arrangement lists dates outside {self.year}: {listed}")
        both = sorted(self.holidays & self.workdays)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"the {self.year} arrangement lists dates as both a holiday and a workday: {listed}")

    def is_working_day(self, day: dt.date) -> bool:
        """Tell whether a day of this year is worked: a 调休 workday, or a weekday that is no holiday."""
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _parse_day(text: str) -> dt.date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or a range of dates (YYYY-MM-DD..YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real calendar date") from None


def _parse_days(token: str) -> set[dt.date]:
    first_text, dots, last_text = token.partition("..")
    first = _parse_day(first_text)
    last = _parse_day(last_text) if dots else first
    if last < first:
        raise ValueError(f"the range {token} ends before it starts")
    return {first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)}


def _parse_list(values: str | Iterable[str]) -> frozenset[dt.date]:
    items = [values] if isinstance(values, str) else list(values)
    days: set[dt.date] = set()
    for item in items:
        for token in _SEPARATORS.split(item.strip()):
            if token:
                days |= _parse_days(token)
    return frozenset(days)


def parse_arrangement(
    year: int, holidays: str | Iterable[str], workdays: str | Iterable[str], source: str
) -> YearArrangement:
    """Build and validate a year's arrangement from ISO dates and ranges (`2027-10-01..2027-10-07`)."""
    arrangement = YearArrangement(year, _parse_list(holidays), _parse_list(workdays), source.strip())
    arrangement.validate()
    return arrangement


class WorkingCalendar:
    """Working days: Monday–Friday minus the notice's holidays, plus the weekend days it makes workdays."""

    def __init__(self, arrangements: Iterable[YearArrangement] = ()) -> None:
        self._years: dict[int, YearArrangement] = {}
        for arrangement in arrangements:  # a later arrangement for the same year replaces an earlier one
            arrangement.validate()
            self._years[arrangement.year] = arrangement
        self._known: dict[dt.date, bool] = {}

    def source_of(self, year: int) -> str | None:
        """Return where a year's arrangement comes from, or None when nobody has added it."""
        if year in self._years:
            return self._years[year].source or "agency"
        try:
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            return None
        return LIBRARY_SOURCE

    def is_working_day(self, day: dt.date) -> bool:
        """Tell whether a day is a working day; raise CalendarYearUnknown for a year nobody has added."""
        known = self._known.get(day)
        if known is None:
            known = self._look_up(day)
            self._known[day] = known
        return known

    def _look_up(self, day: dt.date) -> bool:
        arrangement = self._years.get(day.year)
        if arrangement is not None:
            return arrangement.is_working_day(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarYearUnknown(day.year) from None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """Return the n-th working day strictly after `start` (the start day is day 0)."""
        if n < 0:
            raise ValueError(f"cannot count {n} working days: the count must not be negative")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def subtract_working_days(self, start: dt.date, n: int) -> dt.date:
        """Return the n-th working day strictly before `start` (reminders count back from a deadline)."""
        if n < 0:
            raise ValueError(f"cannot count {n} working days back: the count must not be negative")
        day = start
        while n:
            day -= _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Count the working days in the half-open interval (first, last]; zero when last <= first."""
        count, day = 0, first
        while day < last:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def next_working_day_on_or_after(self, day: dt.date) -> dt.date:
        """Return the day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day
