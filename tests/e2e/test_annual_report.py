"""`gongkai annual-report YEAR`, run as a subprocess on a real store: every format, a closed year, the refusals."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from domain.codes import TableFormat
from domain.proactive import blocks
from domain.report_sections import paragraphs
from projections.render.rows import APPEAL_GROUPS, APPLICANT_COLUMNS, report_rows
from projections.tables import APPEAL_COLUMNS
from tests.conftest import FIXTURES, HEADINGS_2019, HEADINGS_2021, Runner

SEED_FIGURES = {  # the seed's table 二 (2019 format): three normative documents, nothing else
    "regulations": {"made": 0, "published": 0, "total_public": 0},
    "normative_documents": {"made": 3, "published": 3, "total_public": 3},
}
OVERVIEW = "2020年，区司法局在区委区政府的正确领导下，积极做好政务公开各项工作。\n\n（一）强化机制建设，工作落实到位。"


def _lines(*objects: dict[str, Any]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def _seed_store(gongkai: Runner) -> None:
    gongkai("agency-name", "宁波市鄞州区司法局", "--date", "2020-01-02", check=True)
    gongkai("import", str(FIXTURES / "seed_2020.jsonl"), check=True)
    inputs = [
        {"event": "proactive_figures_recorded", "date": "2021-01-10", "year": 2020, "figures": SEED_FIGURES},
        {"event": "report_text_recorded", "date": "2021-01-10", "year": 2020, "section": "overview", "text": OVERVIEW},
        {
            "event": "report_text_recorded",
            "date": "2021-01-10",
            "year": 2020,
            "section": "problems",
            "text": "下一步改进。",
        },
        {
            "event": "report_text_recorded",
            "date": "2021-01-10",
            "year": 2020,
            "section": "other",
            "text": "无其他事项。",
        },
    ]
    gongkai("import", "-", stdin=_lines(*inputs), check=True)


def _json(gongkai: Runner, year: str) -> dict[str, Any]:
    done = gongkai("annual-report", year, "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)  # exactly one JSON document on stdout
    assert isinstance(found, dict)
    return found


def test_the_seeds_2020_report_as_data(gongkai: Runner) -> None:
    _seed_store(gongkai)
    whole = _json(gongkai, "2020")
    assert whole["year"] == 2020 and whole["format"] == "2019" and whole["agency"] == "宁波市鄞州区司法局"
    assert whole["proactive"]["normative_documents"] == {"made": 3, "published": 3, "total_public": 3}
    assert whole["proactive"]["procurement"] == {"projects": 0, "amount_yuan": "0"}
    assert [f"{s['number']}、{s['title']}" for s in whole["sections"]] == HEADINGS_2019
    assert whole["sections"][0]["text"] == OVERVIEW
    three = whole["sections"][2]["text"]
    assert three.startswith(
        "2020年度，本机关新收政府信息公开申请2件（其中自然人2件，法人或其他组织0件），上年结转0件；"
    )
    assert "办结2件，其中无法提供1件、不予处理1件；结转下年度继续办理0件。" in three
    assert whole["sections"][5]["text"] == "本年度未收取政府信息公开信息处理费。\n\n无其他事项。"
    assert (
        whole["applications"]
        == json.loads(gongkai("report", "annual", "2020", "--format", "json").stdout)["applications"]
    )


A_2025_YEAR: list[dict[str, Any]] = [
    {"event": "agency_named", "date": "2025-01-02", "agency_name": "宁波市鄞州区司法局"},
    {
        "event": "received",
        "request": "A1",
        "date": "2025-02-03",
        "channel": "online",
        "applicant_type": "natural_person",
    },
    {"event": "fee_notified", "request": "A1", "date": "2025-02-10", "amount": "1700.00"},
    {"event": "fee_paid", "request": "A1", "date": "2025-02-12"},
    {"event": "answered", "request": "A1", "date": "2025-02-20", "outcome": "partially_disclosed"},
    {
        "event": "received",
        "request": "A2",
        "date": "2025-03-03",
        "channel": "mail",
        "applicant_type": "legal_service_org",
    },
    {"event": "answered", "request": "A2", "date": "2025-03-20", "outcome": "withheld_process_info"},
    {
        "event": "received",
        "request": "A3",
        "date": "2025-12-29",
        "channel": "email",
        "applicant_type": "natural_person",
    },
    {"event": "appealed", "request": "A2", "case": "C1", "date": "2025-04-01", "kind": "litigation_direct"},
    {
        "event": "proactive_figures_recorded",
        "date": "2026-01-08",
        "year": 2025,
        "figures": {
            "regulations": {"issued": 11, "repealed": 12, "in_force": 13},
            "normative_documents": {"issued": 21, "repealed": 22, "in_force": 23},
            "licensing": {"decisions": 31},
            "penalties": {"decisions": 41},
            "enforcement": {"decisions": 42},
            "fees": {"amount_10k_yuan": "51.25"},
        },
    },
    {
        "event": "report_text_recorded",
        "date": "2026-01-08",
        "year": 2025,
        "section": "overview",
        "text": "总体情况正文。",
    },
]


def _docx_text(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table_cells(document: Any) -> list[list[str]]:
    return [[cell.text for cell in table._cells] for table in document.tables]


def test_the_docx_of_a_2021_format_year_shows_six_headings_and_every_figure(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("import", "-", stdin=_lines(*A_2025_YEAR), check=True)
    whole = _json(gongkai, "2025")
    done = gongkai("annual-report", "2025", "--format", "docx", "-o", "report.docx")
    assert done.returncode == 0, done.stderr
    document = docx.Document(str(tmp_path / "report.docx"))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert section.left_margin is not None and section.top_margin is not None
    assert round(section.left_margin.mm) == 28 and round(section.top_margin.mm) == 37  # GB/T 9704
    texts = _docx_text(document)
    assert texts[:2] == ["宁波市鄞州区司法局", "2025年度政府信息公开工作年度报告"]
    assert [t for t in texts if t in HEADINGS_2021] == HEADINGS_2021
    for s in whole["sections"]:  # the prose, paragraph by paragraph
        for paragraph in paragraphs(s["text"]):
            assert paragraph in texts
    assert "本年度收取政府信息公开信息处理费1700.00元。" in texts
    # Fonts: title 小标宋, headings 黑体, body 仿宋 三号; zh-CN on the defaults; East Asian fallbacks declared.
    runs = {p.text: p.runs[0] for p in document.paragraphs if p.runs}
    assert _east_asia(runs["2025年度政府信息公开工作年度报告"]._r) == "方正小标宋简体"
    assert _east_asia(runs["三、收到和处理政府信息公开申请情况"]._r) == "黑体"
    body = runs["总体情况正文。"]
    assert _east_asia(body._r) == "仿宋_GB2312" and body.font.size is not None and body.font.size.pt == 16
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    fonts = document.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert "方正小标宋简体" in fonts and "SimHei" in fonts
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    # Tables: table 二 block by block, then 三 and 四, each figure in its cell.
    tables = _table_cells(document)
    proactive = blocks(TableFormat.F2021)
    assert len(tables) == len(proactive) + 2
    for cells, block in zip(tables, proactive, strict=False):
        assert cells[0] == block.item
        for row in block.rows:
            start = cells.index(row.label)
            expected = [str(whole["proactive"][row.code][c.code]) for c in block.columns]
            assert cells[start + 1 : start + 1 + len(expected)] == expected
    three, four = document.tables[-2], document.tables[-1]
    counts = whole["applications"]
    width = len(APPLICANT_COLUMNS)
    printed = [[cell.text for cell in row.cells[-width:]] for row in three.rows[3:]]
    assert printed == [[str(counts[r.code][c]) for c in APPLICANT_COLUMNS] for r in report_rows(whole)]
    appeals = [str(whole["appeals"][g][c]) for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    assert [cell.text for cell in four.rows[-1].cells] == appeals


def _east_asia(run: Any) -> str:
    return str(run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: dict[str, list[str]] = {"h1": [], "h2": [], "p": [], "td": [], "th": []}
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        self.tags.append(tag)
        if tag in self.text:
            self.text[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        while self.tags and self.tags.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        for tag in reversed(self.tags):
            if tag in self.text:
                self.text[tag][-1] += data
                return


def test_the_html_and_markdown_hold_the_same_sections_and_figures(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("import", "-", stdin=_lines(*A_2025_YEAR), check=True)
    whole = _json(gongkai, "2025")
    done = gongkai("annual-report", "2025", "--format", "html", "-o", "report.html")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert page.lang == "zh-CN" and "@page { size: A4" in html and "table-header-group" in html
    assert page.text["h1"] == ["宁波市鄞州区司法局", "2025年度政府信息公开工作年度报告"]
    assert page.text["h2"] == HEADINGS_2021
    for s in whole["sections"]:
        for paragraph in paragraphs(s["text"]):
            assert paragraph in page.text["p"]
    assert html.count("<table") == len(blocks(TableFormat.F2021)) + 2
    values = re.findall(r'<td class="value">([^<]*)</td>', html)
    proactive = [
        str(whole["proactive"][r.code][c.code]) for b in blocks(TableFormat.F2021) for r in b.rows for c in b.columns
    ]
    counts = [str(whole["applications"][r.code][c]) for r in report_rows(whole) for c in APPLICANT_COLUMNS]
    appeals = [str(whole["appeals"][g][c]) for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    assert values == proactive + counts + appeals
    markdown = gongkai("annual-report", "2025", "--format", "markdown", check=True).stdout
    assert [line[3:] for line in markdown.splitlines() if line.startswith("## ")] == HEADINGS_2021
    assert "| 行政事业性收费 | 51.25 |" in markdown and "本年度收取政府信息公开信息处理费1700.00元。" in markdown


def test_a_closed_years_report_carries_the_closes_hash(gongkai: Runner, tmp_path: Path) -> None:
    _seed_store(gongkai)
    closed = gongkai("close-year", "2020", check=True).stdout
    digest = re.search(r"sha256 ([0-9a-f]{64})", closed)
    assert digest is not None
    whole = _json(gongkai, "2020")
    assert whole["closed_year"]["sha256"] == digest[1]
    gongkai("annual-report", "2020", "--format", "docx", "-o", "closed.docx", check=True)
    texts = _docx_text(docx.Document(str(tmp_path / "closed.docx")))
    assert any(digest[1] in text for text in texts)
    markdown = gongkai("annual-report", "2020", "--format", "markdown", check=True).stdout
    assert digest[1] in markdown


def test_docx_without_a_file_is_a_usage_error_and_nothing_is_written(gongkai: Runner, tmp_path: Path) -> None:
    _seed_store(gongkai)
    done = gongkai("annual-report", "2020", "--format", "docx")
    assert done.returncode == 2 and "-o" in done.stderr and done.stdout == ""
    assert gongkai("annual-report", "20x0").returncode == 2


def test_the_texts_not_recorded_are_named_on_stderr_and_stdout_stays_one_document(gongkai: Runner) -> None:
    gongkai("import", str(FIXTURES / "seed_2020.jsonl"), check=True)
    done = gongkai("annual-report", "2020", "--format", "json")
    assert done.returncode == 0 and "尚未记录正文" in done.stderr and "一、总体情况" in done.stderr
    assert json.loads(done.stdout)["sections"][0]["text"] == ""
    assert "尚未结束" not in done.stderr  # 2020 has ended


def test_a_report_of_a_year_not_yet_ended_says_so_on_stderr(gongkai: Runner) -> None:
    _seed_store(gongkai)
    done = gongkai("annual-report", "2020", "--format", "json", env={"GONGKAI_TODAY": "2020-12-15"})
    assert done.returncode == 0 and "2020 年度尚未结束（今天是 2020-12-15）" in done.stderr
    assert json.loads(done.stdout)["year"] == 2020


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_every_text_format_writes_a_file_with_o(gongkai: Runner, tmp_path: Path, fmt: str) -> None:
    _seed_store(gongkai)
    done = gongkai("annual-report", "2020", "--format", fmt, "-o", f"out.{fmt}")
    assert done.returncode == 0 and done.stdout == "" and "已写入" in done.stderr
    assert "宁波市鄞州区司法局" in (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")


A_2021_YEAR: list[dict[str, Any]] = [
    {
        "event": "received",
        "request": "B1",
        "date": "2021-03-01",
        "channel": "online",
        "applicant_type": "natural_person",
    },
    {"event": "answered", "request": "B1", "date": "2021-03-15", "outcome": "disclosed"},
]


def _last_year(tmp_path: Path, *, new: int, carried_out: int) -> str:
    """Write the 2020 report an office typed in from its published tables; return the file's name."""
    from tests.unit.test_render_reports import yinzhou_2020

    report = yinzhou_2020()
    for row, n in (("new", new), ("carried_out", carried_out)):
        report["applications"][row]["natural_person"] = report["applications"][row]["total"] = n
    (tmp_path / "2020.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return "2020.json"


def test_last_years_imported_tables_give_the_year_on_year_sentence(gongkai: Runner, tmp_path: Path) -> None:
    gongkai("import", "-", stdin=_lines(*A_2021_YEAR), check=True)
    gongkai("import-report", _last_year(tmp_path, new=2, carried_out=0), check=True)
    whole = _json(gongkai, "2021")
    assert whole["sections"][2]["text"].endswith("新收申请数量比上年（2件）减少1件。")
    assert whole["previous_year"] == {"year": 2020, "new": 2, "tables_from": "imported_report"}
    assert whole["applications"]["new"]["total"] == 1  # last year's figures are never counted into this year's


def test_a_report_whose_carried_in_disagrees_with_last_years_carried_out_is_refused(
    gongkai: Runner, tmp_path: Path
) -> None:
    gongkai("import", "-", stdin=_lines(*A_2021_YEAR), check=True)
    gongkai("import-report", _last_year(tmp_path, new=3, carried_out=1), check=True)
    for fmt in ("json", "docx", "html", "markdown"):
        done = gongkai("annual-report", "2021", "--format", fmt, "-o", f"refused.{fmt}")
        assert done.returncode == 1, done.stderr
        assert "未生成年度报告" in done.stderr and "二、上年结转为 0" in done.stderr and "Traceback" not in done.stderr
        assert not (tmp_path / f"refused.{fmt}").exists()  # nothing written
    # Read as a clerk reads it: what was refused, a line per broken rule, then what to do; no "nothing recorded".
    lines = done.stderr.splitlines()
    assert lines[0].startswith("错误 / error: 2021 年度报告：表格不符合 2 条规则，未生成年度报告 / ")
    assert lines[1].startswith("  表三「自然人」列：二、上年结转为 0") and lines[-1].startswith(
        "请先更正数据（gongkai correct"
    )
    assert not any(line.startswith(("；", ";")) for line in lines) and "未记录任何内容" not in done.stderr


def test_the_report_of_a_year_kept_outside_gongkai_is_refused(gongkai: Runner, tmp_path: Path) -> None:
    # An office that began on gongkai in 2021: its 2020 report imported, an application still open then entered.
    gongkai("import-report", _last_year(tmp_path, new=3, carried_out=1), "--date", "2021-01-10", check=True)
    entered = ("--date", "2020-12-20", "--channel", "网上申请", "--applicant-type", "自然人")
    gongkai("receive", "B0", *entered, check=True)
    for year in ("2020", "2019"):
        done = gongkai("annual-report", year, "--format", "markdown", "-o", f"{year}.md")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"错误 / error: {year} 年度报告：")
        assert "gongkai 从 2021 年度起生成年度报告" in done.stderr and not (tmp_path / f"{year}.md").exists()
    own = gongkai("annual-report", "2020", "--format", "json").stderr
    assert "已在 gongkai 之外发布，其表三、表四即 2021-01-10 导入的 2020.json" in own
    assert "故不生成" in own and "not written" in own
    later = gongkai("annual-report", "2021", "--format", "json")
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["applications"]["carried_in"]["total"] == 1
    tables = gongkai("report", "annual", "2020", "--format", "json")  # the tables alone: printed, with a note
    assert tables.returncode == 0 and json.loads(tables.stdout)["applications"]["new"]["total"] == 1
    assert "注意：2020 年度在 gongkai 之外办理并已发布（已导入 2020.json（2021-01-10 导入））" in tables.stderr
    assert "不是已发布的表格" in tables.stderr
    assert "gongkai 之外" not in gongkai("report", "annual", "2021", "--format", "json", check=True).stderr
