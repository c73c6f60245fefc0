"""The reminder daemon can be trusted: it stops on SIGTERM within seconds, refuses bad notifier settings at start,
and `scheduler run --once` tells cron when a reminder could not be sent (issue 14, point 10)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GONGKAI, Runner, stored_events
from tests.e2e.test_scheduler import NOW, free_port, wait_for


@pytest.fixture
def store(gongkai: Runner) -> Runner:
    """Two applications whose reminders are due at NOW (as tests/e2e/test_scheduler.py), and a few more."""
    gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2026-09-01", check=True)
    for number, date in (("YZ-7", "2026-09-18"), ("YZ-8", "2026-10-16"), ("YZ-10", "2026-10-15")):
        gongkai("receive", number, "--date", date, "--channel", "mail", "--applicant-type", "natural_person",
                check=True)  # fmt: skip
    return gongkai


class SlowHook(BaseHTTPRequestHandler):
    """A webhook that answers each POST only after a long while (a hung server)."""

    posts: list[float]
    delay: float = 15.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.posts.append(time.monotonic())
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def slow_webhook() -> Iterator[tuple[str, list[float]]]:
    posts: list[float] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (SlowHook,), {"posts": posts}))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", posts
    server.shutdown()
    server.server_close()


def _settings(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(body, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_sigterm_during_a_sweep_stops_the_daemon_within_seconds(
    store: Runner, db: str, tmp_path: Path, slow_webhook: tuple[str, list[float]]
) -> None:
    url, posts = slow_webhook
    settings = _settings(tmp_path, f'[reminders]\npoll_seconds = 0.3\n\n[[webhooks]]\nname = "slow"\nurl = "{url}"\n')
    env = {**os.environ, "GONGKAI_DB": db, "GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(settings)}
    env.pop("GONGKAI_TODAY", None)
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([str(GONGKAI), "scheduler", "run"], env=env, stderr=stderr, cwd=tmp_path)
        try:
            wait_for(lambda: len(posts) >= 1, "the sweep to be posting a reminder", timeout=60)
            sent = time.monotonic()
            process.send_signal(signal.SIGTERM)
            status = process.wait(timeout=30)
            took = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    text = log.read_text(encoding="utf-8")
    assert took < 8, f"SIGTERM took {took:.1f} s to stop the daemon\n{text}"
    assert status == 0, text
    assert "scheduler_stopped" in text


BAD_SETTINGS = {
    "webhook url without a host": ('[[webhooks]]\nname = "w"\nurl = "http:///robot"\n', "url"),
    "webhook url with a bracket left open": ('[[webhooks]]\nname = "w"\nurl = "http://[::1/robot"\n', "url"),
    "webhook url with a port out of range": (
        '[[webhooks]]\nname = "w"\nurl = "https://example.gov.cn:99999/"\n',
        "url",
    ),
    "webhook url with a space": ('[[webhooks]]\nname = "w"\nurl = "https://exa mple.gov.cn/"\n', "url"),
    "webhook with an empty name": ('[[webhooks]]\nname = ""\nurl = "https://example.gov.cn/"\n', "name"),
    "webhook timeout of zero": ('[[webhooks]]\nname = "w"\nurl = "https://example.gov.cn/"\ntimeout = 0\n', "timeout"),
    "smtp port out of range": ('[smtp]\nhost = "127.0.0.1"\nport = 70000\nto = ["a@example.gov.cn"]\n', "port"),
    "smtp port that is no number": ('[smtp]\nhost = "127.0.0.1"\nport = "abc"\nto = ["a@example.gov.cn"]\n', "port"),
    "smtp security unknown": ('[smtp]\nhost = "127.0.0.1"\nsecurity = "tls"\nto = ["a@example.gov.cn"]\n', "security"),
    "smtp without recipients": ('[smtp]\nhost = "127.0.0.1"\nto = []\n', "to"),
    "smtp recipient without @": ('[smtp]\nhost = "127.0.0.1"\nto = ["office"]\n', "to"),
    "smtp sender without @": ('[smtp]\nhost = "127.0.0.1"\nfrom = "gongkai"\nto = ["a@example.gov.cn"]\n', "from"),
    "smtp host with a space": ('[smtp]\nhost = "smtp example"\nto = ["a@example.gov.cn"]\n', "host"),
    "poll interval of zero": ("[reminders]\npoll_seconds = 0\n", "poll_seconds"),
    "retry that is no number": ('[reminders]\nretry_seconds = "soon"\n', "retry_seconds"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_every_notifier_setting_is_checked_at_start(store: Runner, db: str, tmp_path: Path, case: str) -> None:
    body, key = BAD_SETTINGS[case]
    before = stored_events(db)
    result = store(
        "scheduler", "run", "--once", env={"GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(_settings(tmp_path, body))}
    )
    assert result.returncode == 1, (case, result.returncode, result.stderr)
    message = result.stderr
    assert "Traceback" not in message and key in message, (case, message)
    said = message.split("error:", 1)[-1].split(" / ")[0]  # past the "错误 error:" every refusal starts with
    assert any("\u4e00" <= ch <= "\u9fff" for ch in said), message  # Chinese first
    assert stored_events(db) == before  # nothing claimed, nothing sent


def test_a_malformed_webhook_variable_is_refused_at_start_too(store: Runner, tmp_path: Path) -> None:
    env = {"GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(_settings(tmp_path, "")), "GONGKAI_WEBHOOK_URL": "http://[oops"}
    result = store("scheduler", "run", "--once", env=env)
    assert result.returncode == 1 and "GONGKAI_WEBHOOK_URL" in result.stderr, result.stderr


def test_once_exits_non_zero_when_a_reminder_could_not_be_sent(store: Runner, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    settings = _settings(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nto = ["office@example.gov.cn"]\n')
    result = store("scheduler", "run", "--once", env={"GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(settings)})
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failed"] >= 2 and summary["sent"] >= 2  # the log got them, the e-mails did not
    assert "提醒未能发送" in result.stderr and "could not be sent" in result.stderr
    shown = store("show", "YZ-8", check=True).stdout
    assert "提醒发送失败" in shown
