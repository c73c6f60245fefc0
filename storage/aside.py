"""Compute pure results in a forked child while this process does other work (the second core of a bulk import).

The child shares this process's memory as it was at the fork (nothing is sent to it), computes, pickles each
result back as soon as it has it, and ends without running any clean-up: it never touches a connection, a file or
the store. If the child cannot be started, or fails in any way, a result is computed here when asked for: the same
result either way. `aside_pair` has one child compute two results in turn: the first can be read while the child
still computes the second.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


class _Child:
    """A forked child writing its results, one pickle each, in order, to a pipe."""

    def __init__(self, pid: int, pipe: BinaryIO, results: int) -> None:
        self.pid, self.pipe, self.results = pid, pipe, results
        self.read = 0  # results read so far
        self.alive = True

    def load(self, index: int) -> tuple[bool, object]:
        """Return (True, the child's result number `index`), or (False, None) if it cannot give it."""
        if not self.alive or index < self.read:
            return False, None
        try:
            while True:
                found = pickle.load(self.pipe)
                self.read += 1
                if self.read > index:
                    break
        except (EOFError, pickle.UnpicklingError, OSError):
            self.end()
            return False, None
        if self.read == self.results:  # its last result: it ended well or its results are not trusted
            return self.end(), found
        return True, found

    def end(self, *, kill: bool = False) -> bool:
        """Close the pipe and wait for the child (stopping it first if `kill`); return whether it ended well."""
        if not self.alive:
            return False
        self.alive = False
        self.pipe.close()
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)  # our own child, computing what nobody will read
        return _wait(self.pid)


class Aside(Generic[T]):
    """A computation started in a child process; `result()` waits for it, `close()` abandons it."""

    def __init__(
        self, compute: Callable[[], T], *, fork: bool = True, child: tuple[_Child | None, int] | None = None
    ) -> None:
        self._compute = compute
        if child is None:
            started = _start([compute]) if fork and hasattr(os, "fork") else None
            child = (started, 0)
        self._child, self._index = child
        self._last = self._child is None or self._index == self._child.results - 1

    def result(self) -> T:
        """Return the child's result, or compute it here if there is no child or it failed."""
        child, self._child = self._child, None
        if child is not None:
            ok, found = child.load(self._index)
            if ok:
                return found  # type: ignore[return-value]  # what `compute` returned, pickled and back
        return self._compute()

    def close(self) -> None:
        """Stop a child whose result is no longer wanted (its result is not read), and wait for it.

        Only the child's last result stops it: closing an earlier one leaves it computing the rest.
        """
        child, self._child = self._child, None
        if child is not None and self._last:
            child.end(kill=True)


def aside_pair(first: Callable[[], A], second: Callable[[], B], *, fork: bool = True) -> tuple[Aside[A], Aside[B]]:
    """Start one child computing `first` then `second`; return the two results to be asked for in that order."""
    child = _start([first, second]) if fork and hasattr(os, "fork") else None
    return Aside(first, child=(child, 0)), Aside(second, child=(child, 1))


def _start(computes: Sequence[Callable[[], object]]) -> _Child | None:
    def answer(pipe: BinaryIO) -> None:
        for compute in computes:  # a failure midway: the parent computes what it has not received itself
            pickle.dump(compute(), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            pipe.flush()  # this result can be read while the next is computed

    forked = fork_child(answer)
    return _Child(*forked, len(computes)) if forked is not None else None


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
