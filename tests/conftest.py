"""Shared test helpers: a store in a real SQLite file, the installed CLI as a subprocess, event histories."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.book import Book
from domain.codes import TableFormat
from domain.lines import parse_object
from projections.facts import CaseFacts, RequestFacts, contributions
from projections.fold import fold_case, fold_request
from projections.tables import Period, ReportJson, build_report

TODAY = dt.date(2026, 11, 25)
FIXTURES = Path(__file__).parent / "fixtures"
SHANGHAI_EXAMPLE = FIXTURES / "shanghai-stc-2024.json"  # the published table, copied from shared/examples
GONGKAI = Path(sys.executable).with_name("gongkai")
# The six headings of the whole annual report, as the contract states them (DOMAIN §8), written out here on purpose.
HEADINGS_2021 = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
HEADINGS_2019 = [*HEADINGS_2021[:4], "五、政府信息公开工作存在的主要问题及改进情况", HEADINGS_2021[5]]


def lines_of(path: Path) -> list[dict[str, Any]]:
    """Return the JSON objects of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def book_of(objects: Iterable[dict[str, Any]], *, agency: str = "A", today: dt.date = TODAY) -> Book:
    """Apply import-format objects to an empty in-memory book (raises on any refusal)."""
    book = Book(lambda _id: None, today=today, agency=agency, clerk="test")
    for data in objects:
        book.record(parse_object(data))
    return book


def events_of(book: Book) -> list[Any]:
    """Return every event a book holds, in the order they were recorded per aggregate."""
    return [event for aggregate in book.changed() for event in aggregate.pending_events]


def fold_report(
    objects: Iterable[dict[str, Any]], period: str, table_format: TableFormat | None = None, **kw: Any
) -> ReportJson:
    """Fold events purely into the report of a period (no store): the projection as a pure function."""

    requests: dict[tuple[str, str], RequestFacts | None] = {}
    cases: dict[tuple[str, str], CaseFacts | None] = {}
    for event in events_of(book_of(objects, **kw)):
        if hasattr(event, "case"):
            cases[(event.agency, event.case)] = fold_case(cases.get((event.agency, event.case)), event)
        elif hasattr(event, "request"):
            key = (event.agency, event.request)
            requests[key] = fold_request(requests.get(key), event)
    counts: dict[tuple[str, str, str], int] = {}
    for facts in requests.values():
        for (_, month, row, col), n in contributions(facts).items():
            counts[(month, row, col)] = counts.get((month, row, col), 0) + n
    voided = {k[1] for k, f in requests.items() if f and f.voided}
    live_cases = [c for c in cases.values() if c is not None and c.request not in voided]
    chosen = table_format or TableFormat.for_year(int(period[:4]))
    return build_report(counts, live_cases, Period(period), chosen, agency="测试机关", agency_code="A")


POSTGRES_URL = os.environ.get("GONGKAI_TEST_POSTGRES", "")
REQUIRE_POSTGRES = os.environ.get("GONGKAI_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _postgres_or_skip() -> str:
    if not POSTGRES_URL:
        reason = "PostgreSQL tests need GONGKAI_TEST_POSTGRES=postgresql://user@host:port/db (not set)"
        if REQUIRE_POSTGRES:
            pytest.fail(f"GONGKAI_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return POSTGRES_URL


def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url.split("?", 1)[0], autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Return a maker of fresh, empty stores on each backend: SQLite files, or PostgreSQL schemas."""
    url = _postgres_or_skip() if request.param == "postgres" else ""
    made: list[str] = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:16]}"
        if not url:
            return str(tmp_path / f"{schema}.db")
        made.append(schema)
        return f"{url}{'&' if '?' in url else '?'}schema={schema}"

    yield make
    for schema in made:
        _drop_schema(url, schema)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return a fresh store: a SQLite file, and (with GONGKAI_TEST_POSTGRES) a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    url = _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield f"{url}{'&' if '?' in url else '?'}schema={schema}"
    _drop_schema(url, schema)


def stored_events(db: str) -> int:
    """Return how many events a store holds, read with the backend's own driver (0 for a store not yet made)."""
    if db.startswith("postgresql://"):
        import psycopg

        url, _, query = db.partition("?")
        schema = query.split("schema=", 1)[1].split("&", 1)[0]
        with psycopg.connect(url) as connection:
            found = connection.execute("SELECT to_regclass(%s)", [f"{schema}.gongkai_events"]).fetchone()
            if not found or found[0] is None:
                return 0
            row = connection.execute(f'SELECT COUNT(*) FROM "{schema}".gongkai_events').fetchone()
            return int(row[0]) if row else 0
    if not Path(db).exists():
        return 0
    with sqlite3.connect(db) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return (
            connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] if "stored_events" in tables else 0
        )


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def gongkai(db: str, tmp_path: Path) -> Iterator[Runner]:
    """Run the installed `gongkai` command as a clerk would, on the fresh store."""

    def run(
        *args: str, stdin: str | None = None, check: bool = False, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "GONGKAI_DB": db, "GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳"}
        environment.update(env or {})
        result = subprocess.run(
            [str(GONGKAI), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"gongkai {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    yield run
