"""Erasure is complete when `erase-applicant` returns, even while the scheduler daemon holds the store open.

The erased applicant's wrapped data key must leave no byte behind: on SQLite in the database file, its `-wal`
and `-shm` (read as copies, while the daemon still runs); on PostgreSQL in the key table's heap pages, read
raw with pageinspect (a dead tuple would keep it until VACUUM). Issue 14, point 5.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import GONGKAI, TODAY, Runner
from tests.e2e.test_scheduler import NOW, wait_for


@pytest.fixture
def key_env() -> dict[str, str]:
    return {"GONGKAI_CIPHER_KEY": base64.b64encode(os.urandom(32)).decode()}


@pytest.fixture
def daemon(db: str, tmp_path: Path, key_env: dict[str, str]) -> Iterator[Path]:
    """Run the real reminder daemon on the store for the whole test: a second process holding it open."""
    settings = tmp_path / "settings.toml"
    settings.write_text("[reminders]\npoll_seconds = 0.2\n", encoding="utf-8")
    env = {**os.environ, **key_env, "GONGKAI_DB": db, "GONGKAI_NOW": NOW, "GONGKAI_SETTINGS": str(settings)}
    env["GONGKAI_TODAY"] = TODAY.isoformat()
    log = tmp_path / "daemon.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([str(GONGKAI), "scheduler", "run"], env=env, stderr=stderr, cwd=tmp_path)
        try:
            wait_for(lambda: '"swept"' in log.read_text(encoding="utf-8"), "the daemon's first sweep", timeout=60)
            yield log
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _wrapped_key(db: str, number: str) -> bytes:
    """Return the wrapped data key of an application, read from the key table with the backend's driver."""
    from domain.request import request_id

    key_id = request_id("DEFAULT", number).hex
    if db.startswith("postgresql://"):
        import psycopg

        url, _, query = db.partition("?")
        schema = query.split("schema=", 1)[1]
        with psycopg.connect(url) as connection:
            row = connection.execute(f'SELECT wrapped FROM "{schema}".gk_keys WHERE key_id = %s', [key_id]).fetchone()
    else:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT wrapped FROM gk_keys WHERE key_id = ?", [key_id]).fetchone()
    assert row is not None and row[0] is not None
    return bytes(row[0])


def _sqlite_files(db: str) -> dict[str, bytes]:
    """Return the bytes of the store's files as a copy taken now would hold them."""
    return {suffix: Path(db + suffix).read_bytes() for suffix in ("", "-wal", "-shm") if Path(db + suffix).exists()}


def _postgres_pages(db: str, table: str) -> bytes:
    """Return every raw page of a table of the store's schema (pageinspect: dead tuples included)."""
    import psycopg

    url, _, query = db.partition("?")
    schema = query.split("schema=", 1)[1]
    with psycopg.connect(url, autocommit=True) as connection:
        with contextlib.suppress(psycopg.errors.UniqueViolation):  # another session may create it at the same moment
            connection.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relation = f'"{schema}".{table}'
        row = connection.execute(
            "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [relation]
        ).fetchone()
        assert row is not None
        pages = [
            connection.execute("SELECT get_raw_page(%s, %s)", [relation, n]).fetchone() for n in range(int(row[0]))
        ]
    return b"".join(bytes(page[0]) for page in pages if page is not None)


def test_erasure_leaves_no_copy_of_the_key_while_the_daemon_holds_the_store(
    gongkai: Runner, db: str, key_env: dict[str, str], daemon: Path
) -> None:
    for number in ("YZ-1", "YZ-2"):
        gongkai("receive", number, "--date", "2026-10-16", "--channel", "mail", "--applicant-type", "natural_person",
                "--applicant", f"张三{number}", env=key_env, check=True)  # fmt: skip
    wrapped = _wrapped_key(db, "YZ-1")
    if db.startswith("postgresql://"):
        assert wrapped in _postgres_pages(db, "gk_keys")  # the test can see the key where it lies
    else:
        assert any(wrapped in content for content in _sqlite_files(db).values())

    erased = gongkai("erase-applicant", "YZ-1", "--yes", env=key_env)
    assert erased.returncode == 0, erased.stderr
    time.sleep(0.5)  # the daemon polls on meanwhile

    if db.startswith("postgresql://"):
        assert wrapped not in _postgres_pages(db, "gk_keys")
    else:
        files = _sqlite_files(db)
        assert [name for name, content in files.items() if wrapped in content] == []
    assert "已删除" in gongkai("show", "YZ-1", env=key_env, check=True).stdout
    assert "张三YZ-2" in gongkai("show", "YZ-2", env=key_env, check=True).stdout  # the other applicant's data stays
    assert "Traceback" not in daemon.read_text(encoding="utf-8")
