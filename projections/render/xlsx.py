"""Write tables 三 and 四 to an XLSX workbook in the official layout (openpyxl)."""

from __future__ import annotations

import math
from os import PathLike
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from projections.render.balance import check_balance
from projections.render.cells import save_workbook
from projections.render.grid import Cell, Grid, Kind, table3_grid, table4_grid
from projections.render.rows import TABLE3_TITLE, TABLE4_TITLE, Report, fees_text, title

TITLE_ROWS = 2  # the report's title, then the table's heading
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10)
LABEL_WIDTHS = (12.0, 14.0, 40.0)
_VALUE_WIDTH = 10.0
_LINE_HEIGHT = 14.0


def write_xlsx(report: Report, path: str | PathLike[str] | IO[bytes]) -> None:
    """Write a balanced report's tables 三 and 四 to an XLSX file, one sheet each."""
    check_balance(report)
    book = Workbook()
    table3 = book.active
    assert table3 is not None  # a new workbook always has its first sheet
    fill_table(table3, report, TABLE3_TITLE, table3_grid(report), LABEL_WIDTHS)
    fill_table(book.create_sheet(), report, TABLE4_TITLE, table4_grid(report), ())
    save_workbook(book, path)


def fill_table(sheet: Worksheet, report: Report, heading: str, grid: Grid, label_widths: tuple[float, ...]) -> None:
    """Write one table's grid to a sheet under the report's title, with widths, borders and page setup."""
    sheet.title = heading
    widths = [*label_widths, *([_VALUE_WIDTH] * (grid.cols - len(label_widths)))]
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    _title(sheet, 1, title(report), grid.cols, bold=True)
    _title(sheet, 2, heading, grid.cols, bold=False)
    for cell in grid.cells:
        _write(sheet, cell)
    _fit_rows(sheet, grid, widths)
    fees = fees_text(report)
    if fees and label_widths:
        sheet.cell(TITLE_ROWS + grid.rows + 2, 1, fees).font = _FONT
    _page(sheet, grid, label_columns=len(label_widths))


def _title(sheet: Worksheet, row: int, text: str, cols: int, *, bold: bool) -> None:
    target = sheet.cell(row, 1, text)
    target.font = Font(name="宋体", size=14 if bold else 11, bold=bold)
    target.alignment = Alignment(horizontal="center" if bold else "left", vertical="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=cols)
    sheet.row_dimensions[row].height = 24


def _write(sheet: Worksheet, cell: Cell) -> None:
    top, left = TITLE_ROWS + cell.row + 1, cell.col + 1
    bottom, right = TITLE_ROWS + cell.last_row + 1, cell.last_col + 1
    target = sheet.cell(top, left, cell.value if cell.kind is Kind.VALUE else cell.text)
    target.font = _FONT
    horizontal = "left" if cell.kind is Kind.LABEL else "center"
    target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            sheet.cell(row, col).border = _BORDER
    if (bottom, right) != (top, left):
        sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)


def text_width(text: str) -> int:
    """Return the width of text in Excel character units (a CJK character counts two)."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _fit_rows(sheet: Worksheet, grid: Grid, widths: list[float]) -> None:
    """Set each row tall enough for its wrapped single-row cells; Excel does not measure merged cells."""
    lines = [1] * grid.rows
    for cell in grid.cells:
        if cell.rowspan == 1:
            width = sum(widths[cell.col : cell.last_col + 1])
            lines[cell.row] = max(lines[cell.row], math.ceil(text_width(cell.text) / max(width - 1, 1)))
    for row, count in enumerate(lines):
        sheet.row_dimensions[TITLE_ROWS + row + 1].height = _LINE_HEIGHT * count + 4


def _page(sheet: Worksheet, grid: Grid, *, label_columns: int) -> None:
    first_body = TITLE_ROWS + grid.header_rows + 1
    sheet.freeze_panes = sheet.cell(first_body, label_columns + 1).coordinate
    sheet.print_title_rows = f"1:{first_body - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
