"""The row and column layout of tables 三 and 四 in each format, derived from the official labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from domain.codes import OTHER_OUTCOMES, AppealKind, ApplicantType, Outcome, TableFormat
from domain.labels import (
    MONTHLY_RESULTS_GROUP_LABEL,
    MONTHLY_ROW_LABELS,
    OTHER_LABEL_2019,
    RESULTS_GROUP_LABEL,
    ROW_LABELS,
)
from projections.tables import outcome_rows

# A report: the contract JSON object of docs/tables.md, as parsed.
Report = Mapping[str, Any]

TABLE3_TITLE = "三、收到和处理政府信息公开申请情况"
TABLE4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
APPLICANT_COLUMNS: tuple[str, ...] = (*(t.value for t in ApplicantType), "total")
APPEAL_GROUPS: tuple[str, ...] = tuple(k.value for k in AppealKind)


class Row(NamedTuple):
    """One row of table 三: its code and its group, sub-group and own label ("" when none)."""

    code: str
    group: str
    subgroup: str
    label: str


def table_format(report: Report) -> TableFormat:
    """Return the report's table format, by default the one of its year."""
    if report.get("format"):
        return TableFormat(str(report["format"]))
    return TableFormat.for_year(int(str(report.get("year") or report["month"])[:4]))


def table3_rows(fmt: TableFormat, *, monthly: bool = False) -> tuple[Row, ...]:
    """Return the rows of table 三 in official order (2019: the three other_* rows collapse into `other`).

    A month's table says 本月新收, 上月结转, 本月办理结果 and 结转下月 (docs/tables.md) where the year's says 本年…
    """
    rows: list[Row] = []
    for code, (group, subgroup, label) in ROW_LABELS.items():
        if monthly:
            label = MONTHLY_ROW_LABELS.get(code, label)
            group = MONTHLY_RESULTS_GROUP_LABEL if group == RESULTS_GROUP_LABEL else group
        if fmt is TableFormat.F2019 and code in OTHER_OUTCOMES:
            if code == Outcome.OTHER:
                rows.append(Row(code, group, "", OTHER_LABEL_2019))
            continue
        rows.append(Row(str(code), group, subgroup, label))
    return tuple(rows)


def report_rows(report: Report) -> tuple[Row, ...]:
    """Return the rows of a report's table 三: its format's, in the words of its period (year or month)."""
    return table3_rows(table_format(report), monthly=bool(report.get("month")))


def outcome_codes(fmt: TableFormat) -> tuple[str, ...]:
    """Return the outcome rows of a format, whose sum is `total_handled`."""
    return tuple(outcome_rows(fmt))


def period_text(report: Report) -> str:
    """Return the report's period in Chinese: "2024年度" or "2020年3月"."""
    if report.get("month"):
        year, month = str(report["month"]).split("-")
        return f"{year}年{int(month)}月"
    return f"{report['year']}年度"


def title(report: Report) -> str:
    """Return the title line: agency, period and the document's name (（更正） for an amended month)."""
    name = "政府信息依申请公开汇总表" if report.get("month") else "政府信息公开工作年度报告"
    return f"{report['agency']}{period_text(report)}{name}{amended_mark(report)}"


AMENDED_MARK = "（更正）"
AMENDMENT_TITLE = "更正说明"


def amended_mark(report: Report) -> str:
    """Return （更正） for a month whose figures changed since it was first filed (docs/tables.md), else ""."""
    return AMENDED_MARK if report.get("amendment") else ""


def amendment_lines(report: Report) -> list[str]:
    """Return the 更正说明 of an amended month: against which filing, then each change; [] for any other report."""
    amendment = report.get("amendment")
    if not amendment:
        return []
    first = amendment.get("first_filed")
    head = f"与首次报送（{first}）相比，本月数据更正如下：" if first else "与首次报送相比，本月数据更正如下："
    return [head, *amendment["changes"]]


def fees_text(report: Report) -> str | None:
    """Return the fees collected line, or None when the report has no fees figure."""
    fees = report.get("fees_collected")
    if fees is None:
        return None
    scope = "本月" if report.get("month") else "本年度"
    return f"{scope}收取政府信息公开信息处理费 {fees} 元。"
