"""Reports read straight from the tables equal the full path's, byte for byte; tables behind: the full path runs."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain.codes import TableFormat
from domain.errors import Problem
from domain.lines import parse_object
from service.reports import Reports, closed_status
from service.settings import Settings
from service.tracker import Tracker
from storage.view_reader import open_caught_up
from tests.conftest import GONGKAI, TODAY, Runner

BENCH = Path(__file__).parents[2] / "bench"
PERIODS = ["2024", "2025", "2025-01", "2025-06", "2025-12", "2026"]


@pytest.fixture(scope="module")
def year_lines(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Return a generated year of three agencies (cases, fees, corrections, voids among them)."""
    out = tmp_path_factory.mktemp("year") / "year.jsonl"
    command = [sys.executable, str(BENCH / "generate.py"), "--applications", "300", "--year", "2025", "--seed", "3"]
    subprocess.run([*command, "--agencies", "3", "-o", str(out)], check=True, capture_output=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _settings(db: str, agency: str | None = None, **options: Any) -> Settings:
    return Settings(
        db=db, agency=agency, clerk="test", today=TODAY, district="330212", district_name="鄞州区", **options
    )


def _record(tracker: Tracker, lines: list[dict[str, Any]], *, catch_up: bool = True) -> None:
    numbered = [(n, parse_object(line)) for n, line in enumerate(lines, start=1)]
    if catch_up:
        tracker.record(numbered)
        return
    problems: list[Problem] = []
    book = tracker.check(numbered, problems)
    assert not problems
    tracker.app.save(*book.changed())  # saved, and the tables not brought up to date: they are behind the log


def _every_report(reports: Reports) -> list[object]:
    found: list[object] = []
    for period in PERIODS:
        for table_format in (None, TableFormat.F2019, TableFormat.F2021):
            for earlier in (False, True):
                found.append(reports.report(period, table_format=table_format, include_earlier_pending=earlier))
                found.append(
                    reports.reports_by_agency(period, table_format=table_format, include_earlier_pending=earlier)
                )
                found.append(
                    reports.district_report(period, table_format=table_format, include_earlier_pending=earlier)
                )
    return found


def test_tables_read_directly_give_the_full_paths_reports(
    new_store: Callable[[], str], year_lines: list[dict[str, Any]]
) -> None:
    db = new_store()
    for agency in (None, "AG001", "AG002", "NOBODY"):
        tracker = Tracker(_settings(db, agency))
        try:
            if agency is None:
                _record(tracker, year_lines)
            full = _every_report(tracker)
        finally:
            tracker.close()
        reader = open_caught_up(_settings(db, agency))
        assert reader is not None, "the tables are caught up"
        try:
            assert _every_report(reader) == full
            assert reader.agency == (agency or "DEFAULT")  # three agencies in the store: no single default
        finally:
            reader.close()


def test_a_closed_year_reads_the_same_close(new_store: Callable[[], str]) -> None:
    db = new_store()
    tracker = Tracker(_settings(db, "A"))
    try:
        received = {"request": "R-1", "channel": "online", "applicant_type": "natural_person"}
        _record(tracker, [{"event": "received", "date": "2024-03-01", **received}])
        _record(tracker, [{"event": "answered", "request": "R-1", "date": "2024-03-20", "outcome": "disclosed"}])
        from service.closing import close_year, reopen_year

        close_year(tracker, 2024)
        reopen_year(tracker, 2024, "a late correction")
        _record(
            tracker, [{"event": "classified", "request": "R-1", "date": "2025-01-10", "applicant_type": "other_org"}]
        )
        digest, _ = close_year(tracker, 2024)  # closed again, with the corrected tables
        _record(tracker, [{"event": "received", "date": "2025-02-01", **received, "request": "R-2"}])
        full = closed_status(tracker, 2024)
        assert full is not None and full.close.sha256 == digest and full.equal
        assert closed_status(tracker, 2025) is None
    finally:
        tracker.close()
    reader = open_caught_up(_settings(db, "A"))
    assert reader is not None
    try:
        assert closed_status(reader, 2024) == full and closed_status(reader, 2025) is None
    finally:
        reader.close()


def test_tables_behind_the_log_are_not_read_directly(
    new_store: Callable[[], str], year_lines: list[dict[str, Any]]
) -> None:
    db = new_store()
    tracker = Tracker(_settings(db))
    try:
        _record(tracker, year_lines[:500])
        _record(tracker, year_lines[500:], catch_up=False)
        assert open_caught_up(_settings(db)) is None
        tracker.catch_up()
    finally:
        tracker.close()
    reader = open_caught_up(_settings(db))
    assert reader is not None
    reader.close()


def test_encrypted_missing_or_unreachable_stores_take_the_full_path(tmp_path: Path) -> None:
    assert open_caught_up(_settings(str(tmp_path / "absent.db"))) is None
    assert not (tmp_path / "absent.db").exists()  # nothing is created on the way
    db = str(tmp_path / "secret.db")
    key = base64.b64encode(os.urandom(32)).decode()
    tracker = Tracker(_settings(db, "A", cipher_key=key))
    try:
        _record(tracker, [{"event": "agency_named", "agency_name": "某局", "date": "2025-01-02"}])
    finally:
        tracker.close()
    assert open_caught_up(_settings(db, "A", cipher_key=key)) is None  # events sealed: the mapper reads them
    assert open_caught_up(_settings(db, "A")) is None  # without the key: the full path refuses it
    assert open_caught_up(_settings("postgresql://nobody@127.0.0.1:1/none")) is None  # the full path says why


def _run(db: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "GONGKAI_DB": db, "GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳"}
    environment["GONGKAI_LOG_FORMAT"] = "json"
    result = subprocess.run([str(GONGKAI), "-vv", *args], capture_output=True, env=environment, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    return result


def _path_taken(result: subprocess.CompletedProcess[bytes]) -> str:
    events = {json.loads(line)["event"] for line in result.stderr.decode().splitlines() if line.startswith("{")}
    return "direct" if "reading_tables_directly" in events else "full"


COMMANDS = [
    ("report", "annual", "2025", "--format", "json"),
    ("report", "annual", "2025", "--format", "markdown"),
    ("report", "annual", "2025"),
    ("report", "annual", "2025", "--format", "json", "--all-agencies"),
    ("report", "annual", "2025", "--format", "json", "--by-agency", "--include-earlier-pending"),
    ("report", "annual", "2025", "--by-agency"),
    ("report", "monthly", "2025-06", "--format", "json", "--by-agency"),
    ("report", "monthly", "2025-11", "--format", "markdown", "--all-agencies"),
    ("--agency", "AG002", "report", "annual", "2024", "--format", "json", "--table-format", "2019"),
    ("--agency", "AG003", "report", "monthly", "2025-12"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_command_prints_the_same_bytes_whichever_path(
    new_store: Callable[[], str], year_lines: list[dict[str, Any]], command: tuple[str, ...]
) -> None:
    db = new_store()
    tracker = Tracker(_settings(db))
    try:
        _record(tracker, year_lines[:700])
        _record(tracker, year_lines[700:], catch_up=False)
    finally:
        tracker.close()
    behind = _run(db, *command)  # the full path, which catches the tables up first
    direct = _run(db, *command)
    assert (_path_taken(behind), _path_taken(direct)) == ("full", "direct")
    assert direct.stdout == behind.stdout and direct.stdout.strip()


def test_the_clerks_report_after_a_command_reads_directly(gongkai: Runner) -> None:
    gongkai("receive", "R-1", "--date", "2026-03-02", "--channel", "online", "--applicant-type", "natural_person")
    result = gongkai("-vv", "report", "annual", "2026", "--format", "json", env={"GONGKAI_LOG_FORMAT": "json"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["applications"]["new"]["total"] == 1
    assert "reading_tables_directly" in result.stderr
