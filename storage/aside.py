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
    return fork_child(lambda pipe: pickle.dump(compute(), pipe, protocol=pickle.HIGHEST_PROTOCOL))


def fork_child(answer: Callable[[BinaryIO], None]) -> tuple[int, BinaryIO] | None:
    """Fork a child that writes its answer into a pipe; return its pid and the pipe's reading end (None: no child).

    The child never returns and never runs the parent's clean-up (it ends with os._exit): it must not touch a
    connection, a file or the store. Exit status 1 when anything failed, the parent stopping reading included.
    """
    try:
        reading, writing = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(writing)
        return pid, os.fdopen(reading, "rb")
    try:
        os.close(reading)
        with os.fdopen(writing, "wb") as pipe:
            answer(pipe)
    except BaseException:
        os._exit(1)
    os._exit(0)


def _wait(pid: int) -> bool:
    """Wait for a child; return whether it ended well."""
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
