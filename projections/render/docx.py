"""Write tables 三 and 四 to a Word document with merged cells, ready to paste into an annual report.

Checked by printing (LibreOffice, see tools/render_pages.sh): A4, table 三 on one page, fixed column widths
wide enough that no six-digit figure and no group label (三、本年度办理结果, （三）不予公开) breaks, East Asian
fonts and the zh-CN language set on the defaults, the styles and every run.
"""

from __future__ import annotations

from os import PathLike
from typing import IO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from projections.render.balance import check_balance
from projections.render.grid import TABLE3_PRINT_MM, VALUE_PRINT_MM, Cell, Grid, Kind, table3_grid, table4_grid
from projections.render.rows import TABLE3_TITLE, TABLE4_TITLE, Report, fees_text, title

LATIN_FONT = "Times New Roman"
TABLE_FONT = "宋体"
TEXT_FONT = "仿宋_GB2312"
# Word and WPS use a font's altName when the named one is missing (宋体 is SimSun on an English Windows);
# LibreOffice goes through fontconfig, which maps every one of them to a CJK face (Noto CJK on Debian).
_FALLBACKS = {"宋体": "SimSun", "仿宋_GB2312": "仿宋", "仿宋": "FangSong"}
LANGUAGE = "zh-CN"

_PAGE_MM = (210.0, 297.0)
_MARGINS_MM = (20.0, 15.0, 20.0, 15.0)  # top, right, bottom, left: table 三 (25 rows, 2021 format) fits one page
TABLE_WIDTH_MM = _PAGE_MM[0] - _MARGINS_MM[1] - _MARGINS_MM[3]
TABLE_FONT_PT = 9.0
_CELL_MARGIN_MM = 1.0  # left and right, in place of Word's 1.9 mm, so that narrow columns keep their digits


def write_docx(report: Report, path: str | PathLike[str] | IO[bytes]) -> None:
    """Write a balanced report's tables 三 and 四 to a DOCX file."""
    check_balance(report)
    document = Document()
    setup_a4(document)
    _paragraph(document, title(report), size=15, bold=True, centred=True, font=TABLE_FONT)
    _paragraph(document, TABLE3_TITLE, size=12, bold=True, font=TABLE_FONT)
    three = table3_grid(report)
    add_table(document, three, table3_widths(three))
    fees = fees_text(report)
    if fees:
        _paragraph(document, fees, size=10.5, font=TEXT_FONT)
    _paragraph(document, TABLE4_TITLE, size=12, bold=True, font=TABLE_FONT)
    four = table4_grid(report)
    add_table(document, four, [TABLE_WIDTH_MM / four.cols] * four.cols)
    document.save(path if hasattr(path, "write") else str(path))  # type: ignore[arg-type]


def table3_widths(grid: Grid) -> list[float]:
    return [*TABLE3_PRINT_MM, *([VALUE_PRINT_MM] * (grid.cols - len(TABLE3_PRINT_MM)))]


def setup_a4(
    document: DocumentObject,
    *,
    margins_mm: tuple[float, float, float, float] = _MARGINS_MM,
    font: str = TEXT_FONT,
    fallbacks: dict[str, str] = _FALLBACKS,
) -> Paragraph:
    """Lay the document out on A4 portrait (margins: top, right, bottom, left) in `font`; return the footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(_PAGE_MM[0]), Mm(_PAGE_MM[1])
    top, right, bottom, left = (Mm(m) for m in margins_mm)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = top, right, bottom, left
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        set_fonts(child(defaults, "w:rPrDefault"), font)
    for name in ("Normal", "Table Grid"):
        set_fonts(document.styles[name].element, font)
    declare_fallbacks(document, fallbacks)
    footer: Paragraph = section.footer.paragraphs[0]
    page_numbers(footer)
    return footer


def child(parent: BaseOxmlElement, tag: str, *, first: bool = False) -> BaseOxmlElement:
    """Return parent's child `tag`, created (first or last) when missing."""
    element: BaseOxmlElement | None = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        if first:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element


def set_fonts(owner: BaseOxmlElement, east_asia: str) -> None:
    """Set Latin and East Asian fonts and the zh-CN language on a run, a style or the document defaults.

    python-docx writes only the Latin font; the default template's theme fonts and en-US East Asian language
    would otherwise win, and Chinese text would be set in whatever the reader's system picks.
    """
    properties = child(owner, "w:rPr", first=owner.tag != qn("w:style"))
    fonts = child(properties, "w:rFonts", first=True)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for attribute in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attribute}"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    language = child(properties, "w:lang")
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)


def declare_fallbacks(document: DocumentObject, fallbacks: dict[str, str] = _FALLBACKS) -> None:
    """List the Chinese fonts in the font table with their usual alternative names and the GB2312 charset."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alternative in fallbacks.items():
        font = OxmlElement("w:font", {qn("w:name"): name})
        font.append(OxmlElement("w:altName", {qn("w:val"): alternative}))
        font.append(OxmlElement("w:charset", {qn("w:val"): "86"}))  # GB2312
        font.append(OxmlElement("w:family", {qn("w:val"): "roman" if name in ("宋体", "方正小标宋简体") else "modern"}))
        root.append(font)
    # The font table is a plain part (python-docx keeps only its bytes): write the changed XML back.
    part._blob = serialize_part_xml(root)


def page_numbers(paragraph: Paragraph) -> None:
    """Write "— N —" in the footer: a PAGE field, which every reader fills in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")  # the cached result, until the reader computes it
    _field_char(paragraph, "end")
    paragraph.add_run(" —")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))


def _paragraph(
    document: DocumentObject, text: str, *, size: float, font: str, bold: bool = False, centred: bool = False
) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = bold  # a heading stays on the page of its table
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    set_fonts(run._r, font)
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(6)
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_table(document: DocumentObject, grid: Grid, widths_mm: list[float]) -> None:
    table = document.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: the widths below hold whatever the content
    properties = table._tbl.tblPr
    width = child(properties, "w:tblW")
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(Mm(w).twips for w in widths_mm)))
    _cell_margins(properties)
    for col, column_width in enumerate(widths_mm):
        table.columns[col].width = Mm(column_width)
    for index, row in enumerate(table.rows):
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))  # a row is never cut across two pages
        if index < grid.header_rows:
            row_properties.append(OxmlElement("w:tblHeader"))  # repeat the header on every page
        for cell, column_width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(column_width)  # every cell, equal to its grid column: LibreOffice reads both
    for cell in grid.cells:
        _put(table, cell)


def _cell_margins(properties: BaseOxmlElement) -> None:
    margins = child(properties, "w:tblCellMar")
    for side in ("left", "right"):
        margin = child(margins, f"w:{side}")
        margin.set(qn("w:w"), str(Mm(_CELL_MARGIN_MM).twips))
        margin.set(qn("w:type"), "dxa")


def _put(table: Table, cell: Cell) -> None:
    target = table.cell(cell.row, cell.col)
    if (cell.last_row, cell.last_col) != (cell.row, cell.col):
        target = target.merge(table.cell(cell.last_row, cell.last_col))
    target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = target.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.kind is Kind.LABEL else WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run("\n".join(cell.lines))  # python-docx writes each "\n" as a line break
    run.font.size = Pt(TABLE_FONT_PT)
    set_fonts(run._r, TABLE_FONT)
