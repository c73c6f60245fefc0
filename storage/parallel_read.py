"""Read a large import file on two cores: a forked child checks the later lines meanwhile.

Checking lines (JSON, then the pydantic line models) is a sixth of a bulk import and each line is checked alone,
so a child process checks the later lines while this one checks the earlier, and sends back plain tuples
(cheaper to pickle than `Line` objects). The result is what `read_lines` gives: the same lines, numbers and
problems. Without `fork`, for a small file, or if the child fails in any way, this process reads what the child
did not send.

A caller that works on each part as it comes (the book of an import into an empty store) asks for the child's
lines in chunks (`streamed`): this process then checks only the first few lines itself and books chunk after
chunk while the child checks the next, instead of checking a third of the file before booking any.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from domain.errors import Problem
from domain.lines import Line
from service.reading import bounded_lines, check_lines
from storage.aside import fork_child

PARALLEL_LINES = 20_000  # below this, a fork costs more than it saves
CHILD_SHARE = 0.45  # the child also pickles its lines, and this process unpickles them
# Streamed: this process checks the first 5% while the child checks its first chunk, then books chunk by chunk
# (booking a line costs more than checking it, so the child stays ahead).
STREAMED_CHILD_SHARE = 0.95
CHUNK_LINES = 5_000  # lines per streamed chunk
# A line as the child sends it: number, event, date as an ordinal, agency, clerk, fields.
_Found = tuple[int, str, int, str | None, str | None, dict[str, Any]]
# What the child sends: a chunk's lines, their problems, and the number of the chunk's last line.
_Chunk = tuple[list[_Found], list[Problem], int]


def read_all_lines(raw: Iterable[bytes], problems: list[Problem]) -> list[tuple[int, Line]]:
    """Return (line number, line) for every good non-blank line; append a message for every bad one."""
    return [line for part in read_parts(raw, problems) for line in part]


def read_parts(
    raw: Iterable[bytes], problems: list[Problem], *, streamed: bool = False
) -> Iterator[list[tuple[int, Line]]]:
    """Yield the lines of `read_all_lines` in order, in parts: this process's first, then the child's.

    `streamed`: the caller works on each part as it comes, so the child sends its lines in chunks and takes a
    larger share. Every problem is appended by the time the last part is yielded.
    """
    data = list(bounded_lines(raw))
    if len(data) < PARALLEL_LINES or not hasattr(os, "fork"):
        yield list(check_lines(enumerate(data, start=1), problems))
        return
    share, chunk = (STREAMED_CHILD_SHARE, CHUNK_LINES) if streamed else (CHILD_SHARE, len(data))
    split = len(data) - int(len(data) * share)
    child = _fork_reader(data, split, chunk)
    done = split  # the lines up to this number are read
    try:
        yield list(check_lines(enumerate(data[:split], start=1), problems))
        if child is not None:
            for found, messages, end in _received(child[1]):
                problems += messages
                done = end
                yield [
                    (number, Line(event, dt.date.fromordinal(day), agency, clerk, fields))
                    for number, event, day, agency, clerk, fields in found
                ]
    finally:  # the child is waited for even if the caller stops early
        if child is not None:
            _finish(*child)
    if done < len(data):  # no child, or it failed: read the rest here
        yield list(check_lines(enumerate(data[done:], start=done + 1), problems))


def _fork_reader(data: list[bytes], split: int, chunk: int) -> tuple[int, BinaryIO] | None:
    """Start a child checking the lines from `split` in chunks; return its pid and the pipe it answers on."""

    def answer(pipe: BinaryIO) -> None:
        for start in range(split, len(data), chunk):
            messages: list[Problem] = []
            part = data[start : start + chunk]
            found: list[_Found] = [
                (number, line.event, line.date.toordinal(), line.agency, line.clerk, line.fields)
                for number, line in check_lines(enumerate(part, start=start + 1), messages)
            ]
            pickle.dump((found, messages, start + len(part)), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            pipe.flush()  # the parent books this chunk while the next is checked

    return fork_child(answer)  # a child failing (the parent stopped reading, too): the parent reads the rest itself


def _received(pipe: BinaryIO) -> Iterator[_Chunk]:
    """Yield the child's chunks as they come, until it has sent them all or fails (a chunk is sent whole or not)."""
    while True:
        try:
            chunk: _Chunk = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError, OSError):
            return
        yield chunk


def _finish(pid: int, pipe: BinaryIO) -> bool:
    """Stop listening to the child and wait for it; return whether it ended well."""
    pipe.close()  # a child still writing (the caller stopped early) then fails to write, and ends
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
