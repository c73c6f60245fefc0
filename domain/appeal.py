"""The appeal case (复议/诉讼) aggregate: appealed, responded to, decided."""

from __future__ import annotations

import datetime as dt
import functools
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.codes import AppealKind, AppealResult, Procedure
from domain.errors import RefusedError
from domain.event import AggregateEvent, KeepsHistory
from domain.labels import step_label
from domain.messages import zh_en
from domain.reminders import ReminderFields
from domain.values import Code, name_id


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
        request: Code
        kind: AppealKind
        procedure: Procedure | None = None

        def evolve(self, case: AppealCase) -> None:
            case.agency, case.number, case.request = self.agency, self.case, self.request
            case.kind, case.procedure, case.appealed = self.kind, self.procedure, self.date

    class Responded(Event):
        name = "appeal_responded"

        def evolve(self, case: AppealCase) -> None:
            case.responded = case.responded or self.date

    class Decided(Event):
        name = "appeal_decided"
        result: AppealResult

        def evolve(self, case: AppealCase) -> None:
            case.decisions.append((self.date, self.result))

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
        self.appealed = dt.date.min
        self.responded: dt.date | None = None
        self.decisions: list[tuple[dt.date, AppealResult]] = []

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
