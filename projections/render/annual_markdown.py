"""Render the whole annual report as GitHub Markdown: the six sections, tables 二, 三 and 四, the office's text."""

from __future__ import annotations

from domain.labels import BALANCE_NOTE
from domain.proactive import ITEM_HEADER, blocks
from domain.report_sections import paragraphs
from projections.render.annual_docx import closing_line
from projections.render.markdown import escape, md_header, md_row, table3_markdown, table4_markdown
from projections.render.rows import Report, table_format


def _table2(whole: Report) -> list[str]:
    figures = whole["proactive"]
    parts = []
    for block in blocks(table_format(whole)):
        lines = [f"**{block.item}**", "", *md_header(ITEM_HEADER, [c.label for c in block.columns])]
        for row in block.rows:
            values = [str(figures.get(row.code, {}).get(c.code, c.zero())) for c in block.columns]
            lines.append(md_row([row.label, *values]))
        parts.append("\n".join(lines))
    return parts


def render_annual_markdown(whole: Report) -> str:
    """Return a checked annual report (projections/annual_report.py) as GitHub Markdown."""
    parts = [f"# {escape(str(whole['agency']))}{whole['year']}年度政府信息公开工作年度报告"]
    for section in whole["sections"]:
        parts.append(f"## {section['number']}、{section['title']}")
        text = [escape(p) for p in paragraphs(section["text"])]
        if section["number"] == "二":
            parts += [*_table2(whole), *text]
            continue
        parts += text
        if section["number"] == "三":
            parts += [f"*{BALANCE_NOTE}*", table3_markdown(whole)]
        elif section["number"] == "四":
            parts.append(table4_markdown(whole))
    closed = whole.get("closed_year")
    if closed:
        parts.append(escape(closing_line(closed)))
    return "\n\n".join(parts) + "\n"
