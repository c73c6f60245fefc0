"""The appeal case (复议/诉讼) aggregate: appealed, responded to, decided; each event's `changes` are its one fold."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.changes import DATE, Append, First, Set
from domain.codes import AppealKind, AppealResult, Procedure
from domain.errors import RefusedError
from domain.event import AggregateEvent, KeepsHistory
from domain.labels import step_label
from domain.messages import zh_en
from domain.reminders import ReminderFields
from domain.values import Code, Text, name_id


@functools.lru_cache(maxsize=1 << 17)  # an import names each aggregate on many lines
def case_id(agency: str, case: str) -> UUID:
    """Return the aggregate id of an agency's case number."""
    return name_id(f"gongkai:case:{agency}:{case}")


class AppealCase(KeepsHistory, BaseAggregate[UUID]):
    """A reconsideration or lawsuit against an agency's handling of one application."""

    class Event(AggregateEvent):
        case: Code

    class Appealed(Event, CanInitAggregate[UUID]):
        name = "appealed"
        # Version 2 added `body` (issue 11); stores written before hold version 1 (docs/evolving-events.md).
        class_version: ClassVar[int] = 2
        request: Code
        kind: AppealKind
        procedure: Procedure | None = None
        body: Text | None = None  # the 复议机关 or court (docs/import-format.md), shown in the 复议（诉讼）表
        changes = (
            Set("agency", "agency"),
            Set("number", "case"),
            Set("request", "request"),
            Set("kind", "kind"),
            Set("procedure", "procedure"),
            Set("body", "body"),
            Set("appealed", DATE),
        )

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Give an `appealed` stored before `body` existed the body it then had: none recorded."""
            state["body"] = None

    class Responded(Event):
        name = "appeal_responded"
        changes = (First("responded"),)

    class Decided(Event):
        name = "appeal_decided"
        result: AppealResult
        changes = (Append("decisions", "result"),)

    class ReminderSending(Event, ReminderFields):
        """The scheduler claimed a reminder about the case's deadline (not an import line)."""

        name = "reminder_sending"

    class ReminderSent(Event, ReminderFields):
        name = "reminder_sent"

    class ReminderFailed(Event, ReminderFields):
        name = "reminder_failed"

    def __init__(self) -> None:
        self.history: list[AppealCase.Event] = []
        self.agency = self.number = self.request = ""
        self.kind = AppealKind.RECONSIDERATION
        self.procedure: Procedure | None = None
        self.body: str | None = None
        self.appealed = dt.date.min
        self.responded: dt.date | None = None
        self.decisions: tuple[tuple[dt.date, AppealResult], ...] = ()

    def check_step(self, name: str, date: dt.date) -> None:
        """Refuse a step dated before the case was appealed, or a second `appealed`."""
        if name == "appealed":
            raise RefusedError(
                f"案件 {self.number}",
                zh_en(
                    f"这个案号已于 {self.appealed} 记录过（对应申请 {self.request}）",
                    f"this case number was already appealed on {self.appealed} (application {self.request})",
                ),
                zh_en("同一机关的案号不能重复", "case numbers are unique within an agency"),
                "case",
            )
        if date < self.appealed:
            raise RefusedError(
                f"案件 {self.number}",
                zh_en(
                    f"{step_label(name)}日期 {date} 早于该案件的复议/诉讼日期 {self.appealed}",
                    f"{name} is dated {date}, before the case was appealed on {self.appealed}",
                ),
                zh_en("请核对日期", "check the date"),
                "date",
            )


CASE_EVENT_CLASSES: dict[str, type[AppealCase.Event]] = {
    cls.name: cls for cls in (AppealCase.Appealed, AppealCase.Responded, AppealCase.Decided)
}
