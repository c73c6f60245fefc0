"""The six sections of the annual report and the three the office writes itself (pure; docs/tables.md).

Headings per format (§8 of the contract): the 2019 format's 五 reads "政府信息公开工作存在的主要问题及改进情况".
Sections 一 (overview), 五 (problems) and 六 (other) hold the office's own text, recorded with
`report_text_recorded`; 二, 三 and 四 are tables 二, 三 and 四.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.codes import TableFormat
from domain.hygiene import check_text, clean_text
from domain.messages import zh_en

MAX_SECTION_TEXT = 50_000  # a section of a published report runs to a few thousand characters


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
        for table_format in (TableFormat.F2021, TableFormat.F2019):  # the current heading first: listings show it
            title = dict(HEADINGS[table_format])[number]
            labels[f"{number}、{title}"] = section
            labels[title] = section
        labels[number] = section
    return labels


def check_section_text(value: object) -> str:
    """Return a section's text as given, or raise ValueError: text, not blank, no control characters, not too long."""
    if not isinstance(value, str):
        raise ValueError(zh_en("应为文本（字符串）", f"must be a string, not {type(value).__name__}"))
    if not value.strip():
        raise ValueError(zh_en("正文不能为空", "the text is empty"))
    clean_text(value, MAX_SECTION_TEXT)
    check_text(value, name=False)
    return value


# A section's text: paragraphs separated by a blank line (docs/import-format.md).


def paragraphs(text: str) -> list[str]:
    """Return a section's paragraphs: the text split at blank lines, a paragraph's lines joined (Chinese prose)."""
    parts = re.split(r"\n[ \t\u3000]*\n", text.replace("\r\n", "\n"))
    return ["".join(line.strip() for line in part.splitlines()) for part in parts if part.strip()]
