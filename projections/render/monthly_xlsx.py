"""Write the monthly filing workbook (openpyxl): 汇总表, the month's table 三, 复议（诉讼）表.

Dates are real Excel dates, every count a value; header rows are frozen and repeated on each printed page,
printing is A4 landscape, one page wide.
"""

from __future__ import annotations

import math
from os import PathLike
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from projections.ledger import Ledger
from projections.render.cells import save_workbook
from projections.render.grid import table3_grid
from projections.render.monthly import (
    CASE_COLUMNS,
    CASES_TITLE,
    LEDGER_COLUMNS,
    LEDGER_TITLE,
    NO_CASES,
    SUMMARY_TITLE,
    ZERO_REPORT,
    Column,
    Kind,
    cases_title,
    cell_value,
    check_monthly,
    column_widths,
    header_groups,
    ledger_title,
    period_line,
)
from projections.render.rows import AMENDMENT_TITLE, Report, amendment_lines
from projections.render.xlsx import LABEL_WIDTHS, fill_table, text_width

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10)
_HEAD_FONT = Font(name="宋体", size=10, bold=True)
_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.MONEY: "0.00", Kind.NUMBER: "0"}
DATE_FORMAT = _FORMATS[Kind.DATE]
_LINE_HEIGHT = 13.0


def write_monthly_xlsx(ledger: Ledger, report: Report, path: str | PathLike[str] | IO[bytes]) -> None:
    """Write a month's filing workbook, after checking table 三 and the ledger's agreement with it."""
    check_monthly(ledger, report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = LEDGER_TITLE
    _rows_sheet(sheet, ledger_title(report), period_line(ledger, report), LEDGER_COLUMNS, ledger.rows)
    fill_table(book.create_sheet(), report, SUMMARY_TITLE, table3_grid(report), LABEL_WIDTHS)
    cases = book.create_sheet(CASES_TITLE)
    _rows_sheet(cases, cases_title(report), period_line(ledger, report), CASE_COLUMNS, ledger.cases)
    if lines := amendment_lines(report):
        _amendment_sheet(book.create_sheet(AMENDMENT_TITLE), ledger_title(report), lines)
    save_workbook(book, path)


def _amendment_sheet(sheet: Worksheet, title: str, lines: list[str]) -> None:
    """Write the 更正说明: the amended month's title, against which filing, and one numbered row per change."""
    for row, text, size in ((1, title, 14), (2, lines[0], 10)):
        cell = sheet.cell(row, 1, text)
        cell.font = Font(name="宋体", size=size, bold=row == 1)
        cell.alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    for col, text in enumerate(("序号", "更正内容"), 1):
        _head(sheet, 3, col, text)
    for index, line in enumerate(lines[1:], 1):
        values: tuple[int | str, ...] = (index, line)
        for col, value in enumerate(values, 1):
            cell = sheet.cell(3 + index, col, value)
            cell.font, cell.border = _FONT, _BORDER
            cell.alignment = Alignment(horizontal="center" if col == 1 else "left", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 6, 80
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as many long as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = "1:3"


def _rows_sheet(
    sheet: Worksheet, title: str, period: str, columns: tuple[Column, ...], rows: tuple[object, ...]
) -> None:
    width = len(columns)
    for row, text, size in ((1, title, 14), (2, period, 10)):
        cell = sheet.cell(row, 1, text)
        cell.font = Font(name="宋体", size=size, bold=row == 1)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    sheet.row_dimensions[1].height = 26
    header_rows = _header(sheet, columns, top=3)
    first = 3 + header_rows
    for index, item in enumerate(rows, 1):
        lines = 1
        for col, column in enumerate(columns, 1):
            value = cell_value(item, column, index)
            _style(sheet.cell(first + index - 1, col, value), column)
            if column.kind == Kind.TEXT and value:
                lines = max(lines, math.ceil(text_width(str(value)) / max(column.width - 1, 1)))
        sheet.row_dimensions[first + index - 1].height = _LINE_HEIGHT * lines + 4  # Excel does not measure wraps
    if not rows:
        # The zero report is a line of the form, inside its borders, not a note under it.
        cell = sheet.cell(first, 1, ZERO_REPORT if columns is LEDGER_COLUMNS else NO_CASES)
        cell.font = _FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        for col in range(1, width + 1):
            sheet.cell(first, col).border = _BORDER
        sheet.merge_cells(start_row=first, start_column=1, end_row=first, end_column=width)
        sheet.row_dimensions[first].height = _LINE_HEIGHT * 2
    for col, column_width in enumerate(column_widths(columns, rows), 1):
        sheet.column_dimensions[get_column_letter(col)].width = column_width
    _page(sheet, first)


def _header(sheet: Worksheet, columns: tuple[Column, ...], *, top: int) -> int:
    """Write the header rows (two when some columns are grouped, with merged group cells); return how many."""
    grouped = any(column.group for column in columns)
    rows = 2 if grouped else 1
    col = 1
    for text, span, both in header_groups(columns) if grouped else [(c.label, 1, True) for c in columns]:
        _head(sheet, top, col, text)
        last_row = top + rows - 1 if both else top
        if (last_row, span) != (top, 1):
            sheet.merge_cells(start_row=top, start_column=col, end_row=last_row, end_column=col + span - 1)
        for r in range(top, last_row + 1):
            for c in range(col, col + span):
                sheet.cell(r, c).border = _BORDER
        col += span
    if grouped:
        for index, column in enumerate(columns, 1):
            if column.group:
                _head(sheet, top + 1, index, column.label)
    for r in range(top, top + rows):
        sheet.row_dimensions[r].height = 30
    return rows


def _head(sheet: Worksheet, row: int, col: int, text: str) -> None:
    cell = sheet.cell(row, col, text)
    cell.font = _HEAD_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = _BORDER


def _style(cell: object, column: Column) -> None:
    cell.font = _FONT  # type: ignore[attr-defined]
    cell.border = _BORDER  # type: ignore[attr-defined]
    wrap = column.kind == Kind.TEXT
    horizontal = "left" if column.kind in (Kind.TEXT, Kind.CODE) else "center"
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)  # type: ignore[attr-defined]
    if column.kind in _FORMATS:
        cell.number_format = _FORMATS[column.kind]  # type: ignore[attr-defined]


def _page(sheet: Worksheet, first_body: int) -> None:
    sheet.freeze_panes = sheet.cell(first_body, 3).coordinate  # keep 序号 and 受理编号 in view
    sheet.print_title_rows = f"1:{first_body - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
