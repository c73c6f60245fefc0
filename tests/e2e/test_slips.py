"""No silent slips, and what a clerk looks at: the installed `gongkai` as a subprocess on a real store.

The 2026 calendar: Sun 9-20 is a working day (调休), 9-25 (中秋) and 10-1..10-7 are not. Received on Fri 9-18,
报备 is due two working days later: Sun 9-20, Mon 9-21 → 2026-09-21.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import Runner, stored_events

AS_OF = {"GONGKAI_TODAY": "2026-09-30"}


def jsonl(*objects: dict[str, Any]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def receive(gongkai: Runner, number: str, date: str, *options: str) -> None:
    args = ("receive", number, "--date", date, "--channel", "online", "--applicant-type", "natural_person")
    gongkai(*options, *args, env=AS_OF, check=True)


def export(gongkai: Runner) -> str:
    result = gongkai("export", env=AS_OF)
    assert result.returncode == 0, result.stderr
    return result.stdout


def show(gongkai: Runner, number: str, *options: str) -> dict[str, Any]:
    result = gongkai(*options, "show", number, "--format", "json", env=AS_OF)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)  # exactly one JSON document
    return data


# -- a mistyped agency code ----------------------------------------------------------------------------------------


def test_mistyped_agency_code_is_refused_and_writes_nothing(gongkai: Runner, db: str) -> None:
    added = gongkai("--agency", "YZSFJ", "agency-name", "宁波市鄞州区司法局", "--date", "2026-09-01", env=AS_OF)
    assert added.returncode == 0 and "已新增机关" in added.stderr
    receive(gongkai, "YZ-1", "2026-09-18", "--agency", "YZSFJ")
    events, before = stored_events(db), export(gongkai)
    refused = gongkai(
        "--agency",
        "YZSFK",
        *("receive", "YZ-2", "--date", "2026-09-18", "--channel", "online", "--applicant-type", "natural_person"),
        env=AS_OF,
    )
    assert refused.returncode == 1
    assert "机关代码 YZSFK" in refused.stderr and "本存储没有这个机关" in refused.stderr
    assert "已有的机关代码：YZSFJ" in refused.stderr and "agency-name" in refused.stderr
    for command in (("report", "annual", "2026", "--format", "json"), ("due", "--format", "json"), ("list",)):
        other = gongkai("--agency", "YZSFK", *command, env=AS_OF)
        assert other.returncode == 1 and "YZSFK" in other.stderr and other.stdout == ""
    assert stored_events(db) == events and export(gongkai) == before
    info = json.loads(gongkai("info", "--format", "json", env=AS_OF, check=True).stdout)
    assert info["agencies"] == ["YZSFJ"]


def test_import_line_naming_its_agency_adds_it_and_one_naming_none_does_not(gongkai: Runner, db: str) -> None:
    line = {"event": "received", "request": "A-1", "date": "2026-09-18", "channel": "mail"}
    line["applicant_type"] = "natural_person"
    unnamed = gongkai("--agency", "NEWAG", "import", "-", stdin=jsonl(line), env=AS_OF)
    assert unnamed.returncode == 1 and "line 1, field agency" in unnamed.stderr and "NEWAG" in unnamed.stderr
    assert stored_events(db) == 0
    named = gongkai("import", "-", stdin=jsonl({**line, "agency": "NEWAG"}), env=AS_OF)
    assert named.returncode == 0, named.stderr
    info = json.loads(gongkai("info", env=AS_OF, check=True).stdout)
    assert info["agencies"] == ["NEWAG"]
    assert show(gongkai, "A-1", "--agency", "NEWAG")["agency_code"] == "NEWAG"


# -- a second 报备 ------------------------------------------------------------------------------------------------


def test_second_registration_with_another_date_is_refused(gongkai: Runner, db: str) -> None:
    receive(gongkai, "YZ-1", "2026-09-18")
    gongkai("register", "YZ-1", "--date", "2026-09-21", env=AS_OF, check=True)
    events, before = stored_events(db), export(gongkai)
    refused = gongkai("register", "YZ-1", "--date", "2026-09-22", env=AS_OF)
    assert refused.returncode == 1
    assert "已于 2026-09-21 报备" in refused.stderr and "2026-09-22" in refused.stderr
    assert stored_events(db) == events and export(gongkai) == before
    again = gongkai("register", "YZ-1", "--date", "2026-09-21", env=AS_OF)
    assert again.returncode == 0 and "already recorded" in again.stderr
    assert stored_events(db) == events
    line = jsonl({"event": "registered", "request": "YZ-1", "date": "2026-09-23"})
    imported = gongkai("import", "-", stdin=line, env=AS_OF)
    assert imported.returncode == 1 and "line 1" in imported.stderr and "已于 2026-09-21 报备" in imported.stderr
    assert stored_events(db) == events and export(gongkai) == before


def test_registration_repeated_within_one_file_is_recorded_once(gongkai: Runner, db: str) -> None:
    received = {"event": "received", "request": "F-1", "date": "2026-09-18", "channel": "mail"}
    received["applicant_type"] = "natural_person"
    registered = {"event": "registered", "request": "F-1", "date": "2026-09-21"}
    other_day = {**registered, "date": "2026-09-22"}
    refused = gongkai("import", "-", stdin=jsonl(received, registered, other_day), env=AS_OF)
    assert refused.returncode == 1 and "line 3, field date" in refused.stderr
    assert stored_events(db) == 0
    done = gongkai("import", "-", stdin=jsonl(received, registered, registered), env=AS_OF)
    assert done.returncode == 0, done.stderr
    events = [e["event"] for e in show(gongkai, "F-1")["events"]]
    assert events == ["received", "registered"]


# -- a late 报备 --------------------------------------------------------------------------------------------------


def test_late_registration_is_recorded_and_flagged_everywhere(gongkai: Runner, db: str, tmp_path: Path) -> None:
    receive(gongkai, "YZ-1", "2026-09-18")
    events = stored_events(db)
    late = gongkai("register", "YZ-1", "--date", "2026-09-24", env=AS_OF)
    assert late.returncode == 0 and "已记录" in late.stderr
    assert stored_events(db) == events + 1  # recorded: late is a fact to flag, not a refusal
    data = show(gongkai, "YZ-1")
    assert data["registered"] == "2026-09-24" and data["registration_due"] == "2026-09-21"
    assert data["registration_late"] is True and data["registration_late_working_days"] == 3
    assert "报备逾期3个工作日" in gongkai("show", "YZ-1", env=AS_OF, check=True).stdout
    status = gongkai("status", "YZ-1", env=AS_OF, check=True).stdout
    assert "报备 2026-09-24（期限 2026-09-21，逾期3个工作日）" in status
    status_json = json.loads(gongkai("status", "YZ-1", "--format", "json", env=AS_OF, check=True).stdout)
    assert status_json["registration_late"] is True
    listed = json.loads(gongkai("list", "--format", "json", env=AS_OF, check=True).stdout)
    assert listed[0]["registration_late"] is True and "报备逾期3个工作日" in listed[0]["state_words"]
    page = tmp_path / "2026-09.html"
    gongkai("report", "monthly", "2026-09", "--format", "html", "-o", str(page), env=AS_OF, check=True)
    printed = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))  # the words a reader sees, without the markup
    assert "2026-09-24（逾期3个工作日）" in printed


def test_show_json_says_whether_registration_was_late(gongkai: Runner) -> None:
    receive(gongkai, "ON-1", "2026-09-18")
    gongkai("register", "ON-1", "--date", "2026-09-21", env=AS_OF, check=True)
    receive(gongkai, "NONE-1", "2026-09-22")  # due 9-24, still missing on 9-30
    receive(gongkai, "NONE-2", "2026-09-29")  # due 10-8 (after the National Day holidays): not yet late
    on_time = show(gongkai, "ON-1")
    assert on_time["request"] == "ON-1" and on_time["registration_late"] is False
    assert on_time["registered"] == "2026-09-21" and on_time["registration_due"] == "2026-09-21"
    assert [e["event"] for e in on_time["events"]] == ["received", "registered"]
    assert on_time["events"][0]["recorded_at"].endswith("+08:00")  # Asia/Shanghai
    missing = show(gongkai, "NONE-1")
    assert missing["registered"] is None and missing["registration_late"] is True
    assert show(gongkai, "NONE-2")["registration_late"] is False


# -- what a clerk looks at ----------------------------------------------------------------------------------------


def test_list_puts_overdue_first_and_says_state_and_days_left(gongkai: Runner) -> None:
    receive(gongkai, "B-FRESH", "2026-09-29")  # 报备 due 10-9: nothing overdue
    gongkai("register", "B-FRESH", "--date", "2026-09-29", env=AS_OF, check=True)
    receive(gongkai, "A-LATE", "2026-09-21")  # 报备 due 9-23: on 9-30 four working days late (9-25 中秋)
    receive(gongkai, "C-CORR", "2026-09-18")
    gongkai("register", "C-CORR", "--date", "2026-09-21", env=AS_OF, check=True)
    gongkai("request-correction", "C-CORR", "--date", "2026-09-22", "--until", "2026-10-03", env=AS_OF, check=True)
    rows = json.loads(gongkai("list", "--format", "json", env=AS_OF, check=True).stdout)
    assert [r["request"] for r in rows] == ["A-LATE", "C-CORR", "B-FRESH"]
    late, correction, fresh = rows
    assert late["overdue"] is True and late["state_words"] == ["办理中", "待报备（已逾期4个工作日）"]
    assert late["next_deadline"]["kind"] == "registration" and late["next_deadline"]["days_left"] == -4
    assert correction["state_words"] == ["待补正"]
    assert correction["next_deadline"] == {
        "kind": "correction_period",
        "due": "2026-10-03",
        "overdue": False,
        "paused": False,
        "days_left": 3,
        "days_unit": "calendar",
    }
    assert fresh["overdue"] is False and fresh["next_deadline"]["days_unit"] == "working"
    table = gongkai("list", env=AS_OF, check=True).stdout
    assert table.index("A-LATE") < table.index("C-CORR") < table.index("B-FRESH")
    assert "已逾期4个工作日" in table and "剩3个自然日" in table


def test_show_case_shows_the_appeal(gongkai: Runner) -> None:
    receive(gongkai, "YZ-1", "2026-09-18")
    gongkai("answer", "YZ-1", "--date", "2026-09-21", "--outcome", "disclosed", env=AS_OF, check=True)
    appeal = ("appeal", "YZ-1", "--date", "2026-09-25", "--case", "FY-9", "--kind", "reconsideration")
    gongkai(*appeal, env=AS_OF, check=True)
    gongkai("decide-appeal", "FY-9", "--date", "2026-09-29", "--result", "upheld", env=AS_OF, check=True)
    data = show(gongkai, "FY-9")
    assert data["case"] == "FY-9" and data["kind"] == "reconsideration" and data["result"] == "upheld"
    assert data["requests"] == ["YZ-1"] and [e["event"] for e in data["events"]] == ["appealed", "appeal_decided"]
    text = gongkai("show", "FY-9", env=AS_OF, check=True).stdout
    assert "案件 FY-9" in text and "对应申请 YZ-1" in text
    unknown = gongkai("show", "NOPE", env=AS_OF)
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr


def test_info_on_a_missing_store_says_so_and_creates_nothing(gongkai: Runner, tmp_path: Path) -> None:
    path = tmp_path / "no" / "such.db"
    result = gongkai("--db", str(path), "info")
    assert result.returncode == 1 and "这个存储不存在" in result.stderr and str(path) in result.stderr
    assert result.stdout == "" and not path.exists() and not path.parent.exists()


# -- the placeholder given its real code --------------------------------------------------------------------------


def test_placeholder_code_is_given_once_keeping_history_replay_and_verify(
    gongkai: Runner, db: str, tmp_path: Path
) -> None:
    receive(gongkai, "YZ-1", "2026-09-18")
    gongkai("register", "YZ-1", "--date", "2026-09-21", env=AS_OF, check=True)
    before = json.loads(gongkai("report", "annual", "2026", "--format", "json", env=AS_OF, check=True).stdout)
    assert before["agency_code"] == ""  # the placeholder never shows in a report
    assert gongkai("--agency", "YZSFJ", "list", env=AS_OF).returncode == 1
    gongkai("agency-code", "YZSFJ", env=AS_OF, check=True)
    after = json.loads(gongkai("report", "annual", "2026", "--format", "json", env=AS_OF, check=True).stdout)
    assert after == {**before, "agency_code": "YZSFJ"}
    assert gongkai("--agency", "YZSFJ", "report", "annual", "2026", "--format", "json", env=AS_OF).stdout == (
        gongkai("report", "annual", "2026", "--format", "json", env=AS_OF).stdout
    )
    receive(gongkai, "YZ-2", "2026-09-22", "--agency", "YZSFJ")  # the same agency: one store, one table
    listed = json.loads(gongkai("list", "--format", "json", env=AS_OF, check=True).stdout)
    assert sorted(r["request"] for r in listed) == ["YZ-1", "YZ-2"]
    replay = gongkai("replay", env=AS_OF)
    assert replay.returncode == 0 and "agree" in replay.stdout
    verify = gongkai("verify", env=AS_OF)
    assert verify.returncode == 0, verify.stderr
    again = gongkai("agency-code", "YZSFX", env=AS_OF)
    assert again.returncode == 1 and "只能改一次" in again.stderr
    info = json.loads(gongkai("info", env=AS_OF, check=True).stdout)
    assert info["agencies"] == ["YZSFJ"] and info["agency_code"] == "YZSFJ" and not info["agency_is_placeholder"]
    exported = export(gongkai)
    assert "DEFAULT" not in exported and exported.count('"agency": "YZSFJ"') == 3
    fresh = tmp_path / "fresh.db"
    gongkai("--db", str(fresh), "import", "-", stdin=exported, env=AS_OF, check=True)
    copied = gongkai("--db", str(fresh), "report", "annual", "2026", "--format", "json", env=AS_OF, check=True)
    assert json.loads(copied.stdout) == json.loads(
        gongkai("report", "annual", "2026", "--format", "json", env=AS_OF, check=True).stdout
    )


def test_placeholder_code_is_refused_once_the_store_holds_another_agency(gongkai: Runner, db: str) -> None:
    gongkai("--agency", "A1", "agency-name", "甲局", "--date", "2026-09-01", env=AS_OF, check=True)
    events = stored_events(db)
    refused = gongkai("agency-code", "A2", env=AS_OF)
    assert refused.returncode == 1 and "A1" in refused.stderr and stored_events(db) == events


# -- import columns and drills ------------------------------------------------------------------------------------


def test_jsonl_parse_error_names_the_column_after_a_bom(gongkai: Runner, tmp_path: Path) -> None:
    bad = '{"event": "received", "subject": "中文摘要", "date": "2026-09-01" "channel": "online"}\n'
    column = bad.index('"channel"') + 1  # in characters, as an editor counts them, not in UTF-8 bytes
    file = tmp_path / "bom.jsonl"
    file.write_bytes("\ufeff".encode() + bad.encode())
    result = gongkai("import", str(file), env=AS_OF)
    assert result.returncode == 1, result.stderr
    assert f"line 1, field line: not valid JSON (Expecting ',' delimiter at column {column})" in result.stderr
    good = "".join(
        json.dumps({"event": "received", "request": f"G-{n}", "date": "2026-09-01", "channel": "mail"})[:-1]
        + ', "applicant_type": "natural_person"}\n'
        for n in range(30_000)
    )
    file.write_bytes("\ufeff".encode() + good.encode() + bad.encode())  # read in parts, one by a child process
    result = gongkai("import", str(file), env=AS_OF)
    assert result.returncode == 1, result.stderr
    assert f"line 30001, field line: not valid JSON (Expecting ',' delimiter at column {column})" in result.stderr
    assert result.stderr.count("problem") == 1


def test_gongkai_now_fixes_today_for_every_command(gongkai: Runner, db: str) -> None:
    drill = {"GONGKAI_NOW": "2026-10-19T20:00:00+00:00", "GONGKAI_TODAY": ""}  # 2026-10-20 04:00 in Beijing
    args = ("receive", "D-1", "--channel", "online", "--applicant-type", "natural_person")
    gongkai(*args, env=drill, check=True)
    assert show(gongkai, "D-1")["received"] == "2026-10-20"
    due = json.loads(gongkai("due", "--format", "json", env=drill, check=True).stdout)
    registration = next(d for d in due if d["kind"] == "registration")
    assert registration == {"request": "D-1", "kind": "registration", "due": "2026-10-22", "overdue": False}
    later = {"GONGKAI_NOW": "2026-10-26T09:00", "GONGKAI_TODAY": ""}
    listed = json.loads(gongkai("list", "--format", "json", env=later, check=True).stdout)
    assert listed[0]["registration_late"] is True and listed[0]["next_deadline"]["days_left"] == -2
    future = gongkai("register", "D-1", "--date", "2026-10-27", env=later)
    assert future.returncode == 1 and "future" in future.stderr
    broken = gongkai("list", env={"GONGKAI_NOW": "tomorrow", "GONGKAI_TODAY": ""})
    assert broken.returncode == 1 and "GONGKAI_NOW" in broken.stderr and "Traceback" not in broken.stderr


def test_placeholder_code_keeps_a_closed_year_equal(gongkai: Runner) -> None:
    receive(gongkai, "OLD-1", "2025-06-03")
    gongkai("answer", "OLD-1", "--date", "2025-06-20", "--outcome", "disclosed", env=AS_OF, check=True)
    gongkai("close-year", "2025", env=AS_OF, check=True)
    gongkai("agency-code", "YZSFJ", env=AS_OF, check=True)
    report = json.loads(gongkai("report", "annual", "2025", "--format", "json", env=AS_OF, check=True).stdout)
    assert report["agency_code"] == "YZSFJ" and report["closed_year"]["equal"] is True


def test_a_store_of_several_agencies_never_records_under_the_placeholder(gongkai: Runner, db: str) -> None:
    gongkai("--agency", "A1", "agency-name", "甲局", "--date", "2026-09-01", env=AS_OF, check=True)
    gongkai("--agency", "A2", "agency-name", "乙局", "--date", "2026-09-01", env=AS_OF, check=True)
    events, before = stored_events(db), export(gongkai)
    args = ("receive", "X-1", "--date", "2026-09-18", "--channel", "online", "--applicant-type", "natural_person")
    refused = gongkai(*args, env=AS_OF)
    assert refused.returncode == 1 and "本存储有多个机关（A1、A2）" in refused.stderr and "--agency" in refused.stderr
    assert stored_events(db) == events and export(gongkai) == before
    gongkai("--agency", "A2", *args, env=AS_OF, check=True)
    assert json.loads(gongkai("info", env=AS_OF, check=True).stdout)["agencies"] == ["A1", "A2"]
