"""`report` and `replay`: the tables in the clerk's chosen format, and the year-end rebuild."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.params import ClerkUsageError
from domain.codes import TableFormat
from domain.labels import (
    APPEAL_COLUMN_LABELS,
    APPEAL_GROUP_LABELS,
    APPLICANT_LABELS,
    BALANCE_NOTE,
    LITIGATION_LABEL,
    ORG_GROUP_LABEL,
)
from domain.messages import zh_en
from projections.tables import APPEAL_COLUMNS, COLUMNS

if TYPE_CHECKING:
    from rich.console import Group

    from cli.progress import ProgressBar
    from projections.tables import ReportJson
    from service.reports import Reports
    from service.tracker import Tracker


def write_output(text: str, output: Path | None) -> None:
    """Print text on stdout, or write it into a private file (service/files.py)."""
    if output is None:
        click.echo(text)
    else:
        from service.files import output_file

        with output_file(output) as stream:
            stream.write(text + "\n")
        click.echo(f"已写入 written: {output}", err=True)


def render_table(report: ReportJson) -> Group:
    """Return rich tables 三 and 四 in the official layout: group and sub-group headings, then the rows."""
    from rich.console import Group
    from rich.table import Table

    from projections.render.rows import amendment_lines, fees_text, period_text, report_rows

    columns = [*COLUMNS, "total"]
    title = f"{report['agency']}{period_text(report)} 三、收到和处理政府信息公开申请情况"
    three = Table(title=title, caption=BALANCE_NOTE)
    three.add_column("", max_width=36, overflow="fold")
    for column in columns:
        label = APPLICANT_LABELS[column]
        in_org_group = column not in ("natural_person", "total")
        three.add_column(f"{ORG_GROUP_LABEL}\n{label}" if in_org_group else label, justify="right")
    heading = ("", "")
    for row in report_rows(report):
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
    return Group(three, four, fees_text(report) or "", "\n".join(amendment_lines(report)))


def emit_report(
    tracker: Reports,
    period: str,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    *,
    include_earlier_pending: bool = False,
) -> None:
    """Print or write one report in the chosen format (xlsx, docx: a file; html: a page)."""
    if fmt in ("xlsx", "docx") and output is None:
        raise ClerkUsageError(
            zh_en(
                f"--format {fmt} 要写入文件：请加 -o 文件名.{fmt}", f"--format {fmt} writes a file: add -o FILE.{fmt}"
            )
        )
    report = tracker.report(
        period,
        table_format=TableFormat(table_format) if table_format else None,
        include_earlier_pending=include_earlier_pending,
    )
    if len(period) == 4:
        _note_closed(tracker, int(period), report)
        _note_kept_outside(tracker, int(period))
    else:
        _note_amended(tracker, period, report)
    if fmt in ("xlsx", "html", "docx"):
        _emit_document(tracker, period, fmt, report, output)
    elif fmt == "json":
        write_output(json.dumps(report, ensure_ascii=False), output)
    elif fmt == "markdown":
        from projections.render.markdown import render_markdown

        write_output(render_markdown(report), output)
    else:
        print_tables([report], output)


def print_tables(reports: list[ReportJson], output: Path | None) -> None:
    """Print tables 三 and 四 of each report as a terminal table, to stdout or to a file that is then closed."""
    from rich.console import Console

    if output is None:
        for report in reports:
            Console(file=sys.stdout, width=200).print(render_table(report))
        return
    from service.files import output_file

    with output_file(output) as stream:
        console = Console(file=stream, width=200)
        for report in reports:
            console.print(render_table(report))
    click.echo(f"已写入 written: {output}", err=True)


def _note_closed(tracker: Reports, year: int, report: ReportJson) -> None:
    """Say on stderr (and in the JSON, as an extra key) whether the year is closed and still equal."""
    from service.reports import closed_status

    status = closed_status(tracker, year)
    if status is not None:
        click.echo(status.message(), err=True)
        report["closed_year"] = status.to_json()


def _note_kept_outside(tracker: Reports, year: int) -> None:
    """Say on stderr that a year kept outside gongkai has published tables of its own (docs/report-checks.md)."""
    from domain.imported_reports import outside_through

    imported = tracker.imported_reports()
    outside = outside_through(imported)
    if outside is None or year > outside or tracker.year_close(year) is not None:
        return
    own = imported.get(year)
    source = f"{own.source}（{own.recorded_on} 导入）" if own is not None else f"{outside} 年度的报告"
    click.echo(
        zh_en(
            f"注意：{year} 年度在 gongkai 之外办理并已发布（已导入 {source}）；以下表格只由本库记录的申请算出，"
            "不是已发布的表格",
            f"note: {year} was kept outside gongkai and its report was published (imported); these tables count only "
            "the applications recorded here, not the published ones",
        ),
        err=True,
    )


def _note_amended(tracker: Reports, month: str, report: ReportJson) -> None:
    """Mark a month whose figures changed since it was first filed: the `amendment` key (更正), and a note."""
    from service.filing import amendment
    from service.tracker import Tracker

    if isinstance(tracker, Tracker) and (found := amendment(tracker, month)):
        report["amendment"] = found
        click.echo(
            zh_en(
                f"{month} 的数据与首次报送时不同，本报表标为更正（{len(found['changes'])} 项变动）",
                f"{month} differs from its first filing: this report is marked 更正 (amended)",
            ),
            err=True,
        )


def _emit_document(tracker: Reports, period: str, fmt: str, report: ReportJson, output: Path | None) -> None:
    """Write the monthly filing workbook or page, or the annual tables as XLSX, DOCX or HTML."""
    from projections.render import render_html, write_docx, write_xlsx
    from service.files import output_file
    from service.tracker import Tracker

    assert isinstance(tracker, Tracker), "a document reads the histories: cli.context.reports opens the whole store"

    if len(period) == 7:
        from projections.ledger import mark_late_entries
        from projections.render.monthly import render_monthly_html
        from projections.render.monthly_xlsx import write_monthly_xlsx
        from service.documents import monthly_ledger

        ledger = monthly_ledger(tracker, period)
        if found := report.get("amendment"):
            ledger = mark_late_entries(ledger, found["late_entries"])
        if fmt == "xlsx":
            assert output is not None
            with output_file(output, binary=True) as stream:
                write_monthly_xlsx(ledger, report, stream)
        else:
            write_output(render_monthly_html(ledger, report), output)
    elif fmt == "html":
        from service.documents import monthly_series

        write_output(render_html(report, monthly_series=monthly_series(tracker, int(period))), output)
    else:
        assert output is not None
        with output_file(output, binary=True) as stream:
            (write_xlsx if fmt == "xlsx" else write_docx)(report, stream)
    if output is not None and fmt != "html":
        click.echo(f"已写入 written: {output}", err=True)


def run_replay(tracker: Tracker, progress: ProgressBar) -> None:
    """Rebuild the tables, say whether they agree with the maintained ones, and exit 1 if not."""
    bar = progress("重放 replaying", None)
    try:
        rebuilt, found = tracker.replay(bar.advance if bar else None)
    finally:
        if bar:
            bar.stop()
    if not found:
        click.echo(
            zh_en(
                f"一致：重放 {rebuilt.events} 个事项，维护中的报表与重建的完全相同",
                f"agree: {rebuilt.events} events replayed; the maintained tables equal the rebuilt ones",
            )
        )
        return
    click.echo(
        zh_en(
            f"不一致：重放 {rebuilt.events} 个事项，差异如下（已用重建的报表替换）：",
            f"disagree: {rebuilt.events} events replayed; differences (the rebuilt tables now replace them):",
        )
    )
    for line in found:
        click.echo(f"  {line}")
    sys.exit(1)
