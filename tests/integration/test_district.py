"""Many agencies in one store: each agency's tables are what it would get alone; the roll-up is their sum."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from domain.lines import parse_object
from projections.district import sum_reports
from projections.tables import ReportJson
from service.settings import Settings
from service.tracker import Tracker
from tests.conftest import TODAY, Runner

BENCH = Path(__file__).parents[2] / "bench"


def _tracker(store: str, agency: str | None = None) -> Tracker:
    return Tracker(
        Settings(db=store, agency=agency, clerk="test", today=TODAY, district="330212", district_name="鄞州区")
    )


@pytest.fixture(scope="module")
def district_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    folder = tmp_path_factory.mktemp("district")
    out, expect = folder / "year.jsonl", folder / "expected.json"
    command = [sys.executable, str(BENCH / "generate.py"), "--applications", "240", "--year", "2025", "--seed", "5"]
    subprocess.run(
        [*command, "--agencies", "3", "-o", str(out), "--expect", str(expect)], check=True, capture_output=True
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return lines, json.loads(expect.read_text(encoding="utf-8"))


def _record(tracker: Tracker, lines: list[dict[str, Any]]) -> None:
    tracker.record([(n, parse_object(line)) for n, line in enumerate(lines, start=1)])


def _tables(report: ReportJson) -> dict[str, object]:
    return {
        "applications": report["applications"],
        "appeals": report["appeals"],
        "fees_collected": report["fees_collected"],
    }


@pytest.mark.parametrize("period", ["2025", "2025-03"])
def test_each_agency_alone_equals_its_share_and_the_roll_up_is_the_sum(
    new_store: Callable[[], str], district_year: tuple[list[dict[str, Any]], dict[str, Any]], period: str
) -> None:
    lines, expected = district_year
    whole = _tracker(new_store())
    try:
        _record(whole, lines)
        by_agency = whole.reports_by_agency(period)
        codes = [r["agency_code"] for r in by_agency]
        assert codes == sorted({line["agency"] for line in lines})
        for report in by_agency:
            alone = _tracker(new_store(), report["agency_code"])
            try:
                _record(alone, [line for line in lines if line["agency"] == report["agency_code"]])
                assert _tables(alone.report(period)) == _tables(report)
            finally:
                alone.close()
        district = whole.district_report(period)
        assert (district["agency"], district["agency_code"]) == ("鄞州区", "330212")
        assert _tables(district) == sum_reports(by_agency)
        if period == "2025":
            assert district["applications"] == expected["applications"]
            assert district["appeals"] == expected["appeals"]
    finally:
        whole.close()


def test_report_all_agencies_and_by_agency_through_the_cli(
    gongkai: Runner, district_year: tuple[list[dict[str, Any]], dict[str, Any]], tmp_path: Path
) -> None:
    lines, expected = district_year
    file = tmp_path / "year.jsonl"
    file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    assert gongkai("import", str(file)).returncode == 0
    env = {"GONGKAI_DISTRICT": "330212", "GONGKAI_DISTRICT_NAME": "鄞州区"}
    result = gongkai("report", "annual", "2025", "--all-agencies", "--format", "json", env=env, check=True)
    district = json.loads(result.stdout)
    assert district["agency"] == "鄞州区" and district["agency_code"] == "330212" and district["year"] == 2025
    assert district["applications"] == expected["applications"]
    result = gongkai("report", "annual", "2025", "--by-agency", "--format", "json", check=True)
    reports = json.loads(result.stdout)
    assert [r["agency_code"] for r in reports] == ["AG001", "AG002", "AG003"]
    assert sum_reports(reports)["applications"] == district["applications"]
    monthly = json.loads(gongkai("report", "monthly", "2025-06", "--by-agency", "--format", "json", check=True).stdout)
    assert all(r["month"] == "2025-06" for r in monthly) and len(monthly) == 3
    table = gongkai("report", "monthly", "2025-06", "--all-agencies", check=True).stdout
    assert "全区汇总" in table
    assert gongkai("report", "annual", "2025", "--all-agencies", "--by-agency").returncode == 2
