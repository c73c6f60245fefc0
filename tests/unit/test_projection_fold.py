"""Given these events, this table: the projection as a pure fold (docs/tables.md)."""

from __future__ import annotations

import json
from typing import Any

from domain.codes import TableFormat
from tests.conftest import FIXTURES, SHANGHAI_EXAMPLE, fold_report, lines_of


def received(number: str, date: str, applicant_type: str = "natural_person") -> dict[str, Any]:
    return {"event": "received", "request": number, "date": date, "channel": "online", "applicant_type": applicant_type}


def answered(number: str, date: str, outcome: str = "disclosed") -> dict[str, Any]:
    return {"event": "answered", "request": number, "date": date, "outcome": outcome}


def test_shanghai_2024_published_table_is_reproduced() -> None:
    expected = json.loads(SHANGHAI_EXAMPLE.read_text(encoding="utf-8"))
    report = fold_report(lines_of(FIXTURES / "shanghai_2024.jsonl"), "2024")
    assert report["format"] == "2021"
    assert report["applications"] == expected["applications"]
    assert report["appeals"] == expected["appeals"]


def test_seed_2020_table_in_the_2019_format() -> None:
    report = fold_report(lines_of(FIXTURES / "seed_2020.jsonl"), "2020")
    rows = report["applications"]
    assert report["format"] == "2019" and len(rows) == 23
    assert rows["new"]["natural_person"] == 2
    assert rows["unavailable_not_held"]["natural_person"] == rows["rejected_petition_complaint"]["natural_person"] == 1
    assert rows["carried_out"]["total"] == rows["carried_in"]["total"] == 0


def test_open_application_is_carried_out_then_in() -> None:
    lines = [received("R1", "2024-12-20"), answered("R1", "2025-01-08", "withheld_third_party_rights")]
    y2024, y2025 = fold_report(lines, "2024")["applications"], fold_report(lines, "2025")["applications"]
    assert y2024["new"]["total"] == y2024["carried_out"]["total"] == 1 and y2024["total_handled"]["total"] == 0
    assert y2025["carried_in"]["total"] == y2025["withheld_third_party_rights"]["total"] == 1
    assert y2025["new"]["total"] == 0


def test_reclassification_moves_the_application_to_its_latest_column_everywhere() -> None:
    lines = [
        received("R1", "2024-12-20"),
        answered("R1", "2025-01-08"),
        {"event": "classified", "request": "R1", "date": "2025-03-01", "applicant_type": "legal_service_org"},
    ]
    for period in ("2024", "2025", "2024-12", "2025-01"):
        rows = fold_report(lines, period)["applications"]
        assert sum(v["natural_person"] for v in rows.values()) == 0, period
    assert fold_report(lines, "2024")["applications"]["new"]["legal_service_org"] == 1


def test_withdrawal_counts_in_other_and_in_the_2019_other_row() -> None:
    lines = [received("R1", "2024-03-01"), {"event": "withdrawn", "request": "R1", "date": "2024-03-05"}]
    assert fold_report(lines, "2024")["applications"]["other"]["total"] == 1
    old = fold_report(lines, "2024", TableFormat.F2019)["applications"]
    assert old["other"]["total"] == 1 and "other_no_correction" not in old


def test_corrected_answer_date_moves_the_counting_year() -> None:
    lines = [
        received("R1", "2024-12-01"),
        answered("R1", "2025-01-03"),
        {
            "event": "corrected",
            "request": "R1",
            "date": "2025-01-10",
            "reason": "送达日为12月31日",
            "answered_date": "2024-12-31",
            "outcome": "unavailable_needs_creation",
        },
    ]
    y2024 = fold_report(lines, "2024")["applications"]
    assert y2024["unavailable_needs_creation"]["total"] == 1 and y2024["carried_out"]["total"] == 0
    assert fold_report(lines, "2025")["applications"]["total_handled"]["total"] == 0


def test_voided_application_leaves_every_table_with_its_appeal_and_fees() -> None:
    lines = [
        received("R1", "2024-03-01"),
        {"event": "fee_notified", "request": "R1", "date": "2024-03-02", "amount": "100.00"},
        {"event": "fee_paid", "request": "R1", "date": "2024-03-03"},
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2024-03-04"},
        {"event": "voided", "request": "R1", "date": "2024-03-05", "reason": "重复录入"},
    ]
    report = fold_report(lines, "2024")
    assert all(v["total"] == 0 for v in report["applications"].values())
    assert report["appeals"]["reconsideration"]["total"] == 0 and report["fees_collected"] == "0.00"


def test_appeal_counts_under_its_result_as_of_the_period_end() -> None:
    lines = [
        received("R1", "2024-03-01"),
        answered("R1", "2024-03-20", "withheld_process_info"),
        {"event": "appealed", "request": "R1", "case": "C1", "kind": "reconsideration", "date": "2024-05-06"},
        {"event": "appeal_decided", "case": "C1", "result": "corrected", "date": "2024-07-01"},
        {"event": "appeal_decided", "case": "C1", "result": "upheld", "date": "2025-02-01"},
    ]
    assert fold_report(lines, "2024")["appeals"]["reconsideration"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 1,
    }
    assert fold_report(lines, "2024-05")["appeals"]["reconsideration"]["pending"] == 1
    assert fold_report(lines, "2025")["appeals"]["reconsideration"]["total"] == 0


def test_fees_count_in_the_period_they_were_paid() -> None:
    lines = [
        received("R1", "2024-03-01"),
        {"event": "fee_notified", "request": "R1", "date": "2024-03-02", "amount": "1700.00"},
        {"event": "fee_paid", "request": "R1", "date": "2024-04-03"},
    ]
    assert fold_report(lines, "2024")["fees_collected"] == "1700.00"
    assert fold_report(lines, "2024-03")["fees_collected"] == "0.00"
    assert fold_report(lines, "2024-04")["fees_collected"] == "1700.00"
