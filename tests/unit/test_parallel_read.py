"""Reading a large file on two cores gives exactly the lines and problems of reading it on one."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Generator

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


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_two_readers_find_the_lines_and_problems_of_one(monkeypatch: pytest.MonkeyPatch, threshold: int) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", threshold)
    answers: list[object] = []
    collect = storage.parallel_read._collect

    def remembered(pid: int, reading: int) -> object:
        answers.append(collect(pid, reading))
        return answers[-1]

    monkeypatch.setattr(storage.parallel_read, "_collect", remembered)
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    assert read_all_lines(io.BytesIO(_file()), problems) == lines
    assert problems == expected and len(expected) == 4 and len(lines) == 55
    assert len(answers) == (threshold == 1) and all(answer is not None for answer in answers)  # the child answered


def test_a_failing_child_leaves_the_reading_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    monkeypatch.setattr(pickle, "dump", None)  # the child cannot answer
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    assert read_all_lines(io.BytesIO(_file()), problems) == lines
    assert problems == expected


@pytest.mark.parametrize("share", [0.1, 0.45, 0.7, 0.95])
def test_the_parts_are_the_lines_in_order_and_every_problem_is_there_by_the_last(
    monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    expected: list[Problem] = []
    lines = list(read_lines(io.BytesIO(_file()), expected))
    problems: list[Problem] = []
    parts = list(read_parts(io.BytesIO(_file()), problems, share))
    assert len(parts) == 2 and [line for part in parts for line in part] == lines
    assert sorted(problems, key=str) == sorted(expected, key=str)


def test_a_caller_stopping_after_the_first_part_leaves_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.parallel_read, "PARALLEL_LINES", 1)
    waited: list[object] = []
    collect = storage.parallel_read._collect

    def remembered(pid: int, reading: int) -> object:
        waited.append(collect(pid, reading))
        return waited[-1]

    monkeypatch.setattr(storage.parallel_read, "_collect", remembered)
    parts = read_parts(io.BytesIO(_file()), [], 0.7)
    assert isinstance(parts, Generator)
    next(parts)
    parts.close()
    assert len(waited) == 1
