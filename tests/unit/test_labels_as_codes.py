"""Official Chinese labels are codes (docs/command-line.md); a problem is a value rendered for a file or a command."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInputError, Problem
from domain.lines import LineError, parse_object
from domain.messages import zh_en

RECEIVED = {"event": "received", "request": "L-1", "date": "2026-10-09"}


ANSWERED = {"event": "answered", "request": "L-1", "date": "2026-10-20"}
APPEALED = {"event": "appealed", "request": "L-1", "case": "C-1", "date": "2026-10-26", "procedure": "简易程序"}
DECIDED = {"event": "appeal_decided", "case": "C-1", "date": "2026-10-30"}
CONSULTED = {"event": "consultation_started", "request": "L-1", "date": "2026-10-12"}
CORRECTED = {"event": "corrected", "request": "L-1", "date": "2026-10-30", "reason": "录错"}


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ({**RECEIVED, "channel": "网上申请", "applicant_type": "自然人"}, "channel", "online"),
        ({**RECEIVED, "channel": "邮寄", "applicant_type": "商业企业"}, "applicant_type", "commercial_enterprise"),
        ({**RECEIVED, "channel": "其他", "applicant_type": "其他"}, "applicant_type", "other_org"),
        ({**RECEIVED, "channel": "其他", "applicant_type": "其他"}, "channel", "other"),
        ({**ANSWERED, "outcome": "部分公开"}, "outcome", "partially_disclosed"),
        ({**ANSWERED, "outcome": "其他"}, "outcome", "other"),
        ({**ANSWERED, "outcome": "本机关不掌握相关政府信息"}, "outcome", "unavailable_not_held"),
        ({**CONSULTED, "party": "其他机关"}, "party", "agency"),
        ({**APPEALED, "kind": "复议后起诉"}, "kind", "litigation_after_reconsideration"),
        ({**APPEALED, "kind": "行政复议"}, "procedure", "simplified"),
        ({**DECIDED, "result": "结果纠正"}, "result", "corrected"),
        ({**CORRECTED, "outcome": "予以公开"}, "outcome", "disclosed"),
    ],
)
def test_a_label_in_an_import_line_is_stored_as_its_code(line: dict[str, str], field: str, code: str) -> None:
    assert parse_object(line).fields[field] == code


def test_other_handling_is_no_code_and_the_refusal_lists_codes_with_labels() -> None:
    with pytest.raises(LineError) as refused:
        parse_object({"event": "answered", "request": "L-1", "date": "2026-10-20", "outcome": "其他处理"})
    assert refused.value.field == "outcome"
    assert refused.value.reason.startswith("没有代码或名称 '其他处理'；可填：disclosed 予以公开，")
    assert refused.value.reason.endswith(" / unknown code '其他处理'")


def test_a_problem_names_line_and_field_in_a_file_and_the_option_on_a_command() -> None:
    problem = Problem(3, "date", zh_en("日历上没有 2026-02-30 这一天", "2026-02-30 is not a real calendar date"))
    assert problem.in_file() == (
        "第 3 行，字段 date：日历上没有 2026-02-30 这一天 / line 3, field date: 2026-02-30 is not a real calendar date"
    )
    assert problem.on_command_line() == (
        "--date：日历上没有 2026-02-30 这一天 / --date: 2026-02-30 is not a real calendar date"
    )
    number = Problem(1, "request", zh_en("不能为空", "must be non-empty"))
    assert number.on_command_line() == "受理编号：不能为空 / application number: must be non-empty"
    refusal = Problem(1, "event", "申请 L-1：已办结 / closed")
    assert refusal.on_command_line() == "申请 L-1：已办结 / closed"  # a single command never says "line 1"
    year = Problem(None, "year", "2026 年度：该年度尚未结束 / 2026: the year has not ended")
    assert year.on_command_line() == "2026 年度：该年度尚未结束 / 2026: the year has not ended"  # YYYY, not --year


def test_invalid_input_holds_problems_not_strings() -> None:
    error = InvalidInputError([Problem(2, "channel", "甲 / a"), "文件是空的 / the file is empty"])
    assert all(isinstance(p, Problem) for p in error.problems)
    assert [p.line for p in error.problems] == [2, None]
