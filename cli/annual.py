"""`annual-report YEAR`: the whole annual report (six sections, tables 二, 三, 四) as JSON, DOCX, HTML or Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cli.context import refusals, tracker
from cli.params import YEAR, ClerkUsageError, format_option
from cli.reports import write_output
from domain.messages import zh_en


@click.command("annual-report")
@click.argument("year", type=YEAR)
@format_option("json", "docx", "html", "markdown", help="输出格式 output format (docx 写入文件，需 -o FILE)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件 write to FILE")
@click.pass_context
@refusals
def annual_report(ctx: click.Context, year: int, fmt: str, output: Path | None) -> None:
    """年度报告 The whole annual report: six sections, tables 二/三/四, checked before it is written."""
    from service.annual_report import annual_report as build

    if fmt == "docx" and output is None:
        raise ClerkUsageError(
            zh_en("--format docx 要写入文件：请加 -o 文件名.docx", "--format docx writes a file: add -o FILE.docx")
        )
    with tracker(ctx) as t:
        done = build(t, year)
    for warning in done.warnings:
        click.echo(f"注意 / note: {warning}", err=True)
    whole = done.whole
    if fmt == "docx":
        from projections.render.annual_docx import write_annual_docx
        from service.files import output_file

        assert output is not None
        with output_file(output, binary=True) as stream:
            write_annual_docx(whole, stream)
        click.echo(f"已写入 written: {output}", err=True)
        return
    if fmt == "json":
        text = json.dumps(whole, ensure_ascii=False)
    elif fmt == "html":
        from projections.render.annual_html import render_annual_html

        text = render_annual_html(whole)
    else:
        from projections.render.annual_markdown import render_annual_markdown

        text = render_annual_markdown(whole)
    write_output(text, output)
