"""Write the whole annual report as a Word document in the usual layout of a published government document.

GB/T 9704 conventions (docs/annual-report.md): A4 with its margins (top 37, bottom 35, left 28, right 26 mm), the
title in a 小标宋 face at 二号 (22 pt), headings in 黑体 and the body in 仿宋 at 三号 (16 pt) on a fixed 28 pt line,
paragraphs indented by two characters, "— N —" page numbers in the footer, document language zh-CN with the
East Asian fonts and their usual alternative names declared. Tables 二, 三 and 四 are the grids every writer draws
(projections/render/grid.py, projections/render/proactive_grid.py), at 9 pt in fixed columns, headers repeated.
"""

from __future__ import annotations

from os import PathLike
from typing import IO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from domain.report_sections import paragraphs
from projections.render.docx import (
    LATIN_FONT,
    TABLE_WIDTH_MM,
    add_table,
    set_fonts,
    setup_a4,
    table3_widths,
)
from projections.render.grid import table3_grid, table4_grid
from projections.render.proactive_grid import proactive_grids, proactive_widths
from projections.render.rows import Report

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
FALLBACKS = {
    "方正小标宋简体": "华文中宋",
    "黑体": "SimHei",
    "仿宋_GB2312": "仿宋",
    "仿宋": "FangSong",
    "宋体": "SimSun",
}
TITLE_PT, BODY_PT, LINE_PT, NOTE_PT = 22.0, 16.0, 28.0, 12.0
MARGINS_MM = (37.0, 26.0, 35.0, 28.0)  # top, right, bottom, left (GB/T 9704: a 156 × 225 mm text block)
TEXT_WIDTH_MM = 210.0 - MARGINS_MM[1] - MARGINS_MM[3]


def write_annual_docx(whole: Report, path: str | PathLike[str] | IO[bytes]) -> None:
    """Write a checked annual report (projections/annual_report.py) to a DOCX file."""
    document = Document()
    _setup(document)
    _title(document, str(whole["agency"]))
    _title(document, f"{whole['year']}年度政府信息公开工作年度报告")
    for section in whole["sections"]:
        # Table 三 needs most of a page: its section starts one, so its header rows never stand alone at a page's foot.
        _heading(document, f"{section['number']}、{section['title']}", new_page=section["number"] == "三")
        if section["number"] != "二":
            _body(document, section["text"])
        _tables(document, whole, section["number"])
        if section["number"] == "二":
            _body(document, section["text"])
    closed = whole.get("closed_year")
    if closed:
        _note(document, closing_line(closed))
    document.save(path if hasattr(path, "write") else str(path))  # type: ignore[arg-type]


def closing_line(closed: Report) -> str:
    """Return the line that ties the printed tables to the year's close (年度结账) and its hash."""
    year, month, day = (int(part) for part in str(closed["closed_on"]).split("-"))
    return f"本报告表三、表四数据已于{year}年{month}月{day}日结账，数据指纹（sha256）：{closed['sha256']}"


def _tables(document: DocumentObject, whole: Report, number: str) -> None:
    if number == "二":
        for grid in proactive_grids(whole):
            add_table(document, grid, proactive_widths(grid, TEXT_WIDTH_MM))
            _gap(document)
    elif number == "三":
        three = table3_grid(whole)
        add_table(document, three, table3_widths(three))
    elif number == "四":
        four = table4_grid(whole)
        add_table(document, four, [TABLE_WIDTH_MM / four.cols] * four.cols)


def _setup(document: DocumentObject) -> None:
    footer = setup_a4(document, margins_mm=MARGINS_MM, font=BODY_FONT, fallbacks=FALLBACKS)
    for run in footer.runs:
        run.font.size = Pt(14)  # 四号
        set_fonts(run._r, "宋体")


def _run(paragraph: Paragraph, text: str, font: str, size: float, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, LATIN_FONT
    set_fonts(run._r, font)


def _title(document: DocumentObject, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(6)
    _run(paragraph, text, TITLE_FONT, TITLE_PT)


def _heading(document: DocumentObject, text: str, *, new_page: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.page_break_before = new_page
    _fixed_lines(paragraph)
    paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    paragraph.paragraph_format.keep_with_next = True  # a heading stays on the page of what follows it
    paragraph.paragraph_format.space_before = Pt(6)
    _run(paragraph, text, HEADING_FONT, BODY_PT)


def _body(document: DocumentObject, text: str) -> None:
    for part in paragraphs(text):
        paragraph = document.add_paragraph()
        _fixed_lines(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _run(paragraph, part, BODY_FONT, BODY_PT)


def _note(document: DocumentObject, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    _run(paragraph, text, BODY_FONT, NOTE_PT)


def _gap(document: DocumentObject) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, "", BODY_FONT, 6)


def _fixed_lines(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(LINE_PT)
    paragraph.paragraph_format.space_after = Pt(0)
