"""Several clerks on one store: which storage errors mean "try again", and the bounded backoff between tries.

Two clerks saving the same application at once: the second save breaks the unique (originator, version) key,
eventsourcing raises IntegrityError (RecordConflictError), and the command is re-run on freshly loaded
aggregates. A SQLite file is written by one process at a time: "database is locked" is retried too.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from eventsourcing.persistence import IntegrityError, OperationalError

T = TypeVar("T")
ATTEMPTS = 25  # about 25 s of waiting in all (8 clerks on one application) before a clerk sees the error
FIRST_WAIT, LONGEST_WAIT = 0.005, 1.5
TURN_LINES = 100  # a clerk's command, not an import: imports keep the plain retries


def is_busy(error: BaseException) -> bool:
    """Tell whether a storage error says another process holds the database for now."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text)


def is_conflict(error: BaseException) -> bool:
    """Tell whether a storage error says another process changed the same records first."""
    return isinstance(error, IntegrityError)


def pause(attempt: int) -> None:
    """Wait before another try: exponential with jitter, so clerks who collided do not collide again."""
    time.sleep(random.uniform(0.5, 1.0) * min(LONGEST_WAIT, FIRST_WAIT * 2**attempt))


def retrying(run: Callable[[], T], *, retry_on: Callable[[BaseException], bool] = is_busy) -> T:
    """Run until it succeeds or fails for another reason; give up after ATTEMPTS tries."""
    for attempt in range(ATTEMPTS):
        try:
            return run()
        except (IntegrityError, OperationalError) as error:
            if not retry_on(error) or attempt == ATTEMPTS - 1:
                raise
        pause(attempt)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def writer_turn(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file beside the store: clerks who lost a race take turns (POSIX only)."""
    try:
        import fcntl
    except ImportError:  # Windows: the bounded retries alone
        yield
        return
    descriptor = os.open(lock_file, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def describe_meanwhile(events: Iterable[object]) -> str:
    """Return what other clerks recorded meanwhile, e.g. "李四 recorded answered (2026-10-20)"."""
    parts = [
        f"{getattr(e, 'clerk', '?')} recorded {getattr(e, 'name', type(e).__name__)} ({getattr(e, 'date', '?')})"
        for e in events
    ]
    return "; ".join(parts)
