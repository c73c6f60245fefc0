"""The six sections of the annual report and the three the office writes itself (pure; docs/tables.md).

Headings per format (§8 of the contract): the 2019 format's 五 reads "政府信息公开工作存在的主要问题及改进情况".
Sections 一 (overview), 五 (problems) and 六 (other) hold the office's own text, recorded with
`report_text_recorded`; 二, 三 and 四 are tables 二, 三 and 四.
"""

from __future__ import annotations

from enum import StrEnum

from domain.codes import TableFormat


class TextSection(StrEnum):
    """A section whose text the office writes (`report_text_recorded.section`)."""

    OVERVIEW = "overview"  # 一、总体情况
    PROBLEMS = "problems"  # 五、存在的主要问题及改进情况
    OTHER = "other"  # 六、其他需要报告的事项


HEADINGS: dict[TableFormat, tuple[tuple[str, str], ...]] = {
    TableFormat.F2021: (
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "存在的主要问题及改进情况"),
        ("六", "其他需要报告的事项"),
    ),
    TableFormat.F2019: (
        ("一", "总体情况"),
        ("二", "主动公开政府信息情况"),
        ("三", "收到和处理政府信息公开申请情况"),
        ("四", "政府信息公开行政复议、行政诉讼情况"),
        ("五", "政府信息公开工作存在的主要问题及改进情况"),
        ("六", "其他需要报告的事项"),
    ),
}

SECTION_NUMBERS: dict[TextSection, str] = {
    TextSection.OVERVIEW: "一",
    TextSection.PROBLEMS: "五",
    TextSection.OTHER: "六",
}


def section_title(section: TextSection, table_format: TableFormat) -> str:
    """Return a text section's heading in a format, e.g. "五、存在的主要问题及改进情况"."""
    number = SECTION_NUMBERS[section]
    title = dict(HEADINGS[table_format])[number]
    return f"{number}、{title}"


def section_labels() -> dict[str, TextSection]:
    """Return every Chinese name a clerk may give a text section: its number, its titles in both formats."""
    labels: dict[str, TextSection] = {}
    for section, number in SECTION_NUMBERS.items():
        labels[number] = section
        for table_format in TableFormat:
            title = dict(HEADINGS[table_format])[number]
            labels[title] = section
            labels[f"{number}、{title}"] = section
    return labels
