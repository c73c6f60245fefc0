"""`report … --all-agencies` and `--by-agency`: a district's roll-up, or one table per agency in one document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.params import ClerkUsageError
from domain.codes import TableFormat
from domain.messages import zh_en

if TYPE_CHECKING:
    from service.reports import Reports

FORMATS = ("table", "json", "markdown")


def emit_district(
    tracker: Reports,
    period: str,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    *,
    by_agency: bool,
    include_earlier_pending: bool = False,
) -> None:
    """Print or write the roll-up (one contract object) or every agency's report (a JSON array by agency code)."""
    if fmt not in FORMATS:
        raise ClerkUsageError(
            zh_en(
                f"--all-agencies 和 --by-agency 只能输出 {', '.join(FORMATS)}，不能用 --format {fmt}",
                f"--all-agencies and --by-agency print {', '.join(FORMATS)}; not --format {fmt}",
            )
        )
    chosen = TableFormat(table_format) if table_format else None
    if by_agency:
        reports = tracker.reports_by_agency(
            period, table_format=chosen, include_earlier_pending=include_earlier_pending
        )
    else:
        reports = [
            tracker.district_report(period, table_format=chosen, include_earlier_pending=include_earlier_pending)
        ]
    if fmt == "json":
        document: object = reports if by_agency else reports[0]
        _write(json.dumps(document, ensure_ascii=False), output)
    elif fmt == "markdown":
        from projections.render.markdown import render_markdown

        _write("\n\n".join(render_markdown(report) for report in reports), output)
    else:
        from cli.reports import print_tables

        print_tables(reports, output)


def _write(text: str, output: Path | None) -> None:
    """Print text on stdout, or write it into a private file (service/files.py)."""
    if output is None:
        click.echo(text)
    else:
        from service.files import output_file

        with output_file(output) as stream:
            stream.write(text + "\n")
        click.echo(f"已写入 written: {output}", err=True)
