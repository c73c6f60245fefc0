"""Where reminders go: the [smtp] and [[webhooks]] settings (service/notify_settings.py reads the file), checked.

An address, host, port or URL that cannot work is refused when the settings are read, not at the first reminder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.deadlines import DeadlineKind
from domain.messages import zh_en
from service.settings_checks import SettingsError, refuse, seconds, table_of

SECURITY = ("none", "starttls", "ssl")
WEBHOOK_FORMATS = ("json", "dingtalk")


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
            raise refuse(
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
        raise refuse(
            "[smtp]",
            source,
            value,
            zh_en(
                "SMTP 端口须为 1–65535 的整数，如 465（ssl）、587（starttls）或 25",
                "give the server's port, e.g. 465 (ssl), 587 (starttls) or 25",
            ),
        )
    return port


def smtp_settings(table: dict[str, Any], env: dict[str, str]) -> SmtpSettings | None:
    host = env.get("GONGKAI_SMTP_HOST") or table.get("host")
    if not host:
        return None
    host_key = "GONGKAI_SMTP_HOST" if env.get("GONGKAI_SMTP_HOST") else "host"
    if not isinstance(host, str) or not _is_host(host.strip()):
        raise refuse(
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
        raise refuse(
            "[smtp]",
            "security",
            security,
            zh_en(f"SMTP 加密方式有误，请选 {'、'.join(SECURITY)} 之一", f"choose one of {', '.join(SECURITY)}"),
        )
    by_kind = {str(k): _addresses(v) for k, v in table_of(table, "to_by_kind").items()}
    unknown = sorted(set(by_kind) - {k.value for k in DeadlineKind})
    if unknown:
        raise refuse(
            "[smtp.to_by_kind]",
            unknown[0],
            by_kind[unknown[0]],
            zh_en("不是期限种类，请用 `gongkai due` 所列的种类", "use the deadline kinds of `gongkai due`"),
        )
    to_key = "GONGKAI_SMTP_TO" if env.get("GONGKAI_SMTP_TO") else "to"
    to = _addresses(env.get("GONGKAI_SMTP_TO") or table.get("to", ()))
    if not to and not any(by_kind.values()):
        raise refuse(
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
        raise refuse(
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
        timeout=seconds("[smtp]", "timeout", table.get("timeout", 10)),
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
        raise refuse(
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
        raise refuse(
            "[[webhooks]]",
            "format",
            fmt,
            zh_en(
                f"webhook 格式有误，请选 {'、'.join(WEBHOOK_FORMATS)} 之一",
                f"choose one of {', '.join(WEBHOOK_FORMATS)}",
            ),
        )
    if not isinstance(name, str) or not name.strip() or not name.isprintable():
        raise refuse(
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
        raise refuse(
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
        timeout=seconds("[[webhooks]]", "timeout", table.get("timeout", 10)),
    )


def webhook_settings(data: dict[str, Any], env: dict[str, str]) -> tuple[WebhookSettings, ...]:
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
