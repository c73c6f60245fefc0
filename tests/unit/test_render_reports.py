"""Renderers of tables 三 and 四: layout, 勾稽关系 and each writer, on two real published reports."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.shared import Mm

from domain.labels import BALANCE_NOTE, OTHER_LABEL_2019
from projections.render import UnbalancedTableError, render_html, render_markdown, write_docx, write_xlsx
from projections.render.balance import check_balance
from projections.render.rows import APPEAL_GROUPS, APPLICANT_COLUMNS, table3_rows, table_format
from projections.tables import APPEAL_COLUMNS

SHANGHAI_JSON = Path(__file__).parents[1] / "fixtures" / "shanghai-stc-2024.json"
PERSON_COLUMNS = APPLICANT_COLUMNS[:-1]


def _report(fmt: str, period: dict[str, Any], agency: str, cells: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Build a report of the format with the given non-zero cells (applicant columns; totals are summed)."""
    applications: dict[str, dict[str, int]] = {}
    for row in table3_rows(table_format({"format": fmt})):
        values = {column: cells.get(row.code, {}).get(column, 0) for column in PERSON_COLUMNS}
        applications[row.code] = {**values, "total": sum(values.values())}
    appeals = {group: dict.fromkeys(APPEAL_COLUMNS, 0) for group in APPEAL_GROUPS}
    return {
        **period,
        "format": fmt,
        "agency": agency,
        "agency_code": "test",
        "applications": applications,
        "appeals": appeals,
        "fees_collected": "0.00",
    }


def yinzhou_2020() -> dict[str, Any]:
    """Return the seed's 2020 tables (2019 format): two applications, both answered."""
    one = {"natural_person": 1}
    cells = {
        "new": {"natural_person": 2},
        "unavailable_not_held": one,
        "rejected_petition_complaint": one,
        "total_handled": {"natural_person": 2},
    }
    return _report("2019", {"year": 2020}, "宁波市鄞州区司法局", cells)


def shanghai_2024() -> dict[str, Any]:
    """Return 上海市科学技术委员会's published 2024 tables (2021 format)."""
    cells = {
        "new": {"natural_person": 32, "commercial_enterprise": 2},
        "carried_in": {"natural_person": 2},
        "disclosed": {"natural_person": 9},
        "withheld_internal_affairs": {"natural_person": 1},
        "withheld_process_info": {"natural_person": 1},
        "unavailable_not_held": {"natural_person": 4},
        "unavailable_needs_creation": {"natural_person": 6},
        "other_no_correction": {"natural_person": 8, "commercial_enterprise": 2},
        "other": {"natural_person": 4},
        "total_handled": {"natural_person": 33, "commercial_enterprise": 2},
        "carried_out": {"natural_person": 1},
    }
    report = _report("2021", {"year": 2024}, "上海市科学技术委员会", cells)
    report["appeals"]["reconsideration"].update(upheld=1, total=1)
    return report


REPORTS = {"shanghai-2021-format": shanghai_2024, "yinzhou-2019-format": yinzhou_2020}


@pytest.fixture(params=list(REPORTS))
def report(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each published report in turn."""
    return REPORTS[request.param]()


# --- row layout -----------------------------------------------------------------------------------------------


def test_shanghai_fixture_matches_the_shared_example() -> None:
    published = json.loads(SHANGHAI_JSON.read_text(encoding="utf-8"))
    built = shanghai_2024()
    assert (built["applications"], built["appeals"]) == (published["applications"], published["appeals"])


def test_2019_format_collapses_the_other_rows_into_one() -> None:
    rows = table3_rows(table_format({"format": "2019"}))
    assert len(rows) == 23
    assert "other_no_correction" not in [row.code for row in rows]
    other = next(row for row in rows if row.code == "other")
    assert (other.group, other.subgroup, other.label) == ("三、本年度办理结果", "", OTHER_LABEL_2019)


def test_2021_format_has_three_other_rows() -> None:
    rows = table3_rows(table_format({"year": 2024}))
    assert len(rows) == 25
    assert [row.label for row in rows if row.subgroup == "（六）其他处理"][2] == "3.其他"


# --- balance ------------------------------------------------------------------------------------------------------


def test_published_reports_balance(report: dict[str, Any]) -> None:
    check_balance(report)


def _break_total_column(r: dict[str, Any]) -> None:
    r["applications"]["disclosed"]["total"] += 1


def _break_total_handled(r: dict[str, Any]) -> None:
    for row in ("disclosed", "total_handled"):
        r["applications"][row]["natural_person"] += 1
        r["applications"][row]["total"] += 1
    r["applications"]["total_handled"]["natural_person"] -= 1
    r["applications"]["total_handled"]["total"] -= 1


def _break_carried_out(r: dict[str, Any]) -> None:
    r["applications"]["carried_out"]["research_institution"] = 1
    r["applications"]["carried_out"]["total"] += 1


def _break_appeal_total(r: dict[str, Any]) -> None:
    r["appeals"]["litigation_after_reconsideration"]["pending"] = 2


def _drop_a_row(r: dict[str, Any]) -> None:
    del r["applications"]["rejected_repeat"]


def _negative_count(r: dict[str, Any]) -> None:
    r["applications"]["new"]["other_org"] = -1


BREAKS = {  # each message names the table, the row or column, and both sides (docs/report-checks.md)
    "total column": (_break_total_column, "表三「（一）予以公开」行：「总计」列为"),
    "total_handled": (_break_total_handled, "table 三 column natural_person: total_handled is"),
    "勾稽关系": (_break_carried_out, "表三「法人或其他组织·科研机构」列：一、本年新收 + 二、上年结转 = 0，"),
    "appeal total": (_break_appeal_total, "表四「行政诉讼·复议后起诉」行：「总计」列为 0，但其余各列之和为 2"),
    "missing row": (_drop_a_row, "table 三 has no row rejected_repeat"),
    "negative": (_negative_count, "table 三 row new, column other_org: -1 not a whole number ≥ 0"),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_unbalanced_table_names_row_and_column(report: dict[str, Any], name: str) -> None:
    breaker, message = BREAKS[name]
    breaker(report)
    with pytest.raises(UnbalancedTableError) as raised:
        check_balance(report)
    assert message in str(raised.value)


@pytest.mark.parametrize("name", ["total column", "勾稽关系", "appeal total"])
def test_no_writer_writes_an_unbalanced_table(tmp_path: Path, name: str) -> None:
    broken = shanghai_2024()
    BREAKS[name][0](broken)
    for render in (render_markdown, render_html):
        with pytest.raises(UnbalancedTableError):
            render(broken)
    for write, path in ((write_xlsx, tmp_path / "t.xlsx"), (write_docx, tmp_path / "t.docx")):
        with pytest.raises(UnbalancedTableError):
            write(broken, path)
        assert not path.exists()


# --- markdown ---------------------------------------------------------------------------------------------------


def test_markdown_holds_title_note_header_and_counts() -> None:
    text = render_markdown(shanghai_2024())
    assert text.startswith("# 上海市科学技术委员会2024年度政府信息公开工作年度报告\n")
    assert BALANCE_NOTE in text
    assert "| 项目 | 自然人 | 法人或其他组织·商业企业 | 法人或其他组织·科研机构 |" in text
    assert "| 一、本年新收政府信息公开申请数量 | 32 | 2 | 0 | 0 | 0 | 0 | 34 |" in text
    assert (
        "| 　　1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 8 | 2 | 0 | 0 | 0 | 0 | 10 |" in text
    )
    assert "| 行政复议 | 1 | 0 | 0 | 0 | 1 |" in text
    assert "| 行政诉讼·复议后起诉 | 0 | 0 | 0 | 0 | 0 |" in text
    assert text.rstrip().endswith("本年度收取政府信息公开信息处理费 0.00 元。")


def test_markdown_2019_format_has_a_single_other_row() -> None:
    text = render_markdown(yinzhou_2020())
    assert "| 　（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "3.其他" not in text
    assert "| 　　1.信访举报投诉类申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |" in text


def test_markdown_of_a_month_names_the_month() -> None:
    monthly = yinzhou_2020()
    del monthly["year"]
    monthly["month"] = "2020-03"
    assert render_markdown(monthly).startswith("# 宁波市鄞州区司法局2020年3月政府信息依申请公开汇总表\n")


# --- html -------------------------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Collect every table as rows of (tag, attributes, text), and the <html> attributes and SVG titles."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, dict[str, str], str]]]] = []
        self.html: dict[str, str] = {}
        self.charset = ""
        self.svgs = 0
        self._cell: tuple[str, dict[str, str]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html = values
        elif tag == "meta" and "charset" in values:
            self.charset = values["charset"]
        elif tag == "svg":
            self.svgs += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell, self._text = (tag, values), []

    def handle_data(self, data: str) -> None:
        if self._cell:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell:
            self.tables[-1][-1].append((*self._cell, "".join(self._text)))
            self._cell = None


def _parse(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    return parser


def _spans(table: list[list[tuple[str, dict[str, str], str]]]) -> dict[str, tuple[str, str]]:
    return {text: (a.get("rowspan", "1"), a.get("colspan", "1")) for row in table for _, a, text in row}


def test_html_page_is_a_standalone_utf8_chinese_page() -> None:
    page = _parse(render_html(shanghai_2024()))
    assert (page.html.get("lang"), page.charset.lower()) == ("zh-CN", "utf-8")
    assert len(page.tables) == 2


@pytest.mark.parametrize(("build", "outcome_rows"), [(shanghai_2024, 22), (yinzhou_2020, 20)])
def test_html_table3_merges_header_and_group_cells(build: Any, outcome_rows: int) -> None:
    table3 = _parse(render_html(build())).tables[0]
    spans = _spans(table3)
    assert spans[BALANCE_NOTE] == ("3", "3")
    assert spans["申请人情况"] == ("1", "7")
    assert spans["法人或其他组织"] == ("1", "5")
    assert spans["自然人"] == spans["总计"] == ("2", "1")
    assert spans["三、本年度办理结果"] == (str(outcome_rows), "1")
    assert spans["（三）不予公开"] == ("8", "1")
    assert spans["一、本年新收政府信息公开申请数量"] == ("1", "3")
    assert len(table3) == 3 + outcome_rows + 3


def test_html_table3_numbers_follow_their_labels() -> None:
    table3 = _parse(render_html(yinzhou_2020())).tables[0]
    by_label = {row[-8][2]: [text for _, _, text in row[-7:]] for row in table3[3:]}
    assert by_label["一、本年新收政府信息公开申请数量"] == ["2", "0", "0", "0", "0", "0", "2"]
    assert by_label["1.本机关不掌握相关政府信息"] == ["1", "0", "0", "0", "0", "0", "1"]
    assert by_label["（六）其他处理"] == ["0"] * 7
    assert by_label["（七）总计"] == ["2", "0", "0", "0", "0", "0", "2"]


def test_html_table4_splits_litigation_into_direct_and_after_reconsideration() -> None:
    table4 = _parse(render_html(shanghai_2024())).tables[1]
    spans = _spans(table4)
    assert spans["行政复议"] == ("1", "5")
    assert spans["行政诉讼"] == ("1", "10")
    assert spans["未经复议直接起诉"] == spans["复议后起诉"] == ("1", "5")
    assert [text for _, _, text in table4[3]] == ["1", "0", "0", "0", "1", *["0"] * 10]


def test_html_escapes_the_agency_name() -> None:
    hostile = shanghai_2024()
    hostile["agency"] = "<script>alert(1)</script>局"
    page = render_html(hostile)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in page


def test_html_draws_a_monthly_chart_when_given_a_series() -> None:
    series = [("2024-01", 3, 1), ("2024-02", 5, 4)]
    plain, charted = render_html(shanghai_2024()), render_html(shanghai_2024(), monthly_series=series)
    assert (_parse(plain).svgs, _parse(charted).svgs) == (1, 2)
    assert "<title>2月 收到: 5</title>" in charted
    assert "<title>（六）其他处理 总计: 14</title>" in plain


# --- xlsx -------------------------------------------------------------------------------------------------------


def _merged(sheet: Any) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def test_xlsx_table3_layout_and_values(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(shanghai_2024(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "上海市科学技术委员会2024年度政府信息公开工作年度报告"
    assert sheet["A3"].value == BALANCE_NOTE
    assert {"A1:J1", "A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A6:C6", "A8:A29", "B10:B17", "B26:B28"} <= _merged(
        sheet
    )
    assert [sheet.cell(5, col).value for col in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert [sheet.cell(6, col).value for col in range(4, 11)] == [32, 2, 0, 0, 0, 0, 34]
    assert (sheet["C26"].value, sheet["D26"].value, sheet["J26"].value) == (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        8,
        10,
    )
    assert (sheet["A30"].value, sheet["J30"].value) == ("四、结转下年度继续办理", 1)
    assert all(isinstance(sheet.cell(row, col).value, int) for row in range(6, 31) for col in range(4, 11))


def test_xlsx_is_printable_with_frozen_headers_and_borders(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(shanghai_2024(), path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert (sheet.page_setup.orientation, str(sheet.page_setup.paperSize)) == ("landscape", "9")
    assert sheet.freeze_panes == "D6"
    assert sheet.print_title_rows == "$1:$5"
    assert sheet["B12"].border.left.style == sheet["J30"].border.bottom.style == "thin"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["D"].width


def test_xlsx_2019_format_and_table4(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(yinzhou_2020(), path)
    table3, table4 = openpyxl.load_workbook(path).worksheets
    assert "A8:A27" in _merged(table3)
    assert (table3["B26"].value, table3["D26"].value) == (OTHER_LABEL_2019, 0)
    assert "B26:C26" in _merged(table3)
    assert (table3["A28"].value, table3["J28"].value) == ("四、结转下年度继续办理", 0)
    assert {"A3:E3", "F3:O3", "A4:A5", "E4:E5", "F4:J4", "K4:O4"} <= _merged(table4)
    assert (table4["A3"].value, table4["F3"].value, table4["F4"].value, table4["K4"].value) == (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
    )
    assert [table4.cell(6, col).value for col in range(1, 16)] == [0] * 15
    assert table4.freeze_panes == "A6"


# --- docx -------------------------------------------------------------------------------------------------------


def test_docx_tables_with_merged_cells(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_docx(shanghai_2024(), path)
    document = docx.Document(str(path))
    assert "上海市科学技术委员会2024年度政府信息公开工作年度报告" in [p.text for p in document.paragraphs]
    table3, table4 = document.tables
    assert (len(table3.rows), len(table3.columns), len(table4.rows), len(table4.columns)) == (28, 10, 4, 15)
    assert table3.cell(0, 0).text == BALANCE_NOTE
    assert table3.cell(0, 0)._tc is table3.cell(2, 2)._tc
    assert table3.cell(0, 3).grid_span == 7
    assert table3.cell(5, 0)._tc is table3.cell(26, 0)._tc
    assert table3.cell(5, 0).text == "三、\n本年度办理结果"  # printed: broken after its numbering only
    assert table3.cell(7, 1).text == "（三）\n不予公开"
    assert table3.cell(7, 1)._tc is table3.cell(14, 1)._tc
    assert [c.text for c in table3.rows[3].cells][2:] == [
        "一、本年新收政府信息公开申请数量",
        "32",
        "2",
        "0",
        "0",
        "0",
        "0",
        "34",
    ]
    assert table4.cell(0, 5).grid_span == 10
    assert [table4.cell(1, col).text for col in (4, 5, 10)] == ["总计", "未经复议直接起诉", "复议后起诉"]
    assert table4.cell(1, 0)._tc is table4.cell(2, 0)._tc
    assert [c.text for c in table4.rows[3].cells] == ["1", "0", "0", "0", "1", *["0"] * 10]


def test_docx_2019_format(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_docx(yinzhou_2020(), path)
    table3 = docx.Document(str(path)).tables[0]
    assert len(table3.rows) == 26
    assert [c.text for c in table3.rows[23].cells][1:] == [OTHER_LABEL_2019, OTHER_LABEL_2019, *["0"] * 7]
    assert [c.text for c in table3.rows[24].cells][-7:] == ["2", "0", "0", "0", "0", "0", "2"]


def test_rendering_leaves_the_report_untouched(report: dict[str, Any], tmp_path: Path) -> None:
    before = copy.deepcopy(report)
    render_markdown(report)
    render_html(report)
    write_xlsx(report, tmp_path / "r.xlsx")
    write_docx(report, tmp_path / "r.docx")
    assert report == before


def test_docx_prints_on_a4_with_fixed_widths_east_asian_fonts_and_zh_cn(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_docx(shanghai_2024(), path)
    document = docx.Document(str(path))
    section = document.sections[0]
    assert ((section.page_width or Mm(0)).twips, (section.page_height or Mm(0)).twips) == (11906, 16838)  # A4
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    defaults = document.styles.element.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
    assert defaults is not None
    fonts, language = defaults.find(f"{w}rFonts"), defaults.find(f"{w}lang")
    assert fonts is not None and language is not None
    assert (fonts.get(f"{w}eastAsia"), fonts.get(f"{w}ascii")) == ("仿宋_GB2312", "Times New Roman")
    assert (language.get(f"{w}val"), language.get(f"{w}eastAsia")) == ("zh-CN", "zh-CN")
    assert fonts.get(f"{w}eastAsiaTheme") is None  # the template's theme font would win over the named one
    table3 = document.tables[0]
    assert table3._tbl.tblPr.find(f"{w}tblLayout").get(f"{w}type") == "fixed"
    grid = [(col.width or 0) / 36000 for col in table3.columns]  # EMU to mm
    assert sum(grid) <= 180.1 and min(grid[3:]) >= 14.9  # six digits and 商业企业 fit one line at 9 pt
    for row in table3.rows[3:]:  # every value cell carries its column's width (LibreOffice reads both)
        assert [(cell.width or 0) / 36000 for cell in row.cells[3:]] == pytest.approx(grid[3:], abs=0.1)
    header = [row._tr.trPr is not None and row._tr.trPr.find(f"{w}tblHeader") is not None for row in table3.rows]
    assert header == [True] * 3 + [False] * (len(table3.rows) - 3)
    run = table3.cell(3, 9).paragraphs[0].runs[0]._r
    assert run.find(f"{w}rPr/{w}rFonts").get(f"{w}eastAsia") == "宋体"
    fallbacks = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode("utf-8")
    assert 'w:name="宋体"><w:altName w:val="SimSun"/>' in fallbacks
