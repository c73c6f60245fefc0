"""The notifiers (adapters): a structured log line, an e-mail over SMTP, a JSON POST to a webhook (or DingTalk).

Each raises NotifyError when the message may not have arrived, so that the scheduler records the failure and
retries later; nothing else escapes a notifier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from service.logs import get_logger
from service.notify_settings import SchedulerSettings
from service.notify_targets import SmtpSettings, WebhookSettings

log = get_logger("gongkai.scheduler")


class NotifyError(Exception):
    """A reminder could not be handed over; it will be retried."""


@dataclass(frozen=True)
class Message:
    """A reminder, ready for any channel: a title and a text in Chinese, and the facts as data."""

    title: str
    text: str
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        """Return the deadline kind the reminder is about."""
        return str(self.data["kind"])


class Notifier(Protocol):
    """Hands a message to one channel."""

    channel: str

    def wants(self, message: Message) -> bool:
        """Tell whether this channel has anyone to tell about the message."""

    def send(self, message: Message) -> None:
        """Deliver the message or raise NotifyError."""


class LogNotifier:
    """Writes each reminder as a structured log line (always on)."""

    channel = "log"

    def wants(self, message: Message) -> bool:
        """Log every reminder."""
        return True

    def send(self, message: Message) -> None:
        """Log the reminder at warning level, so it shows at the default level."""
        log.warning("reminder", title=message.title, **message.data)


class SmtpNotifier:
    """Sends each reminder as a plain-text e-mail."""

    channel = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def wants(self, message: Message) -> bool:
        """Tell whether anyone receives reminders of this kind."""
        return bool(self.settings.recipients(message.kind))

    def _email(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.title
        email["From"] = self.settings.sender
        email["To"] = ", ".join(self.settings.recipients(message.kind))
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = make_msgid(domain="gongkai")
        email["X-Gongkai-Reminder"] = f"{message.data['key']} {message.data['offset']}"
        email.set_content(message.text)
        return email

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        connection = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection

    def send(self, message: Message) -> None:
        """Hand the e-mail to the SMTP server."""
        try:
            with self._connect() as connection:
                if self.settings.user:
                    connection.login(self.settings.user, self.settings.password or "")
                connection.send_message(self._email(message))
        except (OSError, smtplib.SMTPException) as error:
            raise NotifyError(f"SMTP {self.settings.host}:{self.settings.port}: {error}") from None


def dingtalk_signed(url: str, secret: str, now_ms: int) -> str:
    """Return a DingTalk robot URL with the 加签 timestamp and signature (HMAC-SHA256 of "timestamp\\nsecret")."""
    digest = hmac.new(secret.encode(), f"{now_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


class WebhookNotifier:
    """POSTs each reminder as JSON: the reminder's data, or a DingTalk robot markdown message."""

    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings
        self.channel = f"webhook:{settings.name}"

    def wants(self, message: Message) -> bool:
        """Post every reminder."""
        return True

    def _body(self, message: Message) -> dict[str, object]:
        if self.settings.format == "dingtalk":
            text = f"#### {message.title}\n\n" + message.text.replace("\n", "\n\n")
            return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
        return {"title": message.title, "text": message.text, **message.data}

    def send(self, message: Message) -> None:
        """Post the message; a status other than 2xx, or a DingTalk errcode, is a failure."""
        url = self.settings.url
        if self.settings.format == "dingtalk" and self.settings.secret:
            url = dingtalk_signed(url, self.settings.secret, int(time.time() * 1000))
        body = json.dumps(self._body(message), ensure_ascii=False).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                answer = response.read()
        except (OSError, urllib.error.URLError) as error:
            raise NotifyError(f"webhook {self.settings.name}: {error}") from None
        if self.settings.format == "dingtalk":
            self._check_dingtalk(answer)

    def _check_dingtalk(self, answer: bytes) -> None:
        try:
            code = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            code = None
        if code != 0:
            raise NotifyError(f"webhook {self.settings.name}: DingTalk answered {answer[:200]!r}")


def notifiers(settings: SchedulerSettings) -> list[Notifier]:
    """Return the configured notifiers: the log always, then e-mail and the webhooks if set."""
    chosen: list[Notifier] = [LogNotifier()]
    if settings.smtp is not None:
        chosen.append(SmtpNotifier(settings.smtp))
    chosen.extend(WebhookNotifier(hook) for hook in settings.webhooks)
    return chosen
