"""A district's roll-up: the sum of its agencies' reports, and the check that it is exactly that sum (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def sum_reports(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
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


def roll_up_differences(roll_up: dict[str, Any], agencies: Sequence[dict[str, Any]]) -> list[str]:
    """Return where a roll-up differs from the sum of its agencies' reports (empty: it is their sum)."""
    if not agencies:
        return []
    summed = sum_reports(agencies)
    found = []
    for part in ("applications", "appeals"):
        for row, cells in summed[part].items():
            for column, n in cells.items():
                if roll_up[part].get(row, {}).get(column) != n:
                    found.append(f"{part} {row}/{column}: roll-up {roll_up[part].get(row, {}).get(column)}, sum {n}")
    if roll_up["fees_collected"] != summed["fees_collected"]:
        found.append(f"fees_collected: roll-up {roll_up['fees_collected']}, sum {summed['fees_collected']}")
    return found
