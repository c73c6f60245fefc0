"""Read an agency's Excel ledger (台账) into import lines: messy labels and dates in, checked events out.

Each ledger row becomes the events it shows: `received`, then (when filled in) `registered`, 补正,
`extended`, `answered` or `withdrawn`, and an appeal with its decision. Column headers and cell values are
recognised in their official wording and common variants (numbering `1.`/`1、`/`（一）`, full-width
punctuation, a group prefix such as 不予公开, the 部分公开 note, dates as Excel dates or text such as
`2024年3月5日`); a mapping file adds an agency's own words. Every row that cannot be mapped is reported with
its row number, column, value and reason; nothing is recorded unless every row is good.

The parts: `ledger_words` (labels normalised, code words, dates), `ledger_columns` (which column holds which
field, the header row, an agency's mapping file), `ledger_rows` (one row → its import lines); this module reads
the workbook and records the lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.filing import FilingChanges
from service.ledger_columns import HEADERS, REQUIRED, LedgerError, LedgerMapping, find_header, letter
from service.ledger_proactive import ProactiveRead, proactive_sheet, read_proactive
from service.ledger_rows import LedgerRead, Source, map_row
from service.ledger_words import cell_text, parse_date

if TYPE_CHECKING:
    from service.tracker import Tracker

__all__ = [
    "LedgerError",
    "LedgerImport",
    "LedgerMapping",
    "LedgerRead",
    "Source",
    "import_ledger",
    "parse_date",
    "read_ledger",
]


def read_ledger(
    path: Path, *, sheet: str | None = None, mapping: LedgerMapping | None = None, today: dt.date | None = None
) -> LedgerRead:
    """Read a ledger workbook into import lines, with every problem named by row, column, value and reason.

    A sheet of the workbook named 主动公开 (or 表二) besides the ledger's own gives table 二's figures of its year:
    one `proactive_figures_recorded` line, dated 1 January of the next year (or `today`, if earlier), so that
    reading the workbook again finds it already recorded.
    """
    from openpyxl import load_workbook

    mapping = mapping or LedgerMapping()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as error:
        raise LedgerError(
            [f"{path}：不能作为 XLSX 工作簿打开 / cannot be opened as an XLSX workbook ({error})"]
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise LedgerError(
                [f"{path}：没有工作表 / no sheet named {sheet!r}; 现有 sheets: {', '.join(book.sheetnames)}"]
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
        table_two = proactive_sheet(book.sheetnames, ws.title)
        proactive = (
            read_proactive(table_two, [tuple(row) for row in book[table_two].iter_rows(values_only=True)])
            if table_two
            else None
        )
    finally:
        book.close()
    last_header, columns, ignored = find_header(rows, mapping)
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise LedgerError(
            [
                f"{path}：找不到这些列 / no column for {', '.join(missing)}"
                f"（可识别的列名 known labels: {HEADERS[missing[0]][0]} …）"
            ]
        )
    result = LedgerRead(ws.title, ignored=ignored)
    result.columns = {
        name: f"{letter(col)} {cell_text(rows[last_header][col]) or name}" for col, name in columns.items()
    }
    for index in range(last_header + 1, len(rows)):
        values = {name: rows[index][col] if col < len(rows[index]) else None for col, name in columns.items()}
        if not any(cell_text(v) for v in values.values()):
            continue
        result.rows += 1
        map_row(index + 1, values, columns, mapping, result)
    if proactive is not None:
        _add_proactive(result, proactive, today)
    return result


def _add_proactive(result: LedgerRead, read: ProactiveRead, today: dt.date | None) -> None:
    """Add table 二's line to what the workbook gives, or its problems (row 0: before the ledger's rows)."""
    from domain.lines import LineError, parse_object

    for problem in read.problems:
        result.add_problem(0, problem)
    if read.problems or read.year is None:
        return
    day = dt.date(read.year + 1, 1, 1)
    line = {"event": "proactive_figures_recorded", "year": read.year, "figures": read.figures}
    line["date"] = min(day, today or day).isoformat()
    try:
        parsed = parse_object(line)
    except LineError as error:
        result.add_problem(0, f"工作表 {read.sheet}：{error}")
        return
    result.lines.append((parsed, Source(0, f"{read.sheet}!{read.first_row}")))


@dataclass
class LedgerImport:
    """What importing a ledger did or would do."""

    read: LedgerRead
    recorded: int = 0
    already: int = 0
    saved: bool = False
    changed_filings: tuple[FilingChanges, ...] = ()  # filed months whose figures the rows changed (a warning)


def import_ledger(
    tracker: Tracker,
    path: Path,
    *,
    sheet: str | None = None,
    mapping: LedgerMapping | None = None,
    dry_run: bool = False,
) -> LedgerImport:
    """Map a ledger, check every event against the store, then record all of it, or nothing if any row is bad."""
    from domain.book import Book
    from domain.errors import RefusedError
    from service.documents import load_aggregate

    read = read_ledger(path, sheet=sheet, mapping=mapping, today=tracker.settings.today)
    book = Book(
        lambda aggregate_id: load_aggregate(tracker, aggregate_id),
        today=tracker.settings.today,
        agency=tracker.agency,
        clerk=tracker.settings.clerk,
    )
    bad_rows = read.bad_rows
    for line, source in read.lines:
        if source.row in bad_rows:
            continue
        try:
            book.record(line)
        except RefusedError as error:
            read.add_problem(source.row, f"row {source.row}, column {source.column} ({line.event}): {error}")
            bad_rows.add(source.row)
    result = LedgerImport(read, book.recorded, book.already)
    if not dry_run and not read.problems:
        tracker.save(book)
        result.saved = True
        if book.recorded:
            from service.filing import note_changed_filings

            result.changed_filings = tuple(note_changed_filings(tracker, book))
    return result
