"""How one event changes one field of its aggregate's state: the words of the fold tables (pure).

Each event class states its changes once (`changes`, e.g. `Request.Answered`: `closed` ← the date, `outcome` ←
its outcome, `state` ← "answered"). Every fold reads that one statement: the aggregate (whose state the
refusals read), the deadline facts, the catch-up's frozen facts (projections/facts.py), the replay's and the
import's plain-JSON fold (projections/replay.py) and the closed-year check (domain/closing.py). Adding an event
field that changes the state is one `Change` next to the field: docs/adding-an-event-field.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# A change's source that names the event's own business date.
DATE = "date"

SET, GIVEN, FIRST, COUNT, APPEND, INCLUDE = "set", "given", "first", "count", "append", "include"


@dataclass(frozen=True, slots=True)
class Change:
    """One field of the state after one event: `op` says how, `source` which event field (or `value`) it takes.

    - set: the field takes the source (or the constant `value`);
    - given: the same, only when the event gives the source (a correction changes what it names);
    - first: the field takes the source only while it is still unset (the first 报备 counts);
    - count: the field (a number) moves by `value`, never below zero;
    - append: the field (a sequence) gains the pair (event date, source);
    - include: the field (a set) gains the source.
    """

    op: str
    field: str
    source: str | None = None
    value: Any = None
    convert: Callable[[Any], Any] | None = None  # applied to the source's value (e.g. yuan → fen)

    def reads(self, event: Any) -> Any:
        """Return what the change takes from an event (an object with the event's fields as attributes)."""
        if self.source is None:
            return self.value
        value = getattr(event, self.source)
        return value if value is None or self.convert is None else self.convert(value)


def Set(field: str, source: str | None = None, *, value: Any = None) -> Change:
    """The field takes the event's `source` field, or the constant `value`."""
    return Change(SET, field, source, value)


def Given(field: str, source: str) -> Change:
    """The field takes the event's `source` field when the event gives one."""
    return Change(GIVEN, field, source)


def First(field: str, source: str = DATE) -> Change:
    """The field takes the event's `source` field while it is unset."""
    return Change(FIRST, field, source)


def Count(field: str, by: int) -> Change:
    """The field moves by `by`, never below zero."""
    return Change(COUNT, field, None, by)


def Append(field: str, source: str, convert: Callable[[Any], Any] | None = None) -> Change:
    """The field gains (event date, the event's `source` field)."""
    return Change(APPEND, field, source, None, convert)


def Include(field: str, source: str) -> Change:
    """The field (a set) gains the event's `source` field."""
    return Change(INCLUDE, field, source)


def changed_value(change: Change, current: Any, event: Any) -> tuple[bool, Any]:
    """Return whether a change applies to a field now holding `current`, and the field's new value."""
    op = change.op
    if op == SET:
        return True, change.reads(event)
    if op == GIVEN:
        value = change.reads(event)
        return value is not None, value
    if op == FIRST:
        return current is None, change.reads(event)
    if op == COUNT:
        return True, max(0, current + change.value)
    if op == APPEND:
        return True, (*current, (event.date, change.reads(event)))
    if op == INCLUDE:
        return True, current | {change.reads(event)}
    raise ValueError(f"unknown change {op!r}")


def apply_changes(changes: Iterable[Change], state: Any, event: Any) -> None:
    """Apply an event's changes to a mutable state object (an aggregate, the deadline facts)."""
    for change in changes:
        applies, value = changed_value(change, getattr(state, change.field), event)
        if applies:
            setattr(state, change.field, value)


def changed_fields(changes: Iterable[Change], current: Callable[[str], Any], event: Any) -> dict[str, Any]:
    """Return the new values of the fields an event changes, reading each field's value with `current`."""
    new: dict[str, Any] = {}
    for change in changes:
        field = change.field
        applies, value = changed_value(change, new[field] if field in new else current(field), event)
        if applies:
            new[field] = value
    return new


def as_date(value: Any) -> dt.date | None:
    """Return a date field's value as a date (a line's fields hold ISO text, events hold dates)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
