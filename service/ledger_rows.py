"""One ledger row → its import lines: the cells read as dates and codes, then the events the row shows, in date
order (`received`, 报备, 补正, `extended`, the answer or withdrawal, an appeal and its decision)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.codes import Channel
from domain.lines import Line, LineError, parse_object
from service.ledger_columns import REQUIRED, LedgerMapping, letter
from service.ledger_words import DATE_FIELDS, VALUES, WITHDRAWN, cell_text, norm, parse_date, strip_label

# A cell as read: a date, a code, a text, or None when empty.
Cell = dt.date | str | None
# An import object of one row (JSON-ready values), and the column it mainly rests on.
RowLine = tuple[dict[str, str], str]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a line came from: the ledger row, and the column it mainly rests on."""

    row: int
    column: str


@dataclass
class LedgerRead:
    """The lines a ledger maps to, where each came from, every problem found, and the columns used."""

    sheet: str
    lines: list[tuple[Line, Source]] = field(default_factory=list)
    found: list[tuple[int, str]] = field(default_factory=list)  # (row, problem), in the order found
    columns: dict[str, str] = field(default_factory=dict)  # field -> "C 收到申请日期"
    ignored: list[str] = field(default_factory=list)
    rows: int = 0

    def add_problem(self, row: int, problem: str) -> None:
        """Note a problem of a row: the row then records nothing."""
        self.found.append((row, problem))

    @property
    def problems(self) -> list[str]:
        """Return every problem, by row (a row's own in the order found)."""
        return [problem for _, problem in sorted(self.found, key=lambda found: found[0])]

    @property
    def bad_rows(self) -> set[int]:
        """Return the rows that have a problem."""
        return {row for row, _ in self.found}


def _code(field_name: str, value: object, mapping: LedgerMapping) -> str | None:
    text = cell_text(value)
    if not text:
        return None
    own = mapping.values.get(field_name, {})
    known = VALUES[field_name]
    for key in (norm(text), strip_label(text)):
        if key in own:
            return own[key]
        if key in known:
            return known[key]
    raise ValueError(f"unknown {field_name.replace('_', ' ')} (add it to a --mapping file under values.{field_name})")


def map_row(
    row: int, values: Mapping[str, object], columns: Mapping[int, str], mapping: LedgerMapping, result: LedgerRead
) -> None:
    """Add a row's lines to `result`, or every problem of the row (then none of its lines)."""
    where = {name: letter(col) for col, name in columns.items()}
    cells: dict[str, Cell] = {}
    problems: list[str] = []
    for name, value in values.items():
        try:
            if name in DATE_FIELDS:
                cells[name] = parse_date(value)
            elif name in VALUES:
                cells[name] = _code(name, value, mapping)
            else:
                cells[name] = cell_text(value) or None
        except ValueError as error:
            problems.append(f"row {row}, column {where[name]} ({name}), value {cell_text(value)!r}: {error}")
    for name in REQUIRED:
        if (
            name in cells
            and cells[name] is None
            and not any(p.startswith(f"row {row}, column {where[name]} ") for p in problems)
        ):
            problems.append(f"row {row}, column {where[name]} ({name}): required, but the cell is empty")
    if problems:
        for problem in problems:
            result.add_problem(row, problem)
        return
    try:
        lines = _row_lines(cells)
    except _RowError as error:
        result.add_problem(row, f"row {row}, column {where.get(error.field, '?')} ({error.field}): {error.reason}")
        return
    for data, column in lines:
        try:
            line = parse_object(data)
        except LineError as error:
            name = column if error.field in ("line", "event") else error.field
            result.add_problem(row, f"row {row}, column {where.get(name, '?')} ({name}): {error.reason}")
            return
        result.lines.append((line, Source(row, where.get(column, "?"))))


class _RowError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field, self.reason = field_name, reason
        super().__init__(reason)


def _day(value: Cell) -> str:
    """Return a date cell as an import date (the cell is known to hold a date: its column is a date field)."""
    assert isinstance(value, dt.date)
    return value.isoformat()


def _str(value: Cell) -> str:
    """Return a code or text cell (the cell is known to be filled: it was checked for)."""
    assert isinstance(value, str)
    return value


def _row_lines(cells: Mapping[str, Cell]) -> list[RowLine]:
    """Return the import objects of one row, in date order (same date: the ledger's column order)."""
    number, clerk = cells["number"], cells.get("clerk")
    base: dict[str, str] = {"request": _str(number), **({"clerk": _str(clerk)} if clerk else {})}
    received: dict[str, str] = {
        **base,
        "event": "received",
        "date": _day(cells["received"]),
        "channel": _str(cells.get("channel") or Channel.OTHER.value),
        "applicant_type": _str(cells["applicant_type"]),
    }
    for name in ("applicant", "subject"):
        if cells.get(name):
            received[name] = _str(cells[name])
    lines: list[RowLine] = [(received, "received")]
    steps = {
        "registered": "registered",
        "correction_requested": "correction_requested",
        "correction_received": "correction_received",
        "extended": "extended",
    }
    for column, event in steps.items():
        if cells.get(column):
            lines.append(({**base, "event": event, "date": _day(cells[column])}, column))
    outcome, answered = cells.get("outcome"), cells.get("answered")
    if bool(outcome) != bool(answered):
        missing = "answered" if outcome else "outcome"
        raise _RowError(
            missing, f"{'an outcome needs its answer date' if outcome else 'an answer date needs its outcome'}"
        )
    if outcome == WITHDRAWN:
        lines.append(({**base, "event": "withdrawn", "date": _day(answered)}, "outcome"))
    elif outcome:
        lines.append(({**base, "event": "answered", "date": _day(answered), "outcome": _str(outcome)}, "outcome"))
    lines.extend(_appeal_lines(cells, base))
    order = {name: i for i, name in enumerate(("received", *steps, "outcome", "appealed", "appeal_result"))}
    return [lines[0], *sorted(lines[1:], key=lambda item: (item[0]["date"], order.get(item[1], 99)))]


def _appeal_lines(cells: Mapping[str, Cell], base: Mapping[str, str]) -> list[RowLine]:
    case, kind, appealed = cells.get("case"), cells.get("appeal_kind"), cells.get("appealed")
    if not (case or kind or appealed):
        return []
    for name, value in (("case", case), ("appeal_kind", kind), ("appealed", appealed)):
        if not value:
            raise _RowError(name, "an appeal needs its case number, kind (复议/诉讼) and date")
    recorder = {k: v for k, v in base.items() if k == "clerk"}
    number = _str(case)
    lines: list[RowLine] = [
        ({**base, "event": "appealed", "case": number, "kind": _str(kind), "date": _day(appealed)}, "appealed")
    ]
    result, decided = cells.get("appeal_result"), cells.get("appeal_result_date")
    if result and decided:
        lines.append(
            (
                {**recorder, "event": "appeal_decided", "case": number, "result": _str(result), "date": _day(decided)},
                "appeal_result",
            )
        )
    elif result or decided:
        raise _RowError(
            "appeal_result_date" if result else "appeal_result", "a result needs its date, and a date its result"
        )
    return lines
