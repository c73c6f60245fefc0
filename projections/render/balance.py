"""Check the 勾稽关系 of tables 三 and 四 (docs/tables.md) before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.errors import GongkaiError
from domain.labels import APPEAL_GROUP_LABELS, APPLICANT_LABELS
from domain.messages import zh_en
from projections.render.rows import (
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    Report,
    outcome_codes,
    report_rows,
    table_format,
)
from projections.tables import APPEAL_COLUMNS

_PERSON_COLUMNS = APPLICANT_COLUMNS[:-1]
_APPEAL_PARTS = APPEAL_COLUMNS[:-1]


class UnbalancedTableError(GongkaiError):
    """A table breaks a rule of docs/tables.md and must not be printed."""


def check_balance(report: Report) -> None:
    """Raise UnbalancedTableError naming the row and column when a table breaks a rule of docs/tables.md."""
    fmt = table_format(report)
    rows = report_rows(report)
    applications = _table(report, "applications", tuple(row.code for row in rows))
    for row in rows:
        where, values = f"table 三 row {row.code} ({row.label})", applications[row.code]
        _check_cells(where, values, APPLICANT_COLUMNS)
        _check_sum(f"{where}, column total (总计)", values["total"], values, _PERSON_COLUMNS)
    for column in APPLICANT_COLUMNS:
        _check_column(applications, column, outcome_codes(fmt))
    appeals = _table(report, "appeals", APPEAL_GROUPS)
    for group, values in appeals.items():
        where = f"table 四 {group} ({APPEAL_GROUP_LABELS[group]})"
        _check_cells(where, values, APPEAL_COLUMNS)
        _check_sum(f"{where}, column total (总计)", values["total"], values, _APPEAL_PARTS)


def _table(report: Report, key: str, codes: tuple[str, ...]) -> dict[str, Mapping[str, Any]]:
    table = report.get(key)
    if not isinstance(table, Mapping):
        raise UnbalancedTableError(zh_en(f"报表缺少 {key} 表", f"the report has no {key} table"))
    missing = [code for code in codes if code not in table]
    if missing:
        raise UnbalancedTableError(
            zh_en(f"{key} 缺少行 {', '.join(missing)}", f"{key}: missing row {', '.join(missing)}")
        )
    return {code: table[code] for code in codes}


def _check_cells(where: str, values: Mapping[str, Any], columns: tuple[str, ...]) -> None:
    for column in columns:
        n = values.get(column) if isinstance(values, Mapping) else None
        if type(n) is not int or n < 0:
            raise UnbalancedTableError(
                zh_en(f"{where}，列 {column}：{n!r} 不是计数", f"{where}, column {column}: {n!r} is not a count")
            )


def _check_sum(where: str, total: int, values: Mapping[str, int], parts: tuple[str, ...]) -> None:
    expected = sum(values[part] for part in parts)
    if total != expected:
        raise UnbalancedTableError(
            zh_en(
                f"{where}：{total} ≠ {' + '.join(parts)} 之和 {expected}",
                f"{where}: {total} ≠ {expected}, the sum of {' + '.join(parts)}",
            )
        )


def _check_column(rows: Mapping[str, Mapping[str, int]], column: str, outcomes: tuple[str, ...]) -> None:
    label = f"column {column} ({APPLICANT_LABELS[column]})"
    handled = rows["total_handled"][column]
    outcome_sum = sum(rows[code][column] for code in outcomes)
    if handled != outcome_sum:
        raise UnbalancedTableError(
            zh_en(
                f"表三（七）总计，{label}：{handled} ≠ 各办理结果行之和 {outcome_sum}",
                f"table 三 row total_handled (（七）总计), {label}: {handled} ≠ {outcome_sum}, "
                "the sum of the outcome rows",
            )
        )
    came = rows["new"][column] + rows["carried_in"][column]
    went = handled + rows["carried_out"][column]
    if came != went:
        raise UnbalancedTableError(
            f"表三 table 三 {label}: new + carried_in = {came} ≠ total_handled + carried_out = {went} (勾稽关系)"
        )
