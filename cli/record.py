"""One command per event: each builds an import line and records it the same way `import` does."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import click

from cli.context import refusals, tracker, warn_changed_filings
from cli.params import AMOUNT, DATE, MONTH, NUMBER, YEAR, CodeType, WholeNumber
from domain.codes import AppealKind, AppealResult, ApplicantType, Channel, Outcome, Party, Procedure

if TYPE_CHECKING:
    from service.tracker import Tracker


@dataclass(frozen=True)
class Opt:
    """A command option that becomes a field of the line."""

    field: str
    help: str
    choices: type[StrEnum] | None = None
    required: bool = False
    type: type[str] | click.ParamType[int] = str


@dataclass(frozen=True)
class EventCommand:
    """A clerk's command for one event kind."""

    name: str
    event: str
    key: str | None  # the positional argument: request, case, month or year
    help: str
    options: tuple[Opt, ...] = ()


APPLICANT = Opt("applicant_type", "申请人类别 applicant type", ApplicantType, required=True)
REASON = Opt("reason", "原因 reason", required=True)
COMMANDS = (
    EventCommand(
        "receive",
        "received",
        "request",
        "收到申请 Record a new application.",
        (
            Opt("channel", "申请渠道 channel", Channel, required=True),
            APPLICANT,
            Opt("applicant", "申请人 applicant's name"),
            Opt("subject", "申请内容摘要 what is asked for"),
        ),
    ),
    EventCommand("register", "registered", "request", "报备 Record that the application was reported (报备)."),
    EventCommand("classify", "classified", "request", "更正申请人类别 Correct the applicant type.", (APPLICANT,)),
    EventCommand(
        "request-correction",
        "correction_requested",
        "request",
        "补正通知 Ask the applicant to correct.",
        (Opt("until", "补正期限 the 补正 period ends (YYYY-MM-DD)"),),
    ),
    EventCommand(
        "correction-received", "correction_received", "request", "收到补正 The corrected application arrived."
    ),
    EventCommand(
        "consult",
        "consultation_started",
        "request",
        "征求意见 Start a consultation.",
        (Opt("party", "被征求意见方 who is consulted", Party),),
    ),
    EventCommand(
        "consult-end",
        "consultation_ended",
        "request",
        "征求意见结束 A consultation ended.",
        (Opt("party", "被征求意见方 who was consulted", Party),),
    ),
    EventCommand(
        "extend",
        "extended",
        "request",
        "延期答复 Extend the reply time (once).",
        (
            Opt("days", "延长工作日 working days (1-20, default 20)", type=WholeNumber()),
            Opt("approved_by", "批准人 approved by"),
        ),
    ),
    EventCommand(
        "notify-fee",
        "fee_notified",
        "request",
        "收费通知 Send a fee notice.",
        (
            Opt("amount", "金额（元）amount in yuan, e.g. 1700.00", required=True),
            Opt("served", "申请人收到通知日期 the day the applicant received it"),
        ),
    ),
    EventCommand(
        "fee-paid",
        "fee_paid",
        "request",
        "缴费 The applicant paid the fee.",
        (Opt("amount", "金额（元）amount in yuan (default: the notified amount)"),),
    ),
    EventCommand(
        "answer",
        "answered",
        "request",
        "答复 Record the answer (the day it was served).",
        (Opt("outcome", "办理结果 outcome code", Outcome, required=True),),
    ),
    EventCommand("withdraw", "withdrawn", "request", "撤回 The applicant withdrew.", (Opt("reason", "原因 reason"),)),
    EventCommand(
        "correct",
        "corrected",
        "request",
        "更正 Correct recorded values (the latest correction wins).",
        (
            REASON,
            Opt("received_date", "收到申请日期 received date"),
            Opt("channel", "申请渠道 channel", Channel),
            Opt("applicant_type", "申请人类别 applicant type", ApplicantType),
            Opt("outcome", "办理结果 outcome", Outcome),
            Opt("answered_date", "答复日期 answer date"),
        ),
    ),
    EventCommand("void", "voided", "request", "作废 The application was entered by mistake.", (REASON,)),
    EventCommand(
        "appeal",
        "appealed",
        "request",
        "复议/诉讼 A reconsideration or lawsuit was filed.",
        (
            Opt("case", "案号 case number", required=True),
            Opt("kind", "类型 kind", AppealKind, required=True),
            Opt("procedure", "简易程序 procedure", Procedure),
            Opt("body", "复议机关或法院 the reconsideration body or court, e.g. 宁波市鄞州区人民政府"),
        ),
    ),
    EventCommand("appeal-responded", "appeal_responded", "case", "答复/答辩 The reply or defence was filed."),
    EventCommand(
        "decide-appeal",
        "appeal_decided",
        "case",
        "复议/诉讼结果 Record the decision.",
        (Opt("result", "结果 result", AppealResult, required=True),),
    ),
    EventCommand("file-monthly", "monthly_filing_submitted", "month", "月报 The monthly filing was submitted."),
    EventCommand("publish-annual", "annual_report_published", "year", "年报 The annual report was published."),
)


_DATE_FIELDS = frozenset({"until", "served", "received_date", "answered_date"})
_KEY_TYPES: dict[str, click.ParamType[Any]] = {"request": NUMBER, "month": MONTH, "year": YEAR}


def _click_option(opt: Opt) -> click.Option:
    kind: Any = opt.type
    help_text = opt.help
    if opt.choices:
        kind = CodeType(opt.field)
        help_text = f"{opt.help}；可填代码或名称 codes or labels: {kind.listing()}"
    elif opt.field in _DATE_FIELDS:
        kind = DATE
    elif opt.field == "amount":
        kind = AMOUNT
    flag = "--" + opt.field.replace("_", "-")
    return click.Option([flag, opt.field], type=kind, required=opt.required, help=help_text)


def record_line(t: Tracker, line: dict[str, Any], subject: object) -> None:
    """Record one command's line as `import` would (dated today unless it says), and say so on stderr."""
    from domain.errors import InvalidInputError, Problem
    from domain.labels import step_label
    from domain.lines import LineError, parse_object
    from domain.messages import Message, zh_en

    line.setdefault("date", t.settings.today.isoformat())
    if line["event"] == "monthly_filing_submitted":  # a filing keeps what it filed (docs/tables.md)
        from service.filing import month_figures

        line["figures"] = month_figures(t, str(line["month"])).model_dump(mode="json")
    try:
        parsed = parse_object(line)
    except LineError as error:
        field, reason = error.field, error.reason
        if field.startswith("figures.") and isinstance(reason, Message):  # a table 二 figure, as --row names it
            where = field.removeprefix("figures.")
            field, reason = "row", Message(f"{where}：{reason.zh}", f"{where}: {reason.en}")
        raise InvalidInputError([Problem(None, field, reason)]) from None
    result = t.record([(1, parsed)])
    step, event = step_label(line["event"]), line["event"]
    if result.recorded:
        message = zh_en(f"已记录：{subject} {step}（{line['date']}）", f"recorded: {event} {subject}")
    else:
        message = zh_en(
            f"已有记录，未重复记录：{subject} {step}（{line['date']}）", f"already recorded: {event} {subject}"
        )
    click.echo(message, err=True)
    warn_changed_filings(result.changed_filings)


def _make(spec: EventCommand) -> click.Command:
    @click.pass_context
    @refusals
    def run(ctx: click.Context, /, **values: str | int | None) -> None:
        line: dict[str, Any] = {"event": spec.event, **{k: v for k, v in values.items() if v is not None}}
        with tracker(ctx) as t:
            record_line(t, line, values.get(spec.key or "", ""))

    params: list[click.Parameter] = []
    if spec.key:
        params.append(click.Argument([spec.key], type=_KEY_TYPES.get(spec.key)))
    params.append(
        click.Option(["--date", "date"], type=DATE, help="业务日期 business date YYYY-MM-DD（默认今天 default: today）")
    )
    params.extend(_click_option(opt) for opt in spec.options)
    return click.Command(spec.name, callback=run, params=params, help=spec.help)


def add_event_commands(group: click.Group) -> None:
    """Add one command per event to the group."""
    for spec in COMMANDS:
        group.add_command(_make(spec))
