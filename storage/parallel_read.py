"""Read a large import file on two cores: a forked child checks the second part of the lines meanwhile.

Checking lines (JSON, then the pydantic line models) is a sixth of a bulk import and each line is checked alone,
so a child process checks the later lines while this one checks the earlier, and sends back plain tuples
(cheaper to pickle than `Line` objects). The result is what `read_lines` gives: the same lines, numbers and
problems. Without `fork`, for a small file, or if the child fails in any way, this process reads it all.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from domain.errors import Problem
from domain.lines import Line
from service.reading import bounded_lines, check_lines

PARALLEL_LINES = 20_000  # below this, a fork costs more than it saves
CHILD_SHARE = 0.45  # the child also pickles its lines, and this process unpickles them
BOOKING_CHILD_SHARE = 0.7  # when this process also books its own part meanwhile (an import into an empty store)
# A line as the child sends it: number, event, date as an ordinal, agency, clerk, fields.
_Found = tuple[int, str, int, str | None, str | None, dict[str, Any]]


def read_all_lines(raw: Iterable[bytes], problems: list[Problem]) -> list[tuple[int, Line]]:
    """Return (line number, line) for every good non-blank line; append a message for every bad one."""
    return [line for part in read_parts(raw, problems) for line in part]


def read_parts(
    raw: Iterable[bytes], problems: list[Problem], child_share: float = CHILD_SHARE
) -> Iterator[list[tuple[int, Line]]]:
    """Yield the lines of `read_all_lines` in order, in parts: this process's first, while the child reads the rest.

    A caller that works on a part meanwhile (the book of an import into an empty store) gives the child a larger
    share. Every problem is appended by the time the last part is yielded.
    """
    data = list(bounded_lines(raw))
    if len(data) < PARALLEL_LINES or not hasattr(os, "fork"):
        yield list(check_lines(enumerate(data, start=1), problems))
        return
    split = len(data) - int(len(data) * child_share)
    child = _fork_reader(data, split)
    try:
        yield list(check_lines(enumerate(data[:split], start=1), problems))
    finally:
        later = _collect(*child) if child else None  # the child is waited for even if the caller stops early
    if later is None:  # no child, or it failed: read its part here
        yield list(check_lines(enumerate(data[split:], start=split + 1), problems))
        return
    found, messages = later
    problems += messages
    yield [
        (number, Line(event, dt.date.fromordinal(day), agency, clerk, fields))
        for number, event, day, agency, clerk, fields in found
    ]


def _fork_reader(data: list[bytes], split: int) -> tuple[int, int] | None:
    """Start a child checking the lines from `split`; return its pid and the pipe it answers on."""
    try:
        reading, writing = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(writing)
        return pid, reading
    try:  # the child: never returns, never runs the parent's clean-up
        os.close(reading)
        messages: list[Problem] = []
        found: list[_Found] = [
            (number, line.event, line.date.toordinal(), line.agency, line.clerk, line.fields)
            for number, line in check_lines(enumerate(data[split:], start=split + 1), messages)
        ]
        with os.fdopen(writing, "wb") as pipe:
            pickle.dump((found, messages), pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # any failure: the parent reads the part itself
        os._exit(1)
    os._exit(0)


def _collect(pid: int, reading: int) -> tuple[list[_Found], list[Problem]] | None:
    """Return what the child found, or None if it failed."""
    try:
        with os.fdopen(reading, "rb") as pipe:
            result = pickle.load(pipe)
    except (EOFError, pickle.UnpicklingError, OSError):
        result = None
    _, status = os.waitpid(pid, 0)
    if result is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    found: list[_Found]
    messages: list[Problem]
    found, messages = result
    return found, messages
