"""Kill `gongkai import` (and a projection catch-up) with SIGKILL at random points; nothing is lost or doubled.

The import runs with small batches (40 events a transaction, 40 a catch-up step) so a kill lands between,
inside and after many transactions. A longer soak is `bench/crash_soak.py`.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from service.settings import load_settings
from service.tracker import Tracker
from storage.chain_verify import verify_store
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
KILL_POINTS = 50
SMALL_BATCHES = (
    "import sys, service.tracker as t, projections.runner as r; t.SAVE_BATCH = r.BATCH = 40; "
    "from cli.main import main; sys.argv[0] = 'gongkai'; main()"
)


def _child(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳"}
    env.pop("GONGKAI_CIPHER_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-c", SMALL_BATCHES, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _per_aggregate(db: Path) -> Counter[str]:
    with closing(sqlite3.connect(db)) as conn:
        return Counter(dict(conn.execute("SELECT originator_id, COUNT(*) FROM stored_events GROUP BY originator_id")))


def _lines(path: Path) -> list[tuple[int, Any]]:
    from domain.lines import parse_line

    text = path.read_text(encoding="utf-8").splitlines()
    return [(n, parse_line(line)) for n, line in enumerate(text, start=1) if line.strip()]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str], float]:
    """Return an import file, the events per aggregate a complete import records, and how long it takes."""
    folder = tmp_path_factory.mktemp("crash")
    file = folder / "year.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--applications",
            "200",
            "--year",
            "2025",
            "--seed",
            "11",
            "--today",
            TODAY.isoformat(),
            "-o",
            str(file),
        ],
        check=True,
        capture_output=True,
    )
    reference = folder / "reference.db"
    started = time.perf_counter()
    assert _child(reference, "import", str(file)).wait(timeout=120) == 0
    return file, _per_aggregate(reference), time.perf_counter() - started


def _check(db: Path, reference: Counter[str], *, finish: Path | None) -> None:
    """The store opens, verifies, holds every aggregate's events or none; optionally finish and replay."""
    tracker = Tracker(load_settings(db=str(db), clerk="王芳"))
    try:
        verdict = verify_store(tracker.app)
        assert verdict.problem is None, verdict.problem
        present = _per_aggregate(db)
        torn = {a: n for a, n in present.items() if n != reference[a]}
        assert not torn, f"aggregates with part of their batch: {torn}"
        if finish is None:
            return
        lines = _lines(finish)
        result = tracker.record(lines)
        assert result.recorded + result.already == len(lines)
        assert (result.recorded == 0) == (present == reference)
        assert _per_aggregate(db) == reference  # nothing doubled
        _, differences = tracker.replay()
        assert differences == []
        assert verify_store(tracker.app).problem is None
    finally:
        tracker.close()


def test_import_killed_at_random_points_loses_and_doubles_nothing(
    year: tuple[Path, Counter[str], float], tmp_path: Path
) -> None:
    file, reference, seconds = year
    chance = random.Random(20261125)
    outcomes: Counter[str] = Counter()
    point = 0
    # Kill until KILL_POINTS imports died midway with a store on disk, however fast or slow the machine is today.
    while outcomes["killed midway"] < KILL_POINTS and point < KILL_POINTS * 4:
        db = tmp_path / f"kill{point}.db"
        child = _child(db, "import", str(file))
        time.sleep(chance.uniform(0.2, seconds * 0.9))
        child.send_signal(signal.SIGKILL)
        code = child.wait(timeout=60)
        killed = code == -signal.SIGKILL
        outcomes["killed" if killed else "finished"] += 1
        if not db.exists():
            outcomes["before the store existed"] += 1
            point += 1
            continue
        outcomes["killed midway"] += killed
        _check(db, reference, finish=file if point % 5 == 0 else None)
        if point % 5 == 1:  # a killed import, re-run as a clerk would (and killed again half the time)
            again = _child(db, "import", str(file))
            if point % 10 == 1:
                time.sleep(chance.uniform(0.2, seconds))
                again.send_signal(signal.SIGKILL)
            again.wait(timeout=60)
            _check(db, reference, finish=file)
        shutil.rmtree(db.parent / f"{db.name}-journal", ignore_errors=True)
        point += 1
    assert outcomes["killed midway"] >= KILL_POINTS, outcomes


def test_catch_up_killed_midway_resumes_to_the_same_tables(
    year: tuple[Path, Counter[str], float], tmp_path: Path
) -> None:
    file, reference, _ = year
    full = tmp_path / "full.db"
    assert _child(full, "import", str(file)).wait(timeout=120) == 0
    with closing(sqlite3.connect(full)) as conn, conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'gk_%'")]
        for table in {*tables, "tracking"} - {"gk_chain", "gk_keys", "gk_meta"}:
            conn.execute(f"DELETE FROM {table}")  # the events stay; the maintained tables start again
    chance = random.Random(7)
    for point in range(10):
        db = tmp_path / f"view{point}.db"
        shutil.copy(full, db)
        child = _child(db, "info")  # `info` brings the tables up to date first
        time.sleep(chance.uniform(0.3, 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        _check(db, reference, finish=file if point % 3 == 0 else None)
        tracker = Tracker(load_settings(db=str(db), clerk="王芳"))
        try:
            _, differences = tracker.replay()  # catches up from where the kill left it, then compares
            assert differences == []
        finally:
            tracker.close()
