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
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from domain.deadlines import DeadlineKind, DeadlineRules
from domain.errors import GongkaiError
from domain.messages import Message, zh_en

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


def _refuse(where: str, key: str, value: Any, why: Message) -> SettingsError:
    """Return the refusal of one setting: where it is, its value, why it cannot work and what to write instead."""
    setting = f"{where} {key} = {value!r}"
    return SettingsError(zh_en(f"设置 {setting}：{why.zh}", f"settings {setting}: {why.en}"))


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise SettingsError(f"设置项 [{name}] 必须是一个表 / settings: [{name}] must be a table")
    return value


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
        raise _refuse(
            "[reminders]",
            "time",
            text,
            zh_en("提醒时间格式有误，请写作 时:分，如 09:00", "write the time as HH:MM, e.g. 09:00"),
        ) from None


def _seconds(where: str, key: str, value: Any, *, source: str | None = None) -> float:
    """Return a positive number of seconds, or refuse it naming the key (or the variable it came from)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not (0 < seconds < 10**7):  # also refuses NaN and infinity
        raise _refuse(where, source or key, value, zh_en(f"{key} 须为正的秒数", "give a positive number of seconds"))
    return seconds


def _reminders(table: dict[str, Any], env: dict[str, str]) -> ReminderSettings:
    where = "[reminders]"
    raw = table.get("before_working_days", (3, 1))
    try:
        before = tuple(int(n) for n in raw)
    except (TypeError, ValueError):
        before = (0,)
    if not before or any(n <= 0 or n > 60 for n in before):
        raise _refuse(
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
            return _seconds(where, key, env[variable], source=variable)
        return _seconds(where, key, table.get(key, default))

    retry, most = number("retry_seconds", "GONGKAI_RETRY_SECONDS", 300), number("retry_max_seconds", None, 3600)
    if most < retry:
        raise _refuse(
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


def _addresses(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return tuple(str(item).strip() for item in items if str(item).strip())


def _is_address(text: str) -> bool:
    """Tell whether a text looks like an e-mail address (local@domain, no spaces or control characters)."""
    local, at, domain = text.rpartition("@")
    return bool(at and local and _is_host(domain) and text.isprintable() and not any(c.isspace() for c in text))


def _is_host(text: str) -> bool:
    return bool(text) and text.isprintable() and not any(c.isspace() or c in "/@?#[]" for c in text)


def _check_addresses(key: str, addresses: tuple[str, ...], source: str) -> None:
    for address in addresses:
        if not _is_address(address):
            raise _refuse(
                "[smtp]",
                source,
                address,
                zh_en(
                    f"收件人 {key} 不是电子邮件地址，请写作 office@example.gov.cn 这样的地址",
                    "give addresses like office@example.gov.cn",
                ),
            )


def _port(value: Any, source: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise _refuse(
            "[smtp]",
            source,
            value,
            zh_en(
                "SMTP 端口须为 1–65535 的整数，如 465（ssl）、587（starttls）或 25",
                "give the server's port, e.g. 465 (ssl), 587 (starttls) or 25",
            ),
        )
    return port


def _smtp(table: dict[str, Any], env: dict[str, str]) -> SmtpSettings | None:
    host = env.get("GONGKAI_SMTP_HOST") or table.get("host")
    if not host:
        return None
    host_key = "GONGKAI_SMTP_HOST" if env.get("GONGKAI_SMTP_HOST") else "host"
    if not isinstance(host, str) or not _is_host(host.strip()):
        raise _refuse(
            "[smtp]",
            host_key,
            host,
            zh_en(
                "SMTP 服务器地址有误，请写主机名或 IP 地址，如 smtp.example.gov.cn",
                "give a host name or IP address, e.g. smtp.example.gov.cn",
            ),
        )
    security = env.get("GONGKAI_SMTP_SECURITY") or table.get("security", "none")
    if security not in SECURITY:
        raise _refuse(
            "[smtp]",
            "security",
            security,
            zh_en(f"SMTP 加密方式有误，请选 {'、'.join(SECURITY)} 之一", f"choose one of {', '.join(SECURITY)}"),
        )
    by_kind = {str(k): _addresses(v) for k, v in _table(table, "to_by_kind").items()}
    unknown = sorted(set(by_kind) - {k.value for k in DeadlineKind})
    if unknown:
        raise _refuse(
            "[smtp.to_by_kind]",
            unknown[0],
            by_kind[unknown[0]],
            zh_en("不是期限种类，请用 `gongkai due` 所列的种类", "use the deadline kinds of `gongkai due`"),
        )
    to_key = "GONGKAI_SMTP_TO" if env.get("GONGKAI_SMTP_TO") else "to"
    to = _addresses(env.get("GONGKAI_SMTP_TO") or table.get("to", ()))
    if not to and not any(by_kind.values()):
        raise _refuse(
            "[smtp]",
            to_key,
            list(to),
            zh_en("没有收件人，提醒邮件无人接收：请在 to 中至少写一个地址", "list at least one address in to"),
        )
    _check_addresses("to", to, to_key)
    for kind, addresses in by_kind.items():
        _check_addresses(f"to_by_kind.{kind}", addresses, f"to_by_kind.{kind}")
    sender_key = "GONGKAI_SMTP_FROM" if env.get("GONGKAI_SMTP_FROM") else "from"
    sender = env.get("GONGKAI_SMTP_FROM") or table.get("from", "gongkai@localhost")
    if not isinstance(sender, str) or not _is_address(sender):
        raise _refuse(
            "[smtp]",
            sender_key,
            sender,
            zh_en(
                "发件人不是电子邮件地址，请写如 gongkai@example.gov.cn",
                "give the sending address, e.g. gongkai@example.gov.cn",
            ),
        )
    port_key = "GONGKAI_SMTP_PORT" if env.get("GONGKAI_SMTP_PORT") else "port"
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    return SmtpSettings(
        host=host.strip(),
        port=_port(env.get("GONGKAI_SMTP_PORT") or table.get("port", default_port), port_key),
        security=security,
        user=env.get("GONGKAI_SMTP_USER") or table.get("user"),
        password=env.get("GONGKAI_SMTP_PASSWORD") or table.get("password"),
        sender=sender,
        to=to,
        to_by_kind=by_kind,
        timeout=_seconds("[smtp]", "timeout", table.get("timeout", 10)),
    )


def _check_url(url: Any, source: str) -> str:
    """Return a webhook URL that urllib can post to, or refuse it (at start, not at every poll)."""
    import urllib.parse
    import urllib.request

    why = ""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        why = "不是 http(s) 地址"
    elif not url.isprintable() or any(c.isspace() for c in url):
        why = "含有空格或控制字符"
    else:
        try:
            parts = urllib.parse.urlsplit(url)
            if not parts.hostname:
                why = "缺少主机名"
            elif parts.port == 0:
                why = "端口不能为 0"
            urllib.request.Request(url, method="POST")  # what the notifier builds: it must not fail later
        except ValueError as error:
            why = why or f"无法解析（{error}）"
    if why:
        raise _refuse(
            "[[webhooks]]",
            source,
            url,
            zh_en(
                f"webhook 地址{why}，请写完整网址，如 https://oapi.dingtalk.com/robot/send?access_token=…",
                "give a full URL, e.g. https://oapi.dingtalk.com/robot/send?access_token=…",
            ),
        )
    return str(url)


def _webhook(table: dict[str, Any], *, variable: bool = False) -> WebhookSettings:
    url, fmt, name = table.get("url"), table.get("format", "json"), table.get("name", "webhook")
    url = _check_url(url, "GONGKAI_WEBHOOK_URL" if variable else "url")
    if fmt not in WEBHOOK_FORMATS:
        raise _refuse(
            "[[webhooks]]",
            "format",
            fmt,
            zh_en(
                f"webhook 格式有误，请选 {'、'.join(WEBHOOK_FORMATS)} 之一",
                f"choose one of {', '.join(WEBHOOK_FORMATS)}",
            ),
        )
    if not isinstance(name, str) or not name.strip() or not name.isprintable():
        raise _refuse(
            "[[webhooks]]",
            "name",
            name,
            zh_en(
                "webhook 名称不能为空，请给每个 webhook 起个简短的名字，如 dingtalk",
                "give each webhook a short name, e.g. dingtalk",
            ),
        )
    secret = table.get("secret")
    if secret is not None and (not isinstance(secret, str) or not secret.strip()):
        raise _refuse(
            "[[webhooks]]",
            "secret",
            "…",
            zh_en(
                "webhook 加签密钥为空：请填机器人的密钥（SEC…）或删去此项",
                "give the robot's secret (SEC…) or leave the key out",
            ),
        )
    return WebhookSettings(
        name=name.strip(),
        url=url,
        format=fmt,
        secret=secret,
        timeout=_seconds("[[webhooks]]", "timeout", table.get("timeout", 10)),
    )


def _webhooks(data: dict[str, Any], env: dict[str, str]) -> tuple[WebhookSettings, ...]:
    tables = data.get("webhooks", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SettingsError(
            "webhooks 必须写成 [[webhooks]] 表 / settings: webhooks must be an array of tables ([[webhooks]])"
        )
    hooks = [_webhook(t) for t in tables]
    if env.get("GONGKAI_WEBHOOK_URL"):
        hook = {
            "name": "webhook",
            "url": env["GONGKAI_WEBHOOK_URL"],
            "format": env.get("GONGKAI_WEBHOOK_FORMAT", "json"),
            "secret": env.get("GONGKAI_WEBHOOK_SECRET"),
        }
        hooks.append(_webhook(hook, variable=True))
    names = [h.name for h in hooks]
    if len(set(names)) != len(names):
        raise SettingsError(f"webhook 名称重复 / settings [[webhooks]]: names must differ ({', '.join(names)})")
    return tuple(hooks)


def load_scheduler_settings(env: dict[str, str], file: Path | None = None) -> SchedulerSettings:
    """Return the deadline rules and scheduler settings from a file (GONGKAI_SETTINGS wins) and variables."""
    path = Path(env["GONGKAI_SETTINGS"]) if env.get("GONGKAI_SETTINGS") else file
    if path is not None and env.get("GONGKAI_SETTINGS") and not path.exists():
        raise SettingsError(f"设置文件不存在 / settings file {path} (GONGKAI_SETTINGS) does not exist")
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
        raise SettingsError(f"设置有误 / settings: {error}") from None
