"""What `verify` and `close-year` catch when the store is changed behind the application's back (issue 14, 2–4).

Each test edits a real store (a SQLite file, or a PostgreSQL schema) with SQL, as someone with write access to
the database could, and runs the installed command as a clerk or an auditor would.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from typing import Any

import pytest

from storage.chain import GENESIS, link
from tests.conftest import FIXTURES, Runner, stored_events

SEED_EVENTS = 20


def run_sql(db: str, *statements: str) -> None:
    """Run SQL statements on a store, in one transaction, with the backend's own driver."""
    if db.startswith("postgresql://"):
        import psycopg

        url, _, query = db.partition("?")
        schema = query.split("schema=", 1)[1].split("&", 1)[0]
        with psycopg.connect(url) as postgres:
            postgres.execute(f'SET search_path TO "{schema}"')
            for statement in statements:
                postgres.execute(
                    statement.replace("stored_events", "gongkai_events").replace("rowid", "notification_id")
                )
        return
    with closing(sqlite3.connect(db)) as connection, connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture
def seeded(gongkai: Runner) -> Runner:
    gongkai("import", str(FIXTURES / "seed_2020.jsonl"), check=True)
    return gongkai


def _cut_tail(db: str, after: int) -> None:
    run_sql(
        db, f"DELETE FROM stored_events WHERE rowid > {after}", f"DELETE FROM gk_chain WHERE notification_id > {after}"
    )


# -- point 2: a store cut at its tail ---------------------------------------------------------------


def test_a_log_cut_at_its_tail_is_reported_and_never_written_over(seeded: Runner, db: str) -> None:
    assert stored_events(db) == SEED_EVENTS
    _cut_tail(db, SEED_EVENTS - 2)

    checked = seeded("verify", "--format", "json")
    assert checked.returncode == 1, checked.stdout
    assert "截断" in checked.stderr and f"#{SEED_EVENTS}" in checked.stderr and f"#{SEED_EVENTS - 2}" in checked.stderr
    assert json.loads(checked.stdout)["ok"] is False

    # The next event would take a freed position (SQLite) or hide the gap behind a continuing chain (PostgreSQL).
    refused = seeded(
        "receive", "YZ-NEW", "--date", "2020-12-01", "--channel", "mail", "--applicant-type", "natural_person"
    )
    assert refused.returncode == 1 and "截断" in refused.stderr and "verify" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert stored_events(db) == SEED_EVENTS - 2

    report = seeded("report", "annual", "2020", "--format", "json")
    assert report.returncode == 1 and "Traceback" not in report.stderr, report.stderr
    assert f"#{SEED_EVENTS}" in report.stderr and report.stdout == ""


def test_a_cut_that_also_removes_the_high_water_mark_is_caught_by_the_tables(seeded: Runner, db: str) -> None:
    _cut_tail(db, SEED_EVENTS - 3)
    run_sql(db, "DELETE FROM gk_head")
    checked = seeded("verify")
    assert checked.returncode == 1 and f"#{SEED_EVENTS}" in checked.stderr and "统计表" in checked.stderr, (
        checked.stderr
    )
    refused = seeded(
        "receive", "YZ-NEW", "--date", "2020-12-01", "--channel", "mail", "--applicant-type", "natural_person"
    )
    assert refused.returncode == 1 and "截断" in refused.stderr, refused.stderr
    assert stored_events(db) == SEED_EVENTS - 3


def test_a_published_head_beyond_the_log_is_reported_as_a_cut(seeded: Runner, db: str) -> None:
    head = json.loads(seeded("verify", "--format", "json", check=True).stdout)["head"]
    _cut_tail(db, SEED_EVENTS - 1)
    run_sql(db, "DELETE FROM gk_head")
    run_sql(db, "DELETE FROM tracking" if not db.startswith("postgresql://") else "DELETE FROM gongkai_tracking")
    checked = seeded("verify", "--anchor", f"{head['position']}:{head['hash']}")
    assert checked.returncode == 1 and "截断" in checked.stderr and f"#{SEED_EVENTS}" in checked.stderr, checked.stderr


# -- point 3: verify --since-close after an edit before the close -----------------------------------------


def _closed(seeded: Runner) -> dict[str, Any]:
    seeded("close-year", "2020", check=True)
    new = ("receive", "YZ-2021-1", "--date", "2021-01-05", "--channel", "mail", "--applicant-type", "natural_person")
    seeded(*new, check=True)  # an event after the close
    data: dict[str, Any] = json.loads(seeded("verify", "--since-close", "--format", "json", check=True).stdout)
    return data


def test_since_close_finds_an_edit_made_before_the_close(seeded: Runner, db: str) -> None:
    _closed(seeded)
    run_sql(db, "UPDATE stored_events SET topic = topic || ' ' WHERE rowid = 3")
    checked = seeded("verify", "--since-close")
    assert checked.returncode == 1 and "#3" in checked.stderr, (checked.stdout, checked.stderr)
    assert "intact" not in checked.stdout


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the SQLite file itself is read or edited
def test_since_close_compares_the_chain_with_the_head_the_close_recorded(seeded: Runner, db: str) -> None:
    data = _closed(seeded)
    close = data["since_close"]["position"]
    # An edit before the close, with every later link rewritten to match: only the close's record can tell.
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(
            "UPDATE stored_events SET state = replace(state, '2020-05-29', '2020-05-20') WHERE rowid = 5"
        )
        previous = GENESIS
        rows = connection.execute(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()
        for position, originator_id, version, topic, state in rows:
            previous = link(previous, position, originator_id, version, topic, state)
            connection.execute("UPDATE gk_chain SET link = ? WHERE notification_id = ?", (previous.hex(), position))
        connection.execute("UPDATE gk_head SET link = ?", (previous.hex(),))
    plain = seeded("verify")
    assert plain.returncode == 1 and "2020" in plain.stderr, plain.stderr  # verify always compares the closes
    checked = seeded("verify", "--since-close")
    assert checked.returncode == 1, checked.stdout
    assert "2020" in checked.stderr and "结账" in checked.stderr and f"#{close - 1}" in checked.stderr, checked.stderr


# -- point 4: edited tables --------------------------------------------------------------------------


EDIT_COUNT = (
    "UPDATE gk_counts SET n = n + 3 WHERE (agency, month, row, col) IN "
    "(SELECT agency, month, row, col FROM gk_counts WHERE row = 'new' ORDER BY month LIMIT 1)"
)


def test_verify_checks_the_tables_against_the_log(seeded: Runner, db: str) -> None:
    assert seeded("verify").returncode == 0
    run_sql(db, EDIT_COUNT)
    checked = seeded("verify", "--format", "json")
    assert checked.returncode == 1, checked.stdout
    assert "统计表" in checked.stderr and "new" in checked.stderr and "replay" in checked.stderr, checked.stderr
    assert json.loads(checked.stdout)["tables"]["agree"] is False
    seeded("replay")  # rebuilds the tables from the log
    assert seeded("verify").returncode == 0


def test_close_year_refuses_tables_that_disagree_with_the_log(seeded: Runner, db: str) -> None:
    run_sql(db, "UPDATE gk_requests SET outcome = 'withheld_state_secret' WHERE outcome = 'unavailable_not_held'")
    before = stored_events(db)
    refused = seeded("close-year", "2020")
    assert refused.returncode == 1 and "统计表" in refused.stderr and "replay" in refused.stderr, refused.stderr
    assert stored_events(db) == before
    assert seeded("replay").returncode == 1  # says what differed, and rebuilds
    assert seeded("close-year", "2020").returncode == 0
