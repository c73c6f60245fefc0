"""`report` and `replay`: the tables in the clerk's chosen format, and the year-end rebuild."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from domain.codes import TableFormat
from domain.labels import APPEAL_COLUMN_LABELS, APPEAL_GROUP_LABELS, APPLICANT_LABELS, OTHER_LABEL_2019, ROW_LABELS
from projections.tables import APPEAL_COLUMNS, COLUMNS


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"已写入 written: {output}", err=True)


def _row_label(code: str, table_format: str) -> str:
    if code == "other" and table_format == TableFormat.F2019:
        return OTHER_LABEL_2019
    _, sub, own = ROW_LABELS[code]
    return f"{sub} {own}" if sub and own.startswith("1.") else own


def render_table(report: dict[str, Any]) -> Any:
    """Return rich tables 三 and 四 with the official labels."""
    from rich.console import Group
    from rich.table import Table

    period = f"{report['year']}年" if "year" in report else report["month"]
    three = Table(title=f"{report['agency']}（{report['agency_code']}）{period} 三、收到和处理政府信息公开申请情况")
    three.add_column("")
    for column in [*COLUMNS, "total"]:
        three.add_column(APPLICANT_LABELS[column], justify="right")
    for code, values in report["applications"].items():
        three.add_row(_row_label(code, report["format"]), *(str(values[c]) for c in [*COLUMNS, "total"]))
    four = Table(title="四、政府信息公开行政复议、行政诉讼情况")
    four.add_column("")
    for column in APPEAL_COLUMNS:
        four.add_column(APPEAL_COLUMN_LABELS[column], justify="right")
    for group, values in report["appeals"].items():
        four.add_row(APPEAL_GROUP_LABELS[group], *(str(values[c]) for c in APPEAL_COLUMNS))
    fees = f"收取费用 fees collected: {report['fees_collected']} 元"
    return Group(three, four, fees)


def emit_report(
    tracker: Any,
    period: str,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    *,
    include_earlier_pending: bool = False,
) -> None:
    """Print or write one report in the chosen format."""
    report = tracker.report(
        period,
        table_format=TableFormat(table_format) if table_format else None,
        include_earlier_pending=include_earlier_pending,
    )
    if fmt == "json":
        _write(json.dumps(report, ensure_ascii=False), output)
    elif fmt == "markdown":
        from projections.render.markdown import render_markdown

        _write(render_markdown(report), output)
    else:
        from rich.console import Console

        console = Console(file=output.open("w", encoding="utf-8") if output else sys.stdout, width=200)
        console.print(render_table(report))


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
