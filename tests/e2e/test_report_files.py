"""`check-report` and `import-report`, run as a clerk runs them (the installed command, a real store)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, GONGKAI, SHANGHAI_EXAMPLE, TODAY, Runner, stored_events

SEED = FIXTURES / "yinzhou-justice-bureau-2020-report.json"


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `gongkai check-report`, which needs no store: GONGKAI_DB names one that must stay absent."""
    environment = {**os.environ, "GONGKAI_DB": str(tmp_path / "never.db"), "GONGKAI_TODAY": TODAY.isoformat()}
    result = subprocess.run(
        [str(GONGKAI), "check-report", *args], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "never.db").exists()
    return result


def write(tmp_path: Path, name: str, report: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return str(path)


def shanghai() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SHANGHAI_EXAMPLE.read_text(encoding="utf-8"))
    return loaded


def last_year_of(this_year: dict[str, Any]) -> dict[str, Any]:
    """Return the published tables relabelled 2023, carrying out what this year carries in (the cross-year rule)."""
    last_year = shanghai()
    last_year["year"] = 2023
    last_year["applications"]["carried_out"] = dict(this_year["applications"]["carried_in"])
    return last_year


@pytest.mark.parametrize("fixture", [SHANGHAI_EXAMPLE, SEED])
def test_the_published_tables_hold(tmp_path: Path, fixture: Path) -> None:
    text = check(tmp_path, str(fixture))
    assert text.returncode == 0 and text.stdout.startswith("符合表三、表四的规则")
    as_json = check(tmp_path, str(fixture), "--format", "json")
    found = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and found["ok"] is True and found["problems"] == []
    assert found["format"] == ("2021" if fixture == SHANGHAI_EXAMPLE else "2019")


def test_a_broken_report_names_each_rule_with_row_column_and_both_sides(tmp_path: Path) -> None:
    report = shanghai()
    report["applications"]["carried_out"]["total"] = ""  # as published: the cell is blank
    report["appeals"]["litigation_direct"]["upheld"] = 10
    report["appeals"]["litigation_direct"]["other"] = 1
    path = write(tmp_path, "broken.json", report)
    text = check(tmp_path, path)
    assert text.returncode == 1
    assert text.stdout.splitlines() == [
        "表三「四、结转下年度继续办理」行「总计」列：'' 不是非负整数 / "
        "table 三 row carried_out, column total: '' not a whole number ≥ 0",
        "表四「行政诉讼·未经复议直接起诉」行：「总计」列为 0，但其余各列之和为 11 / "
        "table 四 row litigation_direct: column total is 0, but the other columns add up to 11",
        "不符合：共 2 处（2021 年版表格） / broken: 2 rule(s) (2021 layout)",
    ]
    as_json = check(tmp_path, path, "--format", "json")
    found = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and found["ok"] is False
    assert [(p["rule"], p["row"], p["column"], p["left"], p["right"]) for p in found["problems"]] == [
        ("shape", "carried_out", "total", "", None),
        ("appeal_total", "litigation_direct", "total", 0, 11),
    ]


def test_the_cross_year_rule_with_previous(tmp_path: Path) -> None:
    this_year = shanghai()
    last_year = last_year_of(this_year)
    rows = last_year["applications"]
    rows["new"] = {c: rows["total_handled"][c] + rows["carried_out"][c] - rows["carried_in"][c] for c in rows["new"]}
    now, before = write(tmp_path, "2024.json", this_year), write(tmp_path, "2023.json", last_year)
    agreeing = check(tmp_path, now, "--previous", before)
    assert agreeing.returncode == 0 and "及跨年度规则" in agreeing.stdout
    rows["carried_out"]["natural_person"] = 3
    rows["carried_out"]["total"] = 3
    rows["new"]["natural_person"] += 1
    rows["new"]["total"] += 1
    write(tmp_path, "2023.json", last_year)
    differing = check(tmp_path, now, "--previous", before, "--format", "json")
    found = json.loads(differing.stdout)
    assert differing.returncode == 1
    assert [(p["rule"], p["row"], p["column"], p["left"], p["right"]) for p in found["problems"]] == [
        ("carried_in", "carried_in", "natural_person", 2, 3),
        ("carried_in", "carried_in", "total", 2, 3),
    ]


def test_a_previous_report_that_breaks_its_own_rules_fails_the_check(tmp_path: Path) -> None:
    this_year = shanghai()
    last_year = last_year_of(this_year)  # the cross-year rule holds
    rows = last_year["applications"]
    rows["disclosed"]["total"] += 5  # but last year's own 总计 and （七）总计 do not add up
    now, before = write(tmp_path, "2024.json", this_year), write(tmp_path, "2023.json", last_year)
    assert check(tmp_path, before).returncode == 1
    broken = check(tmp_path, now, "--previous", before)
    assert broken.returncode == 1, broken.stdout
    named = [line for line in broken.stdout.splitlines() if line.startswith("上年报告（2023 年度）：表三")]
    assert named and "「（一）予以公开」行：「总计」列为 14，但其余各列之和为 9" in named[0]
    found = json.loads(check(tmp_path, now, "--previous", before, "--format", "json").stdout)
    assert found["ok"] is False and {p["report"] for p in found["problems"]} == {"previous"}
    assert {p["rule"] for p in found["problems"]} == {"row_total", "handled_sum", "balance"}


def test_a_2019_layout_in_a_later_year_is_a_warning(tmp_path: Path) -> None:
    report = json.loads(SEED.read_text(encoding="utf-8"))
    report["year"] = 2023
    path = write(tmp_path, "late.json", report)
    text = check(tmp_path, path)
    assert text.returncode == 0 and "警告 / warning: 2023 年度的报告使用 2019 年版表格" in text.stderr
    found = json.loads(check(tmp_path, path, "--format", "json").stdout)
    assert found["ok"] is True and [w["rule"] for w in found["warnings"]] == ["layout"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'"a report"',
        b"\xff\xfe{}",
        b"[" * 100_000,
        b'{"applications": {"new": {"natural_person": "2"}}, "appeals": null}',
        b'{"applications": [], "appeals": {"reconsideration": 1}}',
        b'{"format": 2021, "applications": {}, "appeals": {}}',
        b'{"year": "2024", "format": "2019", "applications": {"new": [1]}, "appeals": {"x": {}}}',
        b'{"applications": {"new": {"natural_person": 1e400}}, "appeals": {}}',
    ],
)
def test_any_json_exits_1_with_the_reason_and_no_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    text = check(tmp_path, str(path))
    assert text.returncode == 1 and (text.stdout + text.stderr).strip()
    as_json = check(tmp_path, str(path), "--format", "json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["ok"] is False


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert check(tmp_path).returncode == 2
    assert check(tmp_path, str(SEED), "--format", "xml").returncode == 2
    missing = check(tmp_path, str(tmp_path / "absent.json"))
    assert missing.returncode == 1 and "无法读取文件" in missing.stderr


def _published_2025(tmp_path: Path) -> str:
    report = shanghai()
    report["year"] = 2025  # the year before the tests' today (2026-11-25)
    return write(tmp_path, "2025.json", report)


def test_import_report_records_shows_and_never_counts(gongkai: Runner, db: str, tmp_path: Path) -> None:
    gongkai("agency-name", "上海市科学技术委员会", "--date", "2025-01-02", check=True)
    path = _published_2025(tmp_path)
    done = gongkai("import-report", path, "--date", "2026-01-08")
    assert done.returncode == 0, done.stderr
    assert "已导入 2025 年度报告（表三 新收 34、结转下年度 1）" in done.stderr and "不计入任何年度的报表" in done.stderr
    events = stored_events(db)
    info = json.loads(gongkai("info", check=True).stdout)
    assert info["imported_reports"] == [{"year": 2025, "format": "2021", "source": path, "recorded_on": "2026-01-08"}]
    counted = json.loads(gongkai("report", "annual", "2025", "--format", "json", check=True).stdout)
    assert counted["applications"]["new"]["total"] == 0 and counted["appeals"]["reconsideration"]["total"] == 0
    again = gongkai("import-report", path)
    assert again.returncode == 0 and "已在库中" in again.stderr and "already recorded" in again.stderr
    assert stored_events(db) == events
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    late = gongkai("import-report", write(tmp_path, "2024.json", {**seed, "year": 2024}))
    assert late.returncode == 0 and "警告 / warning: 2024 年度的报告使用 2019 年版表格" in late.stderr
    exported = gongkai("export", check=True).stdout.splitlines()
    assert any(json.loads(line)["event"] == "previous_report_imported" for line in exported)


def test_import_report_refuses_a_broken_or_unfinished_report_and_writes_nothing(
    gongkai: Runner, db: str, tmp_path: Path
) -> None:
    gongkai("agency-name", "上海市科学技术委员会", "--date", "2025-01-02", check=True)
    events = stored_events(db)
    report = shanghai()
    report["year"] = 2025
    report["applications"]["new"]["natural_person"] = 31
    broken = gongkai("import-report", write(tmp_path, "broken.json", report))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "未记录任何内容" in broken.stderr
    assert "表三「一、本年新收政府信息公开申请数量」行：「总计」列为 34，但其余各列之和为 33" in broken.stderr
    this_year = gongkai("import-report", str(SHANGHAI_EXAMPLE), "--date", "2024-12-31")
    assert this_year.returncode == 1 and "2024 年度尚未结束" in this_year.stderr
    no_year = gongkai(
        "import-report", write(tmp_path, "no-year.json", {k: v for k, v in report.items() if k != "year"})
    )
    assert no_year.returncode == 1 and "报告缺少年度" in no_year.stderr
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    assert gongkai("import-report", str(not_json)).returncode == 1
    assert gongkai("import-report").returncode == 2
    assert stored_events(db) == events


def test_gongkais_own_reports_hold_every_rule_read_from_stdin(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("import", str(FIXTURES / "shanghai_2024.jsonl"), check=True)
    this_year = gongkai("report", "annual", "2025", "--format", "json", check=True).stdout
    last_year = gongkai("report", "annual", "2024", "--format", "json", check=True).stdout
    (tmp_path / "2024.json").write_text(last_year, encoding="utf-8")
    piped = gongkai("check-report", "-", "--previous", "2024.json", "--format", "json", stdin=this_year)
    found = json.loads(piped.stdout)
    assert piped.returncode == 0 and found["ok"] is True and (found["year"], found["format"]) == (2025, "2021")
    monthly = gongkai("report", "monthly", "2024-06", "--format", "json", check=True).stdout
    assert gongkai("check-report", "-", stdin=monthly).returncode == 0
