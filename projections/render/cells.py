"""Text a spreadsheet would run as a formula, kept as text in every spreadsheet-like output (OWASP: CSV injection).

An applicant's name or a subject such as `=HYPERLINK("http://…", "点击")` must reach the XLSX workbooks and the CSV
export as the text it is, never as a live formula. XLSX: openpyxl makes a string starting with "=" a formula and
one equal to an error code ("#N/A") an error cell when it is assigned; setting the cell's type back to a string
afterwards keeps the very text, shown as typed (an apostrophe there would change the data). CSV has no types, so
a text cell that starts with = + - @ TAB CR LF gets OWASP's apostrophe prefix; so does one that starts with an
apostrophe, so that reading our own CSV back removes exactly one and the round trip is exact.
"""

from __future__ import annotations

import os
from typing import IO, TypeVar

from openpyxl import Workbook

V = TypeVar("V")  # a cell's value

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_ESCAPE = "'"
_LIVE = ("f", "e")  # openpyxl's data types of a formula and of an error value


def save_workbook(book: Workbook, target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Save a workbook with every cell that would be a formula or an error value turned back into its text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in _LIVE and isinstance(cell.value, str):
                    cell.data_type = "s"
    book.save(target)  # openpyxl writes to a binary stream as to a path


def csv_text(value: V) -> V | str:
    """Return a CSV cell's value with OWASP's apostrophe before text a spreadsheet would run; other values as given."""
    if isinstance(value, str) and value.startswith((*CSV_TRIGGERS, CSV_ESCAPE)):
        return CSV_ESCAPE + value
    return value


def csv_text_back(value: str) -> str:
    """Return the text of a cell written by `csv_text` (one leading apostrophe removed)."""
    return value[1:] if value.startswith(CSV_ESCAPE) else value
