"""The year-end and migration commands: close-year, reopen-year, import-ledger, export."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import click

from cli.context import fail, file_refusals, refusals, tracker, warn_changed_filings
from cli.params import YEAR, format_option
from domain.messages import zh_en


@click.command("close-year")
@click.argument("year", type=YEAR)
@click.pass_context
@refusals
def close_year(ctx: click.Context, year: int) -> None:
    """年度结账 Record a year's final tables and their sha256; later changes to the year are refused."""
    from service.closing import close_year as close

    with tracker(ctx) as t:
        digest, report = close(t, year)
        total = report["applications"]["total_handled"]["total"]
        click.echo(
            zh_en(
                f"已结账：{year} 年度（表三（七）总计 {total}），报表 sha256 {digest}",
                f"closed: {year} (table 三 total_handled {total}), tables sha256 {digest}",
            )
        )


@click.command("reopen-year")
@click.argument("year", type=YEAR)
@click.option("--reason", required=True, help="原因 why the closed year must change (kept in the history)")
@click.pass_context
@refusals
def reopen_year(ctx: click.Context, year: int, reason: str) -> None:
    """重新打开 Reopen a closed year, with the reason; close it again with close-year."""
    from service.closing import reopen_year as reopen

    with tracker(ctx) as t:
        reopen(t, year, reason)
        click.echo(
            zh_en(
                f"已重新打开 {year} 年度（{reason}）；改完后请再 gongkai close-year {year}",
                f"reopened: {year} ({reason}); close it again with `gongkai close-year {year}`",
            )
        )


@click.command("import-ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="工作表 the sheet to read (default: the first)")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='对照表 JSON: {"columns": {"收文号": "number"}, "values": {"channel": {"微信": "online"}}}',
)
@click.option("--dry-run", is_flag=True, help="试运行 show what would be recorded and every bad row; record nothing")
@click.pass_context
@file_refusals
def import_ledger(ctx: click.Context, file: Path, sheet: str | None, mapping: Path | None, dry_run: bool) -> None:
    """导入台账 Import an Excel ledger (台账): every row, or nothing if any row is bad."""
    from domain.errors import InvalidInputError
    from service.ledger_import import LedgerError, LedgerMapping
    from service.ledger_import import import_ledger as run

    with tracker(ctx) as t:
        try:
            done = run(t, file, sheet=sheet, mapping=LedgerMapping.load(mapping), dry_run=dry_run)
        except LedgerError as error:
            raise InvalidInputError(error.problems) from None
    read = done.read
    if dry_run:
        click.echo(
            zh_en(
                f"试运行：工作表 {read.sheet!r}，{read.rows} 行 → {len(read.lines)} 个事项",
                f"dry run: sheet {read.sheet!r}, {read.rows} rows → {len(read.lines)} events",
            )
        )
        for name, column in read.columns.items():
            click.echo(f"  列 column {column} → {name}")
        for column in read.ignored:
            click.echo(f"  列 column {column}：不导入 / not imported")
        for line, source in read.lines:
            fields = " ".join(f"{k}={v}" for k, v in line.fields.items())
            where = f"第 {source.row} 行 row {source.row}" if source.row else f"工作表 sheet {source.column}"
            click.echo(f"  {where}: {line.date} {line.event} {fields}")
        click.echo(
            zh_en(
                f"将记录 {done.recorded} 个事项，{done.already} 个已在库中",
                f"would record {done.recorded} events; {done.already} already in the store",
            )
        )
    if read.problems:
        raise InvalidInputError(read.problems)
    if not dry_run:
        click.echo(
            f"已导入 imported: {read.rows} rows, {done.recorded} events recorded, {done.already} already in the store",
            err=True,
        )
        warn_changed_filings(done.changed_filings)


@click.command("export")
@format_option("jsonl", "csv")
@click.option("--year", type=YEAR, help="只导出该年度 only what the year's tables rest on (a file that imports alone)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件 write to FILE")
@click.pass_context
@refusals
def export(ctx: click.Context, fmt: str, year: int | None, output: Path | None) -> None:
    """导出 Export the event history in the import format, with agency and clerk on each line."""
    from service.export import Exported, export_objects

    counts = Exported()
    with tracker(ctx) as t:
        objects = export_objects(t, year=year, counts=counts)
        if output is None:
            _export_to(sys.stdout, fmt, objects)
        else:
            from service.files import output_file

            with output_file(output) as stream:
                _export_to(stream, fmt, objects)
    click.echo(
        zh_en(
            f"已导出 {counts.lines} 个事项（{counts.skipped} 个内部事项不导出）",
            f"exported: {counts.lines} events ({counts.skipped} internal events not exported)",
        ),
        err=True,
    )
    if counts.damaged:  # everything else was written; the exit status says the file is not the whole history
        for problem in counts.damaged:
            click.echo(f"警告：已跳过 / warning: skipped {problem}", err=True)
        fail(
            zh_en(
                f"{len(counts.damaged)} 个存储的事件已损坏，未导出，导出不完整；请运行 `gongkai verify` 并从备份恢复",
                f"{len(counts.damaged)} damaged stored events were skipped, so the export is incomplete; run "
                "`gongkai verify` and restore the store from a backup",
            )
        )


def _export_to(stream: IO[str], fmt: str, objects: Iterable[dict[str, object]]) -> None:
    from service.export import to_csv, to_jsonl

    if fmt == "csv":
        stream.write(to_csv(objects))
    else:
        stream.writelines(to_jsonl(objects))
