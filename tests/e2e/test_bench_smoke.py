"""bench/run.py works end to end on a tiny year (the real sizes run by hand: see BENCHMARKS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "run.py"


def test_bench_runs_on_a_tiny_year() -> None:
    command = [sys.executable, str(BENCH), "--applications", "150", "--runs", "1", "--naive-lines", "100"]
    result = subprocess.run(
        [*command, "--concurrency", "2x6", "--postgres", ""], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "| bulk import (events/s) |" in result.stdout and "nothing lost or doubled ✔" in result.stdout
