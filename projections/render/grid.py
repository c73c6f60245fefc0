"""Tables 三 and 四 as grids of positioned, possibly merged cells: the one layout every writer draws."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.codes import AppealKind
from domain.labels import (
    APPEAL_COLUMN_LABELS,
    APPEAL_GROUP_LABELS,
    APPLICANT_HEADER,
    APPLICANT_LABELS,
    BALANCE_NOTE,
    LITIGATION_LABEL,
    ORG_GROUP_LABEL,
)
from projections.render.rows import APPLICANT_COLUMNS, Report, Row, report_rows
from projections.tables import APPEAL_COLUMNS

LABEL_COLUMNS = 3  # table 三: group, sub-group, row label
# Printed widths of table 三 in mm, filling the 180 mm of an A4 portrait page between 15 mm margins (DOCX and HTML):
# group, sub-group and row label, then each value. 三、本年度办理结果 and （三）不予公开 break only after their
# numbering; a value column holds six digits (6 × 0.65 em: DejaVu Serif, the widest digits LibreOffice puts in
# place of Times New Roman) and a four-character header (商业企业) on one line at 9 pt, with 1 mm cell margins.
TABLE3_PRINT_MM = (25.0, 15.5, 34.5)
VALUE_PRINT_MM = 15.0
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)(.+)$")
_ORGS = APPLICANT_COLUMNS[1:-1]


class Kind(StrEnum):
    """What a cell holds: a column header, a row label or a count."""

    HEAD = "head"
    LABEL = "label"
    VALUE = "value"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell at (row, col), 0-based, spanning rowspan × colspan grid positions."""

    row: int
    col: int
    kind: Kind
    text: str
    value: int | None = None
    rowspan: int = 1
    colspan: int = 1
    split: int = 0  # print on two lines, broken after this many characters (0: wherever the width says)

    @property
    def last_row(self) -> int:
        """Return the last grid row the cell covers."""
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        """Return the last grid column the cell covers."""
        return self.col + self.colspan - 1

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the cell's printed lines: a group label spanning rows breaks after its numbering, nowhere else."""
        if self.split:
            return (self.text[: self.split], self.text[self.split :])
        found = _NUMBERING.match(self.text) if self.kind is Kind.LABEL and self.rowspan > 1 else None
        return (found[1], found[2]) if found else (self.text,)


@dataclass(frozen=True, slots=True)
class Grid:
    """A table: its size, how many leading rows are header rows, and its cells in reading order."""

    rows: int
    cols: int
    header_rows: int
    cells: tuple[Cell, ...]

    def rows_of_cells(self) -> list[list[Cell]]:
        """Return, for each grid row, the cells that start in it, left to right."""
        lines: list[list[Cell]] = [[] for _ in range(self.rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            lines[cell.row].append(cell)
        return lines


def _head(row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(row, col, Kind.HEAD, text, rowspan=rowspan, colspan=colspan)


def _result_head(row: int, col: int, column: str, rowspan: int = 1) -> Cell:
    # Fifteen columns share the page: 结果维持 and 尚未审结 print as two words of two characters, never 3 + 1.
    text = APPEAL_COLUMN_LABELS[column]
    return Cell(row, col, Kind.HEAD, text, rowspan=rowspan, split=2 if len(text) == 4 else 0)


def _value(row: int, col: int, n: int) -> Cell:
    return Cell(row, col, Kind.VALUE, str(n), value=n)


def _run_lengths(keys: Sequence[str]) -> list[int]:
    """Return, per position, the length of the run of equal non-empty keys starting there (0 inside a run)."""
    runs = [0] * len(keys)
    for i, key in enumerate(keys):
        if key and (i == 0 or keys[i - 1] != key):
            runs[i] = next((j for j in range(i, len(keys)) if keys[j] != key), len(keys)) - i
    return runs


def _table3_header() -> list[Cell]:
    first = LABEL_COLUMNS
    return [
        _head(0, 0, BALANCE_NOTE, rowspan=3, colspan=LABEL_COLUMNS),
        _head(0, first, APPLICANT_HEADER, colspan=len(APPLICANT_COLUMNS)),
        _head(1, first, APPLICANT_LABELS[APPLICANT_COLUMNS[0]], rowspan=2),
        _head(1, first + 1, ORG_GROUP_LABEL, colspan=len(_ORGS)),
        _head(1, first + 1 + len(_ORGS), APPLICANT_LABELS["total"], rowspan=2),
        *(_head(2, first + 1 + i, APPLICANT_LABELS[org]) for i, org in enumerate(_ORGS)),
    ]


def _table3_labels(rows: Sequence[Row], top: int) -> list[Cell]:
    groups = _run_lengths([row.group for row in rows])
    subgroups = _run_lengths([row.group + row.subgroup if row.subgroup else "" for row in rows])
    cells: list[Cell] = []
    for i, row in enumerate(rows):
        r = top + i
        if groups[i]:
            cells.append(Cell(r, 0, Kind.LABEL, row.group, rowspan=groups[i]))
        if subgroups[i]:
            cells.append(Cell(r, 1, Kind.LABEL, row.subgroup, rowspan=subgroups[i]))
        col = 2 if row.subgroup else (1 if row.group else 0)
        cells.append(Cell(r, col, Kind.LABEL, row.label, colspan=LABEL_COLUMNS - col))
    return cells


def table3_grid(report: Report) -> Grid:
    """Return table 三 laid out as in the published reports (header note, merged group labels)."""
    rows, top = report_rows(report), 3
    counts = report["applications"]
    values = [
        _value(top + i, LABEL_COLUMNS + j, counts[row.code][column])
        for i, row in enumerate(rows)
        for j, column in enumerate(APPLICANT_COLUMNS)
    ]
    cells = (*_table3_header(), *_table3_labels(rows, top), *values)
    return Grid(top + len(rows), LABEL_COLUMNS + len(APPLICANT_COLUMNS), top, cells)


def _table4_header() -> list[Cell]:
    width = len(APPEAL_COLUMNS)
    cells = [
        _head(0, 0, APPEAL_GROUP_LABELS[AppealKind.RECONSIDERATION], colspan=width),
        _head(0, width, LITIGATION_LABEL, colspan=2 * width),
        *(_result_head(1, j, column, rowspan=2) for j, column in enumerate(APPEAL_COLUMNS)),
    ]
    for g, kind in enumerate((AppealKind.LITIGATION_DIRECT, AppealKind.LITIGATION_AFTER_RECONSIDERATION), 1):
        cells.append(_head(1, g * width, APPEAL_GROUP_LABELS[kind], colspan=width))
        cells.extend(_result_head(2, g * width + j, c) for j, c in enumerate(APPEAL_COLUMNS))
    return cells


def table4_grid(report: Report) -> Grid:
    """Return table 四: 行政复议 over five columns, 行政诉讼 over ten split by 未经复议 / 复议后."""
    appeals, width = report["appeals"], len(APPEAL_COLUMNS)
    values = [
        _value(3, g * width + j, appeals[kind][column])
        for g, kind in enumerate(AppealKind)
        for j, column in enumerate(APPEAL_COLUMNS)
    ]
    return Grid(4, 3 * width, 3, (*_table4_header(), *values))


def table3_print_widths() -> tuple[float, ...]:
    """Return table 三's printed column widths as percentages of the table's width."""
    widths = (*TABLE3_PRINT_MM, *([VALUE_PRINT_MM] * len(APPLICANT_COLUMNS)))
    return tuple(round(100 * w / sum(widths), 3) for w in widths)


def table4_print_widths() -> tuple[float, ...]:
    """Return table 四's printed column widths: fifteen equal columns."""
    width = round(100 / (3 * len(APPEAL_COLUMNS)), 3)
    return tuple([width] * (3 * len(APPEAL_COLUMNS)))
