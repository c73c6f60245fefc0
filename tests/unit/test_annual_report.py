"""The whole annual report's JSON: tables, table 二, six sections, and sentences whose every number is the table's."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.closing import YearClose
from domain.codes import TableFormat
from domain.proactive import blocks, filled
from domain.report_checks import check_report
from domain.report_sections import paragraphs
from projections.annual_prose import OUTCOME_GROUPS, group_count
from projections.annual_report import build_annual_report
from projections.render.rows import APPEAL_GROUPS, APPLICANT_COLUMNS, Report, table3_rows
from projections.tables import APPEAL_COLUMNS
from service.annual_report import BrokenReportError, assemble
from tests.conftest import HEADINGS_2019, HEADINGS_2021, fold_report
from tests.unit.test_render_reports import shanghai_2024, yinzhou_2020

PERSONS = APPLICANT_COLUMNS[:-1]
RESULTS = APPEAL_COLUMNS[:-1]
TEXTS = {"overview": "本机关认真做好政府信息公开工作。\n\n（一）强化机制建设。", "problems": "公开内容还不够深入。"}


def _whole(report: Report, **kw: Any) -> Report:
    fmt = TableFormat(report["format"])
    figures = kw.pop("figures", {})
    return build_annual_report(report, proactive=filled(fmt, figures), texts=kw.pop("texts", TEXTS), **kw)


def _section(whole: Report, number: str) -> str:
    return str(next(s["text"] for s in whole["sections"] if s["number"] == number))


# -- the JSON ---------------------------------------------------------------------------------------


SMALL_YEAR = [
    {
        "event": "received",
        "request": "1",
        "date": "2021-03-01",
        "channel": "online",
        "applicant_type": "natural_person",
    },
    {"event": "answered", "request": "1", "date": "2021-03-10", "outcome": "disclosed"},
    {"event": "received", "request": "2", "date": "2021-05-06", "channel": "mail", "applicant_type": "other_org"},
    {"event": "withdrawn", "request": "2", "date": "2021-05-20"},
    {"event": "received", "request": "3", "date": "2021-12-20", "channel": "email", "applicant_type": "natural_person"},
    {"event": "appealed", "request": "1", "case": "F1", "date": "2021-06-01", "kind": "reconsideration"},
    {"event": "appeal_decided", "case": "F1", "date": "2021-08-01", "result": "upheld"},
]


def test_the_json_is_the_years_tables_plus_table_two_and_six_sections_cell_by_cell() -> None:
    report = fold_report(SMALL_YEAR, "2021")
    figures = {"regulations": {"issued": 2, "in_force": 7}, "fees": {"amount_10k_yuan": "3.25"}}
    whole = _whole(report, figures=figures)
    for key, value in report.items():  # the §2 object, unchanged
        assert whole[key] == value
    rows = whole["applications"]
    assert rows["new"]["natural_person"] == 2 and rows["new"]["other_org"] == 1 and rows["new"]["total"] == 3
    assert rows["disclosed"]["natural_person"] == 1 and rows["other"]["other_org"] == 1
    assert rows["total_handled"]["total"] == 2 and rows["carried_out"]["natural_person"] == 1
    assert whole["appeals"]["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    # Table 二: every row and column of the 2021 layout, 0 where nothing is recorded, the recorded figures kept.
    proactive = whole["proactive"]
    for block in blocks(TableFormat.F2021):
        for row in block.rows:
            assert set(proactive[row.code]) == {c.code for c in block.columns}
    assert proactive["regulations"] == {"issued": 2, "repealed": 0, "in_force": 7}
    assert proactive["fees"] == {"amount_10k_yuan": "3.25"} and proactive["licensing"] == {"decisions": 0}
    assert [f"{s['number']}、{s['title']}" for s in whole["sections"]] == HEADINGS_2021
    assert paragraphs(_section(whole, "一")) == ["本机关认真做好政府信息公开工作。", "（一）强化机制建设。"]
    assert _section(whole, "三") == (
        "2021年度，本机关新收政府信息公开申请3件（其中自然人2件，法人或其他组织1件），上年结转0件；"
        "办结2件，其中予以公开1件、其他处理1件；结转下年度继续办理1件。"
    )
    assert _section(whole, "四") == (
        "2021年度，本机关因政府信息公开被申请行政复议1件（结果维持1件）；未被提起行政诉讼。"
    )
    assert _section(whole, "五") == "公开内容还不够深入。"
    assert _section(whole, "六") == "本年度未收取政府信息公开信息处理费。"
    assert "closed_year" not in whole and "previous_year" not in whole


def test_the_seeds_2020_report_has_the_2019_layout_and_headings() -> None:
    figures = {"normative_documents": {"made": 3, "published": 3, "total_public": 3}}
    whole = _whole(yinzhou_2020(), figures=figures, texts={"other": "本单位无其他需要报告的事项。"})
    assert [f"{s['number']}、{s['title']}" for s in whole["sections"]] == HEADINGS_2019
    assert len(whole["applications"]) == 23 and "other_no_correction" not in whole["applications"]
    assert set(whole["proactive"]) == {r.code for b in blocks(TableFormat.F2019) for r in b.rows}
    assert whole["proactive"]["procurement"] == {"projects": 0, "amount_yuan": "0"}
    assert whole["proactive"]["normative_documents"] == {"made": 3, "published": 3, "total_public": 3}
    assert _section(whole, "三") == (
        "2020年度，本机关新收政府信息公开申请2件（其中自然人2件，法人或其他组织0件），上年结转0件；"
        "办结2件，其中无法提供1件、不予处理1件；结转下年度继续办理0件。"
    )
    assert _section(whole, "四") == "2020年度，本机关无因政府信息公开被申请行政复议、被提起行政诉讼的情况。"
    assert paragraphs(_section(whole, "六")) == ["本年度未收取政府信息公开信息处理费。", "本单位无其他需要报告的事项。"]


def test_a_closed_year_carries_the_close_and_its_hash() -> None:
    close = YearClose(2020, dt.date(2021, 1, 5), "ab" * 32, yinzhou_2020())
    whole = _whole(yinzhou_2020(), close=close)
    assert whole["closed_year"] == {"closed_on": "2021-01-05", "sha256": "ab" * 32}


@pytest.mark.parametrize(
    ("fees", "sentence"),
    [("0.00", "本年度未收取政府信息公开信息处理费。"), ("1700.00", "本年度收取政府信息公开信息处理费1700.00元。")],
)
def test_section_six_states_the_fees_collected_or_that_none_were(fees: str, sentence: str) -> None:
    report = {**yinzhou_2020(), "fees_collected": fees}
    assert paragraphs(_section(_whole(report), "六"))[0] == sentence


@pytest.mark.parametrize(
    ("last_year_new", "sentence"),
    [
        (1, "新收申请数量比上年（1件）增加1件。"),
        (5, "新收申请数量比上年（5件）减少3件。"),
        (2, "新收申请数量与上年（2件）持平。"),
    ],
)
def test_section_three_compares_new_applications_with_last_year(last_year_new: int, sentence: str) -> None:
    last_year = copy.deepcopy(yinzhou_2020())
    last_year["applications"]["new"]["natural_person"] = last_year["applications"]["new"]["total"] = last_year_new
    whole = _whole(yinzhou_2020(), previous=last_year)
    assert _section(whole, "三").endswith(sentence)
    assert whole["previous_year"] == {"year": 2019, "new": last_year_new, "tables_from": ""}


# -- the checks before anything is built -------------------------------------------------------------


def test_a_report_whose_carried_in_is_not_last_years_carried_out_is_refused() -> None:
    this_year = shanghai_2024()  # carried_in: 2 natural persons
    last_year = copy.deepcopy(this_year)
    last_year["year"] = 2023
    carried_out = last_year["applications"]["carried_out"]
    carried_out["natural_person"] = carried_out["total"] = 3  # the year's 上年结转 says 2
    with pytest.raises(BrokenReportError) as refused:
        assemble(2024, this_year, proactive={}, texts={}, previous=last_year, close=None)
    found = [(p.rule, p.row, p.column, p.left, p.right) for p in refused.value.problems]
    assert found == [("carried_in", "carried_in", "natural_person", 2, 3), ("carried_in", "carried_in", "total", 2, 3)]
    assert "上年结转为 2" in str(refused.value) and "不生成年度报告" in str(refused.value)


def test_a_report_whose_own_tables_break_a_rule_is_refused_naming_row_and_column() -> None:
    broken = shanghai_2024()
    broken["applications"]["disclosed"]["total"] += 1
    with pytest.raises(BrokenReportError) as refused:
        assemble(2024, broken, proactive={}, texts={}, previous=None, close=None)
    (problem, *_) = refused.value.problems
    assert problem.row == "disclosed" and problem.table == "三"
    assert str(problem.message).split(" / ")[0] in str(refused.value)


def test_the_texts_not_yet_recorded_are_named_in_a_warning() -> None:
    done = assemble(2020, yinzhou_2020(), proactive={}, texts={"overview": "概述。"}, previous=None, close=None)
    (warning,) = done.warnings
    assert "五、政府信息公开工作存在的主要问题及改进情况" in warning and "一、总体情况" not in warning


# -- every number in the prose is the table's (hypothesis-generated years) ----------------------------


@st.composite
def balanced_reports(draw: st.DrawFn) -> dict[str, Any]:
    """Return a report of either format whose tables keep every rule (any counts in any cells)."""
    year = draw(st.integers(2019, 2030))
    fmt = TableFormat.for_year(year)
    rows = [row.code for row in table3_rows(fmt)]
    outcomes = rows[2:-2]
    count = st.integers(0, 40)
    applications: dict[str, dict[str, int]] = {row: dict.fromkeys(APPLICANT_COLUMNS, 0) for row in rows}
    for column in PERSONS:
        for row in outcomes:
            applications[row][column] = draw(count) if draw(st.booleans()) else 0
        handled = sum(applications[row][column] for row in outcomes)
        applications["total_handled"][column] = handled
        applications["carried_out"][column] = draw(count)
        applications["carried_in"][column] = draw(st.integers(0, handled + applications["carried_out"][column]))
        came = handled + applications["carried_out"][column] - applications["carried_in"][column]
        applications["new"][column] = came
    for values in applications.values():
        values["total"] = sum(values[c] for c in PERSONS)
    appeals = {}
    for group in APPEAL_GROUPS:
        values = {result: draw(st.integers(0, 3)) for result in RESULTS}
        appeals[group] = {**values, "total": sum(values.values())}
    fees = draw(st.sampled_from(["0.00", "100.00", "1700.00", "30.50"]))
    return {
        "year": year,
        "format": fmt.value,
        "agency": "测试机关",
        "agency_code": "A",
        "applications": applications,
        "appeals": appeals,
        "fees_collected": fees,
    }


def _read_applications(text: str) -> dict[str, int]:
    """Parse section 三's first paragraph back into figures by their words."""
    found = dict(
        re.findall(r"(新收政府信息公开申请|自然人|法人或其他组织|上年结转|办结|结转下年度继续办理)(\d+)件", text)
    )
    found |= dict(re.findall(r"(予以公开|部分公开|不予公开|无法提供|不予处理|其他处理)(\d+)件", text))
    return {words: int(n) for words, n in found.items()}


@settings(max_examples=150, deadline=None)
@given(report=balanced_reports(), previous=st.none() | balanced_reports())
def test_every_number_in_the_prose_equals_the_table_it_comes_from(
    report: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    assert check_report(report) == []  # the generated years keep every rule
    whole = _whole(report, previous=previous, texts={})
    rows = report["applications"]
    three = _section(whole, "三")
    said = _read_applications(three)
    assert said["新收政府信息公开申请"] == rows["new"]["total"]
    assert said["上年结转"] == rows["carried_in"]["total"]
    assert said["办结"] == rows["total_handled"]["total"]
    assert said["结转下年度继续办理"] == rows["carried_out"]["total"]
    if rows["new"]["total"]:
        assert said["自然人"] == rows["new"]["natural_person"]
        assert said["法人或其他组织"] == rows["new"]["total"] - rows["new"]["natural_person"]
    for words, codes in OUTCOME_GROUPS:  # every group with cases is named with its sum; none without
        assert said.get(words, 0) == group_count(rows, codes)
    change = re.search(r"比上年（(\d+)件）(增加|减少)(\d+)件|与上年（(\d+)件）持平", three)
    assert (change is None) == (previous is None)
    if change and previous is not None:
        before = previous["applications"]["new"]["total"]
        if change[4] is not None:
            assert int(change[4]) == before == rows["new"]["total"]
        else:
            sign = 1 if change[2] == "增加" else -1
            assert int(change[1]) == before and rows["new"]["total"] - before == sign * int(change[3])
    _check_appeals(report, _section(whole, "四"))
    fees = report["fees_collected"]
    six = paragraphs(_section(whole, "六"))[0]
    assert six == (
        "本年度未收取政府信息公开信息处理费。" if fees == "0.00" else f"本年度收取政府信息公开信息处理费{fees}元。"
    )


def _check_appeals(report: dict[str, Any], four: str) -> None:
    appeals = report["appeals"]
    suits = appeals["litigation_direct"]["total"] + appeals["litigation_after_reconsideration"]["total"]
    if appeals["reconsideration"]["total"] + suits == 0:
        assert not re.search(r"\d+件", four)
        return
    reconsideration = re.search(r"被申请行政复议(\d+)件(（[^）]*）)?", four)
    assert (reconsideration is None) == (appeals["reconsideration"]["total"] == 0)
    litigation = re.search(r"被提起行政诉讼(\d+)件", four)
    assert (litigation is None) == (suits == 0)
    if litigation:
        assert int(litigation[1]) == suits
    groups = {
        "reconsideration": r"被申请行政复议",
        "litigation_direct": "未经复议直接起诉",
        "litigation_after_reconsideration": "复议后起诉",
    }
    labels = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}
    for group, words in groups.items():
        found = re.search(words + r"(\d+)件(?:（([^）]*)）)?", four)
        if found is None:
            assert appeals[group]["total"] == 0
            continue
        assert int(found[1]) == appeals[group]["total"]
        said = {w: int(n) for w, n in re.findall(r"(结果维持|结果纠正|其他结果|尚未审结)(\d+)件", found[2] or "")}
        assert said == {labels[r]: appeals[group][r] for r in RESULTS if appeals[group][r]}
