"""Compute a pure result in a forked child while this process does other work (the second core of a bulk import).

The child shares this process's memory as it was at the fork (nothing is sent to it), computes, pickles the result
back and ends without running any clean-up: it never touches a connection, a file or the store. If the child
cannot be started, or fails in any way, the result is computed here when asked for: the same result either way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")


class Aside(Generic[T]):
    """A computation started in a child process; `result()` waits for it, `close()` abandons it."""

    def __init__(self, compute: Callable[[], T], *, fork: bool = True) -> None:
        self._compute = compute
        self._child: tuple[int, BinaryIO] | None = _start(compute) if fork and hasattr(os, "fork") else None

    def result(self) -> T:
        """Return the child's result, or compute it here if there is no child or it failed."""
        child, self._child = self._child, None
        if child is not None:
            pid, pipe = child
            try:
                with pipe:
                    found: T = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError, OSError):
                _wait(pid)
            else:
                if _wait(pid):
                    return found
        return self._compute()

    def close(self) -> None:
        """Stop a child whose result is no longer wanted (its result is not read), and wait for it."""
        child, self._child = self._child, None
        if child is not None:
            pid, pipe = child
            pipe.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # our own child, computing what nobody will read
            _wait(pid)


def _start(compute: Callable[[], object]) -> tuple[int, BinaryIO] | None:
    try:
        reading, writing = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(writing)
        return pid, os.fdopen(reading, "rb")
    try:  # the child: never returns, never runs the parent's clean-up
        os.close(reading)
        result = compute()
        with os.fdopen(writing, "wb") as pipe:
            pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # any failure: the parent computes it itself
        os._exit(1)
    os._exit(0)


def _wait(pid: int) -> bool:
    """Wait for a child; return whether it ended well."""
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
