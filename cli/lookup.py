"""`info`, `show` and `list`: what the store holds, one application's history, the open applications."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import TYPE_CHECKING

import click

from domain.labels import APPLICANT_LABELS, CHANNEL_LABELS, EVENT_LABELS, outcome_label
from service.settings import PLACEHOLDER_AGENCY

if TYPE_CHECKING:
    from domain.event import DomainEvent
    from service.clerk_views import CaseView
    from service.tracker import Tracker


def print_info(tracker: Tracker) -> None:
    """Print the store's location, counts, agency and versions."""
    tracker.catch_up()
    counts = tracker.counts()
    agency = tracker.agency
    data = {
        "store": tracker.settings.db,
        "backend": "postgresql" if tracker.settings.is_postgres else "sqlite",
        "agency_code": tracker.display_code(agency) or agency,
        "agency": tracker.agency_name(agency),
        "agency_is_placeholder": agency == PLACEHOLDER_AGENCY and not tracker.aliases(),
        "clerk": tracker.settings.clerk,
        "today": tracker.settings.today.isoformat(),
        **counts,
        "agencies": tracker.held_codes(),  # the codes the store holds (docs/command-line.md), not their count
        "imported_reports": _imported_reports(tracker),
        **_protection(tracker),
        "versions": {p: version(p) for p in ("gongkai", "eventsourcing", "pydantic", "structlog", "click")},
    }
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _imported_reports(tracker: Tracker) -> list[dict[str, object]]:
    """List the previous years' reports imported (`import-report`): last year's figures, never counted."""
    return [
        {"year": year, "format": kept.report.get("format"), "source": kept.source, "recorded_on": str(kept.recorded_on)}
        for year, kept in sorted(tracker.imported_reports().items())
    ]


def _protection(tracker: Tracker) -> dict[str, object]:
    """Say plainly whether personal data is encrypted at rest (and warn on stderr when it is not)."""
    from storage.crypto import key_store

    keys = key_store(tracker.app)
    if keys is None:
        warning = (
            "未加密：申请人姓名、身份证号、电话、地址和申请内容以明文保存；新建存储时设置 GONGKAI_CIPHER_KEY 或 "
            "GONGKAI_CIPHER_KEY_FILE（README「Security」） / NOT ENCRYPTED: applicant names, ID numbers, phones, "
            "addresses and subjects are stored in plain text; set GONGKAI_CIPHER_KEY or GONGKAI_CIPHER_KEY_FILE on a "
            "new store (README, Security)"
        )
        click.echo(f"警告 warning: {warning}", err=True)
        return {"encrypted": False, "personal_data": warning}
    return {
        "encrypted": True,
        "personal_data": "已加密：每个事项用主密钥加密，个人信息另用每个申请自己的密钥 / encrypted at rest (AES-GCM): "
        "every event with the master key, personal fields with a key per application",
        "erased_applications": keys.erasures(),
    }


def _describe(event: DomainEvent) -> str:
    fields = event.business_fields()
    fields.pop("request", None)
    if "outcome" in fields:
        fields["outcome"] = f"{fields['outcome']} {outcome_label(fields['outcome'])}"
    if "applicant_type" in fields:
        fields["applicant_type"] = f"{fields['applicant_type']} {APPLICANT_LABELS[fields['applicant_type']]}"
    if "channel" in fields:
        fields["channel"] = f"{fields['channel']} {CHANNEL_LABELS[fields['channel']]}"
    return "  ".join(f"{k}={v}" for k, v in fields.items())


def print_history(tracker: Tracker, number: str, fmt: str = "table") -> None:
    """Print an application's (or an appeal case's) every event, with the clerk and the time recorded."""
    from rich.console import Console
    from rich.table import Table

    from service.clerk_views import CaseView, recorded_at, show_target, state_words

    target = show_target(tracker, number)
    if fmt == "json":
        click.echo(json.dumps(target.to_json(), ensure_ascii=False))
        return
    if isinstance(target, CaseView):
        title = _case_title(target)
        events: list[DomainEvent] = sorted(target.case.history, key=lambda e: (e.date, e.timestamp))
    else:
        reg = target.registration
        title = f"申请 {target.request.number} · {' · '.join(state_words(target.request, reg))}"
        if reg.late:
            title += f"（报备期限 {reg.due}）"
        events = target.events()
    table = Table(title=title)
    for column in ("日期 date", "事项 event", "内容 details", "经办人 clerk", "录入时间 recorded at (北京时间)"):
        table.add_column(column, overflow="fold")
    for event in events:
        table.add_row(
            event.date.isoformat(),
            f"{EVENT_LABELS.get(event.name, event.name)} {event.name}",
            _describe(event),
            event.clerk,
            recorded_at(event.timestamp).replace("T", " "),
        )
    Console(width=160).print(table)


def _case_title(target: CaseView) -> str:
    from domain.labels import APPEAL_GROUP_LABELS, RESULT_LABELS

    case = target.case
    result = target.result()
    parts = [
        f"案件 {case.number}",
        APPEAL_GROUP_LABELS.get(str(case.kind), str(case.kind)),
        f"对应申请 {'、'.join(r.number for r in target.requests) or case.request}",
    ]
    if getattr(case, "body", None):
        parts.append(f"复议机关或法院 {case.body}")
    parts.append(f"结果 {RESULT_LABELS.get(result, result)}" if result else "尚未审结")
    return " · ".join(parts)


def print_open(tracker: Tracker, fmt: str) -> None:
    """Print the agency's open applications, overdue first: state in words, next deadline, days left."""
    from service.clerk_views import open_applications, state_words

    day = tracker.settings.today
    rows = open_applications(tracker, day)
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    from domain.deadlines import KIND_LABELS

    table = Table(title=f"在办申请 open applications · 查询日 {day} · {len(rows)} 件")
    for column in (
        "受理编号 number",
        "收到日期 received",
        "申请人类别 applicant",
        "状态 state",
        "下一期限 next deadline",
        "剩余 days left",
    ):
        table.add_column(column)
    for r in rows:
        words = state_words(r.request, r.registration)
        nxt = r.next
        due = f"{KIND_LABELS[nxt.deadline.kind]} {nxt.deadline.due or '—'}" if nxt else "—"
        table.add_row(
            r.request.number,
            r.request.received.isoformat(),
            APPLICANT_LABELS[r.request.applicant_type],
            " · ".join(words),
            due,
            nxt.words() if nxt else "—",
            style="bold red" if r.overdue else "",
        )
    Console(width=160).print(table)
