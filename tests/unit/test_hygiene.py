"""Input hygiene (domain/hygiene.py) as every line gets it: identifiers, text, business dates; and the cells helper
that keeps formulas as text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from openpyxl import Workbook

from domain.hygiene import FIRST_BUSINESS_DAY, check_business_date, check_text, clean_identifier
from domain.lines import _NOT_FIELDS, LINE_MODELS, LineError, _checks, parse_object
from domain.values import Code, IsoDate, Month, Text
from projections.render.cells import CSV_TRIGGERS, csv_text, csv_text_back, save_workbook

HIDDEN = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
    "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041", "\ue000", "\u3164",
]  # fmt: skip


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_hidden_characters_in_an_identifier_are_refused_and_named(char: str) -> None:
    with pytest.raises(ValueError, match=r"U\+"):
        clean_identifier(f"YZ-2026{char}-0001")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("ＹＺ－２０２６－０００１", "YZ-2026-0001"),
        ("\u3000GK-001\u3000", "GK-001"),
        ("①号", "1号"),
        ("鄞司依申〔2020〕2号", "鄞司依申〔2020〕2号"),
        ("鄞司依申（2020）2号", "鄞司依申(2020)2号"),
        ("YZ-2026-0007", "YZ-2026-0007"),
    ],
)
def test_identifiers_are_nfkc_normalised(given: str, kept: str) -> None:
    assert clean_identifier(given) == kept


def test_a_line_carries_the_normalised_number_and_agency() -> None:
    line = parse_object(
        {"event": "registered", "request": "ＹＺ－１", "date": "2026-03-03", "agency": "ＹＺＳＦＪ", "clerk": "王芳"}
    )
    assert (line.request, line.agency) == ("YZ-1", "YZSFJ")


@pytest.mark.parametrize("text", ["\u009b31m", "a\u0080b", "\u0085"])
def test_c1_controls_are_refused_in_any_text(text: str) -> None:
    with pytest.raises(ValueError, match="U\\+00"):
        check_text(text, name=False)


def test_a_name_is_one_line_a_subject_may_have_several() -> None:
    check_text("第一段\n\n第二段\t附表", name=False)
    for text in ("李\t某", "李\n某", "李\r某", "李\u2028某"):
        with pytest.raises(ValueError, match="one line"):
            check_text(text, name=True)


def test_business_dates_start_when_the_regulation_came_into_force() -> None:
    check_business_date(FIRST_BUSINESS_DAY)
    check_business_date("2200-12-31")
    for day in (dt.date(2008, 4, 30), dt.date(1, 1, 1), "1026-06-01", dt.date(9999, 12, 31)):
        with pytest.raises(ValueError, match=r"2008-05-01|2200-12-31"):
            check_business_date(day)


def _value_type(info: Any) -> bool:
    """Tell whether a field holds text, a code, a date or a month (what the hygiene checks must cover)."""
    aliases: tuple[Any, ...] = (Text, Code, IsoDate, Month)
    if getattr(info.annotation, "__args__", None):
        return any(alias in info.annotation.__args__ for alias in aliases)
    return any(tuple(info.metadata) == tuple(alias.__metadata__) for alias in aliases)


@pytest.mark.parametrize("name", sorted(LINE_MODELS))
def test_every_text_date_and_identifier_field_of_every_line_is_checked(name: str) -> None:
    """A field added later (a new event, a new option) is covered without anyone remembering to add it."""
    checked = {key for key, _ in _checks(name)}
    model = LINE_MODELS[name]
    wanted = {
        key
        for key, info in model.model_fields.items()
        if key not in _NOT_FIELDS and _value_type(info) and key not in ("kind", "offset", "notifier")
    }
    assert wanted <= checked, wanted - checked


def test_a_line_dated_before_2008_is_refused_with_its_field() -> None:
    with pytest.raises(LineError) as refused:
        parse_object({"event": "correction_requested", "request": "B-1", "date": "2026-03-03", "until": "2001-01-01"})
    assert refused.value.field == "until" and "2008-05-01" in refused.value.reason


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(1,1)", "\t=1", "\r=1", "\n=1", "'=1+1", "''", "普通"])
def test_csv_cells_escape_formulas_and_come_back_exactly(text: str) -> None:
    written = csv_text(text)
    assert not written.startswith(CSV_TRIGGERS)
    assert csv_text_back(written) == text
    assert csv_text(17) == 17


def test_a_saved_workbook_holds_no_formula_and_no_error_cell(tmp_path: Any) -> None:
    from openpyxl import load_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["=1+1", "#N/A", '=HYPERLINK("http://x")', 3])
    second = book.create_sheet("二")
    second["B2"] = "=SUM(A1:A3)"
    save_workbook(book, tmp_path / "x.xlsx")
    loaded = load_workbook(tmp_path / "x.xlsx")
    cells = [(c.value, c.data_type) for s in loaded.worksheets for row in s.iter_rows() for c in row if c.value]
    assert cells == [("=1+1", "s"), ("#N/A", "s"), ('=HYPERLINK("http://x")', "s"), (3, "n"), ("=SUM(A1:A3)", "s")]
