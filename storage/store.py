"""Open the event store and its view: eventsourcing's SQLite module by default, PostgreSQL for a district."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, StoredEvent
from eventsourcing.utils import Environment, get_topic

from storage.chain import ChainedSQLiteRecorder, PreparedLinks
from storage.mapper import PydanticMapper

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol

    from storage.protocols import Datastore, MaintainedView

APPLICATION_NAME = "gongkai"


class GongkaiApplication(Application[UUID]):
    """The log of every fact about every application, case and agency."""

    name = APPLICATION_NAME
    env: ClassVar[dict[str, str]] = {"MAPPER_TOPIC": get_topic(PydanticMapper), "IS_SNAPSHOTTING_ENABLED": "no"}


def _sqlite_env(path: str) -> dict[str, str]:
    file = Path(path).expanduser()
    file.parent.mkdir(parents=True, exist_ok=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))  # the store is not for other users
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(file),
        "SQLITE_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": "storage.chain:ChainedSQLiteRecorder",  # the hash chain, in each insert
    }


def _postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # A command needs one connection per pool (events, tables): many clerks must not exhaust the server.
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": "2",
        "APPLICATION_RECORDER_TOPIC": "storage.chain_postgres:ChainedPostgresRecorder",
    }
    query = dict(item.split("=", 1) for item in parts.query.split("&") if "=" in item)
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


@contextlib.contextmanager
def _postgres_setup_lock(env: dict[str, str]) -> Iterator[None]:
    """Serialise opening a PostgreSQL store: concurrent `CREATE … IF NOT EXISTS` of one table can still collide."""
    import psycopg
    from psycopg import sql

    schema = env.get("POSTGRES_SCHEMA") or "public"
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        autocommit=True,
    ) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"gongkai:{schema}"])
        try:
            if env.get("POSTGRES_SCHEMA"):  # eventsourcing creates tables, not schemas
                connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"gongkai:{schema}"])


def datastore_of(recorder: ApplicationRecorder) -> Datastore:
    """Return the datastore a store's recorder writes to (SQLite, else PostgreSQL)."""
    from eventsourcing.sqlite import SQLiteRecorder

    if isinstance(recorder, SQLiteRecorder):
        return recorder.datastore
    from eventsourcing.postgres import PostgresRecorder  # only a PostgreSQL store imports psycopg

    assert isinstance(recorder, PostgresRecorder), f"not a SQLite or PostgreSQL recorder: {recorder!r}"
    return recorder.datastore


def store_env(db: str) -> dict[str, str]:
    """Return eventsourcing's settings for a store: a SQLite file path or a postgresql:// URL."""
    return _postgres_env(db) if db.startswith(("postgresql://", "postgres://")) else _sqlite_env(db)


def open_store(db: str, *, key: bytes | None = None) -> tuple[GongkaiApplication, MaintainedView]:
    """Return the application and its view on the same store (encrypted with the master key, if given)."""
    from storage.crypto import cipher_env

    env = store_env(db) | cipher_env(key)
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        with _postgres_setup_lock(env):
            return _open(env, key)
    return _open(env, key)


def _open(env: dict[str, str], key: bytes | None) -> tuple[GongkaiApplication, MaintainedView]:
    from storage.crypto import protect

    app = GongkaiApplication(env=env)
    protect(app, key)
    factory = InfrastructureFactory.construct(Environment(APPLICATION_NAME, env))
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        from storage.postgres_view import PostgresView

        postgres = factory.tracking_recorder(PostgresView)
        assert isinstance(postgres, PostgresView)
        return app, postgres
    from storage.sqlite_view import SQLiteView

    sqlite = factory.tracking_recorder(SQLiteView)
    assert isinstance(sqlite, SQLiteView)
    return app, sqlite


def save_events(app: GongkaiApplication, events: Sequence[DomainEventProtocol[UUID]]) -> list[int]:
    """Store new events of aggregates in one transaction, with their chain links; return their notification ids.

    What `app.save` does for gongkai's application (no snapshots, no aggregate cache, no subscribers), without
    its per-event protocol checks and recordings: the same stored events, tables and links.
    """
    return save_stored(app, encode_events(app, events)) if events else []


def encode_events(app: GongkaiApplication, events: Sequence[DomainEventProtocol[UUID]]) -> list[StoredEvent]:
    """Return the stored forms of domain events, as the application's mapper writes them."""
    mapper = app.mapper
    assert isinstance(mapper, PydanticMapper)
    return mapper.to_stored_events(events)


def save_stored(
    app: GongkaiApplication, stored: Sequence[StoredEvent], links: PreparedLinks | None = None
) -> list[int]:
    """Store events already in their stored form (`to_stored_events`) as `save_events` does; return their ids.

    `links`: their chain links computed ahead (SQLite), used if the events follow what they were computed from.
    """
    if not stored:
        return []
    recorder = app.recorder
    if links is not None and isinstance(recorder, ChainedSQLiteRecorder):
        recorder.prepared = links
        try:
            ids = recorder.insert_events(list(stored))
        finally:
            recorder.prepared = None
    else:
        ids = recorder.insert_events(list(stored))
    assert ids is not None and len(ids) == len(stored)
    return list(ids)
