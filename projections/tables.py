"""Build tables 三 and 四 of a period from the maintained counts (pure; docs/counting.md, a contract)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NotRequired, TypedDict

from domain.codes import OTHER_OUTCOMES, AppealKind, ApplicantType, Outcome, TableFormat
from domain.months import month_bounds
from projections.facts import FEES_ROW, CaseFacts

if TYPE_CHECKING:
    from domain.filing import Amendment

COLUMNS = [t.value for t in ApplicantType]
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
# Monthly counts of one agency (or a sum of agencies): (month, row, column) -> n.
MonthCounts = Mapping[tuple[str, str, str], int]
# A table of the report: row code -> column code -> number.
Table = dict[str, dict[str, int]]


class ReportJson(TypedDict):
    """The contract JSON object of one period's report (docs/tables.md, "The report JSON contract")."""

    year: NotRequired[int]  # an annual report
    month: NotRequired[str]  # a monthly one ("2024-03")
    format: str
    agency: str
    agency_code: str
    applications: Table  # table 三
    appeals: Table  # table 四
    fees_collected: str  # yuan, two decimals
    agencies: NotRequired[list[dict[str, str]]]  # a district's roll-up: the agencies it sums
    closed_year: NotRequired[dict[str, object]]  # a closed year: its hash and whether the tables still match it
    amendment: NotRequired[Amendment]  # a filed month whose figures changed since (更正): docs/tables.md


def outcome_rows(table_format: TableFormat) -> list[str]:
    """Return the outcome rows of a format: 2019 has one （六） row (`other`), 2021 three."""
    if table_format is TableFormat.F2021:
        return [o.value for o in Outcome]
    return [o.value for o in Outcome if o not in OTHER_OUTCOMES] + [Outcome.OTHER.value]


def table_rows(table_format: TableFormat) -> list[str]:
    """Return every row code of table 三 in the official order."""
    return ["new", "carried_in", *outcome_rows(table_format), "total_handled", "carried_out"]


def row_of(outcome: str, table_format: TableFormat) -> str:
    """Return the row an outcome counts in (2019: the three other_* outcomes add up in `other`)."""
    return "other" if table_format is TableFormat.F2019 and outcome in OTHER_OUTCOMES else outcome


@dataclass(frozen=True, slots=True)
class Period:
    """A report period: a calendar year or a month."""

    key: str  # "2024" or "2024-03"

    @property
    def first(self) -> dt.date:
        """Return the period's first day."""
        return dt.date(int(self.key), 1, 1) if len(self.key) == 4 else month_bounds(self.key)[0]

    @property
    def last(self) -> dt.date:
        """Return the period's last day."""
        return dt.date(int(self.key), 12, 31) if len(self.key) == 4 else month_bounds(self.key)[1]

    def holds_month(self, month: str) -> bool:
        """Tell whether a YYYY-MM month lies in the period."""
        return month.startswith(self.key)


def _blank(columns: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(columns, 0)


def applications_table(counts: MonthCounts, period: Period, table_format: TableFormat) -> dict[str, dict[str, int]]:
    """Return table 三 of a period: every row of the format, zeros included, balanced by construction."""
    start = period.key if len(period.key) == 7 else f"{period.key}-01"
    rows = {row: _blank([*COLUMNS, "total"]) for row in table_rows(table_format)}
    for (month, row, column), n in counts.items():
        if row == FEES_ROW:
            continue
        handled = row != "new"
        if month < start:
            rows["carried_in"][column] += n if not handled else -n
        elif period.holds_month(month):
            rows["new" if not handled else row_of(row, table_format)][column] += n
            if handled:
                rows["total_handled"][column] += n
    for column in COLUMNS:
        rows["carried_out"][column] = rows["new"][column] + rows["carried_in"][column] - rows["total_handled"][column]
    for values in rows.values():
        values["total"] = sum(values[column] for column in COLUMNS)
    return rows


def appeals_table(cases: Iterable[CaseFacts], period: Period, *, include_earlier_pending: bool = False) -> Table:
    """Return table 四: cases appealed in the period under their result as of its last day."""
    groups = {kind.value: _blank(APPEAL_COLUMNS) for kind in AppealKind}
    for case in cases:
        in_period = period.first <= case.appealed <= period.last
        carried = (
            include_earlier_pending
            and case.appealed < period.first
            and case.result_as_of(period.first - dt.timedelta(days=1)) == "pending"
        )
        if in_period or carried:
            groups[case.kind][case.result_as_of(period.last)] += 1
            groups[case.kind]["total"] += 1
    return groups


def fees_collected(counts: MonthCounts, period: Period) -> str:
    """Return the fees paid in the period, in yuan with two decimals."""
    fen = sum(n for (month, row, _), n in counts.items() if row == FEES_ROW and period.holds_month(month))
    return f"{fen // 100}.{fen % 100:02d}"


def build_report(
    counts: MonthCounts,
    cases: Iterable[CaseFacts],
    period: Period,
    table_format: TableFormat,
    *,
    agency: str,
    agency_code: str,
    include_earlier_pending: bool = False,
) -> ReportJson:
    """Return the contract JSON object of docs/tables.md for one period."""
    report: ReportJson = {
        "format": table_format.value,
        "agency": agency,
        "agency_code": agency_code,
        "applications": applications_table(counts, period, table_format),
        "appeals": appeals_table(cases, period, include_earlier_pending=include_earlier_pending),
        "fees_collected": fees_collected(counts, period),
    }
    if len(period.key) == 4:
        report["year"] = int(period.key)
    else:
        report["month"] = period.key
    return report
