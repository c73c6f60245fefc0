"""The keys of an encrypted store: the master key from the settings, and one data key per application.

The master key (GONGKAI_CIPHER_KEY, or a key file no other user can read) encrypts every stored event
(eventsourcing's AESCipher) and wraps the per-application data keys. The data keys live in `gk_keys`, a
table beside the event log but not part of it: erasing an applicant deletes its data key (crypto-shredding)
and leaves a tombstone saying who erased it and when, while the events, their hash chain and every table
stay exactly as they were. `gk_meta` holds a check value, so a wrong key is refused when the store opens.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import GongkaiError
from domain.messages import zh_en

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresDatastore
    from psycopg.sql import Composed

    from storage.protocols import Datastore

KEYS_TABLE, META_TABLE = "gk_keys", "gk_meta"
SQLITE_KEY_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (key_id TEXT PRIMARY KEY, wrapped BLOB, erased_at TEXT, erased_by TEXT)",
    f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
]
KEY_CHECK = b"gongkai store key check"
ERASED = object()  # the data key of an erased applicant
ENV_HELP = "GONGKAI_CIPHER_KEY（32 字节的 base64 base64 of 32 bytes）或 GONGKAI_CIPHER_KEY_FILE（README, Security）"


class StoreKeyError(GongkaiError):
    """The cipher key is missing, wrong, unreadable, or not protected enough."""


def postgres_key_tables(schema: str) -> list[Composed]:
    """Return the key tables' DDL for PostgreSQL."""
    from psycopg.sql import SQL, Identifier

    return [
        SQL("CREATE TABLE IF NOT EXISTS {0}.{1} (" + ddl + ")").format(Identifier(schema), Identifier(name))
        for name, ddl in (
            (KEYS_TABLE, "key_id TEXT PRIMARY KEY, wrapped BYTEA, erased_at TEXT, erased_by TEXT"),
            (META_TABLE, "name TEXT PRIMARY KEY, value TEXT NOT NULL"),
        )
    ]


def new_key() -> str:
    """Return a fresh master key, base64 of 32 random bytes."""
    return base64.b64encode(os.urandom(32)).decode()


def decode_key(text: str, source: str) -> bytes:
    """Return the key bytes of a base64 key, or refuse it with a clear message."""
    try:
        key = base64.b64decode(text.strip().encode(), validate=True)
    except (binascii.Error, ValueError, UnicodeError):
        raise StoreKeyError(
            zh_en(
                f"{source} 不是 base64 密钥；请用 gongkai new-key 文件名 生成",
                f"{source} is not a base64 key; create one with `gongkai new-key FILE`",
            )
        ) from None
    if len(key) not in (16, 24, 32):
        raise StoreKeyError(
            zh_en(
                f"{source} 有 {len(key)} 字节；AES 密钥应为 16、24 或 32 字节（建议 32）",
                f"{source} holds {len(key)} bytes; an AES key has 16, 24 or 32 (32 recommended)",
            )
        )
    return key


def master_key(value: str | None, file: str | None) -> bytes | None:
    """Return the master key from GONGKAI_CIPHER_KEY or a key file (refused if others may read it), else None."""
    if value:
        return decode_key(value, "GONGKAI_CIPHER_KEY")
    if not file:
        return None
    path = Path(file).expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeError) as error:
        raise StoreKeyError(
            zh_en(f"无法读取密钥文件 {path}（{error}）", f"the key file {path} cannot be read ({error})")
        ) from None
    if mode & (stat.S_IRWXO | stat.S_IWGRP | stat.S_IXGRP):
        raise StoreKeyError(
            zh_en(
                f"密钥文件 {path} 的权限是 {stat.S_IMODE(mode):04o}，其他用户不得读取：chmod 600 {path}",
                f"the key file {path} has mode {stat.S_IMODE(mode):04o}; other users must not read it: "
                f"chmod 600 {path}",
            )
        )
    return decode_key(text, f"密钥文件 the key file {path}")


class Box:
    """AES-GCM with associated data: nonce, tag and ciphertext in one string of bytes."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def seal(self, plain: bytes, aad: bytes) -> bytes:
        from Crypto.Cipher import AES  # only an encrypted store needs it (~10 ms to import)

        nonce = os.urandom(12)
        cipher = AES.new(self.key, AES.MODE_GCM, nonce=nonce)
        cipher.update(aad)
        sealed, tag = cipher.encrypt_and_digest(plain)
        return nonce + tag + sealed

    def open(self, box: bytes, aad: bytes) -> bytes:
        """Return the plain bytes; raise ValueError when the key is wrong or the box was changed."""
        if len(box) < 28:
            raise ValueError("too short to be sealed data")
        from Crypto.Cipher import AES

        cipher = AES.new(self.key, AES.MODE_GCM, nonce=box[:12])
        cipher.update(aad)
        return bytes(cipher.decrypt_and_verify(box[28:], box[12:28]))


class KeyStore:
    """The per-application data keys, wrapped by the master key, with tombstones for erased ones."""

    def __init__(self, datastore: Datastore, *, postgres: bool, master: bytes) -> None:
        self.datastore = datastore
        self.m = "%s" if postgres else "?"
        prefix = f'"{schema}".' if postgres and (schema := getattr(datastore, "schema", None)) else ""
        self.keys, self.meta = prefix + KEYS_TABLE, prefix + META_TABLE
        self.wrapper = Box(hashlib.sha256(b"gongkai key wrapping\0" + master).digest())
        self._cache: dict[UUID, bytes | object] = {}

    # -- the master key -----------------------------------------------------------------------------

    def check(self, has_events: bool) -> None:
        """Refuse a key that is not this store's; on a new store, remember a check value for this key."""
        stored = stored_key_check(self.datastore, self.meta, self.m)
        if stored is None:
            if has_events:
                raise StoreKeyError(
                    zh_en(
                        "此存储创建时未加密且已有记录，不能再加密钥："
                        "请取消 GONGKAI_CIPHER_KEY / GONGKAI_CIPHER_KEY_FILE，"
                        "或导出后导入一个新的加密存储",
                        "this store was created without encryption and already holds events; a key cannot be added "
                        "to it: unset GONGKAI_CIPHER_KEY / GONGKAI_CIPHER_KEY_FILE, or import into a new store",
                    )
                )
            sealed = base64.b64encode(self.wrapper.seal(KEY_CHECK, b"check")).decode()
            with self.datastore.transaction(commit=True) as c:
                c.execute(
                    f"INSERT INTO {self.meta} (name, value) VALUES ({self.m}, {self.m}) ON CONFLICT DO NOTHING",
                    ("key_check", sealed),
                )
            stored = stored_key_check(self.datastore, self.meta, self.m)
            assert stored is not None
        try:
            ok = self.wrapper.open(base64.b64decode(stored), b"check") == KEY_CHECK
        except ValueError:
            ok = False
        if not ok:
            raise StoreKeyError(
                zh_en(
                    "密钥打不开此存储（GONGKAI_CIPHER_KEY 或密钥文件不对），未读取任何内容",
                    "the cipher key does not open this store (wrong GONGKAI_CIPHER_KEY or key file); nothing was read",
                )
            )

    # -- the data keys ------------------------------------------------------------------------------

    def data_key(self, owner: UUID, *, create: bool) -> bytes | object | None:
        """Return an application's data key, ERASED if it was erased, None if it never had one."""
        if owner in self._cache:
            return self._cache[owner]
        found = self._select(owner)
        if found is None and create:
            wrapped = self.wrapper.seal(os.urandom(32), owner.bytes)
            with self.datastore.transaction(commit=True) as c:
                c.execute(
                    f"INSERT INTO {self.keys} (key_id, wrapped) VALUES ({self.m}, {self.m}) ON CONFLICT DO NOTHING",
                    (owner.hex, wrapped),
                )
            found = self._select(owner)
        if found is not None:
            self._cache[owner] = found
        return found

    def _select(self, owner: UUID) -> bytes | object | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT wrapped FROM {self.keys} WHERE key_id = {self.m}", (owner.hex,))
            row = c.fetchone()
        if row is None:
            return None
        if row["wrapped"] is None:
            return ERASED
        try:
            return self.wrapper.open(bytes(row["wrapped"]), owner.bytes)
        except ValueError:
            raise StoreKeyError(
                zh_en(
                    f"{KEYS_TABLE} 中 {owner} 的数据密钥被改动或损坏",
                    f"the data key of {owner} in {KEYS_TABLE} was changed or damaged",
                )
            ) from None

    def erase(self, owner: UUID, *, clerk: str, when: dt.datetime) -> bool:
        """Delete an application's data key for good, leaving a tombstone; False if it was erased before.

        The key is gone from every query at once; `scrub` then removes its bytes from the files.
        """
        if self.data_key(owner, create=False) is ERASED:
            return False
        with self.datastore.transaction(commit=True) as c:
            if self.m == "?":  # SQLite: the freed space of the old row is zeroed, not left in the page
                c.execute("PRAGMA secure_delete = ON")
            c.execute(
                f"INSERT INTO {self.keys} (key_id, wrapped, erased_at, erased_by) VALUES ({self.m}, NULL, {self.m}, "
                f"{self.m}) ON CONFLICT (key_id) DO UPDATE SET wrapped = NULL, erased_at = excluded.erased_at, "
                "erased_by = excluded.erased_by",
                (owner.hex, when.isoformat(timespec="seconds"), clerk),
            )
        self._cache[owner] = ERASED
        return True

    def scrub(self) -> None:
        """Remove the bytes of erased keys from the database files, or raise ErasureNotConfirmed.

        SQLite: the pages that held them are zeroed (secure_delete), but a WAL file that another process keeps
        open (the scheduler daemon) still holds earlier copies of those pages until a TRUNCATE checkpoint, which
        succeeds only while no reader is inside a transaction: retried for a while. PostgreSQL: the old row
        version stays in the table's file as a dead tuple until VACUUM FULL rewrites the table (plain VACUUM may
        leave it, documents-and-hardening.md §5); VACUUM FULL waits for other sessions' locks on the key table.
        """
        from eventsourcing.sqlite import SQLiteConnectionPool

        pool = self.datastore.pool
        if isinstance(pool, SQLiteConnectionPool):
            _checkpoint_truncate(str(pool.db_name))
        else:
            from eventsourcing.postgres import PostgresDatastore  # the store is PostgreSQL: already imported

            assert isinstance(self.datastore, PostgresDatastore)
            _vacuum_full(self.datastore, self.keys)

    def erasures(self) -> int:
        """Return how many applicants have been erased."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) AS n FROM {self.keys} WHERE wrapped IS NULL")
            row = c.fetchone()
        return int(row["n"]) if row else 0


class ErasureNotConfirmed(GongkaiError):
    """The key is erased from every query, but a copy of its bytes could not yet be removed from the files."""


SCRUB_SECONDS = 15.0  # how long erasure waits for other processes' reads to let the files be cleaned


def _checkpoint_truncate(path: str) -> None:
    import sqlite3
    import time

    deadline = time.monotonic() + SCRUB_SECONDS
    with contextlib.closing(sqlite3.connect(path, timeout=SCRUB_SECONDS, isolation_level=None)) as connection:
        while True:
            busy, _frames, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0:
                return
            if time.monotonic() > deadline:
                raise ErasureNotConfirmed(
                    "个人信息已无法读取，但另一个进程（如提醒守护进程）仍在读取数据库，"
                    "旧数据副本尚未从 -wal 文件中清除 / "
                    "the data key is erased from every query, but another process (e.g. the scheduler daemon) kept "
                    f"reading the store for {SCRUB_SECONDS:g} s, so an old copy may remain in {path}-wal: run the same "
                    "`gongkai erase-applicant` again (it finishes the cleanup), or stop that process first"
                )
            time.sleep(0.2)


def _vacuum_full(datastore: PostgresDatastore, table: str) -> None:
    from psycopg import errors

    try:
        with datastore.get_connection() as connection:  # autocommit: VACUUM cannot run inside a transaction
            connection.execute(f"SET lock_timeout = '{int(SCRUB_SECONDS * 1000)}ms'")
            try:
                connection.execute(f"VACUUM FULL {table}")
            finally:
                connection.execute("RESET lock_timeout")
    except errors.LockNotAvailable:
        raise ErasureNotConfirmed(
            "个人信息已无法读取，但另一会话锁住了密钥表，旧行尚未从表文件中清除 / the data key is erased from every "
            f"query, but another session held a lock on {table} for {SCRUB_SECONDS:g} s, so the old row may remain "
            "in the table's file: run the same `gongkai erase-applicant` again"
        ) from None


def stored_key_check(datastore: Datastore, meta: str, marker: str) -> str | None:
    """Return the store's key check value, None when the store is not encrypted."""
    with datastore.transaction(commit=False) as c:
        c.execute(f"SELECT value FROM {meta} WHERE name = {marker}", ("key_check",))
        row = c.fetchone()
    return str(row["value"]) if row else None
