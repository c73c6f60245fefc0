"""Opt-in: the documents as a printer sees them (LibreOffice for DOCX and XLSX, headless Chromium for HTML).

Each test runs tools/render_pages.py, which builds a store with the installed `gongkai`, writes the documents
and prints them to PDF, then reads the PDFs' text (pdftotext) and pages (pdfinfo). Run with
`GONGKAI_TEST_PDF=1 .venv/bin/python -m pytest -m pdf` (needs soffice, chromium and poppler-utils).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from domain.codes import TableFormat
from domain.proactive import blocks
from domain.report_sections import paragraphs
from projections.render import write_docx
from projections.render.rows import APPEAL_GROUPS, APPLICANT_COLUMNS, report_rows
from projections.tables import APPEAL_COLUMNS

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not os.environ.get("GONGKAI_TEST_PDF"), reason="set GONGKAI_TEST_PDF=1 to print documents"),
]
TOOL = Path(__file__).resolve().parents[2] / "tools" / "render_pages.py"
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)
NUMBER = re.compile(r"鄞司依申〔2025〕\d+号")


def _render(out: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--out", str(out), *args], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pages: dict[str, Any] = json.loads((out / "pages.json").read_text(encoding="utf-8"))
    return pages


def _text(pdf: str, page: int | None = None) -> str:
    command = ["pdftotext", "-layout", *(["-f", str(page), "-l", str(page)] if page else []), pdf, "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _size(document: dict[str, Any]) -> tuple[int, int]:
    width, height = re.findall(r"[\d.]+", document["size"])[:2]
    return round(float(width)), round(float(height))


def _printed_rows(text: str) -> list[list[str]]:
    """Return, line by line, the seven figures that end each printed line of table 三 (lines with fewer: none)."""
    rows = []
    for line in text.splitlines():
        figures = re.findall(r"\d+", line)
        if len(figures) >= len(APPLICANT_COLUMNS):
            rows.append(figures[-len(APPLICANT_COLUMNS) :])
    return rows


def _expected_rows(report: dict[str, Any]) -> list[list[str]]:
    counts = report["applications"]
    return [[str(counts[row.code][column]) for column in APPLICANT_COLUMNS] for row in report_rows(report)]


def test_the_annual_docx_of_a_3000_application_year_prints_every_figure_whole(tmp_path: Path) -> None:
    pages = _render(tmp_path, "--applications", "3000", "--only", "annual.docx")
    printed = pages["annual-2025.docx"]
    assert _size(printed) == A4_PORTRAIT
    report = json.loads((tmp_path / "annual-2025.json").read_text(encoding="utf-8"))
    assert report["applications"]["new"]["total"] == 3000
    # Table 三 on page 1: its 25 rows' figures, in order, each line ending in the row's seven whole numbers.
    assert _printed_rows(_text(printed["pdf"], 1)) == _expected_rows(report)
    assert "四、政府信息公开行政复议、行政诉讼情况" not in _text(printed["pdf"], 1)  # its heading moved with table 四


def test_six_digit_figures_print_whole_in_the_docx(tmp_path: Path) -> None:
    pages = _render(tmp_path, "--applications", "3000", "--only", "annual.xlsx")
    report = json.loads((tmp_path / "annual-2025.json").read_text(encoding="utf-8"))
    large = copy.deepcopy(report)  # a district's year: every figure × 100 keeps every balance rule
    for row in large["applications"].values():
        for column in row:
            row[column] *= 100
    assert large["applications"]["new"]["total"] == 300000
    write_docx(large, tmp_path / "district.docx")
    pages = _render(tmp_path, "--convert", str(tmp_path / "district.docx"))
    assert _printed_rows(_text(pages["district.docx"]["pdf"], 1)) == _expected_rows(large)


def test_the_monthly_html_of_a_90_application_month_prints_in_no_more_pages_than_the_xlsx(tmp_path: Path) -> None:
    pages = _render(tmp_path, "--applications", "1080", "--month", "2025-03", "--only", "monthly.xlsx", "monthly.html")
    report = json.loads((tmp_path / "monthly-2025-03.json").read_text(encoding="utf-8"))
    assert report["applications"]["new"]["total"] == 90
    html, xlsx = pages["monthly-2025-03.html"], pages["monthly-2025-03.xlsx"]
    assert _size(html) == _size(xlsx) == A4_LANDSCAPE
    assert html["pages"] <= xlsx["pages"], (html["pages"], xlsx["pages"])
    ledger_pages = [_text(html["pdf"], page) for page in range(1, html["pages"] + 1)]
    ledger_pages = [text for text in ledger_pages if NUMBER.search(text) and "申请内容摘要" in text]
    # The header on every page, as large as the cells: 收到申请日期 wraps before 日期, never leaving 期 alone.
    assert len(ledger_pages) >= 2 and all(re.search(r"收到申请\s.*\n.*日期", text) for text in ledger_pages)
    # Every application number prints whole (never 鄞司依申〔2025〕12 / 号), the same in both documents.
    html_text, xlsx_text = _text(html["pdf"]), _text(xlsx["pdf"])
    assert set(NUMBER.findall(html_text)) == set(NUMBER.findall(xlsx_text))
    rows = report["applications"]["new"]["total"] + report["applications"]["carried_in"]["total"]
    assert len(set(NUMBER.findall("".join(ledger_pages)))) == rows
    assert not re.search(r"鄞司依申〔2025〕\d+\s*$", html_text, re.MULTILINE)
    # The month's table 三 in the month's words, each of its rows with its figures.
    assert "一、本月新收政府信息公开申请数量" in html_text and "四、结转下月继续办理" in html_text
    summary = next(page for page in range(1, html["pages"] + 1) if "本月办理结果" in _text(html["pdf"], page))
    assert _printed_rows(_text(html["pdf"], summary)) == _expected_rows(report)


def test_a_zero_report_prints_inside_its_form(tmp_path: Path) -> None:
    pages = _render(tmp_path, "--applications", "12", "--only", "zero.xlsx", "zero.html")
    for name in ("monthly-2024-12.xlsx", "monthly-2024-12.html"):
        first = _text(pages[name]["pdf"], 1)
        assert "本月无依申请公开事项（零报告）" in first and "受理编号" in first
        assert pages[name]["pages"] == 3  # 汇总表, table 三, 复议（诉讼）表: one page each


def _figures_line(text: str, figures: list[str]) -> bool:
    """Tell whether one printed line holds these figures, in order, each whole (table 四's fifteen cells)."""
    return any(re.findall(r"\d+", line)[-len(figures) :] == figures for line in text.splitlines())


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_the_whole_annual_report_prints_every_figure_of_its_tables_whole(tmp_path: Path, fmt: str) -> None:
    pages = _render(tmp_path, "--applications", "3000", "--only", f"whole.{fmt}")
    printed = pages[f"annual-report-2025.{fmt}"]
    assert _size(printed) == A4_PORTRAIT
    whole = json.loads((tmp_path / "annual-report-2025.json").read_text(encoding="utf-8"))
    assert whole["applications"]["new"]["total"] == 3000
    text = _text(printed["pdf"])
    for heading in (f"{s['number']}、{s['title']}" for s in whole["sections"]):
        assert heading in text
    # Table 三: its rows' seven figures, in order, each line ending in them (four-digit totals never broken).
    rows, expected = _printed_rows(text), _expected_rows(whole)
    start = rows.index(expected[0])
    assert rows[start : start + len(expected)] == expected
    appeals = whole["appeals"]
    assert _figures_line(text, [str(appeals[g][c]) for g in APPEAL_GROUPS for c in APPEAL_COLUMNS])
    # Table 二: each row's figures on the row's line; the prose's numbers as the JSON says them.
    for block in blocks(TableFormat.F2021):
        for row in block.rows:
            figures = [str(whole["proactive"][row.code][c.code]) for c in block.columns]
            assert any(row.label in line and line.split()[-len(figures) :] == figures for line in text.splitlines())
    flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))  # a paragraph may run across a page's footer
    for section in whole["sections"]:
        for paragraph in paragraphs(section["text"]):
            assert re.sub(r"\s+", "", paragraph) in flat
