"""`import --format json`: one object on stdout saying what was recorded, or every problem (nothing recorded)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Runner, stored_events

RECEIVED = {"event": "received", "date": "2026-03-02", "channel": "online", "applicant_type": "natural_person"}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_accepted_import_prints_what_it_recorded(gongkai: Runner, tmp_path: Path) -> None:
    file = _write(
        tmp_path / "two.jsonl",
        [
            json.dumps({**RECEIVED, "request": "J-1"}),
            "",  # a blank line holds no event: skipped
            json.dumps({"event": "registered", "request": "J-1", "date": "2026-03-03"}),
        ],
    )
    first = gongkai("import", "--format", "json", str(file))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "recorded": 2,
        "already_recorded": 0,
        "skipped": 1,
        "lines": 2,
        "problems": [],
    }
    again = gongkai("import", "--format", "json", "-", stdin=file.read_text(encoding="utf-8"))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["recorded"] == 0 and json.loads(again.stdout)["already_recorded"] == 2


def test_a_refused_import_prints_every_problem_and_records_nothing(gongkai: Runner, db: str, tmp_path: Path) -> None:
    file = _write(
        tmp_path / "bad.jsonl",
        [
            json.dumps({**RECEIVED, "request": "J-1"}),
            json.dumps({**RECEIVED, "request": "J-2", "applicant_type": "robot"}),
            "{not json",
            json.dumps({"event": "answered", "request": "J-9", "date": "2026-03-05", "outcome": "disclosed"}),
        ],
    )
    result = gongkai("import", "--format", "json", str(file))
    assert result.returncode == 1
    report = json.loads(result.stdout)  # stdout holds exactly one JSON document
    assert report["recorded"] == 0 and report["already_recorded"] == 0
    problems = report["problems"]
    assert [problem["line"] for problem in problems] == [2, 3, 4]
    assert problems[0]["field"] == "applicant_type" and "robot" in problems[0]["reason"]
    assert all(set(problem) == {"line", "field", "reason"} and problem["reason"] for problem in problems)
    assert "nothing was recorded" in result.stderr and "line 2, field applicant_type" in result.stderr
    assert stored_events(db) == 0


def test_a_file_that_is_not_json_lines_is_one_problem_of_the_whole_file(gongkai: Runner, tmp_path: Path) -> None:
    file = tmp_path / "ledger.xlsx"
    file.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    result = gongkai("import", "--format", "json", str(file))
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["line"] is None and problem["field"] is None and "import-ledger" in problem["reason"]


def test_the_text_summary_is_unchanged(gongkai: Runner, tmp_path: Path) -> None:
    file = _write(tmp_path / "one.jsonl", [json.dumps({**RECEIVED, "request": "J-1"})])
    result = gongkai("import", str(file))
    assert result.returncode == 0 and result.stdout == ""
    assert "已导入 imported: 1 events recorded, 0 already in the store, 1 lines" in result.stderr
