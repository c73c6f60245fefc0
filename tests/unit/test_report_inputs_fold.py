"""Table 二's figures and the office's text fold into the agency as their events' `changes` say."""

from __future__ import annotations

from typing import Any

import pytest

from domain.agency import Agency, agency_id
from domain.errors import RefusedError
from domain.lines import LineError
from tests.conftest import book_of


def _agency(lines: list[dict[str, Any]]) -> Agency:
    agency = book_of(lines).get(agency_id("A"))
    assert isinstance(agency, Agency)
    return agency


def _figures(date: str, year: int, figures: dict[str, Any]) -> dict[str, Any]:
    return {"event": "proactive_figures_recorded", "date": date, "year": year, "figures": figures}


def _text(date: str, year: int, section: str, text: str) -> dict[str, Any]:
    return {"event": "report_text_recorded", "date": date, "year": year, "section": section, "text": text}


def test_a_later_record_replaces_only_the_rows_it_names() -> None:
    agency = _agency(
        [
            _figures("2022-01-05", 2021, {"regulations": {"issued": 1, "repealed": 2}, "licensing": {"decisions": 5}}),
            _figures("2022-01-06", 2021, {"regulations": {"issued": 4}}),
            _figures("2022-01-06", 2020, {"procurement": {"projects": 2, "amount_yuan": "1700.00"}}),
        ]
    )
    assert agency.proactive[2021] == {"regulations": {"issued": 4}, "licensing": {"decisions": 5}}
    assert agency.proactive[2020] == {"procurement": {"projects": 2, "amount_yuan": "1700.00"}}
    names = [e.name for e in agency.history]
    assert names.count("proactive_figures_recorded") == 3  # the history keeps every record


def test_the_latest_text_per_section_wins_and_the_history_stays() -> None:
    agency = _agency(
        [
            _text("2021-01-05", 2020, "overview", "初稿"),
            _text("2021-01-06", 2020, "other", "本单位无其他需要报告的事项。"),
            _text("2021-01-07", 2020, "overview", "定稿第一段\n\n定稿第二段"),
            _text("2021-01-07", 2019, "overview", "上年"),
        ]
    )
    assert agency.report_texts == {
        (2020, "overview"): "定稿第一段\n\n定稿第二段",
        (2020, "other"): "本单位无其他需要报告的事项。",
        (2019, "overview"): "上年",
    }
    texts = [e.text for e in agency.history if isinstance(e, Agency.ReportTextRecorded)]
    assert texts[:3] == ["初稿", "本单位无其他需要报告的事项。", "定稿第一段\n\n定稿第二段"]


def test_figures_or_text_for_a_year_not_yet_begun_are_refused() -> None:
    with pytest.raises(RefusedError, match="尚未开始"):
        book_of([_figures("2022-01-05", 2023, {"licensing": {"decisions": 5}})])
    with pytest.raises(RefusedError, match="尚未开始"):
        book_of([_text("2022-01-05", 2023, "overview", "x")])


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (_figures("2022-01-05", 2021, {"regulations": {"made": 1}}), "figures.regulations.made"),
        (_figures("2022-01-05", 2021, {"licensing": {"decisions": -1}}), "figures.licensing.decisions"),
        (_figures("2022-01-05", 2020, {"licensing": {"change": "x"}}), "figures.licensing.change"),
        (_figures("2022-01-05", 2021, {}), "figures"),
        (_text("2022-01-05", 2021, "summary", "x"), "section"),
        (_text("2022-01-05", 2021, "overview", " \n "), "text"),
        (_text("2022-01-05", 2021, "overview", "a\x1b[31m"), "text"),
    ],
)
def test_a_bad_line_is_refused_naming_its_field(line: dict[str, Any], field: str) -> None:
    with pytest.raises(LineError) as raised:
        book_of([line])
    assert raised.value.field == field


def test_put_and_merge_read_alike_written_out_and_interpreted() -> None:
    from types import SimpleNamespace

    from domain.changes import Merge, Put, changed_fields, compiled

    changes = (Merge("figures", "year", "rows"), Put("texts", ("year", "section"), "text"))
    state = SimpleNamespace(figures={2021: {"a": {"x": 1}, "b": {"y": 2}}}, texts={(2021, "other"): "旧"})
    event = SimpleNamespace(year=2021, section="other", rows={"a": {"z": 3}}, text="新")
    interpreted = changed_fields(changes, lambda field: getattr(state, field), event)
    compiled(changes)(state, event)
    assert interpreted == {"figures": state.figures, "texts": state.texts}
    assert state.figures == {2021: {"a": {"z": 3}, "b": {"y": 2}}} and state.texts == {(2021, "other"): "新"}
