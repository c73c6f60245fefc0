"""Render tables 三 and 四 as GitHub Markdown (no merged cells: group labels become heading rows)."""

from __future__ import annotations

from collections.abc import Iterable

from domain.codes import AppealKind
from domain.labels import (
    APPEAL_COLUMN_LABELS,
    APPEAL_GROUP_LABELS,
    APPLICANT_LABELS,
    BALANCE_NOTE,
    LITIGATION_LABEL,
    ORG_GROUP_LABEL,
)
from projections.render.balance import check_balance
from projections.render.rows import (
    AMENDMENT_TITLE,
    APPEAL_GROUPS,
    APPLICANT_COLUMNS,
    TABLE3_TITLE,
    TABLE4_TITLE,
    Report,
    amendment_lines,
    fees_text,
    report_rows,
    title,
)
from projections.tables import APPEAL_COLUMNS


def render_markdown(report: Report) -> str:
    """Return tables 三 and 四 of a balanced report as GitHub Markdown."""
    check_balance(report)
    parts = [f"# {escape(title(report))}", f"## {TABLE3_TITLE}", f"*{BALANCE_NOTE}*", table3_markdown(report)]
    parts += [f"## {TABLE4_TITLE}", table4_markdown(report)]
    fees = fees_text(report)
    if fees:
        parts.append(fees)
    if lines := amendment_lines(report):
        parts += [f"## {AMENDMENT_TITLE}", escape(lines[0]), "\n".join(f"- {escape(line)}" for line in lines[1:])]
    return "\n\n".join(parts) + "\n"


def escape(text: str) -> str:
    for char in "\\|*_`[]<>#":
        text = text.replace(char, "\\" + char)
    return text


def md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_header(first: str, labels: list[str]) -> list[str]:
    return [md_row([first, *labels]), md_row([":---", *("---:" for _ in labels)])]


def _applicant_label(column: str) -> str:
    if column in (APPLICANT_COLUMNS[0], "total"):
        return APPLICANT_LABELS[column]
    return f"{ORG_GROUP_LABEL}·{APPLICANT_LABELS[column]}"


def table3_markdown(report: Report) -> str:
    counts = report["applications"]
    lines = md_header("项目", [_applicant_label(c) for c in APPLICANT_COLUMNS])
    blanks = [""] * len(APPLICANT_COLUMNS)
    group = subgroup = ""
    for row in report_rows(report):
        if row.group and row.group != group:
            lines.append(md_row([f"**{row.group}**", *blanks]))
        if row.subgroup and row.subgroup != subgroup:
            lines.append(md_row(["　" + row.subgroup, *blanks]))
        group, subgroup = row.group, row.subgroup
        indent = "　" * (bool(row.group) + bool(row.subgroup))
        lines.append(md_row([indent + row.label, *(str(counts[row.code][c]) for c in APPLICANT_COLUMNS)]))
    return "\n".join(lines)


def _appeal_group_label(group: str) -> str:
    if group == AppealKind.RECONSIDERATION:
        return APPEAL_GROUP_LABELS[group]
    return f"{LITIGATION_LABEL}·{APPEAL_GROUP_LABELS[group]}"


def table4_markdown(report: Report) -> str:
    appeals = report["appeals"]
    lines = md_header("", [APPEAL_COLUMN_LABELS[c] for c in APPEAL_COLUMNS])
    for group in APPEAL_GROUPS:
        lines.append(md_row([_appeal_group_label(group), *(str(appeals[group][c]) for c in APPEAL_COLUMNS)]))
    return "\n".join(lines)
