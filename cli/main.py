"""The `gongkai` command: global options, and the commands that are not one event each."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.context import file_refusals, refusals, reports, tracker
from cli.params import DATE, MONTH, NUMBER, YEAR, ChoiceType, ClerkUsageError, format_option
from cli.record import add_event_commands
from domain.messages import zh_en

if TYPE_CHECKING:
    import datetime as dt

F = TypeVar("F", bound=Callable[..., object])  # a command function, given options by a decorator


class LazyGroup(click.Group):
    """A group whose commands from other modules are imported only when one is run or the help lists them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}  # command name -> "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command name, sorted, as click lists them."""
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a command, importing its module the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module, attribute = self.lazy_commands[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", envvar="GONGKAI_DB", help="存储 store: a SQLite file or a postgresql:// URL [env GONGKAI_DB]")
@click.option("--agency", help="机关代码 agency code [env GONGKAI_AGENCY]")
@click.option("--clerk", help="经办人 clerk recording the events [env GONGKAI_CLERK; default: the OS user]")
@click.option("-v", "--verbose", count=True, help="更多日志 more log output on stderr")
@click.version_option(
    package_name="gongkai",
    prog_name="gongkai",
    message="%(prog)s %(version)s",
    help="显示版本 show the version and exit",
)
def main(db: str | None, agency: str | None, clerk: str | None, verbose: int) -> None:
    """gongkai 政府信息公开申请办理 — track disclosure applications, deadlines and the statutory tables."""
    from cli.logging import configure_logging

    configure_logging(verbose)


add_event_commands(main)


@main.command("import")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False))
@format_option(
    "text", "json", help="json：标准输出一个对象 one object on stdout (recorded, already_recorded, skipped, problems)"
)
@click.pass_context
@file_refusals
def import_(ctx: click.Context, file: str, fmt: str) -> None:
    """导入 Import events from a JSON Lines file (- reads stdin); all or nothing."""
    from cli.importing import import_file
    from cli.progress import progress_bar

    with tracker(ctx, adds_agency=True) as t:  # a line naming its agency adds it; one naming none needs a held one
        import_file(t, file, fmt, progress_bar)


@main.command()
@click.option(
    "--format", "fmt", type=ChoiceType(["json"]), default="json", show_default=True, help="输出格式 output format"
)
@click.pass_context
@refusals
def info(ctx: click.Context, fmt: str) -> None:
    """信息 Show where the store is, what it holds (its agency codes) and the versions; only reads, creates nothing."""
    from cli.context import require_store
    from cli.lookup import print_info

    require_store(ctx)
    with tracker(ctx, adds_agency=True) as t:
        print_info(t)


@main.command()
@click.argument("request", type=NUMBER)
@format_option("table", "json")
@click.pass_context
@refusals
def show(ctx: click.Context, request: str, fmt: str) -> None:
    """查看 Show an application's (or an appeal case's) whole history, with who recorded what and when."""
    from cli.lookup import print_history

    with tracker(ctx) as t:
        print_history(t, request, fmt)


@main.command("list")
@format_option("table", "json")
@click.pass_context
@refusals
def list_(ctx: click.Context, fmt: str) -> None:
    """在办 List the open applications: state, next deadline and days left, overdue first."""
    from cli.lookup import print_open

    with tracker(ctx) as t:
        print_open(t, fmt)


@main.group()
def report() -> None:
    """报表 The statutory tables 三 and 四, for a year or a month."""


# The monthly filing is a workbook (or its page): it has no DOCX, so `report monthly` does not offer one.
ANNUAL_FORMATS = ("table", "json", "markdown", "html", "xlsx", "docx")
MONTHLY_FORMATS = ("table", "json", "markdown", "html", "xlsx")


def _report_options(formats: tuple[str, ...], help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        func = click.option(
            "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件 write to FILE"
        )(func)
        func = click.option(
            "--table-format", type=ChoiceType(["2019", "2021"]), help="表格版本 table layout (default: by year)"
        )(func)
        return click.option(
            "--format", "fmt", type=ChoiceType(formats), default="table", show_default=True, help=help_text
        )(func)

    return decorate


def _district_options(func: F) -> F:
    func = click.option("--by-agency", is_flag=True, help="各机关分表 one table per agency (JSON: an array)")(func)
    func = click.option(
        "--all-agencies", is_flag=True, help="全区汇总 the district roll-up: the sum of every agency [GONGKAI_DISTRICT]"
    )(func)
    return func


def _whole_district(all_agencies: bool, by_agency: bool) -> bool:
    if all_agencies and by_agency:
        raise ClerkUsageError(
            zh_en(
                "--all-agencies（全区汇总）和 --by-agency（各机关分表）只能选一个",
                "choose --all-agencies (one roll-up) or --by-agency (one table per agency)",
            )
        )
    return all_agencies or by_agency


@report.command("annual")
@click.argument("year", type=YEAR)
@_report_options(ANNUAL_FORMATS, "xlsx、docx 写入文件，需 -o FILE / xlsx and docx write a file: add -o FILE")
@click.option("--include-earlier-pending", is_flag=True, help="表四含上年度结转 count cases pending from earlier years")
@_district_options
@click.pass_context
@refusals
def report_annual(
    ctx: click.Context,
    year: int,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    include_earlier_pending: bool,
    all_agencies: bool,
    by_agency: bool,
) -> None:
    """年度报表 Tables 三 and 四 of a year."""
    from cli.reports import emit_report

    district = _whole_district(all_agencies, by_agency)
    with reports(ctx, fmt) as t:
        if district:
            from cli.district import emit_district

            emit_district(
                t,
                str(year),
                fmt,
                table_format,
                output,
                by_agency=by_agency,
                include_earlier_pending=include_earlier_pending,
            )
            return
        emit_report(t, str(year), fmt, table_format, output, include_earlier_pending=include_earlier_pending)


@report.command("monthly")
@click.argument("month", type=MONTH)
@_report_options(MONTHLY_FORMATS, "xlsx、html：月报（汇总表、表三、复议表）/ the filing; xlsx needs -o FILE")
@_district_options
@click.pass_context
@refusals
def report_monthly(
    ctx: click.Context,
    month: str,
    fmt: str,
    table_format: str | None,
    output: Path | None,
    all_agencies: bool,
    by_agency: bool,
) -> None:
    """月度报表 Tables 三 and 四 of a month (YYYY-MM)."""
    from cli.reports import emit_report

    _check_month(month)
    district = _whole_district(all_agencies, by_agency)
    with reports(ctx, fmt) as t:
        if district:
            from cli.district import emit_district

            emit_district(t, month, fmt, table_format, output, by_agency=by_agency)
            return
        if not t.needs_whole_store(month):
            emit_report(t, month, fmt, table_format, output)
            return
    with tracker(ctx) as whole:  # a month changed since it was filed reads its filings: its report says 更正
        emit_report(whole, month, fmt, table_format, output)


def _check_month(month: str) -> None:
    """Refuse (exit 1) a month no office could report on: before the 条例 came into force, or past the last year."""
    from domain.errors import InvalidInputError
    from domain.hygiene import check_business_month

    try:
        check_business_month(month)
    except ValueError as error:
        raise InvalidInputError([f"月份 MONTH：{error}"]) from None


@main.command()
@click.pass_context
@refusals
def replay(ctx: click.Context) -> None:
    """重放 Rebuild every table from the events, compare with the maintained ones, and replace them."""
    from cli.progress import progress_bar
    from cli.reports import run_replay

    with tracker(ctx) as t:
        run_replay(t, progress_bar)


@main.command("agency-name")
@click.argument("name")
@click.option("--date", type=DATE, help="业务日期 business date YYYY-MM-DD（默认今天 default: today）")
@click.pass_context
@refusals
def agency_name(ctx: click.Context, name: str, date: str | None) -> None:
    """机关名称 Record the agency's official name; with --agency CODE, adds an agency the store does not hold yet."""
    from domain.lines import parse_object

    with tracker(ctx, adds_agency=True) as t:
        line: dict[str, Any] = {"event": "agency_named", "agency_name": name}
        line["date"] = date or t.settings.today.isoformat()
        named = t.settings.agency
        if named:  # naming it here is the explicit act that adds it (docs/command-line.md)
            line["agency"] = named
        added = named is not None and not t.holds(named)
        t.record([(1, parse_object(line))])
        code = t.display_code(t.agency)
        word = "已新增机关 agency added" if added else "已记录机关名称 name recorded"
        click.echo(f"{word}: {code + ' ' if code else ''}{name}", err=True)


@main.command("agency-code")
@click.argument("code")
@click.option("--date", help="业务日期 business date (default: today)")
@click.pass_context
@refusals
def agency_code(ctx: click.Context, code: str, date: str | None) -> None:
    """机关代码 Give the placeholder agency its real code, once; every application and table is kept."""
    from service.agencies import recode_placeholder

    with tracker(ctx) as t:
        day = date or t.settings.today.isoformat()
        recode_placeholder(t, code, date=_business_date(day))
        click.echo(
            f"已设置机关代码 agency code set: {t.display_code(t.agency)}（原占位代码 was the placeholder）", err=True
        )


def _business_date(text: str) -> dt.date:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} 不是日期 YYYY-MM-DD / is not a date", param_hint="--date") from None


main.lazy_commands.update(
    {
        "verify": "cli.trust:verify",
        "erase-applicant": "cli.trust:erase_applicant",
        "new-key": "cli.trust:new_key",
        "due": "cli.deadlines:due",
        "status": "cli.deadlines:status",
        "calendar": "cli.deadlines:calendar",
        "scheduler": "cli.scheduler:scheduler",
        "close-year": "cli.documents:close_year",
        "reopen-year": "cli.documents:reopen_year",
        "import-ledger": "cli.documents:import_ledger",
        "export": "cli.documents:export",
        "annual-report": "cli.annual:annual_report",
        "check-report": "cli.report_files:check_report_command",
        "import-report": "cli.report_files:import_report_command",
        "record-proactive": "cli.report_inputs:record_proactive",
        "record-text": "cli.report_inputs:record_text",
        "report-inputs": "cli.report_inputs:report_inputs",
    }
)
