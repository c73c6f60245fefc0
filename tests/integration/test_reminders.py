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
from service.notify import Message, Notifier, NotifyError
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


class Named(Collect):
    """A collecting notifier under a channel name of our choosing (e.g. the log's)."""

    def __init__(self, channel: str, fail: BaseException | None = None) -> None:
        super().__init__(fail)
        self.channel = channel


def test_a_notifier_that_raises_something_unexpected_still_ends_its_claim_as_failed(tracker: Tracker) -> None:
    log, broken = Named("log"), Named("webhook:w", fail=ValueError("unknown url type: 'http://[oops'"))
    notifiers: list[Notifier] = [log, broken]
    sweep = Reminders(tracker, rules=DeadlineRules(), policy=Policy(), notifiers=notifiers, now=lambda: NOW).sweep()
    assert sweep.sent == 2 and sweep.failed == 2
    history = [(e.name, getattr(e, "notifier", None), getattr(e, "error", None)) for e in tracker.request("R1").history]
    assert [name for name, channel, _ in history if channel == "webhook:w"] == ["reminder_sending", "reminder_failed"]
    assert "unknown url type" in str(next(error for name, _, error in history if name == "reminder_failed"))
    assert [name for name, channel, _ in history if channel == "log"] == ["reminder_sending", "reminder_sent"]


def test_the_log_channel_is_never_sent_again_once_sent_even_when_another_channel_crashed(tracker: Tracker) -> None:
    log = Named("log")
    crashing = Named("webhook:w", fail=Crash())  # the process dies while the webhook is being posted
    with pytest.raises(Crash):
        Reminders(tracker, rules=DeadlineRules(), policy=Policy(), notifiers=[log, crashing], now=lambda: NOW).sweep()
    assert len(log.sent) == 1
    later = NOW + dt.timedelta(minutes=16)  # the webhook's claim has expired
    again = Named("webhook:w")
    Reminders(tracker, rules=DeadlineRules(), policy=Policy(), notifiers=[log, again], now=lambda: later).sweep()
    keys = [m.data["key"] for m in log.sent]
    assert len(keys) == len(set(keys)) == 2, keys  # each reminder logged once: R1's 报备 and the filing of 2026-09
    assert "registration:R1:2026-09-21" in [m.data["key"] for m in again.sent]  # the webhook is tried again


def test_a_filed_month_changed_later_is_reminded_of_like_every_deadline(tmp_path: Path) -> None:
    def on(day: dt.date) -> Tracker:
        return Tracker(Settings(db=str(tmp_path / "f.db"), agency="A", clerk="t", today=day))

    first = on(dt.date(2026, 12, 1))
    first.record([(1, parse_object({**LINES[0], "date": "2026-11-03"}))])
    from service.filing import month_figures

    filing = {"event": "monthly_filing_submitted", "month": "2026-11", "date": "2026-12-01"}
    first.record([(1, parse_object({**filing, "figures": month_figures(first, "2026-11").model_dump(mode="json")}))])
    first.close()
    late = on(dt.date(2026, 12, 3))  # a November application entered on Thursday 3 December
    line = {"event": "received", "request": "R2", "date": "2026-11-20", "channel": "mail", "applicant_type": "自然人"}
    done = late.record([(1, parse_object(line))])
    assert [changes.month for changes in done.changed_filings] == ["2026-11"]
    notifier = Collect()
    monday = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # the re-filing's due day
    reminders(late, notifier, monday).sweep()
    assert any("2026-11" in m.title and "月报更正重报期限" in m.title for m in notifier.sent), notifier.sent
    late.close()
