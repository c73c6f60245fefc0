"""Start-up: structlog loads to write a line (JSON off a terminal, console on one); commands load when used."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import GONGKAI, TODAY, Runner

RECEIVE = ("receive", "L-1", "--date", "2026-03-02", "--channel", "online", "--applicant-type", "natural_person")


def _json_lines(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_logged_lines_are_json_when_stderr_is_not_a_terminal(gongkai: Runner) -> None:
    gongkai(*RECEIVE, check=True)
    replayed = gongkai("-v", "replay", check=True)
    lines = [line for line in _json_lines(replayed.stderr) if line["event"] == "replayed"]
    assert lines and lines[0]["level"] == "info" and lines[0]["events"] == 1 and lines[0]["agree"] is True
    assert "timestamp" in lines[0]


def test_lines_below_the_level_are_not_written(gongkai: Runner) -> None:
    gongkai(*RECEIVE, check=True)
    assert _json_lines(gongkai("replay", check=True).stderr) == []  # `replayed` is info; the default is warning
    saved = gongkai("-vv", "receive", "L-2", *RECEIVE[2:], check=True)
    assert [line["event"] for line in _json_lines(saved.stderr)] == ["saved"]


def _imported(args: tuple[str, ...], environment: dict[str, str]) -> set[str]:
    """Return the top-level packages a command imports (python -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(GONGKAI), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    names = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "cli.main" in names
    return {name.split(".")[0] for name in names}


def test_a_command_imports_only_what_it_uses(tmp_path: Path) -> None:
    environment = {**os.environ, "GONGKAI_DB": str(tmp_path / "s.db"), "GONGKAI_TODAY": TODAY.isoformat()}
    received = _imported(RECEIVE, environment)  # logs nothing; a store without a key
    assert not received & {"structlog", "rich", "Crypto", "psycopg"}
    report = _imported(("report", "annual", "2026", "--format", "json"), environment)  # the tables are caught up
    assert not report & {"structlog", "rich", "Crypto", "psycopg", "pydantic", "eventsourcing"}
    lines = tmp_path / "one.jsonl"
    lines.write_text(
        '{"event": "received", "request": "L-9", "date": "2026-03-02", "channel": "online", '
        '"applicant_type": "natural_person"}\n',
        encoding="utf-8",
    )
    imported = _imported(("import", str(lines)), environment)  # JSON Lines: the table writers are not needed
    assert not imported & {"openpyxl", "docx", "structlog", "rich"}


def test_console_renderer_on_a_terminal(gongkai: Runner, db: str, tmp_path: Path) -> None:
    gongkai(*RECEIVE, check=True)
    environment = {**os.environ, "GONGKAI_DB": db, "GONGKAI_TODAY": TODAY.isoformat()}
    environment.pop("GONGKAI_LOG_FORMAT", None)
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [str(GONGKAI), "-v", "replay"], stdout=subprocess.PIPE, stderr=secondary, env=environment, cwd=tmp_path
    ) as process:
        os.close(secondary)
        written = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            written += chunk
        assert process.wait(timeout=120) == 0
    os.close(primary)
    text = written.decode()
    assert "replayed" in text and "\x1b[" in text and not text.lstrip().startswith("{")  # colours, not JSON


def test_standard_library_records_go_through_structlog(tmp_path: Path) -> None:
    code = (
        "import logging, sys\n"
        "from cli.logging import configure_logging\n"
        "configure_logging()\n"
        "assert 'structlog' not in sys.modules\n"
        "logging.getLogger('apscheduler.scheduler').warning('job %s missed', 'poll')\n"
        "assert 'structlog' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = _json_lines(result.stderr)
    assert line["event"] == "job poll missed" and line["level"] == "warning"


def test_help_lists_the_commands_imported_on_demand(tmp_path: Path) -> None:
    result = subprocess.run([str(GONGKAI), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.split("Commands:", 1)[1].splitlines() if line.strip()]
    lazy = {"calendar", "close-year", "due", "erase-applicant", "export", "import-ledger", "new-key", "reopen-year"}
    assert listed == sorted(listed) and lazy | {"scheduler", "status", "verify", "receive"} <= set(listed)
    shown = subprocess.run([str(GONGKAI), "close-year", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "YYYY" in shown.stdout
