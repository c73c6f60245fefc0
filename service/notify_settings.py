"""The deadline rules and the scheduler's settings: a TOML file, then GONGKAI_* variables, which win.

The file is `GONGKAI_SETTINGS`, else `--config`, else ~/.config/gongkai/settings.toml if it exists:

    [deadlines]                       # local rules (docs/deadlines.md defaults)
    registration_working_days = 2
    filing_day_of_month = 2
    filing_day_moves_on_holiday = false
    fee_wait_pauses_reply = true

    [reminders]
    before_working_days = [3, 1]      # plus the day itself and every working day while overdue
    time = "09:00"                    # Asia/Shanghai
    poll_seconds = 30                 # how often new events are looked for
    retry_seconds = 300               # first retry after a failed send, doubling up to retry_max_seconds
    retry_max_seconds = 3600
    lease_seconds = 900               # a claim older than this with no outcome is retried
    max_overdue_per_sweep = 20        # overdue reminders one sweep sends; the rest are summed up in one log line

    [smtp]
    host = "smtp.example.gov.cn"
    port = 465
    security = "ssl"                  # none | starttls | ssl
    user = "gongkai@example.gov.cn"
    password = "…"
    from = "gongkai@example.gov.cn"
    to = ["office@example.gov.cn"]
    [smtp.to_by_kind]                 # replaces `to` for these deadline kinds
    reply = ["head@example.gov.cn", "office@example.gov.cn"]

    [[webhooks]]
    name = "dingtalk"
    url = "https://oapi.dingtalk.com/robot/send?access_token=…"
    format = "dingtalk"               # json (the default) | dingtalk
    secret = "SEC…"                   # DingTalk 加签 secret, optional

Variables: GONGKAI_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _FROM, _TO (comma-separated);
GONGKAI_WEBHOOK_URL, _FORMAT, _SECRET (one webhook named `webhook`); GONGKAI_REMIND_AT, GONGKAI_POLL_SECONDS,
GONGKAI_RETRY_SECONDS.

The [smtp] and [[webhooks]] tables are read and checked in service/notify_targets.py.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from domain.deadlines import DeadlineRules
from domain.messages import zh_en
from service.notify_targets import SmtpSettings, WebhookSettings, smtp_settings, webhook_settings
from service.settings_checks import SettingsError, refuse, seconds, table_of

# Read from here by the CLI, the scheduler and the notifiers (the [smtp] and [[webhooks]] types live in notify_targets).
__all__ = [
    "ReminderSettings",
    "SchedulerSettings",
    "SettingsError",
    "SmtpSettings",
    "WebhookSettings",
    "load_scheduler_settings",
]


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out and how failed ones are retried."""

    before_working_days: tuple[int, ...] = (3, 1)
    time: dt.time = dt.time(9, 0)
    poll_seconds: float = 30.0
    retry_seconds: float = 300.0
    retry_max_seconds: float = 3600.0
    lease_seconds: float = 900.0
    max_overdue_per_sweep: int = 20


@dataclass(frozen=True)
class SchedulerSettings:
    """Everything `due`, `status` and the scheduler read besides the store."""

    rules: DeadlineRules = field(default_factory=DeadlineRules)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    smtp: SmtpSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()
    source: str | None = None  # the settings file read, if any


def _read_file(path: Path | None) -> dict[str, Any]:
    if path is None or not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"设置文件无法读取 / settings file {path} cannot be read: {error}") from None


def _rules(table: dict[str, Any]) -> DeadlineRules:
    known = {f.name for f in fields(DeadlineRules)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise SettingsError(
            f"未知的设置项 / settings [deadlines]: unknown key {unknown[0]} (known: {', '.join(sorted(known))})"
        )
    try:
        return DeadlineRules(**table)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"期限规则设置有误 / settings [deadlines]: {error}") from None


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise refuse(
            "[reminders]",
            "time",
            text,
            zh_en("提醒时间格式有误，请写作 时:分，如 09:00", "write the time as HH:MM, e.g. 09:00"),
        ) from None


def _reminders(table: dict[str, Any], env: dict[str, str]) -> ReminderSettings:
    where = "[reminders]"
    raw = table.get("before_working_days", (3, 1))
    try:
        before = tuple(int(n) for n in raw)
    except (TypeError, ValueError):
        before = (0,)
    if not before or any(n <= 0 or n > 60 for n in before):
        raise refuse(
            where,
            "before_working_days",
            raw,
            zh_en(
                "提前提醒的工作日数须为正整数（不超过 60），如 [3, 1]",
                "give positive numbers of working days, e.g. [3, 1]",
            ),
        )

    def number(key: str, variable: str | None, default: float) -> float:
        if variable and env.get(variable):
            return seconds(where, key, env[variable], source=variable)
        return seconds(where, key, table.get(key, default))

    retry, most = number("retry_seconds", "GONGKAI_RETRY_SECONDS", 300), number("retry_max_seconds", None, 3600)
    if most < retry:
        raise refuse(
            where,
            "retry_max_seconds",
            most,
            zh_en(f"最长重试间隔短于首次重试间隔，请至少写 {retry:g}", f"give at least {retry:g}"),
        )
    return ReminderSettings(
        before_working_days=tuple(sorted(set(before), reverse=True)),
        time=_time(env.get("GONGKAI_REMIND_AT") or str(table.get("time", "09:00"))),
        poll_seconds=number("poll_seconds", "GONGKAI_POLL_SECONDS", 30),
        retry_seconds=retry,
        retry_max_seconds=most,
        lease_seconds=number("lease_seconds", None, 900),
        max_overdue_per_sweep=_cap(table.get("max_overdue_per_sweep", 20)),
    )


def _cap(value: Any) -> int:
    if type(value) is not int or value < 1:
        raise SettingsError(
            f"settings [reminders]: max_overdue_per_sweep = {value!r}：须为正整数 / must be a whole number, 1 or more"
        )
    return value


def load_scheduler_settings(env: dict[str, str], file: Path | None = None) -> SchedulerSettings:
    """Return the deadline rules and scheduler settings from a file (GONGKAI_SETTINGS wins) and variables."""
    path = Path(env["GONGKAI_SETTINGS"]) if env.get("GONGKAI_SETTINGS") else file
    if path is not None and env.get("GONGKAI_SETTINGS") and not path.exists():
        raise SettingsError(f"设置文件不存在 / settings file {path} (GONGKAI_SETTINGS) does not exist")
    data = _read_file(path)
    try:
        return SchedulerSettings(
            rules=_rules(table_of(data, "deadlines")),
            reminders=_reminders(table_of(data, "reminders"), env),
            smtp=smtp_settings(table_of(data, "smtp"), env),
            webhooks=webhook_settings(data, env),
            source=str(path) if data else None,
        )
    except (TypeError, ValueError) as error:
        raise SettingsError(f"设置有误 / settings: {error}") from None
