"""One sweep: compute the open deadlines from the events, send the reminders whose time has come, plan the rest.

Exactly once: before sending, the scheduler records `reminder_sending` on the aggregate the deadline belongs
to, at the aggregate's next version. Two daemons that race write the same version; the store keeps one and
the other gets IntegrityError and sends nothing. After sending it records `reminder_sent` (or
`reminder_failed`, retried after a back-off). A restart reads these events and skips what was sent. The one
window left is a crash after the server accepted a message and before `reminder_sent` was written: the claim
then expires after `lease_seconds` and the reminder is sent again (at least once rather than lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

from domain.agency import Agency
from domain.appeal import AppealCase
from domain.calendar import WorkingCalendar
from domain.deadlines import KIND_LABELS, DeadlineRules
from domain.reminders import reminder_log
from domain.request import Request
from scheduler.plan import (
    CALENDAR_MISSING,
    Policy,
    current_offset,
    deadline_key,
    decide,
    message_text,
    next_reminder_day,
    reminder_day,
    reminder_time,
    subject_label,
    urgency,
)
from service.deadlines import OpenDeadline, Owner, load, open_deadlines, working_calendar
from service.logs import get_logger
from service.notify import Message, Notifier, NotifyError

if TYPE_CHECKING:
    from domain.event import AggregateEvent
    from service.tracker import Tracker

log = get_logger("gongkai.scheduler")
RECORD_ATTEMPTS = 5  # re-reads when a clerk's event lands between claim and outcome
SCHEDULER_CLERK = "scheduler"


@dataclass
class Sweep:
    """What a sweep did, and when it wants to run again (job id → time)."""

    sent: int = 0
    failed: int = 0
    claimed_elsewhere: int = 0
    overdue_sent: int = 0  # overdue reminders this sweep tried to send (Policy.max_overdue_per_sweep at most)
    overdue_held: int = 0  # overdue reminders left for a later sweep, summed up in one log line
    stopped: bool = False
    calendar_missing: set[int] = field(default_factory=set)
    jobs: dict[str, dt.datetime] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """Return the counts as JSON-ready data."""
        return {
            "sent": self.sent,
            "failed": self.failed,
            "claimed_elsewhere": self.claimed_elsewhere,
            "overdue_held": self.overdue_held,
            "calendar_missing": sorted(self.calendar_missing),
            "planned": len(self.jobs),
        }


_CLASSES: dict[type[Owner], tuple[type[AggregateEvent], type[AggregateEvent], type[AggregateEvent]]] = {
    Request: (Request.ReminderSending, Request.ReminderSent, Request.ReminderFailed),
    AppealCase: (AppealCase.ReminderSending, AppealCase.ReminderSent, AppealCase.ReminderFailed),
    Agency: (Agency.ReminderSending, Agency.ReminderSent, Agency.ReminderFailed),
}


class Reminders:
    """Plans and sends the reminders of a store; holds no state between sweeps."""

    def __init__(
        self,
        tracker: Tracker,
        *,
        rules: DeadlineRules,
        policy: Policy,
        notifiers: list[Notifier],
        now: Callable[[], dt.datetime],
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self.tracker, self.rules, self.policy, self.notifiers, self.now = tracker, rules, policy, notifiers, now
        self.stopping = stopping  # the daemon was told to stop: no new claim is made

    def _agencies(self) -> list[str]:
        chosen = self.tracker.settings.agency
        return [self.tracker.stored_code(chosen)] if chosen else [a.agency for a in self.tracker.view.agencies()]

    def _catch_up(self) -> None:
        try:
            self.tracker.catch_up()
        except IntegrityError:
            log.info("view_caught_up_elsewhere")  # another process applied the same events first

    def sweep(self) -> Sweep:
        """Send every reminder whose time has come and plan the next ones."""
        now = self.now()
        day = reminder_day(now, self.policy)
        self._catch_up()
        calendar = working_calendar(self.tracker.app)
        result = Sweep()
        found = open_deadlines(
            self.tracker, as_of=now.date(), rules=self.rules, calendar=calendar, agencies=self._agencies()
        )
        for item in found:
            if self.stopping():
                log.info("sweep_interrupted", reason="stopping")
                result.stopped = True
                return result
            self._one(item, now, day, calendar, result)
        tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 0, 5), tzinfo=now.tzinfo)
        result.jobs["replan"] = tomorrow  # a new day opens new deadlines (a month's filing, an overdue day)
        if result.calendar_missing:
            log.error(
                "calendar_missing",
                years=sorted(result.calendar_missing),
                advice="gongkai calendar add YEAR --holidays … --workdays … --source …",
            )
        if result.overdue_held:
            log.warning(
                "overdue_reminders_held",
                held=result.overdue_held,
                sent=result.overdue_sent,
                limit=self.policy.max_overdue_per_sweep,
                advice="逾期提醒过多，其余留待下次发送；请用 gongkai due 查看全部 / too many overdue reminders: "
                "the rest wait for later sweeps; gongkai due lists them all",
            )
        log.info("swept", deadlines=len(found), **result.summary())
        return result

    def _one(self, item: OpenDeadline, now: dt.datetime, day: dt.date, cal: WorkingCalendar, result: Sweep) -> None:
        deadline = item.deadline
        key = deadline_key(deadline)
        if deadline.calendar_missing is not None:
            result.calendar_missing.add(deadline.calendar_missing)
        offset = current_offset(deadline, day, cal, self.policy)
        overdue = offset is not None and offset.startswith("overdue")
        if overdue and result.overdue_sent >= self.policy.max_overdue_per_sweep:
            result.overdue_held += 1
        elif offset is not None:
            result.overdue_sent += overdue
            self._deliver(item, key, offset, now, cal, result)
        following = next_reminder_day(deadline, day, cal, self.policy)
        if following is not None:
            result.jobs[f"remind:{key}"] = reminder_time(following, self.policy, now.tzinfo or dt.UTC)

    def _message(self, item: OpenDeadline, key: str, offset: str, now: dt.datetime, cal: WorkingCalendar) -> Message:
        deadline, day = item.deadline, now.date()
        name = self.tracker.agency_name(item.agency)
        code = self.tracker.display_code(item.agency)  # the real code; none for the placeholder
        state = urgency(deadline, day, cal)
        title = f"【政府信息公开】{subject_label(deadline)} {KIND_LABELS[deadline.kind]}：{state}"
        data: dict[str, Any] = {
            "agency": code,
            "key": key,
            "offset": offset,
            "kind": deadline.kind.value,
            "due": deadline.due.isoformat() if deadline.due else None,
            "overdue": bool(deadline.due and deadline.due < day),
        }
        for name_, value in (("request", deadline.request), ("case", deadline.case), ("month", deadline.month)):
            if value is not None:
                data[name_] = value
        if deadline.year is not None:
            data["year"] = deadline.year
        if offset == CALENDAR_MISSING:
            data["calendar_missing"] = deadline.calendar_missing
        return Message(title, message_text(deadline, code, name, day, cal), data)

    def _owner(self, item: OpenDeadline, day: dt.date) -> Owner:
        owner = load(self.tracker.app, item.owner_id)
        if owner is None:  # an agency with applications but no agency event yet
            owner = Agency._create(Agency.Opened, id=item.owner_id, date=day, agency=item.agency, clerk=SCHEDULER_CLERK)
        assert isinstance(owner, Request | AppealCase | Agency), f"not an owner of deadlines: {item.owner_id}"
        return owner

    def _deliver(
        self, item: OpenDeadline, key: str, offset: str, now: dt.datetime, cal: WorkingCalendar, result: Sweep
    ) -> None:
        message = self._message(item, key, offset, now, cal)
        owner = self._owner(item, now.date())
        attempts = reminder_log(owner.history)
        due: list[Notifier] = []
        for notifier in self.notifiers:
            if not notifier.wants(message):
                continue
            decision = decide(attempts.get((key, offset, notifier.channel)), now, self.policy)
            if decision.send:
                due.append(notifier)
            elif decision.again is not None:
                result.jobs[f"retry:{key}:{offset}:{notifier.channel}"] = decision.again
        if not due:
            return
        fields = {"key": key, "kind": item.deadline.kind.value, "offset": offset, "due": item.deadline.due}
        for notifier in due:
            self._trigger(owner, 0, item, now, notifier=notifier.channel, **fields)
        try:
            self.tracker.app.save(owner)
        except IntegrityError:
            result.claimed_elsewhere += 1
            log.info("claimed_elsewhere", key=key, offset=offset)  # another daemon, or a clerk's step: look again
            result.jobs[f"retry:{key}:{offset}"] = now + dt.timedelta(seconds=5)
            return
        for notifier in due:  # each channel's outcome is recorded before the next channel is tried
            self._record(item, now, fields, [(notifier, self._send(notifier, message))], result)

    def _send(self, notifier: Notifier, message: Message) -> str | None:
        try:
            notifier.send(message)
        except NotifyError as error:
            log.warning("reminder_not_sent", channel=notifier.channel, key=message.data["key"], error=str(error))
            return str(error)
        except Exception as error:  # a claim must end in sent or failed, whatever an adapter raises
            log.exception("reminder_not_sent", channel=notifier.channel, key=message.data["key"], error=repr(error))
            return f"unexpected {type(error).__name__}: {error}"
        log.info("reminder_sent", channel=notifier.channel, key=message.data["key"], offset=message.data["offset"])
        return None

    def _trigger(self, owner: Owner, stage: int, item: OpenDeadline, now: dt.datetime, **fields: object) -> None:
        cls = _CLASSES[type(owner)][stage]
        subject = {"request": item.deadline.request} if isinstance(owner, Request) else {}
        if isinstance(owner, AppealCase):
            subject = {"case": item.deadline.case}
        who = {"date": now.date(), "agency": item.agency, "clerk": SCHEDULER_CLERK}
        owner.trigger_event(cls, at=now, **who, **subject, **fields)

    def _record(
        self,
        item: OpenDeadline,
        now: dt.datetime,
        fields: dict[str, Any],
        outcomes: list[tuple[Notifier, str | None]],
        result: Sweep,
    ) -> None:
        """Record each channel's outcome; re-read and try again if a clerk recorded a step meanwhile."""
        for attempt in range(RECORD_ATTEMPTS):
            owner = load(self.tracker.app, item.owner_id)
            assert isinstance(owner, Request | AppealCase | Agency), f"saved, so stored: {item.owner_id}"
            for notifier, error in outcomes:
                stage, extra = (1, {}) if error is None else (2, {"error": error[:500]})
                self._trigger(owner, stage, item, now, notifier=notifier.channel, **fields, **extra)
            try:
                self.tracker.app.save(owner)
                break
            except IntegrityError:
                log.info("outcome_conflict", key=fields["key"], attempt=attempt + 1)
        else:  # the claims stay open: after the lease the reminder is sent again rather than lost
            log.error("outcome_not_recorded", key=fields["key"], offset=fields["offset"])
        for _notifier, error in outcomes:
            if error is None:
                result.sent += 1
            else:
                result.failed += 1
        if any(error is not None for _n, error in outcomes):
            retry = now + dt.timedelta(seconds=self.policy.retry_seconds)
            result.jobs[f"retry:{fields['key']}:{fields['offset']}"] = retry
