"""import-ledger: a real agency's messy Excel ledger becomes events, all or nothing, never doubled."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from cli.main import main
from service.ledger_import import LedgerMapping, parse_date, read_ledger
from service.settings import Settings
from service.tracker import Tracker

TODAY = dt.date(2025, 1, 20)
HEADER = [
    "序号",
    "受理编号",
    "申请日期",
    "申请方式",
    "申请人类型",
    "申请人",
    "申请内容",
    "报备时间",
    "答复日期",
    "办理结果",
    "备注",
]
MESSY: list[list[Any]] = [
    [
        "YJ-1",
        dt.datetime(2024, 3, 5),
        "网上申请",
        "公民",
        "张某",
        "规划许可",
        "2024年3月6日",
        "2024年3月20日",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ],
    ["YJ-2", "2024年3月5日", "信函", "法人或其他组织·商业企业", "某公司", None, "2024/3/7", "2024-03-25", "部分公开"],
    ["YJ-3", "2024/3/6", "当面", "律师事务所", None, None, None, "2024.4.1", "1、属于国家秘密"],
    ["YJ-4", 45358, "传真", "科研机构", None, None, None, 45390, "（三）不予公开 3.危及“三安全一稳定”"],
    ["YJ-5", "2024.3.8", "电子邮件", "社会公益组织", None, None, None, "20240402", "不予公开-保护第三方合法权益"],
    ["YJ-6", "2024-3-9", "平信", "其他组织", None, None, None, "2024年3月29日", "撤回"],
    [
        "YJ-7",
        "2024年3月10日",
        "网上",
        "自然人",
        None,
        None,
        None,
        "2024-4-3",
        "（四）无法提供１．本机关不掌握相关政府信息",
    ],
    ["YJ-8", "2024年3月11日", "网上", "自然人", None, None, None, None, None],
]


def write_ledger(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    """Write a ledger as agencies keep them: a title row, then the header, then one row per application."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2024年台账"
    sheet.append(["某区司法局政府信息公开申请登记台账"])
    sheet.append(header)
    for number, row in enumerate(rows, 1):
        sheet.append([number, *row])
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy年m月d日"
    book.save(path)
    return path


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.db")


@pytest.fixture
def tracker(store: str) -> Iterator[Tracker]:
    opened = Tracker(Settings(db=store, agency=None, clerk="王芳", today=TODAY))
    yield opened
    opened.close()


def run(store: str, *args: str) -> Result:
    env = {"GONGKAI_DB": store, "GONGKAI_TODAY": TODAY.isoformat(), "GONGKAI_CLERK": "王芳"}
    return CliRunner().invoke(main, list(args), env=env)


def report(store: str, period: str) -> dict[str, Any]:
    result = run(store, "report", "annual" if len(period) == 4 else "monthly", period, "--format", "json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_messy_labels_and_dates_are_recognised(tmp_path: Path, store: str) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", MESSY)
    result = run(store, "import-ledger", str(ledger))
    assert result.exit_code == 0, result.output
    rows = report(store, "2024")["applications"]
    assert rows["new"]["total"] == 8
    assert rows["partially_disclosed"]["natural_person"] == 1
    assert rows["partially_disclosed"]["commercial_enterprise"] == 1
    assert rows["withheld_state_secret"]["legal_service_org"] == 1
    assert rows["withheld_security_stability"]["research_institution"] == 1
    assert rows["withheld_third_party_rights"]["social_welfare_org"] == 1
    assert rows["other"]["other_org"] == 1  # withdrawn
    assert rows["unavailable_not_held"]["natural_person"] == 1
    assert rows["carried_out"]["total"] == 1


def test_dry_run_shows_rows_and_records_nothing(tmp_path: Path, store: str, tracker: Tracker) -> None:
    result = run(store, "import-ledger", str(write_ledger(tmp_path / "l.xlsx", MESSY)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "row 3: 2024-03-05 received" in result.stdout and "column C 申请日期 → received" in result.stdout
    assert "would record" in result.stdout
    assert tracker.counts()["events"] == 0


def test_a_ledger_already_imported_is_not_doubled(tmp_path: Path, store: str) -> None:
    ledger = write_ledger(tmp_path / "l.xlsx", MESSY)
    assert run(store, "import-ledger", str(ledger)).exit_code == 0
    again = run(store, "import-ledger", str(ledger))
    assert again.exit_code == 0, again.output
    assert "0 events recorded" in again.stderr
    assert report(store, "2024")["applications"]["new"]["total"] == 8


def test_one_bad_row_writes_nothing_and_is_named(tmp_path: Path, store: str, tracker: Tracker) -> None:
    rows = [list(row) for row in MESSY]
    rows[4][1] = "2024年13月5日"  # ledger row 7
    rows[6][8] = "部分同意"  # ledger row 9: not an outcome
    result = run(store, "import-ledger", str(write_ledger(tmp_path / "bad.xlsx", rows)))
    assert result.exit_code == 1
    assert "nothing was recorded" in result.stderr
    assert "row 7, column C (received), value '2024年13月5日': not a real calendar date" in result.stderr
    assert "row 9, column J (outcome), value '部分同意': unknown outcome" in result.stderr
    assert tracker.counts()["events"] == 0


def test_a_row_the_rules_refuse_writes_nothing(tmp_path: Path, store: str, tracker: Tracker) -> None:
    rows = [list(row) for row in MESSY]
    rows[0][7] = "2024-03-01"  # answered before it was received
    result = run(store, "import-ledger", str(write_ledger(tmp_path / "bad.xlsx", rows)))
    assert result.exit_code == 1
    assert "row 3, column J (answered)" in result.stderr and "before the application was received" in result.stderr
    assert tracker.counts()["events"] == 0


def test_a_mapping_file_adds_an_agencys_own_words(tmp_path: Path, store: str) -> None:
    header = [
        "序号",
        "收文号",
        "申请日期",
        "来源",
        "申请人类型",
        "申请人",
        "申请内容",
        "报备时间",
        "答复日期",
        "办理结果",
        "备注",
    ]
    rows = [["A-1", "2024-05-06", "微信", "公民", None, None, None, "2024-05-10", "已公开"]]
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": {"收文号": "number", "来源": "channel"},
                "values": {"channel": {"微信": "online"}, "outcome": {"已公开": "disclosed"}},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ledger = write_ledger(tmp_path / "own.xlsx", rows, header)
    assert run(store, "import-ledger", str(ledger)).exit_code == 1  # 收文号 alone is not known
    result = run(store, "import-ledger", str(ledger), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert report(store, "2024")["applications"]["disclosed"]["natural_person"] == 1


OUTCOME_VARIANTS = {
    "disclosed": ["（一）予以公开", "予以公开", "公开"],
    "partially_disclosed": ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开", "（二）部分公开"],
    "withheld_process_info": ["6.属于四类过程性信息", "（三）不予公开6、属于四类过程性信息", "属于四类过程性信息"],
    "unavailable_needs_creation": ["2.没有现成信息需要另行制作", "（四）无法提供 2、没有现成信息需要另行制作"],
    "rejected_repeat": ["2.重复申请", "（五）不予处理 2．重复申请", "重复申请"],
    "other": ["（六）其他处理", "3.其他", "撤回"],
}
CHANNEL_VARIANTS = {
    "online": ["网上申请", "网上", "在线"],
    "mail": ["邮寄", "信函", "EMS"],
    "in_person": ["当面提交", "当面"],
}
TYPE_VARIANTS = {
    "natural_person": ["自然人", "公民", "个人"],
    "commercial_enterprise": ["商业企业", "企业", "法人或其他组织-商业企业"],
}


def test_a_500_row_ledger_with_variant_labels_imports_exactly(tmp_path: Path, store: str) -> None:
    rows, expected = [], Counter[tuple[str, str]]()
    outcomes, channels, types = (
        list(OUTCOME_VARIANTS.items()),
        list(CHANNEL_VARIANTS.items()),
        list(TYPE_VARIANTS.items()),
    )
    start = dt.date(2024, 1, 2)
    for i in range(500):
        received = start + dt.timedelta(days=i % 300)
        outcome, words = outcomes[i % len(outcomes)]
        kind, type_words = types[i % len(types)]
        channel_words = channels[i % len(channels)][1]
        date_forms = [
            received,
            received.strftime("%Y年%-m月%-d日"),
            received.strftime("%Y/%-m/%-d"),
            (received - dt.date(1899, 12, 30)).days,
        ]
        answered = received + dt.timedelta(days=10) if i % 7 else None
        rows.append(
            [
                f"YZ-2024-{i + 1:04d}",
                date_forms[i % 4],
                channel_words[i % len(channel_words)],
                type_words[i % len(type_words)],
                f"申请人{i}",
                None,
                None,
                answered.strftime("%Y年%m月%d日") if answered else None,
                words[i % len(words)] if answered else None,
            ]
        )
        expected[("new", kind)] += 1
        if answered:
            expected[(outcome, kind)] += 1
        else:
            expected[("carried_out", kind)] += 1
    result = run(store, "import-ledger", str(write_ledger(tmp_path / "big.xlsx", rows)))
    assert result.exit_code == 0, result.output
    table = report(store, "2024")["applications"]
    for (row, column), n in expected.items():
        assert table[row][column] == n, (row, column)
    assert table["new"]["total"] == 500
    assert table["total_handled"]["total"] + table["carried_out"]["total"] == 500


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("２０２４年３月５日", dt.date(2024, 3, 5)),
        ("2024-3-5", dt.date(2024, 3, 5)),
        ("2024/03/05 10:30", dt.date(2024, 3, 5)),
        ("2024.3.5", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        (45356, dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 9, 0), dt.date(2024, 3, 5)),
        ("", None),
    ],
)
def test_dates_in_every_common_spelling(value: Any, day: dt.date | None) -> None:
    assert parse_date(value) == day


def test_a_two_row_grouped_header_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["受理编号", "收到申请日期", "申请人类别", "补正", None, "答复日期", "办理结果"])
    sheet.append([None, None, None, "补正通知日期", "补正收到日期", None, None])
    sheet.merge_cells("D1:E1")
    sheet.append(["N-1", "2024-02-01", "自然人", "2024-02-02", "2024-02-05", "2024-02-20", "予以公开"])
    book.save(tmp_path / "grouped.xlsx")
    read = read_ledger(tmp_path / "grouped.xlsx", mapping=LedgerMapping())
    assert not read.problems
    assert [line.event for line, _ in read.lines] == [
        "received",
        "correction_requested",
        "correction_received",
        "answered",
    ]
