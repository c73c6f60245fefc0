"""The whole annual report (docs/annual-report.md, a contract): the year's tables, table 二 and six sections. Pure.

`build_annual_report` takes the year's report JSON (tables 三 and 四), its table 二 and the office's texts, last
year's tables when known and the year's close when closed, and returns the report JSON the documents print: the
tables' object plus `"proactive"` and `"sections"`. The sentences of 三, 四 and 六 are written from the tables
(projections/annual_prose.py), so that the prose can never say another number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.closing import YearClose
from domain.codes import TableFormat
from domain.report_sections import HEADINGS, SECTION_NUMBERS, TextSection, paragraphs, section_title
from projections.annual_prose import appeals_sentence, applications_sentence, fees_sentence
from projections.render.rows import Report, table_format

PARAGRAPH_BREAK = "\n\n"  # a section's text: paragraphs separated by a blank line, as report_text_recorded holds them


def _join(*parts: str) -> str:
    return PARAGRAPH_BREAK.join(p for part in parts for p in paragraphs(part))


def build_annual_report(
    report: Report,
    *,
    proactive: Report,
    texts: Mapping[str, str],
    previous: Report | None = None,
    close: YearClose | None = None,
) -> Report:
    """Return the whole report's JSON: the year's tables, `proactive` (table 二) and the six `sections`."""
    drawn = {
        "三": applications_sentence(report, previous),
        "四": appeals_sentence(report),
    }
    recorded = {number: texts.get(section.value, "") for section, number in SECTION_NUMBERS.items()}
    sections = []
    for number, title in HEADINGS[table_format(report)]:
        own = recorded.get(number, "")
        text = _join(fees_sentence(report), own) if number == "六" else _join(drawn.get(number, ""), own)
        sections.append({"number": number, "title": title, "text": text})
    whole: dict[str, Any] = {**report, "proactive": dict(proactive), "sections": sections}
    if previous is not None:
        whole["previous_year"] = {
            "year": int(report["year"]) - 1,
            "new": previous["applications"]["new"]["total"],
            "tables_from": previous.get("tables_from", ""),  # closed_year, events or imported_report
        }
    if close is not None:
        whole["closed_year"] = {"closed_on": close.closed_on.isoformat(), "sha256": close.sha256}
    return whole


def missing_texts(texts: Mapping[str, str], fmt: TableFormat) -> list[str]:
    """Return the headings ("一、总体情况" …) of the text sections whose office text is not recorded yet."""
    return [section_title(section, fmt) for section in TextSection if not texts.get(section.value, "").strip()]
