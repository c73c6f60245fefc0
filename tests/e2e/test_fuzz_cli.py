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
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
NUMBER = st.sampled_from(["B-1", "B-2", "B-3", "X-1", "Ｂ－１", "B\u200b-1", "C-1", ""]) | VALUE


def _command() -> st.SearchStrategy[list[str]]:
    """Return argument vectors for the main commands, each option given a fuzzed (often hostile) value."""

    def opts(*names: str) -> st.SearchStrategy[list[str]]:
        return st.lists(st.tuples(st.sampled_from(names), VALUE), max_size=4).map(
            lambda pairs: [part for pair in pairs for part in pair]
        )

    head = st.sampled_from([[], ["--clerk"], ["--agency"]]).flatmap(
        lambda flag: st.just(flag) if not flag else VALUE.map(lambda v: [*flag, v])
    )
    body = st.one_of(
        st.tuples(NUMBER, opts("--date", "--channel", "--applicant-type", "--applicant", "--subject")).map(
            lambda t: ["receive", t[0], *t[1]]
        ),
        st.tuples(NUMBER, opts("--date")).map(lambda t: ["register", t[0], *t[1]]),
        st.tuples(NUMBER, opts("--date", "--until")).map(lambda t: ["request-correction", t[0], *t[1]]),
        st.tuples(NUMBER, opts("--date", "--amount", "--served")).map(lambda t: ["notify-fee", t[0], *t[1]]),
        st.tuples(NUMBER, opts("--date", "--days", "--approved-by")).map(lambda t: ["extend", t[0], *t[1]]),
        st.tuples(NUMBER, opts("--date", "--outcome")).map(lambda t: ["answer", t[0], *t[1]]),
        st.tuples(NUMBER, opts("--date", "--reason", "--received-date", "--answered-date", "--outcome")).map(
            lambda t: ["correct", t[0], *t[1]]
        ),
        st.tuples(NUMBER, opts("--date", "--case", "--kind")).map(lambda t: ["appeal", t[0], *t[1]]),
        st.tuples(VALUE, opts("--date")).map(lambda t: ["file-monthly", t[0], *t[1]]),
        st.tuples(VALUE, opts("--date")).map(lambda t: ["agency-name", t[0], *t[1]]),
        opts("--as-of", "--within", "--format").map(lambda o: ["due", *o]),
        st.tuples(NUMBER, opts("--as-of", "--format")).map(lambda t: ["status", t[0], *t[1]]),
        st.tuples(NUMBER).map(lambda t: ["show", t[0]]),
        opts("--format").map(lambda o: ["list", *o]),
        st.tuples(VALUE, opts("--format", "--table-format"), st.booleans()).map(
            lambda t: ["report", "monthly", t[0], *t[1], *(["-o", "out.file"] if t[2] else [])]
        ),
        st.tuples(VALUE, opts("--format", "--table-format"), st.booleans()).map(
            lambda t: ["report", "annual", t[0], *t[1], *(["-o", "out.file"] if t[2] else [])]
        ),
        st.tuples(opts("--format", "--year"), st.booleans()).map(
            lambda t: ["export", *t[0], *(["-o", "out.file"] if t[1] else [])]
        ),
    )
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
