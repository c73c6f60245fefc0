"""A longer crash soak than CI runs: SIGKILL `gongkai import` at many random points, check after each kill.

    python bench/crash_soak.py --rounds 500 --applications 1000

Each round imports a generated year into a fresh store with small batches, kills it at a random moment,
then checks that the store opens, `verify` passes, no application holds part of its events, and (every
fifth round) that re-importing finishes without doubling anything and replay agrees.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import TODAY
from tests.integration.test_crashes import ROOT, _check, _child, _per_aggregate


def main() -> None:
    """Run the soak and print what happened."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    chance = random.Random(options.seed)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "year.jsonl"
        subprocess.run(
            [
                *(sys.executable, str(ROOT / "bench" / "generate.py"), "--applications", str(options.applications)),
                *("--year", "2025", "--today", TODAY.isoformat(), "-o", str(file)),
            ],
            check=True,
            capture_output=True,
        )
        reference = Path(folder) / "reference.db"
        started = time.perf_counter()
        assert _child(reference, "import", str(file)).wait() == 0
        seconds, expected = time.perf_counter() - started, _per_aggregate(reference)
        for point in range(options.rounds):
            db = Path(folder) / f"kill{point}.db"
            child = _child(db, "import", str(file))
            time.sleep(chance.uniform(0.2, seconds * 1.05))
            child.send_signal(signal.SIGKILL)
            child.wait()
            if db.exists():
                _check(db, expected, finish=file if point % 5 == 0 else None)
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
            print(f"round {point + 1}/{options.rounds}: ok", file=sys.stderr)
    print(f"{options.rounds} kill points, every check passed")


if __name__ == "__main__":
    main()
