"""Reminders about deadlines, recorded as events so each goes out exactly once (pure).

A reminder is identified by its deadline key (kind, subject, due date), its offset (`before_3`, `due`,
`overdue_2`, `month_start`, `calendar_missing`) and the notifier it goes through (`log`, `smtp`,
`webhook:NAME`). Each attempt is two events on the aggregate the deadline belongs to: `reminder_sending`
(the claim, saved before anything is sent, so that of two daemons only one wins the aggregate's next
version) and then `reminder_sent` or `reminder_failed`. These events change no table and are no import
lines; they are accepted whatever the request's state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, cast

from pydantic import BaseModel, ConfigDict

from domain.values import Code, IsoDate, Text

REMINDER_EVENT_NAMES = frozenset({"reminder_sending", "reminder_sent", "reminder_failed"})


class ReminderFields(BaseModel):
    """What every reminder event says: which deadline, which offset, which channel, when."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use, as events are

    key: Text  # the deadline: kind:subject:due
    kind: Code
    offset: Code
    notifier: Code  # the channel: log, smtp, webhook:NAME
    due: IsoDate | None = None
    at: dt.datetime  # the scheduler's clock when the attempt was made (Asia/Shanghai)
    error: Text | None = None  # why a `reminder_failed` failed


ReminderId = tuple[str, str, str]  # (key, offset, notifier)


class Named(Protocol):
    """An event of a history, as far as the reminders read it: its name (a reminder's says which attempt)."""

    @property
    def name(self) -> str: ...


class Status(StrEnum):
    """Where one reminder stands after the events recorded so far."""

    NEW = "new"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Attempts:
    """One reminder's attempts: its latest status, when, and how many attempts failed."""

    status: Status = Status.NEW
    at: dt.datetime | None = None
    failures: int = 0


def reminder_log(history: Iterable[Named]) -> dict[ReminderId, Attempts]:
    """Fold an aggregate's history into the state of each reminder it records."""
    log: dict[ReminderId, Attempts] = {}
    for step in history:
        if step.name not in REMINDER_EVENT_NAMES:
            continue
        event = cast(ReminderFields, step)  # a reminder event's class has the reminder's fields
        rid = (event.key, event.offset, event.notifier)
        before = log.get(rid, Attempts())
        if before.status is Status.SENT:
            continue  # once sent, a reminder stays sent
        match step.name:
            case "reminder_sending":
                log[rid] = Attempts(Status.SENDING, event.at, before.failures)
            case "reminder_sent":
                log[rid] = Attempts(Status.SENT, event.at, before.failures)
            case "reminder_failed":
                log[rid] = Attempts(Status.FAILED, event.at, before.failures + 1)
    return log
