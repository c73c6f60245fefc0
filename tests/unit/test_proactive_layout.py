"""Table 二's layout in both formats and the checks of its figures (domain/proactive.py)."""

from __future__ import annotations

import pytest

from domain.codes import TableFormat
from domain.proactive import (
    FigureError,
    blocks,
    check_figures,
    column_code,
    empty_figures,
    filled,
    replaced_rows,
    row_code,
)
from domain.report_sections import TextSection, section_labels, section_title


def test_the_2021_layout_has_four_blocks_and_the_2019_layout_five() -> None:
    assert [b.item for b in blocks(TableFormat.F2021)] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert [b.item for b in blocks(TableFormat.F2019)][-1] == "第二十条第（九）项"
    assert empty_figures(TableFormat.F2021) == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
        "licensing": {"decisions": 0},
        "penalties": {"decisions": 0},
        "enforcement": {"decisions": 0},
        "fees": {"amount_10k_yuan": "0"},
    }
    table_2019 = empty_figures(TableFormat.F2019)
    assert list(table_2019) == [
        "regulations",
        "normative_documents",
        "licensing",
        "other_services",
        "penalties",
        "enforcement",
        "fees",
        "procurement",
    ]
    assert table_2019["fees"] == {"items_last_year": 0, "change": 0}
    assert table_2019["procurement"] == {"projects": 0, "amount_yuan": "0"}


def test_the_seed_2020_figures_fit_the_2019_layout() -> None:
    figures = {"normative_documents": {"made": 3, "published": 3, "total_public": 3}}
    assert check_figures(2020, figures) == figures
    whole = filled(TableFormat.F2019, figures)
    assert whole["normative_documents"]["made"] == 3 and whole["regulations"]["made"] == 0


def test_a_change_may_be_negative_and_a_count_may_not() -> None:
    assert check_figures(2020, {"licensing": {"change": -2}}) == {"licensing": {"change": -2}}
    with pytest.raises(FigureError, match=r"licensing\.decisions") as raised:
        check_figures(2020, {"licensing": {"decisions": -1}})
    assert "不能为负" in str(raised.value)


@pytest.mark.parametrize(
    ("year", "figures", "where", "other_format"),
    [
        (2021, {"regulations": {"made": 1}}, "regulations.made", True),
        (2021, {"procurement": {"projects": 1}}, "procurement", True),
        (2020, {"regulations": {"issued": 1}}, "regulations.issued", True),
        (2021, {"regulations": {"bogus": 1}}, "regulations.bogus", False),
        (2021, {"bogus": {"issued": 1}}, "bogus", False),
        (2021, {"regulations": {"issued": "3"}}, "regulations.issued", False),
        (2021, {"regulations": {"issued": True}}, "regulations.issued", False),
        (2021, {"regulations": {"issued": 1.5}}, "regulations.issued", False),
        (2021, {"fees": {"amount_10k_yuan": 12.5}}, "fees.amount_10k_yuan", False),
        (2021, {"fees": {"amount_10k_yuan": "-1"}}, "fees.amount_10k_yuan", False),
        (2020, {"procurement": {"amount_yuan": "1.234"}}, "procurement.amount_yuan", False),
        (2021, {"regulations": {}}, "regulations", False),
        (2021, {}, "figures", False),
        (2021, [], "figures", False),
    ],
)
def test_figures_that_do_not_fit_the_year_are_refused_naming_where(
    year: int, figures: object, where: str, other_format: bool
) -> None:
    with pytest.raises(FigureError) as raised:
        check_figures(year, figures)
    assert raised.value.where == where and raised.value.other_format is other_format
    assert str(raised.value).startswith(where)


def test_money_is_a_decimal_string() -> None:
    assert check_figures(2021, {"fees": {"amount_10k_yuan": "12.3456"}}) == {"fees": {"amount_10k_yuan": "12.3456"}}
    assert check_figures(2020, {"procurement": {"amount_yuan": "1700.50"}})


def test_a_later_record_replaces_only_the_rows_it_names() -> None:
    held = {"regulations": {"issued": 1, "repealed": 2}, "licensing": {"decisions": 5}}
    new = {"regulations": {"issued": 4}}
    assert replaced_rows(held, new) == {"regulations": {"issued": 4}, "licensing": {"decisions": 5}}


def test_chinese_labels_name_rows_and_columns() -> None:
    assert row_code(TableFormat.F2021, "行政规范性文件") == "normative_documents"
    assert row_code(TableFormat.F2019, "规范性文件") == "normative_documents"
    assert row_code(TableFormat.F2021, "政府集中采购") is None
    assert column_code(TableFormat.F2021, "regulations", "本年制发件数") == "issued"
    assert column_code(TableFormat.F2019, "licensing", "本年增/减") == "change"
    assert column_code(TableFormat.F2021, "fees", "本年收费金额（单位：万元）") == "amount_10k_yuan"


def test_text_sections_have_their_headings_in_both_formats() -> None:
    assert section_title(TextSection.PROBLEMS, TableFormat.F2019) == "五、政府信息公开工作存在的主要问题及改进情况"
    assert section_title(TextSection.PROBLEMS, TableFormat.F2021) == "五、存在的主要问题及改进情况"
    labels = section_labels()
    assert labels["一"] is TextSection.OVERVIEW and labels["其他需要报告的事项"] is TextSection.OTHER


def test_a_sections_paragraphs_are_split_at_blank_lines_and_joined_within() -> None:
    from domain.report_sections import paragraphs

    text = "2020年，区司法局\n严格按照要求。\r\n\r\n（一）强化机制建设。\n \n\n第三段"
    assert paragraphs(text) == ["2020年，区司法局严格按照要求。", "（一）强化机制建设。", "第三段"]
    assert paragraphs("\n\n") == []
