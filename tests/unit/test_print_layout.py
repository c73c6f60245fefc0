"""How the whole annual report and the monthly ledger are laid out for print (checked by printing in tests/e2e)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from domain.closing import YearClose
from domain.codes import TableFormat
from domain.proactive import filled
from projections.annual_report import build_annual_report
from projections.render.annual_docx import TABLE3_LINE_PT, closing_line, write_annual_docx
from projections.render.annual_html import render_annual_html
from projections.render.figures import figure_parts, figures_html
from projections.render.monthly import LEDGER_COLUMNS, printed_cell
from projections.render.rows import Report, chinese_date
from tests.unit.test_render_reports import shanghai_2024, yinzhou_2020

TEXTS = {"overview": "本机关认真做好政府信息公开工作。", "problems": "公开内容还不够深入。"}


def _whole(report: Report, **kw: object) -> Report:
    fmt = TableFormat(report["format"])
    return build_annual_report(report, proactive=filled(fmt, {}), texts=TEXTS, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "written"),
    [(dt.date(2025, 9, 1), "2025年9月1日"), ("2024-12-31", "2024年12月31日"), ("2021-01-05", "2021年1月5日")],
)
def test_a_chinese_date_is_not_zero_padded(day: dt.date | str, written: str) -> None:
    assert chinese_date(day) == written


def test_the_closing_line_writes_its_date_the_chinese_way() -> None:
    close = YearClose(2020, dt.date(2021, 1, 5), "ab" * 32, yinzhou_2020())
    whole = _whole(yinzhou_2020(), close=close)
    assert closing_line(whole["closed_year"]).startswith("本报告表三、表四数据已于2021年1月5日结账")


def test_figures_with_their_units_are_the_parts_kept_on_one_line() -> None:
    text = "办结232件，其中无法提供2件；收取1700.00元，逾期3个工作日。"
    kept = [part for part, whole in figure_parts(text) if whole]
    assert kept == ["232件", "2件", "1700.00元", "3个工作日"]
    assert "".join(part for part, _ in figure_parts(text)) == text


def test_figures_html_wraps_each_figure_in_a_span_and_escapes_the_rest() -> None:
    html = str(figures_html("<b>办结232件</b>"))
    assert html == '&lt;b&gt;办结<span class="figure">232件</span>&lt;/b&gt;'


def test_the_html_report_keeps_figures_whole_and_tables_on_one_page_without_forced_breaks() -> None:
    whole = _whole(shanghai_2024())
    html = render_annual_html(whole)
    assert "span.figure { white-space: nowrap; }" in html
    assert "table { break-inside: avoid; }" in html
    assert 'class="new-page"' not in html and "break-before: page" not in html
    assert '<section class="whole">\n<h2>四、' in html
    three = next(s["text"] for s in whole["sections"] if s["number"] == "三")
    assert '<span class="figure">' not in three  # the JSON's text stays plain


def _keeps(paragraph: Paragraph) -> bool:
    return paragraph.paragraph_format.keep_with_next is True


@pytest.mark.parametrize("report", [shanghai_2024, yinzhou_2020])
def test_the_docx_keeps_each_tables_rows_together_centred_with_no_forced_page(report: object, tmp_path: Path) -> None:
    whole = _whole(report())  # type: ignore[operator]
    write_annual_docx(whole, tmp_path / "whole.docx")
    document = docx.Document(str(tmp_path / "whole.docx"))
    assert not any(p.paragraph_format.page_break_before for p in document.paragraphs)
    for table in document.tables:
        rows = table._tbl.tr_lst
        for index, row in enumerate(rows):
            assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None
            for tc in row.tc_lst:
                assert tc.tcPr is not None and tc.tcPr.vAlign_val is not None and tc.tcPr.vAlign_val.name == "CENTER"
                keep = [p.pPr is not None and p.pPr.keepNext_val is True for p in tc.p_lst]
                assert all(keep) if index < len(rows) - 1 else not any(keep)
    three = document.tables[-2]
    line = three.rows[-1].cells[-1].paragraphs[0].paragraph_format.line_spacing
    assert line is not None and line.pt == TABLE3_LINE_PT
    headings = [p for p in document.paragraphs if p.text.startswith(("一、", "二、", "三、", "四、", "五、", "六、"))]
    assert len(headings) == 6 and all(_keeps(p) for p in headings)
    opening = f"{whole['year']}年度，本机关"
    four = [p for p in document.paragraphs if p.text.startswith(opening) and "行政复议" in p.text]
    assert four and all(_keeps(p) for p in four)  # section 四's prose stays with table 四


def test_the_docx_sets_latin_text_in_en_us_so_a_figure_keeps_its_digits(tmp_path: Path) -> None:
    write_annual_docx(_whole(shanghai_2024()), tmp_path / "whole.docx")
    document = docx.Document(str(tmp_path / "whole.docx"))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            language = run._r.find(qn("w:rPr")).find(qn("w:lang"))
            assert (language.get(qn("w:val")), language.get(qn("w:eastAsia"))) == ("en-US", "zh-CN")


def test_the_ledgers_registration_note_prints_whole() -> None:
    column = next(c for c in LEDGER_COLUMNS if c.attr == "registration")
    late = SimpleNamespace(registration="2026-09-24（逾期1个工作日）")
    assert str(printed_cell(late, column, 1)) == '2026-09-24<span class="whole">（逾期1个工作日）</span>'
    subject = next(c for c in LEDGER_COLUMNS if c.attr == "subject")
    assert str(printed_cell(SimpleNamespace(subject="要求（<b>）"), subject, 1)) == "要求（&lt;b&gt;）"
