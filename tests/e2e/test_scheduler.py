"""The reminder daemon end to end: a subprocess with a fake now, a real SMTP server and a real HTTP listener.

On 2026-10-20 10:00 two reminders are due: YZ-7's reply (due 10-22: 3 working days before was 10-19) and
YZ-8's 报备 (received 10-16, due today). Each must reach the SMTP server once and the DingTalk webhook once,
across restarts and a second daemon, and an SMTP outage only delays the e-mails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import GONGKAI, TODAY, Runner

NOW = "2026-10-20T10:00:00+08:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An SMTP handler that keeps every message's subject."""

    def __init__(self) -> None:
        self.subjects: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        self.subjects.append(str(make_header(decode_header(message["Subject"]))))
        return "250 OK"


class Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, body))
        answer = b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    received: list[tuple[str, dict[str, Any]]] = []
    handler = type("Handler", (Hook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t", received
    server.shutdown()
    server.server_close()


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def store(gongkai: Runner) -> Runner:
    gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2026-09-01", check=True)
    for number, date in (("YZ-7", "2026-09-18"), ("YZ-8", "2026-10-16")):
        gongkai("receive", number, "--date", date, "--channel", "mail", "--applicant-type", "natural_person",
                check=True)  # fmt: skip
    gongkai("register", "YZ-7", "--date", "2026-09-21", check=True)
    for month, date in (("2026-08", "2026-09-01"), ("2026-09", "2026-10-09")):
        gongkai("file-monthly", month, "--date", date, check=True)
    return gongkai


@pytest.fixture
def settings_file(tmp_path: Path, webhook: tuple[str, Any]) -> Callable[[int], Path]:
    def write(smtp_port: int) -> Path:
        path = tmp_path / "settings.toml"
        path.write_text(
            f"""
[reminders]
poll_seconds = 0.3
retry_seconds = 0.5
retry_max_seconds = 1

[smtp]
host = "127.0.0.1"
port = {smtp_port}
from = "gongkai@example.gov.cn"
to = ["office@example.gov.cn"]

[[webhooks]]
name = "dingtalk"
url = "{webhook[0]}"
format = "dingtalk"
secret = "SECtest"
""",
            encoding="utf-8",
        )
        return path

    return write


class Daemon:
    def __init__(self, db: str, settings: Path, cwd: Path) -> None:
        env = {**os.environ, "GONGKAI_DB": db, "GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(settings)}
        env.pop("GONGKAI_TODAY", None)
        self.log = cwd / f"daemon-{time.monotonic_ns()}.log"
        self.stderr = self.log.open("w")
        self.process = subprocess.Popen(
            [str(GONGKAI), "scheduler", "run"], env=env, cwd=cwd, stderr=self.stderr, stdout=subprocess.DEVNULL
        )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=20) == 0, self.text()
        self.stderr.close()
        return self.text()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def titles(received: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return sorted(body["markdown"]["title"] for _path, body in received)


def test_each_reminder_arrives_once_across_restarts_and_a_second_daemon(
    store: Runner, db: str, tmp_path: Path, webhook: tuple[str, Any], settings_file: Callable[[int], Path]
) -> None:
    port = free_port()
    controller, inbox = smtp_server(port)
    settings = settings_file(port)
    try:
        first = Daemon(db, settings, tmp_path)
        wait_for(lambda: len(inbox.subjects) == 2 and len(webhook[1]) == 2, "two e-mails and two posts")
        wait_for(lambda: '"swept"' in first.text(), "the first sweep's end")
        time.sleep(1.0)  # several polls: nothing more may arrive
        log = first.stop()
        assert '"event": "reminder"' in log  # the structured-log notifier
        assert sorted(inbox.subjects) == titles(webhook[1])
        assert any("申请 YZ-7 答复期限：还剩 2 个工作日（2026-10-22 到期）" in s for s in inbox.subjects)
        assert any("申请 YZ-8 报备期限：今日到期（2026-10-20）" in s for s in inbox.subjects)
        path, body = webhook[1][0]
        assert "timestamp=" in path and "sign=" in path and body["msgtype"] == "markdown"
        assert "宁波市鄞州区司法局" in body["markdown"]["text"]

        restarted, second = Daemon(db, settings, tmp_path), Daemon(db, settings, tmp_path)
        wait_for(lambda: '"swept"' in restarted.text() and '"swept"' in second.text(), "both daemons' sweeps")
        store("receive", "YZ-9", "--date", "2026-10-19", "--channel", "mail", "--applicant-type", "legal_service_org",
              check=True)  # fmt: skip  # 报备 due 10-21: the reminder one working day before is due now
        wait_for(lambda: len(inbox.subjects) == 3 and len(webhook[1]) == 3, "YZ-9's reminder")
        time.sleep(1.5)
        restarted.stop(), second.stop()
        assert len(inbox.subjects) == 3 and len(webhook[1]) == 3, (inbox.subjects, titles(webhook[1]))
        assert any("申请 YZ-9 报备期限：还剩 1 个工作日" in s for s in inbox.subjects)
    finally:
        controller.stop()

    once = store("scheduler", "run", "--once", env={"GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(settings)})
    assert once.returncode == 0, once.stderr
    assert json.loads(once.stdout)["sent"] == 0  # from cron: nothing new to send
    shown = store("show", "YZ-7", check=True).stdout
    assert shown.count("已发送提醒") == 3  # log, smtp, webhook:dingtalk
    assert store("replay").returncode == 0


def test_an_smtp_outage_delays_the_e_mails_but_loses_none(
    store: Runner, db: str, tmp_path: Path, webhook: tuple[str, Any], settings_file: Callable[[int], Path]
) -> None:
    port = free_port()  # nothing listens there yet
    daemon = Daemon(db, settings_file(port), tmp_path)
    wait_for(lambda: len(webhook[1]) == 2, "the posts")
    wait_for(lambda: daemon.text().count("reminder_not_sent") >= 4, "two failed attempts per e-mail")
    assert daemon.process.poll() is None  # still running
    controller, inbox = smtp_server(port)
    try:
        wait_for(lambda: len(inbox.subjects) == 2, "the delayed e-mails")
        time.sleep(1.5)
        daemon.stop()
    finally:
        controller.stop()
    assert len(inbox.subjects) == 2 and len(webhook[1]) == 2
    failed = store("show", "YZ-8", check=True).stdout
    assert "提醒发送失败" in failed and failed.count("已发送提醒") == 3


def test_once_sends_what_is_due_now_and_exits(store: Runner, tmp_path: Path) -> None:
    env = {"GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    first = store("scheduler", "run", "--once", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["sent"] == 2  # the log notifier only
    assert json.loads(store("scheduler", "run", "--once", env=env, check=True).stdout)["sent"] == 0
    early = store("scheduler", "run", "--once", env={**env, "GONGKAI_NOW": "2026-10-21T08:00:00+08:00"}, check=True)
    assert json.loads(early.stdout)["sent"] == 0  # before 09:00 today's reminders are not due yet
    later = store("scheduler", "run", "--once", env={**env, "GONGKAI_NOW": "2026-10-21T09:30:00+08:00"}, check=True)
    assert json.loads(later.stdout)["sent"] == 2  # YZ-7 one working day before, YZ-8 one day overdue
    assert TODAY.isoformat() >= "2026-10-21"
