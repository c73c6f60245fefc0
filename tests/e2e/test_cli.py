"""The installed `gongkai` command, run as a subprocess on a real store, as a clerk runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHANGHAI_EXAMPLE, Runner, stored_events
from tests.unit.test_request_rules import REFUSED


def table(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert isinstance(found, dict)
    return found


def test_seed_2020_table_from_clerk_commands(gongkai: Runner) -> None:
    gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2020-01-02", check=True)
    gongkai(
        "receive",
        "YZ-2020-1",
        "--date",
        "2020-04-07",
        "--channel",
        "online",
        "--applicant-type",
        "natural_person",
        "--applicant",
        "李某",
        "--subject",
        "某行政复议决定书",
        check=True,
    )
    gongkai("register", "YZ-2020-1", "--date", "2020-04-08", check=True)
    gongkai("answer", "YZ-2020-1", "--date", "2020-04-28", "--outcome", "unavailable_not_held", check=True)
    gongkai(
        "receive",
        "YZ-2020-2",
        "--date",
        "2020-09-14",
        "--channel",
        "mail",
        "--applicant-type",
        "natural_person",
        check=True,
    )
    gongkai("register", "YZ-2020-2", "--date", "2020-09-15", check=True)
    gongkai("answer", "YZ-2020-2", "--date", "2020-09-30", "--outcome", "rejected_petition_complaint", check=True)
    report = table(gongkai("report", "annual", "2020", "--format", "json"))
    assert report["year"] == 2020 and report["format"] == "2019"
    assert report["agency"] == "宁波市鄞州区司法局"
    rows = report["applications"]
    assert len(rows) == 23 and "other_no_correction" not in rows
    assert rows["new"]["natural_person"] == rows["new"]["total"] == 2
    assert rows["unavailable_not_held"]["total"] == rows["rejected_petition_complaint"]["total"] == 1
    assert rows["total_handled"]["total"] == 2 and rows["carried_out"]["total"] == 0
    assert sum(v["total"] for r, v in rows.items() if r not in ("new", "total_handled")) == 2
    assert all(group["total"] == 0 for group in report["appeals"].values())
    assert report["fees_collected"] == "0.00"
    shown = gongkai("show", "YZ-2020-1", check=True).stdout
    assert "王芳" in shown and "unavailable_not_held" in shown and "本机关不掌握相关政府信息" in shown
    assert "一、本年新收政府信息公开申请数量" in gongkai("report", "annual", "2020", check=True).stdout
    assert table(gongkai("report", "annual", "2020", "--format", "json", "--table-format", "2021"))["format"] == "2021"


def test_shanghai_2024_reproduced_exactly_from_its_history(gongkai: Runner, tmp_path: Path) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "shanghai_2024.jsonl"
    if not fixture.exists():
        pytest.fail("the Shanghai 2024 fixture is missing")
    gongkai("agency-name", "上海市科学技术委员会", "--date", "2023-01-03", check=True)
    result = gongkai("import", str(fixture))
    assert result.returncode == 0, result.stderr
    expected = json.loads(SHANGHAI_EXAMPLE.read_text(encoding="utf-8"))
    report = table(gongkai("report", "annual", "2024", "--format", "json"))
    assert report["format"] == expected["format"] and report["agency"] == expected["agency"]
    assert report["applications"] == expected["applications"]
    assert report["appeals"] == expected["appeals"]


@pytest.mark.parametrize("history", REFUSED.values(), ids=REFUSED.keys())
def test_every_refusal_through_the_cli_writes_nothing(
    gongkai: Runner, db: str, history: list[dict[str, Any]], tmp_path: Path
) -> None:
    setup = tmp_path / "setup.jsonl"
    setup.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in history[:-1]), encoding="utf-8")
    if history[:-1]:
        assert gongkai("import", str(setup)).returncode == 0
    before = _rows(db)
    last = tmp_path / "last.jsonl"
    last.write_text(json.dumps(history[-1], ensure_ascii=False) + "\n", encoding="utf-8")
    result = gongkai("import", str(last))
    assert result.returncode == 1
    assert "line 1, field" in result.stderr and "nothing was recorded" in result.stderr
    assert result.stdout == ""
    assert _rows(db) == before


def _rows(db: str) -> int:
    return stored_events(db)


def test_clerk_command_refusal_says_why_and_records_nothing(gongkai: Runner, db: str) -> None:
    gongkai(
        "receive", "R1", "--date", "2026-03-02", "--channel", "online", "--applicant-type", "natural_person", check=True
    )
    gongkai("answer", "R1", "--date", "2026-03-10", "--outcome", "disclosed", check=True)
    result = gongkai("answer", "R1", "--date", "2026-03-11", "--outcome", "partially_disclosed")
    assert result.returncode == 1 and "second answer" in result.stderr and "gongkai correct" in result.stderr
    bad_date = gongkai("register", "R1", "--date", "2026-02-30")  # cannot be parsed: a usage error
    assert bad_date.returncode == 2 and "--date" in bad_date.stderr and "not a real calendar date" in bad_date.stderr
    assert gongkai("answer", "R1", "--outcome", "maybe").returncode == 2  # usage error
    assert _rows(db) == 2


def test_one_bad_line_among_thousands_writes_nothing_and_is_named(gongkai: Runner, db: str, tmp_path: Path) -> None:
    lines = []
    for n in range(1500):
        lines.append(
            {
                "event": "received",
                "request": f"B{n}",
                "date": "2025-03-03",
                "channel": "email",
                "applicant_type": "natural_person",
            }
        )
        lines.append({"event": "answered", "request": f"B{n}", "date": "2025-03-20", "outcome": "disclosed"})
    lines[2223]["outcome"] = "approved"
    file = tmp_path / "year.jsonl"
    file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = gongkai("import", str(file))
    assert result.returncode == 1
    assert "line 2224, field outcome: unknown code 'approved'" in result.stderr
    assert _rows(db) == 0
    lines[2223]["outcome"] = "disclosed"
    file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert gongkai("import", str(file)).returncode == 0
    again = gongkai("import", "-", stdin=file.read_text(encoding="utf-8"))
    assert again.returncode == 0 and "0 events recorded, 3000 already" in again.stderr
    report = table(gongkai("report", "annual", "2025", "--format", "json"))
    assert report["applications"]["disclosed"]["total"] == 1500
    months = [table(gongkai("report", "monthly", f"2025-{m:02d}", "--format", "json")) for m in range(1, 13)]
    assert sum(m["applications"]["new"]["total"] for m in months) == 1500
    assert "一致：重放" in gongkai("replay", check=True).stdout


def test_fresh_store_with_no_settings(gongkai: Runner, db: str) -> None:
    report = table(gongkai("report", "monthly", "2026-10", "--format", "json"))  # creates the store
    assert report["month"] == "2026-10" and len(report["applications"]) == 25
    info = table(gongkai("info"))
    backend = "postgresql" if db.startswith("postgresql://") else "sqlite"
    assert info["agency_is_placeholder"] is True and info["events"] == 0 and info["backend"] == backend
    assert "agree" in gongkai("replay", check=True).stdout
    listed = gongkai("list", "--format", "json", check=True)
    assert json.loads(listed.stdout) == []


def test_usage_errors_exit_2(gongkai: Runner) -> None:
    assert gongkai("report", "monthly", "2026-13").returncode == 2
    assert gongkai("report", "annual", "twenty").returncode == 2
    assert gongkai("no-such-command").returncode == 2


def test_markdown_report_uses_the_official_labels(gongkai: Runner) -> None:
    result = gongkai("report", "annual", "2025", "--format", "markdown", check=True)
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in result.stdout
    assert "3.其他" in result.stdout
