"""Several clerks at once on one store: P processes × N commands, then proof that nothing was lost or doubled.

    python bench/concurrency.py --db STORE [--processes 8] [--commands 1000]

Each process is a clerk running N commands one after another, each its own transaction and catch-up, as
`gongkai receive …` does (without the process start, measured separately in bench/run.py). Half the commands
receive the clerk's own applications; the other half reclassify a few applications every clerk shares, so
that saves collide and must be retried. Afterwards: the number of stored events, the tables, and `replay`.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = dt.date(2026, 11, 25)
SHARED = 4  # applications every clerk reclassifies
TYPES = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)


def _tracker(db: str, clerk: str) -> Any:
    from service.settings import Settings
    from service.tracker import Tracker

    return Tracker(Settings(db=db, agency="AG", clerk=clerk, today=TODAY))


def _received(number: str) -> dict[str, Any]:
    return {
        "event": "received",
        "request": number,
        "date": "2026-03-02",
        "channel": "online",
        "applicant_type": "natural_person",
    }


def _classified(k: int) -> dict[str, Any]:
    """Return the k-th reclassification of a shared application: a fact of its own (date and type differ)."""
    j = k // 2 // SHARED
    day = dt.date(2026, 3, 3) + dt.timedelta(days=j // len(TYPES))
    return {
        "event": "classified",
        "request": f"S{k // 2 % SHARED}",
        "date": day.isoformat(),
        "applicant_type": TYPES[j % len(TYPES)],
    }


def _clerk(db: str, worker: int, commands: int, start: Any) -> dict[str, Any]:
    from cli.logging import configure_logging
    from domain.lines import parse_object

    configure_logging(0)  # warnings only, on stderr, as a clerk's command
    tracker = _tracker(db, f"clerk{worker}")
    start.wait(timeout=120)  # a clerk that failed to start must not leave the others waiting forever
    began = time.perf_counter()
    recorded = 0
    for n in range(commands):
        line = _received(f"W{worker}-{n}") if n % 2 == 0 else _classified(worker * commands + n)
        result = tracker.record([(1, parse_object(line))])
        recorded += result.recorded
    elapsed = time.perf_counter() - began
    tracker.close()
    return {"worker": worker, "recorded": recorded, "seconds": elapsed}


def _run_clerk(args: tuple[str, int, int, Any]) -> dict[str, Any]:
    return _clerk(*args)


def run(db: str, processes: int, commands: int) -> dict[str, Any]:
    """Run the clerks in parallel and check the store afterwards; return the figures."""
    setup = _tracker(db, "setup")
    from domain.lines import parse_object

    setup.record([(n, parse_object(_received(f"S{n}"))) for n in range(SHARED)])
    before = setup.app.recorder.max_notification_id() or 0
    setup.close()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            began = time.perf_counter()
            results = pool.map(_run_clerk, [(db, w, commands, start) for w in range(processes)])
            wall = time.perf_counter() - began
    return {"wall_seconds": wall, "commands": processes * commands, **verify(db, processes, commands, before, results)}


def verify(db: str, processes: int, commands: int, before: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Count the stored events and the tables, and replay: every command exactly once."""
    tracker = _tracker(db, "check")
    try:
        expected_events = SHARED + processes * commands  # the setup's receipts, then one event per command
        events = _stored_events(tracker)
        requests = tracker.view.requests("AG")
        report = tracker.report("2026")
        _, differences = tracker.replay()
        received = processes * ((commands + 1) // 2)
        return {
            "recorded": sum(r["recorded"] for r in results),
            "events": events,
            "expected_events": expected_events,
            "applications": len(requests),
            "expected_applications": SHARED + received,
            "new_in_table": report["applications"]["new"]["total"],
            "replay_agrees": not differences,
            "ok": events == expected_events
            and len(requests) == SHARED + received
            and report["applications"]["new"]["total"] == SHARED + received
            and not differences,
            "before": before,
        }
    finally:
        tracker.close()


def _stored_events(tracker: Any) -> int:
    recorder = tracker.app.recorder
    count, start = 0, 0
    while notes := recorder.select_notifications(start=start, limit=5000, inclusive_of_start=False):
        count += len(notes)
        start = notes[-1].id
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a postgresql:// URL (fresh)")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--commands", type=int, default=1000)
    args = parser.parse_args(argv)
    from cli.logging import configure_logging

    configure_logging(0)
    figures = run(args.db, args.processes, args.commands)
    figures["commands_per_second"] = figures["commands"] / figures["wall_seconds"]
    print(json.dumps(figures))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
