"""The deadline rules and the scheduler's settings: a TOML file, then GONGKAI_* variables, which win.

The file is `GONGKAI_SETTINGS`, else `--config`, else ~/.config/gongkai/settings.toml if it exists:

    [deadlines]                       # local rules (DOMAIN.md §3 defaults)
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
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from domain.deadlines import DeadlineKind, DeadlineRules
from domain.errors import GongkaiError

SECURITY = ("none", "starttls", "ssl")
WEBHOOK_FORMATS = ("json", "dingtalk")


class SettingsError(GongkaiError):
    """The settings file or variables hold a value gongkai cannot use."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how reminder e-mails go."""

    host: str
    port: int = 25
    security: str = "none"
    user: str | None = None
    password: str | None = None
    sender: str = "gongkai@localhost"
    to: tuple[str, ...] = ()
    to_by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timeout: float = 10.0

    def recipients(self, kind: str) -> tuple[str, ...]:
        """Return who receives reminders of a deadline kind."""
        return self.to_by_kind.get(kind, self.to)


@dataclass(frozen=True)
class WebhookSettings:
    """A URL that receives each reminder as a JSON POST."""

    name: str
    url: str
    format: str = "json"
    secret: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out and how failed ones are retried."""

    before_working_days: tuple[int, ...] = (3, 1)
    time: dt.time = dt.time(9, 0)
    poll_seconds: float = 30.0
    retry_seconds: float = 300.0
    retry_max_seconds: float = 3600.0
    lease_seconds: float = 900.0


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
        raise SettingsError(f"设置有误 settings file {path}: {error}") from None


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"设置有误 settings: [{name}] must be a table")
    return value


def _rules(table: dict[str, Any]) -> DeadlineRules:
    known = {f.name for f in fields(DeadlineRules)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise SettingsError(
            f"设置有误 settings [deadlines]: unknown key {unknown[0]} (known: {', '.join(sorted(known))})"
        )
    try:
        return DeadlineRules(**table)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"设置有误 settings [deadlines]: {error}") from None


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"设置有误 settings: reminder time {text!r} is not HH:MM") from None


def _reminders(table: dict[str, Any], env: dict[str, str]) -> ReminderSettings:
    before = tuple(int(n) for n in table.get("before_working_days", (3, 1)))
    if any(n <= 0 for n in before):
        raise SettingsError(
            "设置有误 settings [reminders]: before_working_days must be positive numbers of working days"
        )
    return ReminderSettings(
        before_working_days=tuple(sorted(set(before), reverse=True)),
        time=_time(env.get("GONGKAI_REMIND_AT") or str(table.get("time", "09:00"))),
        poll_seconds=float(env.get("GONGKAI_POLL_SECONDS") or table.get("poll_seconds", 30)),
        retry_seconds=float(env.get("GONGKAI_RETRY_SECONDS") or table.get("retry_seconds", 300)),
        retry_max_seconds=float(table.get("retry_max_seconds", 3600)),
        lease_seconds=float(table.get("lease_seconds", 900)),
    )


def _addresses(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return tuple(str(item).strip() for item in items if str(item).strip())


def _smtp(table: dict[str, Any], env: dict[str, str]) -> SmtpSettings | None:
    host = env.get("GONGKAI_SMTP_HOST") or table.get("host")
    if not host:
        return None
    security = env.get("GONGKAI_SMTP_SECURITY") or table.get("security", "none")
    if security not in SECURITY:
        raise SettingsError(f"设置有误 settings [smtp]: security {security!r} is not one of {', '.join(SECURITY)}")
    by_kind = {str(k): _addresses(v) for k, v in _table(table, "to_by_kind").items()}
    unknown = sorted(set(by_kind) - {k.value for k in DeadlineKind})
    if unknown:
        raise SettingsError(f"设置有误 settings [smtp.to_by_kind]: {unknown[0]} is not a deadline kind")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    return SmtpSettings(
        host=str(host),
        port=int(env.get("GONGKAI_SMTP_PORT") or table.get("port", default_port)),
        security=security,
        user=env.get("GONGKAI_SMTP_USER") or table.get("user"),
        password=env.get("GONGKAI_SMTP_PASSWORD") or table.get("password"),
        sender=env.get("GONGKAI_SMTP_FROM") or table.get("from", "gongkai@localhost"),
        to=_addresses(env.get("GONGKAI_SMTP_TO") or table.get("to", ())),
        to_by_kind=by_kind,
        timeout=float(table.get("timeout", 10)),
    )


def _webhook(table: dict[str, Any]) -> WebhookSettings:
    url, fmt = table.get("url"), table.get("format", "json")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SettingsError(f"设置有误 settings [[webhooks]]: url {url!r} is not an http(s) URL")
    if fmt not in WEBHOOK_FORMATS:
        raise SettingsError(
            f"设置有误 settings [[webhooks]]: format {fmt!r} is not one of {', '.join(WEBHOOK_FORMATS)}"
        )
    return WebhookSettings(
        name=str(table.get("name", "webhook")),
        url=url,
        format=fmt,
        secret=table.get("secret"),
        timeout=float(table.get("timeout", 10)),
    )


def _webhooks(data: dict[str, Any], env: dict[str, str]) -> tuple[WebhookSettings, ...]:
    tables = data.get("webhooks", [])
    if not isinstance(tables, list):
        raise SettingsError("设置有误 settings: webhooks must be an array of tables ([[webhooks]])")
    hooks = [_webhook(t) for t in tables]
    if env.get("GONGKAI_WEBHOOK_URL"):
        hooks.append(
            _webhook(
                {
                    "name": "webhook",
                    "url": env["GONGKAI_WEBHOOK_URL"],
                    "format": env.get("GONGKAI_WEBHOOK_FORMAT", "json"),
                    "secret": env.get("GONGKAI_WEBHOOK_SECRET"),
                }
            )
        )
    names = [h.name for h in hooks]
    if len(set(names)) != len(names):
        raise SettingsError(f"设置有误 settings [[webhooks]]: names must differ ({', '.join(names)})")
    return tuple(hooks)


def load_scheduler_settings(env: dict[str, str], file: Path | None = None) -> SchedulerSettings:
    """Return the deadline rules and scheduler settings from a file (GONGKAI_SETTINGS wins) and variables."""
    path = Path(env["GONGKAI_SETTINGS"]) if env.get("GONGKAI_SETTINGS") else file
    if path is not None and env.get("GONGKAI_SETTINGS") and not path.exists():
        raise SettingsError(f"设置有误 settings file {path} (GONGKAI_SETTINGS) does not exist")
    data = _read_file(path)
    try:
        return SchedulerSettings(
            rules=_rules(_table(data, "deadlines")),
            reminders=_reminders(_table(data, "reminders"), env),
            smtp=_smtp(_table(data, "smtp"), env),
            webhooks=_webhooks(data, env),
            source=str(path) if data else None,
        )
    except (TypeError, ValueError) as error:
        raise SettingsError(f"设置有误 settings: {error}") from None
