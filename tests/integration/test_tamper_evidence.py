"""`verify` finds every single-row edit, deletion and insertion made with SQL behind the application's back."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from service.settings import load_settings
from service.tracker import Tracker
from storage.chain_verify import Verdict, verify_store
from storage.store import open_store
from tests.conftest import FIXTURES, Runner

if TYPE_CHECKING:
    from storage.protocols import Datastore, EventStore


def lines_in(path: Path) -> list[tuple[int, Any]]:
    """Return the numbered, parsed lines of a JSON Lines fixture."""
    from domain.lines import parse_line

    text = path.read_text(encoding="utf-8").splitlines()
    return [(number, parse_line(line)) for number, line in enumerate(text, start=1) if line.strip()]


def _fill(db: str) -> int:
    tracker = Tracker(load_settings(db=db, clerk="王芳"))
    try:
        for fixture in ("seed_2020.jsonl", "shanghai_2024.jsonl"):
            tracker.record(lines_in(FIXTURES / fixture))
        return int(tracker.app.recorder.max_notification_id() or 0)
    finally:
        tracker.close()


def verdict(db: str) -> Verdict:
    app, view = open_store(db)
    try:
        return verify_store(app)
    finally:
        app.close()
        view.datastore.close()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("chain") / "filled.db"
    return db, _fill(str(db))


@pytest.fixture
def tamper(filled: tuple[Path, int], tmp_path: Path) -> Iterator[Callable[[str, tuple[Any, ...]], Verdict]]:
    """Return: run one SQL statement on a fresh copy of the filled store, then verify it."""
    copies = iter(range(10**6))

    def run(sql: str, params: tuple[Any, ...] = ()) -> Verdict:
        db = tmp_path / f"copy{next(copies)}.db"
        shutil.copy(filled[0], db)
        with closing(sqlite3.connect(db)) as conn, conn:
            assert conn.execute(sql, params).rowcount == 1
        return verdict(str(db))

    yield run


def test_untouched_store_verifies(filled: tuple[Path, int]) -> None:
    result = verdict(str(filled[0]))
    assert result.problem is None and result.checked == filled[1] > 140


def test_every_single_row_edit_is_found(tamper: Any, filled: tuple[Path, int]) -> None:
    edits = (
        "UPDATE stored_events SET state = state || x'00' WHERE rowid = ?",
        "UPDATE stored_events SET topic = 'domain.request:Request.Registered' || rowid WHERE rowid = ?",
        "UPDATE stored_events SET originator_version = originator_version + 1000 WHERE rowid = ?",
    )
    found = 0
    for position in range(1, filled[1] + 1):
        sql = edits[position % len(edits)]
        result = tamper(sql, (position,))
        assert result.problem is not None and result.problem.kind == "changed", (sql, position)
        assert result.problem.position == position
        found += 1
    assert found == filled[1]


def test_every_single_row_deletion_is_found(tamper: Any, filled: tuple[Path, int]) -> None:
    for position in range(1, filled[1] + 1):
        result = tamper("DELETE FROM stored_events WHERE rowid = ?", (position,))
        assert result.problem is not None, position
        assert (result.problem.kind, result.problem.position) == ("deleted", position)


def test_insertions_are_found_wherever_they_go(tamper: Any, filled: tuple[Path, int]) -> None:
    last = filled[1]
    for source in range(1, last + 1, 7):
        # A forged copy of a real event, as a later version of its aggregate, at the end of the log …
        result = tamper(
            "INSERT INTO stored_events SELECT originator_id, originator_version + 500, topic, state "
            "FROM stored_events WHERE rowid = ?",
            (source,),
        )
        assert result.problem is not None and (result.problem.kind, result.problem.position) == ("inserted", last + 1)
    # … or with a position chosen beyond the end.
    result = tamper(
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT rowid + 1000, originator_id, 999, topic, state FROM stored_events WHERE rowid = 3"
    )
    assert result.problem is not None and (result.problem.kind, result.problem.position) == ("inserted", 1003)


def test_swapping_two_events_contents_is_found(tamper: Any) -> None:
    result = tamper(
        "UPDATE stored_events SET state = (SELECT state FROM stored_events WHERE rowid = 9) WHERE rowid = 5", ()
    )
    assert result.problem is not None and result.problem.position == 5


def test_rewriting_a_link_is_found(tamper: Any) -> None:
    result = tamper("UPDATE gk_chain SET link = 'ff' || substr(link, 3) WHERE notification_id = ?", (40,))
    assert result.problem is not None and result.problem.position == 40


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the SQLite file itself is read or edited
def test_verify_command_names_the_first_bad_event(gongkai: Runner, db: str) -> None:
    assert gongkai("import", str(FIXTURES / "seed_2020.jsonl")).returncode == 0
    intact = gongkai("verify")
    assert intact.returncode == 0 and "intact: 20 events checked" in intact.stdout, intact.stderr
    with closing(sqlite3.connect(db)) as conn, conn:
        (position,) = conn.execute("SELECT rowid FROM stored_events WHERE instr(state, '2020-05-29')").fetchone()
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '2020-05-29', '2020-05-20') WHERE rowid = ?", [position]
        )
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", [position + 2])
    result = gongkai("verify", "--format", "json")
    assert result.returncode == 1
    assert f"event #{position} (申请 " in result.stderr and "edited" in result.stderr, result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("new_store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_postgres_edits_deletions_and_insertions_are_found(new_store: Callable[[], str]) -> None:
    store = new_store()
    assert store.startswith("postgresql://")
    import psycopg

    url, _, query = store.partition("?")
    schema = query.split("schema=", 1)[1]
    table = f'"{schema}".gongkai_events'
    last = _fill(store)
    assert verdict(store).problem is None
    with psycopg.connect(url) as conn:
        for position in (1, 2, last // 3, last // 2, last - 1, last):
            for sql, kind, at in (
                (f"UPDATE {table} SET state = state || '\\x00'::bytea WHERE notification_id = %s", "changed", position),
                (f"UPDATE {table} SET originator_version = 900 + %s WHERE notification_id = %s", "changed", position),
                (f"DELETE FROM {table} WHERE notification_id = %s", "deleted", position),
                (
                    f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                    f"SELECT originator_id, 800, topic, state FROM {table} WHERE notification_id = %s",
                    "inserted",
                    None,
                ),
            ):
                with conn.transaction(force_rollback=True):
                    params = (position, position) if sql.count("%s") == 2 else (position,)
                    conn.execute(sql, params)
                    result = _verify_in(conn, store)
                    assert result.problem is not None and result.problem.kind == kind, (sql, position)
                    assert at is None or result.problem.position == at


def _verify_in(conn: Any, store: str) -> Verdict:
    """Verify what the open transaction sees: the tampering stays uncommitted and is rolled back after."""
    from storage.chain_verify import ChainReader, verify_chain

    class App:
        class recorder:  # stands in for the application's recorder
            @staticmethod
            def select_notifications(start: int, limit: int, inclusive_of_start: bool = False) -> list[Any]:
                schema = store.split("schema=", 1)[1]
                rows = conn.execute(
                    f'SELECT notification_id, originator_id, originator_version, topic, state FROM "{schema}".'
                    "gongkai_events WHERE notification_id > %s ORDER BY notification_id LIMIT %s",
                    (start, limit),
                ).fetchall()
                return [_Note(*row) for row in rows]

    class Store:
        @staticmethod
        def transaction(commit: bool) -> Any:
            from contextlib import nullcontext

            return nullcontext(conn.cursor(row_factory=psycopg.rows.dict_row))

    import psycopg.rows

    schema = store.split("schema=", 1)[1]
    # Stand-ins that read through the test's open transaction: only what verify_chain calls of the real ones.
    app, datastore = cast("EventStore", App()), cast("Datastore", Store())
    return verify_chain(app, ChainReader(datastore, f'"{schema}".gk_chain', "%s"))


class _Note:
    def __init__(self, id: int, originator_id: Any, originator_version: int, topic: str, state: bytes) -> None:
        self.id, self.originator_id, self.originator_version = id, originator_id, originator_version
        self.topic, self.state = topic, bytes(state)


def test_since_close_checks_from_the_close_and_a_published_head_is_checked(gongkai: Runner) -> None:
    assert gongkai("import", str(FIXTURES / "seed_2020.jsonl")).returncode == 0
    without = gongkai("verify", "--since-close")
    assert without.returncode == 0 and "no year has been closed yet" in without.stderr
    assert gongkai("close-year", "2020").returncode == 0
    received = ("receive", "鄞司依申〔2021〕1号", "--date", "2021-01-05", "--channel", "online")
    assert gongkai(*received, "--applicant-type", "natural_person").returncode == 0  # one event after the close
    since = gongkai("verify", "--since-close", "--format", "json")
    data = json.loads(since.stdout)
    # the whole log is checked (an edit before the close must show), and the close's head is printed
    assert since.returncode == 0 and data["since_close"]["year"] == 2020 and data["events_checked"] == 22
    published = f"{data['since_close']['position']}:{data['since_close']['hash']}"
    assert gongkai("verify", "--anchor", published).returncode == 0
    forged = gongkai("verify", "--anchor", published[:-4] + "0000")
    assert forged.returncode == 1 and "does not match this log" in forged.stderr


def test_a_store_whose_chain_table_has_the_older_key_still_chains_and_verifies(tmp_path: Path) -> None:
    from storage.chain import CHAIN_DDL

    db = tmp_path / "older.db"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(f"CREATE TABLE gk_chain ({CHAIN_DDL})")  # as stores made before the rowid key have it
    events = _fill(str(db))
    with closing(sqlite3.connect(db)) as conn:
        (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'gk_chain'").fetchone()
        linked = conn.execute("SELECT count(*) FROM gk_chain").fetchone()[0]
    assert "BIGINT PRIMARY KEY" in ddl and linked == events
    result = verdict(str(db))
    assert result.problem is None and result.checked == events


def test_a_new_store_keys_its_chain_by_the_rowid(filled: tuple[Path, int]) -> None:
    with closing(sqlite3.connect(filled[0])) as conn:
        (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'gk_chain'").fetchone()
    assert "notification_id INTEGER PRIMARY KEY" in ddl
