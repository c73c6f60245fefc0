"""The fixtures and the generator's output are histories the import format and its refusals accept."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from domain.book import Book
from domain.lines import parse_line

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GENERATOR = ROOT / "bench" / "generate.py"
SHANGHAI_EXAMPLE = Path(__file__).parents[1] / "fixtures" / "shanghai-stc-2024.json"
TODAY = dt.date(2026, 11, 25)


def _record_all(path: Path) -> int:
    """Record every line of a file in one Book, as `import` would; return the number of lines."""
    book = Book(lambda _id: None, today=TODAY, agency="X", clerk="t")
    count = 0
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert book.record(parse_line(text)), f"{path.name} line {number} was taken for a repeat: {text}"
        count = number
    return count


def _generate(tmp_path: Path, *options: str) -> tuple[Path, Path]:
    output, expect = tmp_path / "year.jsonl", tmp_path / "expect.json"
    command = [
        sys.executable,
        str(GENERATOR),
        "--applications",
        "300",
        "--seed",
        "5",
        "-o",
        str(output),
        "--expect",
        str(expect),
        *options,
    ]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    return output, expect


def _generator_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _count(path: Path, year: int) -> dict[str, Any]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return _generator_module().count_lines(lines, year)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["seed_2020.jsonl", "seed_2020_report_inputs.jsonl", "shanghai_2024.jsonl"])
def test_every_fixture_line_is_accepted(name: str) -> None:
    assert _record_all(FIXTURES / name) > 0


@pytest.mark.parametrize("name", ["seed_2020.jsonl", "seed_2020_report_inputs.jsonl", "shanghai_2024.jsonl"])
def test_fixture_events_are_in_date_order(name: str) -> None:
    dates = [json.loads(text)["date"] for text in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]
    assert dates == sorted(dates)


def test_shanghai_fixture_counts_as_the_published_2024_tables() -> None:
    example = json.loads(SHANGHAI_EXAMPLE.read_text(encoding="utf-8"))
    counted = _count(FIXTURES / "shanghai_2024.jsonl", 2024)
    assert counted["applications"] == example["applications"]
    assert counted["appeals"] == example["appeals"]


def test_seed_fixture_counts_as_the_seed_2020_table() -> None:
    table = _count(FIXTURES / "seed_2020.jsonl", 2020)["applications"]
    nonzero = {row: cells["total"] for row, cells in table.items() if cells["total"]}
    assert len(table) == 23
    assert nonzero == {"new": 2, "unavailable_not_held": 1, "rejected_petition_complaint": 1, "total_handled": 2}
    assert table["new"]["natural_person"] == 2


@pytest.mark.parametrize("options", [("--year", "2025"), ("--year", "2026", "--agencies", "3"), ("--year", "2020")])
def test_every_generated_line_is_accepted(tmp_path: Path, options: tuple[str, ...]) -> None:
    output, _ = _generate(tmp_path, *options)
    assert _record_all(output) > 600


def test_generated_file_is_dated_in_order_and_never_after_today(tmp_path: Path) -> None:
    output, _ = _generate(tmp_path, "--year", "2026")
    dates = [json.loads(text)["date"] for text in output.read_text(encoding="utf-8").splitlines()]
    assert dates == sorted(dates)
    assert dates[-1] <= TODAY.isoformat()


def test_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    runs = [tmp_path / "first", tmp_path / "second"]
    for run in runs:
        run.mkdir()
    first, _ = _generate(runs[0], "--year", "2025")
    second, _ = _generate(runs[1], "--year", "2025")
    assert first.read_bytes() == second.read_bytes()


def test_expected_tables_match_a_recount_of_the_written_file(tmp_path: Path) -> None:
    output, expect = _generate(tmp_path, "--year", "2025", "--agencies", "2")
    expected = json.loads(expect.read_text(encoding="utf-8"))
    counted = _count(output, 2025)
    for key in ("applications", "appeals", "fees_collected", "months", "by_agency"):
        assert counted[key] == expected[key], key
