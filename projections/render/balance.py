"""Refuse to write a table that breaks a rule of tables 三 and 四 (docs/report-checks.md): checked before writing."""

from __future__ import annotations

from domain.errors import GongkaiError
from domain.messages import joined, zh_en
from domain.report_checks import check_report
from projections.render.rows import Report, table_format


class UnbalancedTableError(GongkaiError):
    """A table breaks a rule of docs/report-checks.md and must not be printed."""


def check_balance(report: Report) -> None:
    """Raise UnbalancedTableError naming the row, the column and both sides of the first broken rule."""
    problems = check_report({**report, "format": table_format(report).value})  # a month's layout is its year's
    if problems:
        count = zh_en(f"共 {len(problems)} 处不符", f"{len(problems)} rule(s) broken")
        raise UnbalancedTableError(joined(problems[0].message, count))
