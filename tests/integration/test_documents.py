"""The documents a clerk hands in, opened as their readers open them: the monthly workbook, annual tables,
closed years in reports, and the export that imports back into an empty store unchanged."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner, Result

from cli.main import main
from domain.event import DomainEvent
from projections.ledger import LedgerMismatchError, build_ledger, check_ledger
from service.export import STORE_FIELDS
from service.settings import Settings
from service.tracker import Tracker

TODAY = "2025-01-20"
R = "received"


def _received(number: str, date: str, kind: str = "natural_person", **extra: Any) -> dict[str, Any]:
    return {"event": R, "request": number, "date": date, "channel": "online", "applicant_type": kind, **extra}


def _step(event: str, number: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"event": event, "request": number, "date": date, **extra}


HISTORY: list[dict[str, Any]] = [
    {"event": "agency_named", "date": "2024-01-02", "agency_name": "测试市某某局"},
    _received("Y-01", "2024-02-20", applicant="李某", subject="二月收到，三月答复", clerk="李娜"),  # carried in
    _step("registered", "Y-01", "2024-02-21"),
    _step("answered", "Y-01", "2024-03-12", outcome="disclosed"),
    _received("Y-02", "2024-03-04", "commercial_enterprise", applicant="某公司", subject="补正后答复"),
    _step("registered", "Y-02", "2024-03-05"),
    _step("correction_requested", "Y-02", "2024-03-06", until="2024-03-20"),
    _step("correction_received", "Y-02", "2024-03-11"),
    _step("consultation_started", "Y-02", "2024-03-12", party="third_party"),
    _step("consultation_ended", "Y-02", "2024-03-18", party="third_party"),
    _step("extended", "Y-02", "2024-03-19", approved_by="张主任"),
    _step("fee_notified", "Y-02", "2024-03-20", amount="100.00"),
    _step("fee_paid", "Y-02", "2024-03-22"),
    _step("answered", "Y-02", "2024-03-29", outcome="partially_disclosed"),
    _received("Y-03", "2024-03-10", subject="撤回"),
    _step("withdrawn", "Y-03", "2024-03-15", reason="申请人电话撤回"),
    _received("Y-04", "2024-03-25", subject="月底未办结"),  # carried out of March
    _step("answered", "Y-04", "2024-04-15", outcome="unavailable_not_held"),
    _received("Y-05", "2024-03-26"),
    _step("voided", "Y-05", "2024-03-27", reason="录入错误"),
    _received("Y-06", "2024-01-05"),  # answered in January: not in March's ledger
    _step("answered", "Y-06", "2024-01-20", outcome="disclosed"),
    {"event": "appealed", "request": "Y-01", "date": "2024-03-28", "case": "甬复2024-7", "kind": "reconsideration"},
    {"event": "appeal_decided", "case": "甬复2024-7", "date": "2024-05-10", "result": "upheld"},
    _received("Y-07", "2024-12-30", "legal_service_org"),  # carried into 2025
    {"event": "monthly_filing_submitted", "date": "2025-01-02", "month": "2024-12"},
]


def _jsonl(objects: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


class Clerk:
    """The `gongkai` command on one store, in process."""

    def __init__(self, store: Path, today: str = TODAY) -> None:
        self.store, self.today = store, today

    def __call__(self, *args: str, stdin: str | None = None, ok: bool = True) -> Result:
        env = {"GONGKAI_DB": str(self.store), "GONGKAI_TODAY": self.today, "GONGKAI_CLERK": "王芳"}
        result = CliRunner().invoke(main, list(args), env=env, input=stdin)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def report(self, period: str, *extra: str) -> dict[str, Any]:
        kind = "annual" if len(period) == 4 else "monthly"
        return dict(json.loads(self(*["report", kind, period, "--format", "json", *extra]).stdout))


@pytest.fixture
def clerk(tmp_path: Path) -> Clerk:
    run = Clerk(tmp_path / "store.db")
    run("import", "-", stdin=_jsonl(HISTORY))
    return run


# -- the monthly filing ------------------------------------------------------------------------------


def test_monthly_workbook_has_the_ledger_summary_and_cases(clerk: Clerk, tmp_path: Path) -> None:
    out = tmp_path / "2024-03.xlsx"
    clerk("report", "monthly", "2024-03", "--format", "xlsx", "-o", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "政府信息依申请公开汇总表",
        "本月收到和处理政府信息公开申请情况",
        "依申请信息公开引起复议（诉讼）表",
    ]
    ledger = book["政府信息依申请公开汇总表"]
    assert ledger["A1"].value == "测试市某某局2024年3月政府信息依申请公开汇总表"
    assert "统计期间：2024年3月1日至2024年3月31日" in ledger["A2"].value  # a Chinese date is not zero-padded
    merged = {str(r) for r in ledger.merged_cells.ranges}
    assert {"A1:W1", "I3:J3", "K3:L3", "N3:P3", "A3:A4", "Q3:Q4"} <= merged
    assert [ledger.cell(3, c).value for c in (1, 2, 3, 9, 17, 21)] == [
        "序号",
        "受理编号",
        "收到申请日期",
        "补正",
        "法定答复期限",
        "状态（办结/结转）",
    ]
    assert ledger["I4"].value == "补正通知日期" and ledger["P4"].value == "金额（元）"
    assert ledger.freeze_panes == "C5"
    assert ledger.page_setup.orientation == "landscape" and ledger.page_setup.paperSize == 9
    assert ledger.print_title_rows == "$1:$4"
    rows = {ledger.cell(r, 2).value: [c.value for c in ledger[r]] for r in range(5, ledger.max_row + 1)}
    assert list(rows) == ["Y-01", "Y-02", "Y-03", "Y-04"]  # Y-05 voided, Y-06 closed in January
    y02 = rows["Y-02"]
    assert y02[2] == dt.datetime(2024, 3, 4) and ledger["C6"].number_format == "yyyy-mm-dd"
    assert y02[8:16] == [
        dt.datetime(2024, 3, 6),
        dt.datetime(2024, 3, 11),
        dt.datetime(2024, 3, 12),
        dt.datetime(2024, 3, 18),
        dt.datetime(2024, 3, 19),
        dt.datetime(2024, 3, 20),
        dt.datetime(2024, 3, 22),
        100,
    ]
    assert y02[17:21] == [
        dt.datetime(2024, 3, 29),
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "是",
        "办结",
    ]
    assert isinstance(y02[16], dt.datetime) and y02[16] > dt.datetime(2024, 4, 8)  # restarted, paused and extended
    assert rows["Y-01"][21] == "李娜" and rows["Y-02"][21] == "王芳"
    assert rows["Y-03"][19:21] == ["—", "办结"] and "申请人撤回" in str(rows["Y-03"][22])
    assert rows["Y-04"][17] is None and rows["Y-04"][20] == "结转"
    summary = book["本月收到和处理政府信息公开申请情况"]
    values = {
        summary.cell(r, 3).value or summary.cell(r, 2).value or summary.cell(r, 1).value: summary.cell(r, 10).value
        for r in range(6, summary.max_row + 1)
    }
    assert values["一、本月新收政府信息公开申请数量"] == 3 and values["二、上月结转政府信息公开申请数量"] == 1
    assert values["四、结转下月继续办理"] == 1
    cases = book["依申请信息公开引起复议（诉讼）表"]
    assert [c.value for c in cases[4]][:10] == [
        1,
        "李某",
        "Y-01",
        "行政复议",
        None,
        dt.datetime(2024, 3, 28),
        "甬复2024-7",
        None,
        "尚未审结",
        None,
    ]
    assert cases.page_setup.orientation == "landscape"


def test_a_month_without_applications_is_a_zero_report(clerk: Clerk, tmp_path: Path) -> None:
    out = tmp_path / "2024-07.xlsx"
    clerk("report", "monthly", "2024-07", "--format", "xlsx", "-o", str(out))
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet["A5"].value == "本月无依申请公开事项（零报告）"


class _Tables(HTMLParser):
    """Collect each table's rows of cell texts, and the SVG bar labels."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.bars: list[str] = []
        self._cell: list[str] | None = None
        self._in_bar_title = False
        self._tag_stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag_stack.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        if self._tag_stack:
            self._tag_stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._tag_stack[-2:] == ["rect", "title"]:
            self.bars.append(data)


def _parse(text: str) -> _Tables:
    parser = _Tables()
    parser.feed(text)
    return parser


def test_monthly_html_has_the_three_tables(clerk: Clerk) -> None:
    page = _parse(clerk("report", "monthly", "2024-03", "--format", "html").stdout)
    ledger, summary, cases = page.tables
    assert ledger[0][:3] == ["序号", "受理编号", "收到申请日期"] and ledger[1][0] == "补正通知日期"
    assert [row[1] for row in ledger[2:]] == ["Y-01", "Y-02", "Y-03", "Y-04"]
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in summary[0]
    assert cases[1][2:4] == ["Y-01", "行政复议"]


def test_ledger_that_disagrees_with_the_table_is_never_written(clerk: Clerk, tmp_path: Path) -> None:
    tracker = Tracker(Settings(db=str(clerk.store), agency=None, clerk="t", today=dt.date(2025, 1, 20)))
    try:
        report = tracker.report("2024-03")
        ledger = build_ledger("2024-03", [tracker.request("Y-01")], [])
        with pytest.raises(LedgerMismatchError, match="disagree"):
            check_ledger(ledger, report)
    finally:
        tracker.close()


# -- the annual tables -------------------------------------------------------------------------------


def test_annual_xlsx_docx_html(clerk: Clerk, tmp_path: Path) -> None:
    clerk("report", "annual", "2024", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    table3 = book.worksheets[0]
    assert table3["A3"].value.startswith("（本列数据的勾稽关系为") and "A3:C5" in {
        str(r) for r in table3.merged_cells.ranges
    }
    assert table3["J6"].value == 6  # new, 总计: a value, not a formula
    clerk("report", "annual", "2024", "--format", "docx", "-o", str(tmp_path / "a.docx"))
    document = docx.Document(str(tmp_path / "a.docx"))
    three, four = document.tables
    assert three.cell(0, 0).text.startswith("（本列数据的勾稽关系为") and three.cell(2, 0).text == three.cell(0, 0).text
    assert three.cell(3, 9).text == "6"
    assert four.cell(0, 0).text == "行政复议" and four.cell(3, 3).text == "0" and four.cell(3, 0).text == "1"
    page = _parse(clerk("report", "annual", "2024", "--format", "html").stdout)
    assert "3月 收到: 3" in page.bars and "3月 答复: 3" in page.bars and "1月 答复: 1" in page.bars
    assert len([bar for bar in page.bars if " 收到: " in bar]) == 12


def test_binary_formats_need_an_output_file(clerk: Clerk) -> None:
    result = clerk("report", "annual", "2024", "--format", "xlsx", ok=False)
    assert result.exit_code == 2 and "-o FILE" in result.output


# -- closing a year ----------------------------------------------------------------------------------


def test_close_year_freezes_the_tables_and_report_says_so(clerk: Clerk) -> None:
    closed = clerk("close-year", "2024")
    assert "sha256" in closed.stdout
    result = clerk("report", "annual", "2024", "--format", "json")
    assert "2024 年度已结账 closed on 2025-01-20" in result.stderr and "equal the closed ones" in result.stderr
    assert json.loads(result.stdout)["closed_year"]["equal"] is True
    late = clerk(
        "receive", "Y-99", "--date", "2024-12-31", "--channel", "online", "--applicant-type", "natural_person", ok=False
    )
    assert late.exit_code == 1 and "in 2024, a closed year" in late.stderr and "reopen-year 2024" in late.stderr
    reclass = clerk("classify", "Y-07", "--applicant-type", "natural_person", ok=False)
    assert reclass.exit_code == 1 and "would change the tables of 2024" in reclass.stderr
    clerk("reopen-year", "2024", "--reason", "Y-07 申请人类别录错")
    clerk("classify", "Y-07", "--applicant-type", "natural_person")
    assert "closed_year" not in clerk.report("2024")
    clerk("close-year", "2024")
    assert clerk.report("2024")["applications"]["new"]["natural_person"] == 5


def test_close_year_waits_for_the_december_filing(tmp_path: Path) -> None:
    early = Clerk(tmp_path / "s.db", today="2025-01-02")
    early("import", "-", stdin=_jsonl([_received("A-1", "2024-05-01")]))
    refused = early("close-year", "2024", ok=False)
    assert refused.exit_code == 1 and "December's monthly filing (2024-12) is due on 2025-01-02" in refused.stderr
    early("file-monthly", "2024-12")
    early("close-year", "2024")
    assert early("close-year", "2025", ok=False).exit_code == 1  # not ended


def test_report_says_when_current_tables_differ_from_the_closed_ones(clerk: Clerk) -> None:
    line = {"event": "year_closed", "date": "2025-01-05", "year": 2024, "sha256": "f" * 64, "report": {"year": 2024}}
    clerk("import", "-", stdin=_jsonl([line]))
    result = clerk("report", "annual", "2024", "--format", "json")
    assert "WARNING: the current tables differ from the closed ones" in result.stderr
    assert json.loads(result.stdout)["closed_year"]["equal"] is False


# -- export and round trip ---------------------------------------------------------------------------


def _history_of(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    tracker = Tracker(Settings(db=str(store), agency=None, clerk="t", today=dt.date(2025, 1, 20)))
    try:
        events: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for note in tracker.app.recorder.select_notifications(start=1, limit=100000):
            event = tracker.app.mapper.to_domain_event(note)
            assert isinstance(event, DomainEvent)
            # a close's chain head speaks of its own store's chain: not carried to another store
            fields = {k: v for k, v in event.business_fields().items() if k not in STORE_FIELDS}
            events[str(event.originator_id)].append(
                (event.originator_version, event.name, event.date, fields, event.agency, event.clerk)
            )
        return dict(events)
    finally:
        tracker.close()


def _tables(run: Clerk) -> list[dict[str, Any]]:
    periods = ["2024", "2025", *(f"2024-{m:02d}" for m in range(1, 13))]
    return [run.report(p) for p in periods]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_then_import_into_an_empty_store_gives_the_same_tables_and_history(
    clerk: Clerk, tmp_path: Path, fmt: str
) -> None:
    clerk("close-year", "2024")
    clerk("reopen-year", "2024", "--reason", "补录")
    clerk("classify", "Y-07", "--applicant-type", "natural_person", "--date", "2025-01-20")
    clerk("close-year", "2024")
    exported = tmp_path / f"all.{fmt}"
    result = clerk("export", "--format", fmt, "-o", str(exported))
    assert "internal events not exported" in result.stderr
    copy = Clerk(tmp_path / "copy.db")
    copy("import", str(exported))
    assert _tables(copy) == _tables(clerk)
    assert _history_of(copy.store) == _history_of(clerk.store)
    again = copy("import", str(exported))  # a second import records nothing
    assert "0 events recorded" in again.stderr


def test_export_lines_carry_agency_and_clerk_in_recorded_order(clerk: Clerk) -> None:
    lines = [json.loads(line) for line in clerk("export").stdout.splitlines()]
    assert lines[0]["event"] == "agency_named"
    y01 = [line for line in lines if line.get("request") == "Y-01" and "case" not in line]
    assert [line["event"] for line in y01] == [R, "registered", "answered"]
    assert all(line["agency"] == "DEFAULT" and line["clerk"] for line in lines)
    assert y01[0]["clerk"] == "李娜" and y01[0]["date"] == "2024-02-20" and y01[1]["clerk"] == "王芳"
    assert not any(line["event"] == "agency_opened" for line in lines)


def test_a_year_export_imports_alone_with_that_years_tables(clerk: Clerk, tmp_path: Path) -> None:
    clerk("close-year", "2024")
    exported = tmp_path / "2024.jsonl"
    clerk("export", "--year", "2024", "-o", str(exported))
    copy = Clerk(tmp_path / "y.db")
    copy("import", str(exported))
    assert copy.report("2024") == clerk.report("2024")
    assert copy.report("2024-03") == clerk.report("2024-03")


def test_reminder_events_are_not_exported_and_the_round_trip_still_holds(clerk: Clerk, tmp_path: Path) -> None:
    from domain.request import Request

    tracker = Tracker(Settings(db=str(clerk.store), agency=None, clerk="scheduler", today=dt.date(2025, 1, 20)))
    try:
        request = tracker.request("Y-07")
        request.trigger_event(
            Request.ReminderSent,
            date=dt.date(2025, 1, 2),
            agency="DEFAULT",
            clerk="scheduler",
            request="Y-07",
            key="reply:Y-07:2025-01-27",
            kind="reply",
            offset="before_3",
            notifier="log",
            at=dt.datetime(2025, 1, 2, 9, 0),
        )
        tracker.app.save(request)
    finally:
        tracker.close()
    exported = tmp_path / "all.jsonl"
    result = clerk("export", "-o", str(exported))
    assert "reminder" not in exported.read_text(encoding="utf-8")
    assert "(2 internal events not exported)" in result.stderr  # agency_opened and reminder_sent
    copy = Clerk(tmp_path / "copy.db")
    copy("import", str(exported))
    assert _tables(copy) == _tables(clerk)
