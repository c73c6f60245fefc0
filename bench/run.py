"""Measure gongkai against raw baselines run in the same run; print a Markdown table (BENCHMARKS.md).

    python bench/run.py [--applications 56000] [--runs 3] [--large 280000] [--postgres URL] [--concurrency 8x1000]

Every gongkai figure times a whole command as a clerk runs it (`gongkai import FILE`, `gongkai replay`, …:
process start included), with the median of --runs runs, each on a fresh store. Each baseline runs in the same
invocation on the same file, also as a fresh process. --large N adds a second year of N applications (280,000
≈ 1M events) for the replay time, the peak memory and the `report annual` latency.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GONGKAI = str(Path(PYTHON).with_name("gongkai"))
# No GONGKAI_AGENCY: the generated lines name no agency, and naming one the store does not hold is refused; a
# store of one agency is then that agency's (the placeholder's) throughout.
ENV = {**{k: v for k, v in os.environ.items() if k != "GONGKAI_AGENCY"}, "GONGKAI_TODAY": "2026-11-25"}
ENV["GONGKAI_CLERK"] = "bench"

# The raw baselines: what a hand-written program does with the same lines and rows.
RAW_SQLITE_IMPORT = """
import json, sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
           "state BLOB, PRIMARY KEY (originator_id, originator_version))")
versions, rows = {}, []
with open(sys.argv[1], encoding="utf-8") as f:
    for text in f:
        line = json.loads(text)
        key = line.get("request") or line.get("case") or line["event"]
        versions[key] = version = versions.get(key, 0) + 1
        rows.append((uuid.uuid5(uuid.NAMESPACE_URL, key).hex, version, line["event"], text.encode()))
db.execute("BEGIN")
db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
db.execute("COMMIT")
"""
RAW_SQLITE_FOLD = """
import collections, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
counts, last = collections.Counter(), 0
while rows := db.execute("SELECT rowid, state FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT 2000",
                         (last,)).fetchall():
    for rowid, state in rows:
        data = json.loads(state)
        counts[(data["agency"], data["date"][:7], data.get("outcome") or "new")] += 1
    last = rows[-1][0]
"""
RAW_PG_IMPORT = """
import json, sys, uuid, psycopg
with psycopg.connect(sys.argv[2]) as db:
    db.execute("DROP TABLE IF EXISTS raw_events")
    db.execute("CREATE TABLE raw_events (originator_id uuid, originator_version integer, topic text, state bytea, "
               "PRIMARY KEY (originator_id, originator_version))")
    versions, rows = {}, []
    with open(sys.argv[1], encoding="utf-8") as f:
        for text in f:
            line = json.loads(text)
            key = line.get("request") or line.get("case") or line["event"]
            versions[key] = version = versions.get(key, 0) + 1
            rows.append((uuid.uuid5(uuid.NAMESPACE_URL, key), version, line["event"], text.encode()))
    with db.cursor() as c:
        c.executemany("INSERT INTO raw_events VALUES (%s, %s, %s, %s)", rows)
"""
RAW_PG_FOLD = """
import collections, json, sys, psycopg
url, schema = sys.argv[1], sys.argv[2]
with psycopg.connect(url) as db:
    counts, last = collections.Counter(), 0
    while rows := db.execute(f'SELECT notification_id, state FROM "{schema}".gongkai_events WHERE notification_id > %s '
                             'ORDER BY notification_id LIMIT 2000', [last]).fetchall():
        for nid, state in rows:
            data = json.loads(bytes(state))
            counts[(data["agency"], data["date"][:7], data.get("outcome") or "new")] += 1
        last = rows[-1][0]
"""
NAIVE_IMPORT = """
import sys, itertools
sys.path.insert(0, sys.argv[3])
from eventsourcing.application import AggregateNotFoundError
from domain.book import Book
from service.settings import Settings
from service.tracker import Tracker
from service.reading import read_lines
import datetime as dt
tracker = Tracker(Settings(db=sys.argv[2], agency="AG", clerk="bench", today=dt.date(2026, 11, 25)))
def load(i):
    try:
        return tracker.app.repository.get(i)
    except AggregateNotFoundError:
        return None
with open(sys.argv[1], "rb") as f:
    lines = list(itertools.islice(read_lines(f, []), int(sys.argv[4])))
for number, line in lines:  # the naive way: load, apply one line, save: one transaction per event
    book = Book(load, today=tracker.settings.today, agency="AG", clerk="bench")
    book.record(line)
    tracker.app.save(*book.changed())
tracker.close()
"""


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run a command; return wall seconds, its own peak RSS in MB (wait4) and stdout; raise if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env or ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise RuntimeError(f"{' '.join(command[:4])} … exited {process.returncode}: {err.read()[-2000:]!r}")
        return seconds, int(usage.ru_maxrss / 1024), out.read().decode()


def median_of(runs: int, measure: Callable[[int], float]) -> float:
    """Return the median of several runs of a measurement (each gets its run number)."""
    return statistics.median(measure(n) for n in range(runs))


class Bench:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args, self.folder = args, folder
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.store_count = 0

    def store(self) -> str:
        self.store_count += 1
        return str(self.folder / f"store{self.store_count}.db")

    def pg_store(self) -> tuple[str, str]:
        self.store_count += 1
        schema = f"bench_{os.getpid()}_{self.store_count}"
        return f"{self.args.postgres}?schema={schema}", schema

    def add(self, what: str, ours: str, baseline: str, ratio: float | None, goal: str) -> None:
        self.rows.append((what, ours, baseline, f"{ratio:.2f}×" if ratio is not None else "–", goal))
        print(
            f"  {what}: {ours} | {baseline} | {ratio if ratio is None else round(ratio, 2)} | {goal}", file=sys.stderr
        )

    def generate(self, applications: int, year: int, seed: int) -> tuple[Path, int]:
        path = self.folder / f"year{year}-{applications}.jsonl"
        gen = [PYTHON, str(ROOT / "bench" / "generate.py"), "--applications", str(applications)]
        subprocess.run(
            [*gen, "--year", str(year), "--seed", str(seed), "-o", str(path)], check=True, capture_output=True
        )
        with path.open("rb") as f:
            lines = sum(1 for _ in f)
        return path, lines

    def gongkai(self, db: str, *args: str) -> tuple[float, int, str]:
        return timed([GONGKAI, "--db", db, *args])


def sqlite_figures(bench: Bench, file: Path, events: int) -> str:
    runs = bench.args.runs
    stores: list[str] = []

    def ours(_: int) -> float:
        stores.append(bench.store())
        return events / bench.gongkai(stores[-1], "import", str(file))[0]

    def raw(_: int) -> float:
        return events / timed([PYTHON, "-c", RAW_SQLITE_IMPORT, str(file), bench.store()])[0]

    imported, raw_rate = median_of(runs, ours), median_of(runs, raw)
    bench.add(
        "bulk import (events/s)",
        f"{imported:,.0f}",
        f"{raw_rate:,.0f} raw sqlite3 executemany",
        imported / raw_rate,
        "≥ 0.4×",
    )
    naive_lines = min(events, bench.args.naive_lines)

    def naive(_: int) -> float:
        command = [PYTHON, "-c", NAIVE_IMPORT, str(file), bench.store(), str(ROOT), str(naive_lines)]
        return naive_lines / timed(command)[0]

    naive_rate = median_of(1, naive)
    bench.add(
        f"bulk import vs naive (one aggregate per transaction, first {naive_lines:,} lines)",
        f"{imported:,.0f}",
        f"{naive_rate:,.0f}",
        imported / naive_rate,
        "≥ 8×",
    )
    db = stores[-1]

    def replay(_: int) -> float:
        return events / bench.gongkai(db, "replay")[0]

    def fold(_: int) -> float:
        return events / timed([PYTHON, "-c", RAW_SQLITE_FOLD, db])[0]

    replayed, folded = median_of(runs, replay), median_of(runs, fold)
    bench.add(
        "full replay (events/s)",
        f"{replayed:,.0f}",
        f"{folded:,.0f} raw SELECT + json.loads fold",
        replayed / folded,
        "≥ 0.5×",
    )
    return db


def clerk_command(bench: Bench, db: str) -> None:
    runs = max(bench.args.runs, 7)

    def receive(n: int) -> float:
        args = ["receive", f"BENCH-{os.getpid()}-{n}", "--date", "2026-11-20", "--channel", "online"]
        return bench.gongkai(db, *args, "--applicant-type", "natural_person")[0]

    def bare(_: int) -> float:
        return timed([PYTHON, "-c", "pass"])[0]

    ours, base = median_of(runs, receive), median_of(runs, bare)
    bench.add(
        "one clerk command `gongkai receive …` (s)", f"{ours:.3f}", f"{base:.3f} `python -c pass`", ours / base, "≤ 10×"
    )


def large_figures(bench: Bench) -> None:
    file, events = bench.generate(bench.args.large, 2025, 11)
    db = bench.store()
    seconds, _, _ = bench.gongkai(db, "import", str(file))
    bench.add(f"import of {events:,} events (s)", f"{seconds:.1f}", "–", None, "–")
    replays = [bench.gongkai(db, "replay") for _ in range(bench.args.runs)]
    replay_seconds = statistics.median(r[0] for r in replays)
    peak = max(r[1] for r in replays)
    bench.add(f"full replay of {events:,} events (s)", f"{replay_seconds:.1f}", "–", None, "≤ 15 s at 1M")
    bench.add("peak RSS of that replay (MB)", f"{peak}", "–", None, "≤ 300 MB")
    latency = statistics.median(bench.gongkai(db, "report", "annual", "2025", "--format", "json")[0] for _ in range(5))
    bench.add(f"`report annual` latency at {events:,} events (s)", f"{latency:.3f}", "–", None, "≤ 0.3 s")


def postgres_figures(bench: Bench, file: Path, events: int) -> None:
    import psycopg

    runs, made = bench.args.runs, []

    def ours(_: int) -> float:
        url, schema = bench.pg_store()
        made.append((url, schema))
        return events / bench.gongkai(url, "import", str(file))[0]

    def raw(_: int) -> float:
        return events / timed([PYTHON, "-c", RAW_PG_IMPORT, str(file), bench.args.postgres])[0]

    try:
        imported, raw_rate = median_of(runs, ours), median_of(runs, raw)
        bench.add(
            "PostgreSQL bulk import (events/s)",
            f"{imported:,.0f}",
            f"{raw_rate:,.0f} raw psycopg executemany",
            imported / raw_rate,
            "≥ 0.3×",
        )
        url, schema = made[-1]
        replayed = median_of(runs, lambda _: events / bench.gongkai(url, "replay")[0])
        folded = median_of(runs, lambda _: events / timed([PYTHON, "-c", RAW_PG_FOLD, bench.args.postgres, schema])[0])
        bench.add(
            "PostgreSQL full replay (events/s)",
            f"{replayed:,.0f}",
            f"{folded:,.0f} raw psycopg SELECT + json fold",
            replayed / folded,
            "≥ 0.3×",
        )
    finally:
        with psycopg.connect(bench.args.postgres, autocommit=True) as db:
            for _, schema in made:
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            db.execute("DROP TABLE IF EXISTS raw_events")


def concurrency(bench: Bench, store: str, label: str) -> None:
    processes, commands = (int(n) for n in bench.args.concurrency.split("x"))
    command = [PYTHON, str(ROOT / "bench" / "concurrency.py"), "--db", store]
    _, _, out = timed([*command, "--processes", str(processes), "--commands", str(commands)])
    figures = json.loads(out)
    proof = (
        f"{figures['events']:,} events = {figures['expected_events']:,} expected; "
        f"{figures['applications']:,} applications; replay {'agrees' if figures['replay_agrees'] else 'DISAGREES'}"
    )
    bench.add(
        f"{label}: {processes} processes × {commands} commands (commands/s)",
        f"{figures['commands_per_second']:,.0f}",
        proof,
        None,
        "nothing lost or doubled" + (" ✔" if figures["ok"] else " ✘"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--applications", type=int, default=56000, help="applications in the main year (≈3.6 events each)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--naive-lines", type=int, default=20000, help="lines the naive baseline saves")
    parser.add_argument("--large", type=int, default=0, help="applications in the large year (280000 ≈ 1M events)")
    parser.add_argument("--postgres", default=os.environ.get("GONGKAI_TEST_POSTGRES", ""), help="PostgreSQL URL")
    parser.add_argument("--concurrency", default="8x1000", help="PROCESSESxCOMMANDS, or 0 to skip")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as folder:
        bench = Bench(args, Path(folder))
        file, events = bench.generate(args.applications, 2025, 7)
        print(f"{events:,} events in {file.name}", file=sys.stderr)
        db = sqlite_figures(bench, file, events)
        clerk_command(bench, db)
        if args.large:
            large_figures(bench)
        if args.postgres:
            postgres_figures(bench, file, events)
        if args.concurrency != "0":
            concurrency(bench, bench.store(), "SQLite")
            if args.postgres:
                url, schema = bench.pg_store()
                try:
                    concurrency(bench, url, "PostgreSQL")
                finally:
                    import psycopg

                    with psycopg.connect(args.postgres, autocommit=True) as conn:
                        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{events:,} events; medians of {args.runs} runs.\n"
    )
    print("| figure | gongkai | baseline | ratio | goal |\n|---|---|---|---|---|")
    for row in bench.rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
