"""A district's roll-up: the sum of its agencies' reports, and the check that it is exactly that sum (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from projections.tables import ReportJson, Table


class Summed(TypedDict):
    """What the roll-up's tables must equal: tables 三 and 四 and the fees, summed cell by cell."""

    applications: Table
    appeals: Table
    fees_collected: str


def sum_reports(reports: Sequence[ReportJson]) -> Summed:
    """Return the tables of several reports of one period and format, cell by cell summed."""
    applications: dict[str, dict[str, int]] = {}
    appeals: dict[str, dict[str, int]] = {}
    fen = 0
    for report in reports:
        for total, table in ((applications, report["applications"]), (appeals, report["appeals"])):
            for row, cells in table.items():
                into = total.setdefault(row, dict.fromkeys(cells, 0))
                for column, n in cells.items():
                    into[column] += n
        yuan, _, cents = report["fees_collected"].partition(".")
        fen += int(yuan) * 100 + int(cents or 0)
    return {"applications": applications, "appeals": appeals, "fees_collected": f"{fen // 100}.{fen % 100:02d}"}


def roll_up_differences(roll_up: ReportJson, agencies: Sequence[ReportJson]) -> list[str]:
    """Return where a roll-up differs from the sum of its agencies' reports (empty: it is their sum)."""
    if not agencies:
        return []
    summed = sum_reports(agencies)
    found = []
    for part, held, sums in (
        ("applications", roll_up["applications"], summed["applications"]),
        ("appeals", roll_up["appeals"], summed["appeals"]),
    ):
        for row, cells in sums.items():
            for column, n in cells.items():
                if held.get(row, {}).get(column) != n:
                    found.append(f"{part} {row}/{column}: roll-up {held.get(row, {}).get(column)}, sum {n}")
    if roll_up["fees_collected"] != summed["fees_collected"]:
        found.append(f"fees_collected: roll-up {roll_up['fees_collected']}, sum {summed['fees_collected']}")
    return found
