"""`info`, `show` and `list`: what the store holds, one application's history, the open applications."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import click

from domain.labels import APPLICANT_LABELS, CHANNEL_LABELS, EVENT_LABELS, outcome_label
from service.settings import PLACEHOLDER_AGENCY

if TYPE_CHECKING:
    from domain.event import DomainEvent
    from service.tracker import Tracker

STATE_LABELS = {
    "open": "办理中",
    "awaiting_correction": "待补正",
    "consulting": "征求意见中",
    "awaiting_fee": "待缴费",
    "answered": "已答复",
    "withdrawn": "已撤回",
    "voided": "已作废",
}


def print_info(tracker: Tracker) -> None:
    """Print the store's location, counts, agency and versions."""
    tracker.catch_up()
    counts = tracker.counts()
    agency = tracker.agency
    data = {
        "store": tracker.settings.db,
        "backend": "postgresql" if tracker.settings.is_postgres else "sqlite",
        "agency_code": agency,
        "agency": tracker.agency_name(agency),
        "agency_is_placeholder": agency == PLACEHOLDER_AGENCY,
        "clerk": tracker.settings.clerk,
        "today": tracker.settings.today.isoformat(),
        **counts,
        **_protection(tracker),
        "versions": {p: version(p) for p in ("gongkai", "eventsourcing", "pydantic", "structlog", "click")},
    }
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _protection(tracker: Tracker) -> dict[str, Any]:
    """Say plainly whether personal data is encrypted at rest (and warn on stderr when it is not)."""
    from storage.crypto import key_store

    keys = key_store(tracker.app)
    if keys is None:
        warning = (
            "NOT ENCRYPTED 未加密: applicant names, ID numbers, phones, addresses and subjects are stored in plain "
            "text; set GONGKAI_CIPHER_KEY or GONGKAI_CIPHER_KEY_FILE on a new store (README, Security)"
        )
        click.echo(f"警告 warning: {warning}", err=True)
        return {"encrypted": False, "personal_data": warning}
    return {
        "encrypted": True,
        "personal_data": "encrypted at rest (AES-GCM): every event with the master key, personal fields with a "
        "key per application",
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


def print_history(tracker: Tracker, number: str) -> None:
    """Print every event of an application and of its appeal cases, with the clerk and the time recorded."""
    from rich.console import Console
    from rich.table import Table

    request = tracker.request(number)
    table = Table(title=f"申请 {number} · {STATE_LABELS[request.state]} · 机关 {request.agency}")
    for column in ("日期 date", "事项 event", "内容 details", "经办人 clerk", "录入时间 recorded at (UTC)"):
        table.add_column(column, overflow="fold")
    events = [*request.history, *(e for case in tracker.cases_of(number) for e in case.history)]
    for event in sorted(events, key=lambda e: (e.date, e.timestamp)):
        table.add_row(
            event.date.isoformat(),
            f"{EVENT_LABELS.get(event.name, event.name)} {event.name}",
            _describe(event),
            event.clerk,
            event.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
        )
    Console(width=160).print(table)


def print_open(tracker: Tracker, fmt: str) -> None:
    """Print the agency's open applications, oldest first."""
    rows = tracker.open_requests()
    if fmt == "json":
        data = [
            {
                "request": r.number,
                "received": r.received.isoformat(),
                "applicant_type": r.applicant_type,
                "state": r.state,
            }
            for r in rows
        ]
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"在办申请 open applications · {tracker.agency} · {len(rows)}")
    for column in ("受理编号 number", "收到日期 received", "申请人类别 applicant", "状态 state"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.number, r.received.isoformat(), APPLICANT_LABELS[r.applicant_type], STATE_LABELS[r.state])
    Console().print(table)
