"""A previous year's published tables, imported for an office's first year on gongkai (`import-report`).

Kept as the agency's fact, never as applications: they give last year's figures (上年结转, the year-on-year
sentence, the cross-year rule of docs/report-checks.md) and are never counted into any table gongkai computes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

# The keys of a report JSON (docs/tables.md) an imported report keeps: its year, layout, tables 三 and 四, fees.
KEPT_KEYS = ("year", "format", "applications", "appeals", "fees_collected")


@dataclass(frozen=True, slots=True)
class ImportedReport:
    """A year's published tables as imported: the day recorded, the file they came from, the report JSON."""

    year: int
    recorded_on: dt.date
    source: str
    report: Mapping[str, object]  # the KEPT_KEYS of the report JSON (fees_collected only when it had one)

    def same_tables(self, other: Mapping[str, object]) -> bool:
        """Tell whether another report JSON holds the same tables (the file name and day do not matter)."""
        return all(self.report.get(key) == other.get(key) for key in KEPT_KEYS)
