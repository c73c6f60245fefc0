"""Bounded fuzzing of the command line (hypothesis): whatever the option values, every command ends with exit
0, 1 or 2, never a traceback, and a refusal (1) or usage error (2) writes nothing, neither to the store nor -o.

The commands run in this process through click's CliRunner, on `cli.main:main`, the very function the installed
`gongkai` script calls (test_the_runner_drives_the_installed_entry_point); a few of the nastiest values also run
through the installed command as a subprocess.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cli.main import main
from tests.bad_inputs.cases import SETUP
from tests.conftest import GONGKAI, TODAY

ENV = {
    "GONGKAI_TODAY": TODAY.isoformat(),
    "GONGKAI_CLERK": "王芳",
    "GONGKAI_AGENCY": "",
    "GONGKAI_CIPHER_KEY": "",
    "GONGKAI_CIPHER_KEY_FILE": "",
    "GONGKAI_FILE_MODE": "",
}
BOUNDED = settings(
    max_examples=int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
NASTY = (
    "",
    " ",
    "-",
    "--",
    "0001-01-01",
    "9999-12-31",
    "2008-04-30",
    "2026-02-30",
    "2026-13-01",
    "2026-13",
    "0000-00",
    "9999-12",
    "2026-03-05",
    "2026-11-25",
    "２０２６－０３－０５",
    "B-1",
    "Ｂ－１",
    "B\u200b-1",
    "B-\u202e1",
    "C-1",
    "\x1b[31m红\x1b[0m",
    "李\u009b某",
    "王\t芳",
    '=HYPERLINK("http://x")',
    "@SUM(1,1)",
    "-1",
    "99999999999999999999",
    "1e9",
    "NaN",
    "长" * 2100,
    "../../etc/passwd",
    "%s%n{0}",
    "disclosed",
    "予以公开",
    "natural_person",
    "online",
)
VALUE = st.sampled_from(NASTY) | st.text(
    alphabet=st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=12
)
NUMBER = st.sampled_from(["B-1", "B-2", "B-3", "X-1", "Ｂ－１", "B\u200b-1", "C-1", ""]) | VALUE


# Valid commands on the setup store (B-1 open, B-2 answered with case C-1, B-3 voided, B-4 extended, B-5 withdrawn):
# the fuzzer replaces some of their values, so a hostile value reaches the code behind the option parsing.
TEMPLATES: tuple[tuple[str, ...], ...] = (
    (
        "receive",
        "X-9",
        "--date",
        "2026-06-01",
        "--channel",
        "online",
        "--applicant-type",
        "natural_person",
        "--applicant",
        "李某",
        "--subject",
        "某项目批复",
    ),
    ("register", "B-1", "--date", "2026-03-03"),
    ("request-correction", "B-1", "--date", "2026-03-05", "--until", "2026-03-20"),
    ("notify-fee", "B-1", "--date", "2026-03-05", "--amount", "100.00", "--served", "2026-03-06"),
    ("extend", "B-1", "--date", "2026-03-05", "--days", "10", "--approved-by", "张主任"),
    ("answer", "B-1", "--date", "2026-03-20", "--outcome", "disclosed"),
    ("correct", "B-2", "--date", "2026-04-01", "--reason", "录错", "--received-date", "2026-03-01"),
    ("appeal", "B-2", "--date", "2026-04-01", "--case", "C-9", "--kind", "reconsideration"),
    ("decide-appeal", "C-1", "--date", "2026-06-01", "--result", "upheld"),
    ("file-monthly", "2026-03", "--date", "2026-04-01"),
    ("agency-name", "宁波市鄞州区司法局", "--date", "2026-03-03"),
    ("due", "--as-of", "2026-10-20", "--within", "7", "--format", "json"),
    ("status", "B-1", "--as-of", "2026-10-20", "--format", "json"),
    ("show", "B-1"),
    ("list", "--format", "json"),
    ("report", "monthly", "2026-03", "--format", "xlsx", "-o", "out.file"),
    ("report", "monthly", "2026-03", "--format", "json"),
    ("report", "annual", "2026", "--format", "html", "-o", "out.file"),
    ("export", "--format", "csv", "--year", "2026", "-o", "out.file"),
    ("close-year", "2026"),
    (
        "calendar",
        "add",
        "2027",
        "--holidays",
        "2027-01-01",
        "--source",
        "国办发明电〔2026〕1号",
        "--date",
        "2026-11-01",
    ),
)
# Words of the command line itself, kept: the command names and the option names.
_FIXED = {
    "receive",
    "register",
    "request-correction",
    "notify-fee",
    "extend",
    "answer",
    "correct",
    "appeal",
    "decide-appeal",
    "file-monthly",
    "agency-name",
    "due",
    "status",
    "show",
    "list",
    "report",
    "monthly",
    "annual",
    "export",
    "close-year",
    "calendar",
    "add",
}


def _mutated(template: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """Return the template with each value kept or replaced by a hostile one."""
    parts = [
        st.just(word) if word in _FIXED or word.startswith("-") else st.one_of(st.just(word), VALUE, NUMBER)
        for word in template
    ]
    return st.tuples(*parts).map(list)


def _command() -> st.SearchStrategy[list[str]]:
    """Return argument vectors for the main commands, some values hostile, with hostile global options now and then."""
    head = st.sampled_from([[], [], ["--clerk"], ["--agency"]]).flatmap(
        lambda flag: st.just(flag) if not flag else st.one_of(VALUE, NUMBER).map(lambda v: [*flag, v])
    )
    body = st.sampled_from(TEMPLATES).flatmap(_mutated)
    return st.tuples(head, body).map(lambda t: [*t[0], *t[1]])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a store holding the bad-input corpus's setup (B-1 open, B-2 answered with case C-1, …)."""
    db = tmp_path_factory.mktemp("fuzz") / "setup.db"
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(SETUP)], env=ENV)
    assert result.exit_code == 0, result.output
    return db


def _log(db: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()
    return int(row[0]), int(row[1])


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """Return a directory to run in (where -o files land), restored to the working directory afterwards."""
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(here)


def test_the_runner_drives_the_installed_entry_point() -> None:
    """The in-process runs below call what the installed `gongkai` script calls."""
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "gongkai"]
    assert script.value == "cli.main:main"
    assert script.load() is main
    assert "from cli.main import main" in GONGKAI.read_text(encoding="utf-8")


@BOUNDED
@given(args=_command())
def test_any_option_values_end_in_an_answer_and_a_refusal_writes_nothing(
    args: list[str], prepared: Path, workdir: Path
) -> None:
    db = workdir / "store.db"
    shutil.copy(prepared, db)
    for leftover in workdir.glob("out.file*"):
        leftover.unlink()
    before = _log(db)
    result = CliRunner().invoke(main, ["--db", str(db), *args], env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"gongkai {args!r} raised instead of answering") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    event(f"{args[0] if args[0] not in ('--clerk', '--agency') else args[2]} exit {result.exit_code}")
    if result.exit_code:
        assert _log(db) == before, (args, result.stderr)
        assert not list(workdir.glob("out.file*")), args
        assert result.stderr.strip(), args  # a refusal says why


SUBPROCESS_CASES = (
    ("--clerk", "\x1b]0;pwned\x07", "register", "B-1", "--date", "2026-03-03"),
    ("receive", "B\u202e-9", "--date", "1026-03-02", "--channel", "online", "--applicant-type", "natural_person"),
    ("due", "--as-of", "9999-12-31", "--within", "99999999999"),
    ("report", "monthly", "0000-00", "--format", "xlsx", "-o", "out.xlsx"),
    ("status", "Ｂ－１", "--as-of", "0001-01-01"),
    ("export", "--year", "1026", "-o", "out.jsonl"),
)


@pytest.mark.parametrize("args", SUBPROCESS_CASES, ids=lambda a: a[0].lstrip("-"))
def test_hostile_arguments_through_the_installed_command(args: tuple[str, ...], prepared: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    shutil.copy(prepared, db)
    before = _log(db)
    environment = {**os.environ, **ENV, "GONGKAI_DB": str(db)}
    result = subprocess.run(
        [str(GONGKAI), *args], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120
    )
    assert result.returncode in (1, 2), (args, result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert _log(db) == before
    assert not list(tmp_path.glob("out.*"))
