"""Calendar months as the tables count them (YYYY-MM): pure, and free of pydantic, so reports can load fast."""

from __future__ import annotations

import datetime as dt
import re

from domain.messages import zh_en

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(value: object) -> str:
    """Return a YYYY-MM month as given, or raise ValueError."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(zh_en(f"{value!r} 不是 YYYY-MM 格式的月份", f"{value!r} is not a month in the form YYYY-MM"))
    return str(value)


def month_of(day: dt.date) -> str:
    """Return the YYYY-MM month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a YYYY-MM month."""
    year, mon = int(month[:4]), int(month[5:7])
    first = dt.date(year, mon, 1)
    following = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)
