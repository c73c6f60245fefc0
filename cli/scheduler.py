"""`scheduler run`: the reminder daemon, or one sweep with `--once` (for cron or a systemd timer)."""

from __future__ import annotations

import json
import logging
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.context import refusals, tracker

if TYPE_CHECKING:
    from scheduler.daemon import Clock
    from scheduler.sweep import Reminders
    from service.notify_settings import SchedulerSettings
    from service.tracker import Tracker


@click.group()
def scheduler() -> None:
    """提醒 The deadline reminder daemon (log, e-mail, webhook/DingTalk)."""


def _reminders(t: Tracker, config: Path | None) -> tuple[Reminders, Clock, SchedulerSettings]:
    from scheduler.daemon import Clock
    from scheduler.plan import Policy
    from scheduler.sweep import Reminders
    from service.logs import get_logger
    from service.notify import notifiers
    from service.notify_settings import load_scheduler_settings
    from service.settings import default_settings_file, fake_now, scheduler_environment

    settings = load_scheduler_settings(scheduler_environment(), config or default_settings_file())
    r = settings.reminders
    policy = Policy(r.before_working_days, r.time, r.retry_seconds, r.retry_max_seconds, r.lease_seconds)
    clock = Clock(fake_now())
    chosen = notifiers(settings)
    reminders = Reminders(t, rules=settings.rules, policy=policy, notifiers=chosen, now=clock.now)
    get_logger("gongkai.scheduler").info(
        "scheduler_settings", notifiers=[n.channel for n in chosen], settings_file=settings.source
    )
    return reminders, clock, settings


@scheduler.command("run")
@click.option("--once", is_flag=True, help="发送当前到期的提醒后退出 send what is due now and exit (cron, timers)")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="设置文件 settings file (TOML) [env GONGKAI_SETTINGS; default ~/.config/gongkai/settings.toml]",
)
@click.pass_context
@refusals
def run(ctx: click.Context, once: bool, config: Path | None) -> None:
    """运行 Run the reminder daemon until stopped (SIGTERM, Ctrl-C); `--once` sweeps once."""
    from scheduler.daemon import Daemon

    root = logging.getLogger()
    root.setLevel(min(root.level, logging.INFO))
    with tracker(ctx) as t:
        reminders, clock, settings = _reminders(t, config)
        if once:
            result = reminders.sweep()
            click.echo(json.dumps(result.summary(), ensure_ascii=False))
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        daemon = Daemon(reminders.sweep, t.app.recorder.max_notification_id, clock, settings.reminders.poll_seconds)
        daemon.run(stop)
