"""`due`, `status` and `calendar add` through the installed command, against hand-computed deadlines.

The 2026 calendar: Sun 9-20 and Sat 10-10 are working days; 9-25 (Mid-autumn) and 10-1..7 are not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import SHANGHAI_EXAMPLE, Runner


def jsonl(*objects: dict[str, Any]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def received(number: str, date: str) -> dict[str, Any]:
    return {"event": "received", "request": number, "date": date, "channel": "mail", "applicant_type": "natural_person"}


def step(event: str, number: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"event": event, "request": number, "date": date, **fields}


def case(event: str, number: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"event": event, "case": number, "date": date, **fields}


FILINGS = [("2025-12", "2026-01-02"), ("2026-01", "2026-02-02"), ("2026-02", "2026-03-02"), ("2026-04", "2026-05-06")]
FILINGS += [("2026-05", "2026-06-01"), ("2026-06", "2026-07-01"), ("2026-07", "2026-08-03"), ("2026-08", "2026-09-02")]
FILINGS += [("2026-09", "2026-10-25")]  # after the as-of date: not yet filed on 2026-10-20
EVERY_STATE = jsonl(
    received("R0", "2025-12-15"),  # closed in 2025: the agency's first event, so 2025's annual report is due
    step("registered", "R0", "2025-12-16"),
    step("answered", "R0", "2025-12-20", outcome="disclosed"),
    *({"event": "monthly_filing_submitted", "month": m, "date": d} for m, d in FILINGS),
    received("R1", "2026-09-18"),  # open, never registered; answered only after the as-of date
    step("answered", "R1", "2026-10-25", outcome="disclosed"),
    received("R2", "2026-09-30"),  # registered, open
    step("registered", "R2", "2026-10-09"),
    received("R3", "2026-10-12"),  # awaiting a correction
    step("registered", "R3", "2026-10-13"),
    step("correction_requested", "R3", "2026-10-14", until="2026-10-28"),
    received("R4", "2026-09-24"),  # consulting a third party
    step("registered", "R4", "2026-09-25"),
    step("consultation_started", "R4", "2026-10-13", party="third_party"),
    received("R5", "2026-10-19"),  # awaiting a fee, not yet registered
    step("fee_notified", "R5", "2026-10-20", amount="100.00"),
    received("R6", "2026-09-18"),  # extended
    step("registered", "R6", "2026-09-21"),
    step("extended", "R6", "2026-10-20"),
    received("R7", "2026-09-18"),  # answered, never registered: 报备 stays open
    step("answered", "R7", "2026-10-16", outcome="disclosed"),
    received("R8", "2026-09-18"),  # answered and registered: nothing
    step("registered", "R8", "2026-09-21"),
    step("answered", "R8", "2026-10-09", outcome="withheld_process_info"),
    received("R9", "2026-09-18"),  # withdrawn
    step("registered", "R9", "2026-09-21"),
    step("withdrawn", "R9", "2026-10-09"),
    received("R10", "2026-10-12"),  # voided
    step("voided", "R10", "2026-10-13", reason="entered twice"),
    received("R12", "2026-09-01"),
    step("registered", "R12", "2026-09-02"),
    step("answered", "R12", "2026-09-10", outcome="withheld_process_info"),
    step("appealed", "R8", "2026-10-16", case="C1", kind="reconsideration", procedure="simplified"),
    step("appealed", "R12", "2026-09-16", case="C2", kind="litigation_direct"),
    step("appealed", "R12", "2026-10-09", case="C3", kind="reconsideration"),
    case("appeal_responded", "C3", "2026-10-15"),
    step("appealed", "R12", "2026-10-09", case="C4", kind="litigation_after_reconsideration"),
    case("appeal_decided", "C4", "2026-10-19", result="upheld"),
)

EXPECTED: list[dict[str, Any]] = [
    {"year": 2025, "kind": "annual_report", "due": "2026-01-31", "overdue": True},
    {"month": "2026-03", "kind": "monthly_filing", "due": "2026-04-02", "overdue": True},
    {"request": "R1", "kind": "registration", "due": "2026-09-21", "overdue": True},
    {"request": "R7", "kind": "registration", "due": "2026-09-21", "overdue": True},
    {"month": "2026-09", "kind": "monthly_filing", "due": "2026-10-02", "overdue": True},
    {"case": "C2", "kind": "litigation_defence", "due": "2026-10-08", "overdue": True},  # 10-01 is a holiday
    {"request": "R5", "kind": "registration", "due": "2026-10-21", "overdue": False},
    {"request": "R1", "kind": "reply", "due": "2026-10-22", "overdue": False},
    {"case": "C1", "kind": "reconsideration_reply", "due": "2026-10-23", "overdue": False},
    {"request": "R5", "kind": "correction_notice", "due": "2026-10-28", "overdue": False},
    {"request": "R3", "kind": "correction_period", "due": "2026-10-28", "overdue": False},
    {"request": "R4", "kind": "consultation_reply", "due": "2026-11-03", "overdue": False},
    {"request": "R2", "kind": "reply", "due": "2026-11-03", "overdue": False},
    {"request": "R4", "kind": "reply", "due": "2026-11-05", "overdue": False, "paused": True},
    {"request": "R5", "kind": "reply", "due": "2026-11-16", "overdue": False, "paused": True},
    {"request": "R5", "kind": "fee_payment", "due": "2026-11-17", "overdue": False},
    {"request": "R3", "kind": "reply", "due": "2026-11-17", "overdue": False, "paused": True},
    {"request": "R6", "kind": "reply", "due": "2026-11-19", "overdue": False},
]


def due_json(gongkai: Runner, *args: str) -> list[dict[str, Any]]:
    result = gongkai("due", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))  # exactly one JSON document on stdout


def test_due_json_lists_exactly_the_hand_computed_deadlines_of_every_state(gongkai: Runner) -> None:
    gongkai("import", "-", stdin=EVERY_STATE, check=True)
    assert due_json(gongkai, "--as-of", "2026-10-20") == EXPECTED


def test_due_within_keeps_the_overdue_and_the_next_days(gongkai: Runner) -> None:
    gongkai("import", "-", stdin=EVERY_STATE, check=True)
    found = due_json(gongkai, "--as-of", "2026-10-20", "--within", "3")
    assert found == [d for d in EXPECTED if d["due"] <= "2026-10-23"]


def test_due_table_marks_overdue_in_chinese(gongkai: Runner) -> None:
    gongkai("import", "-", stdin=EVERY_STATE, check=True)
    shown = gongkai("due", "--as-of", "2026-10-20", check=True).stdout
    assert "已逾期" in shown and "答复期限" in shown and "暂停计时" in shown
    assert gongkai("due", "--format", "json", "--as-of", "2020-01-01", check=True).stdout.strip() == "[]"


def test_status_explains_each_date_step_by_step(gongkai: Runner) -> None:
    gongkai("import", "-", stdin=EVERY_STATE, check=True)
    shown = gongkai("status", "R4", "--as-of", "2026-10-20", check=True).stdout
    assert "2026-09-24 收到申请" in shown
    assert "+20 个工作日 → 2026-10-29（条例 第三十三条）" in shown
    assert "2026-10-13 至 2026-10-20（查询日，尚未结束） 向第三方征求意见，暂停 5 个工作日 → 2026-11-05" in shown
    assert "征求意见答复期限" in shown
    extended = gongkai("status", "R6", "--as-of", "2026-10-20", check=True).stdout
    assert "2026-10-20 延期 20 个工作日 → 2026-11-19（条例 第三十三条）" in extended
    data = json.loads(gongkai("status", "R8", "--as-of", "2026-10-20", "--format", "json", check=True).stdout)
    assert [(d["case"], d["due"]) for d in data["deadlines"]] == [("C1", "2026-10-23")]
    assert any("简易程序" in s for s in data["deadlines"][0]["steps"])


def test_a_deadline_in_an_unknown_year_is_not_guessed_until_the_year_is_added(gongkai: Runner) -> None:
    env = {"GONGKAI_TODAY": "2026-12-10"}
    gongkai("receive", "Y1", "--date", "2026-12-10", "--channel", "online", "--applicant-type", "natural_person",
            env=env, check=True)  # fmt: skip
    found = {d["kind"]: d for d in due_json(gongkai, "--as-of", "2026-12-10")}
    assert found["reply"] == {"request": "Y1", "kind": "reply", "due": None, "overdue": False, "calendar_missing": 2027}
    assert found["registration"]["due"] == "2026-12-14"
    table = gongkai("due", "--as-of", "2026-12-10", env=env, check=True).stdout
    assert "缺少 2027 年" in table and "gongkai calendar add 2027" in table
    status = gongkai("status", "Y1", env=env, check=True).stdout
    assert "gongkai calendar add 2027" in status

    bad = gongkai("calendar", "add", "2027", "--holidays", "2027-01-01", "--workdays", "2027-01-01", "--source", "x")
    assert bad.returncode == 1 and "both a holiday and a workday" in bad.stderr
    outside = gongkai("calendar", "add", "2027", "--holidays", "2026-12-31", "--source", "x")
    assert outside.returncode == 1 and "outside 2027" in outside.stderr
    # an invented arrangement (the real notice is not out): 1-1 off, 1-2 (Sat) worked
    add = ["calendar", "add", "2027", "--holidays", "2027-01-01", "--workdays", "2027-01-02", "--source", "测试"]
    gongkai(*add, env=env, check=True)
    assert "already" in gongkai(*add, env=env, check=True).stderr
    found = {d["kind"]: d for d in due_json(gongkai, "--as-of", "2026-12-10")}
    # 12-11 … 12-31 hold 15 working days; then 1-2 (worked Saturday), 1-4, 1-5, 1-6, 1-7
    assert found["reply"] == {"request": "Y1", "kind": "reply", "due": "2027-01-07", "overdue": False}
    replaced = ["calendar", "add", "2027", "--holidays", "2027-01-01", "--source", "测试二"]
    gongkai(*replaced, env=env, check=True)
    assert {d["kind"]: d for d in due_json(gongkai, "--as-of", "2026-12-10")}["reply"]["due"] == "2027-01-08"
    listed = gongkai("calendar", "list", "--format", "json", env=env, check=True).stdout
    assert {"year": 2027, "source": "测试二"} in json.loads(listed)


def test_calendar_events_change_no_table(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("import", "-", stdin=EVERY_STATE, check=True)
    before = gongkai("report", "annual", "2026", "--format", "json", check=True).stdout
    adding = ["calendar", "add", "2027", "--holidays", "2027-01-01", "--source", "测试"]
    assert gongkai("--agency", "OTHER", *adding).returncode == 1  # an agency the store does not hold: refused
    gongkai(*adding, check=True)
    assert gongkai("report", "annual", "2026", "--format", "json", check=True).stdout == before
    assert len(json.loads(gongkai("info", check=True).stdout)["agencies"]) == 1
    replay = gongkai("replay")
    assert replay.returncode == 0, replay.stderr


def test_an_office_starting_mid_stream_is_not_asked_for_what_its_imported_report_handed_in(
    gongkai: Runner, tmp_path: Path
) -> None:
    # 2024's published report imported, the applications still open at its end entered with their real dates.
    gongkai("import-report", str(SHANGHAI_EXAMPLE), "--date", "2025-01-10", check=True)
    gongkai(
        "receive", "YZ-2024-0099", "--date", "2024-12-20", "--channel", "邮寄", "--applicant-type", "自然人", check=True
    )
    gongkai("register", "YZ-2024-0099", "--date", "2024-12-23", check=True)
    in_january = due_json(gongkai, "--as-of", "2025-01-20")
    assert [d for d in in_january if d["kind"] in ("monthly_filing", "annual_report")] == []
    assert {(d["kind"], d.get("request")) for d in in_january} == {("reply", "YZ-2024-0099")}
    in_february = due_json(gongkai, "--as-of", "2025-02-03")
    filings = [d for d in in_february if d["kind"] in ("monthly_filing", "annual_report")]
    assert filings == [{"month": "2025-01", "kind": "monthly_filing", "due": "2025-02-02", "overdue": True}]
    shown = gongkai("due", "--as-of", "2025-02-03", check=True).stdout
    assert "2024-12" not in shown and "年度报告发布期限" not in shown
    # A year after the office began on gongkai, that year's report is due as for every office.
    next_year = due_json(gongkai, "--as-of", "2026-01-05")
    assert {d["year"] for d in next_year if d["kind"] == "annual_report"} == {2025}
