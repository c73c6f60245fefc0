"""import-ledger: a workbook's 主动公开 sheet, laid out as the published table 二, becomes table 二's figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl

from tests.integration.test_ledger_import import MESSY, run, write_ledger

# The 2021 layout as offices print it: per item a 信息内容 header row, then a row per kind of information.
TABLE_TWO_2024: list[list[Any]] = [
    ["2024年度主动公开政府信息情况"],
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", 0, 0, 0],
    ["行政规范性文件", 3, "1", "　12"],
    ["第二十条第（五）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可", 25],
    ["第二十条第（六）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政处罚", 7],
    ["行政强制", None],
    ["第二十条第（八）项"],
    ["信息内容", "本年收费金额（单位：万元）"],
    ["行政事业性收费", "1.25"],
]


def _workbook(tmp_path: Path, table_two: list[list[Any]], name: str = "主动公开") -> Path:
    path = write_ledger(tmp_path / "台账.xlsx", MESSY)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet(name)
    for row in table_two:
        sheet.append(row)
    book.save(path)
    return path


def _inputs(store: str, year: str) -> Any:
    result = run(store, "report-inputs", year, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_table_two_sheet_is_recorded_with_the_ledger_once(tmp_path: Path, db: str) -> None:
    store = db
    ledger = _workbook(tmp_path, TABLE_TWO_2024)
    dry = run(store, "import-ledger", str(ledger), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "工作表 sheet 主动公开!4: 2025-01-01 proactive_figures_recorded" in dry.stdout
    result = run(store, "import-ledger", str(ledger))
    assert result.exit_code == 0, result.output
    table = _inputs(store, "2024")["proactive"]
    assert table["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert table["normative_documents"] == {"issued": 3, "repealed": 1, "in_force": 12}
    assert table["licensing"] == {"decisions": 25}
    assert table["penalties"] == {"decisions": 7}
    assert table["enforcement"] == {"decisions": 0}  # an empty cell names nothing
    assert table["fees"] == {"amount_10k_yuan": "1.25"}
    again = run(store, "import-ledger", str(ledger))
    assert again.exit_code == 0 and "0 events recorded" in again.stderr
    assert len(_inputs(store, "2024")["history"]) == 1


def test_a_bad_table_two_sheet_records_nothing_of_the_workbook(tmp_path: Path, db: str) -> None:
    store = db
    bad = [*TABLE_TWO_2024, ["第二十条第（九）项"], ["信息内容", "采购项目数量"], ["政府集中采购", 2]]
    bad[7] = ["行政许可", "二十五"]
    result = run(store, "import-ledger", str(_workbook(tmp_path, bad)))
    assert result.exit_code == 1
    assert "主动公开 B8：'二十五' 不是整数" in result.stderr
    assert "政府集中采购 属于 2019 版表二" in result.stderr
    assert _inputs(store, "2024")["history"] == []
    tables = run(store, "report", "annual", "2024", "--format", "json")
    assert json.loads(tables.stdout)["applications"]["new"]["total"] == 0  # no application of the ledger either
    no_year = run(store, "import-ledger", str(_workbook(tmp_path, TABLE_TWO_2024[1:], name="表二")))
    assert no_year.exit_code == 1 and "找不到年度" in no_year.stderr
