"""`report` and `replay`: the tables in the clerk's chosen format, and the year-end rebuild."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from domain.codes import TableFormat
from domain.labels import (
    APPEAL_COLUMN_LABELS,
    APPEAL_GROUP_LABELS,
    APPLICANT_LABELS,
    BALANCE_NOTE,
    LITIGATION_LABEL,
    ORG_GROUP_LABEL,
)
from projections.tables import APPEAL_COLUMNS, COLUMNS


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"已写入 written: {output}", err=True)


def render_table(report: dict[str, Any]) -> Any:
    """Return rich tables 三 and 四 in the official layout: group and sub-group headings, then the rows."""
    from rich.console import Group
    from rich.table import Table

    from projections.render.rows import fees_text, period_text, table3_rows, table_format

    columns = [*COLUMNS, "total"]
    code = f"（{report['agency_code']}）" if report["agency_code"] else ""  # the placeholder has none to show
    title = f"{report['agency']}{code}{period_text(report)} 三、收到和处理政府信息公开申请情况"
    three = Table(title=title, caption=BALANCE_NOTE)
    three.add_column("", max_width=36, overflow="fold")
    for column in columns:
        label = APPLICANT_LABELS[column]
        in_org_group = column not in ("natural_person", "total")
        three.add_column(f"{ORG_GROUP_LABEL}\n{label}" if in_org_group else label, justify="right")
    heading = ("", "")
    for row in table3_rows(table_format(report)):
        if row.group and row.group != heading[0]:
            three.add_row(f"[bold]{row.group}[/bold]")
        if row.subgroup and (row.group, row.subgroup) != heading:
            three.add_row(f"  {row.subgroup}")
        heading = (row.group, row.subgroup)
        indent = "    " if row.subgroup else "  " if row.group else ""
        values = report["applications"][row.code]
        three.add_row(f"{indent}{row.label}", *(str(values[c]) for c in columns))
    four = Table(title="四、政府信息公开行政复议、行政诉讼情况")
    four.add_column("")
    for column in APPEAL_COLUMNS:
        four.add_column(APPEAL_COLUMN_LABELS[column], justify="right")
    for group, values in report["appeals"].items():
        label = APPEAL_GROUP_LABELS[group]
        label = label if group == "reconsideration" else f"{LITIGATION_LABEL}·{label}"
        four.add_row(label, *(str(values[c]) for c in APPEAL_COLUMNS))
    return Group(three, four, fees_text(report) or "")


def emit_report(
    tracker: Any,
    period: str,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    *,
    include_earlier_pending: bool = False,
) -> None:
    """Print or write one report in the chosen format (xlsx, docx: a file; html: a page)."""
    if fmt in ("xlsx", "docx") and output is None:
        raise click.UsageError(f"--format {fmt} writes a file: add -o FILE.{fmt}")
    if fmt == "docx" and len(period) == 7:
        raise click.UsageError(
            "the monthly filing is a workbook: use --format xlsx or html (docx is for annual tables)"
        )
    report = tracker.report(
        period,
        table_format=TableFormat(table_format) if table_format else None,
        include_earlier_pending=include_earlier_pending,
    )
    if len(period) == 4:
        _note_closed(tracker, int(period), report)
    if fmt in ("xlsx", "html", "docx"):
        _emit_document(tracker, period, fmt, report, output)
    elif fmt == "json":
        _write(json.dumps(report, ensure_ascii=False), output)
    elif fmt == "markdown":
        from projections.render.markdown import render_markdown

        _write(render_markdown(report), output)
    else:
        from rich.console import Console

        console = Console(file=output.open("w", encoding="utf-8") if output else sys.stdout, width=200)
        console.print(render_table(report))


def _note_closed(tracker: Any, year: int, report: dict[str, Any]) -> None:
    """Say on stderr (and in the JSON, as an extra key) whether the year is closed and still equal."""
    from service.reports import closed_status

    status = closed_status(tracker, year)
    if status is not None:
        click.echo(status.message(), err=True)
        report["closed_year"] = status.to_json()


def _emit_document(tracker: Any, period: str, fmt: str, report: dict[str, Any], output: Path | None) -> None:
    """Write the monthly filing workbook or page, or the annual tables as XLSX, DOCX or HTML."""
    from projections.render import render_html, write_docx, write_xlsx

    if len(period) == 7:
        from projections.render.monthly import render_monthly_html
        from projections.render.monthly_xlsx import write_monthly_xlsx
        from service.documents import monthly_ledger

        ledger = monthly_ledger(tracker, period)
        if fmt == "xlsx":
            assert output is not None
            write_monthly_xlsx(ledger, report, output)
        else:
            _write(render_monthly_html(ledger, report), output)
    elif fmt == "html":
        from service.documents import monthly_series

        _write(render_html(report, monthly_series=monthly_series(tracker, int(period))), output)
    else:
        assert output is not None
        (write_xlsx if fmt == "xlsx" else write_docx)(report, output)
    if output is not None and fmt != "html":
        click.echo(f"已写入 written: {output}", err=True)


def run_replay(tracker: Any, progress: Callable[[str, int | None], Any]) -> None:
    """Rebuild the tables, say whether they agree with the maintained ones, and exit 1 if not."""
    bar = progress("重放 replaying", None)
    try:
        rebuilt, found = tracker.replay(bar.advance_task if bar else None)
    finally:
        if bar:
            bar.stop()
    if not found:
        click.echo(f"一致 agree: {rebuilt.events} events replayed; the maintained tables equal the rebuilt ones")
        return
    click.echo(f"不一致 disagree: {rebuilt.events} events replayed; differences (the rebuilt tables now replace them):")
    for line in found:
        click.echo(f"  {line}")
    sys.exit(1)
