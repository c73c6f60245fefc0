"""A filed month stays true (docs/tables.md): the installed `gongkai` on a real store, SQLite and PostgreSQL.

November 2026 is filed on 1 December; an application received in November is entered on 3 December. The clerk is
warned, `due` lists the re-filing 2 working days later (Thu 3 → Mon 7 December), the re-filing records the amended
figures, and the amended workbook marks itself 更正 and lists what changed against the first filing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from projections.render.monthly import LEDGER_COLUMNS
from tests.conftest import Runner

REMARKS = 1 + next(i for i, c in enumerate(LEDGER_COLUMNS) if c.label == "备注")
NUMBER = 1 + next(i for i, c in enumerate(LEDGER_COLUMNS) if c.label == "受理编号")
HISTORY = [
    {
        "event": "received",
        "request": "YZ-2026-0041",
        "date": "2026-10-20",
        "channel": "mail",
        "applicant_type": "自然人",
    },
    {"event": "answered", "request": "YZ-2026-0041", "date": "2026-11-05", "outcome": "disclosed"},
    {
        "event": "received",
        "request": "YZ-2026-0042",
        "date": "2026-11-03",
        "channel": "online",
        "applicant_type": "自然人",
    },
]


def _on(gongkai: Runner, day: str, *args: str, stdin: str | None = None) -> Any:
    done = gongkai(*args, stdin=stdin, env={"GONGKAI_TODAY": day})
    assert done.returncode == 0, done.stderr
    return done


def _amendments(gongkai: Runner, day: str) -> list[dict[str, Any]]:
    due = json.loads(_on(gongkai, day, "due", "--format", "json").stdout)
    return [item for item in due if item["kind"] == "monthly_filing_amendment"]


def _ledger_remarks(sheet: Worksheet) -> dict[str, object]:
    return {
        str(row[NUMBER - 1].value): row[REMARKS - 1].value
        for row in sheet.iter_rows(min_row=5)
        if str(row[NUMBER - 1].value or "").startswith("YZ-")
    }


def test_a_late_application_for_a_filed_month_warns_is_due_and_the_refiled_workbook_says_更正(
    gongkai: Runner, tmp_path: Path
) -> None:
    lines = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in HISTORY)
    _on(gongkai, "2026-11-30", "import", "-", stdin=lines)
    filed = _on(gongkai, "2026-12-01", "file-monthly", "2026-11")
    assert "已记录：2026-11 报送月报" in filed.stderr
    again = _on(gongkai, "2026-12-01", "file-monthly", "2026-11")
    assert "已有记录，未重复记录" in again.stderr
    assert _amendments(gongkai, "2026-12-02") == []

    # A November application entered on 3 December: accepted, with the warning naming the month and the cells.
    late = _on(
        gongkai, "2026-12-03", "receive", "YZ-2026-0043", "--date", "2026-11-20", "--channel", "mail",
        "--applicant-type", "商业企业",
    )  # fmt: skip
    assert "注意：2026-11 已报送的月报数据已变动" in late.stderr
    assert "一、本月新收政府信息公开申请数量·商业企业 0→1" in late.stderr
    assert "一、本月新收政府信息公开申请数量·总计 1→2" in late.stderr
    assert "补录 YZ-2026-0043" in late.stderr
    assert late.stderr.index("注意") < late.stderr.index("WARNING")  # Chinese first
    # An imported answer dated in November changes it further: warned again, with what it changed.
    answer = {"event": "answered", "request": "YZ-2026-0042", "date": "2026-11-27", "outcome": "disclosed"}
    imported = _on(gongkai, "2026-12-03", "import", "-", stdin=json.dumps(answer) + "\n")
    assert "（一）予以公开·自然人 1→2" in imported.stderr and "2026-11" in imported.stderr
    # An event that leaves November's figures as they are says nothing of it.
    quiet = _on(gongkai, "2026-12-03", "register", "YZ-2026-0043")
    assert "注意" not in quiet.stderr

    # Due 2 working days after the day the change was recorded (Thu 3 December → Mon 7 December).
    expected = {"month": "2026-11", "kind": "monthly_filing_amendment", "due": "2026-12-07", "overdue": False}
    assert _amendments(gongkai, "2026-12-03") == [expected]
    assert _amendments(gongkai, "2026-12-08") == [{**expected, "overdue": True}]
    assert "月报更正重报期限" in _on(gongkai, "2026-12-08", "due").stdout

    # The re-filing records the amended figures (the same day would do too); the due item ends.
    refiled = _on(gongkai, "2026-12-08", "file-monthly", "2026-11")
    assert "已记录：2026-11 报送月报" in refiled.stderr
    assert _amendments(gongkai, "2026-12-08") == []
    unchanged = _on(gongkai, "2026-12-09", "file-monthly", "2026-11")
    assert "已有记录，未重复记录" in unchanged.stderr

    # The amended workbook: marked 更正, what changed against the first filing, the late entry 补录.
    _on(gongkai, "2026-12-09", "report", "monthly", "2026-11", "--format", "xlsx", "-o", str(tmp_path / "11.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "11.xlsx")
    ledger = book["政府信息依申请公开汇总表"]
    assert str(ledger["A1"].value).endswith("2026年11月政府信息依申请公开汇总表（更正）")
    assert _ledger_remarks(ledger) == {"YZ-2026-0041": None, "YZ-2026-0042": None, "YZ-2026-0043": "补录"}
    assert str(book["依申请信息公开引起复议（诉讼）表"]["A1"].value).endswith("（更正）")
    note = book["更正说明"]
    assert note["A2"].value == "与首次报送（2026-12-01）相比，本月数据更正如下："
    assert (note["A3"].value, note["B3"].value) == ("序号", "更正内容")
    changes = [(row[0].value, row[1].value) for row in note.iter_rows(min_row=4)]
    assert changes == [
        (1, "一、本月新收政府信息公开申请数量·商业企业 0→1"),
        (2, "一、本月新收政府信息公开申请数量·总计 1→2"),
        (3, "（一）予以公开·自然人 1→2"),
        (4, "（一）予以公开·总计 1→2"),
        (5, "（七）总计·自然人 1→2"),
        (6, "（七）总计·总计 1→2"),
        (7, "四、结转下月继续办理·自然人 1→0"),
        (8, "四、结转下月继续办理·商业企业 0→1"),
        (9, "补录 YZ-2026-0043"),
    ]
    report = json.loads(_on(gongkai, "2026-12-09", "report", "monthly", "2026-11", "--format", "json").stdout)
    assert report["amendment"]["first_filed"] == "2026-12-01"
    assert report["amendment"]["late_entries"] == ["YZ-2026-0043"]
    assert report["applications"]["new"]["total"] == 2  # the contract's figures are today's
    for fmt in ("html", "markdown", "table"):  # the other monthly formats say the same
        text = _on(gongkai, "2026-12-09", "report", "monthly", "2026-11", "--format", fmt).stdout
        assert "2026年11月政府信息依申请公开汇总表（更正）" in text or fmt == "table", fmt
        assert "与首次报送（2026-12-01）相比" in text and "补录 YZ-2026-0043" in text, fmt


def test_an_unchanged_month_refiled_stays_already_recorded_and_unmarked(gongkai: Runner, tmp_path: Path) -> None:
    lines = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in HISTORY)
    _on(gongkai, "2026-11-30", "import", "-", stdin=lines)
    assert "已记录" in _on(gongkai, "2026-12-01", "file-monthly", "2026-10").stderr
    # A December application changes no figure of October: no warning, no due item, re-filing is already recorded.
    december = _on(
        gongkai, "2026-12-02", "receive", "YZ-2026-0050", "--channel", "mail", "--applicant-type", "natural_person"
    )
    assert "注意" not in december.stderr
    assert _amendments(gongkai, "2026-12-04") == []
    assert "已有记录，未重复记录" in _on(gongkai, "2026-12-04", "file-monthly", "2026-10").stderr
    _on(gongkai, "2026-12-04", "report", "monthly", "2026-10", "--format", "xlsx", "-o", str(tmp_path / "10.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "10.xlsx")
    assert "更正说明" not in book.sheetnames
    assert "更正" not in str(book["政府信息依申请公开汇总表"]["A1"].value)
    assert "amendment" not in json.loads(
        _on(gongkai, "2026-12-04", "report", "monthly", "2026-10", "--format", "json").stdout
    )


def test_one_application_voided_and_another_entered_in_the_same_cell_is_warned_of_and_due(gongkai: Runner) -> None:
    """No figure moves, but the 汇总表 lists another application: the filing is no longer true."""
    lines = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in HISTORY)
    _on(gongkai, "2026-11-30", "import", "-", stdin=lines)
    _on(gongkai, "2026-12-01", "file-monthly", "2026-11")
    swap = [
        {"event": "voided", "request": "YZ-2026-0042", "date": "2026-12-03", "reason": "重复登记"},
        {**HISTORY[2], "request": "YZ-2026-0044", "date": "2026-11-10"},  # the same cell: 自然人, open at the end
    ]
    done = _on(
        gongkai, "2026-12-03", "import", "-", stdin="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in swap)
    )
    assert "注意：2026-11 已报送的月报数据已变动：补录 YZ-2026-0044；不再列入 YZ-2026-0042。" in done.stderr
    assert "→" not in done.stderr  # no cell of table 三 or 四 changed
    expected = {"month": "2026-11", "kind": "monthly_filing_amendment", "due": "2026-12-07", "overdue": False}
    assert _amendments(gongkai, "2026-12-03") == [expected]
    assert "已记录：2026-11 报送月报" in _on(gongkai, "2026-12-04", "file-monthly", "2026-11").stderr
    assert _amendments(gongkai, "2026-12-04") == []


def test_a_recording_that_touches_only_unfiled_months_says_nothing_of_the_filed_ones(gongkai: Runner) -> None:
    lines = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in HISTORY)
    _on(gongkai, "2026-11-30", "import", "-", stdin=lines)
    _on(gongkai, "2026-12-01", "file-monthly", "2026-10")
    # Answering in December an application received in November: neither October's table nor its list moves.
    answered = _on(gongkai, "2026-12-02", "answer", "YZ-2026-0042", "--outcome", "disclosed")
    assert "注意" not in answered.stderr and "WARNING" not in answered.stderr
    received = _on(gongkai, "2026-12-02", "receive", "YZ-2026-0051", "--channel", "mail", "--applicant-type", "自然人")
    assert "注意" not in received.stderr
    assert _amendments(gongkai, "2026-12-04") == []
