"""The reminder planner (pure): which reminder is current, when the next falls, whether to send or wait."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from domain.calendar import WorkingCalendar
from domain.deadlines import Deadline, DeadlineKind
from domain.reminders import Attempts, Status, reminder_log
from scheduler.plan import Policy, current_offset, deadline_key, decide, next_reminder_day, reminder_day
from service.notify import dingtalk_signed
from service.notify_settings import load_scheduler_settings
from service.settings import SHANGHAI
from service.settings_checks import SettingsError

D = dt.date.fromisoformat
CAL = WorkingCalendar()
POLICY = Policy()
REPLY = Deadline(DeadlineKind.REPLY, D("2026-10-22"), request="R1")


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        ("2026-10-18", None),
        ("2026-10-19", "before_3"),
        ("2026-10-20", "before_3"),
        ("2026-10-21", "before_1"),
        ("2026-10-22", "due"),
        ("2026-10-23", "overdue_1"),
        ("2026-10-24", "overdue_1"),  # a Saturday adds no overdue day
        ("2026-10-26", "overdue_2"),
    ],
)
def test_the_current_reminder_follows_working_days(day: str, offset: str | None) -> None:
    assert current_offset(REPLY, D(day), CAL, POLICY) == offset


def test_reminders_before_a_long_holiday_count_back_over_it() -> None:
    deadline = Deadline(DeadlineKind.REGISTRATION, D("2026-10-09"), request="R2")
    assert CAL.subtract_working_days(D("2026-10-09"), 1) == D("2026-10-08")
    assert CAL.subtract_working_days(D("2026-10-08"), 1) == D("2026-09-30")  # 10-1..7 are holidays
    assert current_offset(deadline, D("2026-10-05"), CAL, POLICY) == "before_3"  # 3 before is 9-29
    assert next_reminder_day(deadline, D("2026-10-05"), CAL, POLICY) == D("2026-10-08")


def test_the_next_reminder_day() -> None:
    assert next_reminder_day(REPLY, D("2026-10-16"), CAL, POLICY) == D("2026-10-19")
    assert next_reminder_day(REPLY, D("2026-10-19"), CAL, POLICY) == D("2026-10-21")
    assert next_reminder_day(REPLY, D("2026-10-21"), CAL, POLICY) == D("2026-10-22")
    assert next_reminder_day(REPLY, D("2026-10-23"), CAL, POLICY) == D("2026-10-26")  # every working day overdue


def test_a_monthly_filing_is_reminded_on_the_first() -> None:
    filing = Deadline(DeadlineKind.MONTHLY_FILING, D("2026-11-02"), month="2026-10")
    assert current_offset(filing, D("2026-11-01"), CAL, POLICY) == "month_start"
    assert current_offset(filing, D("2026-11-02"), CAL, POLICY) == "due"


def test_paused_deadlines_are_not_reminded_and_missing_years_once() -> None:
    paused = Deadline(DeadlineKind.REPLY, D("2026-11-05"), request="R4", paused=True)
    assert current_offset(paused, D("2026-11-05"), CAL, POLICY) is None
    assert next_reminder_day(paused, D("2026-11-01"), CAL, POLICY) is None
    missing = Deadline(DeadlineKind.REPLY, None, request="Y1", calendar_missing=2027)
    assert current_offset(missing, D("2026-12-10"), CAL, POLICY) == "calendar_missing"
    assert deadline_key(missing) == "reply:Y1:missing-2027"
    assert deadline_key(REPLY) == "reply:R1:2026-10-22"


def test_reminders_go_out_at_the_reminder_time() -> None:
    assert reminder_day(dt.datetime(2026, 10, 20, 8, 59, tzinfo=SHANGHAI), POLICY) == D("2026-10-19")
    assert reminder_day(dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI), POLICY) == D("2026-10-20")


def test_send_new_never_sent_retry_failed_with_back_off_and_stale_claims_after_the_lease() -> None:
    at = dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)
    policy = Policy(retry_seconds=60, retry_max_seconds=200, lease_seconds=900)

    def later(seconds: int) -> dt.datetime:
        return at + dt.timedelta(seconds=seconds)

    assert decide(None, at, policy).send
    assert not decide(Attempts(Status.SENT, at), later(10**6), policy).send
    assert decide(Attempts(Status.FAILED, at, 1), later(30), policy).again == later(60)
    assert decide(Attempts(Status.FAILED, at, 2), later(119), policy).again == later(120)
    assert decide(Attempts(Status.FAILED, at, 5), later(200), policy).send  # capped
    assert decide(Attempts(Status.SENDING, at), later(899), policy).again == later(900)
    assert decide(Attempts(Status.SENDING, at), later(900), policy).send


def test_the_reminder_log_folds_attempts_and_a_sent_reminder_stays_sent() -> None:
    at = dt.datetime(2026, 10, 20, 9, 0, tzinfo=SHANGHAI)

    def event(name: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, key="k", offset="due", notifier="smtp", at=at)

    history = [event("received"), event("reminder_sending"), event("reminder_failed"), event("reminder_sending")]
    assert reminder_log(history)[("k", "due", "smtp")] == Attempts(Status.SENDING, at, 1)
    history += [event("reminder_sent"), event("reminder_failed")]
    assert reminder_log(history)[("k", "due", "smtp")].status is Status.SENT


def test_settings_come_from_the_file_and_the_variables_win(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        '[deadlines]\nregistration_working_days = 3\n[reminders]\nbefore_working_days = [1, 5]\ntime = "08:30"\n'
        '[smtp]\nhost = "mail"\nsecurity = "ssl"\nto = ["a@x"]\n[smtp.to_by_kind]\nreply = ["b@x"]\n'
        '[[webhooks]]\nname = "ding"\nurl = "https://oapi.dingtalk.com/robot/send?access_token=x"\n'
        'format = "dingtalk"\n',
        encoding="utf-8",
    )
    settings = load_scheduler_settings({"GONGKAI_SMTP_TO": "c@x, d@x"}, path)
    assert settings.rules.registration_working_days == 3
    assert settings.reminders.before_working_days == (5, 1) and settings.reminders.time == dt.time(8, 30)
    assert settings.smtp is not None and settings.smtp.port == 465
    assert settings.smtp.recipients("reply") == ("b@x",) and settings.smtp.recipients("registration") == ("c@x", "d@x")
    assert [h.name for h in settings.webhooks] == ["ding"]
    assert load_scheduler_settings({}, tmp_path / "absent.toml").smtp is None
    path.write_text('[smtp]\nhost = "mail"\nsecurity = "tls"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="security"):
        load_scheduler_settings({}, path)
    path.write_text("[deadlines]\nregistration_days = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown key registration_days"):
        load_scheduler_settings({}, path)


def test_dingtalk_signature_is_the_documented_hmac() -> None:
    url = dingtalk_signed("https://oapi.dingtalk.com/robot/send?access_token=x", "SEC1", 1700000000000)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign=")
