"""`due`, `status` and `calendar`: open deadlines on the working-day calendar, one request's explained, the years."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click

from cli.context import refusals, tracker
from cli.params import format_option
from domain.messages import zh_en

if TYPE_CHECKING:
    from domain.calendar import WorkingCalendar
    from domain.deadlines import Deadline, DeadlineRules
    from domain.registration import Registration
    from service.deadlines import Status
    from service.tracker import Tracker

HOW_TO_ADD = (
    "gongkai calendar add {year} --holidays 节假日（如 {year}-01-01,{year}-10-01..{year}-10-07）"
    " --workdays 调休上班日 --source 国办发明电〔…〕号"
)


def _date(value: str | None, name: str) -> dt.date | None:
    """Return a date option's value: exit 2 when it is no date, 1 when no office could have had it."""
    from domain.errors import InvalidInputError
    from domain.hygiene import check_business_date

    if value is None:
        return None
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            zh_en(f"{value!r} 不是有效日期（YYYY-MM-DD）", f"{value!r} is not a date YYYY-MM-DD"), param_hint=name
        ) from None
    try:
        check_business_date(day)
    except ValueError as error:
        raise InvalidInputError([f"{name}: {error}"]) from None
    return day


def _context(t: Tracker, as_of: dt.date | None) -> tuple[dt.date, DeadlineRules, WorkingCalendar]:
    """Return the as-of date, the deadline rules of the settings, and the store's working-day calendar."""
    from service.deadlines import working_calendar
    from service.notify_settings import load_scheduler_settings
    from service.settings import default_settings_file, scheduler_environment

    settings = load_scheduler_settings(scheduler_environment(), default_settings_file())
    return as_of or t.settings.today, settings.rules, working_calendar(t.app)


def _state(deadline: Deadline, as_of: dt.date, calendar: WorkingCalendar) -> str:
    from domain.deadlines import DeadlineKind
    from scheduler.plan import urgency

    if deadline.due is None:
        return f"缺少 {deadline.calendar_missing} 年日历，日期未定"
    if deadline.paused:
        return "暂停计时（如今日恢复计时的期限）"
    text = urgency(deadline, as_of, calendar).split("（")[0]
    return f"{text}（提示，不计逾期）" if deadline.kind is DeadlineKind.CORRECTION_NOTICE else text


def _missing_advice(years: set[int]) -> list[str]:
    return [
        f"缺少 {year} 年的工作日安排（国务院办公厅关于{year}年部分节假日安排的通知），相关期限无法计算，不作推测。"
        f"添加方法 to add it: {HOW_TO_ADD.format(year=year)}"
        for year in sorted(years)
    ]


@click.command()
@click.option("--as-of", "as_of", help="查询日 only events dated on or before this date count (default: today)")
@click.option("--within", type=click.IntRange(0, 100_000), help="只列出 N 个自然日内到期的 due within N calendar days")
@format_option("table", "json")
@click.pass_context
@refusals
def due(ctx: click.Context, as_of: str | None, within: int | None, fmt: str) -> None:
    """待办期限 List every open deadline, soonest first, overdue ones marked."""
    from domain.deadlines import KIND_LABELS, deadline_to_json
    from scheduler.plan import subject_label
    from service.deadlines import open_deadlines
    from service.deadlines import within as keep_within

    with tracker(ctx) as t:
        day, rules, calendar = _context(t, _date(as_of, "--as-of"))
        found = [o.deadline for o in open_deadlines(t, as_of=day, rules=rules, calendar=calendar)]
        shown = keep_within(found, day, within)
        if fmt == "json":
            click.echo(json.dumps([deadline_to_json(d) for d in shown], ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"待办期限 open deadlines · 查询日 {day} · {len(shown)} 项")
        for column in ("到期日 due", "期限 kind", "事项 subject", "状态 state"):
            table.add_column(column)
        for d in shown:
            style = "bold red" if d.overdue else ("yellow" if d.due is None else "")
            mark = "⚠ " if d.overdue else ""
            due_text = d.due.isoformat() if d.due else "—"
            table.add_row(
                f"{mark}{due_text}", KIND_LABELS[d.kind], subject_label(d), _state(d, day, calendar), style=style
            )
        console = Console(width=160)
        console.print(table if shown else f"没有待办期限 no open deadlines（查询日 {day}）")
        for line in _missing_advice({d.calendar_missing for d in shown if d.calendar_missing is not None}):
            console.print(line, style="yellow", highlight=False)


def _status_json(status: Status, day: dt.date, reg: Registration) -> dict[str, object]:
    from domain.deadlines import KIND_LABELS, deadline_to_json
    from service.clerk_views import state_code, state_words

    return {
        "request": status.request.number,
        "state": state_code(status.request),
        "state_words": state_words(status.request, reg),
        "as_of": day.isoformat(),
        "registered": reg.registered.isoformat() if reg.registered else None,
        "registration_due": reg.due.isoformat() if reg.due else None,
        "registration_late": reg.late,
        "registration_late_working_days": reg.late_working_days,
        "deadlines": [
            {**deadline_to_json(d), "label": KIND_LABELS[d.kind], "steps": d.steps} for d in status.deadlines
        ],
        "reminders": [
            {"date": e.date.isoformat(), "key": e.key, "offset": e.offset, "notifier": e.notifier}
            for e in status.reminders
        ],
    }


@click.command()
@click.argument("request")
@click.option("--as-of", "as_of", help="查询日 only events dated on or before this date count (default: today)")
@format_option("text", "json")
@click.pass_context
@refusals
def status(ctx: click.Context, request: str, as_of: str | None, fmt: str) -> None:
    """期限说明 Explain each of an application's deadlines, step by step."""
    from domain.deadlines import KIND_LABELS
    from domain.registration import registration
    from service.clerk_views import state_words
    from service.deadlines import request_status

    with tracker(ctx) as t:
        day, rules, calendar = _context(t, _date(as_of, "--as-of"))
        found = request_status(t, request, as_of=day, rules=rules, calendar=calendar)
        reg = registration(found.request, day, rules.registration_working_days, calendar)
        if fmt == "json":
            click.echo(json.dumps(_status_json(found, day, reg), ensure_ascii=False))
            return
        state = " · ".join(state_words(found.request, reg))
        click.echo(f"申请 {request} · {state} · 查询日 {day}")
        if reg.registered is not None:
            verdict = f"逾期{reg.late_working_days}个工作日" if reg.late else "按期"
            click.echo(f"报备 {reg.registered}（期限 {reg.due or '未定'}，{verdict}）")
        if not found.deadlines:
            click.echo("没有未届满的期限 no open deadlines")
        for d in found.deadlines:
            subject = f"（案件 {d.case}）" if d.case else ""
            click.echo(f"\n{KIND_LABELS[d.kind]}{subject} {d.kind.value}：{_state(d, day, calendar)}")
            for n, step in enumerate(d.steps, start=1):
                click.echo(f"  {n}. {step}")
        if found.reminders:
            click.echo("\n已发送提醒 reminders sent:")
            for e in found.reminders:
                click.echo(f"  {e.date} {e.offset} {e.notifier} {e.key}")
        for line in _missing_advice({d.calendar_missing for d in found.deadlines if d.calendar_missing is not None}):
            click.echo(f"\n{line}")


@click.group()
def calendar() -> None:
    """工作日日历 The working-day calendar: the years known, and adding a year from the State Council's notice."""


@calendar.command("add")
@click.argument("year", type=click.IntRange(2000, 2200))
@click.option("--holidays", multiple=True, help="放假的工作日 days off: dates and ranges, e.g. 2027-10-01..2027-10-07")
@click.option("--workdays", multiple=True, help="调休上班的周末 weekend days worked, e.g. 2027-09-26")
@click.option("--source", required=True, help="依据 the notice, e.g. 国办发明电〔2026〕…号")
@click.option("--date", help="业务日期 business date (default: today)")
@click.pass_context
@refusals
def calendar_add(
    ctx: click.Context, year: int, holidays: tuple[str, ...], workdays: tuple[str, ...], source: str, date: str | None
) -> None:
    """添加年度安排 Add (or replace) a year's holidays and 调休 workdays; every deadline is recomputed."""
    from domain.calendar import parse_arrangement
    from domain.errors import InvalidInputError
    from service.deadlines import add_calendar_year, working_calendar

    if not source.strip():
        raise click.BadParameter(
            zh_en("请写明日期所依据的通知", "name the notice the dates come from"), param_hint="--source"
        )
    try:
        arrangement = parse_arrangement(year, holidays, workdays, source)
    except ValueError as error:
        raise InvalidInputError([f"--holidays/--workdays：{error}"]) from None
    with tracker(ctx) as t:
        day = _date(date, "--date") or t.settings.today
        before = working_calendar(t.app).source_of(year)
        added = add_calendar_year(t, arrangement, date=day)
        word = "已记录 recorded" if added else "已存在 already recorded"
        replaced = f"（替换 replaces {before}）" if added and before else ""
        click.echo(
            f"{word}: {year} 年工作日安排{replaced}: {len(arrangement.holidays)} 个节假日, "
            f"{len(arrangement.workdays)} 个调休上班日, 依据 {arrangement.source}",
            err=True,
        )


@calendar.command("list")
@format_option("table", "json")
@click.pass_context
@refusals
def calendar_list(ctx: click.Context, fmt: str) -> None:
    """已知年份 List the years the calendar knows and where each comes from."""
    from service.deadlines import calendar_years, working_calendar

    with tracker(ctx) as t:
        cal = working_calendar(t.app)
        added = calendar_years(t.app)
        years = sorted({*range(2004, t.settings.today.year + 2), *(added.years if added else ())})
        known = {year: cal.source_of(year) for year in years}
    if fmt == "json":
        click.echo(json.dumps([{"year": y, "source": s} for y, s in known.items()], ensure_ascii=False))
        return
    for year, source in known.items():
        click.echo(f"{year}  {source or '缺少 missing — ' + HOW_TO_ADD.format(year=year)}")
