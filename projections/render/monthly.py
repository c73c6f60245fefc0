"""The monthly filing's layout (docs/tables.md): 汇总表 and 复议（诉讼）表 columns, titles; and its HTML page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from projections.ledger import Ledger, check_ledger
from projections.render.balance import check_balance
from projections.render.grid import table3_grid, table3_print_widths
from projections.render.rows import (
    AMENDMENT_TITLE,
    TABLE3_TITLE,
    Report,
    amended_mark,
    amendment_lines,
    fees_text,
    period_text,
)
from projections.render.xlsx import text_width

# What a ledger cell holds: a row's position, text, a date, an amount, or nothing.
CellValue = int | str | dt.date | Decimal | None
if TYPE_CHECKING:
    from markupsafe import Markup

LEDGER_TITLE = "政府信息依申请公开汇总表"
CASES_TITLE = "依申请信息公开引起复议（诉讼）表"
SUMMARY_TITLE = f"本月{TABLE3_TITLE.removeprefix('三、')}"


class Kind:
    """How a column's values are written."""

    # A CODE (受理编号, 案号) is never broken: 鄞司依申〔2020〕2号 must not leave its 号 on a line of its own.
    TEXT, CODE, DATE, MONEY, NUMBER = "text", "code", "date", "money", "number"


@dataclass(frozen=True, slots=True)
class Column:
    """One ledger column: its group header ("" when none), its own header, the row attribute, kind and width."""

    group: str
    label: str
    attr: str
    kind: str = Kind.TEXT
    width: float = 11.0
    print_em: float = 0.0  # a text column's printed width in em of the page's font (0: from its XLSX width)


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("", "序号", "", Kind.NUMBER, 5.0),
    Column("", "受理编号", "number", Kind.CODE, 14.0),
    Column("", "收到申请日期", "received", Kind.DATE),
    Column("", "申请渠道", "channel", width=9.0, print_em=5.0),
    Column("", "申请人类别", "applicant_type", width=10.0, print_em=5.0),
    Column("", "申请人", "applicant", width=10.0, print_em=5.0),
    Column("", "申请内容摘要", "subject", width=24.0, print_em=18.0),
    Column("", "报备日期", "registration", width=15.0),  # the date, and on time or how many working days late
    Column("补正", "补正通知日期", "correction_requested", Kind.DATE),
    Column("补正", "补正收到日期", "correction_received", Kind.DATE),
    Column("征求意见", "发出日期", "consultation_started", Kind.DATE),
    Column("征求意见", "收回日期", "consultation_ended", Kind.DATE),
    Column("", "延期告知日期", "extended", Kind.DATE),
    Column("收费", "收费通知日期", "fee_notified", Kind.DATE),
    Column("收费", "缴费日期", "fee_paid", Kind.DATE),
    Column("收费", "金额（元）", "fee_amount", Kind.MONEY, 9.0),
    Column("", "法定答复期限", "reply_due", Kind.DATE),
    Column("", "答复日期", "answered", Kind.DATE),
    Column("", "办理结果", "outcome", width=22.0, print_em=17.0),
    Column("", "是否按期", "on_time", width=7.0, print_em=4.3),
    Column("", "状态（办结/结转）", "status", width=8.0, print_em=3.8),
    Column("", "经办人", "clerk", width=8.0, print_em=4.0),
    Column("", "备注", "remarks", width=20.0, print_em=8.0),
)
CASE_COLUMNS: tuple[Column, ...] = (
    Column("", "序号", "", Kind.NUMBER, 5.0),
    Column("", "申请人", "applicant", width=10.0),
    Column("", "对应申请", "request", Kind.CODE, 14.0),
    Column("", "类型", "kind", width=22.0),
    Column("", "复议机关或法院", "authority", width=18.0),
    Column("", "申请/立案日期", "appealed", Kind.DATE),
    Column("", "案号", "number", Kind.CODE, 14.0),
    Column("", "答复/答辩日期", "responded", Kind.DATE),
    Column("", "结果", "result", width=9.0),
    Column("", "结果日期", "result_date", Kind.DATE),
    Column("", "备注", "remarks", width=16.0),
)


ZERO_REPORT = "本月无依申请公开事项（零报告）"
NO_CASES = "本月无复议、诉讼案件"


def column_widths(columns: tuple[Column, ...], rows: tuple[object, ...]) -> list[float]:
    """Return each column's width in Excel character units: a code column as wide as its longest value."""
    widths = []
    for column in columns:
        width = column.width
        if column.kind == Kind.CODE:
            longest = max((text_width(display(getattr(row, column.attr))) for row in rows), default=0)
            width = max(width, longest + 2.0)
        widths.append(width)
    return widths


# Printing the page (A4 landscape, 10 mm margins): each column's width in em of the table's font, chosen so that
# a date (2024-03-04) and a code stay on one line and a text column holds at least three characters; the font is
# then as large as lets the whole ledger fit the page's width.
PRINT_WIDTH_MM = 277.0
_PRINT_EM = {Kind.DATE: 5.7, Kind.NUMBER: 2.2, Kind.MONEY: 4.2}
# A text column holds as many characters a line as in the XLSX, plus the cell's padding, unless its print_em
# says otherwise (the ledger's summary and result get more, its mostly empty 备注 less, than in the XLSX).
_TEXT_EM_PER_UNIT, _TEXT_MIN_EM, _PADDING_EM = 0.55, 3.6, 0.6
_MM_PER_PT = 0.3528


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """How a table of rows prints: its font size and each column's share of the page's width (percent)."""

    font_pt: float
    widths: tuple[float, ...]


def print_layout(columns: tuple[Column, ...], rows: tuple[object, ...], *, largest_pt: float = 9.0) -> PrintLayout:
    """Return the font size and column widths that print the table across the page without breaking a code."""
    ems = []
    for column, width in zip(columns, column_widths(columns, rows), strict=True):
        if column.kind == Kind.CODE:
            ems.append(max(width, text_width(column.label)) / 2 + _PADDING_EM)
        elif column.kind == Kind.TEXT:
            ems.append(column.print_em or max(width * _TEXT_EM_PER_UNIT, _TEXT_MIN_EM) + _PADDING_EM)
        else:
            ems.append(_PRINT_EM[column.kind])
    total = sum(ems)
    font = min(largest_pt, PRINT_WIDTH_MM / total / _MM_PER_PT)
    return PrintLayout(round(font, 2), tuple(round(100 * em / total, 3) for em in ems))


def ledger_title(report: Report) -> str:
    """Return the 汇总表 title: agency, period, official name."""
    return f"{report['agency']}{period_text(report)}{LEDGER_TITLE}{amended_mark(report)}"


def cases_title(report: Report) -> str:
    """Return the 复议（诉讼）表 title."""
    return f"{report['agency']}{period_text(report)}{CASES_TITLE}{amended_mark(report)}"


def period_line(ledger: Ledger, report: Report) -> str:
    """Return the line under a title: reporting agency and period."""
    return f"报送单位：{report['agency']}　　统计期间：{ledger.first:%Y年%m月%d日}至{ledger.last:%Y年%m月%d日}"


def cell_value(row: object, column: Column, index: int) -> CellValue:
    """Return a row's value in a column (序号 is the row's position, counted from 1)."""
    return index if not column.attr else getattr(row, column.attr)


def display(value: object) -> str:
    """Return a value as text (dates ISO, money with two decimals, nothing as empty)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def check_monthly(ledger: Ledger, report: Report) -> None:
    """Check table 三's balance rules and the ledger's agreement with it; raise before anything is written."""
    check_balance(report)
    check_ledger(ledger, report)


def render_monthly_html(ledger: Ledger, report: Report) -> str:
    """Return the monthly filing as one standalone HTML page: 汇总表, the month's table 三, 复议（诉讼）表."""
    from projections.render.html import environment

    check_monthly(ledger, report)
    page = environment().get_template("monthly.html")
    return page.render(
        title=ledger_title(report),
        cases_title=cases_title(report),
        period=period_line(ledger, report),
        ledger=ledger,
        ledger_columns=LEDGER_COLUMNS,
        case_columns=CASE_COLUMNS,
        groups=header_groups(LEDGER_COLUMNS),
        ledger_print=print_layout(LEDGER_COLUMNS, ledger.rows),
        cases_print=print_layout(CASE_COLUMNS, ledger.cases),
        zero_report=ZERO_REPORT,
        no_cases=NO_CASES,
        summary_title=SUMMARY_TITLE,
        summary=table3_grid(report),
        summary_widths=table3_print_widths(),
        fees=fees_text(report),
        amendment_title=AMENDMENT_TITLE,
        amendment=amendment_lines(report),
        cell_value=cell_value,
        header_text=header_text,
        display=display,
    )


def header_text(label: str) -> Markup:
    """Return a printed header that wraps only before its last word (收到申请 / 日期), never leaving 期 alone."""
    from markupsafe import Markup, escape

    for word in ("日期", "期限", "类别"):
        if len(label) > len(word) + 2 and label.endswith(word):
            head, tail = (Markup('<span class="whole">%s</span>') % part for part in (label.removesuffix(word), word))
            return head + Markup("<wbr>") + tail
    return escape(label)


def header_groups(columns: tuple[Column, ...]) -> list[tuple[str, int, bool]]:
    """Return the first header row: (text, colspan, spans both header rows) for each run of columns."""
    groups: list[tuple[str, int, bool]] = []
    for column in columns:
        if column.group and groups and groups[-1][0] == column.group and not groups[-1][2]:
            groups[-1] = (column.group, groups[-1][1] + 1, False)
        elif column.group:
            groups.append((column.group, 1, False))
        else:
            groups.append((column.label, 1, True))
    return groups
