"""The long-running daemon: APScheduler 3.x jobs kept in memory and synced, after every sweep, to its plan.

The jobs are a clock, not a source of truth: `poll` looks for new events every few seconds and sweeps when
there are some; `remind:KEY` fires on a deadline's next reminder; `retry:…` after a failed send or a lost
race; `replan` just after midnight. Every job runs the same sweep, which re-reads the events, so a job that
fires for a deadline that has since closed or moved does nothing. A restart loses nothing: the plan is
rebuilt from the events.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from service.logs import bound_contextvars, get_logger
from service.settings import SHANGHAI

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.sweep import Sweep

log = get_logger("gongkai.scheduler")
GRACE_SECONDS = 3.0  # how long a stop waits for the sweep under way (a send, a database lock) before leaving


class Clock:
    """The scheduler's now in Asia/Shanghai; with a fake start (GONGKAI_NOW) it runs on from that moment."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        real = dt.datetime.now(SHANGHAI)
        self.offset = (start - real) if start is not None else dt.timedelta(0)

    def now(self) -> dt.datetime:
        """Return the current time, shifted to the fake start if there is one."""
        return (dt.datetime.now(SHANGHAI) + self.offset).astimezone(SHANGHAI)

    def real(self, at: dt.datetime) -> dt.datetime:
        """Return the wall-clock moment that corresponds to a time of this clock."""
        return at - self.offset


class Daemon:
    """Runs sweeps on APScheduler's BackgroundScheduler until told to stop."""

    def __init__(
        self, sweep: Callable[[], Sweep], changed: Callable[[], int | None], clock: Clock, poll_seconds: float
    ) -> None:
        self._sweep, self._changed, self.clock, self.poll_seconds = sweep, changed, clock, poll_seconds
        self._seen: int | None = -1
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.scheduler = self._scheduler()

    @staticmethod
    def _scheduler() -> BackgroundScheduler:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        return BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},  # one sweep at a time
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=SHANGHAI,
        )

    def run_sweep(self) -> None:
        """Sweep, then sync the jobs to the sweep's plan; an error is logged and retried at the next poll."""
        if self.stopping.is_set():
            return
        with self._lock, bound_contextvars(job="sweep"):
            before = self._changed()
            try:
                result = self._sweep()
            except Exception:
                log.exception("sweep_failed")  # the daemon keeps running; the next poll sweeps again
                self._seen = -1
                return
            # the sweep's own reminder events move the log's end; a sweep that wrote nothing keeps the
            # position it started from, so a clerk's event recorded meanwhile is swept at the next poll
            wrote = result.sent or result.failed or result.claimed_elsewhere
            self._seen = self._changed() if wrote else before
            if not self.stopping.is_set():  # after shutdown began the job list is not touched (notes §4)
                self._sync(result.jobs)

    def poll(self) -> None:
        """Sweep when events were recorded since the last sweep (by clerks, imports or another daemon)."""
        if self._changed() != self._seen:
            self.run_sweep()

    def _sync(self, plan: dict[str, dt.datetime]) -> None:
        from apscheduler.triggers.date import DateTrigger

        now = self.clock.now()
        wanted = {job_id: at for job_id, at in plan.items() if at > now}
        for job in self.scheduler.get_jobs():
            if job.id != "poll" and job.id not in wanted:
                job.remove()
        for job_id, at in wanted.items():
            run_date = self.clock.real(at)
            job = self.scheduler.get_job(job_id)
            if job is not None and job.next_run_time == run_date:
                continue
            self.scheduler.add_job(self.run_sweep, DateTrigger(run_date=run_date), id=job_id, replace_existing=True)
        log.debug("jobs_synced", jobs=len(wanted))

    def run(self, stop: threading.Event) -> None:
        """Start the jobs, sweep at once, and block until `stop` is set."""
        from apscheduler.triggers.interval import IntervalTrigger

        self.scheduler.add_job(self.poll, IntervalTrigger(seconds=self.poll_seconds), id="poll")
        self.scheduler.start()
        log.info("scheduler_started", poll_seconds=self.poll_seconds, now=self.clock.now().isoformat())
        self.scheduler.add_job(self.run_sweep, id="start")
        stop.wait()
        self.stop()

    def stop(self) -> None:
        """Stop within seconds whatever a sweep is doing: no new claim, no wait on APScheduler's locks.

        `shutdown(wait=True)` holds the job store's lock while it joins the job thread, and a sweep that then
        syncs its jobs waits for that lock for ever (documents-and-hardening.md §4); so the sweep is told to
        stop and the scheduler is shut down without waiting. A sweep that has not ended after GRACE_SECONDS is
        stuck in a send or on a database lock: the process leaves without it, and a claim it made without
        an outcome is sent again after its lease (at least once, never lost).
        """
        self.stopping.set()
        self.scheduler.shutdown(wait=False)
        if self._lock.acquire(timeout=GRACE_SECONDS):
            self._lock.release()
            log.info("scheduler_stopped")
            return
        log.warning("scheduler_stopped", sweep="abandoned", grace_seconds=GRACE_SECONDS)
        logging.shutdown()  # flush the log before leaving without the sweep's thread
        sys.stderr.flush()
        os._exit(0)
