"""Reading a large file on two cores gives exactly the lines and problems of reading it on one."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Generator
from typing import BinaryIO

import pytest

import storage.parallel_read
from domain.errors import Problem
from service.reading import read_lines
from storage.parallel_read import read_all_lines, read_parts


def _file() -> bytes:
    good = {"event": "received", "date": "2025-03-01", "channel": "online", "applicant_type": "natural_person"}
    rows = [json.dumps({**good, "request": f"R{i}"}, ensure_ascii=False).encode() for i in range(60)]
    rows[3] = b"{not json"
    rows[10] = b""  # blank lines are skipped
    rows[41] = json.dumps({**good, "request": "R41", "applicant_type": "robot"}).encode()  # bad, in the child's part
    rows[50] = b'{"event": "registered", "request": "R50", "date": "2025-13-01"}'
    rows[55] = "\ufeff".encode() + rows[55]  # a BOM inside the file
    return "\ufeff".encode() + b"\n".join(rows) + b"\n"


def _remember_children(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Return the list to which every child waited for adds whether it ended well."""
    ended: list[bool] = []
    finish = storage.parallel_read._finish

    def remembered(pid: int, pipe: BinaryIO) -> bool:
        ended.append(finish(pid, pipe))
        return ended[-1]

    monkeypatch.setattr(storage.parallel_read, "_finish", remembered)
    return ended


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_two_readers_find_the_lines_and_problems_of_one(monkeypatch: pytest.MonkeyPatch, threshold: int) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", threshold)
    answers = _remember_children(monkeypatch)
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    assert read_all_lines(io.BytesIO(_file()), problems) == lines
    assert problems == expected and len(expected) == 4 and len(lines) == 55
    assert answers == ([True] if threshold == 1 else [])  # the child answered


def test_a_failing_child_leaves_the_reading_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    monkeypatch.setattr(pickle, "dump", None)  # the child cannot answer
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    assert read_all_lines(io.BytesIO(_file()), problems) == lines
    assert problems == expected


@pytest.mark.parametrize(("share", "chunk"), [(0.1, 1000), (0.45, 1000), (0.7, 7), (0.95, 5), (0.95, 1)])
def test_the_parts_are_the_lines_in_order_and_every_problem_is_there_by_the_last(
    monkeypatch: pytest.MonkeyPatch, share: float, chunk: int
) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    monkeypatch.setattr(storage.parallel_read, "STREAMED_CHILD_SHARE", share)
    monkeypatch.setattr(storage.parallel_read, "CHUNK_LINES", chunk)
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    split = 60 - int(60 * share)
    parts = list(read_parts(io.BytesIO(_file()), problems, streamed=True))
    assert len(parts) == 1 + -(-(60 - split) // chunk)  # this process's part, then the child's chunks
    assert [line for part in parts for line in part] == lines
    assert sorted(problems, key=str) == sorted(expected, key=str)


def test_a_child_failing_midway_leaves_the_rest_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    monkeypatch.setattr(storage.parallel_read, "CHUNK_LINES", 10)
    dump = pickle.dump
    sent: list[int] = []

    def twice(found: object, pipe: BinaryIO, protocol: int) -> None:  # the child dies after two chunks
        if len(sent) == 2:
            raise OSError("gone")
        sent.append(1)
        dump(found, pipe, protocol=protocol)

    monkeypatch.setattr(pickle, "dump", twice)
    ended = _remember_children(monkeypatch)
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    parts = list(read_parts(io.BytesIO(_file()), problems, streamed=True))
    assert len(parts) == 4 and parts[3][0][0] == 3 + 2 * 10 + 1  # own part, two chunks, then the rest here
    assert [line for part in parts for line in part] == lines
    assert sorted(problems, key=str) == sorted(expected, key=str) and ended == [False]


def test_a_caller_stopping_after_the_first_part_leaves_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    monkeypatch.setattr(storage.parallel_read, "CHUNK_LINES", 1)  # the child has more to send than a pipe holds
    waited = _remember_children(monkeypatch)
    parts = read_parts(io.BytesIO(_file()), [], streamed=True)
    assert isinstance(parts, Generator)
    next(parts)
    parts.close()
    assert len(waited) == 1
