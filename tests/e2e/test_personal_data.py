"""Personal data: encrypted at rest with a key, erasable per applicant, refused with a wrong key; file modes."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Runner

NAME, SUBJECT, PHONE_LIKE = "欧阳娜娜", "关于某小区拆迁补偿的批复文件", "13912345678"


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _receive(gongkai: Runner, number: str, name: str, env: dict[str, str], subject: str | None = None) -> None:
    gongkai(
        "receive",
        number,
        "--date",
        "2026-03-02",
        "--channel",
        "online",
        "--applicant-type",
        "natural_person",
        "--applicant",
        name,
        "--subject",
        subject or f"{SUBJECT} {PHONE_LIKE}",
        env=env,
        check=True,
    )


def _snapshot(gongkai: Runner, env: dict[str, str]) -> dict[str, str]:
    """Return every table and deadline list the store gives."""
    outputs = {
        "annual": ("report", "annual", "2026", "--format", "json"),
        "monthly": ("report", "monthly", "2026-03", "--format", "json"),
        "due": ("due", "--as-of", "2026-11-25", "--format", "json"),
        "list": ("list", "--format", "json"),
    }
    return {name: gongkai(*args, env=env, check=True).stdout for name, args in outputs.items()}


def _store_bytes(db: str) -> bytes:
    return b"".join(Path(db + suffix).read_bytes() for suffix in ("", "-wal") if Path(db + suffix).exists())


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the SQLite file itself is read or edited
def test_encrypted_store_holds_no_name_and_erasure_keeps_the_tables(gongkai: Runner, db: str) -> None:
    env = {"GONGKAI_CIPHER_KEY": _key()}
    gongkai("import", str(FIXTURES / "seed_2020.jsonl"), env=env, check=True)
    _receive(gongkai, "P-1", NAME, env)
    _receive(gongkai, "P-2", "路人甲", env, subject="短")
    gongkai("answer", "P-2", "--date", "2026-03-20", "--outcome", "disclosed", env=env, check=True)
    for text in (NAME, SUBJECT, PHONE_LIKE, "路人甲", "王芳"):
        assert text.encode() not in _store_bytes(db), f"{text} is in the store file in plain text"
    info = json.loads(gongkai("info", env=env, check=True).stdout)
    assert info["encrypted"] is True
    assert NAME in gongkai("show", "P-1", env=env, check=True).stdout
    before = _snapshot(gongkai, env)

    erased = gongkai("erase-applicant", "--applicant", NAME, "--yes", env=env)
    assert erased.returncode == 0 and "已删除 erased: P-1" in erased.stderr, erased.stderr
    assert _snapshot(gongkai, env) == before
    shown = gongkai("show", "P-1", env=env, check=True).stdout
    assert "已删除" in shown and NAME not in shown
    assert "applicant=路人" in gongkai("show", "P-2", env=env, check=True).stdout  # rich may clip the cell
    assert gongkai("verify", env=env).returncode == 0
    replayed = gongkai("replay", env=env)
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(gongkai("info", env=env, check=True).stdout)["erased_applications"] == 1


def test_wrong_or_missing_key_is_refused_clearly(gongkai: Runner, db: str) -> None:
    env = {"GONGKAI_CIPHER_KEY": _key()}
    _receive(gongkai, "P-1", NAME, env)
    wrong = gongkai("show", "P-1", env={"GONGKAI_CIPHER_KEY": _key()})
    assert wrong.returncode == 1 and "the cipher key does not open this store" in wrong.stderr
    assert NAME not in wrong.stdout + wrong.stderr
    missing = gongkai("report", "annual", "2026", "--format", "json")
    assert missing.returncode == 1 and "this store is encrypted and no key was given" in missing.stderr
    assert missing.stdout == ""
    garbage = gongkai("info", env={"GONGKAI_CIPHER_KEY": "not a key!"})
    assert garbage.returncode == 1 and "GONGKAI_CIPHER_KEY is not a base64 key" in garbage.stderr


def test_key_file_must_be_private(gongkai: Runner, tmp_path: Path) -> None:
    key_file = tmp_path / "gongkai.key"
    assert gongkai("new-key", str(key_file)).returncode == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert gongkai("new-key", str(key_file)).returncode == 1  # never overwritten
    env = {"GONGKAI_CIPHER_KEY_FILE": str(key_file)}
    _receive(gongkai, "P-1", NAME, env)
    key_file.chmod(0o644)
    refused = gongkai("show", "P-1", env=env)
    assert refused.returncode == 1 and "mode 0644; other users must not read it" in refused.stderr
    key_file.chmod(0o600)
    assert NAME in gongkai("show", "P-1", env=env, check=True).stdout


def test_unencrypted_store_says_so_and_cannot_erase(gongkai: Runner) -> None:
    _receive(gongkai, "P-1", NAME, {})
    info = gongkai("info", check=True)
    assert json.loads(info.stdout)["encrypted"] is False
    assert "NOT ENCRYPTED" in info.stderr and "plain text" in info.stderr
    refused = gongkai("erase-applicant", "P-1", "--yes")
    assert refused.returncode == 1 and "this store is not encrypted" in refused.stderr
    adding = gongkai("info", env={"GONGKAI_CIPHER_KEY": _key()})
    assert adding.returncode == 1 and "created without encryption" in adding.stderr


def test_unknown_application_cannot_be_erased(gongkai: Runner) -> None:
    env = {"GONGKAI_CIPHER_KEY": _key()}
    _receive(gongkai, "P-1", NAME, env)
    result = gongkai("erase-applicant", "P-404", "--yes", env=env)
    assert result.returncode == 1 and "P-404" in result.stderr
    assert NAME in gongkai("show", "P-1", env=env, check=True).stdout


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the SQLite file itself is read or edited
def test_store_files_are_private(gongkai: Runner, db: str) -> None:
    _receive(gongkai, "P-1", NAME, {})
    for suffix in ("", "-wal", "-shm"):
        path = Path(db + suffix)
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is readable by others"


def test_reimport_after_erasure_doubles_nothing(gongkai: Runner, tmp_path: Path) -> None:
    env = {"GONGKAI_CIPHER_KEY": _key()}
    file = tmp_path / "e.jsonl"
    line = {"event": "received", "request": "E-1", "date": "2026-03-02", "channel": "online"}
    line |= {"applicant_type": "natural_person", "applicant": NAME, "subject": SUBJECT}
    file.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    gongkai("import", str(file), env=env, check=True)
    gongkai("erase-applicant", "E-1", "--yes", env=env, check=True)
    again = gongkai("import", str(file), env=env, check=True)
    assert "0 events recorded, 1 already in the store" in again.stderr
