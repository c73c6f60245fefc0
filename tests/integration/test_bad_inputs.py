"""The hostile-input corpus (tests/bad_inputs): every case refused through `import` (a file and stdin) and
through the clerk command, with its message, and the store unchanged in meaning afterwards."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import main
from tests.bad_inputs.cases import CASES, SETUP, VERBATIM, Case
from tests.conftest import GONGKAI, TODAY

ENV = {"GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳", "GONGKAI_AGENCY": "", "GONGKAI_CIPHER_KEY": ""}


def run(db: Path, *args: str, data: bytes | None = None) -> Result:
    """Run the `gongkai` command in this process (the same code as the installed one)."""
    result = CliRunner().invoke(main, ["--db", str(db), *args], input=data, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def state(db: Path) -> dict[str, Any]:
    """Return what the store means: its events, every maintained table and the chain's verdict."""
    from storage.chain_verify import verify_store
    from storage.store import open_store

    with closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        contents = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables if t != "gk_meta"}
    app, view = open_store(str(db))
    try:
        verdict = verify_store(app)
    finally:
        app.close()
        view.datastore.close()
    events = contents["stored_events"]
    return {
        "events": len(events),
        "digest": hashlib.sha256(repr(contents).encode()).hexdigest(),
        "verify": (verdict.problem, verdict.head),
    }


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Return a store holding the corpus's setup, and its state."""
    db = tmp_path_factory.mktemp("bad") / "setup.db"
    result = run(db, "import", str(SETUP))
    assert result.exit_code == 0, result.stderr
    return db, state(db)


@pytest.fixture
def store(prepared: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[Path]:
    """Return a copy of the prepared store, checked unchanged after the test."""
    db = tmp_path / "store.db"
    shutil.copy(prepared[0], db)
    yield db
    assert state(db) == prepared[1], "the store changed"


def test_corpus_is_large_and_names_unique() -> None:
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_refused_through_import(case: Case, store: Path, tmp_path: Path) -> None:
    file = tmp_path / f"{case.name}.jsonl"
    file.write_bytes(case.data)
    for args, data in ((("import", str(file)), None), (("import", "-"), case.data)):
        result = run(store, *args, data=data)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        assert "nothing was recorded" in result.stderr
        assert case.message in result.stderr, result.stderr


CLERK_CASES = [case for case in CASES if case.clerk]


@pytest.mark.parametrize("case", CLERK_CASES, ids=lambda c: c.name)
def test_refused_through_clerk_command(case: Case, store: Path) -> None:
    assert case.clerk is not None
    result = run(store, *case.clerk)
    assert result.exit_code in (1, 2), (result.stdout, result.stderr)
    expected = case.clerk_message if case.clerk_message is not None else case.message.split(": ", 1)[1]
    assert expected in result.stderr, result.stderr


def test_every_domain_refusal_has_a_clerk_case() -> None:
    assert len(CLERK_CASES) >= 40


def test_gigabyte_line_is_streamed_not_read_whole(prepared: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    """A 1 GiB line through a pipe: refused by line number, memory stays small, the store unchanged."""
    db = tmp_path / "store.db"
    shutil.copy(prepared[0], db)
    env = {**os.environ, **ENV, "GONGKAI_DB": str(db)}
    process = subprocess.Popen(
        [str(GONGKAI), "import", "-"], stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env
    )
    assert process.stdin is not None
    chunk = b"x" * (1 << 20)
    try:
        process.stdin.write(b'{"event": "registered", "request": "B-1", "date": "2026-03-03"}\n{"subject": "')
        for _ in range(1024):
            process.stdin.write(chunk)
        process.stdin.write(b'"}\n')
        process.stdin.close()
    except BrokenPipeError:
        pass
    assert process.stderr is not None
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 1
    assert "line 2: longer than 1048576 bytes" in stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 400_000, f"peak memory {peak_kib} KiB: the line was read whole"
    assert state(db) == prepared[1]


def test_leading_bom_is_accepted(store: Path, tmp_path: Path) -> None:
    file = tmp_path / "bom.jsonl"
    file.write_bytes(b"\xef\xbb\xbf" + SETUP.read_bytes())
    result = run(store, "import", str(file))
    assert result.exit_code == 0, result.stderr
    assert "0 events recorded, 10 already in the store" in result.stderr


def test_sql_and_shell_metacharacters_are_stored_verbatim(tmp_path: Path) -> None:
    db = tmp_path / "verbatim.db"
    for number, text in enumerate(VERBATIM, start=1):
        result = run(
            db,
            "receive",
            f"V-{number}",
            "--date",
            "2026-06-01",
            "--channel",
            "online",
            "--applicant-type",
            "natural_person",
            "--applicant",
            text,
            "--subject",
            text,
        )
        assert result.exit_code == 0, result.stderr
    from service.settings import load_settings
    from service.tracker import Tracker

    tracker = Tracker(load_settings(db=str(db)))
    try:
        for number, text in enumerate(VERBATIM, start=1):
            request = tracker.request(f"V-{number}")
            assert (request.applicant, request.subject) == (text, text)
        assert tracker.counts()["applications"] == len(VERBATIM)
    finally:
        tracker.close()
    verified = run(db, "verify")
    assert verified.exit_code == 0, verified.stderr
