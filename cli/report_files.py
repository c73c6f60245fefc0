"""`check-report` and `import-report`: a report JSON from outside, checked against the rules, or kept as last year's."""

from __future__ import annotations

import json
import sys

import click

from cli.context import EXIT_REFUSED, fail, refusals, tracker
from cli.params import DATE, format_option
from domain.messages import zh_en


@click.command("check-report")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--previous", type=click.Path(dir_okay=False), help="上年报告 last year's report JSON: 二 = last year's 四"
)
@format_option("text", "json", help="json：标准输出一个对象 one object on stdout (ok, problems, warnings)")
@refusals
def check_report_command(file: str, previous: str | None, fmt: str) -> None:
    """检查报告 Check a report JSON (- reads stdin; ours or a published one) against the rules of tables 三 and 四."""
    from domain.errors import InvalidInputError
    from domain.report_checks import check_report, layout_warnings, report_layout, report_year
    from service.previous_reports import read_report

    try:
        report = read_report(file)
        last = read_report(previous) if previous is not None else None
    except InvalidInputError as error:  # no report to check: said once, on stdout as well with --format json
        reasons = [str(problem.reason) for problem in error.problems]
        if fmt == "json":
            click.echo(json.dumps({"ok": False, "file_problems": reasons, "problems": []}, ensure_ascii=False))
        fail("; ".join(reasons))
    problems, warnings = check_report(report, last), layout_warnings(report)
    layout = report_layout(report)
    if fmt == "json":
        result = {
            "ok": not problems,
            "file": file,
            "previous": previous,
            "year": report_year(report),
            "format": layout.value if layout else None,
            "problems": [problem.to_json() for problem in problems],
            "warnings": [warning.to_json() for warning in warnings],
        }
        click.echo(json.dumps(result, ensure_ascii=False))
    for warning in warnings:
        click.echo(f"警告 / warning: {warning.message}", err=True)
    if fmt == "text":
        for problem in problems:
            click.echo(problem.message)
        click.echo(_verdict(len(problems), layout.value if layout else "?", previous is not None))
    if problems:
        sys.exit(EXIT_REFUSED)


def _verdict(count: int, layout: str, cross_year: bool) -> str:
    rules = zh_en("表三、表四的规则" + ("及跨年度规则" if cross_year else ""), "the rules of tables 三 and 四")
    if count:
        return zh_en(f"不符合：共 {count} 处（{layout} 年版表格）", f"broken: {count} rule(s) ({layout} layout)")
    return zh_en(f"符合{rules.zh}（{layout} 年版表格）", f"every one of {rules.en} holds ({layout} layout)")


@click.command("import-report")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--date", type=DATE, help="业务日期 business date YYYY-MM-DD（默认今天 default: today）")
@click.pass_context
@refusals
def import_report_command(ctx: click.Context, file: str, date: str | None) -> None:
    """导入上年报告 Import a previous year's published tables (a report JSON) for the first year on gongkai."""
    import datetime as dt

    from domain.report_checks import layout_warnings
    from service.previous_reports import import_report, read_report

    report = read_report(file)
    for warning in layout_warnings(report):
        click.echo(f"警告 / warning: {warning.message}", err=True)
    with tracker(ctx) as t:
        day = dt.date.fromisoformat(date) if date else t.settings.today
        done = import_report(t, report, source=file, date=day)
    year, rows = done.year, done.tables["applications"]
    assert isinstance(rows, dict)
    figures = zh_en(
        f"表三 新收 {rows['new']['total']}、结转下年度 {rows['carried_out']['total']}",
        f"table 三 new {rows['new']['total']}, carried_out {rows['carried_out']['total']}",
    )
    if not done.recorded:
        click.echo(
            zh_en(f"{year} 年度报告已在库中，未重复记录", f"the {year} report is already recorded; nothing new"),
            err=True,
        )
        return
    replaced_zh = replaced_en = ""
    if done.replaced:
        replaced_zh = f"，取代 {done.replaced.recorded_on} 导入的那份"
        replaced_en = f", replacing the one imported on {done.replaced.recorded_on}"
    click.echo(
        zh_en(
            f"已导入 {year} 年度报告（{figures.zh}）{replaced_zh}；只作为上年数据，不计入任何年度的报表",
            f"imported the {year} report ({figures.en}){replaced_en}; last year's figures only, never counted "
            "into any table",
        ),
        err=True,
    )
