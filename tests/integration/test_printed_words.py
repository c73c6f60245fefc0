"""The words a district office reads in the filed documents, cell by cell: the month's own table 三, the
复议（诉讼）表's official results, headings without agency codes, and every --format that --help offers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl.worksheet.worksheet import Worksheet

from cli.main import main
from projections.render.xlsx import text_width

AGENCY, NAME = "YZSFJ", "宁波市鄞州区司法局"
FIRST, SECOND = "鄞司依申〔2024〕2号", "鄞司依申〔2024〕12号"


def _received(number: str, date: str) -> dict[str, Any]:
    return {"event": "received", "request": number, "date": date, "channel": "mail", "applicant_type": "natural_person"}


def _case(case: str, number: str, date: str, kind: str) -> dict[str, Any]:
    return {"event": "appealed", "request": number, "date": date, "case": case, "kind": kind}


HISTORY: list[dict[str, Any]] = [
    {"event": "agency_named", "date": "2024-01-02", "agency_name": NAME},
    {**_received(FIRST, "2024-02-26"), "applicant": "王某", "subject": "某律师事务所的处理结果"},  # carried into March
    {"event": "answered", "request": FIRST, "date": "2024-03-12", "outcome": "rejected_petition_complaint"},
    _received(SECOND, "2024-03-04"),
    {"event": "answered", "request": SECOND, "date": "2024-03-08", "outcome": "disclosed"},
    _received("鄞司依申〔2024〕13号", "2024-03-20"),  # carried out of March
    {**_case("甬鄞复〔2024〕1号", FIRST, "2024-03-13", "reconsideration"), "body": "宁波市鄞州区人民政府"},
    {**_case("甬鄞复〔2024〕2号", FIRST, "2024-03-14", "litigation_direct"), "body": "宁波市鄞州区人民法院"},
    _case("甬鄞复〔2024〕3号", SECOND, "2024-03-15", "litigation_after_reconsideration"),
    _case("甬鄞复〔2024〕4号", SECOND, "2024-03-18", "reconsideration"),
    {"event": "appeal_decided", "case": "甬鄞复〔2024〕1号", "date": "2024-03-20", "result": "upheld"},
    {"event": "appeal_decided", "case": "甬鄞复〔2024〕2号", "date": "2024-03-21", "result": "corrected"},
    {"event": "appeal_decided", "case": "甬鄞复〔2024〕3号", "date": "2024-03-22", "result": "other"},
]


class Clerk:
    """The `gongkai` command on one SQLite store, for agency YZSFJ."""

    def __init__(self, store: Path) -> None:
        self.env = {"GONGKAI_DB": str(store), "GONGKAI_TODAY": "2024-04-10", "GONGKAI_CLERK": "王芳"}

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        result = CliRunner().invoke(main, ["--agency", AGENCY, *args], env=self.env, input=stdin)
        assert result.exit_code == 0, result.output
        return result


@pytest.fixture
def clerk(tmp_path: Path) -> Clerk:
    run = Clerk(tmp_path / "store.db")
    lines = "".join(json.dumps({**line, "agency": AGENCY}, ensure_ascii=False) + "\n" for line in HISTORY)
    run("import", "-", stdin=lines)
    return run


def _workbook(clerk: Clerk, tmp_path: Path, kind: str, period: str) -> openpyxl.Workbook:
    out = tmp_path / f"{period}.xlsx"
    clerk("report", kind, period, "--format", "xlsx", "-o", str(out))
    return openpyxl.load_workbook(out)


def _texts(sheet: Worksheet) -> Iterator[str]:
    for row in sheet.iter_rows(values_only=True):
        yield from (value for value in row if isinstance(value, str))


def test_the_monthly_table_three_speaks_of_the_month_cell_by_cell(clerk: Clerk, tmp_path: Path) -> None:
    sheet = _workbook(clerk, tmp_path, "monthly", "2024-03")["本月收到和处理政府信息公开申请情况"]
    assert sheet["A1"].value == f"{NAME}2024年3月政府信息依申请公开汇总表"
    assert sheet["A2"].value == "本月收到和处理政府信息公开申请情况"
    assert (sheet["A6"].value, sheet["J6"].value) == ("一、本月新收政府信息公开申请数量", 2)
    assert (sheet["A7"].value, sheet["J7"].value) == ("二、上月结转政府信息公开申请数量", 1)
    assert (sheet["A8"].value, sheet["B8"].value, sheet["J8"].value) == ("三、本月办理结果", "（一）予以公开", 1)
    assert "A8:A29" in {str(r) for r in sheet.merged_cells.ranges}  # the group spans every outcome row
    assert (sheet["B29"].value, sheet["J29"].value) == ("（七）总计", 2)
    assert (sheet["A30"].value, sheet["J30"].value) == ("四、结转下月继续办理", 1)
    year_words = [text for text in _texts(sheet) if any(w in text for w in ("本年", "上年", "下年度"))]
    assert year_words == []


def test_the_annual_table_three_keeps_the_years_words(clerk: Clerk, tmp_path: Path) -> None:
    sheet = _workbook(clerk, tmp_path, "annual", "2024").worksheets[0]
    assert sheet["A6"].value == "一、本年新收政府信息公开申请数量"
    assert sheet["A7"].value == "二、上年结转政府信息公开申请数量"
    assert sheet["A8"].value == "三、本年度办理结果"
    assert sheet["A30"].value == "四、结转下年度继续办理"


def test_the_cases_table_uses_the_official_result_words_and_the_recorded_body_cell_by_cell(
    clerk: Clerk, tmp_path: Path
) -> None:
    sheet = _workbook(clerk, tmp_path, "monthly", "2024-03")["依申请信息公开引起复议（诉讼）表"]
    assert [cell.value for cell in sheet[3]] == [
        "序号",
        "申请人",
        "对应申请",
        "类型",
        "复议机关或法院",
        "申请/立案日期",
        "案号",
        "答复/答辩日期",
        "结果",
        "结果日期",
        "备注",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert [(row[2], row[3], row[4], row[6], row[8]) for row in rows] == [
        (FIRST, "行政复议", "宁波市鄞州区人民政府", "甬鄞复〔2024〕1号", "结果维持"),
        (FIRST, "行政诉讼（未经复议直接起诉）", "宁波市鄞州区人民法院", "甬鄞复〔2024〕2号", "结果纠正"),
        (SECOND, "行政诉讼（复议后起诉）", None, "甬鄞复〔2024〕3号", "其他结果"),  # no body recorded: left blank
        (SECOND, "行政复议", None, "甬鄞复〔2024〕4号", "尚未审结"),
    ]


def test_application_numbers_are_never_wrapped_in_the_workbook(clerk: Clerk, tmp_path: Path) -> None:
    book = _workbook(clerk, tmp_path, "monthly", "2024-03")
    ledger, cases = book["政府信息依申请公开汇总表"], book["依申请信息公开引起复议（诉讼）表"]
    for sheet, column, first in ((ledger, "B", 5), (cases, "C", 4), (cases, "G", 4)):
        codes = [sheet[f"{column}{row}"] for row in range(first, sheet.max_row + 1)]
        assert codes and all(not cell.alignment.wrap_text for cell in codes)
        widest = max(text_width(str(cell.value)) for cell in codes)
        assert sheet.column_dimensions[column].width >= widest + 2  # 〔2024〕12号 keeps its 号


def test_the_zero_report_is_a_row_inside_the_form(clerk: Clerk, tmp_path: Path) -> None:
    book = _workbook(clerk, tmp_path, "monthly", "2024-01")
    ledger, cases = book["政府信息依申请公开汇总表"], book["依申请信息公开引起复议（诉讼）表"]
    for sheet, text, last in ((ledger, "本月无依申请公开事项（零报告）", "W5"), (cases, "本月无复议、诉讼案件", "K4")):
        first = f"A{last[1:]}"
        assert sheet[first].value == text and f"{first}:{last}" in {str(r) for r in sheet.merged_cells.ranges}
        border = sheet[first].border
        assert all(side.style == "thin" for side in (border.left, border.right, border.top, border.bottom))
        assert sheet[last].border.right.style == "thin"


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_monthly_text_format_speaks_of_the_month(clerk: Clerk, fmt: str) -> None:
    text = clerk("report", "monthly", "2024-03", "--format", fmt).stdout.replace("<br>", "")  # printed lines
    for words in ("一、本月新收政府信息公开申请数量", "二、上月结转政府信息公开申请数量", "三、本月办理结果"):
        assert words in text
    assert "四、结转下月继续办理" in text and "本年" not in text and "下年度" not in text


@pytest.mark.parametrize("kind,period", [("annual", "2024"), ("monthly", "2024-03")])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_no_heading_shows_the_agency_code(clerk: Clerk, kind: str, period: str, fmt: str) -> None:
    text = clerk("report", kind, period, "--format", fmt).stdout
    assert NAME in text and AGENCY not in text


def _offered_formats(command: str) -> list[str]:
    report = main.commands["report"]
    assert isinstance(report, click.Group)
    option = next(p for p in report.commands[command].params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    return [str(choice) for choice in option.type.choices]


def test_report_monthly_does_not_offer_a_docx() -> None:
    assert "docx" not in _offered_formats("monthly") and "docx" in _offered_formats("annual")


OFFERED = [
    *(("annual", "2024", fmt) for fmt in _offered_formats("annual")),
    *(("monthly", "2024-03", fmt) for fmt in _offered_formats("monthly")),
]


@pytest.mark.parametrize("kind,period,fmt", OFFERED)
def test_every_format_that_help_offers_writes_its_document(
    clerk: Clerk, tmp_path: Path, kind: str, period: str, fmt: str
) -> None:
    out = tmp_path / f"{kind}.{fmt}"
    clerk("report", kind, period, "--format", fmt, "-o", str(out))
    assert out.stat().st_size > 0
    if fmt in ("xlsx", "docx"):
        assert out.read_bytes()[:2] == b"PK"  # a zip container, as Office writes it
    elif fmt == "json":
        assert json.loads(out.read_text(encoding="utf-8"))["agency"] == NAME
    else:
        assert NAME in out.read_text(encoding="utf-8")
