"""A store written before `appealed` had a class_version is read, replayed and verified by today's code.

The stores are tests/fixtures/store_v1*.db, written by tests/fixtures/make_store_v1.py with the code of their
commit; `store_v1.expected.json` is what that code printed for them. Each test works on a copy (opening a store
may switch its journal mode), through the installed `gongkai` as a clerk runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, GONGKAI, TODAY

STORES = ["store_v1.db", "store_v1_encrypted.db"]
EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "store_v1.expected.json").read_text(encoding="utf-8"))
KEY = (FIXTURES / "store_v1.key").read_text(encoding="utf-8").strip()
APPEALED_TOPIC = "domain.appeal:AppealCase.Appealed"
OLD_CASES = {"鄞政复〔2025〕31号", "(2025)浙0212行初88号", "鄞政复〔2025〕77号", "鄞政复〔2026〕5号"}


class Store:
    """A copy of one fixture store and the `gongkai` command pointed at it."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name, self.path = name, folder / name
        shutil.copyfile(FIXTURES / name, self.path)
        self.path.chmod(0o600)
        self.expected = EXPECTED[name]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")},
            "GONGKAI_DB": str(self.path),
            "GONGKAI_AGENCY": "YZSFJ",
            "GONGKAI_TODAY": TODAY.isoformat(),
            "GONGKAI_CLERK": "王芳",
        }
        if "encrypted" in name:
            self.env["GONGKAI_CIPHER_KEY"] = KEY

    def run(self, *args: str, expect: int = 0) -> str:
        """Run one command; return its stdout, failing the test on any other exit status."""
        done = subprocess.run(
            [str(GONGKAI), *args], capture_output=True, text=True, env=self.env, timeout=120, check=False
        )
        assert done.returncode == expect, f"gongkai {' '.join(args)} exited {done.returncode}: {done.stderr}"
        return done.stdout

    def json(self, *args: str) -> Any:
        """Run a command with `--format json`; return its one JSON document."""
        return json.loads(self.run(*args, "--format", "json"))

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Return every row of every table of the store, to see whether a command wrote anything."""
        with sqlite3.connect(self.path) as db:
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}

    def appealed_states(self) -> list[bytes]:
        """Return the stored states of the `appealed` events, as they are in the file."""
        with sqlite3.connect(self.path) as db:
            return [
                bytes(s) for (s,) in db.execute("SELECT state FROM stored_events WHERE topic = ?", [APPEALED_TOPIC])
            ]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Return a fresh copy of each fixture store."""
    return Store(request.param, tmp_path)


def test_fixture_holds_appealed_events_of_the_first_version() -> None:
    with sqlite3.connect(FIXTURES / "store_v1.db") as db:
        states = [
            json.loads(s) for (s,) in db.execute("SELECT state FROM stored_events WHERE topic = ?", [APPEALED_TOPIC])
        ]
    assert {state["case"] for state in states} == OLD_CASES
    assert all("body" not in state and "class_version" not in state for state in states)


def test_old_store_gives_the_tables_it_gave(store: Store) -> None:
    assert store.json("report", "annual", "2020") == store.expected["annual_2020"]
    assert store.json("report", "annual", "2025") == store.expected["annual_2025"]
    assert store.json("report", "monthly", "2026-11") == store.expected["monthly_2026_11"]


def test_old_store_replay_agrees_and_writes_nothing(store: Store) -> None:
    store.run("info")  # opens the store once (journal mode, tables caught up), as any first command does
    before = store.rows()
    out = store.run("replay")
    assert "agree" in out.lower() or "一致" in out, out
    assert store.rows() == before


def test_old_store_verifies_with_the_head_it_had(store: Store) -> None:
    verified = store.json("verify")
    assert verified["ok"] is True
    assert verified["head"] == store.expected["verify"]["head"]
    assert verified["events_checked"] == store.expected["verify"]["events_checked"] == 211


def test_old_store_shows_an_upcast_appeal(store: Store) -> None:
    shown = store.run("show", "鄞司依申〔2025〕6号")
    assert "鄞政复〔2025〕31号" in shown and "appeal_decided" in shown


def test_old_store_exports_appeals_without_a_body(store: Store) -> None:
    lines = [json.loads(line) for line in store.run("export").splitlines()]
    assert len(lines) == store.expected["export_lines"]
    appealed = [line for line in lines if line["event"] == "appealed"]
    assert {line["case"] for line in appealed} == OLD_CASES
    assert all(line.get("body") is None for line in appealed)  # upcast: body null, left out as every unset field


def test_new_appeal_with_a_body_joins_an_old_store(store: Store, tmp_path: Path) -> None:
    body = "宁波市鄞州区人民政府"
    store.run(
        "appeal",
        "鄞司依申〔2025〕1号",
        "--date",
        "2026-11-20",
        "--case",
        "鄞政复〔2026〕9号",
        "--kind",
        "reconsideration",
        "--body",
        body,
    )
    if "encrypted" not in store.name:  # the new event is stored as version 2, the old ones stay as they were
        states = [json.loads(s) for s in store.appealed_states()]
        new = [s for s in states if s["case"] == "鄞政复〔2026〕9号"]
        assert len(new) == 1 and new[0]["body"] == body and new[0]["class_version"] == 2
        assert all("class_version" not in s for s in states if s["case"] in OLD_CASES)
    exported = [json.loads(line) for line in store.run("export").splitlines()]
    new_lines = [line for line in exported if line.get("case") == "鄞政复〔2026〕9号"]
    assert [line.get("body") for line in new_lines] == [body]
    assert "agree" in store.run("replay").lower()
    assert store.json("verify")["ok"] is True
    annual = store.json("report", "annual", "2026")
    assert annual["appeals"]["reconsideration"]["pending"] == 1

    # the export, old and new appeals together, imports into an empty store with the same tables
    file = tmp_path / "export.jsonl"
    file.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in exported) + "\n", encoding="utf-8")
    (tmp_path / "again").mkdir()
    again = Store("store_v1.db", tmp_path / "again")  # replaced by an empty store below
    again.path.unlink()
    again.env.pop("GONGKAI_CIPHER_KEY", None)
    again.run("import", str(file))
    for year in ("2020", "2025", "2026"):
        assert again.json("report", "annual", year)["appeals"] == store.json("report", "annual", year)["appeals"]
    reexported = [json.loads(line) for line in again.run("export").splitlines()]
    assert [line for line in reexported if line["event"] == "appealed"] == [
        line for line in exported if line["event"] == "appealed"
    ]
