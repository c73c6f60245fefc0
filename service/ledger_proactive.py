"""A ledger workbook's table 二 sheet (主动公开) → one `proactive_figures_recorded` line (docs/import-format.md).

The sheet is laid out as the published table 二 is: per 第二十条 item a header row whose first cell reads 信息内容
and whose other cells name the columns (本年制发件数 …), then one row per kind of information (规章 …) with its
figures under those columns. The report year is written in the sheet's title or name ("2024年度主动公开…"). Labels
are matched in one canonical spelling (full-width folded, no spaces); a figure's cell may hold a number or its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.codes import TableFormat
from domain.proactive import ITEM_HEADER, MONEY, Column, Figure, format_for, row_columns
from service.ledger_columns import letter
from service.ledger_words import cell_text, norm

SHEET_WORDS = ("主动公开", "表二")  # a sheet whose name holds one of these is table 二
_YEAR = re.compile(r"((?:19|20|21)\d\d)\s*年")
_WHOLE = re.compile(r"-?\d+")


@dataclass
class ProactiveRead:
    """Table 二 as a sheet gives it: the year, the figures named, where the first figure was, every problem."""

    sheet: str
    year: int | None = None
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    first_row: int = 0  # the sheet's row (1-based) of the first figure read
    problems: list[str] = field(default_factory=list)


def proactive_sheet(names: Sequence[str], main: str) -> str | None:
    """Return the name of the workbook's table 二 sheet (not the ledger's own), None if it has none."""
    return next((name for name in names if name != main and any(word in name for word in SHEET_WORDS)), None)


def _labels(table_format: TableFormat) -> dict[str, str]:
    return {
        norm(name): code
        for code, (row, _) in row_columns(table_format).items()
        for name in (code, row.label, *row.aliases)
    }


def read_proactive(sheet: str, rows: Sequence[Sequence[object]]) -> ProactiveRead:
    """Read a table 二 sheet's figures, with each problem named by sheet, row, column and value."""
    read = ProactiveRead(sheet)
    read.year = _year(sheet, rows)
    if read.year is None:
        read.problems.append(
            f"工作表 {sheet}：找不到年度，请在表头写明，如“2024年度” / sheet {sheet}: no report year in its title"
        )
        return read
    table_format = format_for(read.year)
    layout, own, other = row_columns(table_format), _labels(table_format), _labels(_other(table_format))
    header: list[tuple[int, str]] = []
    for number, cells in enumerate(rows, 1):
        texts = [cell_text(value) for value in cells]
        first = next((i for i, text in enumerate(texts) if text), None)
        if first is None:
            continue
        label = norm(texts[first])
        if label == norm(ITEM_HEADER):
            header = [(i, norm(text)) for i, text in enumerate(texts) if i > first and text]
        elif label in own and header:
            _read_row(read, number, cells, own[label], layout[own[label]][1], header)
        elif label in other and label not in own:
            read.problems.append(
                f"工作表 {sheet} 第 {number} 行：{texts[first]} 属于 {_other(table_format)} 版表二，"
                f"{read.year} 年度用 {table_format} 版 / row {number}: {texts[first]!r} is of the other layout"
            )
    if not read.figures and not read.problems:
        read.problems.append(f"工作表 {sheet}：没有读到表二的数字 / sheet {sheet}: no figure of table 二 found")
    return read


def _read_row(
    read: ProactiveRead,
    number: int,
    cells: Sequence[object],
    row: str,
    columns: tuple[Column, ...],
    header: list[tuple[int, str]],
) -> None:
    """Read one row's figures under the header's columns."""
    known = {norm(name): column for column in columns for name in (column.code, column.label, *column.aliases)}
    for index, name in header:
        column = known.get(name)
        where = f"工作表 {read.sheet} {letter(index)}{number}"
        if column is None:
            read.problems.append(f"{where}：{row} 行没有“{name}”栏 / {where}: row {row} has no column {name!r}")
            continue
        text = cell_text(cells[index] if index < len(cells) else None).replace("\u3000", "")
        if not text:
            continue
        if column.kind == MONEY:
            figure: Figure = text
        elif _WHOLE.fullmatch(text):
            figure = int(text)
        else:
            read.problems.append(f"{where}：{text!r} 不是整数 / {where}: {text!r} is not a whole number")
            continue
        read.figures.setdefault(row, {})[column.code] = figure
        read.first_row = read.first_row or number


def _year(sheet: str, rows: Sequence[Sequence[object]]) -> int | None:
    """Return the year the sheet's name or its title rows (before the first 信息内容) name."""
    for text in (sheet, *(cell_text(value) for cells in rows for value in cells)):
        if norm(text) == norm(ITEM_HEADER):
            break
        if found := _YEAR.search(text):
            return int(found[1])
    return None


def _other(table_format: TableFormat) -> TableFormat:
    return TableFormat.F2019 if table_format is TableFormat.F2021 else TableFormat.F2021
