"""Reminders recorded as events on a real store: one winner in a race, stale claims retried, no table changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.deadlines import DeadlineRules
from domain.lines import parse_object
from scheduler.plan import Policy
from scheduler.sweep import Reminders
from service.deadlines import OpenDeadline, Owner
from service.notify import Message, NotifyError
from service.settings import SHANGHAI, Settings
from service.tracker import Tracker

NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)
LINES = [
    {"event": "received", "request": "R1", "date": "2026-09-18", "channel": "mail", "applicant_type": "other_org"},
    {"event": "answered", "request": "R1", "date": "2026-10-16", "outcome": "disclosed"},  # 报备 still open
]


class Crash(BaseException):
    """The process dies between the claim and the outcome."""


class Collect:
    channel = "test"

    def __init__(self, fail: BaseException | None = None) -> None:
        self.sent: list[Message] = []
        self.fail = fail

    def wants(self, message: Message) -> bool:
        return True

    def send(self, message: Message) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append(message)


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[Tracker]:
    opened = Tracker(Settings(db=str(tmp_path / "s.db"), agency="A", clerk="t", today=dt.date(2026, 11, 25)))
    opened.record([(n, parse_object(line)) for n, line in enumerate(LINES, start=1)])
    yield opened
    opened.close()


def reminders(tracker: Tracker, notifier: Collect, now: dt.datetime = NOW) -> Reminders:
    return Reminders(tracker, rules=DeadlineRules(), policy=Policy(), notifiers=[notifier], now=lambda: now)


def test_of_two_schedulers_that_read_the_same_version_only_one_sends(tracker: Tracker) -> None:
    other_notifier = Collect()
    other = reminders(Tracker(tracker.settings), other_notifier)

    class Racing(Reminders):
        def _owner(self, item: OpenDeadline, day: dt.date) -> Owner:
            owner = super()._owner(item, day)
            other.sweep()  # the other daemon claims and sends after this one has read the aggregate
            return owner

    notifier = Collect()
    first = Racing(tracker, rules=DeadlineRules(), policy=Policy(), notifiers=[notifier], now=lambda: NOW)
    result = first.sweep()
    assert result.claimed_elsewhere >= 1
    titles = [m.title for m in notifier.sent + other_notifier.sent]
    assert len(titles) == len(set(titles)) >= 2  # the 报备 of R1 and the monthly filing of 2026-09
    assert reminders(tracker, notifier).sweep().sent == 0
    other.tracker.close()


def test_a_claim_left_by_a_crash_is_sent_again_only_after_its_lease(tracker: Tracker) -> None:
    with pytest.raises(Crash):
        reminders(tracker, Collect(fail=Crash())).sweep()
    notifier = Collect()
    reminders(tracker, notifier, NOW + dt.timedelta(minutes=5)).sweep()
    assert [m.data["key"] for m in notifier.sent] == ["monthly_filing:2026-09:2026-10-02"]  # never claimed
    reminders(tracker, notifier, NOW + dt.timedelta(minutes=16)).sweep()
    assert [m.data["key"] for m in notifier.sent][1:] == ["registration:R1:2026-09-21"]  # the lease expired


def test_a_failed_send_is_recorded_and_retried_after_the_back_off(tracker: Tracker) -> None:
    failed = reminders(tracker, Collect(fail=NotifyError("down"))).sweep()
    assert failed.failed == 2 and failed.sent == 0
    assert any(job.startswith("retry:") for job in failed.jobs)
    notifier = Collect()
    assert reminders(tracker, notifier, NOW + dt.timedelta(seconds=60)).sweep().sent == 0
    assert reminders(tracker, notifier, NOW + dt.timedelta(seconds=301)).sweep().sent == 2
    history = [e.name for e in tracker.request("R1").history]
    assert history.count("reminder_failed") == 1 and history.count("reminder_sent") == 1


def test_reminder_events_change_no_table(tracker: Tracker) -> None:
    before = tracker.report("2026")
    facts = tracker.view.requests("A")
    reminders(tracker, Collect()).sweep()
    tracker.catch_up()
    assert tracker.report("2026") == before and tracker.view.requests("A") == facts
    _rebuilt, differences = tracker.replay()
    assert differences == []
