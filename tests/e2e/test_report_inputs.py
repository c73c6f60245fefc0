"""Table 二 and the office's text, recorded through the installed `gongkai` as a clerk would, on both backends.

Flags in codes and in Chinese labels, the row-by-row prompt, text from a file and from `$EDITOR` (a real small
editor script), the import lines, the listing, refusals with nothing written (exit 1 refused, 2 unparseable), and
replay and verify agreeing afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Runner, stored_events

SEED_FIGURES = {"normative_documents": {"made": 3, "published": 3, "total_public": 3}}


def _json(result: Any) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _refused(gongkai: Runner, db: str, status: int, *args: str, **kwargs: Any) -> str:
    """Run a command that must fail with `status`, check that nothing was written, and return its stderr."""
    before = stored_events(db)
    result = gongkai(*args, **kwargs)
    assert result.returncode == status, (args, result.stdout, result.stderr)
    assert stored_events(db) == before, f"{args} wrote to the store"
    assert "Traceback" not in result.stderr
    return str(result.stderr)


def _inputs(gongkai: Runner, year: int) -> Any:
    return _json(gongkai("report-inputs", str(year), "--format", "json"))


def test_table_two_by_flags_in_codes_and_chinese_labels(gongkai: Runner) -> None:
    gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2020-01-02", check=True)
    gongkai(
        "record-proactive", "2020", "--date", "2021-01-10",
        "--row", "规范性文件.本年新制作数量=3",
        "--row", "normative_documents.published=3",
        "--row", "规范性文件.total_public=3",
        check=True,
    )  # fmt: skip
    gongkai("record-proactive", "2020", "--date", "2021-01-11", "--row", "行政许可.本年增/减=-2", check=True)
    gongkai("record-proactive", "2020", "--date", "2021-01-12", "--row", "政府集中采购.采购总金额=1700.50", check=True)
    inputs = _inputs(gongkai, 2020)
    assert inputs["format"] == "2019"
    table = inputs["proactive"]
    assert table["normative_documents"] == {"made": 3, "published": 3, "total_public": 3}
    assert table["licensing"] == {"items_last_year": 0, "change": -2, "decisions": 0}
    assert table["procurement"] == {"projects": 0, "amount_yuan": "1700.50"}
    assert table["regulations"] == {"made": 0, "published": 0, "total_public": 0}
    assert [(r["date"], r["clerk"]) for r in inputs["history"]] == [
        ("2021-01-10", "王芳"),
        ("2021-01-11", "王芳"),
        ("2021-01-12", "王芳"),
    ]
    # a later record replaces the row it names, whole; the other rows stay, and so does the history
    gongkai("record-proactive", "2020", "--date", "2021-01-15", "--row", "normative_documents.made=4", check=True)
    table = _inputs(gongkai, 2020)["proactive"]
    assert table["normative_documents"] == {"made": 4, "published": 0, "total_public": 0}
    assert table["licensing"]["change"] == -2
    listing = gongkai("report-inputs", "2020", check=True).stdout
    assert (
        "规范性文件：本年新制作数量 4" in listing and "2021-01-10 王芳" in listing and "采购总金额 1700.50" in listing
    )


def test_the_prompt_asks_every_figure_of_the_years_layout(gongkai: Runner) -> None:
    # 2021 layout: regulations ×3, normative_documents ×3, licensing, penalties, enforcement, fees
    answers = ["1", "0", "5", "2", "1", "7", "", "12", "3", "0.85"]
    result = gongkai("record-proactive", "2021", "-i", "--date", "2022-01-05", stdin="\n".join(answers) + "\n")
    assert result.returncode == 0, result.stderr
    assert "行政规范性文件 · 本年制发件数" in result.stderr
    table = _inputs(gongkai, 2021)["proactive"]
    assert table == {
        "regulations": {"issued": 1, "repealed": 0, "in_force": 5},
        "normative_documents": {"issued": 2, "repealed": 1, "in_force": 7},
        "licensing": {"decisions": 0},
        "penalties": {"decisions": 12},
        "enforcement": {"decisions": 3},
        "fees": {"amount_10k_yuan": "0.85"},
    }


def test_text_from_a_file_and_from_the_editor_the_latest_wins(gongkai: Runner, tmp_path: Path) -> None:
    draft = tmp_path / "overview.txt"
    draft.write_bytes("\ufeff2020年，区司法局……\r\n（续）\r\n\r\n第二段。\r\n".encode())
    gongkai("record-text", "2020", "一", "--file", str(draft), "--date", "2021-01-10", check=True)
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "定稿：总体情况。\\n\\n第二段。\\n" > "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    gongkai("record-text", "2020", "overview", "--date", "2021-01-12", env={"EDITOR": str(editor)}, check=True)
    gongkai(
        "record-text", "2020", "其他需要报告的事项", "--file", "-", "--date", "2021-01-12",
        stdin="本单位无其他需要报告的事项。\n", check=True,
    )  # fmt: skip
    inputs = _inputs(gongkai, 2020)
    assert inputs["texts"] == {"overview": "定稿：总体情况。\n\n第二段。", "other": "本单位无其他需要报告的事项。"}
    texts = [r["text"] for r in inputs["history"] if r["section"] == "overview"]
    assert texts == ["2020年，区司法局……\n（续）\n\n第二段。", "定稿：总体情况。\n\n第二段。"]
    listing = gongkai("report-inputs", "2020", check=True).stdout
    assert listing.count("北京时间") == 3  # recorded-at in Beijing time, as `show` prints it, not UTC


def test_refusals_write_nothing(gongkai: Runner, db: str, tmp_path: Path) -> None:
    gongkai("agency-name", "某局", "--date", "2020-01-02", check=True)
    other = _refused(gongkai, db, 1, "record-proactive", "2021", "--row", "regulations.made=3")
    assert "2019 版" in other and "regulations.made" in other
    negative = _refused(gongkai, db, 1, "record-proactive", "2021", "--row", "licensing.decisions=-1")
    assert "不能为负" in negative
    assert "最多 4 位小数" in _refused(
        gongkai, db, 1, "record-proactive", "2021", "--row", "fees.amount_10k_yuan=1.23456"
    )
    assert "尚未开始" in _refused(gongkai, db, 1, "record-proactive", "2027", "--row", "licensing.decisions=1")
    _refused(gongkai, db, 2, "record-proactive", "2021", "--row", "regulations.bogus=3")
    _refused(gongkai, db, 2, "record-proactive", "2021", "--row", "licensing.decisions=三")
    _refused(gongkai, db, 2, "record-proactive", "2021", "--row", "licensing.decisions")
    _refused(gongkai, db, 2, "record-proactive", "2021")
    _refused(gongkai, db, 2, "record-text", "2021", "summary", "--file", "-", stdin="x")
    assert "正文不能为空" in _refused(gongkai, db, 1, "record-text", "2021", "五", "--file", "-", stdin=" \n\n")
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    empty = _refused(gongkai, db, 1, "record-text", "2021", "五", "--file", str(tmp_path / "empty.txt"))
    assert "empty.txt：正文不能为空" in empty and "--text" not in empty  # names the file, not an option there is not
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe")
    assert "UTF-8" in _refused(gongkai, db, 1, "record-text", "2021", "五", "--file", str(tmp_path / "bad.txt"))
    unsaved = _refused(gongkai, db, 1, "record-text", "2021", "五", env={"EDITOR": "true"})
    assert "未保存或未改动" in unsaved


def test_import_lines_are_recorded_once_and_bad_ones_refused(gongkai: Runner, db: str, tmp_path: Path) -> None:
    lines = [
        {"event": "proactive_figures_recorded", "date": "2021-01-10", "year": 2020, "figures": SEED_FIGURES},
        {"event": "report_text_recorded", "date": "2021-01-10", "year": 2020, "section": "五", "text": "一是……"},
    ]
    file = tmp_path / "inputs.jsonl"
    file.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    gongkai("import", str(file), check=True)
    again = _json(gongkai("import", str(file), "--format", "json"))
    assert again["recorded"] == 0 and again["already_recorded"] == 2
    inputs = _inputs(gongkai, 2020)
    assert inputs["proactive"]["normative_documents"] == SEED_FIGURES["normative_documents"]
    assert inputs["texts"] == {"problems": "一是……"}
    bad = tmp_path / "bad.jsonl"
    wrong = {"event": "proactive_figures_recorded", "date": "2022-01-10", "year": 2021, "figures": SEED_FIGURES}
    bad.write_text(json.dumps(lines[0]).replace("2021-01-10", "2021-01-11") + "\n" + json.dumps(wrong) + "\n")
    stderr = _refused(gongkai, db, 1, "import", str(bad))
    assert "第 2 行" in stderr and "figures.normative_documents.made" in stderr


def test_replay_and_verify_agree_after_these_events(gongkai: Runner) -> None:
    gongkai("receive", "YZ-1", "--date", "2021-03-01", "--channel", "online", "--applicant-type", "自然人", check=True)
    gongkai("record-proactive", "2021", "--date", "2022-01-05", "--row", "licensing.decisions=4", check=True)
    gongkai("record-text", "2021", "六", "--file", "-", "--date", "2022-01-05", stdin="无。", check=True)
    gongkai("replay", check=True)
    gongkai("verify", check=True)
    assert _inputs(gongkai, 2021)["proactive"]["licensing"] == {"decisions": 4}


def test_an_export_carries_them_to_another_store(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("record-proactive", "2020", "--date", "2021-01-10", "--row", "政府集中采购.采购总金额=1700.50", check=True)
    gongkai("record-text", "2020", "五", "--file", "-", "--date", "2021-01-10", stdin="一是……\n\n二是……", check=True)
    before = _inputs(gongkai, 2020)
    for fmt in ("jsonl", "csv"):
        exported = tmp_path / f"all.{fmt}"
        gongkai("export", "--year", "2020", "--format", fmt, "-o", str(exported), check=True)
        other = {"GONGKAI_DB": str(tmp_path / f"other-{fmt}.db")}
        gongkai("import", str(exported), env=other, check=True)
        moved = _json(gongkai("report-inputs", "2020", "--format", "json", env=other))
        assert (moved["proactive"], moved["texts"]) == (before["proactive"], before["texts"])


def test_the_seed_reports_table_two_and_text_as_data(gongkai: Runner) -> None:
    fixtures = Path(__file__).parents[1] / "fixtures"
    gongkai("import", str(fixtures / "seed_2020.jsonl"), check=True)
    gongkai("import", str(fixtures / "seed_2020_report_inputs.jsonl"), check=True)
    inputs = _inputs(gongkai, 2020)
    assert inputs["format"] == "2019"
    assert inputs["proactive"]["normative_documents"] == {"made": 3, "published": 3, "total_public": 3}
    assert sum(v for row in inputs["proactive"].values() for v in row.values() if isinstance(v, int)) == 9
    assert set(inputs["texts"]) == {"overview", "problems", "other"}
    assert inputs["texts"]["other"].endswith("本单位无其他需要报告的事项。")
    assert inputs["texts"]["overview"].count("\n\n") >= 5  # the seed's paragraphs stay paragraphs
