"""Write tables 三 and 四 to a Word document with merged cells, ready to paste into an annual report."""

from __future__ import annotations

from os import PathLike
from typing import IO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from projections.render.balance import check_balance
from projections.render.grid import Cell, Grid, Kind, table3_grid, table4_grid
from projections.render.rows import TABLE3_TITLE, TABLE4_TITLE, Report, fees_text, title

FONT = "宋体"
_LABEL_WIDTHS_CM = (1.6, 1.8, 4.6)
_TABLE_WIDTH_CM = 16.0  # A4 portrait, 2.5 cm margins


def write_docx(report: Report, path: str | PathLike[str] | IO[bytes]) -> None:
    """Write a balanced report's tables 三 and 四 to a DOCX file."""
    check_balance(report)
    document = Document()
    _setup(document)
    _paragraph(document, title(report), size=14, bold=True, centred=True)
    _paragraph(document, TABLE3_TITLE, size=12, bold=True)
    _table(document, table3_grid(report), _LABEL_WIDTHS_CM)
    fees = fees_text(report)
    if fees:
        _paragraph(document, fees, size=10.5)
    _paragraph(document, TABLE4_TITLE, size=12, bold=True)
    _table(document, table4_grid(report), ())
    document.save(path if hasattr(path, "write") else str(path))  # type: ignore[arg-type]


def _setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _paragraph(document: DocumentObject, text: str, *, size: float, bold: bool = False, centred: bool = False) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _widths(grid: Grid, label_widths: tuple[float, ...]) -> list[float]:
    value_width = (_TABLE_WIDTH_CM - sum(label_widths)) / (grid.cols - len(label_widths))
    return [*label_widths, *([value_width] * (grid.cols - len(label_widths)))]


def _table(document: DocumentObject, grid: Grid, label_widths: tuple[float, ...]) -> None:
    table = document.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in enumerate(_widths(grid, label_widths)):
        table.columns[col].width = Cm(width)
        for row in table.rows:
            row.cells[col].width = Cm(width)
    for row in table.rows[: grid.header_rows]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat the header on every page
    for cell in grid.cells:
        _put(table, cell)


def _put(table: Table, cell: Cell) -> None:
    target = table.cell(cell.row, cell.col)
    if (cell.last_row, cell.last_col) != (cell.row, cell.col):
        target = target.merge(table.cell(cell.last_row, cell.last_col))
    target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = target.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.kind is Kind.LABEL else WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(cell.text).font.size = Pt(9)
