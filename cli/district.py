"""`report … --all-agencies` and `--by-agency`: a district's roll-up, or one table per agency in one document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cli.reports import write_text
from domain.codes import TableFormat

FORMATS = ("table", "json", "markdown")


def emit_district(
    tracker: Any,
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
        raise click.UsageError(f"--all-agencies and --by-agency print {', '.join(FORMATS)}; not --format {fmt}")
    options: dict[str, Any] = {
        "table_format": TableFormat(table_format) if table_format else None,
        "include_earlier_pending": include_earlier_pending,
    }
    if by_agency:
        reports = tracker.reports_by_agency(period, **options)
    else:
        reports = [tracker.district_report(period, **options)]
    if fmt == "json":
        document: Any = reports if by_agency else reports[0]
        write_text(json.dumps(document, ensure_ascii=False), output)
    elif fmt == "markdown":
        from projections.render.markdown import render_markdown

        write_text("\n\n".join(render_markdown(report) for report in reports), output)
    else:
        from rich.console import Group

        from cli.reports import print_table, render_table

        print_table(Group(*(render_table(report) for report in reports)), output)
