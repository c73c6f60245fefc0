"""A filed month stays true (docs/tables.md, "A monthly filing, once filed"): what a filing kept, what changed since.

`monthly_filing_submitted` keeps the month's figures as filed (`FiledFigures`: tables 三 and 四 as in the monthly
JSON, and the applications and cases its 汇总表 and 复议（诉讼）表 list). `compare_filing` is the one comparison of a
month's figures now with a filing: the warning after a recording, the `monthly_filing_amendment` deadline and the
amended month's documents all read it. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from domain.labels import APPEAL_COLUMN_LABELS, APPEAL_GROUP_LABELS, APPLICANT_LABELS, MONTHLY_ROW_LABELS, ROW_LABELS
from domain.messages import zh_en
from domain.values import Code

Count = Annotated[int, Field(ge=0, strict=True)]


class FiledFigures(BaseModel):
    """A month's figures as filed: table 三 (`applications`), table 四 (`appeals`), the numbers its two forms list."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    applications: dict[Code, dict[Code, Count]]
    appeals: dict[Code, dict[Code, Count]]
    ledger: tuple[str, ...] = ()  # the 受理编号 the 汇总表 lists, in its order
    cases: tuple[str, ...] = ()  # the 案号 the 复议（诉讼）表 lists


def figures_of(report: Mapping[str, Any], ledger: Iterable[str], cases: Iterable[str]) -> FiledFigures:
    """Return a month's figures from its report JSON and the numbers its two forms list."""
    return FiledFigures(
        applications={row: dict(columns) for row, columns in report["applications"].items()},
        appeals={group: dict(columns) for group, columns in report["appeals"].items()},
        ledger=tuple(ledger),
        cases=tuple(cases),
    )


@dataclass(frozen=True, slots=True)
class CellChange:
    """One figure of table 三 (`applications`) or 四 (`appeals`) that is not what was filed."""

    table: str
    row: str
    column: str
    filed: int
    now: int

    def words(self) -> str:
        """Return the cell in the month's words: 一、本月新收政府信息公开申请数量·自然人 1→2."""
        if self.table == "appeals":
            group = APPEAL_GROUP_LABELS.get(self.row, self.row)
            where = f"{group}·{APPEAL_COLUMN_LABELS.get(self.column, self.column)}"
        else:
            where = f"{row_words(self.row)}·{APPLICANT_LABELS.get(self.column, self.column)}"
        return f"{where} {self.filed}→{self.now}"


def row_words(row: str) -> str:
    """Return a row of a month's table 三 in its words (an outcome with its group: （三）不予公开 1.属于国家秘密)."""
    if row in MONTHLY_ROW_LABELS:
        return MONTHLY_ROW_LABELS[row]
    _group, subgroup, own = ROW_LABELS.get(row, ("", "", row))
    return f"{subgroup} {own}" if subgroup else own


@dataclass(frozen=True, slots=True)
class FilingChanges:
    """What differs between a month's figures now and a filing of it (nothing: the filing is still true)."""

    month: str
    cells: tuple[CellChange, ...] = ()
    added: tuple[str, ...] = ()  # applications the 汇总表 lists now, not in the filing (补录)
    removed: tuple[str, ...] = ()  # applications the filing listed, no longer in the month (voided, corrected)
    cases_added: tuple[str, ...] = ()
    cases_removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.cells or self.added or self.removed or self.cases_added or self.cases_removed)

    def lines(self) -> list[str]:
        """Return each change as a line in Chinese: the cells, then the rows added or gone."""
        found = [cell.words() for cell in self.cells]
        found += [f"补录 {number}" for number in self.added]
        found += [f"不再列入 {number}" for number in self.removed]
        found += [f"复议（诉讼）表补录 {number}" for number in self.cases_added]
        found += [f"复议（诉讼）表不再列入 {number}" for number in self.cases_removed]
        return found

    def message(self) -> str:
        """Return the warning a clerk reads: the month, what changed, what to do (Chinese first)."""
        return zh_en(
            f"注意：{self.month} 已报送的月报数据已变动：{'；'.join(self.lines())}。"
            f"请在 2 个工作日内重新报送（gongkai file-monthly {self.month}）",
            f"WARNING: the figures of {self.month}, already filed, changed; file it again "
            f"(`gongkai file-monthly {self.month}`)",
        )


Table = Mapping[str, Mapping[str, int]]


def _cells(table: str, filed: Table, now: Table) -> list[CellChange]:
    changed = []
    for row in dict.fromkeys([*filed, *now]):
        before, after = filed.get(row, {}), now.get(row, {})
        for column in dict.fromkeys([*before, *after]):
            if before.get(column, 0) != after.get(column, 0):
                changed.append(CellChange(table, row, column, before.get(column, 0), after.get(column, 0)))
    return changed


def compare_filing(month: str, filed: FiledFigures, now: FiledFigures) -> FilingChanges:
    """Return what differs between a month's figures now and a filing (docs/tables.md: a filed month stays true)."""
    kept, listed = set(filed.ledger), set(now.ledger)
    kept_cases, listed_cases = set(filed.cases), set(now.cases)
    return FilingChanges(
        month,
        cells=(
            *_cells("applications", filed.applications, now.applications),
            *_cells("appeals", filed.appeals, now.appeals),
        ),
        added=tuple(n for n in now.ledger if n not in kept),
        removed=tuple(n for n in filed.ledger if n not in listed),
        cases_added=tuple(n for n in now.cases if n not in kept_cases),
        cases_removed=tuple(n for n in filed.cases if n not in listed_cases),
    )


@dataclass(frozen=True, slots=True)
class FiledMonth:
    """What an agency filed of one month: the first filing's and the last's figures (None: filed without them)."""

    first: FiledFigures | None
    last: FiledFigures | None
    first_on: dt.date | None = None  # the day of the first filing with figures
    changed_on: dt.date | None = None  # the day a change since the last filing was first recorded (None: none)
    noted: FiledFigures | None = None  # the figures as that change (or a later one) left them


class Amendment(TypedDict):
    """The `amendment` key of an amended month's report (更正): the first filing's date, what changed, the 补录."""

    first_filed: str | None
    changes: list[str]
    late_entries: list[str]


def amendment_json(filed: FiledMonth, changes: FilingChanges) -> Amendment:
    """Return the `amendment` key of an amended month's report: what changed against the first filing (更正)."""
    return {
        "first_filed": filed.first_on.isoformat() if filed.first_on else None,
        "changes": changes.lines(),
        "late_entries": list(changes.added),
    }
